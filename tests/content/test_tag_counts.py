"""The stored tag counts (`TagCount`, issue 21): after every kind of edit they equal the
published entries of each kind that carry each tag, counted from the taggings; and the tag
cloud is read from them, not by grouping every tagging."""

import importlib
import io
import json

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from kb.content.models import Entry, Kind, Status, Tag, TagCount, TaggedEntry, TagPair, taxonomy
from kb.tools.transfer import import_knowledge_base
from kb.tools.transfer.schema import FORMAT, FORMAT_VERSION
from tests.factories import make_entry
from tests.helpers import change_url, open_form

pytestmark = pytest.mark.django_db


def real_counts() -> dict[tuple[str, str], int]:
    """(tag name, kind): published entries, counted from the taggings themselves."""
    rows = (
        TaggedEntry.objects.filter(content_object__status=Status.PUBLISHED)
        .values_list("tag__name", "content_object__kind")
        .annotate(n=Count("pk"))
    )
    return {(name, kind): n for name, kind, n in rows}


def stored_counts() -> dict[tuple[str, str], int]:
    rows = TagCount.objects.filter(count__gt=0).values_list("tag__name", "kind", "count")
    return {(name, kind): n for name, kind, n in rows}


def real_pairs() -> dict[tuple[str, str], int]:
    """(tag, other tag): published entries carrying both, counted pair by pair."""
    tags = list(Tag.objects.all())
    counted = {}
    for tag in tags:
        for other in tags:
            if other != tag:
                both = Entry.objects.published().filter(tags=tag).filter(tags=other).count()
                if both:
                    counted[(tag.name, other.name)] = both
    return counted


def stored_pairs() -> dict[tuple[str, str], int]:
    rows = TagPair.objects.filter(count__gt=0).values_list("tag__name", "other__name", "count")
    return {(name, other): n for name, other, n in rows}


def assert_counts_right() -> dict[tuple[str, str], int]:
    stored = stored_counts()
    assert stored == real_counts()
    assert stored_pairs() == real_pairs()
    return stored


@pytest.fixture
def entries():
    make_entry(Kind.SITUATION, title="Опоздали", tags=["сроки", "этикет"])
    make_entry(Kind.SITUATION, title="Сорвали", tags=["сроки"])
    make_entry(Kind.RULE, title="Обещать меньше", number=1, tags=["сроки"])
    make_entry(Kind.CASE, title="Черновик", tags=["сроки"], status=Status.DRAFT)
    return assert_counts_right()


def test_new_entries_are_counted_by_kind_and_drafts_are_not(entries):
    assert entries == {("сроки", "situation"): 2, ("сроки", "rule"): 1, ("этикет", "situation"): 1}
    assert stored_pairs() == {("сроки", "этикет"): 1, ("этикет", "сроки"): 1}


def test_tags_added_taken_off_set_and_cleared(entries):
    entry = Entry.objects.get(title="Сорвали")
    entry.tags.add("этикет", "новый")
    assert assert_counts_right()[("новый", "situation")] == 1
    assert stored_pairs()[("сроки", "этикет")] == 2
    entry.tags.remove("сроки")
    assert assert_counts_right()[("сроки", "situation")] == 1
    entry.tags.set(["сроки", "деньги"])
    assert ("новый", "situation") not in assert_counts_right()
    entry.tags.clear()
    assert assert_counts_right()[("сроки", "situation")] == 1


def test_several_tags_taken_off_at_once(entries):
    entry = make_entry(Kind.CASE, title="Три тега", tags=["сроки", "этикет", "деньги"])
    assert assert_counts_right()[("деньги", "case")] == 1
    entry.tags.remove("этикет", "деньги")  # one batch of deletions
    assert ("деньги", "этикет") not in assert_counts_right()
    entry.tags.add("этикет", "деньги")
    entry.delete()  # its three taggings with it
    assert ("сроки", "case") not in assert_counts_right()


def test_an_edit_moves_the_counts_without_counting_the_taggings(entries):
    entry = Entry.objects.get(title="Сорвали")
    with CaptureQueriesContext(connection) as context:
        entry.tags.add("этикет")
        entry.status = Status.DRAFT
        entry.save()
    grouped = [q["sql"] for q in context.captured_queries if "GROUP BY" in q["sql"].upper()]
    assert grouped == []
    assert_counts_right()


def test_published_unpublished_and_moved_to_another_kind(entries):
    draft = Entry.objects.get(title="Черновик")
    draft.status = Status.PUBLISHED
    draft.save()
    assert assert_counts_right()[("сроки", "case")] == 1
    draft.status = Status.DRAFT
    draft.save()
    assert ("сроки", "case") not in assert_counts_right()
    situation = Entry.objects.get(title="Опоздали")
    situation.kind = Kind.CASE
    situation.save()
    counts = assert_counts_right()
    assert counts[("сроки", "case")] == 1
    assert counts[("этикет", "case")] == 1
    assert ("этикет", "situation") not in counts


def test_a_deleted_entry_or_tag_is_no_longer_counted(entries):
    Entry.objects.get(title="Опоздали").delete()
    assert ("этикет", "situation") not in assert_counts_right()
    assert stored_pairs() == {}
    Entry.objects.get(title="Сорвали").tags.add("этикет")
    Tag.objects.get(name="сроки").delete()
    assert assert_counts_right() == {("этикет", "situation"): 1}


def test_admin_edits_publish_actions_deletion_and_recovery(editor_client, entries):
    entry = Entry.objects.get(title="Сорвали")
    data = open_form(editor_client, entry)
    data["tags"] = "сроки, жалобы"
    assert editor_client.post(change_url(entry), data).status_code == 302
    assert assert_counts_right()[("жалобы", "situation")] == 1

    draft = Entry.objects.get(title="Черновик")
    for action in ("publish", "unpublish"):
        response = editor_client.post(
            reverse("admin:kb_entry_changelist"),
            {"action": action, "_selected_action": [draft.pk]},
        )
        assert response.status_code == 302
        assert (("сроки", "case") in assert_counts_right()) == (action == "publish")

    assert (
        editor_client.post(
            reverse("admin:kb_situation_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 302
    )
    assert ("жалобы", "situation") not in assert_counts_right()
    deleted = Version.objects.get_deleted(Entry).get(object_id=str(entry.pk))
    recover = reverse("admin:kb_situation_recover", args=[deleted.pk])
    assert editor_client.post(recover).status_code == 302
    assert assert_counts_right()[("жалобы", "situation")] == 1


def test_an_import_counts_its_entries(entries):
    records = [
        {"kind": "situation", "slug": "iz-faila", "title": "Из файла", "status": "published"},
        {"kind": "rule", "slug": "tozhe", "title": "Тоже из файла", "status": "draft"},
    ]
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "entries": [{**r, "summary": "Кратко.", "tags": ["сроки"]} for r in records],
    }
    import_knowledge_base(text=json.dumps(document, ensure_ascii=False), label="test")
    assert assert_counts_right()[("сроки", "situation")] == 3


def test_the_migration_counts_what_was_there_before(entries):
    TagCount.objects.all().delete()
    TagPair.objects.all().delete()
    migration = importlib.import_module("kb.content.migrations.0012_scale21c_tag_counts")
    migration.fill_counts(apps, None)
    assert assert_counts_right() == entries


def test_a_recount_makes_counts_written_around_the_signals_right(entries):
    entry = Entry.objects.get(title="Сорвали")
    TaggedEntry.objects.bulk_create(
        [TaggedEntry(content_object=entry, tag=Tag.objects.create(name="тихо"))]
    )
    Entry.objects.filter(pk=entry.pk).update(kind=Kind.CASE)
    assert stored_counts() != real_counts()
    assert stored_pairs() != real_pairs()
    call_command("recount_tags", stdout=io.StringIO())
    assert_counts_right()


def test_the_cloud_is_read_from_the_stored_counts(client, entries):
    with CaptureQueriesContext(connection) as context:
        cloud = Tag.objects.cloud()
    assert [(t.name, t.entry_count) for t in cloud] == [("сроки", 3), ("этикет", 1)]
    assert [(t.name, t.entry_count) for t in Tag.objects.cloud(kind=Kind.RULE)] == [("сроки", 1)]
    # Two queries, neither of which reads the taggings.
    assert len(context.captured_queries) == 2
    assert not any("kb_taggedentry" in q["sql"] for q in context.captured_queries)


@pytest.mark.parametrize(
    "url", ["kb:home", "kb:tag_list", "kb:situation_list", "kb:search"], ids=lambda u: u[3:]
)
def test_pages_with_a_cloud_never_group_the_taggings(client, settings, entries, url):
    settings.PRAVILA_PAGE_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse(url)).status_code == 200
    grouped = [
        q["sql"]
        for q in context.captured_queries
        if "kb_taggedentry" in q["sql"] and "GROUP BY" in q["sql"].upper()
    ]
    assert grouped == []


def test_a_tag_page_reads_its_counts_and_narrowing_tags_from_the_stored_counts(
    client, settings, entries
):
    settings.PRAVILA_PAGE_CACHE_SECONDS = 0
    Entry.objects.get(title="Обещать меньше").tags.add("деньги")
    make_entry(Kind.CASE, title="Без сроков", tags=["деньги"])
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("kb:tag_detail", args=[Tag.objects.get(name="сроки").slug]))
    kinds = {kind.value: n for kind, _, n in response.context["kinds"]}
    assert kinds == {"situation": 2, "rule": 1, "principle": 0, "case": 0}
    assert response.context["paginator"].count == 3
    narrowing = [(t.name, t.entry_count) for t in response.context["narrowing_tags"]]
    assert narrowing == [("деньги", 1), ("этикет", 1)]
    grouped = [
        q["sql"]
        for q in context.captured_queries
        if "kb_taggedentry" in q["sql"] and "GROUP BY" in q["sql"].upper()
    ]
    assert grouped == []


def test_a_common_tag_lists_the_same_entries_read_in_list_order(client, settings, monkeypatch):
    settings.PRAVILA_PAGE_CACHE_SECONDS = 0
    for n in range(5):
        make_entry(Kind.SITUATION, title=f"Запись {5 - n}", tags=["частый"])
    make_entry(Kind.SITUATION, title="Запись 0", tags=["частый"], status=Status.DRAFT)
    url = reverse("kb:tag_detail", args=[Tag.objects.get(name="частый").slug])

    def listed() -> tuple[list[str], list[str]]:
        cache.clear()  # the cards of the first request would be shared with the second
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        return [e.title for e in response.context["entries"]], [
            q["sql"] for q in context.captured_queries if "EXISTS" in q["sql"].upper()
        ]

    rare, rare_exists = listed()
    monkeypatch.setattr(taxonomy, "COMMON_TAG", 3)
    common, common_exists = listed()
    assert rare == common == [f"Запись {n}" for n in range(1, 6)]
    # The common tag's entries are looked up one by one (EXISTS), the rare one's gathered.
    assert len(common_exists) > len(rare_exists)


def test_deleting_a_tag_costs_the_same_however_many_entries_carry_it(client, entries):
    """Its taggings go in one statement, not one by one with their signals (a tag of 5,000
    entries took minutes); the counts stay right, the pages and the search follow."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def delete(name: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            Tag.objects.get(name=name).delete()
        return len(queries)

    for n in range(3):
        make_entry(Kind.RULE, title=f"Правило {n}", number=10 + n, tags=["мало", "этикет"])
    for n in range(30):
        make_entry(Kind.RULE, title=f"Ещё правило {n}", number=20 + n, tags=["много", "этикет"])
    page = client.get(reverse("kb:tag_detail", args=["mnogo"]))
    assert page.status_code == 200
    few = delete("мало")
    assert delete("много") == few
    assert_counts_right()
    assert client.get(reverse("kb:tag_detail", args=["mnogo"])).status_code == 404
    rule = Entry.objects.get(title="Ещё правило 3")
    assert list(rule.tags.names()) == ["этикет"]
    Tag.objects.filter(name="этикет").delete()  # and through a queryset, as the admin does
    assert_counts_right()
    assert not rule.tags.exists()
