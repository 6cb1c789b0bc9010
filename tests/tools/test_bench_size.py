"""Measuring at size: generated entries through the export format, and an editor who saves
through the admin during a load run (kb/bench)."""

import pytest

from kb.content.models import Entry, Kind, Status, Tag
from kb.tools.bench import churn, generate
from tests.factories import make_entry
from tests.seed import seed


@pytest.mark.django_db
def test_generated_entries_come_through_the_import_and_are_searchable(client):
    seed()
    biggest = generate.biggest_tag()
    assert generate.build_entries(45, chunk=20) == 45
    generated = Entry.objects.filter(slug__startswith=generate.PREFIX)
    assert generated.count() == 45
    assert set(generated.values_list("kind", flat=True)) == set(Kind.values)
    assert generated.filter(status=Status.DRAFT).exists()
    # Every other one carries the knowledge base's most used tag, so it grows with N.
    assert (
        Tag.objects.get(name=biggest)
        .tagged_entries.filter(content_object__slug__startswith=generate.PREFIX)
        .count()
        == 23
    )
    # Asked again for the same number, nothing is added; for more, only what is missing.
    assert generate.build_entries(45) == 0
    assert generate.build_entries(50) == 5
    entry = generated.filter(status=Status.PUBLISHED, kind=Kind.SITUATION).first()
    assert client.get(entry.get_absolute_url()).status_code == 200
    # Its longest word, as staff type a content word (PostgreSQL drops words like «больше»).
    word = max(entry.title.split(), key=len).lower()
    found = client.get("/api/v1/search/", {"q": word}).json()
    assert found["total"] >= 1


@pytest.mark.django_db
def test_bulk_entries_are_the_imports_records_written_at_once_and_searchable(client):
    seed()
    assert generate.bulk_entries(45, chunk=20) == 45
    # The same records the import would bring in, continuing where it stopped.
    assert generate.bulk_entries(45) == 0
    assert generate.build_entries(50) == 5
    records = {
        r["slug"]: r
        for r in generate.generated_entries(0, 45, generate.vocabulary(), generate.biggest_tag())
    }
    bulk = Entry.objects.filter(slug__in=records)
    assert bulk.count() == 45
    situation = bulk.filter(status=Status.PUBLISHED, kind=Kind.SITUATION).first()
    record = records[situation.slug]
    assert (situation.title, situation.summary) == (record["title"], record["summary"])
    assert sorted(situation.tags.names()) == sorted(record["tags"])
    assert situation.responses.count() == len(record["steps"])
    page = client.get(situation.get_absolute_url())
    assert page.status_code == 200
    assert record["steps"][0]["text"] in page.content.decode()
    word = max(situation.title.split(), key=len).lower()
    assert client.get("/api/v1/search/", {"q": word}).json()["total"] >= 1


@pytest.mark.django_db(transaction=True)
def test_the_editor_saves_through_the_admin_form(live_server):
    rule = make_entry(Kind.RULE, title="Правило для правки", number=7, tags=["сроки"])
    make_entry(Kind.SITUATION, title="Другая запись")
    version = rule.version
    editor = churn.Editor(live_server.url, churn.churn_entry_url(), churn.editor_password())
    editor.sign_in()
    editor.save_once(1)
    editor.save_once(2)
    rule.refresh_from_db()
    assert rule.summary.endswith("(2)")
    assert rule.version == version + 2
    # The rest of the form went back as it was.
    assert (rule.title, rule.number, list(rule.tags.names())) == (
        "Правило для правки",
        7,
        ["сроки"],
    )


@pytest.mark.django_db(transaction=True)
def test_a_failing_save_is_counted_not_raised(live_server):
    make_entry(Kind.RULE, title="Правило", number=1)
    editor = churn.Editor(live_server.url, churn.churn_entry_url(), "wrong password")
    editor.start()
    editor.stop()
    assert editor.saves == 0
    assert editor.failures and editor.failures[0].startswith("sign-in")
    assert "failed" in editor.summary()
