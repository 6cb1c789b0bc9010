"""`{% language_links as links %}`: the current page in each of the site's languages."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[LanguageLink]:
    """Each language with the address of this page in it (`/en/...` for English); pages
    outside the translated addresses (the login page) link to the home page instead."""
    request = context.get("request")
    here = request.get_full_path() if request is not None else "/"
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(here, code)
        if url == here and code != current:
            url = "/" if code == settings.LANGUAGE_CODE else f"/{code}/"
        links.append(
            LanguageLink(code, get_language_info(code)["name_local"], url, code == current)
        )
    return links
