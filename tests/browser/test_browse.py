"""A staff member browses to a situation and reads its steps, in a real Chromium."""

import pytest

from kb.content.models import Entry
from tests.seed import seed

pytestmark = pytest.mark.django_db(transaction=True)


def test_open_home_follow_a_situation_and_read_its_steps(page):
    seed()
    situation = Entry.objects.get(seed_key="klient-vpal-v-isteriku")
    steps = list(situation.responses.all())

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", level=1).inner_text() == "Что происходит с клиентом?"
    page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Ситуации").click()
    page.get_by_role("link", name="Клиент впал в истерику").click()

    page.wait_for_url(f"**{situation.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == "Клиент впал в истерику"
    items = page.locator("ol.steps__list > li")
    assert items.count() == len(steps) == 3
    for item, step in zip(items.all(), steps, strict=True):
        assert item.get_attribute("id") == step.anchor
        assert step.text[:40] in item.inner_text()

    # A step's own link opens the page at that step.
    page.locator(f"#{steps[1].anchor} a.step__link").click()
    assert page.evaluate("location.hash") == f"#{steps[1].anchor}"


def test_the_page_is_usable_at_phone_width(page):
    seed()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(Entry.objects.get(seed_key="klient-umer").get_absolute_url())
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360
    assert page.get_by_role("combobox", name="Что случилось?").is_visible()


def test_keyboard_users_can_skip_to_content_and_see_focus(page):
    seed()
    page.goto("/situations/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Перейти к содержанию")
    assert skip.evaluate("el => el === document.activeElement")
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
