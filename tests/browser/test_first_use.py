"""What a new user meets on a phone and a desktop (issue 23), in Chromium at 360 × 740 and
1280 × 900: links whose text reads with its spaces, the sign-in page, «Редактировать» for
editors, reading along the sample path, the home page's heading and search placeholder."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from kb.content.models import Entry, Kind
from kb.paths.models import Path, ReadMark
from kb.web import viewcounts
from tests.browser.axe import assert_accessible
from tests.browser.editor import log_in_as_editor
from tests.browser.phone import DESKTOP, PHONE, box, on_first_screen, small_targets
from tests.factories import make_path
from tests.seed import seed

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
SAMPLE_PATH = "Первая неделя: как мы работаем с клиентами"
READER_PASSWORD = "pass-reader-123"

# Links and buttons whose text, as the browser reads it out (innerText), is not their words
# with single spaces: a flex box makes each piece of a link's text (a highlighted word, a
# count) an item of its own, drops the spaces between them and reads them on lines of their own.
TEXT_NOT_AS_WRITTEN = r"""
() => [...document.querySelectorAll("a[href], button, .tag")]
  .filter(el => el.getClientRects().length > 0)
  .map(el => ({read: el.innerText.trim(), words: el.textContent.replace(/\s+/g, " ").trim()}))
  .filter(({read, words}) => read !== words)
  .map(({read, words}) => `«${read}» instead of «${words}»`)
"""

# How much of the placeholder's text fits its field: the text's width in the field's font and
# the room between the field's paddings.
PLACEHOLDER_ROOM = """
input => {
  const style = getComputedStyle(input);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  return {
    text: context.measureText(input.placeholder).width,
    room: input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
  };
}
"""


@pytest.fixture
def seeded():
    seed()


def sign_in(page, username: str = "reader", next_url: str = "/") -> User:
    user = User.objects.create_user(username, password=READER_PASSWORD, first_name="Ира")
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", READER_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"**{next_url}")
    return user


# 1. Spaces inside links


@VIEWPORTS
def test_links_read_with_their_spaces(page, seeded, viewport):
    page.set_viewport_size(viewport)
    page.goto("/search/?q=истерика")
    result = page.locator(".search-results .entry-card__title a").first
    assert result.inner_text() == "Клиент впал в истерику"
    assert result.locator("mark").inner_text() == "истерику"
    # The kind filter's counts and the tags' counts are words of their own.
    kinds = page.locator(".kind-filter a").all_inner_texts()
    assert any(re.fullmatch(r"Ситуации \d+", kind) for kind in kinds), kinds

    for url in ["/", "/search/?q=истерика", "/tags/", "/situations/", "/rules/", "/paths/"]:
        page.goto(url)
        assert page.evaluate(TEXT_NOT_AS_WRITTEN) == [], url
    page.goto("/tags/")
    tags = page.locator(".tag-cloud .tag").all_inner_texts()
    assert tags and all(re.fullmatch(r"\S.* \d+", tag) for tag in tags), tags
    if viewport is PHONE:
        # Still a finger's width and height each.
        assert small_targets(page) == []
        page.goto("/search/?q=истерика")
        assert small_targets(page) == []


# 2. The sign-in page


@VIEWPORTS
def test_sign_in_page_in_sign_in_mode_names_the_site_and_leads_nowhere_else(
    page, settings, viewport
):
    settings.PRAVILA_LOGIN_REQUIRED = True
    page.set_viewport_size(viewport)
    page.goto("/situations/")
    assert "/accounts/login/" in page.url
    assert page.title() == f"Вход — {settings.SITE_NAME}"
    assert page.locator(".site-name").inner_text() == settings.SITE_NAME
    assert "127.0.0.1" not in page.locator("header").inner_text()
    # No sections and no search: every one of them would only come back here.
    assert page.locator(".site-nav, form[role=search], .site-header__sections").count() == 0
    for href in page.locator("a[href]").evaluate_all("links => links.map(a => a.href)"):
        if "#" in href:
            continue  # the skip link, to the form on this page
        response = page.request.get(href)
        assert "/accounts/login/" not in response.url, href
    assert_accessible(page)

    # The language is chosen here, and the page stays the sign-in page.
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("load")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Signing in"
    assert page.get_by_label("Username").count() == 1
    assert_accessible(page)


@VIEWPORTS
def test_sign_in_page_in_open_mode_says_why_in_one_sentence(page, viewport):
    page.set_viewport_size(viewport)
    page.goto("/accounts/login/")
    assert page.title() == f"Вход — {settings.SITE_NAME}"
    assert page.locator(".site-name").inner_text() == settings.SITE_NAME
    reason = page.locator(".narrow > p").first.inner_text()
    assert reason == (
        "Войдите, чтобы отмечать прочитанное: если прочитанная запись изменится, "
        "вы увидите, что именно в ней поменялось."
    )
    # Here the sections and the search work: they are offered.
    assert page.locator("form[role=search]").count() == 1
    assert page.locator("#site-sections a[href='/situations/']").count() == 1
    assert_accessible(page)


# 3. «Редактировать» on a phone


@VIEWPORTS
def test_editors_can_edit_a_situation_from_its_page(page, seeded, viewport):
    log_in_as_editor(page)
    page.set_viewport_size(viewport)
    situation = Entry.objects.get(seed_key="klient-vpal-v-isteriku")
    page.goto(situation.get_absolute_url())
    edit = page.get_by_role("link", name="Редактировать", exact=True)
    assert edit.is_visible()
    assert on_first_screen(edit, viewport)
    if viewport is PHONE:  # a finger's height
        assert box(edit)["bottom"] - box(edit)["top"] >= 43.5
    # On a phone the breadcrumbs already say «Ситуации»: the kind is not repeated.
    kind_label = page.locator(".entry__header .kind-label").inner_text()
    assert kind_label == ("Редактировать" if viewport is PHONE else "Ситуация · Редактировать")
    assert on_first_screen(page.locator("li.step").first.locator(".prose"), viewport)
    edit.click()
    page.wait_for_url(f"**/admin/kb/situation/{situation.pk}/change/")


def test_readers_see_no_edit_link(page, seeded):
    page.set_viewport_size(PHONE)
    page.goto(Entry.objects.get(seed_key="klient-vpal-v-isteriku").get_absolute_url())
    assert page.get_by_role("link", name="Редактировать").count() == 0
    assert page.locator(".entry__header .kind-label").is_hidden()


# 5. Reading along a path (the seed's sample path, 7)


@VIEWPORTS
def test_reading_along_the_sample_path(page, seeded, viewport):
    path = Path.objects.get(seed_key="pervaya-nedelya")
    reader = sign_in(page, next_url=path.get_absolute_url())
    page.set_viewport_size(viewport)
    page.reload()
    assert page.get_by_role("heading", level=1).inner_text() == SAMPLE_PATH
    listed = page.locator(".path-step__title a").all_inner_texts()
    assert listed[0] == "Правило №1: Обещать меньше, делать больше"
    start = page.get_by_role("link", name=re.compile("^Начать чтение"))
    assert start.inner_text() == f"Начать чтение: {listed[0]}"
    # The permanent link comes after «Начать чтение» (and after the entries).
    permalink = page.locator(".permalink")
    assert box(permalink)["top"] > box(start)["bottom"]
    assert box(permalink)["top"] > box(page.locator(".path-step").last)["bottom"]
    assert_accessible(page)

    start.click()
    page.wait_for_url(re.compile(r"\?path=pervaya-nedelya$"))
    mark = page.get_by_role("button", name="Отметить прочитанным")
    meta = page.locator(".entry__meta")
    # Where the reader finishes the content: after the text, before the links and metadata.
    content = page.locator("#reading-actions").evaluate(
        "el => el.previousElementSibling.getBoundingClientRect().bottom"
    )
    assert content <= box(mark)["top"]
    assert box(mark)["bottom"] < box(meta)["top"]
    links = page.locator(".entry .links")
    if links.count():
        assert box(mark)["bottom"] < box(links.first)["top"]
    following = page.get_by_role("link", name=re.compile("^Дальше"))
    assert following.inner_text() == f"Дальше: {listed[1]}"
    assert_accessible(page)

    mark.click()
    page.wait_for_url("**#reading-actions")
    assert page.locator("#reading-actions [role=status]").inner_text() == "Прочитано"
    assert ReadMark.objects.filter(user=reader).count() == 1
    # A mark set by mistake is taken back.
    undo = page.get_by_role("button", name="Отметить непрочитанным")
    assert_accessible(page)
    undo.click()
    page.wait_for_url("**#reading-actions")
    assert page.get_by_role("button", name="Отметить прочитанным").is_visible()
    assert ReadMark.objects.filter(user=reader).count() == 0


def test_next_names_a_rule_as_the_path_lists_it(page, seeded):
    principle = Entry.objects.get(seed_key="umenie-slushat-terpenie")
    rule = Entry.objects.get(seed_key="obeshat-menshe-delat-bolshe")
    path = make_path(principle, rule, title="Слушать и обещать")
    sign_in(page, next_url=path.get_absolute_url())
    listed = page.locator(".path-step__title a").all_inner_texts()
    assert listed == ["Умение слушать, терпение", "Правило №1: Обещать меньше, делать больше"]
    page.locator(".path-step__title a").first.click()
    following = page.get_by_role("link", name=re.compile("^Дальше"))
    assert following.inner_text() == f"Дальше: {listed[1]}"


# 6. The home page


@VIEWPORTS
def test_home_heading_says_what_orders_the_situations(page, seeded, viewport):
    page.set_viewport_size(viewport)
    page.goto("/")
    heading = page.locator("#situations-heading")
    titles = page.locator(".title-list a").all_inner_texts()
    # A fresh install: nothing opened yet, so no claim about what is opened most.
    assert heading.inner_text() == "Ситуации"
    assert titles == sorted(titles)

    # Staff open situations; the view counts' flush makes home again once its order changes.
    situations = list(Entry.objects.of_kind(Kind.SITUATION).order_by("title"))
    for views, entry in enumerate(situations):
        for _ in range(views):
            viewcounts.record_view(entry.pk)
    viewcounts.flush()
    page.reload()
    assert heading.inner_text() == "Ситуации, которые открывают чаще всего"
    most_opened = Entry.objects.of_kind(Kind.SITUATION).order_by("-view_count", "title")
    shown = page.locator(".title-list a").all_inner_texts()
    assert shown == [entry.title for entry in most_opened[: len(shown)]]


@VIEWPORTS
def test_search_placeholder_fits_its_field(page, seeded, viewport):
    page.set_viewport_size(viewport)
    for url, field in [("/", "#home-search-q"), ("/rules/", "#header-search-q")]:
        page.goto(url)
        search = page.locator(field)
        assert search.get_attribute("placeholder") == "Клиент кричит…"
        width = search.evaluate(PLACEHOLDER_ROOM)
        assert width["text"] <= width["room"], (url, width)


# 7. The sample path on a fresh install


@VIEWPORTS
def test_a_fresh_install_lists_the_sample_path(page, seeded, viewport):
    page.set_viewport_size(viewport)
    page.goto("/paths/")
    card = page.locator(".path-card")
    assert card.count() == 1
    assert card.locator("h2").inner_text() == SAMPLE_PATH
    assert re.search(r"\b7 записей\b", card.inner_text())
    assert_accessible(page)
    card.get_by_role("link", name=SAMPLE_PATH).click()
    page.wait_for_url("**/paths/pervaya-nedelya/")
    seeded_titles = {str(entry) for entry in Entry.objects.exclude(seed_key="")}
    listed = page.locator(".path-step__title a").all_inner_texts()
    assert len(listed) == 7 and set(listed) <= seeded_titles
