"""Schemathesis against the API's own OpenAPI schema, through WSGI, on the seeded database.

Every operation of the one NinjaAPI object is generated from the schema, so an endpoint added
later (search) is covered without touching this file. Examples are derandomised and few
enough to keep the suite quick on SQLite and PostgreSQL.
"""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from kb.config.wsgi import application
from kb.content.models import Entry, Source, Status
from tests.seed import seed

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 40
DRAFT_TITLE = "Черновик, которого API не показывает"
DRAFT_SLUG = "chernovik-kotorogo-api-ne-pokazyvaet"

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {
            "mode": "all",  # valid input must be answered, invalid input refused with a 4xx
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
    }
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """Requests go straight to the WSGI app, so stop it closing the test's connection.

    Django's own test client does the same: at the end of a request Django closes a connection
    that is inside a transaction, and the test's data lives in one.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(autouse=True)
def knowledge_base(db) -> None:
    seed()
    draft = Entry.objects.create(
        kind="situation",
        title=DRAFT_TITLE,
        summary="Не должно быть видно.",
        status=Status.DRAFT,
    )
    draft.tags.add("эмоции")
    assert draft.slug == DRAFT_SLUG
    # The schema's path examples name seed content, so the run also fetches real entries.
    assert Entry.objects.published().filter(slug="klient-umer").exists()
    assert Source.objects.filter(slug="klientoorientirovannost").exists()


def no_drafts(ctx, response, case) -> bool | None:
    """No response ever mentions a draft."""
    text = response.text
    if DRAFT_TITLE in text or DRAFT_SLUG in text:
        raise AssertionError(f"A draft leaked into {case.method} {case.path}")
    return None


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case):
    case.call_and_validate(additional_checks=[no_drafts])
