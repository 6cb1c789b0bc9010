"""The miss log's settings, read when used so that tests and deployments can change them."""

from django.conf import settings


def retention_days() -> int:
    """Days a search is kept before it is purged."""
    return settings.PRAVILA_MISSLOG_DAYS


def write_seconds() -> float:
    """Seconds a process gathers searches before writing them together."""
    return settings.PRAVILA_MISSLOG_WRITE_SECONDS


def searches_per_minute() -> int:
    """Searches one client (address) may add to the log per minute."""
    return settings.PRAVILA_MISSLOG_SEARCHES_PER_MINUTE


def repeats_per_day() -> int:
    """Times one client may add the same (normalised) query to the log per day."""
    return settings.PRAVILA_MISSLOG_REPEATS_PER_DAY
