"""`{% language_links as links %}`: the current page in each of the site's languages."""

import functools
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> tuple[LanguageLink, ...]:
    """Each language with the address of this page in it (`/en/...` for English); pages
    outside the translated addresses (the login page) link to the home page instead."""
    request = context.get("request")
    here = request.get_full_path() if request is not None else "/"
    return links_for(here, get_language(), get_script_prefix())


# Translating an address resolves it and reverses it in every language: kept for the addresses
# asked for most, as they change only with the code.
@functools.lru_cache(maxsize=1024)
def links_for(here: str, current: str, script_prefix: str) -> tuple[LanguageLink, ...]:
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(here, code)
        if url == here and code != current:
            url = "/" if code == settings.LANGUAGE_CODE else f"/{code}/"
        links.append(
            LanguageLink(code, get_language_info(code)["name_local"], url, code == current)
        )
    return tuple(links)


setting_changed.connect(lambda **kwargs: links_for.cache_clear(), weak=False)
