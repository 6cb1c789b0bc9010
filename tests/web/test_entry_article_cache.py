"""An entry's article is kept in the cache by the entry's version and the generations of what
it shows (EntryDetailView.article): pages not in the page cache, an editor's above all, cost
the entry's row and the frame, and nothing they show is ever stale (issue 21)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb.content.models import Kind, Response, Source, Tag
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

ARTICLE = re.compile(r"<article class=\"entry .*?</article>", re.S)


@pytest.fixture
def situation():
    rule = make_entry(Kind.RULE, title="Правило о сроках", number=1)
    case = make_entry(Kind.CASE, title="Случай с поставкой")
    entry = make_entry(
        Kind.SITUATION,
        title="Клиент торопит",
        tags=["сроки"],
        steps=["Назовите срок.", "Запишите договорённость."],
        source=Source.objects.create(title="Статья о сроках"),
    )
    entry.basis.add(rule)
    entry.examples.add(case)
    return entry


def fetch(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def article(html: str) -> str:
    found = ARTICLE.search(html)
    assert found, "no article on the page"
    return found[0]


def test_an_editors_entry_page_costs_its_row_once_the_article_is_cached(editor_client, situation):
    first, first_queries = fetch(editor_client, situation.get_absolute_url())
    again, queries = fetch(editor_client, situation.get_absolute_url())
    assert article(again) == article(first)
    # The session, the user (and the editor's rights), the entry's row: none of the article's
    # tags, steps, sources and links.
    assert queries <= first_queries - 7
    for shown in ("Правило о сроках", "Случай с поставкой", "Назовите срок.", "Статья о сроках"):
        assert shown in again
    assert 'class="edit-link' in again  # the editor's own link is still there


def test_the_cached_article_follows_every_change_it_shows(editor_client, client, situation):
    url = situation.get_absolute_url()
    for reader in (editor_client, client):
        fetch(reader, url)
    rule = situation.basis.get()
    rule.title = "Правило о сроках, исправленное"
    rule.save()
    step = Response.objects.filter(situation=situation).first()
    step.text = "Назовите точный срок."
    step.save()
    tag = Tag.objects.get(name="сроки")
    tag.name = "сроки и обещания"
    tag.save()
    for reader in (editor_client, client):
        html, _ = fetch(reader, url)
        assert "исправленное" in html
        assert "Назовите точный срок." in html
        assert "сроки и обещания" in html


def test_an_editor_sees_a_draft_of_the_entry_at_once(editor_client, situation):
    url = situation.get_absolute_url()
    fetch(editor_client, url)
    situation.refresh_from_db()
    situation.status = "draft"
    situation.summary = "Новое краткое описание."
    situation.save()
    html, _ = fetch(editor_client, url)
    assert "Новое краткое описание." in article(html)
    assert "draft-banner" in html


def test_a_vote_without_javascript_shows_its_thanks_under_the_step(client, situation):
    url = situation.get_absolute_url()
    fetch(client, url)  # the article without thanks is cached now
    anchor = Response.objects.filter(situation=situation).first().anchor
    html, _ = fetch(client, f"{url}?voted={anchor}&helped=yes")
    assert 'name="helped" value="yes"' in html
    plain, _ = fetch(client, url)
    assert article(plain) != article(html)


def test_the_print_view_and_the_page_are_kept_apart(client, situation):
    url = situation.get_absolute_url()
    page, _ = fetch(client, url)
    printed, _ = fetch(client, url + "?print=1")
    assert "print-toolbar" in printed
    assert "print-toolbar" not in page
    assert "print-toolbar" not in fetch(client, url)[0]
