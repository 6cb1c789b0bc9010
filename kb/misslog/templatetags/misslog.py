"""`{% result_url hit search_record %}`: a result's link, through the miss log when the search
was recorded."""

import uuid

from django import template
from django.urls import reverse

from kb.search import Hit

register = template.Library()


@register.simple_tag
def result_url(hit: Hit, search_record: uuid.UUID | None) -> str:
    if not search_record:
        return hit.url
    return reverse("misslog:open", args=[search_record, hit.document.entry_id])
