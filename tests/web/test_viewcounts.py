"""View counts: a page view never writes to the database; counts reach it in batches."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb.content.models import Entry, Kind, Status
from kb.web import viewcounts
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def writes_in(context: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in context.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]


def views_of(entry: Entry) -> int:
    entry.refresh_from_db()
    return entry.view_count


def test_an_entry_page_view_writes_nothing_to_the_database(client):
    entry = make_entry(Kind.SITUATION, steps=["Выслушать"])
    with CaptureQueriesContext(connection) as context:
        response = client.get(entry.get_absolute_url())
    assert response.status_code == 200
    assert context.captured_queries  # the page was built, not served from the cache
    assert writes_in(context) == []
    assert views_of(entry) == 0


def test_counted_views_are_written_by_a_flush_and_kept_when_counted_meanwhile(client):
    entry = make_entry()
    for _ in range(3):
        client.get(entry.get_absolute_url())
    assert viewcounts.pending_views([entry.pk]) == {entry.pk: 3}
    assert viewcounts.flush() == 3
    assert views_of(entry) == 3
    assert viewcounts.pending_views([entry.pk]) == {}
    client.get(entry.get_absolute_url())
    assert viewcounts.flush() == 1
    assert views_of(entry) == 4


def test_pages_served_from_the_cache_count_their_views_too(client):
    entry = make_entry()
    first = client.get(entry.get_absolute_url())
    with CaptureQueriesContext(connection) as context:
        second = client.get(entry.get_absolute_url())
    assert context.captured_queries == []  # from the page cache
    assert second.content == first.content
    viewcounts.flush()
    assert views_of(entry) == 2


def test_drafts_are_not_counted(editor_client):
    draft = make_entry(status=Status.DRAFT)
    assert editor_client.get(draft.get_absolute_url()).status_code == 200
    assert viewcounts.flush() == 0
    assert views_of(draft) == 0


def test_views_are_flushed_after_a_response_at_most_once_per_interval(client, settings):
    settings.PRAVILA_VIEW_COUNT_FLUSH_SECONDS = 60
    viewcounts.FlushClock.asked_at = float("-inf")  # as in a process that has just started
    entry = make_entry()
    client.get(entry.get_absolute_url())  # the first response after start flushes
    assert views_of(entry) == 1
    client.get(entry.get_absolute_url())  # within the interval: counted, not yet written
    assert views_of(entry) == 1
    assert viewcounts.pending_views([entry.pk]) == {entry.pk: 1}
    # The interval has passed: the lock has expired, and this process asks again.
    cache.delete(viewcounts.FLUSH_LOCK_KEY)
    viewcounts.FlushClock.asked_at = float("-inf")
    client.get("/")
    assert views_of(entry) == 2


def test_flush_view_counts_command_writes_the_counts(client, capsys):
    entry = make_entry()
    client.get(entry.get_absolute_url())
    call_command("flush_view_counts")
    assert "Added 1 views." in capsys.readouterr().out
    assert views_of(entry) == 1


def test_a_flush_reads_only_the_entries_with_counted_views(client):
    viewed = make_entry()
    for _ in range(5):
        make_entry()
    with CaptureQueriesContext(connection) as context:
        assert viewcounts.flush() == 0
    assert context.captured_queries == []  # nothing counted: not one entry read
    client.get(viewed.get_absolute_url())
    with CaptureQueriesContext(connection) as context:
        assert viewcounts.flush() == 1
    updates = [q["sql"] for q in context.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and str(viewed.pk) in updates[0]
    assert views_of(viewed) == 1


# Committed, as a flush is (inside a test's transaction, a scope moved on once is moved on by
# every later edit of the same transaction).
@pytest.mark.django_db(transaction=True)
def test_a_flush_makes_home_again_only_when_the_most_opened_situations_change(client):
    first = make_entry(Kind.SITUATION, title="Клиент спорит")
    second = make_entry(Kind.SITUATION, title="Клиент ушёл")
    client.get("/")
    client.get("/")
    with CaptureQueriesContext(connection) as context:
        client.get("/")
    assert context.captured_queries == []
    # The second situation is opened: now the most opened, home lists it first.
    client.get(second.get_absolute_url())
    viewcounts.flush()
    home = client.get("/").content.decode()
    assert home.index("Клиент ушёл") < home.index("Клиент спорит")
    # Opened again: the order stays, and so does the cached home page.
    client.get(second.get_absolute_url())
    client.get(first.get_absolute_url())
    assert viewcounts.flush() == 2
    with CaptureQueriesContext(connection) as context:
        client.get("/")
    assert context.captured_queries == []
    assert views_of(second) == 2
