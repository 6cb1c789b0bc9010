"""The Content Security Policy holds on every kind of page: the browser reports no violation."""

import pytest
from django.contrib.auth.models import User

from kb.content.models import Entry, Kind, Tag
from kb.misslog.models import SearchRecord, Source
from kb.paths.models import Path
from tests.factories import make_path
from tests.seed import seed

pytestmark = pytest.mark.django_db(transaction=True)

# Runs in every page before its own scripts (Playwright injects it outside the page's CSP).
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ` +
    `${event.sourceFile}:${event.lineNumber} (${(event.sample || "").slice(0, 60)})`
  );
});
"""


# Pages whose scripts fetch more after loading: the API docs, the admin's markdown previews.
FETCHING_PAGES = ("/docs", "/change/", "/add/")


def entry_of(kind: str) -> Entry:
    return Entry.objects.published().of_kind(kind).first()


def site_pages() -> list[str]:
    situation = entry_of(Kind.SITUATION)
    path = Path.objects.published().first() or make_path(situation, title="Первая неделя")
    return [
        "/",
        "/situations/",
        "/rules/",
        "/tags/",
        Tag.objects.filter(tagged_entries__isnull=False).first().get_absolute_url(),
        "/search/?q=клиент",
        "/search/?q=щщщщщщ",
        *(entry_of(kind).get_absolute_url() for kind in Kind.values),
        situation.get_absolute_url() + "?print=1",
        situation.source.get_absolute_url(),
        "/paths/",
        path.get_absolute_url(),
        "/accounts/login/",
        "/no-such-page/",
        "/api/v1/docs",
    ]


def admin_pages() -> list[str]:
    situation = entry_of(Kind.SITUATION)
    path = Path.objects.first()
    return [
        "/changes/",
        "/admin/",
        "/admin/kb/situation/",
        "/admin/kb/situation/?q=клиент",
        f"/admin/kb/situation/{situation.pk}/change/",
        "/admin/kb/situation/add/",
        f"/admin/kb/situation/{situation.pk}/history/",
        "/admin/kb/rule/add/",
        "/admin/kb/tag/",
        f"/admin/paths/path/{path.pk}/change/",
        "/admin/feedback/situationfeedback/",
        "/admin/auth/user/",
        # The miss log: its list (filters, a missed query) and the page to fix a query.
        "/admin/misslog/searchrecord/",
        "/admin/misslog/searchrecord/fix/?q=щщщщщщ",
    ]


def visit(page, url: str, console: list[str]) -> list[str]:
    response = page.goto(url)
    assert response is not None
    assert "default-src 'self'" in response.headers["content-security-policy"], url
    if url.endswith(FETCHING_PAGES):  # their scripts fetch and build more of the page
        page.wait_for_load_state("networkidle")
    return [
        *(f"{url}: {text}" for text in console),
        *(f"{url}: {v}" for v in page.evaluate("window.__cspViolations")),
    ]


def test_no_page_violates_the_content_security_policy(page, settings):
    settings.DEBUG = False  # the error page is the production one
    seed()
    User.objects.create_superuser("chief", password="pass-chief-123")
    SearchRecord.objects.create(query="щщщщщщ", result_count=0, source=Source.PAGE)
    page.add_init_script(COLLECT_VIOLATIONS)
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    violations: list[str] = []
    for url in site_pages():
        console.clear()
        violations += visit(page, url, console)

    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill("chief")
    page.get_by_label("Пароль").fill("pass-chief-123")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/")
    for url in admin_pages():
        console.clear()
        violations += visit(page, url, console)
    # Scripts that run on interaction: the search suggestions, the admin's filter and menus.
    console.clear()
    page.goto("/")
    page.get_by_role("combobox", name="Что случилось?").fill("клиент")
    page.wait_for_selector("[role=listbox] [role=option]")
    violations += [f"/ (suggestions): {v}" for v in page.evaluate("window.__cspViolations")]
    violations += console

    assert violations == [], "\n".join(violations)


def test_every_response_carries_the_policy_and_the_security_headers(client):
    for url in ["/", "/api/v1/docs", "/admin/login/", "/no-such-page/", "/api/v1/entries/"]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, url
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        assert "camera=()" in response["Permissions-Policy"], url
