"""Error pages: the site's layout and language, and nothing of the error's inside."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kb.content.models import Kind
from tests.factories import make_entry

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

HEADINGS = {
    400: "<h1>Неверный запрос</h1>",
    403: "<h1>Доступ запрещён</h1>",
    404: "<h1>Страница не найдена</h1>",
    500: "<h1>Что-то пошло не так</h1>",
}


@pytest.fixture
def client(settings) -> Client:
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def assert_reveals_nothing(html: str) -> None:
    assert "secret detail" not in html
    assert "Traceback" not in html and "RuntimeError" not in html
    assert django_settings.SECRET_KEY not in html and "DATABASES" not in html


@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_each_error_page_is_in_the_site_layout_and_russian(client, status):
    response = client.get(f"/fail/{status}/")
    assert response.status_code == status
    html = response.content.decode()
    assert HEADINGS[status] in html
    assert '<html lang="ru">' in html and "/static/css/site.css" in html
    assert django_settings.SITE_NAME in html  # the header, as on every page
    assert 'href="/"' in html  # a way back home
    assert_reveals_nothing(html)


def test_the_language_switch_applies_to_error_pages(client):
    html = client.get("/en/no-such-page/").content.decode()
    assert "<h1>Page not found</h1>" in html and '<html lang="en">' in html


def test_404_offers_the_search_box_and_the_most_opened_situations(client):
    make_entry(Kind.SITUATION, title="Клиент кричит", view_count=50)
    make_entry(Kind.SITUATION, title="Клиент молчит", view_count=5)
    make_entry(Kind.RULE, title="Не спорить", view_count=500)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'role="search"' in html and 'action="/search/"' in html
    assert "Ситуации, которые открывают чаще всего" in html
    assert html.index("Клиент кричит") < html.index("Клиент молчит")
    assert "Не спорить" not in html  # situations only


def test_404_shows_no_situations_to_anonymous_readers_in_sign_in_mode(client, settings):
    settings.PRAVILA_LOGIN_REQUIRED = True
    settings.WHITENOISE_USE_FINDERS = True
    make_entry(Kind.SITUATION, title="Клиент грубит", view_count=50)
    # Static files stay open in sign-in mode, so a missing one gets the 404 page.
    html = client.get("/static/no-such-file.css").content.decode()
    assert "<h1>Страница не найдена</h1>" in html and "Клиент грубит" not in html
    client.force_login(User.objects.create_user("ivanova"))
    assert "Клиент грубит" in client.get("/no-such-page/").content.decode()


def test_the_500_page_queries_nothing(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/fail/500/")
    assert response.status_code == 500
    assert len(queries) == 0


def test_a_form_without_its_csrf_token_gets_the_403_page(settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    html = response.content.decode()
    assert HEADINGS[403] in html and "Перезагрузите страницу" in html
    assert "CSRF" not in html
