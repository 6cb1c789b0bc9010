"""axe-core (WCAG 2.1 A/AA) finds nothing on the site's pages, on a desktop and on a phone."""

import pytest

from kb.content.models import Entry, Kind, Tag
from tests.browser.axe import assert_accessible
from tests.seed import seed

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def site_pages() -> list[str]:
    situation = Entry.objects.published().of_kind(Kind.SITUATION).first()
    rule = Entry.objects.published().of_kind(Kind.RULE).first()
    case = Entry.objects.published().of_kind(Kind.CASE).first()
    tag = Tag.objects.filter(tagged_entries__isnull=False).first()
    return [
        "/",
        "/situations/",
        situation.get_absolute_url(),
        rule.get_absolute_url(),
        case.get_absolute_url(),
        "/tags/",
        tag.get_absolute_url(),
        situation.source.get_absolute_url(),
        "/search/?q=клиент",
        "/search/?q=щщщщщщ",
        "/search/?q=ghbynth",  # converted from the Latin layout
        "/en/",
        "/accounts/login/",
        "/no-such-page/",  # the site's own 404 page
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_site_pages_have_no_axe_violations(page, viewport):
    seed()
    page.set_viewport_size(viewport)
    for url in site_pages():
        page.goto(url)
        assert_accessible(page)
