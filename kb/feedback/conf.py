"""The feedback settings, read when used so that tests and deployments can change them."""

from django.conf import settings


def sign_in_required() -> bool:
    """Sign-in mode (another part of the site adds the setting): only then is a vote's user kept."""
    return bool(getattr(settings, "PRAVILA_LOGIN_REQUIRED", False))


def min_votes() -> int:
    """Votes an entry needs before it can be listed as needing attention."""
    return settings.PRAVILA_FEEDBACK_MIN_VOTES


def unhelpful_share() -> float:
    """The share of "did not help" votes (0–1) from which an entry needs attention."""
    return settings.PRAVILA_FEEDBACK_UNHELPFUL_SHARE


def votes_per_session() -> int:
    """Votes one session may send per hour."""
    return settings.PRAVILA_FEEDBACK_VOTES_PER_SESSION


def new_voters_per_hour() -> int:
    """Votes per hour, site-wide, from people without a feedback session yet (scripts that
    drop their cookies would otherwise start a new session for every vote)."""
    return settings.PRAVILA_FEEDBACK_NEW_VOTERS_PER_HOUR


def new_voters_per_client() -> int:
    """Of those, votes per hour from one client (address): a script from one machine cannot
    use up the site-wide allowance of every real first-time voter."""
    return settings.PRAVILA_FEEDBACK_NEW_VOTERS_PER_CLIENT
