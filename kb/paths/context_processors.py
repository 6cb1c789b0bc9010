from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kb.paths.changes import count_changes_since_read


def changes_since_read(request: HttpRequest) -> dict[str, object]:
    """How many entries the signed-in reader must read again: counted only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"changes_since_read": 0}
    return {"changes_since_read": SimpleLazyObject(lambda: count_changes_since_read(user))}
