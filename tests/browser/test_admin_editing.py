"""The situation form in a real Chromium: steps near the top, a preview that looks like the site."""

import pytest

from kb.content.models import Entry, Kind
from tests.browser.editor import log_in_as_editor
from tests.browser.test_editing_safety import drag
from tests.factories import make_entry

pytestmark = pytest.mark.django_db(transaction=True)

BODY = (
    "Сначала:\n\n- выслушать\n- записать\n\n1. перезвонить\n2. написать\n\n"
    "> Клиент всегда прав.\n\nСм. [правило](https://example.com/) и `код`."
)
# What "looks as on the site" means for lists, quotes, links and code.
COMPARED = {
    "ul": ["list-style-type", "padding-left", "margin-left", "margin-top", "margin-bottom"],
    "ul > li": ["list-style-type", "padding-left", "margin-left", "display", "font-size"],
    "ol": ["list-style-type", "padding-left", "margin-left"],
    "blockquote": ["margin-left", "padding-left", "border-left-width", "color"],
    "p": ["margin-top", "margin-bottom", "font-size", "line-height", "font-family"],
    "a": ["color", "text-decoration-line"],
    "code": ["font-family", "font-size"],
}
STYLES_JS = """
([root, compared]) => {
  const out = {};
  for (const [selector, properties] of Object.entries(compared)) {
    const element = root.querySelector(".prose " + selector);
    if (!element) { out[selector] = null; continue; }
    const style = getComputedStyle(element);
    out[selector] = Object.fromEntries(properties.map(p => [p, style.getPropertyValue(p)]));
  }
  return out;
}
"""


@pytest.fixture
def situation() -> Entry:
    return make_entry(Kind.SITUATION, title="Клиент кричит", body=BODY, steps=["Выслушать"])


def preview_frame(page, field: str):
    page.wait_for_selector(f".field-{field} iframe.markdown-preview__frame[data-preview-ready]")
    return page.frame_locator(f".field-{field} iframe.markdown-preview__frame")


def test_preview_looks_as_the_entry_page_beside_the_text_or_below_it(page, situation):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(situation.get_absolute_url())
    on_site = page.locator("article.entry").evaluate(
        "(article, compared) => (" + STYLES_JS + ")([article, compared])", COMPARED
    )
    assert on_site["ul > li"]["list-style-type"] == "disc"

    log_in_as_editor(page)
    page.goto(f"/admin/kb/situation/{situation.pk}/change/")
    frame = preview_frame(page, "body")
    frame.locator(".prose li").first.wait_for()
    in_preview = frame.locator("body").evaluate(
        "(body, compared) => (" + STYLES_JS + ")([body, compared])", COMPARED
    )
    assert in_preview == on_site

    # Wide: the preview beside the text; narrow: below it.
    text = page.locator("#id_body").bounding_box()
    preview = page.locator(".field-body .markdown-preview").bounding_box()
    assert preview["x"] >= text["x"] + text["width"] and abs(preview["y"] - text["y"]) < 5
    page.set_viewport_size({"width": 600, "height": 900})
    text = page.locator("#id_body").bounding_box()
    preview = page.locator(".field-body .markdown-preview").bounding_box()
    assert preview["y"] >= text["y"] + text["height"]


def test_steps_come_right_after_the_summary_and_keep_their_numbers(page):
    log_in_as_editor(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/kb/situation/add/")
    tops = {
        name: page.locator(selector).bounding_box()["y"]
        for name, selector in [
            ("title", "#id_title"),
            ("summary", "#id_summary"),
            ("step", "#id_responses-0-text"),
            ("signals", "#id_signals"),
            ("tags", "#id_tags"),
            ("source", "#id_source"),
            ("status", "#id_status"),
        ]
    }
    assert list(tops.values()) == sorted(tops.values()), tops
    # The first step is on the first screen, not 1,300 px down.
    assert tops["step"] < 900
    labels = page.locator("#responses-group .inline-related:not(.empty-form) .step-label")
    assert labels.all_inner_texts() == ["Шаг 1"]
    page.locator("#responses-group .add-row a").click()
    assert labels.all_inner_texts() == ["Шаг 1", "Шаг 2"]

    # After a drag, the numbers still run in order on the page.
    situation = make_entry(Kind.SITUATION, steps=["Выслушать", "Извиниться", "Предложить"])
    page.set_viewport_size({"width": 1280, "height": 1600})  # every step in view
    page.goto(f"/admin/kb/situation/{situation.pk}/change/")
    page.wait_for_load_state("networkidle")  # the sorting script is ready
    drag(page, page.locator("#responses-2 h3"), page.locator("#responses-0 h3"))
    rows = page.locator("#responses-group .inline-related.has_original")
    assert rows.locator(".step-label").all_inner_texts() == ["Шаг 1", "Шаг 2", "Шаг 3"]
    assert rows.first.locator("textarea").input_value() == "Предложить"
