"""Sources that entries cite, and tags (with Latin slugs and normalised names)."""

from collections.abc import Iterable
from itertools import groupby
from typing import ClassVar

from django.db import connection, models, transaction
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from kb.content.models.choices import SLUG_MAX_LENGTH, Kind, Status
from kb.core.text import make_slug, squash_whitespace, unique_slug


class SlugManager(models.Manager):
    """Looks objects up by slug, which is their natural key in fixtures."""

    def get_by_natural_key(self, slug: str) -> models.Model:
        return self.get(slug=slug)


class Source(models.Model):
    """An article that entries come from and cite."""

    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH)
    title = models.CharField(_("title"), max_length=300)
    author = models.CharField(_("author"), max_length=200, blank=True)
    url = models.URLField(_("address"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = SlugManager()

    class Meta:
        ordering: ClassVar = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["slug"], name="kb_source_slug_unique")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(
                make_slug(self.title, SLUG_MAX_LENGTH) or "source",
                lambda s: Source.objects.filter(slug=s).exclude(pk=self.pk).exists(),
                SLUG_MAX_LENGTH,
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("kb:source_detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


def normalize_tag_name(name: str) -> str:
    """Tags are lower case with single spaces, so "Сроки" and "сроки " are one tag.

    Done here rather than through case-insensitive lookups, which SQLite only does for ASCII.
    """
    return squash_whitespace(name).lower()[:100]


class TagQuerySet(models.QuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            untag(list(self.values_list("pk", flat=True)))
            return super().delete()

    def on_published_entries(self) -> "TagQuerySet":
        """Tags at least one published entry carries: the only ones staff may know of (from
        the stored counts, which every page's filters read: a join of the taggings with the
        entries costs more to build than the rest of a tag's page)."""
        return self.filter(pk__in=TagCount.objects.filter(count__gt=0).values("tag_id"))

    def cloud(
        self,
        entries: models.QuerySet | None = None,
        kind: str | None = None,
        alongside: "Tag | None" = None,
    ) -> list["Tag"]:
        """Tags with the number of published entries (of `entries`, of `kind`, or carrying
        the tag `alongside` too, when given) that carry them, as `entry_count`; only those
        some entry carries, by name.

        Every tag in use, those of one kind and those alongside one tag are read from the
        stored counts (`TagCount`, `TagPair`): a few rows per tag, whatever the number of
        entries. The tags of some entries (a list narrowed by several tags) are counted from
        their taggings, one grouped query (an index on the tag), and the tags read by a
        second.
        """
        if alongside is not None:
            pairs = TagPair.objects.filter(tag=alongside, count__gt=0)
            counts = dict(pairs.values_list("other_id", "count"))
        elif entries is None:
            stored = TagCount.objects.filter(count__gt=0)
            if kind:
                stored = stored.filter(kind=kind)
            counts = dict(stored.order_by().values_list("tag_id").annotate(n=models.Sum("count")))
        else:
            taggings = TaggedEntry.objects.order_by().filter(
                content_object__in=entries.order_by().values("pk")
            )
            counts = dict(taggings.values_list("tag_id").annotate(n=models.Count("pk")))
        tags = list(self.filter(pk__in=list(counts)).order_by("name"))
        for tag in tags:
            tag.entry_count = counts[tag.pk]
        return tags


class Tag(TagBase):
    """A tag with a Latin slug (`/tags/sroki/`), whatever the language of its name."""

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = normalize_tag_name(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("kb:tag_detail", args=[self.slug])

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            untag([self.pk])
            return super().delete(*args, **kwargs)

    def kind_counts(self) -> dict[str, int]:
        """How many published entries of each kind carry the tag (kinds with none left out),
        from the stored counts."""
        return dict(self.counts.filter(count__gt=0).values_list("kind", "count"))

    def slugify(self, tag: str, i: int | None = None) -> str:
        slug = make_slug(tag, 100) or "tag"
        return f"{slug}-{i}" if i is not None else slug


def untag(tag_ids: list[int]) -> None:
    """Take tags about to be deleted off every entry in one statement. Deleted one by one, as
    the deletion's cascade would, each tagging's signals recount its entry's tags (about nine
    queries each: 150 s for a tag of 5,000 entries); the tags' own stored counts and pairs go
    with them, the other tags' counts do not change, and deleting a tag makes every cached page
    stale (kb/web/invalidation.py), so nothing is lost by not sending them."""
    if not tag_ids:
        return
    table = TaggedEntry._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(tag_ids), 500):  # SQLite's limit on parameters
            chunk = tag_ids[start : start + 500]
            cursor.execute(
                f"DELETE FROM {table} WHERE tag_id IN ({', '.join(['%s'] * len(chunk))})", chunk
            )


def lock_tags(tag_ids: Iterable[int]) -> list[int]:
    """Lock the tags' rows, in order, until the transaction ends: of two transactions that
    change one tag's entries, the second then counts after the first has committed
    (PostgreSQL; SQLite lets one writer in at a time anyway). The ids of those that exist."""
    return list(
        Tag.objects.select_for_update()
        .filter(pk__in=tag_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def store_counts(queryset: models.QuerySet, key: tuple[str, str], counted: dict) -> None:
    """Make the rows of `queryset` say `counted` ({(key values): count}): rows are updated in
    place and never deleted (a count of 0 is kept), new keys inserted, so that storing counts
    sends no signal and moves no cache generation of its own."""
    stored = {tuple(row[:2]): row[2:] for row in queryset.values_list(*key, "pk", "count")}
    for values, (pk, count) in stored.items():
        if counted.get(values, 0) != count:
            queryset.model.objects.filter(pk=pk).update(count=counted.get(values, 0))
    queryset.model.objects.bulk_create(
        [
            queryset.model(**dict(zip(key, values, strict=True)), count=n)
            for values, n in counted.items()
            if values not in stored and n
        ]
    )


def move_counts(queryset: models.QuerySet, rows: list[models.Model], delta: int) -> None:
    """Add `delta` (1 or -1) to the counts of `rows` (unsaved: their keys), making the rows
    that are missing first when adding (a missing row is a count of 0: nothing to take off,
    and its tag may be being deleted). One atomic UPDATE, so simultaneous edits add up; never
    below 0, so that a count already wrong (a write around the signals) cannot make a save
    fail."""
    if not rows:
        return
    if delta > 0:
        queryset.model.objects.bulk_create(rows, ignore_conflicts=True)
    queryset.update(count=Greatest(models.F("count") + delta, 0))


# From this many published entries on, a tag's lists are read in list order, each entry
# looked up among the tag's (`EntryQuerySet.tagged_with_all`).
COMMON_TAG = 2000


class TagCountQuerySet(models.QuerySet):
    def move(self, tag_ids: Iterable[int], kind: str, delta: int) -> None:
        """One published entry of `kind` more (1) or fewer (-1) carries each of the tags: what
        the content layer (kb/content/tag_counts.py) does in the transaction of each edit."""
        tag_ids = set(tag_ids)
        move_counts(
            self.filter(tag_id__in=tag_ids, kind=kind),
            [TagCount(tag_id=tag_id, kind=kind, count=0) for tag_id in tag_ids],
            delta,
        )

    def is_common(self, tag_id: int) -> bool:
        """Whether at least `COMMON_TAG` published entries carry the tag."""
        carried = self.filter(tag_id=tag_id).aggregate(n=models.Sum("count"))["n"] or 0
        return carried >= COMMON_TAG

    def recount(self, tag_ids: Iterable[int] | models.QuerySet) -> None:
        """Count again, from the taggings, how many published entries of each kind carry each
        of the tags: right whatever was stored before (after writes in bulk, which send no
        signal; `manage.py recount_tags`). Costs a grouped count of the tags' taggings: the
        edits themselves move the counts by one instead (`move`)."""
        with transaction.atomic():
            ids = lock_tags(tag_ids)
            counted = {
                (tag_id, kind): n
                for tag_id, kind, n in TaggedEntry.objects.filter(
                    tag_id__in=ids, content_object__status=Status.PUBLISHED
                )
                .order_by()
                .values_list("tag_id", "content_object__kind")
                .annotate(n=models.Count("pk"))
            }
            store_counts(self.filter(tag_id__in=ids), ("tag_id", "kind"), counted)

    def recount_all(self) -> None:
        """Every tag's counts, and every pair's (after entries were written in bulk, which
        sends no signal)."""
        self.recount(Tag.objects.values("pk"))
        TagPair.objects.recount_all()


class TagCount(models.Model):
    """How many published entries of one kind carry a tag: the tag cloud, the counts of each
    kind on a tag's page and the tags offered to narrow a kind's list are read from these
    rows (a few per tag) instead of grouping every tagging of every entry, which grows with
    the knowledge base (a second at 100,000 entries). Kept right by `TagCountQuerySet.recount`.
    """

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="counts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    count = models.PositiveIntegerField(default=0)

    objects = TagCountQuerySet.as_manager()

    class Meta:
        # Plain words: stored figures, never shown to editors (no admin of their own).
        verbose_name = "tag count"
        verbose_name_plural = "tag counts"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tag", "kind"], name="kb_tagcount_tag_kind_unique")
        ]
        indexes: ClassVar = [
            models.Index(fields=["kind", "-count"], name="kb_tagcount_kind_count_idx")
        ]

    def __str__(self) -> str:
        return f"{self.tag_id} {self.kind}: {self.count}"


def count_pairs(taggings: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """{(tag, other tag): entries carrying both}, both ways, from (entry, tag) rows ordered
    by entry."""
    counted: dict[tuple[int, int], int] = {}
    for _entry_id, rows in groupby(taggings, key=lambda row: row[0]):
        tags = [tag_id for _same_entry, tag_id in rows]
        for tag_id in tags:
            for other in tags:
                if other != tag_id:
                    counted[(tag_id, other)] = counted.get((tag_id, other), 0) + 1
    return counted


class TagPairQuerySet(models.QuerySet):
    def move(self, tag_id: int, others: Iterable[int], delta: int) -> None:
        """One published entry more (1) or fewer (-1) carries `tag_id` together with each of
        `others` (both ways)."""
        others = set(others) - {tag_id}
        move_counts(
            self.filter(
                models.Q(tag_id=tag_id, other_id__in=others)
                | models.Q(tag_id__in=others, other_id=tag_id)
            ),
            [
                TagPair(tag_id=a, other_id=b, count=0)
                for other in others
                for a, b in ((tag_id, other), (other, tag_id))
            ],
            delta,
        )

    def recount(self, tag_id: int, others: Iterable[int]) -> None:
        """Count again how many published entries carry both `tag_id` and each of `others`
        (stored both ways), from the taggings."""
        others = set(others) - {tag_id}
        if not others:
            return
        with transaction.atomic():
            lock_tags({tag_id, *others})
            carrying = TaggedEntry.objects.filter(tag_id=tag_id).values("content_object_id")
            both = dict(
                TaggedEntry.objects.filter(
                    tag_id__in=others,
                    content_object__status=Status.PUBLISHED,
                    content_object_id__in=carrying,
                )
                .order_by()
                .values_list("tag_id")
                .annotate(n=models.Count("pk"))
            )
            counted = {}
            for other in others:
                counted[(tag_id, other)] = counted[(other, tag_id)] = both.get(other, 0)
            rows = self.filter(
                models.Q(tag_id=tag_id, other_id__in=others)
                | models.Q(tag_id__in=others, other_id=tag_id)
            )
            store_counts(rows, ("tag_id", "other_id"), counted)

    def recount_all(self) -> None:
        """Every pair's count, from the published taggings read once in entry order."""
        with transaction.atomic():
            lock_tags(Tag.objects.values("pk"))
            taggings = (
                TaggedEntry.objects.filter(content_object__status=Status.PUBLISHED)
                .order_by("content_object_id")
                .values_list("content_object_id", "tag_id")
            )
            store_counts(self.all(), ("tag_id", "other_id"), count_pairs(taggings.iterator()))


class TagPair(models.Model):
    """How many published entries carry both of two tags (each pair stored both ways): the
    tags offered to narrow a tag's page, read for one tag in one indexed query instead of
    grouping the taggings of every entry the tag has. Kept right by `TagPairQuerySet.recount`.
    """

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="pairs")
    other = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)

    objects = TagPairQuerySet.as_manager()

    class Meta:
        # Plain words, as for TagCount.
        verbose_name = "tag pair"
        verbose_name_plural = "tag pairs"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tag", "other"], name="kb_tagpair_tag_other_unique")
        ]

    def __str__(self) -> str:
        return f"{self.tag_id} + {self.other_id}: {self.count}"


class TaggedEntry(TaggedItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_entries")
    content_object = models.ForeignKey("Entry", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("tagged entry")
        verbose_name_plural = _("tagged entries")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="kb_taggedentry_entry_tag_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_object_id} — {self.tag}"


class NormalizedTagManager(_TaggableManager):
    """Taggit's manager (the documented `manager=` hook), with tag names normalised."""

    def add(self, *tags, **kwargs) -> None:
        super().add(*self._normalize(tags), **kwargs)

    def set(self, tags, **kwargs) -> None:
        super().set(self._normalize(tags), **kwargs)

    def remove(self, *tags) -> None:
        super().remove(*self._normalize(tags))

    @staticmethod
    def _normalize(tags) -> list:
        names = (normalize_tag_name(t) if isinstance(t, str) else t for t in tags)
        return [t for t in names if t]
