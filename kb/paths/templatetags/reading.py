"""The reading context of an entry's page: the path it was opened from, the reader's mark."""

import re

from django import template

from kb.content.models import Entry
from kb.paths.progress import EntryReading, entry_reading

register = template.Library()

# A path's slug; anything else (a NUL byte would fail on PostgreSQL) names no path.
PATH_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


@register.simple_tag(takes_context=True)
def reading_of(context: template.Context, entry: Entry) -> EntryReading | None:
    """`{% reading_of entry as along %}`: see `kb.paths.progress.entry_reading`."""
    request = context["request"]
    path_slug = request.GET.get("path", "")
    return entry_reading(entry, request.user, path_slug if PATH_SLUG.fullmatch(path_slug) else "")
