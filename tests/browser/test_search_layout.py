"""A query typed with the keyboard in the Latin layout, in a real Chromium: the suggestions and
the search page search it in Russian and say so, with a way back to the text as typed."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.test_search_suggest import option, type_slowly
from tests.seed import seed

pytestmark = pytest.mark.django_db(transaction=True)

PRINTER = "После перепрошивки по просьбе клиента сломался принтер"


def test_a_query_in_the_wrong_layout_is_converted_and_can_be_searched_as_typed(page):
    seed()
    page.goto("/")
    box = page.locator("input[data-search-input]").first
    box.click()
    type_slowly(page, box, "ghbynth")
    expect(option(page, PRINTER)).to_be_visible()

    box.press("Escape")
    box.press("Enter")
    page.wait_for_url("**/search/?q=ghbynth")
    expect(page.get_by_text("Показаны результаты для «принтер».")).to_be_visible()
    results = page.locator(".search-results")
    expect(results.get_by_role("link").first).to_have_text(PRINTER)
    assert_accessible(page)

    page.get_by_role("link", name="Искать «ghbynth» как написано").click()
    page.wait_for_url("**as_typed=1")
    expect(page.locator(".search-results")).to_have_count(0)
    expect(page.get_by_text("Показаны результаты для")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("ghbynth")
