"""Many editors saving at the same moment, each in a process of its own, through a real server.

The server is gunicorn (as in production) on the test database; on SQLite that database is a
copy of the test database in a file, as `make run` uses, because the defect this guards against
(saves answered 500 "database is locked") only shows between processes sharing a file.
"""

import http.cookiejar
import multiprocessing
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from kb.content.models import Entry, Kind
from tests.conftest import editors_group
from tests.helpers import change_url, open_form, recorded_entry

pytestmark = pytest.mark.django_db(transaction=True)

OWN_ENTRY_WRITERS = 10  # each saves an entry nobody else touches
CONFLICT = "изменил(а) эту запись"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Answers come back as they are: a save's 302 is the sign that it was saved."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def send(opener: urllib.request.OpenerDirector, url: str, data: Any = None) -> tuple[int, str]:
    body = None if data is None else urllib.parse.urlencode(data, doseq=True).encode()
    try:
        with opener.open(url, body, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode(errors="replace")


def edit_through_the_admin(
    base_url: str,
    username: str,
    session_key: str,
    path: str,
    data: dict[str, Any],
    start: Any,
    results: Any,
) -> None:
    """One signed-in editor: open the change form, and press "Save" when everyone does."""
    cookies = http.cookiejar.CookieJar()
    cookies.set_cookie(session_cookie(session_key))
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies), KeepRedirects)
    try:
        status, page = send(opener, base_url + path)
        assert status == 200, f"the change form answered {status}"
        token = TOKEN.search(page)[1]
        start.wait(timeout=60)
        status, page = send(opener, base_url + path, {**data, "csrfmiddlewaretoken": token})
        detail = error_summary(page) if status >= 500 else ""
        results.put((username, status, CONFLICT in page, detail))
    except Exception as error:  # reported to the test, which fails with it
        results.put((username, -1, False, repr(error)))


def session_cookie(session_key: str) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        version=0,
        name=settings.SESSION_COOKIE_NAME,
        value=session_key,
        port=None,
        port_specified=False,
        domain="127.0.0.1",
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )


def error_summary(page: str) -> str:
    """The exception of Django's debug page (the server runs with DEBUG on), or the page."""
    value = re.search(r'<pre class="exception_value">(.*?)</pre>', page, re.DOTALL)
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    return " — ".join(m[1].strip() for m in (title, value) if m) or page[:500]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(sqlite_file: Path) -> str:
    """The URL under which the server process reaches this test's database."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{sqlite_file}"
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return (
        f"postgres://{urllib.parse.quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


class GunicornServer:
    """gunicorn (as in production) on a free port, serving this test's data.

    On SQLite the data goes to a file for the server, and comes back when it stops.
    """

    def __init__(self, workdir: Path) -> None:
        self.sqlite_file = workdir / "db.sqlite3"
        self.log = workdir / "server.log"
        self.url = f"http://127.0.0.1:{free_port()}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            copy = sqlite3.connect(self.sqlite_file)
            connection.connection.backup(copy)
            copy.close()
        env = {
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": database_url(self.sqlite_file),
            "DJANGO_DEBUG": "1",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, "-m", "gunicorn", "kb.config.wsgi:application", "--preload"]
        command += ["--bind", self.url.removeprefix("http://"), "--worker-class", "gthread"]
        command += ["--workers", "2", "--threads", "8"]
        with self.log.open("w") as log_file:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/admin/login/", timeout=5):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"the server did not start:\n{self.log.read_text()}")
                time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server; on SQLite, bring what it saved back into the test database."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)  # a quick shutdown: every answer is in
        self.process.wait(timeout=30)
        self.process = None
        if connection.vendor == "sqlite":
            saved = sqlite3.connect(self.sqlite_file)
            saved.backup(connection.connection)
            saved.close()


@pytest.fixture
def server(tmp_path: Path, writers: dict) -> Iterator[GunicornServer]:
    """The server, started once the writers' data is in the database."""
    server = GunicornServer(tmp_path)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def signed_in_editor(username: str) -> tuple[User, str]:
    """A new editor, and the key of a session they are signed in with (as `force_login` does:
    twelve password checks would cost seconds of CPU and test nothing here)."""
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(editors_group())
    client = Client()
    client.force_login(user)
    return user, client.cookies[settings.SESSION_COOKIE_NAME].value


def test_every_concurrent_save_is_saved_or_gets_the_conflict_message(writers, server):
    """Ten editors save ten entries and two more save one entry, all at the same moment."""
    base_url = server.url
    context = multiprocessing.get_context("fork")
    start = context.Barrier(len(writers))
    results = context.Queue()
    processes = [
        context.Process(
            target=edit_through_the_admin,
            args=(base_url, username, session, change_url(entry), data, start, results),
        )
        for username, (entry, session, data) in writers.items()
    ]
    for process in processes:
        process.start()
    answers = {}
    for _ in processes:
        username, status, conflict, detail = results.get(timeout=120)
        answers[username] = (status, conflict, detail)
    for process in processes:
        process.join(timeout=30)
    server.stop()

    failures = {name: a for name, a in answers.items() if not (a[0] == 302 or a[1])}
    assert not failures, failures
    # Every editor of an entry of their own saved it.
    for username, (entry, _session, data) in writers.items():
        if username.startswith("own"):
            assert answers[username][0] == 302, username
            stored = Entry.objects.get(pk=entry.pk)
            assert (stored.title, stored.version) == (data["title"], 2)
            assert stored.responses.first().text == data["responses-0-text"]
    # Of the two on one entry, one saved and the other was told someone saved first.
    shared = {name: answers[name] for name in ("shared-1", "shared-2")}
    saved = [name for name, (status, _c, _d) in shared.items() if status == 302]
    assert len(saved) == 1, shared
    refused = next(name for name in shared if name not in saved)
    assert shared[refused][:2] == (200, True)
    entry, _session, data = writers[saved[0]]
    stored = Entry.objects.get(pk=entry.pk)
    assert (stored.title, stored.version) == (data["title"], 2)
    assert stored.responses.first().text == data["responses-0-text"]


@pytest.fixture
def writers() -> dict[str, tuple[Entry, str, dict[str, Any]]]:
    """Each writer's entry, session and the change form they will send, with their edit in it."""
    writers = {}
    forms = Client()
    forms.force_login(signed_in_editor("forms")[0])
    entries = [
        recorded_entry(Kind.SITUATION, title=f"Ситуация {n}", steps=["Выслушать", "Извиниться"])
        for n in range(OWN_ENTRY_WRITERS + 1)
    ]
    shared_entry = entries.pop()
    names = [f"own-{n}" for n in range(len(entries))]
    for username, entry in [
        *zip(names, entries, strict=True),
        *((f"shared-{n}", shared_entry) for n in (1, 2)),
    ]:
        _user, session = signed_in_editor(username)
        data = open_form(forms, entry)
        data["title"] = f"{entry.title}: правка {username}"
        data["responses-0-text"] = f"Выслушать ({username})"
        writers[username] = (entry, session, data)
    return writers
