"""Drive Pravila's pages and a bare Django view with `wrk`, each under gunicorn, and compare.

Both servers run the production way (DJANGO_DEBUG=0, hashed static files, 2 sync workers) on
127.0.0.1; each URL gets the same connections for the same time, one after the other, and the
bare view is measured before and after the pages so that a busy machine shows as a spread.
"""

import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# A wrk script: counts responses outside 2xx (wrk itself only counts >= 400 as errors) and
# prints one JSON line with the figures the report needs.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local non2xx_total = 0
  for _, thread in ipairs(threads) do non2xx_total = non2xx_total + thread:get("non2xx") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"errors": %d, "non2xx": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, non2xx_total))
end
"""


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    kind: str  # "bare", "entry" (entry and home pages), "search"


@dataclass
class Result:
    target: Target
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    non2xx: int
    ratio: float | None = None


# Pages from the cache: entry and home pages, searches; pages built for each request (an
# editor's, or with the page cache off): any page (issue 21).
MINIMUM_RATIO = {"entry": 0.6, "search": 0.3, "uncached": 0.3}


def ensure_wrk() -> str:
    """The path of `wrk`, installed from Debian's packages when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    command = ["apt-get", "install", "-y", "-q", "wrk"]
    if os.geteuid() != 0:
        command = ["sudo", "-n", *command]
    print("wrk is missing; installing it:", " ".join(command), flush=True)
    subprocess.run(command, check=False, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and could not be: run `sudo apt-get install wrk`.")
    return found


def production_environment() -> dict[str, str]:
    """The documented production settings, served on 127.0.0.1 over plain HTTP."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kb.config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # No TLS on 127.0.0.1: an https redirect would make every answer a 301.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.pop("PYTHONPATH", None)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, check=True)


def prepare(env: dict[str, str]) -> None:
    """Schema, content, search index and static files, as `make run` and a deploy make them."""
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_seed", "--if-empty")
    manage(env, "rebuild_search_index", "--if-incomplete")
    manage(env, "collectstatic", "--no-input", "-v", "0")


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> Iterator[str]:
    """A gunicorn serving kb.config.wsgi with `env` on 127.0.0.1:`port`; stopped by its pid."""
    binary = Path(sys.executable).with_name("gunicorn")
    command = [
        str(binary),
        "kb.config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--error-logfile",
        str(log),
    ]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn for {base} exited with {process.returncode}.")
        try:
            urllib.request.urlopen(base + "/", timeout=2).close()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit(f"gunicorn for {base} did not answer within {timeout:.0f} s.")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_answers(url: str, headers: dict[str, str]) -> None:
    """Every measured URL must answer 200 before it is measured (and is warmed up so). Slow
    pages (uncached, an editor's) can leave the workers the previous URL's queue to finish
    first: hence the long wait."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=180) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        raise SystemExit(f"{url} answers {status}, not 200: nothing to measure.")


def drive(
    wrk: str, url: str, seconds: int, connections: int, threads: int, headers: dict[str, str]
) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        output = subprocess.run(
            [
                wrk,
                f"--threads={threads}",
                f"--connections={connections}",
                f"--duration={seconds}s",
                "--timeout=10s",
                f"--script={script.name}",
                *(f"--header={name}: {value}" for name, value in headers.items()),
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def measure(
    wrk: str,
    base: str,
    target: Target,
    seconds: int,
    connections: int,
    headers: dict[str, str] | None = None,
) -> Result:
    url = base + target.path
    check_answers(url, headers or {})
    figures = drive(wrk, url, seconds, connections, threads=2, headers=headers or {})
    return Result(
        target=target,
        requests_per_second=figures["requests"] / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=figures["errors"],
        non2xx=figures["non2xx"],
    )


BENCH_READER = "bench-reader"


def reader_password() -> str:
    """A reader without rights for the benchmark, with a new password each run."""
    from django.contrib.auth.models import User

    password = secrets.token_urlsafe(24)
    user, _ = User.objects.get_or_create(username=BENCH_READER)
    user.is_staff = user.is_superuser = False
    user.set_password(password)
    user.save()
    user.user_permissions.clear()
    user.groups.clear()
    return password


def sign_in(base: str, username: str, password: str) -> dict[str, str]:
    """Sign in through the site's login page, as a browser does; the Cookie header to send.
    (Cookies are read by hand: production marks them Secure, and this is plain HTTP.)"""
    import re
    from urllib.parse import urlencode

    opener = urllib.request.build_opener(NoRedirect)
    login = base + "/accounts/login/"
    with opener.open(login, timeout=30) as response:
        cookies = set_cookies(response.headers)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())
    if token is None:
        raise SystemExit(f"{login} shows no sign-in form.")
    form = {"username": username, "password": password, "csrfmiddlewaretoken": token[1]}
    request = urllib.request.Request(
        login, data=urlencode(form).encode(), headers={"Referer": login, **cookie_header(cookies)}
    )
    try:
        opener.open(request, timeout=30).close()
        raise SystemExit(f"Signing in at {login} failed: the form came back.")
    except urllib.error.HTTPError as error:  # the redirect after signing in
        if error.code != 302:
            raise SystemExit(f"Signing in at {login} answered {error.code}.") from None
        cookies |= set_cookies(error.headers)
    if settings.SESSION_COOKIE_NAME not in cookies:
        raise SystemExit(f"Signing in at {login} did not start a session.")
    return cookie_header(cookies)


def set_cookies(headers) -> dict[str, str]:
    pairs = (value.split(";", 1)[0].split("=", 1) for value in headers.get_all("Set-Cookie") or [])
    return {name.strip(): value.strip() for name, value in pairs}


def cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}


def page_targets() -> list[Target]:
    """What readers open most: the home page, a situation, a tag, searches, the API's search."""
    from urllib.parse import quote

    from django.db.models import Count

    from kb.content.models import Entry, Kind, SearchWord, Tag

    situation = Entry.objects.published().of_kind(Kind.SITUATION).order_by("pk").first()
    tag = (
        Tag.objects.annotate(n=Count("tagged_entries")).order_by("-n", "slug").first()
        if Tag.objects.exists()
        else None
    )
    words = SearchWord.objects.filter(word__regex=r"^[а-яё]{5,}$")
    common = words.order_by("-document_count", "word").first()
    rare = words.filter(document_count=1).order_by("word").first()
    if not (situation and tag and common and rare):
        raise SystemExit("The database has no content to measure: run `make seed` first.")
    return [
        Target("home", "/", "entry"),
        Target("situation", situation.get_absolute_url(), "entry"),
        Target("tag", tag.get_absolute_url(), "entry"),
        Target(f"search (common: {common.word})", f"/search/?q={quote(common.word)}", "search"),
        Target(f"search (rare: {rare.word})", f"/search/?q={quote(rare.word)}", "search"),
        Target(f"API search ({common.word})", f"/api/v1/search/?q={quote(common.word)}", "search"),
    ]


def median_result(results: list[Result]) -> Result:
    """A page's figures over the rounds: median rates and ratio, all errors and non-2xx."""
    return Result(
        target=results[0].target,
        requests_per_second=statistics.median(r.requests_per_second for r in results),
        p50_ms=statistics.median(r.p50_ms for r in results),
        p99_ms=statistics.median(r.p99_ms for r in results),
        errors=sum(r.errors for r in results),
        non2xx=sum(r.non2xx for r in results),
        ratio=statistics.median(r.ratio for r in results),
    )


def summary(per_page: dict[str, list[Result]], rounds: int) -> str:
    lines = [
        f"Median of {rounds} rounds (errors and non-2xx: totals)",
        f"{'page':<34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'non-2xx':>8}"
        f" {'× bare':>7}  {'ratios per round':<20} verdict",
    ]
    for results in per_page.values():
        r = median_result(results)
        each = " ".join(f"{x.ratio:.2f}" for x in results)
        lines.append(
            f"{r.target.name:<34} {r.requests_per_second:>8.0f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f}"
            f" {r.errors:>7} {r.non2xx:>8} {r.ratio:>7.2f}  {each:<20} {verdict(r)}"
        )
    return "\n".join(lines)


def verdict(result: Result) -> str:
    minimum = MINIMUM_RATIO.get(result.target.kind)
    clean = result.errors == 0 and result.non2xx == 0
    if minimum is None:
        return "" if clean else "FAIL"
    return "ok" if clean and result.ratio >= minimum else f"FAIL (target ≥ {minimum})"


def report(results: list[Result], bare_rps: float, label: str) -> str:
    lines = [
        f"{label}\nbare view {bare_rps:.0f} req/s (mean of its runs before and after the pages)",
        f"{'page':<34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'non-2xx':>8}"
        f" {'× bare':>7}  verdict",
    ]
    for r in results:
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "—"
        lines.append(
            f"{r.target.name:<34} {r.requests_per_second:>8.0f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f}"
            f" {r.errors:>7} {r.non2xx:>8} {ratio:>7}  {verdict(r)}"
        )
    return "\n".join(lines)
