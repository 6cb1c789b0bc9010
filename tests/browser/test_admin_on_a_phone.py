"""The editors' admin on a phone (360 × 740) and a desktop (1280 × 900), issue 23: a path's
form with every row's note and delete box on the screen and whole entry names in the pickers,
the miss log fitting a phone with its filters clear of the table, a section for sign-in
attempts that is named and not first, and no axe violations on the change forms (situation,
rule, path), the lists and the index."""

import pytest
from django.contrib.auth.models import User

from kb.content.models import Entry
from kb.misslog.models import SearchRecord, Source
from kb.paths.models import Path
from tests.browser.axe import axe_violations, describe
from tests.browser.phone import DESKTOP, PHONE, box
from tests.seed import seed

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
PASSWORD = "pass-lead-12345"
RULE_1 = "Правило №1: Обещать меньше, делать больше"

# A picker's shown value that does not fit its box (cut off with «…»).
CUT_OFF = "el => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1"


@pytest.fixture
def lead(page):
    """The seed content, and a superuser (who sees every section) signed in to the admin."""
    seed()
    User.objects.create_superuser("lead", password=PASSWORD)
    page.goto("/admin/login/")
    page.fill("#id_username", "lead")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@VIEWPORTS
def test_a_paths_form_shows_each_rows_note_delete_box_and_whole_entry_name(lead, viewport):
    page = lead
    page.set_viewport_size(viewport)
    path = Path.objects.get(seed_key="pervaya-nedelya")
    page.goto(f"/admin/paths/path/{path.pk}/change/")
    assert page_width(page) <= viewport["width"]

    breadcrumbs = page.locator(".breadcrumbs").inner_text()
    assert breadcrumbs == f"Главная › Чтение › Пути чтения › {path.title}"
    # The sample path says what it is, and what editors may do with it.
    note = page.get_by_role("note")
    assert note.inner_text() == (
        "Это пример из начального наполнения: измените путь под свою команду "
        "или удалите его. Удалённый пример больше не появится."
    )
    assert box(note)["left"] >= 0 and box(note)["right"] <= viewport["width"]

    row = page.locator("#items-0")
    picker = row.locator(".select2-selection__rendered")
    assert picker.inner_text() == RULE_1
    assert not picker.evaluate(CUT_OFF)
    lead_note = row.get_by_role("textbox", name=f"Заметка к записи «{RULE_1}»")
    delete = row.get_by_role("checkbox", name=f"Удалить «{RULE_1}» из пути")
    for control in (lead_note, delete):
        assert control.is_visible()
        assert box(control)["left"] >= 0 and box(control)["right"] <= viewport["width"]
    if viewport is PHONE:
        # Stacked: the entry, its note, the delete box with its words, one under the other.
        assert box(picker)["bottom"] <= box(lead_note)["top"] < box(delete)["top"]
        assert row.locator("label", has_text="Убрать из пути").is_visible()
    # Every row's picker shows its whole name.
    for n in range(path.items.count()):
        shown = page.locator(f"#items-{n} .select2-selection__rendered")
        assert not shown.evaluate(CUT_OFF), shown.inner_text()

    violations = axe_violations(page)
    assert not violations, describe(violations)


@VIEWPORTS
def test_the_miss_log_fits_a_phone_and_its_filters_stay_above_the_table(lead, viewport):
    page = lead
    for query in ["абырвалг", "клиент потерял пропуск на объект и ругается", "qwerty"]:
        SearchRecord.objects.create(query=query, result_count=0, source=Source.PAGE)
    page.set_viewport_size(viewport)
    page.goto("/admin/misslog/searchrecord/")
    assert page_width(page) <= viewport["width"]
    filters = page.get_by_role("navigation", name="Показать")
    assert filters.get_by_role("link").all_inner_texts() == [
        "ВСЕ ПРОМАХИ",
        "НИЧЕГО НЕ НАШЛОСЬ",
        "НИЧЕГО НЕ ОТКРЫЛИ",
    ]
    table = page.locator("#missed-queries")
    assert box(filters)["bottom"] <= box(table)["top"]
    if viewport is PHONE:
        # Each query is a card whose figures say what they are.
        first = table.locator("tbody tr").first
        assert "Поисков: 1" in first.inner_text()
    else:
        assert box(filters)["bottom"] <= box(table.locator("thead"))["top"]
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_sign_in_attempts_are_a_named_section_and_not_the_first(lead):
    page = lead
    page.goto("/admin/")
    sections = page.locator("#content-main .module caption").evaluate_all(
        "captions => captions.map(c => c.textContent.trim())"
    )
    assert "Axes" not in sections and "AXES" not in sections
    assert "Попытки входа" in sections
    assert sections[0] == "База знаний"
    assert "Чтение" in sections


@VIEWPORTS
def test_admin_change_forms_lists_and_index_have_no_axe_violations(lead, viewport):
    page = lead
    page.set_viewport_size(viewport)
    situation = Entry.objects.get(seed_key="klient-vpal-v-isteriku")
    rule = Entry.objects.get(seed_key="obeshat-menshe-delat-bolshe")
    path = Path.objects.get(seed_key="pervaya-nedelya")
    SearchRecord.objects.create(query="абырвалг", result_count=0, source=Source.PAGE)
    assert situation.basis.exists()  # a multiple choice with values: select2's «clear all»
    found = {}
    for url in [
        "/admin/",
        f"/admin/kb/situation/{situation.pk}/change/",
        f"/admin/kb/rule/{rule.pk}/change/",
        f"/admin/paths/path/{path.pk}/change/",
        "/admin/kb/situation/",
        "/admin/kb/rule/",
        "/admin/kb/entry/",
        "/admin/paths/path/",
        "/admin/misslog/searchrecord/",
    ]:
        page.goto(url)
        page.wait_for_load_state("load")
        assert page_width(page) <= viewport["width"], url
        violations = axe_violations(page)
        if violations:
            found[url] = describe(violations)
    assert found == {}
