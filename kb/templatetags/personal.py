"""`{% personal "name" argument %}`: a part of the page rendered for its reader (kb/personal.py)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from kb.personal import marker

register = template.Library()


@register.simple_tag
def personal(name: str, argument: object = "") -> SafeString:
    return mark_safe(marker(name, argument))
