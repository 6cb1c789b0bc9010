"""A value read from the database and kept in this process for a while."""

import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

# Other processes see an edit within this many seconds; the process that made it at once,
# through `forget`.
TTL = 30.0


class Expiring(Generic[T]):
    def __init__(self, load: Callable[[], T], ttl: float = TTL) -> None:
        self.load = load
        self.ttl = ttl
        self.value: T | None = None
        self.loaded_at: float | None = None

    def get(self) -> T:
        if self.loaded_at is None or time.monotonic() - self.loaded_at > self.ttl:
            self.value, self.loaded_at = self.load(), time.monotonic()
        return self.value

    def forget(self) -> None:
        """Load the value again when it is next asked for (after an edit)."""
        self.value = self.loaded_at = None
