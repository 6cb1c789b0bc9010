"""Pages staff read. Views stay thin: the reading logic lives in EntryQuerySet."""

import hashlib
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, prefetch_related_objects
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView

from kb import search
from kb.content.links import absolute_url, entry_for_url
from kb.content.models import KIND_PLURALS, Entry, Kind, Source, Tag, page_prefetches
from kb.core.cache import CONTENT, ENTRIES, HOME, cached
from kb.misslog.models import Source as SearchSource
from kb.misslog.services import record_search
from kb.paths.links import path_for_url
from kb.paths.models import Path
from kb.search.drafts import drafts_matching
from kb.search.query import clean_query
from kb.web import viewcounts
from kb.web.invalidation import entry_scope, tag_scope

LIST_PAGE_SIZE = 30
HOME_SITUATIONS = 8
# The home page's other blocks are bounded too, each with a link to its full list: the page
# must not grow with the knowledge base (issue 21).
HOME_RULES = 12
HOME_PRINCIPLES = 16
HOME_CASES = 6
HOME_TAGS = 40
# The tags offered to narrow a list: the most used ones among its entries.
NARROWING_TAGS = 20


SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


def requested_tag_slugs(request: HttpRequest) -> list[str]:
    """The well-formed `?tag=` values of a request, de-duplicated, in order."""
    return list(dict.fromkeys(s for s in request.GET.getlist("tag") if SLUG.match(s)))[:10]


def requested_query(request: HttpRequest) -> str:
    return clean_query(request.GET.get("q", ""))


def requested_kind(request: HttpRequest) -> str | None:
    kind = request.GET.get("kind")
    return kind if kind in Kind.values else None


def weighted(tags: list[Tag], steps: int = 4) -> list[Tag]:
    """The tags of a cloud, each with a `weight` from 1 to `steps` by how often it is used."""
    tags = list(tags)
    most = max((tag.entry_count for tag in tags), default=1)
    for tag in tags:
        tag.weight = 1 + (steps - 1) * (tag.entry_count - 1) // max(most - 1, 1)
    return tags


def home_blocks() -> dict[str, Any]:
    """What the home page lists: the same for every reader, so cached until the next edit."""
    published = Entry.objects.published().for_listing()
    return {
        "rules": list(published.of_kind(Kind.RULE)[:HOME_RULES]),
        # Titles only: on a phone the list must fit under the search box.
        "situations": list(
            Entry.objects.published()
            .of_kind(Kind.SITUATION)
            .only("kind", "slug", "title", "view_count")
            .order_by("-view_count", "title")[:HOME_SITUATIONS]
        ),
        "situation_count": Entry.objects.published().of_kind(Kind.SITUATION).count(),
        "principles": list(
            Entry.objects.published()
            .of_kind(Kind.PRINCIPLE)
            .only("kind", "slug", "title")[:HOME_PRINCIPLES]
        ),
        "cases": list(published.of_kind(Kind.CASE).order_by("-updated_at", "-pk")[:HOME_CASES]),
    }


def most_used_tags(tags: list[Tag], limit: int = HOME_TAGS) -> list[Tag]:
    """The `limit` most used of a weighted cloud, still in the cloud's (alphabetical) order."""
    if len(tags) <= limit:
        return tags
    kept = set(sorted(tags, key=lambda tag: (-tag.entry_count, tag.name))[:limit])
    return [tag for tag in tags if tag in kept]


def cached_tag_cloud() -> list[Tag]:
    """Every tag in use, weighted: the home page's, the tag list's and empty searches' cloud."""
    return cached(
        "tag-cloud",
        lambda: weighted(Tag.objects.cloud()),
        scopes=(CONTENT, ENTRIES),
    )


def most_opened_situations() -> list[Entry]:
    return cached(
        "most-opened",
        lambda: list(
            Entry.objects.published()
            .of_kind(Kind.SITUATION)
            .order_by("-view_count", "title")[:HOME_SITUATIONS]
        ),
        scopes=(CONTENT, HOME),
    )


def narrowing(cloud: list[Tag], chosen: list[str]) -> list[Tag]:
    """The most used tags of a list's cloud but those chosen, by name."""
    others = [tag for tag in cloud if tag.slug not in chosen]
    return most_used_tags(others, NARROWING_TAGS)


class HomeView(TemplateView):
    template_name = "kb/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            **cached("home", home_blocks, scopes=(CONTENT, HOME)),
            tags=most_used_tags(cached_tag_cloud()),
            **kwargs,
        )


class EntryListView(ListView):
    """All published entries of one kind, optionally narrowed to entries with all given tags."""

    kind: str = ""
    template_name = "kb/entry_list.html"
    context_object_name = "entries"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self) -> QuerySet[Entry]:
        self.tag_slugs = requested_tag_slugs(self.request)
        self.active_tags = list(Tag.objects.on_published_entries().filter(slug__in=self.tag_slugs))
        return (
            Entry.objects.published()
            .of_kind(self.kind)
            .tagged_with_all(self.tag_slugs)
            .for_listing()
            .in_list_order(self.kind)
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            kind=self.kind,
            heading=KIND_PLURALS[Kind(self.kind)],
            active_tags=self.active_tags,
            tag_slugs=self.tag_slugs,
            narrowing_tags=narrowing(
                Tag.objects.cloud(self.object_list.values("pk")), self.tag_slugs
            ),
        )
        return context


class EntryDetailView(DetailView):
    """One entry with its steps, grounds and links. Drafts are shown only to editors."""

    kind: str = ""
    template_name = "kb/entry_detail.html"
    context_object_name = "entry"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # An old slug, or a slug under another kind (the entry's kind changed): the entry
            # has moved for good, so say so permanently.
            entry = Entry.objects.visible_to(request.user).known_as(kwargs["slug"]).first()
            if entry is None:
                raise
            return HttpResponsePermanentRedirect(with_query(request, entry.get_absolute_url()))

    def get_queryset(self) -> QuerySet[Entry]:
        # The row alone: what the page shows besides it comes with its article, from the cache
        # or, when that misses, prefetched then (`article`).
        entries = Entry.objects.visible_to(self.request.user)
        return entries.of_kind(self.kind).select_related("source")

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        context["article"] = self.article(context)
        response = super().render_to_response(context, **kwargs)
        if self.object.is_published:
            # Counted in the cache, written later in a batch: a read never writes (kb/viewcounts).
            viewcounts.record_view(self.object.pk)
            # The page cache counts the view again on every hit of this page.
            response.counts_view_of = self.object.pk
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        entry = self.object
        canonical_url = absolute_url(self.request, entry.get_absolute_url())
        return super().get_context_data(
            canonical_url=canonical_url,
            short_url=absolute_url(self.request, entry.get_short_url()),
            oembed_url=absolute_url(
                self.request,
                reverse("kb:oembed") + "?" + urlencode({"url": canonical_url, "format": "json"}),
            ),
            print_view=self.request.GET.get("print") == "1",
            edit_url=edit_url(self.request, entry),
            **kwargs,
        )

    def article(self, context: dict[str, Any]) -> str:
        """The page's article (all but its head and frame), kept in the cache by the entry's
        version and the generations of what it shows: the same scopes as the whole page's
        (kb/web/invalidation.py), so it is never staler than a cached page would be. An
        editor's page and any page not in the page cache then cost the entry's row and the
        frame, not ten queries and the article's templates."""
        entry, request = self.object, self.request

        def build() -> str:
            prefetch_related_objects([entry], *page_prefetches())
            return render_to_string("includes/entry_article.html", context, request)

        if not set(request.GET) <= ARTICLE_PARAMETERS:
            return build()  # a vote without JavaScript shows its thanks under the step
        varies = (
            entry.version,
            entry.status,
            entry.updated_at,
            entry.reviewed_on,
            context["print_view"],
            context["short_url"],
            context["edit_url"],
        )
        digest = hashlib.sha256(repr(varies).encode()).hexdigest()[:20]
        return cached(
            f"entry-article:{entry.pk}:{digest}",
            build,
            scopes=(CONTENT, entry_scope(entry.slug)),
        )


# The query parameters an entry's article may be kept in the cache with: the print view, and
# the reading path (a personal part, filled in after the cache).
ARTICLE_PARAMETERS = frozenset({"print", "path"})


def edit_url(request: HttpRequest, entry: Entry) -> str:
    """The entry's admin form, for those who may change it; empty for everyone else."""
    if not request.user.has_perm("kb.change_entry"):
        return ""
    return reverse(f"admin:kb_{entry.kind}_change", args=[entry.pk])


def with_query(request: HttpRequest, url: str) -> str:
    """`url` with the request's query string, so `?print=1` survives a redirect."""
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


@require_safe
def short_link(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """`/e/<id>/`: to the entry's current address, whatever its slug and kind are now.

    A temporary redirect (302) on purpose: the target changes when the entry is renamed, and
    the short link must stay the address people copy, so nothing may cache where it leads.
    """
    entry = get_object_or_404(
        Entry.objects.visible_to(request.user).only("kind", "slug", "status"), pk=pk
    )
    return HttpResponseRedirect(with_query(request, entry.get_absolute_url()))


class TagListView(ListView):
    template_name = "kb/tag_list.html"
    context_object_name = "tags"

    def get_queryset(self) -> list[Tag]:
        return cached_tag_cloud()


class TagDetailView(ListView):
    """Entries with this tag and every other `?tag=`, of every kind or one `?kind=`."""

    template_name = "kb/tag_detail.html"
    context_object_name = "entries"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self) -> QuerySet[Entry]:
        # A tag only drafts carry is not there for staff: its name alone may say too much.
        self.tag = get_object_or_404(Tag.objects.on_published_entries(), slug=self.kwargs["slug"])
        self.tag_slugs = [self.tag.slug] + [
            s for s in requested_tag_slugs(self.request) if s != self.tag.slug
        ]
        self.kind = requested_kind(self.request)
        self.in_tags = (
            Entry.objects.published().tagged_with_all(self.tag_slugs).order_by().values("pk")
        )
        return (
            Entry.objects.published()
            .tagged_with_all(self.tag_slugs)
            .of_kind(self.kind)
            .for_listing()
            .in_list_order(self.kind)
        )

    def facets(self) -> dict[str, Any]:
        """How many entries of each kind the tags have, and the tags of those entries: the
        same for every page of the list, so kept in the cache for the tag's generation (the
        tag page's own scope, kb/web/invalidation.py)."""
        if not hasattr(self, "_facets"):

            def build() -> dict[str, Any]:
                in_tags = Entry.objects.published().tagged_with_all(self.tag_slugs).order_by()
                return {
                    "kind_counts": dict(in_tags.values_list("kind").annotate(n=Count("pk"))),
                    "cloud": Tag.objects.cloud(self.in_tags),
                }

            self._facets = cached(
                "tag-facets:" + ",".join(self.tag_slugs),
                build,
                scopes=(CONTENT, tag_scope(self.tag.slug)),
            )
        return self._facets

    def get_paginator(self, queryset: QuerySet[Entry], per_page: int, **kwargs: Any) -> Paginator:
        # The number of entries is the sum of the kinds' (or the chosen kind's): no second
        # count of thousands of entries.
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        counts = self.facets()["kind_counts"]
        paginator.count = counts.get(self.kind, 0) if self.kind else sum(counts.values())
        return paginator

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        facets = self.facets()
        context.update(
            tag=self.tag,
            kind=self.kind,
            extra_tags=list(Tag.objects.on_published_entries().filter(slug__in=self.tag_slugs[1:])),
            tag_slugs=self.tag_slugs,
            kinds=[(k, KIND_PLURALS[k], facets["kind_counts"].get(k.value, 0)) for k in Kind],
            narrowing_tags=narrowing(facets["cloud"], self.tag_slugs),
        )
        return context


class SourceDetailView(DetailView):
    model = Source
    template_name = "kb/source_detail.html"
    context_object_name = "source"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        entries = self.object.entries.published().for_listing().order_by("kind", "title", "pk")
        page_obj = Paginator(entries, LIST_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(entries=page_obj, page_obj=page_obj, **kwargs)


def requested_page(request: HttpRequest) -> int:
    value = request.GET.get("page", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 1


class SearchPage(Sequence):
    """What Django's Paginator needs of a search: the total, and the page the search fetched."""

    def __init__(self, results: search.SearchResults) -> None:
        self.results = results

    def __len__(self) -> int:
        return self.results.total

    def __getitem__(self, index: Any) -> list[search.Hit]:
        return self.results.hits


class SearchView(TemplateView):
    """Search results with their filters, or an empty state that offers ways in."""

    template_name = "kb/search.html"
    page_size = 10

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        key = response.context_data.get("search_record")
        if key:
            # The page cache logs the search again on every hit of this page, with a key of its
            # own in the result links (kb/web/page_cache.py).
            results = response.context_data["results"]
            query = response.context_data["query"]
            found = 0 if results.closest_by_meaning else results.total
            request.logged_search = (query, found, key, SearchSource.PAGE)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        query = requested_query(self.request)
        kind = requested_kind(self.request)
        tag_slugs = requested_tag_slugs(self.request)
        context = super().get_context_data(
            query=query, kind=kind, tag_slugs=tag_slugs, results=None, **kwargs
        )
        if query:
            results = search.search(
                query,
                kind=kind,
                tags=tuple(tag_slugs),
                page=requested_page(self.request),
                per_page=self.page_size,
                facets=True,
                as_typed=self.request.GET.get("as_typed") == "1",
            )
            page_obj = Paginator(SearchPage(results), self.page_size).page(results.page)
            # Result links lead through the miss log, which notes the one opened.
            # Entries offered only as closest by meaning are no match: the search is a miss.
            found = 0 if results.closest_by_meaning else results.total
            context["search_record"] = record_search(query, found, SearchSource.PAGE)
            tags = {t.slug: t for t in Tag.objects.filter(slug__in=list(results.tag_counts))}
            for slug, count in results.tag_counts.items():
                tags[slug].entry_count = count
            context.update(
                results=results,
                hits=results.hits,
                page_obj=page_obj,
                kinds=[(k, KIND_PLURALS[k], results.kind_counts.get(k.value, 0)) for k in Kind],
                active_tags=[tags[s] for s in tag_slugs if s in tags],
                narrowing_tags=sorted(
                    (t for s, t in tags.items() if s not in tag_slugs),
                    key=lambda t: (-t.entry_count, t.name),
                )[:15],
                suggestion_url=reverse("kb:search") + "?" + urlencode({"q": results.suggestion})
                if results.suggestion
                else "",
                as_typed_url=reverse("kb:search") + "?" + urlencode({"q": query, "as_typed": 1})
                if results.converted_query
                else "",
            )
        if query and self.request.user.has_perm("kb.view_entry"):
            # Editors find their drafts too, apart and marked; staff never see them.
            context["drafts"] = drafts_matching(query, kind=kind, tags=tuple(tag_slugs))
        if not context.get("hits"):
            context.update(popular=most_opened_situations(), cloud=cached_tag_cloud())
        return context


OEMBED_WIDTH = 480
OEMBED_HEIGHT = 180


def oembed_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def requested_size(request: HttpRequest, name: str, default: int) -> int | None:
    """`default`, or `?maxwidth=`/`?maxheight=` when smaller; None when the value is bad."""
    value = request.GET.get(name)
    if value is None or value == "":
        return default
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        return None
    return min(default, int(value))


@require_safe
def oembed(request: HttpRequest) -> JsonResponse:
    """oEmbed (https://oembed.com/): a rich card for an entry's or a path's URL, for chat tools.

    Published entries and reading paths only; 404 for any other URL, 501 for any format but
    JSON, 400 for a missing URL or a bad size.
    """
    if request.GET.get("format", "json") != "json":
        return oembed_error(501, "Only format=json is supported.")
    width = requested_size(request, "maxwidth", OEMBED_WIDTH)
    height = requested_size(request, "maxheight", OEMBED_HEIGHT)
    if width is None or height is None:
        return oembed_error(400, "maxwidth and maxheight must be positive whole numbers.")
    url = request.GET.get("url", "")
    if not url:
        return oembed_error(400, "The url parameter is required.")
    item = entry_for_url(request, url, Entry.objects.published())
    if item is not None:
        title, summary, label = str(item), item.summary, item.get_kind_display()
    else:
        item = path_for_url(request, url, Path.objects.published())
        if item is None:
            return oembed_error(404, "No published entry or reading path has this URL.")
        title, summary, label = item.title, item.intro, gettext("Reading path")
    link = absolute_url(request, item.get_absolute_url())
    card = format_html(
        '<blockquote class="pravila-card" style="max-width:{}px">'
        '<p><a href="{}"><strong>{}</strong></a></p><p>{}</p><p><small>{} · {}</small></p>'
        "</blockquote>",
        width,
        link,
        title,
        summary,
        label,
        settings.SITE_NAME,
    )
    return JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": title,
            "summary": summary,
            "url": link,
            "provider_name": settings.SITE_NAME,
            "provider_url": absolute_url(request, reverse("kb:home")),
            "cache_age": 3600,
            "html": str(card),
            "width": width,
            "height": height,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers: nothing in sign-in mode; otherwise the pages, with the sitemap named."""
    if settings.PRAVILA_LOGIN_REQUIRED:
        lines = ["User-agent: *", "Disallow: /"]
    else:
        lines = [
            "User-agent: *",
            "Allow: /",
            # Not pages: programs' endpoints, editors' screens and sign-in.
            f"Disallow: {reverse('api:api-root')}",
            f"Disallow: {reverse('admin:index')}",
            f"Disallow: {reverse('kb:oembed')}",
            f"Disallow: {reverse('login')}",
            f"Sitemap: {absolute_url(request, reverse('kb:sitemap'))}",
        ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
