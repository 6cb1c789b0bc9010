"""Settings for Pravila, read from the environment with safe development defaults.

Development (`make run`): DEBUG on, SQLite under var/, a throw-away secret key.
Production: DJANGO_DEBUG=0, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS set, DATABASE_URL
pointing at PostgreSQL; the app refuses to start without a secret key.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "kb.web.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "taggit",
    "adminsortable2",
    "ninja",
    "reversion",
    # Lowest layer first (docs/architecture.md).
    "kb.content",
    "kb.search",
    "kb.feedback",
    "kb.paths",
    "kb.config.axes.SignInAttemptsConfig",  # django-axes, named for editors
    "csp",
    "kb.misslog",
    "kb.web",
    "kb.tools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost, so that every answer carries them, even one refused by a middleware below
    # (a bad Host is answered from CommonMiddleware).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "kb.web.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kb.web.middleware.GenerationsPerRequestMiddleware",
    # Early, so that a cached page costs no session, language or CSRF work (kb/web/page_cache.py).
    "kb.web.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kb.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kb.content.admin.parameters.AdminParametersMiddleware",
    "kb.web.page_cache.SessionlessAnonymousMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After every middleware that may sign a user in (the remote-user one is inserted below).
    "kb.web.middleware.SignInRequiredMiddleware",
    # Each reader's own parts of a page (kb/web/personal.py), filled in whether the page comes from
    # its view or from the cache of pages shared by signed-in readers just inside.
    "kb.web.personal.PersonalPartsMiddleware",
    "kb.web.page_cache.ReaderPageCacheMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kb.config.urls"
WSGI_APPLICATION = "kb.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kb.web.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent editors: a transaction takes the write lock when it begins (IMMEDIATE), so a
    # save waits for the one before it (up to `timeout` seconds) instead of failing with
    # "database is locked" when it upgrades from reading to writing; WAL lets pages be read
    # while someone saves.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
    (BASE_DIR / "var").mkdir(exist_ok=True)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The knowledge base stays in memory, where a random page read costs about what a
    # sequential one does. With PostgreSQL's default of 4 (spinning disks) the planner read
    # every search document, decompressing its vector, rather than use the full-text index:
    # 10–50× slower searches (docs/search.md, "Speed"). A later `-c` in `options` wins.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    random_page_cost = float(os.environ.get("PRAVILA_PG_RANDOM_PAGE_COST", "1.1"))
    options["options"] = f"-c random_page_cost={random_page_cost} " + options.get("options", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache: Redis when CACHE_URL names it (redis://host:port/db), shared by every process;
# else this process's memory. See kb/core/cache.py and kb/web/page_cache.py for what is cached
# and how edits show at once.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL and not re.match(r"rediss?://", CACHE_URL):
    raise ImproperlyConfigured("CACHE_URL must be a Redis URL such as redis://127.0.0.1:6379/0.")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pravila"}
}
# Without a shared cache, processes learn of edits from this file's content.
PRAVILA_CACHE_GENERATION_FILE = os.environ.get(
    "PRAVILA_CACHE_GENERATION_FILE", str(BASE_DIR / "var" / "cache-generation")
)
# Whole pages for readers who are not signed in are kept this long at most (0: not at all).
PRAVILA_PAGE_CACHE_SECONDS = int(os.environ.get("PRAVILA_PAGE_CACHE_SECONDS", "300"))
# Views counted in the cache are written to the database at most this often (kb/web/viewcounts.py).
PRAVILA_VIEW_COUNT_FLUSH_SECONDS = int(os.environ.get("PRAVILA_VIEW_COUNT_FLUSH_SECONDS", "60"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in: the site's login page (Django's auth), and optionally a company proxy's header.
# PRAVILA_LOGIN_REQUIRED: only signed-in users read anything (kb/web/middleware.py); these paths
# stay open (a path ending in "/" opens everything under it; the sign-in page's language
# switch posts to /i18n/setlang/).
PRAVILA_LOGIN_REQUIRED = env_bool("PRAVILA_LOGIN_REQUIRED", False)
PRAVILA_OPEN_PATHS = ["/healthz", "/robots.txt", "/favicon.ico", "/static/", "/i18n/setlang/"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "kb:home"
LOGOUT_REDIRECT_URL = "kb:home"
# The header a proxy with single sign-on sets to the signed-in user's name (e.g. X-Remote-User);
# users are created on their first visit. Empty: the login page only. See kb/web/accounts.py.
PRAVILA_REMOTE_USER_HEADER = os.environ.get("PRAVILA_REMOTE_USER_HEADER", "").strip()
if PRAVILA_REMOTE_USER_HEADER:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", PRAVILA_REMOTE_USER_HEADER):
        raise ImproperlyConfigured(
            "PRAVILA_REMOTE_USER_HEADER must be an HTTP header name such as X-Remote-User."
        )
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "kb.web.accounts.ProxyRemoteUserMiddleware",
    )
    AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.RemoteUserBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
else:
    AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]

# Failed sign-ins (django-axes): after this many failures for one user name, or from one
# address, sign-in is refused until the cool-off has passed; nothing is locked forever.
AXES_FAILURE_LIMIT = int(os.environ.get("PRAVILA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PRAVILA_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A successful sign-in forgets the failures of its own name only, not those of its address.
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "kb.web.accounts.UserNameResetHandler"
AXES_USERNAME_CALLABLE = "kb.web.accounts.attempted_username"
AXES_LOCKOUT_CALLABLE = "kb.web.accounts.locked_out"
AXES_VERBOSE = False  # no banner on every manage.py command; failures are still logged
# Behind a proxy every request comes from the proxy's address: the header it sets to the
# client's address (e.g. X-Real-IP) is then the address to count failures by.
PRAVILA_CLIENT_IP_HEADER = os.environ.get("PRAVILA_CLIENT_IP_HEADER", "").strip()
if PRAVILA_CLIENT_IP_HEADER and not re.fullmatch(
    r"[A-Za-z0-9][A-Za-z0-9_-]*", PRAVILA_CLIENT_IP_HEADER
):
    raise ImproperlyConfigured("PRAVILA_CLIENT_IP_HEADER must be an HTTP header name.")
AXES_CLIENT_IP_CALLABLE = "kb.web.accounts.client_ip_address"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Russian dates with the month in the genitive («26 ноября 2026»): kb/config/formats/ru/formats.py.
FORMAT_MODULE_PATH = ["kb.config.formats"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files need `collectstatic`; only production runs it.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

TAGGIT_CASE_INSENSITIVE = True

SITE_NAME = os.environ.get("PRAVILA_SITE_NAME", "Правила работы с клиентами")

# The origin (scheme and host, no path) of links that leave the site: canonical URLs, Open
# Graph, oEmbed, the feed and the sitemap. Empty: the origin of the request being answered.
PRAVILA_BASE_URL = os.environ.get("PRAVILA_BASE_URL", "").strip().rstrip("/")
if PRAVILA_BASE_URL and not re.fullmatch(r"https?://[^/?#@\s]+", PRAVILA_BASE_URL):
    raise ImproperlyConfigured(
        "PRAVILA_BASE_URL must be an origin such as https://kb.example.com (no path)."
    )
# "Mark as reviewed" sets the next review this many days ahead.
PRAVILA_REVIEW_PERIOD_DAYS = int(os.environ.get("PRAVILA_REVIEW_PERIOD_DAYS", "180"))
# `review_report --email` sends each owner their list. The console backend prints the messages;
# set DJANGO_EMAIL_BACKEND (and Django's EMAIL_HOST etc.) to send them for real.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "pravila@localhost")

# Outcome feedback (kb/feedback). A situation "needs attention" from this many votes on its
# steps when at least this share of them say a step did not help.
PRAVILA_FEEDBACK_MIN_VOTES = int(os.environ.get("PRAVILA_FEEDBACK_MIN_VOTES", "5"))
PRAVILA_FEEDBACK_UNHELPFUL_SHARE = float(os.environ.get("PRAVILA_FEEDBACK_UNHELPFUL_SHARE", "0.3"))
if not 0 <= PRAVILA_FEEDBACK_UNHELPFUL_SHARE <= 1:
    raise ImproperlyConfigured("PRAVILA_FEEDBACK_UNHELPFUL_SHARE must be between 0 and 1.")
# Flood limits: votes per hour from one session, and from voters without a session, site-wide.
PRAVILA_FEEDBACK_VOTES_PER_SESSION = int(os.environ.get("PRAVILA_FEEDBACK_VOTES_PER_SESSION", "30"))
PRAVILA_FEEDBACK_NEW_VOTERS_PER_HOUR = int(
    os.environ.get("PRAVILA_FEEDBACK_NEW_VOTERS_PER_HOUR", "60")
)
# ...and from one client (address): one script cannot use up the site-wide allowance.
PRAVILA_FEEDBACK_NEW_VOTERS_PER_CLIENT = int(
    os.environ.get("PRAVILA_FEEDBACK_NEW_VOTERS_PER_CLIENT", "10")
)

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Content Security Policy (django-csp) on every response, the admin and the API docs included:
# scripts and styles come from our own static files only, never inline, never eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Powerful browser features the site never uses (kb.web.middleware.PermissionsPolicyMiddleware).
PRAVILA_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "display-capture=(), browsing-topics=()"
)

# The miss log (kb/misslog) keeps searches this many days.
PRAVILA_MISSLOG_DAYS = int(os.environ.get("PRAVILA_MISSLOG_DAYS", "90"))
if PRAVILA_MISSLOG_DAYS < 1:
    raise ImproperlyConfigured("PRAVILA_MISSLOG_DAYS must be a whole number of days, at least 1.")
# Each process writes the searches it gathered at most this often (seconds; 0: after every one).
PRAVILA_MISSLOG_WRITE_SECONDS = float(os.environ.get("PRAVILA_MISSLOG_WRITE_SECONDS", "1"))
# One client (address; behind a proxy set PRAVILA_CLIENT_IP_HEADER) adds at most this many
# searches a minute, and the same query at most this many times a day; more are not logged.
PRAVILA_MISSLOG_SEARCHES_PER_MINUTE = int(
    os.environ.get("PRAVILA_MISSLOG_SEARCHES_PER_MINUTE", "30")
)
PRAVILA_MISSLOG_REPEATS_PER_DAY = int(os.environ.get("PRAVILA_MISSLOG_REPEATS_PER_DAY", "3"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
