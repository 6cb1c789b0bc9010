"""Outcome feedback per step: votes, comments, the same-origin check, flood limits, the admin."""

import datetime
import json
import re

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kb.content.models import Kind, Status
from kb.feedback.models import SituationFeedback, Vote
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
SAME_ORIGIN = {"HTTP_ORIGIN": ORIGIN, "HTTP_SEC_FETCH_SITE": "same-origin"}
JSON = {**SAME_ORIGIN, "HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def fresh_limits():
    """The site-wide count of new voters lives in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def situation():
    return make_entry(
        Kind.SITUATION,
        title="Клиент впал в истерику",
        steps=["Дайте клиенту выговориться", "Предложите изложить претензии письменно"],
    )


def vote_url(step) -> str:
    return reverse("feedback:vote", args=[step.pk])


def vote(client: Client, step, helped: str = "yes", comment: str = "", **headers):
    data = {"helped": helped}
    if comment:
        data["comment"] = comment
    return client.post(vote_url(step), data, **{**SAME_ORIGIN, **headers})


def test_a_vote_without_javascript_comes_back_to_the_step_with_thanks(client, situation):
    step = situation.responses.first()
    response = vote(client, step, "no")
    assert response.status_code == 303
    assert response["Location"] == (
        f"{situation.get_absolute_url()}?voted={step.anchor}&helped=no#{step.anchor}"
    )
    stored = Vote.objects.get()
    assert (stored.step, stored.helped, stored.comment, stored.user) == (step, False, "", None)

    page = client.get(response["Location"]).content.decode()
    step_html = re.search(rf'<li class="step" id="{step.anchor}">.*?</li>', page, re.S).group()
    assert "Спасибо: редакторы посмотрят этот шаг." in step_html
    assert "Что не сработало? (необязательно)" in step_html
    # The comment form is offered under this step only, carrying the answer already given.
    assert step_html.count("data-feedback-comment hidden") == 0
    assert '<input type="hidden" name="helped" value="no">' in step_html
    assert page.count("data-feedback-comment hidden") == situation.responses.count() - 1


def test_a_comment_after_the_vote_completes_the_same_vote(client, situation):
    step = situation.responses.first()
    vote(client, step, "no")
    response = vote(client, step, "no", "Клиент не дал выговориться, бросил трубку")
    assert response.status_code == 303
    assert response["Location"].endswith(f"&commented=1#{step.anchor}")
    stored = Vote.objects.get()
    assert stored.comment == "Клиент не дал выговориться, бросил трубку"
    assert not stored.helped
    page = client.get(response["Location"]).content.decode()
    assert "Спасибо: комментарий передан редакторам." in page

    # Changing one's mind changes the vote, and keeps the comment.
    vote(client, step, "yes")
    stored = Vote.objects.get()
    assert stored.helped
    assert stored.comment.startswith("Клиент не дал")


def test_a_vote_with_javascript_is_answered_in_json(client, situation):
    step = situation.responses.last()
    response = vote(client, step, "yes", **JSON)
    assert response.status_code == 200
    assert response.json() == {
        "message": "Спасибо! Рады, что шаг помог.",
        "helped": True,
        "commented": False,
    }
    response = vote(client, step, "yes", "  Сработало\x07 сразу\n ", **JSON)
    assert response.json()["message"] == "Спасибо: комментарий передан редакторам."
    assert Vote.objects.get().comment == "Сработало сразу"


def test_every_session_counts_once_per_step(situation):
    step = situation.responses.first()
    first, second = Client(), Client()
    vote(first, step, "yes")
    vote(first, step, "no")
    vote(second, step, "no")
    assert Vote.objects.filter(step=step).counts() == {
        "votes": 2,
        "helped": 0,
        "unhelpful": 2,
        "comments": 0,
    }


def test_reading_pages_starts_no_session_and_writes_no_vote(client, situation):
    step = situation.responses.first()
    for url in (
        situation.get_absolute_url(),
        f"{situation.get_absolute_url()}?voted={step.anchor}&helped=no",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0
    assert Vote.objects.count() == 0
    # A vote starts the session that its limits need.
    assert "sessionid" in vote(client, step).cookies
    assert Session.objects.count() == 1


def test_each_published_step_has_a_form_that_works_without_javascript(client, situation):
    html = client.get(situation.get_absolute_url()).content.decode()
    for number, step in enumerate(situation.responses.all(), start=1):
        assert f'<form class="step-feedback__vote" method="post" action="{vote_url(step)}"' in html
        assert f'aria-label="Помогло, шаг {number}"' in html
        assert f'aria-label="Не помогло, шаг {number}"' in html
    assert 'name="helped" value="yes"' in html and 'name="helped" value="no"' in html
    # No CSRF token: the page must stay cacheable (the origin check protects the POST).
    assert "csrfmiddlewaretoken" not in html.split('class="site-footer"')[0]
    draft = make_entry(Kind.SITUATION, status=Status.DRAFT, steps=["Шаг черновика"])
    editor = User.objects.create_superuser("chief", password="pass-chief-123")
    client.force_login(editor)
    assert "step-feedback" not in client.get(draft.get_absolute_url()).content.decode()
    assert (
        "step-feedback"
        not in client.get(situation.get_absolute_url() + "?print=1").content.decode()
    )


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "http://testserver.evil.example"},
        {"HTTP_ORIGIN": "https://testserver"},  # another scheme is another origin
        {"HTTP_ORIGIN": ORIGIN, "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": ORIGIN, "HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_REFERER": "http://testserver@evil.example/"},
        {"HTTP_ORIGIN": "https://evil.example", "HTTP_REFERER": f"{ORIGIN}/situations/"},
    ],
    ids=[
        "no-origin-no-referer",
        "other-origin",
        "opaque-origin",
        "lookalike-host",
        "other-scheme",
        "fetch-cross-site",
        "fetch-same-site",
        "other-referer",
        "referer-with-credentials",
        "other-origin-our-referer",
    ],
)
def test_a_post_from_another_site_is_refused(client, situation, headers):
    step = situation.responses.first()
    response = client.post(
        vote_url(step), {"helped": "no"}, HTTP_ACCEPT="application/json", **headers
    )
    assert response.status_code == 403
    assert response.json() == {"message": "Отзывы принимаются только со страниц этого сайта."}
    assert response["Cache-Control"] == "no-store"
    assert Vote.objects.count() == 0
    assert "sessionid" not in response.cookies


def test_a_refused_form_post_gets_a_page_in_the_site_layout(client, situation):
    response = client.post(vote_url(situation.responses.first()), {"helped": "no"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Ответ не принят</h1>" in html
    assert "Отзывы принимаются только со страниц этого сайта." in html


@pytest.mark.parametrize(
    "headers",
    [
        SAME_ORIGIN,
        {"HTTP_ORIGIN": ORIGIN},  # a browser without Sec-Fetch-* headers
        {"HTTP_REFERER": f"{ORIGIN}/situations/x/"},  # a browser that sends no Origin
        {"HTTP_ORIGIN": "https://kb.example.com", "HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_ORIGIN": "https://proxy.example.com"},
    ],
    ids=["origin-and-fetch-site", "origin", "referer", "base-url", "trusted-origin"],
)
@override_settings(
    PRAVILA_BASE_URL="https://kb.example.com",
    CSRF_TRUSTED_ORIGINS=["https://proxy.example.com", "https://*.example.org"],
)
def test_a_post_from_this_site_is_accepted(client, situation, headers):
    response = client.post(vote_url(situation.responses.first()), {"helped": "yes"}, **headers)
    assert response.status_code == 303
    assert Vote.objects.count() == 1


def test_a_wildcard_trusted_origin_is_not_taken_for_this_site(client, situation):
    with override_settings(CSRF_TRUSTED_ORIGINS=["https://*.example.org"]):
        response = vote(client, situation.responses.first(), HTTP_ORIGIN="https://*.example.org")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Укажите, помог ли шаг."),
        ({"helped": "maybe"}, "Укажите, помог ли шаг."),
        ({"helped": "yes", "comment": "ж" * 501}, "допустимая длина — 500"),
    ],
    ids=["no-answer", "odd-answer", "long-comment"],
)
def test_bad_input_gets_a_clear_answer_and_stores_nothing(client, situation, data, message):
    step = situation.responses.first()
    response = client.post(vote_url(step), data, **JSON)
    assert response.status_code == 400
    assert message in response.json()["message"]
    page = client.post(vote_url(step), data, **SAME_ORIGIN)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert step.get_absolute_url() in page.content.decode()  # a way back to the step
    assert Vote.objects.count() == 0


def test_unknown_steps_drafts_and_other_methods(client, situation):
    assert (
        client.post("/feedback/steps/999999/", {"helped": "yes"}, **SAME_ORIGIN).status_code == 404
    )
    draft = make_entry(Kind.SITUATION, status=Status.DRAFT, steps=["Шаг черновика"])
    assert vote(client, draft.responses.get()).status_code == 404
    assert client.get(vote_url(situation.responses.first())).status_code == 405
    assert Vote.objects.count() == 0


@override_settings(PRAVILA_FEEDBACK_VOTES_PER_SESSION=3)
def test_a_flood_from_one_session_gets_429(client):
    situation = make_entry(Kind.SITUATION, steps=[f"Шаг {n}" for n in range(1, 6)])
    steps = list(situation.responses.all())
    for step in steps[:3]:
        assert vote(client, step, **JSON).status_code == 200
    response = vote(client, steps[3], **JSON)
    assert response.status_code == 429
    assert response.json()["message"] == (
        "Слишком много голосов подряд. Попробуйте снова через 60 минут."
    )
    assert 3500 < int(response["Retry-After"]) <= 3601
    page = vote(client, steps[4])
    assert page.status_code == 429
    assert "Слишком много голосов подряд" in page.content.decode()
    assert Vote.objects.count() == 3
    # Another person is not held back by it.
    assert vote(Client(), steps[4]).status_code == 303


@override_settings(PRAVILA_FEEDBACK_NEW_VOTERS_PER_HOUR=3)
def test_a_flood_that_drops_its_cookies_gets_429(situation):
    step = situation.responses.first()
    for _ in range(3):
        assert vote(Client(), step, **JSON).status_code == 200  # a new session every time
    response = vote(Client(), step, **JSON)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "sessionid" not in response.cookies  # a refused vote starts no session
    assert Vote.objects.count() == 3


@override_settings(PRAVILA_LOGIN_REQUIRED=True)
def test_signed_in_people_have_one_vote_per_step_per_day(client, situation):
    person = User.objects.create_user("ivanova", password="pass-ivanova-123")
    client.force_login(person)
    step = situation.responses.first()
    vote(client, step, "yes")
    vote(client, step, "no", "Не подошло")
    # A new session (another device) the same day still changes the same vote.
    other_device = Client()
    other_device.force_login(person)
    vote(other_device, step, "yes")
    stored = Vote.objects.get()
    assert (stored.user, stored.helped, stored.comment) == (person, True, "Не подошло")

    # The same step on another day is another vote.
    Vote.objects.update(day=timezone.localdate() - datetime.timedelta(days=1))
    vote(client, step, "no")
    assert Vote.objects.filter(user=person).count() == 2

    # The database holds to it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(step=step, helped=True, user=person)


def test_the_user_is_not_kept_when_sign_in_is_off(editor_client, situation):
    vote(editor_client, situation.responses.first())
    assert Vote.objects.get().user is None


def test_votes_keep_no_personal_data(client, situation):
    vote(client, situation.responses.first(), "no", "Мешал шум", HTTP_USER_AGENT="Secret/1.0")
    fields = {field.name for field in Vote._meta.get_fields()}
    assert fields == {"id", "step", "helped", "comment", "user", "day", "created_at", "updated_at"}
    session = Session.objects.get().get_decoded()
    assert set(session) == {"feedback"}
    assert set(session["feedback"]) == {"votes", "sent"}
    assert "Secret" not in json.dumps(session)


def add_votes(situation, helped: int, unhelpful: int, comment: str = "") -> None:
    steps = list(situation.responses.all())
    for n in range(helped + unhelpful):
        Vote.objects.create(step=steps[n % len(steps)], helped=n < helped, comment=comment)


@override_settings(PRAVILA_FEEDBACK_MIN_VOTES=4, PRAVILA_FEEDBACK_UNHELPFUL_SHARE=0.5)
def test_needing_attention_takes_enough_votes_and_the_unhelpful_share():
    worst = make_entry(Kind.SITUATION, title="Хуже всех", steps=["А", "Б"])
    bad = make_entry(Kind.SITUATION, title="Плохо", steps=["А"])
    few = make_entry(Kind.SITUATION, title="Мало голосов", steps=["А"])
    fine = make_entry(Kind.SITUATION, title="Всё хорошо", steps=["А"])
    make_entry(Kind.SITUATION, title="Без голосов", steps=["А"])
    add_votes(worst, helped=1, unhelpful=5)
    add_votes(bad, helped=2, unhelpful=2)
    add_votes(few, helped=0, unhelpful=3)
    add_votes(fine, helped=8, unhelpful=2)
    listed = SituationFeedback.objects.needing_attention()
    assert [s.title for s in listed] == ["Хуже всех", "Плохо"]
    assert (listed[0].vote_count, listed[0].unhelpful_count) == (6, 5)


@override_settings(PRAVILA_FEEDBACK_MIN_VOTES=3, PRAVILA_FEEDBACK_UNHELPFUL_SHARE=0.5)
def test_editors_see_counts_and_the_needs_attention_list(editor_client):
    worst = make_entry(Kind.SITUATION, title="Клиент умер", steps=["Соболезнуйте", "Ждите"])
    fine = make_entry(Kind.SITUATION, title="Клиент впал в истерику", steps=["Слушайте"])
    add_votes(worst, helped=1, unhelpful=3, comment="Не помогло совсем")
    add_votes(fine, helped=5, unhelpful=0)
    changelist = reverse("admin:feedback_situationfeedback_changelist")

    html = editor_client.get(changelist).content.decode()
    assert "голосов за её шаги не меньше 3" in html
    assert html.index("Клиент умер") < html.index("Клиент впал в истерику")  # worst first
    assert '<td class="field-unhelpful_share_column">75 %</td>' in html
    assert '<td class="field-unhelpful_share_column">0 %</td>' in html

    attention = editor_client.get(changelist + "?attention=yes").content.decode()
    assert "Клиент умер" in attention and "Клиент впал в истерику" not in attention
    assert editor_client.get(changelist + "?attention=voted&q=умер").status_code == 200

    detail = editor_client.get(
        reverse("admin:feedback_situationfeedback_change", args=[worst.pk])
    ).content.decode()
    assert "Голосов: 4; помогло: 1; не помогло: 3 (75 %)." in detail
    first = worst.responses.first()
    # Per step: step 1 got votes 1 and 3 (helped, not), step 2 votes 2 and 4 (both not).
    assert re.search(
        rf"<td>1</td><td>Соболезнуйте</td><td>1</td><td>1</td><td>50 %</td>"
        rf'<td><a href="/admin/feedback/vote/\?step__id__exact={first.pk}">2</a></td>',
        detail,
    )
    assert re.search(r"<td>2</td><td>Ждите</td><td>0</td><td>2</td><td>100 %</td>", detail)
    assert reverse("admin:kb_situation_change", args=[worst.pk]) in detail


def test_editors_read_the_votes_and_may_delete_them_but_not_forge_them(editor_client):
    situation = make_entry(Kind.SITUATION, title="Клиент умер", steps=["Соболезнуйте"])
    add_votes(situation, helped=0, unhelpful=2, comment="Слишком сухо")
    add_votes(situation, helped=1, unhelpful=0)
    votes = reverse("admin:feedback_vote_changelist")
    step = situation.responses.get()
    for query in (
        "",
        "?has_comment=yes",
        f"?step__situation__id__exact={situation.pk}&has_comment=yes",
        f"?step__id__exact={step.pk}",
        "?helped__exact=0&q=сухо",
    ):
        response = editor_client.get(votes + query)
        assert response.status_code == 200, query
        assert "Слишком сухо" in response.content.decode()
    no_comment = editor_client.get(votes + "?has_comment=no").content.decode()
    assert "Слишком сухо" not in no_comment

    vote_obj = Vote.objects.filter(comment="Слишком сухо").first()
    assert (
        editor_client.get(reverse("admin:feedback_vote_change", args=[vote_obj.pk])).status_code
        == 200
    )
    assert editor_client.get(reverse("admin:feedback_vote_add")).status_code == 403
    response = editor_client.post(
        reverse("admin:feedback_vote_delete", args=[vote_obj.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert Vote.objects.count() == 2
    assert editor_client.get(reverse("admin:feedback_situationfeedback_add")).status_code == 403


def test_staff_without_the_editors_group_see_no_feedback(client):
    staff = User.objects.create_user("reader", password="pass-reader-123", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:feedback_vote_changelist")).status_code == 403


def test_the_feedback_list_shows_situations_with_votes_unless_asked_for_all(editor_client):
    """Its size and cost follow the votes, not the situations (issue 21)."""
    voted = make_entry(Kind.SITUATION, title="Клиент умер", steps=["Соболезнуйте"])
    make_entry(Kind.SITUATION, title="Клиент торопит", steps=["Назовите срок"])
    add_votes(voted, helped=1, unhelpful=0)
    changelist = reverse("admin:feedback_situationfeedback_changelist")
    html = editor_client.get(changelist).content.decode()
    assert "Клиент умер" in html and "Клиент торопит" not in html
    assert "Есть голоса" in html  # the default choice says what is shown
    every = editor_client.get(changelist + "?attention=all").content.decode()
    assert "Клиент умер" in every and "Клиент торопит" in every
    with CaptureQueriesContext(connection) as queries:
        editor_client.get(changelist)
    # The votes are counted for the situations that have some only.
    listing = [q["sql"] for q in queries if "vote_count" in q["sql"]]
    assert listing and all("IN (SELECT" in sql for sql in listing), listing
