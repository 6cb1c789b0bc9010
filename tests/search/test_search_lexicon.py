"""The typo corrector's lexicon stays right when saves count the same words at the same time."""

import threading
import time

import pytest
from django.db import connection, transaction

from kb import search
from kb.content.models import Kind, SearchWord
from tests.factories import make_entry

NEW_WORD = "зюзюкание"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs two concurrent writers; SQLite makes one wait until the other has committed",
)
def test_two_saves_adding_the_same_new_word_both_succeed_and_count_it():
    """The first save has inserted the word and not committed yet when the second one, which
    did not see it, inserts it too: the second waits, and must then count the word, not fail
    with a unique violation."""
    first = make_entry(Kind.SITUATION, title=f"Первое {NEW_WORD}")
    second = make_entry(Kind.SITUATION, title=f"Второе {NEW_WORD}")
    connection.ensure_connection()
    second_backend = connection.connection.info.backend_pid
    errors: list[BaseException] = []
    first_has_written = threading.Event()

    def first_save_commits_once_the_second_waits() -> None:
        try:
            with transaction.atomic():
                search.index_entries([first.pk])
                first_has_written.set()
                with connection.cursor() as cursor:
                    deadline = time.monotonic() + 20
                    while time.monotonic() < deadline:
                        cursor.execute(
                            "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                            [second_backend],
                        )
                        if cursor.fetchone()[0] == "Lock":
                            break
                        time.sleep(0.02)
                    else:
                        errors.append(AssertionError("the second save never waited"))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=first_save_commits_once_the_second_waits)
    thread.start()
    try:
        assert first_has_written.wait(timeout=20)
        # Its row for the word is not committed: this save does not see it, and inserts it.
        search.index_entries([second.pk])
    finally:
        first_has_written.set()
        thread.join(timeout=30)

    assert not errors, errors
    assert SearchWord.objects.get(word=NEW_WORD).document_count == 2
    # No count is lost: words both entries hold count two, the others one.
    assert SearchWord.objects.get(word="описание").document_count == 2
    assert SearchWord.objects.get(word="второе").document_count == 1
