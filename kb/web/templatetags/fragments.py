"""`{% shared "name" value… %}…{% endshared %}`: a part of a page that every reader gets alike.

It is kept in the cache for the generations of what the page shows (the page's scopes,
kb/web/invalidation.py), by the page's address and the values given, so an editor's page, a
signed-in reader's and a page the page cache missed reuse it, and an edit makes it stale
exactly when it makes the whole cached page stale. What differs per reader (sign-in links,
editors' drafts) stays outside.
"""

import hashlib

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token

from kb.core.cache import cached
from kb.web.invalidation import page_scopes

register = template.Library()


class SharedNode(template.Node):
    def __init__(self, nodelist: NodeList, name: str, vary_on: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

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
def shared(parser: Parser, token: Token) -> SharedNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError('{% shared %} needs a name: {% shared "name" %}')
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return SharedNode(nodelist, name, [parser.compile_filter(bit) for bit in bits[2:]])
