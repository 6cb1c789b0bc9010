"""Reading paths on the site, and read marks: pages, progress, the one-tap mark and «Дальше»."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kb.content.models import Kind, Status
from kb.paths.models import ReadMark
from tests.factories import make_entry, make_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    return [
        make_entry(Kind.PRINCIPLE, title="Доверие", summary="Без доверия нет работы."),
        make_entry(Kind.RULE, title="Обещать меньше, делать больше", number=1),
        make_entry(Kind.SITUATION, title="Клиент кричит", steps=["Выслушать"]),
    ]


@pytest.fixture
def path(entries):
    return make_path(
        *entries,
        title="Первая неделя в поддержке",
        intro="Что прочитать в первую неделю.",
        notes={2: "Это правило спрашивают на аттестации."},
    )


@pytest.fixture
def reader(db) -> User:
    return User.objects.create_user("novichok", password="pass-novichok-123", is_staff=True)


@pytest.fixture
def reader_client(reader) -> Client:
    client = Client()
    client.force_login(reader)
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def titles_in_order(html: str) -> list[str]:
    return re.findall(r'class="path-step__title"><a href="[^"]+">([^<]+)</a>', html)


def mark(client, entry, **data):
    return client.post(reverse("paths:mark_read", args=[entry.pk]), data)


class TestPages:
    def test_the_list_shows_published_paths_to_staff_and_drafts_to_editors(
        self, client, editor_client, path
    ):
        make_path(title="Черновик пути", status=Status.DRAFT)
        html = page(client, reverse("paths:path_list"))
        assert "Первая неделя в поддержке" in html and "Черновик пути" not in html
        assert "3 записи" in html
        assert 'aria-current="page">Пути чтения' in html
        assert "Черновик пути" in page(editor_client, reverse("paths:path_list"))

    def test_a_path_lists_its_entries_in_order_with_the_leads_notes(self, client, path, entries):
        html = page(client, path.get_absolute_url())
        assert titles_in_order(html) == [str(e) for e in entries]
        assert "Что прочитать в первую неделю." in html
        assert "Заметка руководителя:</strong> Это правило спрашивают на аттестации." in html
        assert f'href="{entries[0].get_absolute_url()}?path={path.slug}"' in html

    def test_staff_do_not_see_draft_entries_on_a_path_and_editors_do(
        self, client, editor_client, path, entries
    ):
        entries[1].status = Status.DRAFT
        entries[1].save()
        assert str(entries[1]) not in titles_in_order(page(client, path.get_absolute_url()))
        assert str(entries[1]) in titles_in_order(page(editor_client, path.get_absolute_url()))

    def test_a_draft_path_is_not_found_for_staff_and_previewed_by_editors(
        self, client, reader_client, editor_client, entries
    ):
        draft = make_path(*entries, status=Status.DRAFT)
        for someone in (client, reader_client):
            assert someone.get(draft.get_absolute_url()).status_code == 404
            assert someone.get(draft.get_short_url()).status_code == 404
        assert "Черновик: сотрудники пока не видят этот путь." in page(
            editor_client, draft.get_absolute_url()
        )

    def test_the_short_link_redirects_to_the_current_address(self, client, path):
        assert path.get_short_url() == f"/p/{path.pk}/"
        response = client.get(path.get_short_url())
        assert response.status_code == 302
        assert response["Location"] == path.get_absolute_url()
        path.slug = "pervaya-nedelya"
        path.save()
        assert client.get(path.get_short_url())["Location"] == "/paths/pervaya-nedelya/"
        assert client.get("/p/999999/").status_code == 404
        assert client.get(f"/p/{10**30}/").status_code == 404
        assert client.post(path.get_short_url()).status_code == 405

    def test_without_sign_in_the_path_is_readable_and_marks_are_offered_as_sign_in(
        self, client, path, entries
    ):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path.get_absolute_url())
        html = response.content.decode()
        assert titles_in_order(html) == [str(e) for e in entries]
        login = f'href="/accounts/login/?next=/paths/{path.slug}/"'
        assert f"{login}>Войдите, чтобы отмечать прочитанное</a>" in html
        assert "Прочитано" not in html and "<progress" not in html
        assert "sessionid" not in response.cookies
        # Reading never writes, so the page stays cacheable.
        assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)

    def test_the_number_of_queries_does_not_grow_with_the_path(
        self, reader_client, reader, entries
    ):
        short = make_path(*entries)
        more = [make_entry(Kind.CASE) for _ in range(6)]
        long = make_path(*entries, *more)
        for entry in [*entries, *more]:
            ReadMark.objects.create(user=reader, entry=entry, version=1, read_at=entry.updated_at)
        counts = []
        reader_client.get("/")  # the reader's profile (kb/web/personal.py) is made once, here
        for some_path in (short, long):
            with CaptureQueriesContext(connection) as queries:
                reader_client.get(some_path.get_absolute_url())
            counts.append(len(queries))
        assert counts[0] == counts[1]


class TestReading:
    def test_an_entry_opened_from_a_path_shows_its_place_the_note_and_next(
        self, client, path, entries
    ):
        html = page(client, f"{entries[1].get_absolute_url()}?path={path.slug}")
        assert "Первая неделя в поддержке" in html and "запись 2 из 3" in html
        assert "Это правило спрашивают на аттестации." in html
        next_url = f"{entries[2].get_absolute_url()}?path={path.slug}"
        assert f'href="{next_url}" rel="next">Дальше' in html
        assert "Войдите, чтобы отмечать прочитанное" in html
        assert "Отметить прочитанным" not in html

    def test_an_entry_opened_otherwise_shows_no_path(self, client, reader_client, path, entries):
        for url in (
            entries[1].get_absolute_url(),
            f"{entries[1].get_absolute_url()}?path=no-such-path",
            f"{entries[1].get_absolute_url()}?path={make_path(entries[0]).slug}",  # not on it
        ):
            for someone in (client, reader_client):
                html = page(someone, url)
                assert "reading-bar" not in html and "Дальше" not in html

    def test_one_tap_marks_an_entry_read_and_the_path_shows_progress(
        self, reader_client, reader, path, entries
    ):
        entry_url = f"{entries[0].get_absolute_url()}?path={path.slug}"
        html = page(reader_client, entry_url)
        assert "Отметить прочитанным" in html
        response = mark(
            reader_client, entries[0], version=entries[0].version, next=f"{entry_url}#reading"
        )
        assert response.status_code == 303
        assert response["Location"] == f"{entry_url}#reading"
        read = ReadMark.objects.get(user=reader, entry=entries[0])
        assert read.version == entries[0].version

        html = page(reader_client, entry_url)
        assert "Отметить прочитанным" not in html and ">Прочитано</p>" in html
        html = page(reader_client, path.get_absolute_url())
        assert "Прочитано 1 из 3" in html
        assert '<progress id="path-progress-bar" max="3" value="1">' in html
        assert f'href="{entries[1].get_absolute_url()}?path={path.slug}">Продолжить' in html
        assert html.count("не прочитано") == 2

    def test_the_last_entry_leads_back_to_the_path_which_says_it_was_read(
        self, reader_client, path, entries
    ):
        for entry in entries:
            mark(reader_client, entry)
        html = page(reader_client, f"{entries[2].get_absolute_url()}?path={path.slug}")
        assert f'href="{path.get_absolute_url()}">Вернуться к пути' in html
        assert "Дальше" not in html
        html = page(reader_client, path.get_absolute_url())
        assert "Прочитано 3 из 3" in html and "Вы прочитали весь путь." in html
        assert "все прочитаны" in page(reader_client, reverse("paths:path_list"))

    def test_marking_read_needs_a_post_by_someone_signed_in(self, client, reader_client, entries):
        response = mark(client, entries[0])
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
        assert (
            reader_client.get(reverse("paths:mark_read", args=[entries[0].pk])).status_code == 405
        )
        assert not ReadMark.objects.exists()

    def test_drafts_and_missing_entries_cannot_be_marked(self, reader_client, entries):
        entries[0].status = Status.DRAFT
        entries[0].save()
        assert mark(reader_client, entries[0]).status_code == 404
        assert reader_client.post(reverse("paths:mark_read", args=[999999])).status_code == 404
        assert reader_client.post(f"/read/{10**30}/").status_code == 404
        assert not ReadMark.objects.exists()

    @pytest.mark.parametrize(
        ("posted", "kept"), [("1", 1), ("", 3), ("abc", 3), ("0", 3), ("4", 3), ("9" * 30, 3)]
    )
    def test_a_mark_keeps_the_version_the_page_showed(
        self, reader_client, reader, entries, posted, kept
    ):
        entry = entries[0]
        for title in ("Доверие клиента", "Доверие клиентов"):
            entry.title = title
            entry.save()
        assert entry.version == 3
        assert mark(reader_client, entry, version=posted).status_code == 303
        assert ReadMark.objects.get(user=reader, entry=entry).version == kept

    def test_reading_again_moves_the_one_mark_on(self, reader_client, reader, entries):
        mark(reader_client, entries[0], version=1)
        entries[0].save()
        mark(reader_client, entries[0], version=2)
        assert list(ReadMark.objects.values_list("version", flat=True)) == [2]

    @pytest.mark.parametrize(
        "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
    )
    def test_after_marking_the_reader_stays_on_this_site(self, reader_client, entries, target):
        response = mark(reader_client, entries[0], next=target)
        assert response["Location"] == entries[0].get_absolute_url()

    def test_staff_see_only_their_own_marks(self, reader_client, path, entries):
        colleague = User.objects.create_user("kollega")
        ReadMark.objects.create(
            user=colleague, entry=entries[0], version=1, read_at=path.created_at
        )
        html = page(reader_client, path.get_absolute_url())
        assert "Прочитано 0 из 3" in html
        assert html.count("не прочитано") == 3
