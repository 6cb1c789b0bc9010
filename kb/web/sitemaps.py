"""/sitemap.xml: the home page, the lists, tags, sources, published entries and paths."""

from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from kb.content.models import KIND_PATHS, Entry, Source, Tag
from kb.paths.models import Path


class SiteSitemap(Sitemap):
    """A sitemap on PRAVILA_BASE_URL when it is set, else on the request's origin."""

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

    def items(self) -> QuerySet[Entry]:
        return Entry.objects.published().only("kind", "slug", "updated_at").order_by("pk")

    def lastmod(self, entry: Entry) -> datetime:
        return entry.updated_at


class PathSitemap(SiteSitemap):
    priority = 0.7

    def items(self) -> QuerySet[Path]:
        return Path.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, path: Path) -> datetime:
        return path.updated_at


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
