"""Template filters of the editors' admin."""

import json

from django import template
from django.urls import reverse
from django.utils import timezone

from kb.content.admin.filters import ReviewListFilter
from kb.content.models import Entry

register = template.Library()


@register.filter
def with_add_text(inline_formset_data: str, add_text: str) -> str:
    """An inline's formset data (JSON) whose "add another" link reads `add_text`.

    Django's text puts the model name in the nominative after «Добавить еще один».
    """
    data = json.loads(inline_formset_data)
    data["options"]["addText"] = str(add_text)
    return json.dumps(data)


@register.simple_tag(takes_context=True)
def my_reviews(context: template.Context) -> dict | None:
    """The signed-in editor's entries to review: overdue and due soon, each with its list."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("kb.change_entry"):
        return None
    today = timezone.localdate()
    mine = Entry.objects.filter(owner=user)
    if not mine.exists():
        return None
    days = ReviewListFilter.DUE_SOON_DAYS
    changelist = reverse("admin:kb_entry_changelist")
    return {
        "overdue": mine.review_overdue(today).count(),
        "soon": mine.review_due_soon(today, days).count(),
        "days": days,
        "overdue_url": f"{changelist}?owner=me&review=overdue",
        "soon_url": f"{changelist}?owner=me&review=soon",
    }
