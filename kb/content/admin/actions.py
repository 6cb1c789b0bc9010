"""Bulk actions on entry lists: publish, unpublish, mark as reviewed."""

import datetime

import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kb.content.models import Status
from kb.core import signals


def set_status(request: HttpRequest, queryset: QuerySet, status: str, comment: str) -> int:
    """Move the selected entries not in `status` into it, as one revision; returns how many.

    Every selected entry is reindexed, so the action also repairs a stale search document.
    """
    changed = 0
    with reversion.create_revision():
        reversion.set_user(request.user)
        reversion.set_comment(comment)
        for entry in queryset.exclude(status=status):
            entry.status = status
            entry.save()
            changed += 1
        signals.entries_changed.send(
            sender=queryset.model, entry_ids=list(queryset.values_list("pk", flat=True))
        )
    return changed


@admin.action(description=_("Publish selected entries"))
def publish(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = set_status(request, queryset, Status.PUBLISHED, gettext("Published"))
    modeladmin.message_user(
        request,
        ngettext("%d entry published.", "%d entries published.", changed) % changed,
        messages.SUCCESS,
    )


@admin.action(description=_("Unpublish selected entries (back to draft)"))
def unpublish(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = set_status(request, queryset, Status.DRAFT, gettext("Unpublished"))
    modeladmin.message_user(
        request,
        ngettext("%d entry moved to drafts.", "%d entries moved to drafts.", changed) % changed,
        messages.SUCCESS,
    )


@admin.action(description=_("Mark as reviewed today"))
def mark_reviewed(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    today = timezone.localdate()
    next_review = today + datetime.timedelta(days=settings.PRAVILA_REVIEW_PERIOD_DAYS)
    changed = 0
    with reversion.create_revision():
        reversion.set_user(request.user)
        reversion.set_comment(gettext("Marked as reviewed"))
        for entry in queryset:
            entry.reviewed_on, entry.review_by = today, next_review
            entry.save()
            changed += 1
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d entry marked as reviewed; next review by %(date)s.",
            "%(count)d entries marked as reviewed; next review by %(date)s.",
            changed,
        )
        % {"count": changed, "date": next_review.isoformat()},
        messages.SUCCESS,
    )
