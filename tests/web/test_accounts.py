"""Staff sign in with the site's login page, or through a company proxy's remote-user header."""

import os
import subprocess
import sys
from pathlib import Path as FilePath

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from kb.content.models import Kind
from kb.paths.models import ReadMark
from tests.factories import make_entry, make_path

pytestmark = pytest.mark.django_db

ROOT = FilePath(__file__).resolve().parents[2]
REMOTE_USER_MIDDLEWARE = "kb.web.accounts.ProxyRemoteUserMiddleware"


@pytest.fixture
def path():
    return make_path(make_entry(Kind.RULE, title="Обещать меньше", number=1), title="Неделя")


def test_the_login_page_signs_staff_in_and_back_to_the_path(client, path):
    User.objects.create_user("ivanova", password="pass-ivanova-123", is_staff=True)
    html = client.get(path.get_absolute_url()).content.decode()
    login_url = f"/accounts/login/?next=/paths/{path.slug}/"
    assert f'href="{login_url}"' in html

    page = client.get(login_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<h1>Вход</h1>" in text and 'name="password"' in text
    assert f'name="next" value="{path.get_absolute_url()}"' in text

    wrong = client.post(
        reverse("login"),
        {"username": "ivanova", "password": "wrong", "next": path.get_absolute_url()},
    )
    assert wrong.status_code == 200
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in wrong.content.decode()

    response = client.post(
        reverse("login"),
        {"username": "ivanova", "password": "pass-ivanova-123", "next": path.get_absolute_url()},
    )
    assert response.status_code == 302
    assert response["Location"] == path.get_absolute_url()
    html = client.get(path.get_absolute_url()).content.decode()
    assert "Прочитано 0 из 1" in html and "Вы вошли как ivanova" in html


def test_signing_out_is_a_post(client, path):
    client.force_login(User.objects.create_user("ivanova"))
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Войти" in client.get("/").content.decode()


@pytest.fixture
def remote_user(settings):
    """The settings PRAVILA_REMOTE_USER_HEADER=X-Remote-User produces (see the next test)."""
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


def test_behind_a_proxy_the_header_signs_staff_in_without_a_password(remote_user, path):
    proxy = Client(headers={"X-Remote-User": "petrov"})
    html = proxy.get(path.get_absolute_url()).content.decode()
    assert "Прочитано 0 из 1" in html and "Вы вошли как petrov" in html
    user = User.objects.get(username="petrov")  # created on the first visit
    assert not user.is_staff

    entry = path.entries.get()
    response = proxy.post(reverse("paths:mark_read", args=[entry.pk]))
    assert response.status_code == 303
    assert ReadMark.objects.filter(user=user, entry=entry).exists()
    assert "Прочитано 1 из 1" in proxy.get(path.get_absolute_url()).content.decode()

    # Without the header nobody is signed in; the login page still works for others.
    anonymous = Client()
    assert (
        "Войдите, чтобы отмечать прочитанное"
        in anonymous.get(path.get_absolute_url()).content.decode()
    )
    User.objects.create_user("admin-local", password="pass-local-123")
    assert (
        anonymous.post(
            reverse("login"), {"username": "admin-local", "password": "pass-local-123"}
        ).status_code
        == 302
    )


def settings_value(expression: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PRAVILA_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import kb.config.settings as s; print({expression})"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_setting_turns_the_remote_user_header_on_and_refuses_a_bad_name():
    result = settings_value(
        "s.MIDDLEWARE, s.AUTHENTICATION_BACKENDS", PRAVILA_REMOTE_USER_HEADER="X-Remote-User"
    )
    assert result.returncode == 0, result.stderr
    assert REMOTE_USER_MIDDLEWARE in result.stdout
    assert "RemoteUserBackend" in result.stdout and "ModelBackend" in result.stdout
    assert REMOTE_USER_MIDDLEWARE not in settings_value("s.MIDDLEWARE").stdout
    bad = settings_value("s.MIDDLEWARE", PRAVILA_REMOTE_USER_HEADER="X Remote User: x")
    assert bad.returncode != 0
    assert "PRAVILA_REMOTE_USER_HEADER must be an HTTP header name" in bad.stderr
