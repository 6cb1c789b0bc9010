"""Pages staff read. Views stay thin: the reading logic lives in EntryQuerySet.

The home page, the search page and oEmbed have modules of their own (home, search_page,
oembed)."""

import hashlib
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
)
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from kb.content.links import absolute_url
from kb.content.models import KIND_PLURALS, Entry, Kind, Source, Tag, page_prefetches
from kb.core.cache import CONTENT, cached
from kb.web import viewcounts
from kb.web.home import cached_tag_cloud, most_used_tags
from kb.web.invalidation import entry_scope, tag_scope
from kb.web.params import requested_kind, requested_tag_slugs

LIST_PAGE_SIZE = 30
# The tags offered to narrow a list: the most used ones among its entries.
NARROWING_TAGS = 20


def narrowing(cloud: list[Tag], chosen: list[str]) -> list[Tag]:
    """The most used tags of a list's cloud but those chosen, by name."""
    others = [tag for tag in cloud if tag.slug not in chosen]
    return most_used_tags(others, NARROWING_TAGS)


def published_tags(slugs: list[str]) -> list[Tag]:
    """The tags of `slugs` that published entries carry (a page's chosen filters)."""
    return list(Tag.objects.on_published_entries().filter(slug__in=slugs)) if slugs else []


class EntryListView(ListView):
    """All published entries of one kind, optionally narrowed to entries with all given tags."""

    kind: str = ""
    template_name = "kb/entry_list.html"
    context_object_name = "entries"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self) -> QuerySet[Entry]:
        self.tag_slugs = requested_tag_slugs(self.request)
        self.active_tags = published_tags(self.tag_slugs)
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
            # Read only when the list is rendered, not when it comes from the cache.
            narrowing_tags=SimpleLazyObject(lambda: narrowing(self.cloud(), self.tag_slugs)),
        )
        return context

    def cloud(self) -> list[Tag]:
        # The whole kind's tags come from the stored counts; a list narrowed by tags counts
        # the tags of its (fewer) entries.
        if not self.tag_slugs:
            return Tag.objects.cloud(kind=self.kind)
        return Tag.objects.cloud(self.object_list.values("pk"))


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
        # Read only when the page's shared part is rendered, not when it comes from the cache.
        return SimpleLazyObject(cached_tag_cloud)


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
                if len(self.tag_slugs) == 1:  # one tag's counts are stored
                    return {
                        "kind_counts": self.tag.kind_counts(),
                        "cloud": Tag.objects.cloud(alongside=self.tag),
                    }
                in_tags = Entry.objects.published().tagged_with_all(self.tag_slugs).order_by()
                return {
                    "kind_counts": dict(in_tags.values_list("kind").annotate(n=Count("pk"))),
                    "cloud": Tag.objects.cloud(in_tags.values("pk")),
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
            extra_tags=published_tags(self.tag_slugs[1:]),
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
