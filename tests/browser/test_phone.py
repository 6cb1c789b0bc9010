"""Phone first: at 360 × 740 the home page and a situation page show what matters without
scrolling, every control is a 44 × 44 px target, and no word is broken across lines."""

import pytest

from kb.content.models import Entry, Kind, Tag
from tests.browser.phone import PHONE, box, on_first_screen, small_targets, split_words
from tests.seed import seed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded():
    seed()
    # Most opened first: give the situations different view counts.
    for views, entry in enumerate(Entry.objects.of_kind(Kind.SITUATION).order_by("-title")):
        Entry.objects.filter(pk=entry.pk).update(view_count=views)


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def test_home_shows_the_search_box_and_the_most_opened_situations_first(phone, seeded):
    phone.goto("/")
    search = phone.get_by_label("Что случилось?")
    assert on_first_screen(search)

    titles = phone.locator(".title-list a")
    most_opened = Entry.objects.of_kind(Kind.SITUATION).order_by("-view_count")
    assert titles.all_inner_texts() == [s.title for s in most_opened[: titles.count()]]
    assert on_first_screen(titles.first)
    # More than one: a useful list, not a teaser.
    assert sum(on_first_screen(titles.nth(i)) for i in range(titles.count())) >= 5

    # Rules and principles follow the situations.
    situations = box(phone.get_by_role("heading", name="Ситуации, которые открывают чаще всего"))
    rules = box(phone.get_by_role("heading", name="Правила", exact=True))
    principles = box(phone.get_by_role("heading", name="Принципы", exact=True))
    assert search_box_bottom(phone) < situations["top"] < rules["top"] < principles["top"]


def search_box_bottom(page) -> float:
    return box(page.locator("#home-search-q"))["bottom"]


def test_every_situation_shows_its_title_and_step_1_on_the_first_screen(phone, seeded):
    situations = list(Entry.objects.published().of_kind(Kind.SITUATION))
    assert len(situations) == 14
    for situation in situations:
        phone.goto(situation.get_absolute_url())
        assert on_first_screen(phone.get_by_role("heading", level=1)), situation.slug
        step_1 = phone.locator("li.step").first.locator(".prose")
        assert on_first_screen(step_1), (situation.slug, box(step_1))
        # The permanent link, print and the metadata come after the steps.
        last_step = box(phone.locator("li.step").last)
        assert box(phone.locator(".entry__tools"))["top"] > last_step["bottom"]
        assert box(phone.locator(".entry__meta dl"))["top"] > last_step["bottom"]


def test_the_sections_are_one_tap_away_from_the_compact_header(phone, seeded):
    situation = Entry.objects.of_kind(Kind.SITUATION).first()
    phone.goto(situation.get_absolute_url())
    header = box(phone.locator(".site-header"))
    assert header["bottom"] <= 120  # site name, the sections link and the search box
    assert not phone.locator(".site-nav--header").is_visible()
    phone.get_by_role("link", name="Разделы").click()
    sections = phone.get_by_role("navigation", name="Разделы")
    assert on_first_screen(sections.get_by_role("link", name="Правила"))
    sections.get_by_role("link", name="Правила").click()
    phone.wait_for_url("**/rules/")


def phone_pages() -> list[str]:
    situation = Entry.objects.get(seed_key="klient-sryvaet-sroki-so-svoim-subpodryadchikom")
    return [
        "/",
        "/situations/",
        situation.get_absolute_url(),
        Entry.objects.of_kind(Kind.RULE).first().get_absolute_url(),
        Entry.objects.of_kind(Kind.PRINCIPLE).first().get_absolute_url(),
        Entry.objects.of_kind(Kind.CASE).first().get_absolute_url(),
        situation.source.get_absolute_url(),
        "/tags/",
        Tag.objects.get(name="сроки").get_absolute_url(),
        "/search/?q=клиент",
        "/search/?q=щщщщщщ",
    ]


def test_phone_pages_have_large_targets_and_no_broken_words(phone, seeded):
    for url in phone_pages():
        phone.goto(url)
        assert small_targets(phone) == [], url
        assert split_words(phone) == [], url


def test_the_checks_can_see_small_targets_and_broken_words(phone, seeded):
    """The measurements themselves: a narrow column must break a long word, a bare link is
    small, and both are reported."""
    phone.goto("/")
    phone.evaluate(
        """() => {
          const p = document.createElement("p");
          p.style.width = "90px";
          p.style.overflowWrap = "anywhere";
          p.textContent = "Клиентоориентированность";
          const a = document.createElement("a");
          a.href = "#x";
          a.textContent = "x";
          document.querySelector("main").append(p, a);
        }"""
    )
    assert split_words(phone) == ["Клиентоориентированность"]
    assert [target.split(" ")[:2] for target in small_targets(phone)] == [["a.", "«x»"]]
