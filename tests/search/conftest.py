import pytest

from kb.content.services import SeedReport
from tests.seed import seed


@pytest.fixture
def seeded(db) -> SeedReport:
    """The seed content, indexed: what staff search on a fresh install."""
    return seed()
