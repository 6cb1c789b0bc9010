"""What each page costs when it is built from the database: time, size and queries, through
Django's test client, with the page cache off and the data caches emptied before every request.

The targets of issue 21: at 10,000 entries every public page and the admin lists answer in
≤ 150 ms and ≤ 250 KB; at 100,000 in ≤ 300 ms.
"""

import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from kb.content.models import Entry, Kind, Tag
from kb.web import viewcounts

BENCH_EDITOR = "bench-editor"
SIZE_LIMIT_KB = 250


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    editor: bool = False


@dataclass
class Timing:
    page: Page
    status: int
    median_ms: float
    max_ms: float
    size_kb: float
    queries: int


def pages() -> list[Page]:
    """Every kind of public page, the biggest tag at its first and a later page, the feed,
    the sitemap (index and a section), the API lists, the admin lists and an editor's entry."""
    situation = Entry.objects.published().of_kind(Kind.SITUATION).order_by("pk").first()
    # The stored counts (published entries): grouping every tagging costs a second at 100,000.
    tag = (
        Tag.objects.annotate(n=Sum("counts__count"))
        .order_by(F("n").desc(nulls_last=True), "slug")
        .first()
    )
    if situation is None or tag is None:
        raise SystemExit("The database has no content to measure: run `make seed` first.")
    found = [
        Page("home", reverse("kb:home")),
        *(Page(f"{kind} list", reverse(f"kb:{kind}_list")) for kind in Kind.values),
        Page("situation list, page 20", reverse("kb:situation_list") + "?page=20"),
        Page("tag list", reverse("kb:tag_list")),
        Page(f"biggest tag ({tag.slug})", tag.get_absolute_url()),
        Page("biggest tag, page 50", tag.get_absolute_url() + "?page=50"),
        Page("situation", situation.get_absolute_url()),
        Page("search", reverse("kb:search") + "?q=" + "клиент"),
        Page("feed", reverse("kb:feed")),
        Page("sitemap.xml", reverse("kb:sitemap")),
        Page("API entries", reverse("api:list_entries")),
        Page("API tags", reverse("api:list_tags")),
        Page("API sources", reverse("api:list_sources")),
        Page("situation (editor)", situation.get_absolute_url(), editor=True),
        Page("admin: entries", reverse("admin:kb_entry_changelist"), editor=True),
        Page("admin: situations", reverse("admin:kb_situation_changelist"), editor=True),
        Page("admin: tags", reverse("admin:kb_tag_changelist"), editor=True),
        Page("admin: sources", reverse("admin:kb_source_changelist"), editor=True),
        Page(
            "admin: feedback",
            reverse("admin:feedback_situationfeedback_changelist"),
            editor=True,
        ),
        Page("admin: votes", reverse("admin:feedback_vote_changelist"), editor=True),
        Page("admin: miss log", reverse("admin:misslog_searchrecord_changelist"), editor=True),
    ]
    # The sitemap's sections, when it has become an index of them.
    found += [Page(f"sitemap section {n}", path) for n, path in sitemap_sections()]
    return found


def sitemap_sections() -> Iterator[tuple[int, str]]:
    from kb.web.sitemaps import section_urls

    yield from enumerate(section_urls()[:2], start=1)


def editor_client() -> Client:
    user, _ = get_user_model().objects.get_or_create(username=BENCH_EDITOR)
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def measure(pages: list[Page], repeat: int) -> list[Timing]:
    anonymous, editor = Client(HTTP_HOST="localhost"), editor_client()
    results = []
    hosts = [*settings.ALLOWED_HOSTS, "localhost"]
    with override_settings(PRAVILA_PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=hosts):
        for page in pages:
            client = editor if page.editor else anonymous
            times, status, size, queries = [], 0, 0, 0
            for _ in range(repeat + 1):  # the first request warms this process up
                cache.clear()
                # Emptying the cache would also make the view-count flush due on every request
                # (it scans every entry's counter): that is measured apart, not here.
                cache.set(viewcounts.FLUSH_LOCK_KEY, 1, 3600)
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    response = client.get(page.path)
                    content = b"".join(response) if response.streaming else response.content
                    times.append((time.perf_counter() - start) * 1000)
                status, size, queries = response.status_code, len(content), len(captured)
            results.append(
                Timing(
                    page, status, statistics.median(times[1:]), max(times[1:]), size / 1024, queries
                )
            )
    return results


def report(results: list[Timing], limit_ms: float) -> str:
    lines = [
        f"{'page':<36} {'status':>6} {'median ms':>10} {'max ms':>8} {'KB':>8} {'queries':>8}"
        "  verdict"
    ]
    for r in results:
        ok = r.status == 200 and r.median_ms <= limit_ms and r.size_kb <= SIZE_LIMIT_KB
        lines.append(
            f"{r.page.name[:36]:<36} {r.status:>6} {r.median_ms:>10.1f} {r.max_ms:>8.1f}"
            f" {r.size_kb:>8.1f} {r.queries:>8}  {'ok' if ok else 'FAIL'}"
        )
    return "\n".join(lines)
