"""Editors in a real Chromium: drag-and-drop ordering with history, and a refused stale save."""

import pytest
import reversion
from django.contrib.auth.models import User

from kb.content import history
from kb.content.models import Entry, Kind
from tests.conftest import editors_group
from tests.factories import make_entry

pytestmark = pytest.mark.django_db(transaction=True)


def make_editor(username: str, full_name: str) -> User:
    first, last = full_name.split()
    user = User.objects.create_user(
        username, password="pass-12345-x", is_staff=True, first_name=first, last_name=last
    )
    user.groups.add(editors_group())
    return user


def log_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-12345-x")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def drag(page, handle, target) -> None:
    """Drag with the mouse, in small moves, as SortableJS expects of a person."""
    handle.scroll_into_view_if_needed()
    start, end = handle.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + 5, start["y"] + 5)
    page.mouse.down()
    page.mouse.move(start["x"] + 5, start["y"] - 10, steps=5)
    # Slowly past the target's top edge, then a pause: a loaded machine may drop fast moves.
    for y in range(int(start["y"] - 10), int(end["y"] - 4), -8):
        page.mouse.move(end["x"] + 5, y)
        page.wait_for_timeout(10)
    page.mouse.move(end["x"] + 5, end["y"] + 1, steps=3)
    page.wait_for_timeout(300)
    page.mouse.up()


@pytest.fixture
def situation() -> Entry:
    with reversion.create_revision():
        return make_entry(
            Kind.SITUATION,
            title="Клиент кричит",
            steps=["Выслушать до конца", "Извиниться за неудобство", "Предложить решение"],
        )


def test_editor_drags_a_step_and_the_change_is_in_the_history(page, situation):
    make_editor("ivanov", "Иван Иванов")
    anchors = list(situation.responses.values_list("anchor", flat=True))
    log_in(page, "ivanov")
    page.set_viewport_size({"width": 1280, "height": 1600})  # both steps in view
    page.goto(f"/admin/kb/situation/{situation.pk}/change/")
    page.wait_for_load_state("networkidle")  # the sorting script is ready

    drag(page, page.locator("#responses-2 h3"), page.locator("#responses-0 h3"))
    positions = [page.input_value(f"#id_responses-{i}-position") for i in range(3)]
    assert positions == ["2", "3", "1"]
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/kb/situation/")

    reordered = list(situation.responses.values_list("anchor", flat=True))
    assert reordered == [anchors[2], anchors[0], anchors[1]]
    assert Entry.objects.get(pk=situation.pk).version == 2

    page.goto(f"/admin/kb/situation/{situation.pk}/history/")
    page.get_by_role("button", name="Сравнить выбранные версии").click()
    changed = page.locator("tr[data-field=steps]")
    assert "без изменений" not in changed.inner_text()
    assert changed.locator("ins").count() and changed.locator("del").count()
    latest = history.versions_of(situation.pk)[0]
    assert latest.revision.user.username == "ivanov"


def test_the_second_of_two_editors_is_refused_and_sees_the_other_change(
    browser, live_server, situation
):
    make_editor("ivanov", "Иван Иванов")
    make_editor("petrova", "Анна Петрова")
    pages = []
    for username in ("ivanov", "petrova"):
        context = browser.new_context(base_url=live_server.url, locale="ru-RU")
        context.set_default_timeout(10_000)
        page = context.new_page()
        log_in(page, username)
        page.goto(f"/admin/kb/situation/{situation.pk}/change/")
        pages.append(page)
    mine, theirs = pages

    theirs.fill("#id_title", "Клиент кричит в трубку")
    theirs.click("input[name=_save]")
    theirs.wait_for_url("**/admin/kb/situation/")

    mine.fill("#id_title", "Клиент повысил голос")
    mine.fill("#id_responses-0-text", "Молча выслушать")
    mine.click("input[name=_save]")
    error = mine.locator(".errornote + ul.errorlist, ul.errorlist.nonfield").first
    assert "Анна Петрова изменил(а) эту запись" in error.inner_text()
    assert mine.input_value("#id_title") == "Клиент повысил голос"  # nothing typed is lost

    with mine.context.expect_page() as opened:
        mine.get_by_role("link", name="Посмотреть, что изменилось").click()
    diff = opened.value
    diff.wait_for_load_state()
    assert diff.locator("tr[data-field=title] ins").inner_text().strip() == "в трубку"

    stored = Entry.objects.get(pk=situation.pk)
    assert stored.title == "Клиент кричит в трубку"
    assert stored.responses.first().text == "Выслушать до конца"
    for page in pages:
        page.context.close()
