"""Hostile input, sent where an attacker or a broken client would send it (issue 9).

Hundreds of hostile values (tests/hostile/values.py) go to every query parameter and path
segment of every public URL, of the API and of the admin's list, history, compare, restore,
recover and autocomplete views (tests/hostile/targets.py discovers them). Every answer must
come without a server error, without live markup, within a time budget, and must leave the
database as it was.

Each run sends a sample: `PRAVILA_HOSTILE_SAMPLE` requests per URL (default 4), with values
drawn by `PRAVILA_HOSTILE_SEED` (random unless set; printed with any failure, so a failing
run can be repeated exactly). `PRAVILA_HOSTILE_BUDGET` is the time allowed per answer, in
seconds (default 10: generous, for a loaded CI machine).
"""

import json
import os
import random
import time
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest
import reversion
from django.apps import apps
from django.contrib.sessions.models import Session
from django.http import HttpResponse, JsonResponse
from django.test import Client
from django.utils.html import escape
from reversion.models import Version

from kb import search
from kb.content import history
from kb.content.models import Entry, Kind, Response, Status
from kb.misslog.models import SearchRecord
from kb.web.api import api
from tests.factories import make_entry, make_path, make_source
from tests.hostile.targets import Target, admin_targets, public_targets
from tests.hostile.values import MARKER, MARKUP, RAW_QUERIES, VALUES

pytestmark = pytest.mark.django_db

SEED = int(os.environ.get("PRAVILA_HOSTILE_SEED") or random.randrange(2**32))
SAMPLE = int(os.environ.get("PRAVILA_HOSTILE_SAMPLE") or 4)
BUDGET = float(os.environ.get("PRAVILA_HOSTILE_BUDGET") or 10)
# Each parameter repeated this often; with the parameters of a list, within Django's 1,000.
REPEATS = 25
SHAPES = ("all parameters", "segment", "one parameter", "repeated", "malformed encoding")
# Attributes whose value a browser follows or runs as a URL.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "content"}
HTML_FIELDS = {"snippet", "html", "title_html", "text_html", "body_html", "lesson_html"}


def test_there_are_at_least_700_hostile_values():
    assert len(VALUES) + len(RAW_QUERIES) >= 700
    categories = {value.category for value in VALUES}
    assert categories >= {"markup", "search syntax", "number", "control", "surrogate"}
    assert categories >= {"invisible", "long", "script"}


def test_the_checks_tell_live_markup_from_escaped_text():
    live = [text for text in MARKUP if live_markup(f"<p>{text}</p>")]
    assert len(live) >= 25
    assert not [text for text in MARKUP if live_markup(f"<p>{escape(text)}</p>")]
    assert not [text for text in MARKUP if live_markup(f'<input value="{escape(text)}">')]
    assert problems_of(HttpResponse(f"<p>{MARKUP[0]}</p>"))
    assert problems_of(HttpResponse(status=500)) == ["status 500"]
    assert problems_of(JsonResponse({"results": [{"snippet": MARKUP[7]}]}))
    assert not problems_of(JsonResponse({"query": MARKUP[7]}))


class LiveMarkup(HTMLParser):
    """Finds injected markup a browser would run: a payload's element, event handler or
    `javascript:` URL, or its call inside a <script>. Escaped text is never any of these."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = (value or "").replace("\t", "").replace("\n", "").strip().lower()
            handler = name.startswith("on") and MARKER in value
            # A URL whose scheme is javascript:, not a path that merely holds the word.
            script_url = (
                name in URL_ATTRIBUTES and value.startswith("javascript:") and MARKER in value
            )
            if MARKER in name or handler or script_url:
                self.found.append(f"<{tag} {name}={value[:60]!r}>")
        self.in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and f"{MARKER}(" in data:
            self.found.append(f"<script>{data[:60]!r}")


def live_markup(html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


def html_in_json(data: Any) -> list[str]:
    """The HTML fields of a JSON answer (snippets, rendered text), wherever they are."""
    if isinstance(data, dict):
        found = [v for k, v in data.items() if k in HTML_FIELDS and isinstance(v, str)]
        return found + [html for v in data.values() for html in html_in_json(v)]
    if isinstance(data, list):
        return [html for item in data for html in html_in_json(item)]
    return []


def problems_of(response: Any) -> list[str]:
    problems = []
    # 501 is oEmbed's documented answer to a format other than JSON, not a failure.
    if response.status_code >= 500 and response.status_code != 501:
        problems.append(f"status {response.status_code}")
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    if content_type.startswith("application/json"):
        try:
            fragments = html_in_json(json.loads(text))
        except ValueError:
            fragments = []
            problems.append("invalid JSON")
    else:
        fragments = [text]
    for fragment in fragments:
        problems += [f"live markup {found}" for found in live_markup(fragment)]
    return problems


def encoded(text: str) -> str:
    # Lone surrogates go as the bytes a lenient encoder makes of them (CESU-8 style).
    return quote(text, safe="", errors="surrogatepass")


class Sampler:
    """Draws requests for a target: a category first, so that every kind of value is as
    likely as any other, however many of each there are."""

    def __init__(self, seed: int, target: Target) -> None:
        self.rng = random.Random(f"{seed}:{target.name}:{target.route}")
        self.by_category: dict[str, list[str]] = {}
        for value in VALUES:
            self.by_category.setdefault(value.category, []).append(value.text)
        self.categories = sorted(self.by_category)

    def value(self) -> str:
        return encoded(self.rng.choice(self.by_category[self.rng.choice(self.categories)]))

    def urls(self, target: Target, count: int) -> list[str]:
        shapes = [
            shape
            for shape in SHAPES
            if (shape == "segment" and target.segments)
            or (shape != "segment" and target.parameters)
        ] or ["segment" if target.segments else "none"]
        self.rng.shuffle(shapes)
        return [self.url(target, shapes[i % len(shapes)]) for i in range(count)]

    def url(self, target: Target, shape: str) -> str:
        fixed = dict(target.fixed)
        pairs: list[tuple[str, str]] = []
        path = target.path()
        if shape == "segment":
            path = target.path(self.rng.choice(sorted(target.segments)), self.value())
        elif shape == "all parameters":
            pairs = [(name, self.value()) for name in target.parameters]
        elif shape == "one parameter":
            pairs = [(self.rng.choice(target.parameters), self.value())]
        elif shape == "repeated":
            pairs = [(name, self.value()) for name in target.parameters for _ in range(REPEATS)][
                : 900 - len(fixed)
            ]
        elif shape == "malformed encoding":
            pairs = [(name, self.rng.choice(RAW_QUERIES)) for name in target.parameters]
        for name, _ in pairs:
            fixed.pop(name, None)
        query = [*(f"{k}={encoded(v)}" for k, v in fixed.items()), *(f"{k}={v}" for k, v in pairs)]
        return path + ("?" + "&".join(query) if query else "")


def row_counts() -> dict[str, int]:
    """Rows per table, except sessions (signing in writes one) and the miss log, which records
    searches by design (tests/misslog/test_misslog.py checks what it keeps of hostile queries)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model not in (Session, SearchRecord) and not model._meta.proxy
    }


def send_all(client: Client, targets: list[Target]) -> list[str]:
    """Send each target's sample; every problem found, with the request that caused it."""
    failures = []
    before = row_counts()
    for target in targets:
        for url in Sampler(SEED, target).urls(target, SAMPLE):
            started = time.perf_counter()
            try:
                response = client.get(url)
            except Exception as error:  # A server error, re-raised by the test client.
                failures.append(f"{target.name}: {url[:300]} raised {error!r:.300}")
                continue
            elapsed = time.perf_counter() - started
            problems = problems_of(response)
            if elapsed > BUDGET:
                problems.append(f"took {elapsed:.1f} s (budget {BUDGET} s)")
            failures += [f"{target.name}: {url[:300]} -> {problem}" for problem in problems]
    after = row_counts()
    changed = {
        table: (before[table], after[table]) for table in before if before[table] != after[table]
    }
    if changed:
        failures.append(f"rows stored or removed by GET requests: {changed}")
    return failures


def report(failures: list[str]) -> str:
    shown = "\n".join(failures[:40])
    more = f"\n… and {len(failures) - 40} more" if len(failures) > 40 else ""
    return (
        f"{len(failures)} problem(s) with hostile input; repeat with "
        f"PRAVILA_HOSTILE_SEED={SEED} PRAVILA_HOSTILE_SAMPLE={SAMPLE}\n{shown}{more}"
    )


@pytest.fixture
def knowledge_base(admin_user) -> dict[str, Any]:
    """Entries of every kind with tags, steps, links, a source, a path, history and a deleted
    entry: enough that every URL has something real to show."""
    source = make_source(title="Статья о клиентах")
    with reversion.create_revision():
        principle = make_entry(Kind.PRINCIPLE, tags=["доверие"], source=source)
        rule = make_entry(Kind.RULE, number=1, tags=["сроки"])
        case = make_entry(Kind.CASE, tags=["сроки"])
        situation = make_entry(
            Kind.SITUATION,
            title="Клиент недоволен сроками",
            tags=["сроки", "доверие"],
            steps=["Выслушать клиента"],
            source=source,
            signals="Клиент повышает голос",
        )
        situation.basis.add(principle, rule)
        situation.examples.add(case)
    with reversion.create_revision():
        situation.summary = "Клиент недоволен тем, что мы не успели."
        situation.save()
    make_entry(Kind.SITUATION, title="Черновик", tags=["черновая"], status=Status.DRAFT)
    with reversion.create_revision():
        gone = make_entry(Kind.SITUATION, title="Удалённая ситуация")
    history.delete_entries(entries=[gone], user=admin_user)
    path = make_path(situation, rule)
    search.index_entries(Entry.objects.values_list("pk", flat=True))
    real = {
        f"{entry.kind}_detail": {"slug": entry.slug} for entry in (principle, rule, case, situation)
    }
    real.update(
        tag_detail={"slug": "sroki"},
        source_detail={"slug": source.slug},
        entry_short={"pk": str(situation.pk)},
        vote={"pk": str(Response.objects.get(situation=situation).pk)},
        path_detail={"slug": path.slug},
        path_short={"pk": str(path.pk)},
        mark_read={"pk": str(situation.pk)},
        get_entry={"id_or_slug": situation.slug},
        get_source={"slug": source.slug},
        get_path={"id": str(path.pk)},
    )
    return {
        "real": real,
        "entry_id": situation.pk,
        "version_id": history.versions_of(situation.pk).first().pk,
        "deleted_version_id": Version.objects.get_deleted(Entry).first().pk,
    }


def run(client: Client, targets: list[Target], check: Callable[[list[Target]], None]) -> None:
    check(targets)
    failures = send_all(client, targets)
    assert not failures, report(failures)


def test_public_pages_and_the_api_withstand_hostile_input(client, knowledge_base):
    targets = public_targets(knowledge_base["real"], api.get_openapi_schema())

    def discovered(targets: list[Target]) -> None:
        names = {target.name for target in targets}
        assert {"home", "search", "tag_detail", "situation_detail", "oembed", "feed"} <= names
        assert {"list_entries", "search_entries", "get_entry", "path_list", "vote"} <= names
        (entries,) = [t for t in targets if t.name == "list_entries"]
        assert {"tag", "kind", "limit", "offset", "updated_since"} <= set(entries.parameters)
        (page,) = [t for t in targets if t.name == "search"]
        assert {"q", "tag", "kind", "page"} <= set(page.parameters)

    run(client, targets, discovered)


def test_the_admin_withstands_hostile_input(admin_client, knowledge_base):
    targets = admin_targets(
        knowledge_base["entry_id"],
        knowledge_base["version_id"],
        knowledge_base["deleted_version_id"],
    )

    def discovered(targets: list[Target]) -> None:
        names = {target.name for target in targets}
        assert {"admin list kb.situation", "admin list kb.tag", "admin list paths.path"} <= names
        assert {"admin compare situation", "admin restore entry", "admin autocomplete"} <= names
        (entries,) = [t for t in targets if t.name == "admin list kb.entry"]
        assert {"q", "kind__exact", "updated_at__year", "review"} <= set(entries.parameters)

    run(admin_client, targets, discovered)


# What the suite found, kept as plain regression tests.


@pytest.mark.parametrize("value", ["\x00", "a\x00b", "%00", "x" * 500, "<b>"])
def test_an_entry_opened_from_an_odd_path_parameter_shows_without_a_path(client, value):
    situation = make_entry(Kind.SITUATION, title="Клиент недоволен")
    path = make_path(situation)
    response = client.get(situation.get_absolute_url(), {"path": value})
    assert response.status_code == 200
    assert response.context["entry"] == situation
    along = client.get(situation.get_absolute_url(), {"path": path.slug})
    assert path.title in along.content.decode()


# Hostile user names and Host headers (issue 22), on SQLite and PostgreSQL alike.

HOSTILE_NAMES = [v.text for v in VALUES if v.category in {"long", "control", "markup"}]


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_hostile_user_names_are_failed_sign_ins_never_server_errors(url):
    rng = random.Random(f"{SEED}:names:{url}")
    for name in [*rng.sample(HOSTILE_NAMES, 12), "я" * 256, "a" * 300]:
        client = Client(REMOTE_ADDR=f"10.9.{rng.randrange(256)}.{rng.randrange(256)}")
        response = client.post(url, {"username": name, "password": "x"})
        assert response.status_code in (200, 429), f"seed {SEED}: {name[:40]!r}"
        assert not problems_of(response), f"seed {SEED}: {name[:40]!r}"


def test_hostile_remote_user_names_get_a_403_never_a_server_error(settings):
    settings.PRAVILA_REMOTE_USER_HEADER = "X-Remote-User"
    middleware = list(settings.MIDDLEWARE)
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    middleware.insert(auth + 1, "kb.web.accounts.ProxyRemoteUserMiddleware")
    settings.MIDDLEWARE = middleware
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.RemoteUserBackend"]
    rng = random.Random(f"{SEED}:remote-user")
    for name in [*rng.sample(HOSTILE_NAMES, 12), "x" * 151, "x" * 5000]:
        if "\x00" in name or "\n" in name or "\r" in name:
            continue  # no HTTP server passes these in a header
        response = Client(headers={"X-Remote-User": name}).get("/")
        assert response.status_code == 403, f"seed {SEED}: {name[:40]!r}"
        assert not problems_of(response)


BAD_HOSTS = ["evil.example", "127.0.0.1.evil", "a" * 300, "host:99999", "[::1", "<b>hostile</b>"]


@pytest.mark.parametrize("host", BAD_HOSTS)
@pytest.mark.parametrize("path", ["/", "/search/?q=x", "/accounts/login/", "/api/v1/entries/"])
def test_a_bad_host_gets_the_400_page_with_every_security_header(client, host, path):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<!--personal" not in html
    assert "Content-Security-Policy" in response.headers
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert not problems_of(response)
