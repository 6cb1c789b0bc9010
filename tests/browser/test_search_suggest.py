"""Suggestions under the search box, in a real Chromium, from the real /api/v1/suggest/."""

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from kb.content.models import Entry
from tests.seed import seed

pytestmark = pytest.mark.django_db(transaction=True)

LOST_EMPLOYEE = "Наш сотрудник пропал по дороге к клиенту"
HYSTERICAL = "Клиент впал в истерику"


def suggestions_for(text: str):
    """A predicate for page.expect_response: the suggestions asked for exactly this text."""

    def matches(response) -> bool:
        url = urlsplit(response.url)
        return url.path == "/api/v1/suggest/" and parse_qs(url.query).get("q") == [text]

    return matches


def type_slowly(page, box, text: str) -> None:
    """Type as a person does, a key at a time, until the suggestions for all of it arrive."""
    with page.expect_response(suggestions_for(text)):
        box.press_sequentially(text, delay=50)


def option(page, title: str):
    return (
        page.get_by_role("listbox", name="Подсказки")
        .get_by_role("option")
        .filter(has=page.locator(".search-suggest__title", has_text=title))
    )


def test_slash_a_typo_and_the_arrow_keys_lead_to_the_entry(page):
    seed()
    entry = Entry.objects.get(title=LOST_EMPLOYEE)
    page.goto("/")

    # "/" jumps to the search box (on the home page its own large box replaces the header's)
    # and is not typed into it.
    page.keyboard.press("/")
    box = page.locator("input[data-search-input]").first
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "false")

    type_slowly(page, box, "сотрудинк")
    listbox = page.get_by_role("listbox", name="Подсказки")
    expect(listbox.get_by_role("option").first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    assert box.get_attribute("aria-controls") == listbox.get_attribute("id")
    target = option(page, LOST_EMPLOYEE)
    expect(target).to_have_count(1)
    expect(target.locator(".search-suggest__kind")).to_have_text("Ситуация")

    for _ in range(3 * listbox.get_by_role("option").count()):
        page.keyboard.press("ArrowDown")
        if target.get_attribute("aria-selected") == "true":
            break
    expect(target).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", target.get_attribute("id"))
    expect(listbox.locator('[aria-selected="true"]')).to_have_count(1)
    expect(box).to_be_focused()

    page.keyboard.press("Enter")
    page.wait_for_url(f"**{entry.get_absolute_url()}")
    assert urlsplit(page.url).path == entry.get_absolute_url()
    assert page.get_by_role("heading", level=1).inner_text() == LOST_EMPLOYEE


def test_a_click_on_a_suggestion_opens_it(page):
    seed()
    entry = Entry.objects.get(title=HYSTERICAL)
    page.goto("/situations/")
    box = page.locator("#header-search-q")
    box.click()

    type_slowly(page, box, "истерик")
    option(page, HYSTERICAL).click()

    page.wait_for_url(f"**{entry.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == HYSTERICAL


def test_escape_closes_the_list_then_empties_the_box(page):
    seed()
    page.goto("/rules/")
    box = page.locator("#header-search-q")
    box.click()
    type_slowly(page, box, "истерик")
    listbox = page.get_by_role("listbox", name="Подсказки")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")

    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "header-search-q-suggestion-0")
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    expect(box).not_to_have_attribute("aria-activedescendant", "header-search-q-suggestion-0")
    expect(box).to_have_value("истерик")

    # ArrowDown brings the list back; Tab closes it.
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(box).to_have_attribute("aria-expanded", "false")

    box.focus()
    page.keyboard.press("Escape")
    expect(box).to_have_value("")


@pytest.fixture
def phone(browser, live_server) -> Iterator[object]:
    """A 360 px wide touch screen."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="ru-RU",
        viewport={"width": 360, "height": 740},
        has_touch=True,
        is_mobile=True,
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_on_a_phone_the_suggestions_fit_and_are_easy_to_tap(phone):
    seed()
    entry = Entry.objects.get(title=HYSTERICAL)
    phone.goto("/principles/")
    box = phone.locator("#header-search-q")
    box.tap()
    type_slowly(phone, box, "истерик")
    options = phone.get_by_role("listbox", name="Подсказки").get_by_role("option")
    expect(options.first).to_be_visible()
    for item in options.all():
        area = item.bounding_box()
        assert area["height"] >= 44
        assert area["x"] >= 0
        assert area["x"] + area["width"] <= 360
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    option(phone, HYSTERICAL).tap()
    phone.wait_for_url(f"**{entry.get_absolute_url()}")
