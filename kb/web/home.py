"""The home page: a bounded view of the knowledge base, the same for every reader."""

from typing import Any

from django.utils.functional import SimpleLazyObject
from django.views.generic import TemplateView

from kb.content.models import HOME_LIMITS, Entry, Kind, Tag
from kb.core.cache import CONTENT, ENTRIES, HOME, cached

# Each block is bounded, with a link to its full list: the page must not grow with the
# knowledge base (the entries' limits are on the queryset, `EntryQuerySet.on_home`).
HOME_RULES = HOME_LIMITS[Kind.RULE]
HOME_CASES = HOME_LIMITS[Kind.CASE]
HOME_TAGS = 40


def weighted(tags: list[Tag], steps: int = 4) -> list[Tag]:
    """The tags of a cloud, each with a `weight` from 1 to `steps` by how often it is used."""
    tags = list(tags)
    most = max((tag.entry_count for tag in tags), default=1)
    for tag in tags:
        tag.weight = 1 + (steps - 1) * (tag.entry_count - 1) // max(most - 1, 1)
    return tags


def home_blocks() -> dict[str, Any]:
    """What the home page lists: the same for every reader, so cached until the next edit."""
    return {
        "rules": list(Entry.objects.on_home(Kind.RULE).for_listing()),
        # Titles only: on a phone the list must fit under the search box.
        "situations": list(
            Entry.objects.on_home(Kind.SITUATION).only("kind", "slug", "title", "view_count")
        ),
        "situation_count": Entry.objects.published().of_kind(Kind.SITUATION).count(),
        "principles": list(Entry.objects.on_home(Kind.PRINCIPLE).only("kind", "slug", "title")),
        "cases": list(Entry.objects.on_home(Kind.CASE).for_listing()),
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
        lambda: list(Entry.objects.on_home(Kind.SITUATION)),
        scopes=(CONTENT, HOME),
    )


class HomeView(TemplateView):
    template_name = "kb/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Read only when home's shared part is rendered, not when it comes from the cache.
        return super().get_context_data(
            home=SimpleLazyObject(lambda: cached("home", home_blocks, scopes=(CONTENT, HOME))),
            tags=SimpleLazyObject(lambda: most_used_tags(cached_tag_cloud())),
            **kwargs,
        )
