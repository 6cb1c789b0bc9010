"""Nothing an editor does is undone: deletions survive reseeding, recoveries keep seed identity
and bring back the links that pointed to the entry."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from kb.content import history, services
from kb.content.models import Entry, Kind
from kb.content.services import load_seed
from tests.helpers import change_url, open_form

pytestmark = pytest.mark.django_db

SOURCE = "stati"
SEED = {
    "sources.yaml": [{"key": SOURCE, "title": "Статьи о клиентах"}],
    "principles.yaml": [
        {
            "key": "doverie",
            "title": "Доверие",
            "summary": "На нас можно положиться.",
            "tags": ["доверие"],
            "source": SOURCE,
            "see_also": ["chestnost"],
        },
        {
            "key": "chestnost",
            "title": "Честность",
            "summary": "Говорим как есть.",
            "source": SOURCE,
        },
    ],
    "rules.yaml": [],
    "situations.yaml": [
        {
            "key": "klient-opozdal",
            "title": "Клиент опоздал",
            "summary": "Клиент пришёл на час позже.",
            "steps": ["Уточнить, сколько у клиента времени", "Сократить встречу"],
            "basis": ["doverie"],
            "examples": ["sluchaj-s-opozdaniem"],
            "source": SOURCE,
        },
        {
            "key": "klient-krichit",
            "title": "Клиент кричит",
            "summary": "Клиент повысил голос.",
            "steps": ["Выслушать"],
            "basis": ["doverie", "chestnost"],
            "source": SOURCE,
        },
    ],
    "cases.yaml": [
        {
            "key": "sluchaj-s-opozdaniem",
            "title": "Случай с опозданием",
            "summary": "Как мы сдвинули встречу.",
            "lesson": "Спрашивать заранее.",
            "source": SOURCE,
        }
    ],
}


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """A small seed: two principles, two situations based on them, a case of one of them."""
    for name, items in SEED.items():
        (tmp_path / name).write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    load_seed(seed_dir=tmp_path)
    return tmp_path


def seeded(key: str) -> Entry:
    return Entry.objects.get(seed_key=key)


def delete_in_admin(client, entry: Entry) -> Version:
    url = reverse(f"admin:kb_{entry.kind}_delete", args=[entry.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Entry.objects.filter(pk=entry.pk).exists()
    return Version.objects.get_deleted(Entry).get(object_id=str(entry.pk))


def recover_in_admin(client, deleted: Version, kind: str) -> Entry:
    response = client.post(reverse(f"admin:kb_{kind}_recover", args=[deleted.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{deleted.object_id}/change/")
    return Entry.objects.get(pk=deleted.object_id)


# Defect 2: reseeding does not bring back what editors deleted ------------------------------


def test_load_seed_leaves_a_situation_editors_deleted_deleted(editor_client, client, seed_dir):
    situation = seeded("klient-opozdal")
    pk, slug = situation.pk, situation.slug
    deleted = delete_in_admin(editor_client, situation)

    report = load_seed(seed_dir=seed_dir)

    assert not Entry.objects.filter(seed_key="klient-opozdal").exists()
    assert not Entry.objects.filter(slug=slug).exists()
    assert report.kept_deleted == ["Клиент опоздал"]
    assert "klient-opozdal" not in report.created
    # The deleted version can still be recovered, under its old id and short link.
    recovered = recover_in_admin(editor_client, deleted, Kind.SITUATION)
    assert (recovered.pk, recovered.slug) == (pk, slug)
    assert client.get(f"/e/{pk}/").status_code in (301, 302)


def test_load_seed_keeps_a_deleted_principle_deleted_and_the_rest_loads(editor_client, seed_dir):
    delete_in_admin(editor_client, seeded("doverie"))

    report = load_seed(seed_dir=seed_dir)

    assert not Entry.objects.filter(seed_key="doverie").exists()
    assert report.kept_deleted == ["Доверие"]
    # The situations based on it are there, based on what is left.
    assert [e.seed_key for e in seeded("klient-krichit").basis.all()] == ["chestnost"]


def test_the_command_says_what_it_left_deleted(editor_client, seed_dir, monkeypatch):
    delete_in_admin(editor_client, seeded("sluchaj-s-opozdaniem"))
    monkeypatch.setattr(services, "SEED_DIR", seed_dir)
    out = StringIO()
    call_command("load_seed", stdout=out)
    assert "1 left deleted by editors" in out.getvalue()
    assert "left deleted: Случай с опозданием" in out.getvalue()


# Defect 3: a recovered entry keeps its seed identity ------------------------------------------


def test_load_seed_after_delete_and_recover_in_the_admin(editor_client, seed_dir):
    situation = seeded("klient-opozdal")
    pk = situation.pk
    recover_in_admin(editor_client, delete_in_admin(editor_client, situation), Kind.SITUATION)

    report = load_seed(seed_dir=seed_dir)

    recovered = Entry.objects.get(pk=pk)
    assert recovered.seed_key == "klient-opozdal"
    assert Entry.objects.filter(title="Клиент опоздал").count() == 1
    assert "klient-opozdal" not in report.created
    # Recovered as the seed left it, with all its links: still the seed's to update.
    assert "klient-opozdal" in report.unchanged


def test_load_seed_adopts_an_entry_recovered_without_its_seed_identity(editor_client, seed_dir):
    """Recovered by an earlier release, which lost the seed key: the seed does not crash on
    the address, and keeps the entry as editors left it."""
    situation = seeded("klient-opozdal")
    recover_in_admin(editor_client, delete_in_admin(editor_client, situation), Kind.SITUATION)
    Entry.objects.filter(pk=situation.pk).update(seed_key="", seed_checksum="")

    report = load_seed(seed_dir=seed_dir)

    assert Entry.objects.filter(title="Клиент опоздал").count() == 1
    assert Entry.objects.get(pk=situation.pk).seed_key == "klient-opozdal"
    assert report.kept_edits == ["Клиент опоздал"]
    assert load_seed(seed_dir=seed_dir).kept_edits == ["Клиент опоздал"]


# Defect 4: recovery brings back the links that pointed to the entry ---------------------------


def test_recovery_brings_back_links_in_both_directions_recorded_in_the_others(
    editor_client, seed_dir
):
    principle = seeded("doverie")
    pk = principle.pk
    based_on_it = {seeded("klient-opozdal").pk, seeded("klient-krichit").pk}
    partner = seeded("chestnost")
    before = {e.pk: (e.version, history.versions_of(e.pk).count()) for e in Entry.objects.all()}
    # An editor has the situation's form open while the principle is deleted and recovered.
    stale_form = open_form(editor_client, seeded("klient-krichit"))
    deleted = delete_in_admin(editor_client, principle)

    recovered = recover_in_admin(editor_client, deleted, Kind.PRINCIPLE)

    assert set(recovered.applied_in.values_list("pk", flat=True)) == based_on_it
    assert list(recovered.see_also.all()) == [partner]
    assert list(partner.see_also.all()) == [recovered]
    for other_pk in (*based_on_it, partner.pk):
        other = Entry.objects.get(pk=other_pk)
        # A new version of each entry that links to it again, saying why.
        assert other.version == before[other_pk][0] + 1
        latest = history.versions_of(other_pk).first()
        assert history.versions_of(other_pk).count() == before[other_pk][1] + 1
        assert "Доверие" in latest.revision.comment
        assert pk in (latest.field_dict["basis"] + latest.field_dict["see_also"])
    # The form opened before cannot silently drop the link it did not show.
    stale_form["title"] = "Клиент кричит на нас"
    assert editor_client.post(change_url(seeded("klient-krichit")), stale_form).status_code == 200
    assert seeded("klient-krichit").basis.filter(pk=pk).exists()


def test_recovery_brings_back_examples_and_skips_links_to_entries_deleted_since(
    editor_client, seed_dir
):
    case = seeded("sluchaj-s-opozdaniem")
    deleted_case = delete_in_admin(editor_client, case)
    principle = seeded("doverie")
    deleted_principle = delete_in_admin(editor_client, principle)
    delete_in_admin(editor_client, seeded("klient-krichit"))

    recovered_case = recover_in_admin(editor_client, deleted_case, Kind.CASE)
    recovered_principle = recover_in_admin(editor_client, deleted_principle, Kind.PRINCIPLE)

    assert [e.seed_key for e in recovered_case.example_of.all()] == ["klient-opozdal"]
    assert [e.seed_key for e in recovered_principle.applied_in.all()] == ["klient-opozdal"]
