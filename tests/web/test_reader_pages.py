"""Pages for signed-in readers: made once for all of them, each with their own parts.

Run on local memory and, in CI, on Redis (CACHE_URL): see .ci/run.
"""

import logging
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kb import search
from kb.content.models import Entry, Kind, Status
from kb.misslog.models import SearchRecord
from kb.paths.models import ReadMark
from kb.paths.services import mark_read
from kb.web import personal, viewcounts
from tests.factories import make_entry, make_path

pytestmark = pytest.mark.django_db


def reader(username: str, **fields) -> tuple[User, Client]:
    user = User.objects.create_user(username, first_name=username.capitalize(), **fields)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return user, client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def silently_retitle(entry: Entry, title: str) -> None:
    """Change the title without the signals that mark cached pages stale: a page that still
    shows the old title afterwards came from the cache."""
    Entry.objects.filter(pk=entry.pk).update(title=title)


def csrf_token(html: str, action: str) -> str:
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
    assert form, action
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form[1])[1]


@pytest.fixture
def entry() -> Entry:
    entry = make_entry(Kind.SITUATION, title="Клиент кричит", steps=["Выслушать"])
    search.index_entries([entry.pk])
    return entry


def test_readers_share_one_page_each_with_their_own_name_and_read_mark(entry):
    path = make_path(entry, title="Первая неделя")
    url = f"{entry.get_absolute_url()}?path={path.slug}"
    anna, anna_client = reader("anna")
    _, boris_client = reader("boris")
    mark_read(user=anna, entry=entry)

    first = page(anna_client, url)
    silently_retitle(entry, "Другой заголовок")
    second = page(boris_client, url)

    assert "Клиент кричит" in second  # Boris got the page made for Anna's request
    assert "Anna" in first and "Boris" not in first
    assert "Boris" in second and "Anna" not in second
    assert "read-state--read" in first and "read-state--read" not in second
    assert reverse("paths:mark_read", args=[entry.pk]) in second  # his own button
    for html in (first, second):
        assert "<!--personal" not in html
        assert reverse("paths:changes") in html  # "What changed", for the signed-in

    entry.refresh_from_db()
    entry.title = "Клиент кричит в трубку"
    entry.save()  # an edit: the next request of any reader gets the new page
    assert "Клиент кричит в трубку" in page(boris_client, entry.get_absolute_url())


@pytest.mark.parametrize(
    ("url_name", "template"),
    [
        ("kb:home", "kb/home.html"),
        ("kb:situation_list", "kb/entry_list.html"),
        ("kb:tag_list", "kb/tag_list.html"),
        ("kb:search", "kb/search.html"),
    ],
)
def test_home_lists_and_search_are_made_once_for_every_reader(entry, url_name, template):
    url = reverse(url_name) + ("?q=кричит" if url_name == "kb:search" else "")
    _, anna_client = reader("anna")
    _, boris_client = reader("boris")
    first = anna_client.get(url)
    second = boris_client.get(url)
    assert template in [t.name for t in first.templates]
    assert template not in [t.name for t in second.templates]  # not made again for Boris
    # The same page apart from whose it is.
    assert text(first.content.decode()).replace("Anna", "…") == text(
        second.content.decode()
    ).replace("Boris", "…")
    assert "Boris" in second.content.decode() and "Anna" not in second.content.decode()


def test_forms_on_a_shared_page_carry_each_readers_own_csrf_token(entry):
    url = f"{entry.get_absolute_url()}?path={make_path(entry).slug}"
    _, anna_client = reader("anna")
    boris, boris_client = reader("boris")
    page(anna_client, url)
    html = page(boris_client, url)  # from the cache

    mark_url = reverse("paths:mark_read", args=[entry.pk])
    response = boris_client.post(mark_url, {"csrfmiddlewaretoken": csrf_token(html, mark_url)})
    assert response.status_code == 303
    assert ReadMark.objects.filter(user=boris, entry=entry).exists()
    # His mark shows at once, on the shared page too; Anna's page has none.
    assert "read-state--read" in page(boris_client, entry.get_absolute_url())
    assert "read-state--read" not in page(anna_client, entry.get_absolute_url())

    logout_url = reverse("logout")
    html = page(boris_client, url)
    token = csrf_token(html, logout_url)
    assert boris_client.post(logout_url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert "Boris" not in page(boris_client, entry.get_absolute_url())


def test_editors_and_readers_with_rights_get_pages_of_their_own(entry, editor_client):
    draft = make_entry(Kind.SITUATION, title="Клиент кричит ночью", status=Status.DRAFT)
    search.index_entries([draft.pk])
    url = reverse("kb:search") + "?q=кричит"
    able, able_client = reader("vera")
    able.user_permissions.add(Permission.objects.get(codename="view_entry"))
    _, anna_client = reader("anna")

    assert "Клиент кричит ночью" in page(editor_client, url)
    assert "Клиент кричит ночью" in page(able_client, url)  # not the readers' page
    assert "Клиент кричит ночью" not in page(anna_client, url)
    assert "Клиент кричит ночью" in page(able_client, url)  # nor the other way round
    assert "Клиент кричит ночью" in page(editor_client, url)


def test_pages_that_show_a_readers_progress_are_not_shared(entry):
    path = make_path(entry, title="Первая неделя")
    anna, anna_client = reader("anna")
    _, boris_client = reader("boris")
    mark_read(user=anna, entry=entry)
    assert "path-step--read" in page(anna_client, path.get_absolute_url())
    assert "path-step--read" not in page(boris_client, path.get_absolute_url())


def test_the_reading_bar_follows_the_path_in_the_address(entry):
    path = make_path(make_entry(), entry, title="Первая неделя")
    _, anna_client = reader("anna")
    _, boris_client = reader("boris")
    url = f"{entry.get_absolute_url()}?path={path.slug}"
    page(anna_client, url)
    html = page(boris_client, url)
    assert "reading-bar" in html and "Первая неделя" in html
    assert "reading-bar" not in page(boris_client, entry.get_absolute_url())


def test_pages_for_signed_in_readers_are_private_and_anonymous_ones_are_not(client, entry):
    _, anna_client = reader("anna")
    assert "private" in anna_client.get(entry.get_absolute_url())["Cache-Control"]
    assert "private" not in client.get(entry.get_absolute_url()).get("Cache-Control", "")


def test_sign_in_mode_serves_every_reader_the_shared_page(entry, settings):
    settings.PRAVILA_LOGIN_REQUIRED = True
    _, anna_client = reader("anna")
    _, boris_client = reader("boris")
    page(anna_client, entry.get_absolute_url())
    silently_retitle(entry, "Другой заголовок")
    assert "Клиент кричит" in page(boris_client, entry.get_absolute_url())
    assert Client().get(entry.get_absolute_url()).status_code == 302  # still signed-in only


def test_views_and_searches_count_on_shared_pages(entry):
    _, anna_client = reader("anna")
    _, boris_client = reader("boris")
    for client in (anna_client, boris_client):
        page(client, entry.get_absolute_url())
    assert viewcounts.pending_views([entry.pk]) == {entry.pk: 2}

    url = reverse("kb:search") + "?q=кричит"
    first, second = page(anna_client, url), page(boris_client, url)
    keys = list(SearchRecord.objects.values_list("key", flat=True))
    assert len(keys) == 2 and keys[0] != keys[1]
    assert str(keys[0]) in first + second and str(keys[1]) in first + second


def test_the_api_is_shared_by_readers(entry):
    _, anna_client = reader("anna")
    _, boris_client = reader("boris")
    url = "/api/v1/search/?q=кричит"
    anna_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        titles = [hit["title"] for hit in boris_client.get(url).json()["results"]]
    assert titles == ["Клиент кричит"]
    assert not [q for q in queries.captured_queries if "kb_search" in q["sql"]]


def test_a_part_that_fails_leaves_its_place_empty(entry, monkeypatch, caplog):
    def fail(request, argument):
        raise RuntimeError("boom")

    monkeypatch.setitem(personal.PARTS, "account", fail)
    _, anna_client = reader("anna")
    with caplog.at_level(logging.ERROR, logger="kb.web.personal"):
        html = page(anna_client, entry.get_absolute_url())
    assert "Клиент кричит" in html and "Anna" not in html and "<!--personal" not in html
    assert "Could not render the personal part" in caplog.text


def test_text_in_content_cannot_pose_as_a_personal_part(entry):
    request = RequestFactory().get("/")
    forged = b"<!--personal 0123456789abcdef account -->"
    assert personal.fill(request, forged) == forged
    with pytest.raises(ValueError):
        personal.marker("account", "x --><script>")
    with pytest.raises(ValueError):
        personal.marker("no-such-part")


def test_the_account_part_follows_the_language_and_the_readers_rights(entry, editor_client):
    _, anna_client = reader("anna")
    assert "Вы вошли как Anna" in page(anna_client, "/")
    assert "Signed in as Anna" in page(anna_client, "/en/")
    assert "Вы вошли как Anna" in page(anna_client, "/")
    assert reverse("admin:index") not in page(anna_client, "/")
    assert reverse("admin:index") in page(editor_client, "/")
