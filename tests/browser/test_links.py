"""Links in a real Chromium: rename and reorder in the admin, copy-link controls, print, docs."""

import importlib
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group, Permission, User
from playwright.sync_api import expect

from kb.content.models import Entry, Status
from tests.browser.test_editing_safety import drag
from tests.seed import seed

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pass-editor-123"


@pytest.fixture
def situation() -> Entry:
    seed()
    return Entry.objects.get(seed_key="klient-vpal-v-isteriku")


@pytest.fixture
def clipboard_page(browser, live_server) -> Iterator[object]:
    """A page allowed to use the clipboard, as a person who clicked "allow" would be."""
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def editors_group() -> Group:
    """The Editors group as its migration makes it (transactional tests flush it away)."""
    migration = importlib.import_module("kb.content.migrations.0002_editors_group")
    codenames = [f"{a}_{m}" for m in migration.EDITOR_MODELS for a in migration.ACTIONS]
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="kb", codename__in=codenames)
    )
    return group


def log_in_as_editor(page) -> None:
    user = User.objects.create_user("redaktor", password=PASSWORD, is_staff=True)
    user.groups.add(editors_group())
    page.goto("/admin/login/")
    page.fill("#id_username", "redaktor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def step_texts(page) -> list[str]:
    return page.locator(".inline-related.has_original textarea[name$='-text']").evaluate_all(
        "fields => fields.map(f => f.value)"
    )


def test_editor_renames_and_reorders_and_old_links_still_lead_to_the_same_text(page, situation):
    steps = list(situation.responses.all())
    assert len(steps) == 3
    old_url = situation.get_absolute_url()
    short_url = situation.get_short_url()
    linked = steps[0]  # someone linked to the first step before the edit

    log_in_as_editor(page)
    page.set_viewport_size({"width": 1280, "height": 1600})  # every step in view
    page.goto(f"/admin/kb/situation/{situation.pk}/change/")
    page.wait_for_load_state("networkidle")  # the sorting script is ready
    page.fill("#id_title", "Клиент кричит и не слушает")
    page.fill("#id_slug", "klient-krichit")

    before = step_texts(page)
    assert before == [s.text for s in steps]
    drag(page, page.locator("#responses-2 h3"), page.locator("#responses-0 h3"))
    after = step_texts(page)
    assert after == [before[2], before[0], before[1]]

    page.locator("input[name=_save]").first.click()
    page.wait_for_url("**/admin/kb/situation/")
    assert page.locator(".messagelist .success").count() == 1

    situation.refresh_from_db()
    assert situation.slug == "klient-krichit"
    assert [s.text for s in situation.responses.all()] == after
    assert {s.pk: s.anchor for s in situation.responses.all()} == {s.pk: s.anchor for s in steps}

    for link in (f"{old_url}#{linked.anchor}", f"{short_url}#{linked.anchor}"):
        page.goto(link)
        page.wait_for_url(f"**/situations/klient-krichit/#{linked.anchor}")
        assert page.get_by_role("heading", level=1).inner_text() == "Клиент кричит и не слушает"
        step = page.locator(f"li.step[id='{linked.anchor}']")
        assert linked.text[:40] in step.inner_text()
        # Now the second step on the page, and the one the browser points at.
        assert page.locator("ol.steps__list > li").nth(1).get_attribute("id") == linked.anchor
        assert step.evaluate("el => el.matches(':target')")


def test_copy_links_to_the_entry_and_to_a_step(clipboard_page, live_server, situation):
    page = clipboard_page
    page.goto(situation.get_absolute_url())
    short = f"{live_server.url}/e/{situation.pk}/"

    status = page.get_by_role("status")
    expect(status).to_have_text("")
    page.get_by_role("button", name="Копировать ссылку", exact=True).click()
    expect(status).to_have_text("Ссылка скопирована")
    assert page.evaluate("navigator.clipboard.readText()") == short

    page.evaluate("navigator.clipboard.writeText('')")
    page.evaluate("document.getElementById('copy-status').textContent = ''")
    step = situation.responses.all()[1]
    page.get_by_role("button", name="Копировать ссылку на шаг 2").click()
    expect(status).to_have_text("Ссылка скопирована")
    assert page.evaluate("navigator.clipboard.readText()") == f"{short}#{step.anchor}"


NO_CLIPBOARD_API = """
Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined });
window.copiedTexts = [];
document.execCommand = function (command) {
  window.copiedTexts.push([command, document.activeElement.value]);
  return window.execCommandWorks;
};
window.execCommandWorks = true;
"""


def test_copy_falls_back_without_the_clipboard_api(page, live_server, situation):
    page.add_init_script(NO_CLIPBOARD_API)
    page.goto(situation.get_absolute_url())
    short = f"{live_server.url}/e/{situation.pk}/"
    assert page.evaluate("navigator.clipboard") is None

    page.get_by_role("button", name="Копировать ссылку", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Ссылка скопирована")
    assert page.evaluate("window.copiedTexts") == [["copy", short]]
    assert page.locator("body > textarea").count() == 0  # the helper field is gone again

    # When even execCommand fails, the link is left selected in a field to copy by hand.
    page.evaluate("window.execCommandWorks = false")
    page.get_by_role("button", name="Копировать ссылку на шаг 1").click()
    field = page.locator("li.step").first.locator("input.copy-field")
    field.wait_for()
    anchor = situation.responses.first().anchor
    assert field.input_value() == f"{short}#{anchor}"
    assert field.evaluate("f => f === document.activeElement && f.selectionEnd === f.value.length")
    expect(page.get_by_role("status")).to_contain_text("ссылка выделена в поле")


def test_print_button_and_print_view(page, situation):
    page.add_init_script("window.printed = 0; window.print = () => { window.printed += 1; };")
    page.goto(situation.get_absolute_url())
    page.get_by_role("link", name="Печать").click()
    assert page.evaluate("window.printed") == 1
    assert "print=1" not in page.url  # printed in place

    page.goto(situation.get_absolute_url() + "?print=1")
    assert not page.locator(".site-header").is_visible()
    assert page.locator("p.print-only").inner_text().endswith(f"/e/{situation.pk}/")
    assert page.locator("p.print-only").is_visible()
    page.get_by_role("button", name="Печать").click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Печать").is_visible()


def test_print_view_without_javascript(browser, live_server, situation):
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(situation.get_absolute_url())
    assert not page.get_by_role("button", name="Копировать ссылку", exact=True).is_visible()
    page.get_by_role("link", name="Печать").click()
    page.wait_for_url("**?print=1")
    assert page.locator("body.print-view").count() == 1
    context.close()


def test_drafts_are_not_reachable_by_short_link(page, situation):
    situation.status = Status.DRAFT
    situation.save()
    response = page.goto(situation.get_short_url())
    assert response.status == 404


def test_api_docs_load_from_our_own_server(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Pravila API" in page.locator(".swagger-ui .info .title").inner_text()
    page.get_by_text("/api/v1/entries/{id_or_slug}/").first.wait_for()
    assert requested
    assert [url for url in requested if not url.startswith(live_server.url)] == []
