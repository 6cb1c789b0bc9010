"""Paths in the admin: composing them, their history, and the leads' view with its CSV."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from reversion.models import Version

from kb.content.history import HistoryError
from kb.content.models import Entry, Kind, Status
from kb.paths import history
from kb.paths.models import Path, PathEntry, ReadMark
from kb.paths.services import mark_read, record_significant_change
from tests.factories import make_entry, make_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    return [make_entry(Kind.SITUATION, title=f"Ситуация {n}") for n in range(1, 4)]


def inline_data(items: list[tuple[int, str]], initial: list[PathEntry] = ()) -> dict[str, str]:
    data = {
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(initial)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for n, (entry_id, note) in enumerate(items):
        data[f"items-{n}-entry"] = str(entry_id)
        data[f"items-{n}-note"] = note
        data[f"items-{n}-position"] = str(n + 1)
        data[f"items-{n}-path"] = str(initial[n].path_id) if n < len(initial) else ""
        data[f"items-{n}-id"] = str(initial[n].pk) if n < len(initial) else ""
    return data


def save_path(client, path: Path | None, items: list[tuple[int, str]], **fields) -> Path:
    data = {"title": "Первая неделя", "slug": "", "intro": "", "status": "published", **fields}
    initial = list(path.items.order_by("position")) if path else []
    data.update(inline_data(items, initial))
    url = (
        reverse("admin:paths_path_change", args=[path.pk])
        if path
        else reverse("admin:paths_path_add")
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors or [
        f.errors for f in response.context["inline_admin_formsets"][0].formset.forms
    ]
    return Path.objects.get(title=data["title"])


def order(path: Path) -> list[str]:
    return [item.entry.title for item in path.items.select_related("entry")]


def test_an_editor_composes_a_path_with_notes_and_reorders_it(editor_client, entries):
    one, two, three = entries
    path = save_path(
        editor_client, None, [(one.pk, "Начните с этого"), (two.pk, ""), (three.pk, "")]
    )
    assert path.slug == "pervaya-nedelya"
    assert order(path) == ["Ситуация 1", "Ситуация 2", "Ситуация 3"]
    assert path.items.first().note == "Начните с этого"
    # Dragging sets positions; the form posts the items in their new order.
    save_path(editor_client, path, [(three.pk, ""), (one.pk, "Начните с этого"), (two.pk, "")])
    assert order(path) == ["Ситуация 3", "Ситуация 1", "Ситуация 2"]


def test_an_entry_cannot_be_on_a_path_twice(editor_client, entries):
    data = {"title": "Дубли", "slug": "", "intro": "", "status": "draft"}
    data.update(inline_data([(entries[0].pk, ""), (entries[0].pk, "")]))
    response = editor_client.post(reverse("admin:paths_path_add"), data)
    assert response.status_code == 200
    assert not Path.objects.exists()


def test_the_change_form_links_to_the_readers_progress(editor_client, entries):
    path = make_path(*entries)
    html = editor_client.get(reverse("admin:paths_path_change", args=[path.pk])).content.decode()
    assert reverse("admin:paths_path_progress", args=[path.pk]) in html
    assert "Кто читает" in html


class TestLeadsView:
    @pytest.fixture
    def path(self, entries):
        return make_path(*entries, title="Первая неделя")

    @pytest.fixture
    def readers(self, entries):
        anna = User.objects.create_user("anna", first_name="Анна", last_name="Петрова")
        boris = User.objects.create_user("boris")
        vera = User.objects.create_user("=vera")  # a name a spreadsheet would run
        for entry in entries:
            mark_read(user=anna, entry=entry)
        mark_read(user=boris, entry=entries[0])
        mark_read(user=vera, entry=entries[1])
        entries[1].title = "Ситуация 2, новая"
        entries[1].save()
        record_significant_change(entry=entries[1])
        return anna, boris, vera

    def test_who_started_how_far_each_got_and_who_has_changes_to_read(
        self, editor_client, path, readers
    ):
        response = editor_client.get(reverse("admin:paths_path_progress", args=[path.pk]))
        assert response.status_code == 200
        readership = response.context["readership"]
        progress = {
            r.user.get_username(): (r.read, r.total, r.finished) for r in readership.readers
        }
        assert progress == {"anna": (2, 3, False), "boris": (1, 3, False), "=vera": (0, 3, False)}
        changed = {r.user.get_username(): [e.title for e in r.changed] for r in readership.readers}
        assert changed == {
            "anna": ["Ситуация 2, новая"],
            "boris": [],
            "=vera": ["Ситуация 2, новая"],
        }
        html = response.content.decode()
        assert "Анна Петрова" in html and "2 из 3 (67%)" in html
        assert "3 человека начали его" in html

    def test_the_leads_view_as_csv(self, editor_client, path, readers):
        response = editor_client.get(reverse("admin:paths_path_progress_csv", args=[path.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f'filename="path-{path.slug}-readers.csv"' in response["Content-Disposition"]
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        assert len(rows) == 4
        by_name = {row[0]: row for row in rows[1:]}
        assert by_name["anna"][1:6] == ["Анна Петрова", "2", "3", "67", "нет"]
        assert by_name["anna"][8] == "Ситуация 2, новая"
        assert "'=vera" in by_name  # not a formula

    def test_a_finished_reader_and_an_empty_path(self, editor_client, path, entries):
        reader = User.objects.create_user("done")
        for entry in entries:
            mark_read(user=reader, entry=entry)
        html = editor_client.get(reverse("admin:paths_path_progress", args=[path.pk])).content
        assert "3 из 3 (100%)" in html.decode() and "прочитал до конца" in html.decode()
        empty = make_path(title="Пустой")
        html = editor_client.get(reverse("admin:paths_path_progress", args=[empty.pk])).content
        assert "Этот путь ещё никто не начал." in html.decode()

    def test_drafts_do_not_count_towards_progress(self, editor_client, path, entries, readers):
        entries[2].status = Status.DRAFT
        entries[2].save()
        response = editor_client.get(reverse("admin:paths_path_progress", args=[path.pk]))
        anna = next(r for r in response.context["readership"].readers if r.user.username == "anna")
        assert (anna.read, anna.total) == (1, 2)

    def test_only_editors_see_the_leads_view(self, client, path, readers):
        staff = User.objects.create_user("staff", is_staff=True)
        client.force_login(staff)
        for name in ("progress", "progress_csv"):
            url = reverse(f"admin:paths_path_{name}", args=[path.pk])
            assert client.get(url).status_code == 403
        assert client.get(reverse("admin:paths_path_progress", args=[999999])).status_code in (
            403,
            404,
        )

    def test_the_editors_group_may_compose_paths(self):
        codenames = set(
            Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
        )
        for model in ("path", "pathentry"):
            for action in ("add", "change", "delete", "view"):
                assert f"{action}_{model}" in codenames


class TestHistory:
    def versions(self, path: Path) -> list[Version]:
        return list(history.versions_of(path.pk))

    def test_an_edit_is_recorded_and_an_older_version_restored(self, editor_client, entries):
        one, two, three = entries
        path = save_path(editor_client, None, [(one.pk, "сначала"), (two.pk, "")])
        save_path(editor_client, path, [(two.pk, ""), (three.pk, "")], intro="Новое введение")
        _latest, first = self.versions(path)
        assert history.PathSnapshot.of_version(first).items == ((one.pk, "сначала"), (two.pk, ""))

        url = reverse("admin:paths_path_revision", args=[path.pk, first.pk])
        html = editor_client.get(url).content.decode()
        assert "<del>Новое введение</del>" in html
        assert "Восстановить эту версию" in html
        response = editor_client.post(url)
        assert response.status_code == 302
        assert order(path) == ["Ситуация 1", "Ситуация 2"]
        path.refresh_from_db()
        assert path.intro == "" and path.items.first().note == "сначала"
        assert len(self.versions(path)) == 3  # the restore is a version too

    def test_a_restore_leaves_out_entries_deleted_since(self, editor_client, entries):
        path = save_path(editor_client, None, [(e.pk, "") for e in entries])
        save_path(editor_client, path, [(entries[0].pk, "")])
        first = self.versions(path)[-1]
        Entry.objects.filter(pk=entries[1].pk).delete()
        url = reverse("admin:paths_path_revision", args=[path.pk, first.pk])
        assert "(удалена)" in editor_client.get(url).content.decode()
        assert editor_client.post(url).status_code == 302
        assert order(path) == ["Ситуация 1", "Ситуация 3"]

    def test_a_restore_to_an_address_another_path_took_is_refused(self, editor_client, entries):
        path = save_path(editor_client, None, [(entries[0].pk, "")], slug="nedelya")
        save_path(editor_client, path, [(entries[0].pk, "")], slug="pervaya")
        make_path(title="Другой", slug="nedelya")
        with pytest.raises(HistoryError):
            history.restore_path(version=self.versions(path)[-1], user=None)
        url = reverse("admin:paths_path_revision", args=[path.pk, self.versions(path)[-1].pk])
        response = editor_client.post(url, follow=True)
        assert "уже использует адрес" in response.content.decode()

    def test_a_deleted_path_can_be_recovered_with_its_entries(self, editor_client, entries):
        path = make_path(*entries, title="Удаляемый")  # never saved in the admin
        pk = path.pk
        response = editor_client.post(
            reverse("admin:paths_path_delete", args=[pk]), {"post": "yes"}
        )
        assert response.status_code == 302 and not Path.objects.exists()
        deleted = Version.objects.get_deleted(Path).get()
        assert (
            "Удаляемый"
            in editor_client.get(reverse("admin:paths_path_recoverlist")).content.decode()
        )
        url = reverse("admin:paths_path_recover", args=[deleted.pk])
        assert "Вернуть этот путь" in editor_client.get(url).content.decode()
        assert editor_client.post(url).status_code == 302
        recovered = Path.objects.get(pk=pk)
        assert order(recovered) == ["Ситуация 1", "Ситуация 2", "Ситуация 3"]

    def test_publish_and_unpublish_actions(self, editor_client, entries):
        path = make_path(*entries, status=Status.DRAFT)
        changelist = reverse("admin:paths_path_changelist")
        editor_client.post(changelist, {"action": "publish", "_selected_action": [path.pk]})
        path.refresh_from_db()
        assert path.status == Status.PUBLISHED
        editor_client.post(changelist, {"action": "unpublish", "_selected_action": [path.pk]})
        path.refresh_from_db()
        assert path.status == Status.DRAFT
        assert len(self.versions(path)) == 2


def test_read_marks_go_with_their_entry(entries):
    reader = User.objects.create_user("reader")
    mark_read(user=reader, entry=entries[0])
    path = make_path(*entries)
    entries[0].delete()
    assert not ReadMark.objects.exists()
    assert path.items.count() == 2
