"""Finding the reading path a URL of this site points to."""

from django.http import HttpRequest

from kb.content.links import route_of
from kb.paths.models import Path, PathQuerySet


def path_for_url(request: HttpRequest, url: str, paths: PathQuerySet) -> Path | None:
    """The reading path among `paths` that a URL of this site (its page or short link) shows."""
    match = route_of(request, url)
    if match is None or match.namespace != "paths":
        return None
    if match.url_name == "path_short":
        return paths.filter(pk=match.kwargs["pk"]).first()
    if match.url_name == "path_detail":
        return paths.filter(slug=match.kwargs["slug"]).first()
    return None
