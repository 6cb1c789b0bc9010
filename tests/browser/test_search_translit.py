"""Russian typed in Latin letters as it sounds, in a real Chromium: the search page searches it
in Russian letters, says so, and offers the search as typed."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.seed import seed

pytestmark = pytest.mark.django_db(transaction=True)

DEATH = "Клиент умер"


def test_a_transliterated_query_is_read_in_russian_and_can_be_searched_as_typed(page):
    seed()
    page.goto("/search/?q=klient+umer")
    expect(page.get_by_text("Показаны результаты для «клиент умер».")).to_be_visible()
    results = page.locator(".search-results")
    expect(results.get_by_role("link").first).to_have_text(DEATH)
    assert_accessible(page)

    page.get_by_role("link", name="Искать «klient umer» как написано").click()
    page.wait_for_url("**as_typed=1")
    expect(page.get_by_text("Показаны результаты для")).to_have_count(0)
    expect(page.locator(".search-results").get_by_text(DEATH)).to_have_count(0)
