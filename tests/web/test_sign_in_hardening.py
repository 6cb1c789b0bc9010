"""Sign-in under attack (issue 22): failure counters a colleague's sign-in cannot clear, names
too long for any column, a proxy's user header checked and case folded, and signed-in answers
kept out of shared caches."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client

from kb.content.models import Kind
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

REMOTE_USER_MIDDLEWARE = "kb.web.accounts.ProxyRemoteUserMiddleware"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client: Client, username: str, password: str, url: str = "/accounts/login/") -> int:
    return client.post(url, {"username": username, "password": password}).status_code


# 1. A success resets only the failures of the name that signed in


def test_signing_in_as_oneself_does_not_clear_the_failures_of_another_name(settings):
    settings.AXES_FAILURE_LIMIT = 5
    User.objects.create_user("editor", password="editor-secret-123")
    User.objects.create_user("mallory", password="mallory-secret-123")
    attacker = Client(REMOTE_ADDR="10.0.0.66")
    answers = []
    for _round in range(4):  # the audit's attack: 4 guesses, sign in as oneself, again
        answers += [sign_in(attacker, "editor", f"guess-{_round}-{i}") for i in range(4)]
        attacker.post("/accounts/logout/")
        answers.append(sign_in(attacker, "mallory", "mallory-secret-123"))
        attacker.post("/accounts/logout/")
    assert 429 in answers
    assert answers.index(429) <= 5  # the 5th guess from the address locks it
    # The right password for the attacked name is refused while locked, from anywhere.
    assert sign_in(Client(REMOTE_ADDR="10.0.0.67"), "editor", "editor-secret-123") == 429


def test_a_success_still_resets_the_failures_of_its_own_name(settings):
    settings.AXES_FAILURE_LIMIT = 5
    User.objects.create_user("ivanova", password="ivanova-secret-123")
    client = Client(REMOTE_ADDR="10.0.0.70")
    assert [sign_in(client, "ivanova", "typo") for _ in range(4)] == [200] * 4
    assert sign_in(client, "ivanova", "ivanova-secret-123") == 302
    assert not AccessAttempt.objects.filter(username="ivanova").exists()
    client.post("/accounts/logout/")
    assert [sign_in(client, "ivanova", "typo") for _ in range(4)] == [200] * 4


def test_a_colleagues_sign_in_keeps_the_counters_of_others_behind_the_same_proxy(settings):
    settings.AXES_FAILURE_LIMIT = 3
    User.objects.create_user("editor", password="editor-secret-123")
    User.objects.create_user("colleague", password="colleague-secret-123")
    proxy = Client(REMOTE_ADDR="10.0.0.1")  # no PRAVILA_CLIENT_IP_HEADER: one address for all
    assert [sign_in(proxy, "editor", "guess") for _ in range(2)] == [200, 200]
    assert sign_in(Client(REMOTE_ADDR="10.0.0.1"), "colleague", "colleague-secret-123") == 302
    assert AccessAttempt.objects.filter(username="editor").get().failures_since_start == 2
    assert sign_in(proxy, "editor", "guess") == 429


# 6. A name longer than any column: a form error, never a 500 (PostgreSQL included)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
@pytest.mark.parametrize("length", [151, 256, 300, 5000])
def test_a_very_long_user_name_is_a_failed_sign_in_not_a_server_error(url, length):
    client = Client(REMOTE_ADDR="10.0.0.80")
    response = client.post(url, {"username": "я" * length, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_very_long_names_are_still_counted_and_locked(settings):
    settings.AXES_FAILURE_LIMIT = 2
    name = "ы" * 400
    answers = [sign_in(Client(REMOTE_ADDR=f"10.0.1.{i}"), name, "x") for i in range(2)]
    assert answers == [200, 429]


# 7. The proxy's user header: checked, and one account whatever the case


@pytest.fixture
def remote_user(settings):
    settings.PRAVILA_REMOTE_USER_HEADER = "X-Remote-User"
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        REMOTE_USER_MIDDLEWARE,
    )
    settings.MIDDLEWARE = middleware
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.RemoteUserBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]


@pytest.mark.parametrize(
    "name",
    ["a" * 151, "x" * 5000, "ivanova petrova", "<script>", "name\x00", "ivan;ova", "", "   "],
)
def test_a_bad_remote_user_name_gets_a_clear_403_and_no_account(remote_user, name):
    response = Client(headers={"X-Remote-User": name}).get("/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Имя пользователя, переданное сервером входа, не подходит" in html
    assert "Content-Security-Policy" in response.headers
    assert not User.objects.exists()


def test_remote_user_names_are_case_folded_into_one_account(remote_user):
    for name in ("ROOT", "root", "Root"):
        response = Client(headers={"X-Remote-User": name}).get("/")
        assert response.status_code == 200
        assert "Вы вошли как root" in response.content.decode()
    assert list(User.objects.values_list("username", flat=True)) == ["root"]


def test_an_account_made_before_folding_keeps_its_name(remote_user):
    User.objects.create_user("Petrov")
    client = Client(headers={"X-Remote-User": "PETROV"})
    for _ in range(2):
        assert "Вы вошли как Petrov" in client.get("/").content.decode()
    assert User.objects.count() == 1


def test_a_valid_remote_user_name_with_the_usual_characters_signs_in(remote_user):
    response = Client(headers={"X-Remote-User": "i.ivanova@corp-1+x"}).get("/")
    assert response.status_code == 200
    assert User.objects.filter(username="i.ivanova@corp-1+x").exists()


# 10. In sign-in mode, what a signed-in reader gets is private


@pytest.mark.parametrize(
    "url", ["/api/v1/entries/", "/api/v1/tags/", "/api/v1/search/?q=суд", "/feed/", "/sitemap.xml"]
)
def test_signed_in_answers_in_sign_in_mode_are_private(settings, url):
    settings.PRAVILA_LOGIN_REQUIRED = True
    make_entry(Kind.SITUATION, title="Клиент угрожает судом", tags=["суд"])
    client = Client()
    client.force_login(User.objects.create_user("reader"))
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response.get("Cache-Control", "")
