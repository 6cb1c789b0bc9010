"""Sign-in behind a company proxy: the user named in a header the proxy sets.

With `PRAVILA_REMOTE_USER_HEADER` set (e.g. `X-Remote-User`), the proxy's single sign-on is
enough: Django's `RemoteUserMiddleware` signs in the user that header names, and
`RemoteUserBackend` creates them, without staff rights, on their first visit. The proxy must
remove the header from what clients send, or anyone could claim any name.
"""

from django.conf import settings
from django.contrib.auth.middleware import RemoteUserMiddleware


def remote_user_meta_key(header: str) -> str:
    """Where WSGI puts an HTTP header: `X-Remote-User` is `HTTP_X_REMOTE_USER`."""
    if header.upper() == "REMOTE_USER":  # the WSGI variable a server in front may set
        return "REMOTE_USER"
    return "HTTP_" + header.upper().replace("-", "_")


class ProxyRemoteUserMiddleware(RemoteUserMiddleware):
    """Django's RemoteUserMiddleware, reading the header that the setting names."""

    @property
    def header(self) -> str:
        return remote_user_meta_key(settings.PRAVILA_REMOTE_USER_HEADER)
