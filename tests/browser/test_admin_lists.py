"""The admin's entry lists fit a 1280 px screen without scrolling sideways, and work at 360 px."""

import pytest
from django.utils import timezone

from kb.content.models import Kind, Source
from tests.browser.editor import log_in_as_editor
from tests.factories import make_entry

pytestmark = pytest.mark.django_db(transaction=True)

LISTS = ["/admin/kb/entry/", "/admin/kb/situation/", "/admin/kb/rule/"]


@pytest.fixture
def entries():
    source = Source.objects.create(title="Дейл Карнеги. Как завоёвывать друзей и оказывать влияние")
    today = timezone.localdate()
    for n in range(6):
        make_entry(
            Kind.SITUATION,
            title=f"Клиент требует скидку, угрожая уйти к конкурентам, и пишет руководству {n}",
            tags=["переговоры", "скидки", "конфликт", "удержание клиентов", "руководство"],
            source=source,
            review_by=today,
            steps=["Выслушать"],
        )
        make_entry(Kind.RULE, title=f"Не обещать сроки, которых не можете выполнить {n}", number=n)


def overflow(page) -> dict:
    return page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            results: (el => el ? el.scrollWidth - el.clientWidth : 0)(
                document.querySelector('.results')),
        })"""
    )


def test_lists_fit_1280_px_without_scrolling_sideways_and_work_at_360_px(page, entries):
    log_in_as_editor(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    for url in LISTS:
        page.goto(url)
        assert overflow(page) == {"page": 0, "results": 0}, url

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/admin/kb/situation/")
    assert overflow(page) == {"page": 0, "results": 0}
    # The title links are on screen and can be followed.
    first = page.locator("#result_list tbody tr th a").first
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    first.click()
    page.wait_for_url("**/change/")
