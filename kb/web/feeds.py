"""/feed/: an Atom feed of the published entries changed most recently."""

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from kb.content.links import absolute_url, site_url
from kb.content.models import Entry

FEED_LENGTH = 30


class RecentChangesFeed(Feed):
    feed_type = Atom1Feed
    subtitle = _("Entries added or changed most recently.")

    def title(self) -> str:
        return _("%(site)s: recent changes") % {"site": settings.SITE_NAME}

    def link(self) -> str:
        return site_url(reverse("kb:home"))

    def feed_url(self) -> str:
        return site_url(reverse("kb:feed"))

    def get_object(self, request: HttpRequest, *args, **kwargs) -> HttpRequest:
        # The request, for the absolute short links below (items get no request otherwise).
        return request

    def items(self, request: HttpRequest) -> list[Entry]:
        entries = list(
            Entry.objects.published()
            .prefetch_related("tags")
            .order_by("-updated_at", "-pk")[:FEED_LENGTH]
        )
        for entry in entries:
            entry.permalink = absolute_url(request, entry.get_short_url())
        return entries

    def item_title(self, entry: Entry) -> str:
        return str(entry)

    def item_description(self, entry: Entry) -> str:
        return entry.summary

    def item_link(self, entry: Entry) -> str:
        return site_url(entry.get_absolute_url())

    def item_guid(self, entry: Entry) -> str:
        # The short link: an entry keeps its identity in feed readers when it is renamed.
        return entry.permalink

    def item_guid_is_permalink(self, entry: Entry) -> bool:
        return True

    def item_pubdate(self, entry: Entry) -> datetime:
        return entry.created_at

    def item_updateddate(self, entry: Entry) -> datetime:
        return entry.updated_at

    def item_categories(self, entry: Entry) -> list[str]:
        return [tag.name for tag in entry.tags.all()]
