"""Outcome feedback in a real Chromium: one tap without a reload (announced), the same without
JavaScript, and a form on another site refused."""

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from kb.content.models import Entry
from kb.feedback.models import Vote
from tests.browser.axe import assert_accessible
from tests.browser.phone import DESKTOP, PHONE, small_targets
from tests.seed import seed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def situation() -> Entry:
    cache.clear()  # the new-voter count
    seed()
    return Entry.objects.get(seed_key="klient-vpal-v-isteriku")


def step_item(page, number: int):
    return page.locator("li.step").nth(number - 1)


def test_a_vote_and_a_comment_without_a_reload_are_announced(page, situation):
    page.set_viewport_size(PHONE)
    page.goto(situation.get_absolute_url())
    page.evaluate("window.notReloaded = true")
    status = step_item(page, 1).locator("[data-feedback-status]")
    assert status.get_attribute("aria-live") == "polite"

    page.get_by_role("button", name="Не помогло, шаг 1").click()
    expect(status).to_have_text("Спасибо: редакторы посмотрят этот шаг.")
    assert page.evaluate("window.notReloaded") is True
    assert page.url.endswith(situation.get_absolute_url())
    vote = Vote.objects.get()
    assert (vote.step, vote.helped, vote.comment) == (situation.responses.first(), False, "")

    # The comment field is offered under that step, with large controls and no axe violations.
    comment = step_item(page, 1).get_by_label("Что не сработало? (необязательно)")
    expect(comment).to_be_visible()
    assert small_targets(page) == []
    assert_accessible(page)
    comment.fill("Клиент не остановился и через десять минут")
    step_item(page, 1).get_by_role("button", name="Отправить").click()
    expect(status).to_have_text("Спасибо: комментарий передан редакторам.")
    expect(comment).to_be_hidden()
    assert page.evaluate("window.notReloaded") is True
    vote.refresh_from_db()
    assert (vote.helped, vote.comment) == (False, "Клиент не остановился и через десять минут")
    assert Vote.objects.count() == 1

    # Changing one's mind is one more tap, on the same vote.
    page.get_by_role("button", name="Помогло, шаг 1", exact=True).click()
    expect(status).to_have_text("Спасибо! Рады, что шаг помог.")
    expect(page.get_by_role("button", name="Помогло, шаг 1", exact=True)).to_have_class(
        "step-feedback__button step-feedback__button--yes is-chosen"
    )
    vote.refresh_from_db()
    assert vote.helped and Vote.objects.count() == 1


def test_a_refused_vote_is_announced_too(page, situation, settings):
    settings.PRAVILA_FEEDBACK_NEW_VOTERS_PER_HOUR = 0
    page.goto(situation.get_absolute_url())
    page.get_by_role("button", name="Помогло, шаг 2", exact=True).click()
    expect(step_item(page, 2).locator("[data-feedback-status]")).to_contain_text(
        "Слишком много голосов подряд"
    )
    expect(
        step_item(page, 2).get_by_label("Хотите что-то добавить? (необязательно)")
    ).to_be_hidden()
    assert Vote.objects.count() == 0


def test_feedback_works_without_javascript(browser, live_server, situation):
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    page.goto(situation.get_absolute_url())
    step = situation.responses.all()[1]

    page.get_by_role("button", name="Помогло, шаг 2", exact=True).click()
    page.wait_for_url(
        f"**{situation.get_absolute_url()}?voted={step.anchor}&helped=yes#{step.anchor}"
    )
    expect(step_item(page, 2).locator("[data-feedback-status]")).to_have_text(
        "Спасибо! Рады, что шаг помог."
    )
    assert Vote.objects.get().helped

    step_item(page, 2).get_by_label("Хотите что-то добавить? (необязательно)").fill(
        "Выслушали, сработало"
    )
    step_item(page, 2).get_by_role("button", name="Отправить").click()
    page.wait_for_url("**&commented=1#*")
    expect(step_item(page, 2).locator("[data-feedback-status]")).to_have_text(
        "Спасибо: комментарий передан редакторам."
    )
    vote = Vote.objects.get()
    assert (vote.step, vote.helped, vote.comment) == (step, True, "Выслушали, сработало")
    context.close()


def test_the_thank_you_and_comment_state_has_no_axe_violations(page, situation):
    step = situation.responses.all()[1]
    page.set_viewport_size(DESKTOP)
    page.goto(f"{situation.get_absolute_url()}?voted={step.anchor}&helped=no#{step.anchor}")
    expect(step_item(page, 2).get_by_label("Что не сработало? (необязательно)")).to_be_visible()
    assert_accessible(page)


def test_a_form_on_another_site_is_refused(page, live_server, situation):
    """A page on another origin (127.0.0.1 instead of localhost: another site to the browser)
    posts the vote form to this site: the browser says where it comes from, and the site says
    no."""
    step = situation.responses.first()
    port = urlsplit(live_server.url).port
    other_site = f"http://127.0.0.1:{port}/elsewhere/"
    page.route(
        other_site,
        lambda route: route.fulfill(
            content_type="text/html",
            body=(
                f'<!doctype html><form method="post" action="{live_server.url}/feedback/steps/'
                f'{step.pk}/"><input name="helped" value="no"><button>Vote</button></form>'
            ),
        ),
    )
    page.goto(other_site)
    with page.expect_response(f"{live_server.url}/feedback/steps/{step.pk}/") as answer:
        page.get_by_role("button", name="Vote").click()
    assert answer.value.status == 403
    request_headers = answer.value.request.all_headers()
    assert request_headers["origin"] == f"http://127.0.0.1:{port}"
    expect(page.get_by_role("alert")).to_have_text(
        "Отзывы принимаются только со страниц этого сайта."
    )
    assert Vote.objects.count() == 0
