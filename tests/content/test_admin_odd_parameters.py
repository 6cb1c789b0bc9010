"""Odd parameters in the editors' admin get a clear answer, never a 500 (issue 9, defect 7).

Non-ASCII digits, years out of the calendar's reach and (on PostgreSQL, which refuses them in
text) NUL bytes: each is refused (400/404), or ignored the way the admin ignores a filter it
cannot apply (a redirect to the list with `?e=1`).
"""

from urllib.parse import quote

import pytest
import reversion
from django.urls import reverse
from django.utils import timezone

from kb.content import history
from kb.content.models import Entry, Kind
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def situation() -> Entry:
    with reversion.create_revision():
        entry = make_entry(Kind.SITUATION, title="Клиент опоздал", tags=["сроки"])
    with reversion.create_revision():
        entry.title = "Клиент опоздал на час"
        entry.save()
    return entry


def url(entry: Entry, name: str, *args) -> str:
    return reverse(f"admin:kb_{entry.kind}_{name}", args=[entry.pk, *args])


def test_compare_with_an_odd_version_is_not_found(editor_client, situation):
    for value in ["²", "١", "٣٤", "1²", "9" * 30, "-1", "1.0", " 1"]:
        for side in ("from", "to"):
            response = editor_client.get(url(situation, "compare") + f"?{side}={quote(value)}")
            assert response.status_code == 404, (side, value)


def test_restore_with_an_odd_expected_version_is_refused_as_a_conflict(editor_client, situation):
    version = history.versions_of(situation.pk).last()
    for value in ["²", "١", "9" * 30, "-1"]:
        response = editor_client.post(url(situation, "revision", version.pk), {"version": value})
        assert response.status_code == 302, value
        assert response["Location"] == url(situation, "revision", version.pk)
    situation.refresh_from_db()
    assert situation.title == "Клиент опоздал на час"


def test_restore_or_recovery_of_an_odd_version_id_is_not_found(editor_client, situation):
    for version_id in ["١", "٣٤", "9" * 30]:
        response = editor_client.get(url(situation, "revision", version_id))
        assert response.status_code == 404, version_id
        response = editor_client.get(reverse("admin:kb_situation_recover", args=[version_id]))
        assert response.status_code == 404, version_id


OUT_OF_REACH_DATES = [
    "{date}__year=1",
    "{date}__year=9999",
    "{date}__year=" + "9" * 20,
    "{date}__year=-5",
    "{date}__year=²",
    "{date}__year=2025&{date}__month=" + "1" * 20,
    "{date}__year=2025&{date}__month=12&{date}__day=" + "9" * 20,
    "{date}__year=9999&{date}__month=12&{date}__day=31",
    "{date}__year=1&{date}__month=1&{date}__day=1",
]


@pytest.mark.parametrize(
    ("admin_name", "date"), [("kb_situation", "updated_at"), ("feedback_vote", "created_at")]
)
def test_the_date_hierarchy_with_a_year_out_of_reach_is_refused_as_a_filter(
    admin_client, situation, admin_name, date
):
    changelist = reverse(f"admin:{admin_name}_changelist")
    for query in OUT_OF_REACH_DATES:
        response = admin_client.get(changelist + "?" + query.format(date=date))
        assert response.status_code == 302, query
        assert response["Location"].endswith("?e=1")


def test_the_date_hierarchy_still_narrows_to_a_real_day(editor_client, situation):
    day = situation.updated_at.astimezone(timezone.get_current_timezone())
    base = reverse("admin:kb_situation_changelist")
    query = f"?updated_at__year={day.year}&updated_at__month={day.month}&updated_at__day={day.day}"
    assert list(editor_client.get(base + query).context["cl"].result_list) == [situation]
    query = f"?updated_at__year={day.year - 1}"
    assert list(editor_client.get(base + query).context["cl"].result_list) == []


NUL_QUERIES = [
    "q=%00",
    "q=клиент%00опоздал",
    "kind__exact=%00",
    "status__exact=situation%00",
    "tags__id__exact=%00",
    "source__id__exact=1%00",
    "review_by__gte=%00",
    "review=%00",
    "o=%00",
    "p=%00",
    "%00=1",
]


@pytest.mark.parametrize("admin_name", ["kb_entry", "kb_tag", "paths_path"])
def test_a_nul_byte_in_a_list_parameter_is_refused(editor_client, situation, admin_name):
    for query in NUL_QUERIES:
        response = editor_client.get(reverse(f"admin:{admin_name}_changelist") + "?" + query)
        assert response.status_code == 400, query


def test_a_nul_byte_in_the_autocomplete_term_is_refused(editor_client, situation):
    autocomplete = {"app_label": "kb", "model_name": "situation", "field_name": "see_also"}
    for term in ["\x00", "клиент\x00", "\x00\x00\x00", "a\x00b"]:
        response = editor_client.get(reverse("admin:autocomplete"), {"term": term, **autocomplete})
        assert response.status_code == 400, term
    response = editor_client.get(reverse("admin:autocomplete"), {"term": "опоздал", **autocomplete})
    assert [item["text"] for item in response.json()["results"]] == ["Клиент опоздал на час"]


@pytest.mark.parametrize(
    "admin_name", ["kb_entry", "kb_situation", "feedback_situationfeedback", "paths_path"]
)
def test_a_to_field_that_names_no_field_is_refused(admin_client, situation, admin_name):
    changelist = reverse(f"admin:{admin_name}_changelist")
    for to_field in ["+", "%2B", "id+", "-", "ё", "1a"]:
        response = admin_client.get(f"{changelist}?_to_field={to_field}")
        assert response.status_code == 400, to_field
    # A popup's real field still opens the list.
    assert admin_client.get(f"{changelist}?_to_field=id&_popup=1").status_code == 200
