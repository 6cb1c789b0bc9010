"""Reading paths in a real Chromium: a newcomer reads to the end, an editor's significant change
puts an entry back to unread with its diff, a lead drags entries into order, and the new pages
have no axe violations on a desktop and on a phone."""

import pytest
import reversion
from django.contrib.auth.models import User

from kb.content.models import Kind
from kb.paths.models import Path
from kb.paths.services import mark_read, record_significant_change
from tests.browser.axe import assert_accessible
from tests.browser.test_editing_safety import drag, log_in, make_editor
from tests.factories import make_entry, make_path

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "pass-novichok-123"


@pytest.fixture
def path() -> Path:
    with reversion.create_revision():
        entries = [
            make_entry(
                Kind.PRINCIPLE,
                title="Доверие",
                summary="Клиент доверяет тем, кто держит слово.",
                body="Доверие строится годами, а теряется за минуту.",
            ),
            make_entry(
                Kind.RULE,
                title="Обещать меньше, делать больше",
                number=1,
                summary="Давайте обещания с запасом по срокам.",
            ),
            make_entry(
                Kind.SITUATION,
                title="Клиент кричит",
                summary="Клиент повышает голос и не слушает.",
                steps=["Выслушать до конца", "Извиниться за неудобство"],
            ),
        ]
    return make_path(
        *entries,
        title="Первая неделя в поддержке",
        intro="Три записи, с которых начинается работа с клиентами.",
        notes={2: "Это правило спрашивают на аттестации."},
    )


def sign_in(page, username: str, next_url: str = "/") -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"**{next_url}")


def test_a_newcomer_reads_a_path_of_three_entries_to_the_end(page, path):
    User.objects.create_user("novichok", password=PASSWORD, is_staff=True)
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.get_by_role("link", name="Пути чтения").click()
    page.get_by_role("link", name="Первая неделя в поддержке").click()
    page.get_by_role("link", name="Войдите, чтобы отмечать прочитанное").click()
    page.fill("#id_username", "novichok")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"**{path.get_absolute_url()}")
    assert page.get_by_text("Прочитано 0 из 3").is_visible()

    page.get_by_role("link", name="Начать чтение").click()
    titles = ["Доверие", "Обещать меньше, делать больше", "Клиент кричит"]
    # «Дальше» names each entry as the path's list does: a rule with its number.
    listed = ["Доверие", "Правило №1: Обещать меньше, делать больше", "Клиент кричит"]
    for number, title in enumerate(titles, start=1):
        page.wait_for_selector(f"h1:has-text('{title}')")
        assert page.get_by_text(f"запись {number} из 3").is_visible()
        if number == 2:
            assert page.get_by_text("Это правило спрашивают на аттестации.").is_visible()
        page.get_by_role("button", name="Отметить прочитанным").click()
        page.wait_for_selector(".reading-actions .read-state--read")
        if number < 3:
            page.get_by_role("link", name=f"Дальше: {listed[number]}").click()
    page.get_by_role("link", name="Вернуться к пути").click()
    assert page.get_by_text("Прочитано 3 из 3").is_visible()
    assert page.get_by_text("Вы прочитали весь путь.").is_visible()
    assert page.locator(".path-step--read").count() == 3


def test_an_editors_significant_change_puts_one_entry_back_to_unread_with_its_diff(
    browser, live_server, path
):
    reader = User.objects.create_user("novichok", password=PASSWORD, is_staff=True)
    for entry in path.entries.all():
        mark_read(user=reader, entry=entry)
    make_editor("ivanova", "Анна Иванова")
    rule = path.entries.get(kind=Kind.RULE)

    editor = browser.new_context(base_url=live_server.url, locale="ru-RU").new_page()
    log_in(editor, "ivanova")
    editor.goto(f"/admin/kb/rule/{rule.pk}/change/")
    editor.fill("#id_summary", "Давайте обещания с запасом по срокам и по объёму.")
    checkbox = editor.get_by_label("Существенное изменение")
    assert not checkbox.is_checked()
    checkbox.check()
    editor.locator("input[name=_save]").first.click()
    editor.wait_for_url("**/admin/kb/rule/")
    editor.context.close()

    staff = browser.new_context(base_url=live_server.url, locale="ru-RU").new_page()
    sign_in(staff, "novichok", path.get_absolute_url())
    assert staff.get_by_text("Прочитано 2 из 3").is_visible()
    changed = staff.locator(".path-step--changed")
    assert changed.count() == 1
    assert "Обещать меньше" in changed.inner_text()
    assert "изменено после прочтения" in changed.inner_text()
    assert staff.locator(".site-nav--header .badge").inner_text().startswith("1")

    changed.get_by_role("link", name="Что изменилось").click()
    change = staff.locator(f"#entry-{rule.pk}")
    assert change.locator(".diff ins").inner_text() == " и по объёму"
    change.get_by_role("button", name="Отметить прочитанным заново").click()
    assert staff.get_by_text("Ничего не изменилось").is_visible()
    staff.goto(path.get_absolute_url())
    assert staff.get_by_text("Прочитано 3 из 3").is_visible()
    staff.context.close()


def test_a_lead_drags_entries_into_order(page, path):
    make_editor("ivanova", "Анна Иванова")
    log_in(page, "ivanova")
    page.set_viewport_size({"width": 1280, "height": 1200})  # every entry in view
    page.goto(f"/admin/paths/path/{path.pk}/change/")
    page.wait_for_load_state("networkidle")  # the sorting script is ready
    rows = page.locator("#items-group tr.has_original")
    assert rows.count() == 3
    drag(page, rows.nth(2).locator("td.original p"), rows.nth(0).locator("td.original p"))
    positions = [page.input_value(f"#id_items-{i}-position") for i in range(3)]
    assert positions == ["2", "3", "1"]
    page.locator("input[name=_save]").first.click()
    page.wait_for_url("**/admin/paths/path/")
    titles = [item.entry.title for item in path.items.select_related("entry")]
    assert titles == ["Клиент кричит", "Доверие", "Обещать меньше, делать больше"]


def reading_pages(path: Path) -> list[str]:
    rule = path.entries.get(kind=Kind.RULE)
    return [
        "/paths/",
        path.get_absolute_url(),
        f"{rule.get_absolute_url()}?path={path.slug}",
        "/changes/",
        "/accounts/login/",
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_new_pages_have_no_axe_violations(page, path, viewport):
    page.set_viewport_size(viewport)
    for url in reading_pages(path):
        page.goto(url)  # not signed in: «Что изменилось» leads to the login page
        assert_accessible(page)

    reader = User.objects.create_user("novichok", password=PASSWORD, is_staff=True)
    entries = list(path.entries.all())
    for entry in entries[:2]:
        mark_read(user=reader, entry=entry)
    with reversion.create_revision():
        entries[1].summary = "Давайте обещания с запасом по срокам и по объёму."
        entries[1].save()
        record_significant_change(entry=entries[1])
    sign_in(page, "novichok", "/paths/")
    for url in reading_pages(path)[:4]:
        page.goto(url)
        assert_accessible(page)
        # Every control of the reading flow is a comfortable tap target.
        for control in page.locator(
            ".reading-actions a, .reading-actions button, .path-progress .button, "
            ".path-step__title a, .change__actions button"
        ).all():
            box = control.bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44, (url, control.inner_text())
    page.goto("/changes/")
    assert page.locator(".diff ins").count() >= 1


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_leads_view_has_no_axe_violations(page, path, viewport):
    reader = User.objects.create_user("novichok", first_name="Ира", last_name="Новикова")
    mark_read(user=reader, entry=path.entries.first())
    make_editor("ivanova", "Анна Иванова")
    page.set_viewport_size(viewport)
    log_in(page, "ivanova")
    page.goto(f"/admin/paths/path/{path.pk}/progress/")
    assert page.get_by_text("Ира Новикова").is_visible()
    assert_accessible(page)
