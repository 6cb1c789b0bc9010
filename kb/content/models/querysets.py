"""How entries are asked for: published or visible, of a kind, tagged, for lists and pages."""

import datetime
from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q

from kb.content.models.choices import Kind, Status
from kb.content.models.taxonomy import Tag, TagCount, TaggedEntry

# How many entries of each kind the home page shows (it must not grow with the knowledge
# base), and in which order where that is not the kind's own: the most opened situations,
# the latest cases.
HOME_LIMITS = {Kind.SITUATION: 8, Kind.RULE: 12, Kind.PRINCIPLE: 16, Kind.CASE: 6}
HOME_ORDER = {Kind.SITUATION: ("-view_count", "title"), Kind.CASE: ("-updated_at", "-pk")}

# What a list of entries never shows.
LONG_TEXTS = (
    "body",
    "body_html",
    "lesson",
    "lesson_html",
    "signals",
    "say",
    "avoid",
    "escalation",
    "search_phrases",
)


class EntryQuerySet(models.QuerySet):
    def published(self) -> "EntryQuerySet":
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> "EntryQuerySet":
        """Everything for editors (who preview drafts), published entries for everyone else."""
        return self if user.has_perm("kb.view_entry") else self.published()

    def known_as(self, slug: str) -> "EntryQuerySet":
        """The entry whose slug is, or once was, `slug` (at most one: slugs are never reused)."""
        old_slugs = apps.get_model("kb", "EntrySlug").objects.filter(slug=slug)
        return self.filter(Q(slug=slug) | Q(pk__in=old_slugs.values("entry_id")))

    def mark_changed(self) -> int:
        """Move the version on without a save: a step changed outside the entry's own form."""
        return self.update(version=F("version") + 1)

    def review_overdue(self, today: datetime.date) -> "EntryQuerySet":
        """Entries whose "review by" date has passed."""
        return self.filter(review_by__lt=today)

    def review_unscheduled(self) -> "EntryQuerySet":
        """Entries nobody has set a "review by" date for."""
        return self.filter(review_by__isnull=True)

    def review_due_soon(self, today: datetime.date, within_days: int) -> "EntryQuerySet":
        """Entries due for review from today to `within_days` days ahead."""
        return self.filter(
            review_by__gte=today, review_by__lte=today + datetime.timedelta(days=within_days)
        )

    def needing_review(self, today: datetime.date, within_days: int = 0) -> "EntryQuerySet":
        """Overdue, unscheduled, or due within `within_days` days of `today`."""
        due = today + datetime.timedelta(days=within_days)
        limit = Q(review_by__lte=due) if within_days else Q(review_by__lt=today)
        return self.filter(limit | Q(review_by__isnull=True))

    def of_kind(self, kind: str | None) -> "EntryQuerySet":
        return self.filter(kind=kind) if kind else self

    def tagged_with_all(self, tag_slugs: Iterable[str]) -> "EntryQuerySet":
        """Entries that carry every one of the tags.

        One subquery whatever the number of tags (a join per tag costs the planner seconds
        on PostgreSQL, and SQLite refuses more than 64 tables); a slug no tag has means
        nothing can match, which is known before any entry is read.
        """
        slugs = set(tag_slugs)
        if not slugs:
            return self
        tag_ids = list(Tag.objects.filter(slug__in=slugs).values_list("pk", flat=True))
        if len(tag_ids) < len(slugs):
            return self.none()
        if len(tag_ids) == 1:  # the common case, without the grouping
            carrying = TaggedEntry.objects.filter(tag_id=tag_ids[0])
            if TagCount.objects.is_common(tag_ids[0]):
                # A tag thousands of entries carry: each entry met in the list's order is
                # looked up in the taggings' (entry, tag) index, so a page reads about
                # (offset + 30) × total / carried entries, instead of first gathering the
                # ids of them all (SQLite builds that list on every request: 50,000 ids).
                return self.filter(Exists(carrying.filter(content_object_id=OuterRef("pk"))))
            return self.filter(pk__in=carrying.values("content_object_id"))
        carrying_all = (
            TaggedEntry.objects.filter(tag_id__in=tag_ids)
            .values("content_object_id")
            .annotate(tag_count=Count("tag_id"))
            .filter(tag_count=len(tag_ids))
            .values("content_object_id")
        )
        return self.filter(pk__in=carrying_all)

    def for_listing(self) -> "EntryQuerySet":
        """What a list of entries shows, in a constant number of queries (the long texts
        left out: a list sorts thousands of rows to show thirty)."""
        return self.select_related("source").prefetch_related("tags").defer(*LONG_TEXTS)

    def in_list_order(self, kind: str | None) -> "EntryQuerySet":
        """The order of a list: rules by number, other kinds and every kind together (a tag's
        page) by title, which the indexes on (kind, status, title) and (status, title, id)
        serve without sorting: a page of a tag with 50,000 entries is read in order, not
        sorted out of them all."""
        return self if kind == Kind.RULE else self.order_by("title", "pk")

    def on_home(self, kind: str) -> "EntryQuerySet":
        """The published entries of `kind` the home page shows, in its order (one block per
        kind; the web layer's home view and its invalidation both read them here)."""
        published = self.published().of_kind(kind)
        order = HOME_ORDER.get(kind)
        return (published.order_by(*order) if order else published)[: HOME_LIMITS[kind]]

    def for_page(self) -> "EntryQuerySet":
        """What an entry's own page shows, in a constant number of queries."""
        return self.select_related("source").prefetch_related(*page_prefetches())


def page_prefetches() -> list[str | models.Prefetch]:
    """What an entry's page shows besides its row, for `prefetch_related`: its tags, steps,
    citations and the published entries linked to it either way."""
    published = apps.get_model("kb", "Entry").objects.published()
    linked = [
        models.Prefetch(name, queryset=published)
        for name in ("basis", "applied_in", "see_also", "examples", "example_of")
    ]
    return ["tags", "responses", "citations__source", *linked]


class EntryManager(models.Manager.from_queryset(EntryQuerySet)):
    def get_by_natural_key(self, slug: str) -> models.Model:
        return self.get(slug=slug)
