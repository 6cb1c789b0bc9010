"""A bare Django project for the load benchmark: `startproject`'s middleware, one view, one
template. It is the yardstick Pravila's pages are measured against.

For a visitor who is not signed in it makes no database query. For a signed-in one
(`bench_pages --signed-in` sends both the same session cookie) it looks the session and the
user up in the site's database, as every Django page for a signed-in user must.
"""

import os
from pathlib import Path

import dj_database_url

DEBUG = False
# The site's key, when the benchmark gives one: sessions and their user checks are signed.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "bench-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "kb.tools.bench.urls"
WSGI_APPLICATION = "kb.config.wsgi.application"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# The project directory (kb/tools/bench/settings.py is three packages down), as the site's.
BASE_DIR = Path(__file__).resolve().parents[3]
# The site's database, connected to as the site does (persistent connections).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
USE_I18N = True
USE_TZ = True
LANGUAGE_CODE = "ru"
