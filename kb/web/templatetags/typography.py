"""`{{ title|hyphenate }}`: soft hyphens in long words, so a heading on a phone breaks a word
like «Клиентоориентированность» where Russian typography allows (with a hyphen), never at an
arbitrary letter. Browsers show a soft hyphen only where they break the line."""

import re
from functools import cache

import pyphen
from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

SOFT_HYPHEN = "\u00ad"
# Shorter words fit a phone's line at any heading size we use; hyphenating them too would
# break words that merely reach the end of a line.
LONG_WORD = re.compile(r"[^\W\d_]{16,}")


@cache
def dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="ru_RU")


@register.filter(needs_autoescape=True)
def hyphenate(text: str, autoescape: bool = True) -> SafeString:
    escaped = conditional_escape(text) if autoescape else str(text)
    # Escaped above; only soft hyphens are added.
    return mark_safe(
        LONG_WORD.sub(lambda m: dictionary().inserted(m.group(), hyphen=SOFT_HYPHEN), escaped)
    )
