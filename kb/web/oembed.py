"""oEmbed (https://oembed.com/): link previews of entries and reading paths for chat tools."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from kb.content.links import absolute_url, entry_for_url
from kb.content.models import Entry
from kb.paths.links import path_for_url
from kb.paths.models import Path

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
