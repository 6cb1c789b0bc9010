"""The seed's sample reading path (fixtures/paths.yaml, kb/paths/seed.py): made from the seed's
entries on a fresh install, an example editors may change or delete, never made again once
deleted; and undoing a read mark."""

from io import StringIO
from pathlib import Path as FilePath

import pytest
from django.core.management import call_command
from reversion.models import Version

from kb.content.models import Entry
from kb.content.services import SeedError, load_seed
from kb.paths.models import Path, PathEntry, ReadMark
from kb.paths.services import mark_read
from tests.seed import seed

pytestmark = pytest.mark.django_db

TITLE = "Первая неделя: как мы работаем с клиентами"


def run_load_seed() -> str:
    out = StringIO()
    call_command("load_seed", stdout=out)
    return out.getvalue()


def test_a_fresh_install_has_the_sample_path_made_of_seed_entries():
    output = run_load_seed()
    assert f"sample path created: {TITLE}" in output
    path = Path.objects.get()
    assert (path.title, path.seed_key, path.is_published) == (TITLE, "pervaya-nedelya", True)
    items = list(path.items.select_related("entry"))
    assert len(items) == 7
    assert [item.position for item in items] == list(range(1, 8))
    assert all(item.entry.seed_key and item.entry.is_published for item in items)
    assert str(items[0].entry) == "Правило №1: Обещать меньше, делать больше"
    assert items[0].note.startswith("Главное правило")


def test_loading_the_seed_again_leaves_the_path_as_editors_left_it():
    seed()
    path = Path.objects.get()
    path.title = "Первая неделя в отделе продаж"
    path.save()
    path.items.last().delete()
    output = run_load_seed()
    assert "sample path" not in output
    path = Path.objects.get()
    assert path.title == "Первая неделя в отделе продаж"
    assert path.items.count() == 6


def test_a_deleted_sample_path_stays_deleted(editor_client):
    seed()
    path = Path.objects.get()
    response = editor_client.post(f"/admin/paths/path/{path.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Path.objects.exists()
    output = run_load_seed()
    assert f"sample path left deleted by editors: {TITLE}" in output
    assert not Path.objects.exists()
    # And the editors' own paths are no reason to make it again either.
    load_seed()
    assert not Path.objects.exists()


def test_entries_editors_deleted_are_left_out_of_a_new_sample_path(editor_client):
    seed()
    # An install from before the sample path: no path, and none in the history.
    Path.objects.all().delete()
    Version.objects.get_for_model(Path).delete()
    entry = Entry.objects.get(seed_key="klient-vpal-v-isteriku")
    editor_client.post(f"/admin/kb/situation/{entry.pk}/delete/", {"post": "yes"})
    assert not Entry.objects.filter(seed_key="klient-vpal-v-isteriku").exists()
    load_seed()
    path = Path.objects.get()
    assert path.items.count() == 6
    assert not PathEntry.objects.filter(entry__seed_key="klient-vpal-v-isteriku").exists()


def test_the_admin_marks_the_sample_path_as_an_example(editor_client):
    seed()
    path = Path.objects.get()
    listing = editor_client.get("/admin/paths/path/").content.decode()
    assert "column-example" in listing and 'alt="True"' in listing
    form = editor_client.get(f"/admin/paths/path/{path.pk}/change/").content.decode()
    assert "Это пример из начального наполнения" in form
    own = Path.objects.create(title="Свой путь", status="published")
    own_form = editor_client.get(f"/admin/paths/path/{own.pk}/change/").content.decode()
    assert "Это пример" not in own_form


def test_a_broken_paths_file_is_a_clear_error(tmp_path: FilePath):
    from kb.paths.seed import read_seed_paths

    (tmp_path / "paths.yaml").write_text("- key: x\n  title: Без записей\n", encoding="utf-8")
    with pytest.raises(SeedError, match="each path needs a key, a title and entries"):
        read_seed_paths(tmp_path)
    (tmp_path / "paths.yaml").write_text("- key: [\n", encoding="utf-8")
    with pytest.raises(SeedError, match=r"paths\.yaml"):
        read_seed_paths(tmp_path)
    assert read_seed_paths(tmp_path / "nowhere") == []


def test_a_read_mark_can_be_undone(client, django_user_model):
    seed()
    reader = django_user_model.objects.create_user("reader", password="pass-reader-123")
    entry = Entry.objects.get(seed_key="obeshat-menshe-delat-bolshe")
    mark_read(user=reader, entry=entry)
    client.force_login(reader)
    page = f"{entry.get_absolute_url()}?path=pervaya-nedelya"
    html = client.get(page).content.decode()
    assert "Отметить непрочитанным" in html
    response = client.post(f"/read/{entry.pk}/undo/", {"next": page})
    assert response.status_code == 303 and response.url == page
    assert not ReadMark.objects.filter(user=reader).exists()
    assert "Отметить прочитанным" in client.get(page).content.decode()
    # Undoing twice, or an entry never marked, is no error; nor is a missing entry a 500.
    assert client.post(f"/read/{entry.pk}/undo/").status_code == 303
    assert client.post("/read/999999/undo/").status_code == 404
    assert client.get(f"/read/{entry.pk}/undo/").status_code == 405


def test_undoing_a_read_mark_needs_a_reader(client):
    seed()
    entry = Entry.objects.get(seed_key="obeshat-menshe-delat-bolshe")
    response = client.post(f"/read/{entry.pk}/undo/")
    assert response.status_code == 302 and "/accounts/login/" in response.url
