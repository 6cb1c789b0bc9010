"""Is a POST coming from a page of this site? The vote form's protection instead of a CSRF token.

Anonymous pages are cached and set no cookie, so the vote forms on them cannot carry Django's
CSRF token. What a forged cross-site request cannot fake is where the browser says it comes
from: every current browser sends `Origin` with a POST (and `Sec-Fetch-Site`), and a page on
another site cannot change either. So a vote is accepted only when

- `Sec-Fetch-Site`, when sent, is `same-origin`; and
- `Origin` is this site's own origin — the request's, `PRAVILA_BASE_URL`'s, or one of
  `CSRF_TRUSTED_ORIGINS` (behind a proxy on another origin) — or, when a browser sends no
  `Origin`, `Referer` is a page of one of those origins.

A request with neither header is refused: it cannot show where it comes from.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of a URL, lower-cased; None when it has no scheme or host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def own_origins(request: HttpRequest) -> set[str]:
    origins = {f"{request.scheme}://{request.get_host()}".lower()}
    for configured in [settings.PRAVILA_BASE_URL, *settings.CSRF_TRUSTED_ORIGINS]:
        # Trusted origins may hold wildcards ("https://*.example.com"): those are not ours.
        if configured and "*" not in configured:
            origins.add(configured.rstrip("/").lower())
    return origins


def comes_from_this_site(request: HttpRequest) -> bool:
    """True when the browser says the request was made by a page of this site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site != "same-origin":
        return False
    claimed = request.headers.get("Origin")
    if claimed is None or claimed == "":
        claimed = request.headers.get("Referer", "")
    origin = origin_of(claimed)
    return origin is not None and origin in own_origins(request)
