import pytest

from kb.content.services import load_seed


@pytest.fixture
def seeded() -> None:
    """The seed content, indexed: what staff search on a fresh install."""
    load_seed()
