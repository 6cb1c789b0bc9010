"""Flood limits for votes, and what a session remembers of its own votes.

Anonymous voters are told apart by a session that the first vote starts (never a page view:
reading pages sets no cookie). The session remembers when it voted and which vote it gave each
step today, so a second tap changes that vote instead of adding one. Two limits stop a script:

- one that keeps its cookie: at most `PRAVILA_FEEDBACK_VOTES_PER_SESSION` votes per hour;
- one that drops it, starting a new session each time: at most
  `PRAVILA_FEEDBACK_NEW_VOTERS_PER_CLIENT` votes per hour from voters without a session from
  one client (address, kb/core/clients.py), and `PRAVILA_FEEDBACK_NEW_VOTERS_PER_HOUR` site-wide;
  a vote refused for its client does not count site-wide (counted in the cache: shared by
  every process when `CACHE_URL` points at Redis, per process otherwise).
"""

import time

from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.http import HttpRequest

from kb.core.clients import client_address, within_limit
from kb.feedback import conf

SESSION_KEY = "feedback"
HOUR = 3600


def has_feedback_session(request: HttpRequest) -> bool:
    return SESSION_KEY in request.session


def session_sent_times(session: SessionBase, now: float) -> list[int]:
    """When this session voted within the last hour (seconds since the epoch)."""
    record = session.get(SESSION_KEY, {})
    return [t for t in record.get("sent", []) if now - t < HOUR]


def seconds_until_allowed(request: HttpRequest, *, signed_in: bool = False) -> int:
    """0 when the request may vote now; otherwise how long it should wait.

    Counts the vote for the new-voter limit when it is an anonymous voter's first; nothing is
    written to the session here (a refused request must not start one). A signed-in voter
    (sign-in mode) is limited per session only.
    """
    now = time.time()
    if signed_in or has_feedback_session(request):
        sent = session_sent_times(request.session, now)
        if len(sent) >= conf.votes_per_session():
            return int(HOUR - (now - min(sent))) + 1
        return 0
    client = client_address(request.META)
    if client and not within_limit(
        "feedback-new-voters", client, conf.new_voters_per_client(), HOUR
    ):
        return int(HOUR - now % HOUR) + 1
    window = int(now // HOUR)
    key = f"feedback:new-voters:{window}"
    cache.add(key, 0, timeout=HOUR + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=HOUR + 60)
        count = 1
    if count > conf.new_voters_per_hour():
        return int(HOUR - now % HOUR) + 1
    return 0


def earlier_vote_id(request: HttpRequest, step_id: int, day: str) -> int | None:
    """The vote this session gave the step on `day` (ISO date), if any."""
    record = request.session.get(SESSION_KEY, {})
    vote_id, vote_day = record.get("votes", {}).get(str(step_id), (None, None))
    return vote_id if vote_day == day else None


def remember_vote(request: HttpRequest, step_id: int, vote_id: int, day: str) -> None:
    """Note the vote and its time in the session (which this starts, on a first vote)."""
    now = time.time()
    record = request.session.get(SESSION_KEY, {})
    votes = {step: value for step, value in record.get("votes", {}).items() if value[1] == day}
    votes[str(step_id)] = (vote_id, day)
    request.session[SESSION_KEY] = {
        "votes": votes,
        "sent": [*session_sent_times(request.session, now), int(now)],
    }
