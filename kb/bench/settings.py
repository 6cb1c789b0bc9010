"""A bare Django project for the load benchmark: `startproject`'s middleware, one view, one
template, no database query. It is the yardstick Pravila's pages are measured against."""

from pathlib import Path

DEBUG = False
SECRET_KEY = "bench-only-not-secret"  # serves one static template on 127.0.0.1, nothing else
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "kb.bench.urls"
WSGI_APPLICATION = "kb.wsgi.application"

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
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_I18N = True
USE_TZ = True
LANGUAGE_CODE = "ru"
