"""/sitemap.xml: the home page, the lists, tags, sources, published entries and paths.

One sitemap while every address fits in one section of `SECTION_SIZE`; past that an index of
sitemaps (sitemaps.org), each section paginated by `SECTION_SIZE` addresses: every file stays
small and quick to build whatever the number of entries (the protocol allows 50,000 addresses
a file, but a file that size is megabytes).
"""

from datetime import date, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from kb.content.models import KIND_PATHS, Entry, Source, Tag
from kb.paths.models import Path

SECTION_SIZE = 1000


class SiteSitemap(Sitemap):
    """A sitemap on PRAVILA_BASE_URL when it is set, else on the request's origin."""

    limit = SECTION_SIZE

    def get_protocol(self, protocol: str | None = None) -> str:
        if settings.PRAVILA_BASE_URL:
            return urlsplit(settings.PRAVILA_BASE_URL).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site=None) -> str:
        if settings.PRAVILA_BASE_URL:
            return urlsplit(settings.PRAVILA_BASE_URL).netloc
        return super().get_domain(site)


class PageSitemap(SiteSitemap):
    priority = 0.6

    def items(self) -> list[str]:
        return [
            "kb:home",
            *(f"kb:{kind}_list" for kind in KIND_PATHS),
            "kb:tag_list",
            "paths:path_list",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class EntrySitemap(SiteSitemap):
    priority = 0.8

    def items(self) -> QuerySet:
        # Rows of the three columns a URL needs, not entries; in the order of an index on
        # (status, id), so a deep section skips index entries, not rows.
        return (
            Entry.objects.published()
            .values_list("kind", "slug", "updated_at", named=True)
            .order_by("pk")
        )

    def lastmod(self, entry: Entry) -> datetime:
        return entry.updated_at

    def location(self, entry: Entry) -> str:
        # An entry's address from its kind's list address: one reverse() per kind, not per
        # entry (a section has a thousand of them).
        if not hasattr(self, "_list_urls"):
            self._list_urls = {kind: reverse(f"kb:{kind}_list") for kind in KIND_PATHS}
        return f"{self._list_urls[entry.kind]}{entry.slug}/"

    def get_latest_lastmod(self) -> datetime | None:
        # One aggregate, not every entry read (Django's default for the index).
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class PathSitemap(SiteSitemap):
    priority = 0.7

    def items(self) -> QuerySet[Path]:
        return Path.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, path: Path) -> datetime:
        return path.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class TagSitemap(SiteSitemap):
    priority = 0.4

    def items(self) -> QuerySet[Tag]:
        return Tag.objects.cloud()


class SourceSitemap(SiteSitemap):
    priority = 0.3

    def items(self) -> QuerySet[Source]:
        return Source.objects.order_by("pk")


SITEMAPS = {
    "pages": PageSitemap,
    "entries": EntrySitemap,
    "paths": PathSitemap,
    "tags": TagSitemap,
    "sources": SourceSitemap,
}


def needs_index(sitemaps: dict[str, type[Sitemap]] = SITEMAPS) -> bool:
    """Whether the addresses no longer fit in one sitemap section (a count per section)."""
    return sum(site().paginator.count for site in sitemaps.values()) > SECTION_SIZE


def sitemap(request: HttpRequest) -> HttpResponse:
    """/sitemap.xml: the sitemap, or the index of its sections when it has grown past one."""
    if needs_index():
        return sitemap_views.index(request, SITEMAPS, sitemap_url_name="kb:sitemap_section")
    return written_out(sitemap_views.sitemap(request, SITEMAPS))


def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """/sitemap-<section>.xml?p=N: one page of one section, as the index lists them."""
    return written_out(sitemap_views.sitemap(request, SITEMAPS, section=section))


def written_out(response: TemplateResponse) -> TemplateResponse:
    """Django's sitemap answer (its URLs, headers, 404s) with the XML written by `urlset`
    instead of its template, which costs ten times more for a section of a thousand URLs."""
    response.content = urlset(response.context_data["urlset"])
    return response


def urlset(urls: list[dict]) -> str:
    """What Django's sitemap.xml template makes of `urls`, less its blank space."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset '
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">'
    ]
    for url in urls:
        parts.append(f"<url><loc>{escape(url['location'])}</loc>")
        if url["lastmod"]:
            parts.append(f"<lastmod>{day(url['lastmod'])}</lastmod>")
        if url["changefreq"]:
            parts.append(f"<changefreq>{escape(url['changefreq'])}</changefreq>")
        if url["priority"]:
            parts.append(f"<priority>{url['priority']}</priority>")
        parts.extend(
            f'<xhtml:link rel="alternate" hreflang="{escape(alternate["lang_code"])}" '
            f'href="{escape(alternate["location"])}"/>'
            for alternate in url["alternates"]
        )
        parts.append("</url>")
    parts.append("</urlset>\n")
    return "".join(parts)


def day(value: date) -> str:
    """The day of a date or time, in the current time zone (as the template's `date` filter
    gives it, at a tenth of the cost)."""
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date().isoformat()
    return value.isoformat()


def section_urls() -> list[str]:
    """The address of every section page the index lists (for benchmarks)."""
    urls = []
    for section, site in SITEMAPS.items():
        url = reverse("kb:sitemap_section", kwargs={"section": section})
        urls += [url if page == 1 else f"{url}?p={page}" for page in site().paginator.page_range]
    return urls
