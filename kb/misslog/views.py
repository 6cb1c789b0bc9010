"""Opening a search result through the miss log: note the opening, then go to the entry."""

import uuid

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kb.content.models import Entry
from kb.misslog.services import record_opening


@never_cache
@require_safe
def open_result(request: HttpRequest, key: uuid.UUID, entry: int) -> HttpResponseRedirect:
    """`/search/open/<search key>/<entry id>/`: the links of a results page lead here.

    A redirect, so that opening a result is noted without JavaScript, whatever the browser.
    A temporary one, never cached: each opening must reach the server.
    """
    target = get_object_or_404(
        Entry.objects.visible_to(request.user).only("kind", "slug", "status"), pk=entry
    )
    record_opening(key, target)
    return HttpResponseRedirect(target.get_absolute_url())
