"""tests/seed.py: the seed written back row for row is the database a real `load_seed()` leaves,
and what staff search and read on it is the same."""

import re
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import product
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import AutoField, BigAutoField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from kb import search
from kb.content.models import Entry, Status, TaggedEntry
from kb.content.services import load_seed
from kb.paths.models import Path
from kb.web import page_cache
from tests import seed as seed_copy
from tests.factories import make_entry
from tests.helpers import change_url, open_form

pytestmark = pytest.mark.django_db

PAGES = (
    "/",
    "/situations/klient-umer/",
    "/search/?q=клиент+кричит",
    "/search/?q=заказчик+умер",
    "/api/v1/search/?q=rkbtyn",
    "/paths/",
)


def rolled_back(action: Callable[[], Any]) -> Any:
    """What `action` returns, its writes undone."""
    with transaction.atomic():
        result = action()
        transaction.set_rollback(True)
    return result


def seen(client) -> dict[str, tuple[str, int]]:
    """The pages staff read on the seed, each rendered afresh (nonces and the keys of searches,
    new for each search, left out), with the number of queries each made."""
    pages = {}
    # Each page twice, the second kept: a process's first search does work of its own (the miss
    # log's purge), whichever test makes it.
    for url, _ in product(PAGES, range(2)):
        cache.clear()
        page_cache.forget_local_pages()
        search.forget_lexicon()
        search.forget_synonyms()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        page = re.sub(r'nonce="[^"]*"', "", response.content.decode())
        page = re.sub(r"/search/open/[0-9a-f-]{36}/", "/search/open/KEY/", page)
        pages[url] = (page, len(queries))
    return pages


def loaded_for_real(client) -> tuple[dict, dict, Any]:
    def load() -> tuple[dict, dict, Any]:
        seed_copy.forget()
        real = seed_copy.loads["real"]
        report = seed_copy.seed()
        assert seed_copy.loads["real"] == real + 1
        return seed_copy.snapshot(), seen(client), report

    return rolled_back(load)


def copied(client) -> tuple[dict, dict, Any]:
    done = seed_copy.loads["copy"]
    report = seed_copy.seed()
    assert seed_copy.loads["copy"] == done + 1, "the seed was loaded, not copied"
    return seed_copy.snapshot(), seen(client), report


def test_the_copy_is_the_database_pages_and_search_a_real_load_leaves(client):
    real, real_pages, real_report = loaded_for_real(client)
    assert seed_copy.snapshot()["kb_entry"].rows == []  # undone
    copy, copy_pages, copy_report = copied(client)

    assert real.keys() == copy.keys()
    written = [name for name, table in real.items() if table.rows]
    assert {"kb_entry", "kb_response", "kb_searchdocument", "kb_searchword", "kb_synonym",
            "paths_path", "reversion_version", "kb_taggedentry"} <= set(written)  # fmt: skip
    if connection.vendor == "sqlite":
        assert "kb_search_fts" in written
    for name in real:
        assert real[name].columns == copy[name].columns, name
        assert Counter(real[name].rows) == Counter(copy[name].rows), name
    assert copy_report == real_report and copy_report.created
    assert copy_pages == real_pages
    assert "Клиент <mark>умер</mark>" in copy_pages["/search/?q=заказчик+умер"][0]


def test_the_search_index_of_the_copy_answers_and_is_complete(seeded_copy):
    assert search.index_is_complete()
    assert search.search("истерика").hits[0].title == "Клиент впал в истерику"
    assert search.search("заказчик умер").total >= 1  # the seeded synonyms
    assert search.suggest("истер").total >= 1  # prefixes


@pytest.fixture
def seeded_copy() -> None:
    rolled_back(seed_copy.seed)  # the first load of this process, if it is the first
    done = seed_copy.loads["copy"]
    seed_copy.seed()
    assert seed_copy.loads["copy"] == done + 1


def next_ids() -> dict[str, tuple[int, int]]:
    """For each table of the seed with an automatic id: its highest id, and the highest id its
    sequence has given (the next is above it)."""
    found = {}
    written = {n for n, t in seed_copy.snapshot().items() if t.rows}
    with connection.cursor() as cursor:
        for model in Entry._meta.apps.get_models(include_auto_created=True):
            table, pk = model._meta.db_table, model._meta.pk
            if table not in written or not isinstance(pk, AutoField | BigAutoField):
                continue
            cursor.execute(f"SELECT MAX({pk.column}) FROM {table}")
            highest = cursor.fetchone()[0]
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
                cursor.execute(f"SELECT last_value FROM {cursor.fetchone()[0]}")
            else:
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found[table] = (highest, cursor.fetchone()[0])
    return found


def test_new_rows_after_the_copy_take_new_ids(seeded_copy, editor_client):
    ids = next_ids()
    assert "kb_entry" in ids and "reversion_version" in ids
    for table, (highest, given) in ids.items():
        assert given >= highest, table
    # An editor's save writes a revision, versions, steps and tags after the copied ones.
    situation = Entry.objects.get(seed_key="klient-umer")
    data = open_form(editor_client, situation)
    data["title"] = "Клиент умер внезапно"
    data["tags"] = f"{data['tags']}, новая-метка"
    assert editor_client.post(change_url(situation), data).status_code == 302
    assert Version.objects.get_for_object(situation).count() == 2
    assert make_entry(title="Новая запись").pk > ids["kb_entry"][0]
    assert search.search("внезапно").hits[0].title == "Клиент умер внезапно"


@pytest.fixture
def forget_content_types() -> Iterator[None]:
    """Content types are cached per process: the renumbered ones go with the test's data."""
    yield
    ContentType.objects.clear_cache()


def test_the_copy_follows_content_types_renumbered_by_a_flush(editor_client, forget_content_types):
    """A transactional test's flush makes the content types again, under new ids."""
    rolled_back(seed_copy.seed)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE django_content_type SET id = id + 1000")
        cursor.execute("UPDATE auth_permission SET content_type_id = content_type_id + 1000")
    ContentType.objects.clear_cache()
    done = seed_copy.loads["copy"]
    seed_copy.seed()
    assert seed_copy.loads["copy"] == done + 1

    entry_type = ContentType.objects.get_for_model(Entry)
    assert entry_type.pk > 1000
    assert Version.objects.get_for_model(Entry).count() == Entry.objects.count() == 45
    assert Version.objects.get_for_model(Path).count() == 1
    assert not Version.objects.exclude(content_type__in=ContentType.objects.all()).exists()
    situation = Entry.objects.get(seed_key="klient-umer")
    assert situation.tags.exists()
    assert TaggedEntry.objects.filter(content_object=situation).count() == situation.tags.count()
    history = editor_client.get(reverse("admin:kb_situation_history", args=[situation.pk]))
    assert history.status_code == 200 and "seed" in history.content.decode()


def test_a_database_holding_content_gets_a_real_load(editor_client):
    rolled_back(seed_copy.seed)
    kept = seed_copy._capture[0]
    own = make_entry(title="Своя запись", status=Status.DRAFT)
    real = seed_copy.loads["real"]
    report = seed_copy.seed()
    assert seed_copy.loads["real"] == real + 1
    assert len(report.created) == 45
    assert Entry.objects.published().count() == 45 and Entry.objects.filter(pk=own.pk).exists()
    # ... and the next test that needs only the seed still gets the copy.
    assert seed_copy._capture[0] is kept


def test_loading_the_seed_again_over_the_copy_changes_nothing(seeded_copy):
    assert load_seed().unchanged
    assert not load_seed().updated


@pytest.mark.django_db(transaction=True)
def test_after_a_transactional_tests_flush_the_seed_is_copied(forget_content_types):
    """Browser tests run on committed data, emptied after each by a flush: it makes the
    content types again under new ids and leaves SQLite's full-text table as it was."""
    seed_copy.seed()
    entry_type = ContentType.objects.get_for_model(Entry).pk
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()  # as TransactionTestCase's flush does
    assert ContentType.objects.get_for_model(Entry).pk != entry_type
    done = seed_copy.loads["copy"]
    seed_copy.seed()
    assert seed_copy.loads["copy"] == done + 1
    assert search.index_is_complete()
    assert search.search("истерика").hits[0].title == "Клиент впал в истерику"
    assert Version.objects.get_for_model(Entry).count() == 45
    if connection.vendor == "sqlite":
        # The flush leaves the full-text table as it was: rows of earlier tests' entries may
        # stay (no document joins them); each seeded entry has its own row, once.
        ids = list(Entry.objects.values_list("pk", flat=True))
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM kb_search_fts WHERE rowid IN ({marks})", ids)
            assert cursor.fetchone()[0] == 45
