"""Sources that entries cite, and tags (with Latin slugs and normalised names)."""

from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from kb.content.models.choices import SLUG_MAX_LENGTH, Status
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
    def on_published_entries(self) -> "TagQuerySet":
        """Tags at least one published entry carries: the only ones staff may know of."""
        return self.filter(
            models.Exists(
                TaggedEntry.objects.filter(
                    tag=models.OuterRef("pk"), content_object__status=Status.PUBLISHED
                )
            )
        )

    def cloud(self, entries: models.QuerySet | None = None) -> list["Tag"]:
        """Tags with the number of published entries (of `entries`, when given) that carry
        them, as `entry_count`; only those some entry carries, by name.

        The counts come from one grouped query over the taggings (an index on the tag), the
        tags from a second: a count annotated on the tags joined to their entries costs ten
        times more once there are thousands of entries.
        """
        taggings = TaggedEntry.objects.order_by()
        if entries is None:
            taggings = taggings.filter(content_object__status=Status.PUBLISHED)
        else:
            taggings = taggings.filter(content_object__in=entries.order_by().values("pk"))
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

    def slugify(self, tag: str, i: int | None = None) -> str:
        slug = make_slug(tag, 100) or "tag"
        return f"{slug}-{i}" if i is not None else slug


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
