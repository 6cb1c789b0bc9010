"""The hostile audit's scenarios against a live gunicorn on 127.0.0.1 (issue 22).

`manage.py audit` (and `make audit`) serves the site the production way
(kb/tools/bench/load.py) on a database of its own and runs, each bounded in requests and time:

- brute force: wrong passwords for one account from one address, signing in as oneself between
  rounds (the defect: a success cleared the attacked name's counter);
- miss-log flood: searches with random queries and one query repeated, the rows they add;
- /search/open/ flood: openings with made-up keys, the time of an opening before and after;
- cache growth: `GET /?utm=<random>`, the keys and memory they add to Redis (with a cache URL).

Only 127.0.0.1 is ever addressed. The server is stopped by its PID at the end.
"""

import json
import secrets
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

from kb.tools.bench import load

LOOPBACK = "127.0.0.1"
TIMEOUT = 10  # seconds per request
ATTACKER = "audit-attacker"
VICTIM = "audit-victim"
WORDS = ["клиент", "касса", "возврат", "жалоба", "курьер", "сотрудник", "скидка", "чек"]


@dataclass
class Answer:
    status: int
    headers: Message
    body: str
    seconds: float


@dataclass
class Figures:
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)
        print(line, flush=True)


class Budget:
    """The whole run's time: a scenario stops sending when it is spent."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def left(self) -> bool:
        return time.monotonic() < self.deadline


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(
    url: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> Answer:
    if not url.startswith(f"http://{LOOPBACK}:"):
        raise ValueError(f"The audit only addresses {LOOPBACK}, not {url}.")
    body = urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    started = time.perf_counter()
    try:
        with OPENER.open(request, timeout=TIMEOUT) as response:
            status, answer_headers, content = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, content = error.code, error.headers, error.read()
    seconds = time.perf_counter() - started
    return Answer(status, answer_headers, content.decode(errors="replace"), seconds)


def sign_in_attempt(base: str, username: str, password: str) -> int:
    """One sign-in through the login form, as a browser without cookies makes it."""
    login = base + "/accounts/login/"
    form = fetch(login)
    cookies = load.set_cookies(form.headers)
    token = form.body.split('name="csrfmiddlewaretoken" value="', 1)[-1].split('"', 1)[0]
    data = {"username": username, "password": password, "csrfmiddlewaretoken": token}
    headers = {"Referer": login, **load.cookie_header(cookies)}
    return fetch(login, data, headers).status


def brute_force(base: str, victim_password: str, attacker_password: str, figures: Figures) -> None:
    answers: list[int] = []
    for round_number in range(4):
        answers += [sign_in_attempt(base, VICTIM, f"guess-{round_number}-{i}") for i in range(4)]
        answers.append(sign_in_attempt(base, ATTACKER, attacker_password))
    guesses = [status for i, status in enumerate(answers) if (i + 1) % 5]
    before_lock = guesses.index(429) if 429 in guesses else len(guesses)
    right = sign_in_attempt(base, VICTIM, victim_password)
    figures.add(
        f"brute force: {len(guesses)} wrong passwords for one account from one address, "
        f"signing in as oneself after every 4: {before_lock} answered before the first 429; "
        f"the right password then: {right} (429 = refused while locked)"
    )


def misslog_rows(env: dict[str, str]) -> int:
    code = "from kb.misslog.models import SearchRecord; print(SearchRecord.objects.count())"
    return int(run_manage(env, "shell", "-c", code).strip().splitlines()[-1])


def misslog_flood(base: str, env: dict[str, str], count: int, budget: Budget, figures: Figures):
    before = misslog_rows(env)
    sent = 0
    for i in range(count):
        if not budget.left():
            break
        words = " ".join(secrets.choice(WORDS) for _ in range(2))
        fetch(f"{base}/search/?{urlencode({'q': f'{words} {secrets.token_hex(3)} {i}'})}")
        fetch(f"{base}/api/v1/search/?{urlencode({'q': 'клиент кричит', 'page': 1 + i % 3})}")
        sent += 2
    added = misslog_rows(env) - before
    figures.add(
        f"miss-log flood: {sent} searches from one address ({sent // 2} random queries, "
        f"{sent // 2} of one query): {added} rows added ({added / max(sent, 1):.3f} per search)"
    )


def open_flood(base: str, count: int, budget: Budget, figures: Figures) -> None:
    entries = json.loads(fetch(f"{base}/api/v1/entries/?limit=1").body)["items"]
    entry_id = entries[0]["id"]

    def opening() -> float:
        answer = fetch(f"{base}/search/open/{uuid.uuid4()}/{entry_id}/")
        if answer.status != 302:
            raise SystemExit(f"/search/open/ answered {answer.status}, not 302.")
        return answer.seconds

    first = [opening() for _ in range(20)]
    sent = 20
    while sent < count and budget.left():
        opening()
        sent += 1
    last = [opening() for _ in range(20)]
    sent += 20
    figures.add(
        f"/search/open/ flood: {sent} openings with made-up keys: median "
        f"{statistics.median(first) * 1000:.1f} ms for the first 20, "
        f"{statistics.median(last) * 1000:.1f} ms for the last 20"
    )


def redis_figures(cache_url: str) -> Callable[[], tuple[int, int]]:
    import redis

    client = redis.Redis.from_url(cache_url)
    return lambda: (client.dbsize(), client.info("memory")["used_memory"])


def cache_growth(base: str, cache_url: str, count: int, budget: Budget, figures: Figures):
    fetch(f"{base}/")  # the page itself, stored once
    measure = redis_figures(cache_url) if cache_url else None
    before = measure() if measure else None
    sent = 0
    while sent < count and budget.left():
        answer = fetch(f"{base}/?utm={secrets.token_hex(8)}")
        if answer.status != 200:
            raise SystemExit(f"/?utm= answered {answer.status}.")
        sent += 1
    if measure is None:
        figures.add(f"cache growth: {sent} × GET /?utm=<random>: no CACHE_URL, Redis not measured")
        return
    keys, memory = (after - earlier for after, earlier in zip(measure(), before, strict=True))
    figures.add(
        f"cache growth: {sent} × GET /?utm=<random>: {keys} Redis keys and "
        f"{memory / 1024:.0f} kB added ({memory / max(sent, 1) / 1024:.1f} kB per request)"
    )


def run_manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.stdout


ACCOUNTS = """
from django.contrib.auth.models import User
for name, password in (("{victim}", "{victim_password}"), ("{attacker}", "{attacker_password}")):
    user, _ = User.objects.get_or_create(username=name)
    user.set_password(password)
    user.save()
from axes.models import AccessAttempt
AccessAttempt.objects.all().delete()
"""


def audit(
    *, port: int, database_url: str, cache_url: str, requests: int, seconds: float, workdir: Path
) -> list[str]:
    """Run every scenario; the figures, one line each."""
    env = load.production_environment()
    env.update(
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        PRAVILA_CACHE_GENERATION_FILE=str(workdir / "cache-generation"),
        PRAVILA_MISSLOG_WRITE_SECONDS="0",  # every search written after its response
        DJANGO_LOG_LEVEL="ERROR",
    )
    load.prepare(env)
    victim_password, attacker_password = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    run_manage(
        env,
        "shell",
        "-c",
        ACCOUNTS.format(
            victim=VICTIM,
            attacker=ATTACKER,
            victim_password=victim_password,
            attacker_password=attacker_password,
        ),
    )
    figures = Figures()
    budget = Budget(seconds)
    with load.gunicorn(env, port, workers=2, log=workdir / "gunicorn.log") as base:
        cache_growth(base, cache_url, requests, budget, figures)
        misslog_flood(base, env, requests // 2, budget, figures)
        open_flood(base, requests, budget, figures)
        brute_force(base, victim_password, attacker_password, figures)
    return figures.lines
