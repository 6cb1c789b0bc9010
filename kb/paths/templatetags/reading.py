"""The reading context of an entry's page: the path it was opened from, the reader's mark."""

from django import template

from kb.models import Entry
from kb.paths.progress import EntryReading, entry_reading

register = template.Library()


@register.simple_tag(takes_context=True)
def reading_of(context: template.Context, entry: Entry) -> EntryReading | None:
    """`{% reading_of entry as along %}`: see `kb.paths.progress.entry_reading`."""
    request = context["request"]
    return entry_reading(entry, request.user, request.GET.get("path", "")[:200])
