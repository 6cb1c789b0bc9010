"""A value read from the database and kept in this process until content changes."""

import time
from collections.abc import Callable
from typing import Generic, TypeVar

from kb.core.cache import CONTENT, SEARCH, stamp

T = TypeVar("T")

# A safety net only: edits reach every process at once through the content generation
# (kb/core/cache.py), which every `get` compares with the one the value was loaded in.
TTL = 600.0


class Expiring(Generic[T]):
    def __init__(self, load: Callable[[], T], ttl: float = TTL) -> None:
        self.load = load
        self.ttl = ttl
        self.value: T | None = None
        self.loaded_at: float | None = None
        self.generation: tuple[int, ...] | int | None = None

    def get(self) -> T:
        current = stamp((CONTENT, SEARCH))
        if (
            self.loaded_at is None
            or current != self.generation
            or time.monotonic() - self.loaded_at > self.ttl
        ):
            self.value, self.loaded_at = self.load(), time.monotonic()
            self.generation = current
        return self.value

    def forget(self) -> None:
        """Load the value again when it is next asked for (after an edit)."""
        self.value = self.loaded_at = None
