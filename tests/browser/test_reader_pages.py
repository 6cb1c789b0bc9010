"""Pages shared by signed-in readers, in a real Chromium: the second reader gets the first
reader's cached page with their own name, read mark and a sign-in token that works, and the
page has no axe violations on a desktop and on a phone."""

import pytest
from django.contrib.auth.models import User

from kb.content.models import Kind
from tests.browser.axe import assert_accessible
from tests.browser.test_paths import DESKTOP, PASSWORD, PHONE, sign_in
from tests.factories import make_entry, make_path

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_second_reader_gets_the_shared_page_with_their_own_parts(browser, live_server, viewport):
    entry = make_entry(
        Kind.SITUATION, title="Клиент кричит", steps=["Выслушать до конца", "Извиниться"]
    )
    path = make_path(make_entry(Kind.RULE, title="Обещать меньше"), entry, title="Первая неделя")
    url = f"{entry.get_absolute_url()}?path={path.slug}"
    for username in ("anna", "boris"):
        User.objects.create_user(username, password=PASSWORD, first_name=username.capitalize())

    pages = []
    for username in ("anna", "boris"):  # Anna's visit makes the page, Boris's comes from it
        context = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport=viewport)
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_in(page, username, "/")
        page.goto(url)
        pages.append(page)

    boris = pages[1]
    assert boris.get_by_text("Вы вошли как Boris").is_visible()
    assert boris.get_by_text("Anna").count() == 0
    assert boris.locator(".reading-bar").get_by_text("Первая неделя").is_visible()
    assert_accessible(boris)

    boris.get_by_role("button", name="Отметить прочитанным").click()
    assert boris.locator(".read-state--read").is_visible()  # his token was valid
    pages[0].reload()
    assert pages[0].locator(".read-state--read").count() == 0  # Anna's page: her own mark
    boris.get_by_role("button", name="Выйти").click()
    boris.goto(url)
    assert boris.get_by_text("Boris").count() == 0
    for page in pages:
        page.context.close()
