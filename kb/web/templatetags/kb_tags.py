"""Template helpers for links that keep the current filters."""

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def query_set(context: template.Context, **values: object) -> str:
    """The current query string with `values` replacing the parameters of the same name.

    An empty value removes the parameter; any change other than the page starts at page one.
    """
    query: QueryDict = context["request"].GET.copy()
    if "page" not in values:
        query.pop("page", None)
    for name, value in values.items():
        if value in ("", None):
            query.pop(name, None)
        else:
            query[name] = str(value)
    return query.urlencode()


@register.simple_tag(takes_context=True)
def query_toggle(context: template.Context, **values: object) -> str:
    """The current query string with each value added to, or removed from, its list.

    The page number is dropped: a new filter starts at page one.
    """
    query: QueryDict = context["request"].GET.copy()
    query.pop("page", None)
    for name, value in values.items():
        current = query.getlist(name)
        value = str(value)
        query.setlist(
            name, [v for v in current if v != value] if value in current else [*current, value]
        )
    return query.urlencode()
