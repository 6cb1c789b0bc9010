"""PRAVILA_LOGIN_REQUIRED: only signed-in staff read anything; failed sign-ins are throttled."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kb.content.models import Kind
from tests.factories import make_entry, make_path

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Клиент угрожает судом"
SECRET_SUMMARY = "Что говорить, когда клиент обещает подать в суд"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Password hashing dominates the many sign-ins here; its strength is not what is tested.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sign_in_mode(settings):
    settings.PRAVILA_LOGIN_REQUIRED = True


@pytest.fixture
def entry():
    return make_entry(Kind.SITUATION, title=SECRET_TITLE, summary=SECRET_SUMMARY, tags=["суд"])


def closed_urls(entry) -> list[str]:
    path = make_path(entry, title="Первая неделя")
    return [
        "/",
        entry.get_absolute_url(),
        "/situations/",
        "/tags/",
        "/tags/sud/",
        "/search/?q=суд",
        f"/e/{entry.pk}/",
        path.get_absolute_url(),
        "/paths/",
        "/feed/",
        "/sitemap.xml",
        "/admin/",
        "/api/v1/docs",  # a page for people
        "/no-such-page/",
    ]


def test_anonymous_readers_are_sent_to_the_login_page(sign_in_mode, entry):
    client = Client()
    for url in closed_urls(entry):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
        assert SECRET_TITLE not in response.content.decode()


def test_programs_get_401_json_instead_of_a_redirect(sign_in_mode, entry):
    client = Client()
    page = f"http://testserver{entry.get_absolute_url()}"
    for url in [
        "/api/v1/entries/",
        f"/api/v1/search/?q={SECRET_TITLE}",
        "/api/v1/suggest/?q=суд",
        "/api/v1/openapi.json",
        f"/oembed/?url={page}",
    ]:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response["Content-Type"] == "application/json", url
        assert response.json() == {"detail": "Sign in required."}, url


def test_link_previews_reveal_nothing_to_anonymous_requests(sign_in_mode, entry):
    client = Client()
    login_page = client.get(entry.get_absolute_url(), follow=True)
    assert login_page.status_code == 200
    html = login_page.content.decode()
    assert "<h1>Вход</h1>" in html
    assert "База знаний открыта только сотрудникам. Войдите, чтобы читать её." in html
    assert SECRET_TITLE not in html and SECRET_SUMMARY not in html
    assert 'property="og:' not in html and "json+oembed" not in html


def test_login_page_static_files_robots_and_health_stay_open(sign_in_mode, settings):
    settings.WHITENOISE_USE_FINDERS = True  # whitenoise serves static files as in development
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()
    assert client.get("/accounts/login/").status_code == 200
    stylesheet = client.get("/static/css/site.css")
    # Read to the end, as a server would: the test client then closes the file without
    # closing the test's database connection (an explicit close() would, on PostgreSQL).
    assert b"".join(stylesheet.streaming_content)
    assert stylesheet.status_code == 200 and stylesheet["Content-Type"].startswith("text/css")
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/healthz").status_code == 200
    # English pages live under /en/ and ask for sign-in the same way.
    response = client.get("/en/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_signed_in_staff_read_everything(sign_in_mode, entry):
    User.objects.create_user("ivanova", password="pass-ivanova-123")
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": "ivanova", "password": "pass-ivanova-123", "next": entry.get_absolute_url()},
    )
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert SECRET_TITLE in client.get(entry.get_absolute_url()).content.decode()
    assert client.get("/api/v1/entries/").status_code == 200
    assert client.get("/feed/").status_code == 200
    page = f"http://testserver{entry.get_absolute_url()}"
    assert client.get("/oembed/", {"url": page}).json()["title"] == SECRET_TITLE


def test_behind_a_proxy_the_header_is_enough(sign_in_mode, settings, entry):
    settings.PRAVILA_REMOTE_USER_HEADER = "X-Remote-User"
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "kb.web.accounts.ProxyRemoteUserMiddleware",
    )
    settings.MIDDLEWARE = middleware
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.RemoteUserBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    proxy = Client(headers={"X-Remote-User": "petrov"})
    assert SECRET_TITLE in proxy.get(entry.get_absolute_url()).content.decode()
    assert not User.objects.get(username="petrov").is_staff
    assert Client().get(entry.get_absolute_url()).status_code == 302


def test_open_mode_needs_no_sign_in(entry):
    assert Client().get(entry.get_absolute_url()).status_code == 200
    assert Client().get("/api/v1/entries/").status_code == 200


def test_robots_txt_names_the_sitemap_in_the_open_mode_and_closes_everything_otherwise(settings):
    response = Client().get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Allow: /" in lines and "Disallow: /api/v1/" in lines and "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines

    settings.PRAVILA_LOGIN_REQUIRED = True
    lines = Client().get("/robots.txt").content.decode().splitlines()
    assert lines == ["User-agent: *", "Disallow: /"]


def fail_to_sign_in(client: Client, username: str) -> int:
    response = client.post("/accounts/login/", {"username": username, "password": "wrong"})
    return response.status_code


def test_failed_sign_ins_lock_a_user_name_until_the_cool_off_has_passed(settings):
    settings.AXES_FAILURE_LIMIT = 3
    User.objects.create_user("ivanova", password="pass-ivanova-123")
    for address in ("10.0.0.1", "10.0.0.2"):  # two machines: the name is what is counted
        assert fail_to_sign_in(Client(REMOTE_ADDR=address), "ivanova") == 200
    assert fail_to_sign_in(Client(REMOTE_ADDR="10.0.0.3"), "ivanova") == 429

    # Locked: even the right password is refused, with a clear message in Russian.
    client = Client(REMOTE_ADDR="10.0.0.4")
    locked = client.post(
        "/accounts/login/", {"username": "ivanova", "password": "pass-ivanova-123"}
    )
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Слишком много неудачных попыток входа" in html
    assert "Попробуйте снова через 15 минут" in html
    assert "_auth_user_id" not in client.session

    # Another user from another address is not affected.
    User.objects.create_user("petrov", password="pass-petrov-123")
    ok = Client(REMOTE_ADDR="10.0.0.5").post(
        "/accounts/login/", {"username": "petrov", "password": "pass-petrov-123"}
    )
    assert ok.status_code == 302

    # Nothing is locked forever: after the cool-off the right password works again.
    settings.AXES_COOLOFF_TIME = timedelta(seconds=0)
    again = Client(REMOTE_ADDR="10.0.0.4").post(
        "/accounts/login/", {"username": "ivanova", "password": "pass-ivanova-123"}
    )
    assert again.status_code == 302


def test_failed_sign_ins_lock_an_address_whatever_the_names(settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="10.0.0.9")
    assert [fail_to_sign_in(client, name) for name in ("a", "b", "c")] == [200, 200, 429]
    assert fail_to_sign_in(Client(REMOTE_ADDR="10.0.0.10"), "d") == 200


def test_behind_a_proxy_failures_are_counted_by_the_client_address_it_passes_on(settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.PRAVILA_CLIENT_IP_HEADER = "X-Real-IP"
    proxy = "10.0.0.1"
    first = Client(REMOTE_ADDR=proxy, headers={"X-Real-IP": "192.168.1.20"})
    assert [fail_to_sign_in(first, name) for name in ("a", "b")] == [200, 429]
    # Another reader behind the same proxy can still sign in.
    User.objects.create_user("petrov", password="pass-petrov-123")
    other = Client(REMOTE_ADDR=proxy, headers={"X-Real-IP": "192.168.1.21"})
    response = other.post("/accounts/login/", {"username": "petrov", "password": "pass-petrov-123"})
    assert response.status_code == 302
