"""The situation form reads top to bottom as editors write: title, summary, steps, the rest."""

import re

import pytest
from django.urls import reverse

from kb.content.models import Kind, Situation
from tests.factories import make_entry
from tests.helpers import change_url, form_data

pytestmark = pytest.mark.django_db

# Markers of each part of the form, in the order the form must show them.
FORM_ORDER = [
    'id="id_title"',
    'id="id_summary"',
    'id="responses-group"',
    'id="id_signals"',
    'id="id_escalation"',
    'id="id_body"',
    'id="id_tags"',
    'id="id_source"',
    'id="id_status"',
]


def positions(html: str, markers: list[str]) -> list[int]:
    found = [html.find(marker) for marker in markers]
    assert -1 not in found, [m for m, at in zip(markers, found, strict=True) if at == -1]
    return found


def test_add_form_puts_the_steps_right_after_the_summary(editor_client):
    html = editor_client.get(reverse("admin:kb_situation_add")).content.decode()
    found = positions(html, FORM_ORDER)
    assert found == sorted(found)


def test_add_form_offers_one_empty_numbered_step(editor_client):
    response = editor_client.get(reverse("admin:kb_situation_add"))
    formset = response.context["inline_admin_formsets"][0].formset
    assert len(formset.forms) == 1
    html = response.content.decode()
    assert 'name="responses-0-text"' in html
    labels = re.findall(r'<span class="inline_label step-label">([^<]*)</span>', html)
    # The one step, then the template "add another step" copies.
    assert labels[0] == "Шаг 1"


def test_saving_a_new_situation_with_its_empty_step_untouched_adds_no_step(editor_client):
    data = form_data(editor_client.get(reverse("admin:kb_situation_add")))
    data.update({"title": "Клиент молчит", "summary": "Не отвечает на письма.", "slug": ""})
    response = editor_client.post(reverse("admin:kb_situation_add"), data)
    assert response.status_code == 302
    situation = Situation.objects.get(title="Клиент молчит")
    assert not situation.responses.exists()


def test_change_form_numbers_steps_and_keeps_the_same_order(editor_client):
    situation = make_entry(Kind.SITUATION, steps=["Выслушать", "Извиниться", "Предложить"])
    response = editor_client.get(change_url(situation))
    html = response.content.decode()
    found = positions(html, FORM_ORDER)
    assert found == sorted(found)
    labels = re.findall(r'<span class="inline_label step-label">([^<]*)</span>', html)
    assert labels[:3] == ["Шаг 1", "Шаг 2", "Шаг 3"]
    # Steps are no longer titled by their transliterated anchors.
    assert "шаг vyslushat" not in html


def test_addresses_come_last_and_collapsed(editor_client):
    situation = make_entry(Kind.SITUATION, steps=["Выслушать"])
    html = editor_client.get(change_url(situation)).content.decode()
    addresses = html.find("Адреса")
    assert addresses > html.find('id="id_status"') > 0
    # Django's collapsible fieldsets are <details> elements, closed until opened.
    assert re.search(r"<details>\s*<summary>[^<]*<h2[^>]*>\s*Адреса", html)
