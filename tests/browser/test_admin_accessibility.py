"""axe-core (WCAG 2.1 A and AA) finds nothing on the editors' admin pages."""

import pytest
import reversion
from django.utils import timezone

from kb.content import history
from kb.content.models import Entry, Kind
from tests.browser.axe import assert_accessible, axe_violations, describe
from tests.browser.editor import log_in_as_editor
from tests.factories import make_entry, make_path

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def situation():
    with reversion.create_revision():
        entry = make_entry(
            Kind.SITUATION, title="Клиент кричит", tags=["конфликт"], steps=["Выслушать"]
        )
    with reversion.create_revision():
        entry.title = "Клиент кричит в трубку"
        entry.save()
    make_entry(Kind.RULE, title="Обещать меньше", number=1)
    return entry


def test_admin_pages_have_no_accessibility_violations(page, situation):
    editor = log_in_as_editor(page)
    # The index then shows the editor's entries to review.
    Entry.objects.filter(pk=situation.pk).update(owner=editor, review_by=timezone.localdate())
    page.set_viewport_size({"width": 1280, "height": 900})
    oldest = list(history.versions_of(situation.pk))[-1]
    step = situation.responses.get()
    path = make_path(situation, notes={1: "Сначала выслушать"})
    base = f"/admin/kb/situation/{situation.pk}"
    urls = [
        "/admin/",
        "/admin/kb/situation/",
        "/admin/kb/entry/",
        "/admin/kb/situation/add/",
        f"{base}/change/",
        f"{base}/history/",
        f"{base}/history/compare/?from={oldest.pk}&to=current",
        f"{base}/history/{oldest.pk}/",
        # A single-choice picker (select2), empty: named by its field's label.
        "/admin/kb/response/add/",
        # A step: breadcrumbs among text, and a chosen situation.
        f"/admin/kb/response/{step.pk}/change/",
        # A path with an entry: the rows' entry pickers, notes and delete boxes.
        f"/admin/paths/path/{path.pk}/change/",
    ]
    found = {}
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("load")
        violations = axe_violations(page)
        if violations:
            found[url] = describe(violations)
    # A path's rows have no <label>s: their fields are named after the row's entry, also in a
    # row the page's script adds.
    page.goto(f"/admin/paths/path/{path.pk}/change/")
    row, title = page.locator("#items-0"), situation.title
    for role, name in [
        ("combobox", f"Запись {title}"),  # the chosen entry follows
        ("textbox", f"Заметка к записи «{title}»"),
        ("checkbox", f"Удалить «{title}» из пути"),
    ]:
        assert row.get_by_role(role, name=name, exact=True).count() == 1, name
    page.get_by_role("button", name="Добавить ещё одну запись").click()
    added = page.locator("#items-1")
    assert added.get_by_role("textbox", name="Заметка к новой записи", exact=True).count() == 1
    assert added.get_by_role("combobox", name="Запись", exact=True).count() == 1
    violations = axe_violations(page)
    if violations:
        found["path, a row added"] = describe(violations)
    # The page between choosing "Set owner…" on a list and applying it.
    page.goto("/admin/kb/situation/")
    page.locator("#result_list input.action-select").first.check()
    page.select_option("select[name=action]", "set_owner")
    page.locator("button[name=index]").first.click()
    page.wait_for_selector("select#id_owner")
    violations = axe_violations(page)
    if violations:
        found["set owner"] = describe(violations)
    assert not found, "\n\n".join(f"{url}:\n{text}" for url, text in found.items())
    assert page.locator("#my-reviews").count() == 0  # on the action page, not the index
    page.goto("/admin/")
    assert "Мои записи:" in page.locator("#my-reviews").inner_text()
    assert_accessible(page)


def test_open_pickers_have_no_accessibility_violations(page, situation):
    """An open select2 picker: its combobox controls its list, its highlighted option is
    legible, its search box is named (in a path's row, by the row's picker)."""
    log_in_as_editor(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    path = make_path(situation)
    pickers = [
        ("/admin/kb/response/add/", "#id_situation"),  # a single choice
        (f"/admin/kb/situation/{situation.pk}/change/", "#id_see_also"),  # several
        (f"/admin/paths/path/{path.pk}/change/", "#id_items-0-entry"),  # a row's, no <label>
    ]
    found = {}
    for url, select in pickers:
        page.goto(url)
        page.locator(f"{select} + .select2 .select2-selection").click()
        page.wait_for_selector(".select2-results__option--highlighted")
        combobox = page.locator("[role=combobox][aria-expanded=true]")
        list_id = combobox.get_attribute("aria-owns")
        assert list_id and combobox.get_attribute("aria-controls") == list_id, url
        violations = axe_violations(page)
        if violations:
            found[f"{url} {select}"] = describe(violations)
        page.keyboard.press("Escape")
        assert page.locator(".select2-selection[aria-controls]").count() == 0  # closed
    assert not found, "\n\n".join(f"{url}:\n{text}" for url, text in found.items())
