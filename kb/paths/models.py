"""Reading paths, read marks and significant changes.

A path is an ordered list of entries a lead hands to newcomers. A read mark says that someone
read an entry, and which version of it. When an editor saves an entry with "significant
change" ticked, the change is recorded with the entry's new version (and the history revision
that holds it); every read mark of an older version is then out of date, and its reader sees
the entry as changed since they read it until they read it again.
"""

from typing import ClassVar

import reversion
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision

from kb.content.models import SLUG_MAX_LENGTH, Entry, Status
from kb.core.text import make_slug, unique_slug


class PathQuerySet(models.QuerySet):
    def published(self) -> "PathQuerySet":
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> "PathQuerySet":
        """Everything for editors (who preview drafts), published paths for everyone else."""
        return self if user.has_perm("paths.view_path") else self.published()


class Path(models.Model):
    """An ordered reading list: «Первая неделя в поддержке»."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        blank=True,
        help_text=_("Latin letters, digits and hyphens; made from the title when left empty."),
    )
    intro = models.TextField(
        _("introduction"),
        max_length=1000,
        blank=True,
        help_text=_("A few sentences: who the path is for and what they will know at the end."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    entries = models.ManyToManyField(
        Entry, through="PathEntry", related_name="paths", verbose_name=_("entries")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PathQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["title", "id"]
        verbose_name = _("reading path")
        verbose_name_plural = _("reading paths")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["slug"], name="paths_path_slug_unique"),
            models.CheckConstraint(condition=~Q(slug=""), name="paths_path_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="paths_path_status_valid"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["status", "title"], name="paths_path_status_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.ensure_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("paths:path_detail", args=[self.slug])

    def get_short_url(self) -> str:
        """The permalink: never changes, whatever happens to the slug."""
        return reverse("paths:path_short", args=[self.pk])

    def clean(self) -> None:
        # Before the constraints are validated, so an empty slug is filled in, not refused.
        self.ensure_slug()

    def ensure_slug(self) -> None:
        """Make a slug from the title when there is none, unused by any other path."""
        if not self.slug:
            self.slug = unique_slug(
                make_slug(self.title, SLUG_MAX_LENGTH) or "path",
                lambda s: Path.objects.filter(slug=s).exclude(pk=self.pk).exists(),
                SLUG_MAX_LENGTH,
            )

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class PathEntry(models.Model):
    """One entry of a path, in its place, with the lead's note to the reader."""

    path = models.ForeignKey(
        Path, verbose_name=_("reading path"), on_delete=models.CASCADE, related_name="items"
    )
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="path_items"
    )
    position = models.PositiveIntegerField(_("position"), default=0, db_index=False)
    note = models.TextField(
        _("note from the lead"),
        max_length=500,
        blank=True,
        help_text=_("Optional: what to pay attention to in this entry."),
    )

    class Meta:
        ordering: ClassVar = ["position", "id"]
        verbose_name = _("entry of the path")
        verbose_name_plural = _("entries of the path")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["path", "entry"], name="paths_pathentry_entry_once_per_path"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["path", "position"], name="paths_pathentry_order_idx")
        ]

    def __str__(self) -> str:
        return f"{self.path}: {self.entry}"

    def get_absolute_url(self) -> str:
        """The entry's page, read as part of the path."""
        return f"{self.entry.get_absolute_url()}?path={self.path.slug}"


class SignificantChangeQuerySet(models.QuerySet):
    def after(self, version_field: str = "version") -> "SignificantChangeQuerySet":
        """Changes of the outer row's entry made after the outer row's version (a subquery)."""
        return self.filter(entry=OuterRef("entry"), version__gt=OuterRef(version_field))


class SignificantChange(models.Model):
    """An editor's save that readers of earlier versions must see: the version it produced."""

    entry = models.ForeignKey(
        Entry,
        verbose_name=_("entry"),
        on_delete=models.CASCADE,
        related_name="significant_changes",
    )
    version = models.PositiveIntegerField(_("version"))
    # Who and when, and the recorded version to compare with; kept if history is pruned.
    revision = models.ForeignKey(
        Revision,
        verbose_name=_("revision"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    objects = SignificantChangeQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("significant change")
        verbose_name_plural = _("significant changes")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["entry", "version"], name="paths_significantchange_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return _("%(entry)s, version %(version)s") % {"entry": self.entry, "version": self.version}

    def get_absolute_url(self) -> str:
        return self.entry.get_absolute_url()


class ReadMarkQuerySet(models.QuerySet):
    def of(self, user: AbstractBaseUser) -> "ReadMarkQuerySet":
        return self.filter(user=user)

    def with_state(self) -> "ReadMarkQuerySet":
        """Each mark with `changed`: the entry changed significantly since that version."""
        return self.annotate(changed=Exists(SignificantChange.objects.after()))

    def changed_since_read(self) -> "ReadMarkQuerySet":
        return self.with_state().filter(changed=True)


class ReadMark(models.Model):
    """Someone read an entry, at a version. One per person and entry; reading again moves it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.CASCADE,
        related_name="read_marks",
    )
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="read_marks"
    )
    version = models.PositiveIntegerField(_("version read"))
    first_read_at = models.DateTimeField(_("first read"), auto_now_add=True)
    read_at = models.DateTimeField(_("last read"))

    objects = ReadMarkQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-read_at", "-id"]
        verbose_name = _("read mark")
        verbose_name_plural = _("read marks")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "entry"], name="paths_readmark_once_per_reader_and_entry"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["entry", "version"], name="paths_readmark_entry_idx")
        ]

    def __str__(self) -> str:
        return _("%(user)s read %(entry)s (version %(version)s)") % {
            "user": self.user,
            "entry": self.entry,
            "version": self.version,
        }

    def get_absolute_url(self) -> str:
        return self.entry.get_absolute_url()


# History (django-reversion): a version of a path holds its entries in order, with the notes.
reversion.register(Path, follow=("items",))
reversion.register(PathEntry)
