"""The miss log's settings, read when used so that tests and deployments can change them."""

from django.conf import settings


def retention_days() -> int:
    """Days a search is kept before it is purged."""
    return settings.PRAVILA_MISSLOG_DAYS


def write_seconds() -> float:
    """Seconds a process gathers searches before writing them together."""
    return settings.PRAVILA_MISSLOG_WRITE_SECONDS
