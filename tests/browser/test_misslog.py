"""The miss log in a real Chromium: a search that finds nothing shows up for the editor, who
fixes it in the admin by picking an entry; then the same search finds that entry and opening it
is recorded. The miss log's pages have no axe violations on a desktop and on a phone."""

import pytest
from django.contrib.auth.models import User

from kb import search
from kb.content.models import Kind
from kb.misslog.models import SearchRecord
from tests.browser.axe import assert_accessible
from tests.browser.phone import DESKTOP, PHONE
from tests.factories import make_entry

pytestmark = pytest.mark.django_db(transaction=True)

QUERY = "не берёт трубку"
TITLE = "Сотрудник не вышел на связь"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_editor_fixes_a_missed_search_and_it_then_finds_the_entry(page, viewport):
    entry = make_entry(Kind.SITUATION, title=TITLE, summary="С утра его нет на месте.")
    make_entry(Kind.SITUATION, title="Клиент опоздал", summary="Пришёл на час позже.")
    search.rebuild_index()
    User.objects.create_superuser("lead", password="pass-lead-123")
    page.set_viewport_size(viewport)

    page.goto(f"/search/?q={QUERY}")
    # No entry holds the words: at most the closest by meaning, labelled so (a miss all the same).
    status = page.get_by_role("status").inner_text()
    assert "ничего не нашлось" in status or "Точных совпадений нет" in status

    page.goto("/admin/login/?next=/admin/misslog/searchrecord/")
    page.fill("#id_username", "lead")
    page.fill("#id_password", "pass-lead-123")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/misslog/searchrecord/")
    assert_accessible(page)
    # Styled by misslog.css (the CSP blocks style attributes): the current filter is bold.
    current = page.get_by_role("navigation", name="Показать").locator("a[aria-current=page]")
    assert current.evaluate("a => getComputedStyle(a).fontWeight") == "700"
    row = page.locator("#missed-queries tbody tr", has_text="не берет трубку")
    # Found nothing once (on a phone the figure is named in the row: the header is hidden).
    found_nothing = row.locator("td").nth(1).inner_text()
    assert found_nothing == ("Ничего не нашлось: 1" if viewport is PHONE else "1")
    row.get_by_role("link", name="Исправить").click()

    page.wait_for_url("**/admin/misslog/searchrecord/fix/**")
    # The entry picker (select2) is named by its field's label.
    assert_accessible(page)
    form = page.locator("#fix-phrase")
    form.locator(".select2-selection").click()
    page.wait_for_selector(".select2-results__option--highlighted")
    assert_accessible(page)  # open: its list controlled, the highlighted option legible
    page.locator(".select2-search__field").fill("вышел")
    page.locator(".select2-results__option", has_text=TITLE).click()
    form.get_by_role("button", name="Добавить как поисковую фразу").click()
    page.wait_for_url("**/admin/misslog/searchrecord/")
    assert "теперь находит 1 запись" in page.locator(".messagelist").inner_text()
    assert page.locator("#missed-queries").count() == 0  # fixed: off the list

    page.goto(f"/search/?q={QUERY}")
    results = page.locator(".search-results .entry-card__title a")
    assert results.all_inner_texts() == [TITLE]
    results.first.click()
    page.wait_for_url(f"**{entry.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert SearchRecord.objects.filter(opened_entry=entry).count() == 1
