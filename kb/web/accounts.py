"""Sign-in behind a company proxy: the user named in a header the proxy sets; throttling.

With `PRAVILA_REMOTE_USER_HEADER` set (e.g. `X-Remote-User`), the proxy's single sign-on is
enough: Django's `RemoteUserMiddleware` signs in the user that header names, and
`RemoteUserBackend` creates them, without staff rights, on their first visit. The proxy must
remove the header from what clients send, or anyone could claim any name.
"""

import re

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.middleware import RemoteUserMiddleware
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kb.core.clients import client_address

# The longest user name django-axes can store (its column); longer names are counted by it.
AXES_USERNAME_LENGTH = 255


def remote_user_meta_key(header: str) -> str:
    """Where WSGI puts an HTTP header: `X-Remote-User` is `HTTP_X_REMOTE_USER`."""
    if header.upper() == "REMOTE_USER":  # the WSGI variable a server in front may set
        return "REMOTE_USER"
    return "HTTP_" + header.upper().replace("-", "_")


class ProxyRemoteUserMiddleware(RemoteUserMiddleware):
    """Django's RemoteUserMiddleware, reading the header that the setting names.

    The name is checked first (a user name Django accepts: at most 150 letters, digits and
    `.@+-_`), else the answer is a 403 page that says so, and folded to lower case, so that
    `ROOT` and `root` are one account (an account made before, in another case, keeps its name).
    """

    @property
    def header(self) -> str:
        return remote_user_meta_key(settings.PRAVILA_REMOTE_USER_HEADER)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = request.META.get(self.header)
        if name is not None:
            folded = valid_remote_user(name)
            if folded is None:
                return remote_user_refused(request)
            request.META[self.header] = account_name(request, folded)
        return super().__call__(request)


REMOTE_USER_NAME = re.compile(r"[\w.@+-]+")


def valid_remote_user(name: str) -> str | None:
    """The name folded to lower case, or None when no account could have it."""
    length = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD).max_length
    if len(name) > length or not REMOTE_USER_NAME.fullmatch(name):
        return None
    return name.lower()


def account_name(request: HttpRequest, folded: str) -> str:
    """The account a folded name signs in to: the signed-in one's or an existing one's in
    any case (one query, and only when the session's user is not this one already)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.get_username().lower() == folded:
        return user.get_username()
    model = get_user_model()
    existing = (
        model._default_manager.filter(**{f"{model.USERNAME_FIELD}__iexact": folded})
        .order_by("pk")
        .values_list(model.USERNAME_FIELD, flat=True)
        .first()
    )
    return existing or folded


def remote_user_refused(request: HttpRequest) -> HttpResponse:
    """403: the proxy passed a name no account can have; nobody is signed in."""
    if not hasattr(request, "user") or request.user.is_authenticated:
        request.user = AnonymousUser()
    return render(request, "403.html", {"bad_remote_user": True}, status=403)


def client_ip_address(request: HttpRequest) -> str | None:
    """The address django-axes counts failed sign-ins by (see kb/core/clients.py).

    Behind a proxy, REMOTE_ADDR is the proxy's for everyone, so one reader's typos would lock
    out the whole company: PRAVILA_CLIENT_IP_HEADER names the header in which the proxy passes
    the client's address on. Only the proxy can set it if the proxy overwrites what clients send.
    """
    return client_address(request.META)


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: object
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in: the site's page, with the wait in minutes."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)


def attempted_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The user name django-axes counts failures by: the one typed, cut to the length of its
    column (a longer name is no account's, and PostgreSQL would refuse to store it)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    source = credentials or getattr(request, "data", request.POST)
    username = source.get(field)
    return username[:AXES_USERNAME_LENGTH] if isinstance(username, str) else username


class UserNameResetHandler(AxesDatabaseHandler):
    """django-axes' database handler, except that a successful sign-in forgets only the
    failures of the name that signed in. Axes' own reset deletes every record matching any
    lockout parameter, the address included: an attacker could clear the counter of the name
    they attack by signing in as themselves from the same address."""

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        deleted, _ = AccessAttempt.objects.filter(username=username).delete()
        return deleted
