"""One row per search staff made: its normalised query, how many entries it found, which one
was opened. Nothing about who searched: no user, no address, no session."""

import datetime
import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kb.content.models import Entry

QUERY_MAX_LENGTH = 200


class Source(models.TextChoices):
    PAGE = "page", _("search page")
    API = "api", _("API")


class SearchRecordQuerySet(models.QuerySet):
    def older_than(self, days: int) -> "SearchRecordQuerySet":
        return self.filter(created_at__lt=timezone.now() - datetime.timedelta(days=days))

    def unresolved(self) -> "SearchRecordQuerySet":
        """Searches no editor has fixed yet (a fix resolves every earlier search of the query)."""
        return self.filter(resolved_at__isnull=True)

    def found_nothing(self) -> "SearchRecordQuerySet":
        return self.filter(result_count=0)

    def nothing_opened(self) -> "SearchRecordQuerySet":
        return self.filter(result_count__gt=0, opened_at__isnull=True)

    def missed(self) -> "SearchRecordQuerySet":
        return self.filter(Q(result_count=0) | Q(opened_at__isnull=True))

    def grouped(self) -> models.QuerySet:
        """One row per normalised query: how often it was searched, found nothing, had nothing
        opened, and when it was last searched; the most recently searched first."""
        return (
            self.values("query")
            .annotate(
                searches=Count("pk"),
                found_nothing=Count("pk", filter=Q(result_count=0)),
                nothing_opened=Count("pk", filter=Q(result_count__gt=0, opened_at__isnull=True)),
                last_searched=Max("created_at"),
            )
            .order_by("-last_searched", "query")
        )


class SearchRecord(models.Model):
    """One search from the search page or the API (suggestions while typing are not searches)."""

    # What result links carry: known before the row is written (after the response is sent),
    # and not guessable, so nobody can mark another's search as opened.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    query = models.CharField(_("query"), max_length=QUERY_MAX_LENGTH)
    result_count = models.PositiveIntegerField(_("results"))
    source = models.CharField(_("from"), max_length=10, choices=Source.choices)
    opened_entry = models.ForeignKey(
        Entry,
        verbose_name=_("opened entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept even when the entry is deleted later: the search did find something useful.
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("fixed"), null=True, blank=True)
    created_at = models.DateTimeField(_("searched"), default=timezone.now)

    objects = SearchRecordQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("search")
        verbose_name_plural = _("searches")
        indexes: ClassVar = [
            models.Index(fields=["created_at"], name="misslog_created_idx"),
            models.Index(fields=["query", "created_at"], name="misslog_query_idx"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(source__in=Source.values), name="misslog_source_valid"
            ),
            models.CheckConstraint(condition=~Q(query=""), name="misslog_query_not_empty"),
        ]

    def __str__(self) -> str:
        return self.query
