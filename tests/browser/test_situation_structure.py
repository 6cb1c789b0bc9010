"""A structured situation in Chromium: phrase cards that copy the phrase alone, tap targets
and no axe violations on a phone and a desktop, and the grouped links at both ends."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from kb.content.models import Entry, Kind
from tests.browser.axe import assert_accessible
from tests.factories import make_entry, make_source

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SAY = ["Давайте разберёмся по порядку.", "Я вас слушаю и записываю каждую претензию."]
AVOID = ["Успокойтесь!"]


@pytest.fixture
def situation() -> Entry:
    source = make_source(title="Клиентоориентированность: правила и нестандартные ситуации")
    entry = make_entry(
        Kind.SITUATION,
        title="Клиент впал в истерику",
        source=source,
        source_locator="нестандартная ситуация №1",
        tags=["эмоции", "конфликт"],
        steps=["Дайте клиенту выговориться.", "Предложите изложить претензии письменно."],
        signals="Клиент говорит на эмоциях\nРазговор перестал быть конструктивным",
        say="\n".join(SAY),
        avoid="\n".join(AVOID),
        escalation="Если разговор не идёт к делу, передайте его руководителю отдела.",
    )
    entry.basis.add(make_entry(Kind.PRINCIPLE, title="Умение слушать, терпение"))
    entry.examples.add(make_entry(Kind.CASE, title="Авиакомпания рассталась с жалобщицей"))
    entry.see_also.add(make_entry(Kind.SITUATION, title="Конфликт интересов внутри клиента"))
    return entry


@pytest.fixture
def clipboard_page(browser, live_server) -> Iterator[object]:
    """A page allowed to use the clipboard, as a person who clicked "allow" would be."""
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def copy_button(page, phrase: str):
    return page.locator("li.phrase", has_text=phrase).get_by_role("button", name="Копировать")


def test_each_phrase_card_copies_the_phrase_alone(clipboard_page, situation):
    page = clipboard_page
    page.goto(situation.get_absolute_url())
    status = page.get_by_role("status")
    for phrase in [*SAY, *AVOID]:
        page.evaluate("document.getElementById('copy-status').textContent = ''")
        copy_button(page, phrase).click()
        expect(status).to_have_text("Фраза скопирована")
        assert page.evaluate("navigator.clipboard.readText()") == phrase
    # The cards show the phrase in quotation marks; the copy has none.
    card = page.locator("li.phrase q").first
    assert card.evaluate("q => getComputedStyle(q).quotes").startswith('"«" "»"')
    assert card.inner_text() == SAY[0]


NO_CLIPBOARD_API = """
Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined });
window.copiedTexts = [];
document.execCommand = function (command) {
  window.copiedTexts.push([command, document.activeElement.value]);
  return window.execCommandWorks;
};
window.execCommandWorks = true;
"""


def test_phrase_copy_falls_back_without_the_clipboard_api(page, situation):
    page.add_init_script(NO_CLIPBOARD_API)
    page.goto(situation.get_absolute_url())
    copy_button(page, SAY[0]).click()
    expect(page.get_by_role("status")).to_have_text("Фраза скопирована")
    assert page.evaluate("window.copiedTexts") == [["copy", SAY[0]]]

    page.evaluate("window.execCommandWorks = false")
    copy_button(page, AVOID[0]).click()
    field = page.locator("li.phrase", has_text=AVOID[0]).locator("input.copy-field")
    field.wait_for()
    assert field.input_value() == AVOID[0]
    assert field.evaluate("f => f === document.activeElement && f.selectionEnd === f.value.length")
    expect(page.get_by_role("status")).to_contain_text("фраза выделена в поле")


def test_on_a_phone_the_cards_fit_and_their_buttons_are_big_enough(page, situation):
    page.set_viewport_size(PHONE)
    page.goto(situation.get_absolute_url())
    buttons = page.locator(".phrase__copy")
    assert buttons.count() == 3
    for box in [buttons.nth(i).bounding_box() for i in range(3)]:
        assert box["width"] >= 44 and box["height"] >= 44, box
        assert box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_without_javascript_phrases_are_text_and_no_button_shows(browser, live_server, situation):
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(situation.get_absolute_url())
    expect(page.locator("li.phrase q").first).to_have_text(SAY[0])
    assert page.locator(".phrase__copy:visible").count() == 0
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_both_ends_of_the_links_have_no_axe_violations(page, situation, viewport):
    page.set_viewport_size(viewport)
    principle, case = situation.basis.get(), situation.examples.get()
    for entry, heading in (
        (situation, "Примеры из практики"),
        (principle, "Где применяется"),
        (case, "Пример к ситуациям"),
    ):
        page.goto(entry.get_absolute_url())
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        assert_accessible(page)
