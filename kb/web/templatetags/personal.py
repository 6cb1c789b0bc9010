"""`{% personal "name" argument %}`: a part of the page made for its reader (kb/web/personal.py)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from kb.web.personal import marker

register = template.Library()


@register.simple_tag
def personal(name: str, argument: object = "") -> SafeString:
    return mark_safe(marker(name, argument))
