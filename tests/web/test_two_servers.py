"""Two app servers sharing PostgreSQL and Redis, as two hosts behind a load balancer: an
editor's save through one is on the next page the other serves.

Runs only when the tests themselves run on PostgreSQL with Redis (DATABASE_URL, CACHE_URL);
skipped, with the reason, anywhere else.
"""

import os
import sys
import urllib.request
from contextlib import ExitStack

import pytest
from django.conf import settings
from django.db import connection

from kb.content.models import Kind
from kb.tools.bench import churn, load
from tests.factories import make_entry

PORTS = (8332, 8333)


def shared_services() -> str | None:
    """Why the test cannot run here, or None."""
    if connection.vendor != "postgresql":
        return "needs PostgreSQL: run with DATABASE_URL=postgres://…"
    if not settings.CACHE_URL:
        return "needs Redis: run with CACHE_URL=redis://…"
    return None


def server_environment() -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kb.config.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": url,
        "CACHE_URL": settings.CACHE_URL,
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def page(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return response.read().decode()


@pytest.mark.django_db(transaction=True)
def test_a_save_through_one_server_is_seen_on_the_next_request_to_the_other(
    tmp_path, real_password_hashing
):
    reason = shared_services()
    if reason:
        print(f"\nSKIPPED two app servers: {reason}", file=sys.stderr)
        pytest.skip(reason)
    rule = make_entry(Kind.RULE, title="Правило для двух серверов", number=3, tags=["сроки"])
    situation = make_entry(Kind.SITUATION, title="Ситуация рядом")
    situation.basis.add(rule)
    password = churn.editor_password()
    env = server_environment()
    with ExitStack() as stack:
        first, second = (
            stack.enter_context(load.gunicorn(env, port, 1, tmp_path / f"{port}.log"))
            for port in PORTS
        )
        # Both have the pages in their cache (Redis, and each process's own copy).
        for base in (first, second):
            for _ in range(2):
                assert "Правило для двух серверов" in page(base, rule.get_absolute_url())
                assert "Ситуация рядом" in page(base, "/situations/")
        editor = churn.Editor(first, churn.churn_entry_url(), password)
        editor.sign_in()
        editor.save_once(1)
        # The next request to the other server shows it.
        assert "меняет во время замера (1)" in page(second, rule.get_absolute_url())
        editor.save_once(2)
        assert "меняет во время замера (2)" in page(second, rule.get_absolute_url())
        assert "меняет во время замера (2)" in page(first, rule.get_absolute_url())
