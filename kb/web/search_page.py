"""The search page: results with their filters, or an empty state that offers ways in."""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.generic import TemplateView

from kb import search
from kb.content.models import KIND_PLURALS, Kind, Tag
from kb.core.cache import CONTENT, DRAFTS, cached_answer
from kb.misslog.models import Source as SearchSource
from kb.misslog.services import record_search
from kb.search.drafts import drafts_matching
from kb.web.home import cached_tag_cloud, most_opened_situations
from kb.web.params import requested_kind, requested_page, requested_query, requested_tag_slugs
from kb.web.search_cache import shared_search


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
            results = shared_search(
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
            # The same for every editor: kept until a draft's text or tags change.
            context["drafts"] = cached_answer(
                "drafts",
                (query, kind, tag_slugs),
                lambda: drafts_matching(query, kind=kind, tags=tuple(tag_slugs)),
                scopes=(CONTENT, DRAFTS),
            )
        if not context.get("hits"):
            context.update(popular=most_opened_situations(), cloud=cached_tag_cloud())
        return context
