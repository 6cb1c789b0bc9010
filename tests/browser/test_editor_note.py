"""An entry with an editors' note and several citations in Chromium: the note reads as the
editors' own, apart from the cited text, and the page passes axe on a phone and a desktop."""

import pytest
from playwright.sync_api import expect

from kb.content.models import Kind
from kb.content.services import set_citations
from tests.browser.axe import assert_accessible
from tests.factories import make_entry, make_source

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def entry():
    guideline = make_source(title="[Клиентоориентированность: правила и нестандартные ситуации]")
    essay = make_source(title="Клиент всегда прав?")
    entry = make_entry(
        Kind.PRINCIPLE,
        title="Честность и открытость",
        body="Руководство называет её одиннадцатой составляющей клиентоориентированности.",
        editor_note="Всё, что мы говорим клиенту, должно быть **правдой**.",
        source=guideline,
        source_locator="компонент клиентоориентированности №11",
        tags=["честность", "доверие"],
    )
    set_citations(entry, [(guideline, "нестандартная ситуация №3"), (essay, "вывод")])
    return entry


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_note_stands_apart_and_the_page_has_no_axe_violations(page, entry, viewport):
    page.set_viewport_size(viewport)
    page.goto(entry.get_absolute_url())
    note = page.get_by_role("region", name="Комментарий редакции")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Это слова редакции, а не источника.")
    # Framed apart from the cited text above it.
    assert note.evaluate("n => getComputedStyle(n).borderTopStyle") == "dashed"
    expect(page.locator(".citation")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(page)
