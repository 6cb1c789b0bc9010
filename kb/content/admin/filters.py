"""List filters of the entry lists."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReviewListFilter(admin.SimpleListFilter):
    """Which entries need a review: by their "review by" date, as of today."""

    title = _("review")
    parameter_name = "review"
    DUE_SOON_DAYS = 30

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [
            ("needed", _("Overdue or never scheduled")),
            ("overdue", _("Overdue")),
            ("unscheduled", _("No review date")),
            ("soon", _("Due within 30 days")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        today = timezone.localdate()
        if self.value() == "needed":
            return queryset.needing_review(today)
        if self.value() == "overdue":
            return queryset.review_overdue(today)
        if self.value() == "unscheduled":
            return queryset.review_unscheduled()
        if self.value() == "soon":
            return queryset.review_due_soon(today, self.DUE_SOON_DAYS)
        return None


class OwnerListFilter(admin.SimpleListFilter):
    """Whose entries: mine (the signed-in editor's) or nobody's."""

    title = _("owner")
    parameter_name = "owner"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("me", _("Mine")), ("nobody", _("Nobody's"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        if self.value() == "me":
            return queryset.filter(owner=request.user)
        if self.value() == "nobody":
            return queryset.filter(owner__isnull=True)
        return None
