"""Parts of pages kept once made.

`{% shared "name" value… %}…{% endshared %}`: a part of a page that every reader gets alike.

It is kept in the cache for the generations of what the page shows (the page's scopes,
kb/web/invalidation.py), by the page's address and the values given, so an editor's page, a
signed-in reader's and a page the page cache missed reuse it, and an edit makes it stale
exactly when it makes the whole cached page stale. What differs per reader (sign-in links,
editors' drafts) stays outside.

`{% frame "name" value… %}…{% endframe %}`: a part of every page's frame (navigation, the search
box's labels, the head's links) that depends on no data, only on the language and the values
given: made once per process for each, as rendering its translations and addresses again on
every page an editor or the page cache's misses get costs more than the rest of a short page.
Whatever the part reads from the context must be among the values.
"""

import hashlib
import threading

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.urls import get_script_prefix
from django.utils.translation import get_language

from kb.core.cache import cached
from kb.web.invalidation import page_scopes

register = template.Library()


class PartNode(template.Node):
    """A part of a page kept once made, by its name and the values given."""

    def __init__(self, nodelist: NodeList, name: str, vary_on: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on


def parse_part(parser: Parser, token: Token, node: type[PartNode]) -> PartNode:
    """`{% tag "name" value… %}…{% endtag %}`."""
    bits = token.split_contents()
    tag = bits[0]
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f'{{% {tag} %}} needs a name: {{% {tag} "name" %}}')
    nodelist = parser.parse((f"end{tag}",))
    parser.delete_first_token()
    return node(nodelist, bits[1].strip("\"'"), [parser.compile_filter(bit) for bit in bits[2:]])


class SharedNode(PartNode):
    def render(self, context: template.Context) -> str:
        request = context.get("request")
        if request is None:  # rendered outside a request (an e-mail): nothing to key it by
            return self.nodelist.render(context)
        values = [request.path, *(value.resolve(context) for value in self.vary_on)]
        digest = hashlib.sha256(repr(values).encode()).hexdigest()[:24]
        return cached(
            f"fragment:{self.name}:{digest}",
            lambda: self.nodelist.render(context),
            scopes=page_scopes(request),
        )


@register.tag
def shared(parser: Parser, token: Token) -> PartNode:
    return parse_part(parser, token, SharedNode)


MAX_FRAME_PARTS = 2048  # values come from pages, not from requests: a bound all the same


class FrameNode(PartNode):
    made: dict[tuple, str] = {}
    lock = threading.Lock()

    def render(self, context: template.Context) -> str:
        values = tuple(str(value.resolve(context)) for value in self.vary_on)
        key = (self.name, get_language(), get_script_prefix(), values)
        found = self.made.get(key)
        if found is None:
            found = self.nodelist.render(context)
            with self.lock:
                if len(self.made) >= MAX_FRAME_PARTS:
                    self.made.clear()
                self.made[key] = found
        return found


@register.tag
def frame(parser: Parser, token: Token) -> PartNode:
    return parse_part(parser, token, FrameNode)


@receiver(setting_changed)
def forget_frames(**kwargs: object) -> None:
    """A setting changed (tests): the frame's parts may read it."""
    FrameNode.made.clear()
