"""The content model: entries of four kinds (one table), their steps, sources and tags.

Principles, rules, situations and cases share every field and one browse, search and link
flow, so they live in one `Entry` table with a `kind`; `Principle`, `Rule`, `Situation` and
`Case` are proxy models that give each kind its own manager and admin.
"""

import datetime
from typing import ClassVar

import reversion
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from kb.markdown import render_markdown
from kb.text import make_slug, squash_whitespace, unique_slug

SLUG_MAX_LENGTH = 100


class Kind(models.TextChoices):
    PRINCIPLE = "principle", _("Principle")
    RULE = "rule", _("Rule")
    SITUATION = "situation", _("Situation")
    CASE = "case", _("Case")


# The URL segment and plural label of each kind: /situations/<slug>/ and its heading.
KIND_PATHS = {
    Kind.SITUATION: "situations",
    Kind.RULE: "rules",
    Kind.PRINCIPLE: "principles",
    Kind.CASE: "cases",
}
KIND_PLURALS = {
    Kind.SITUATION: _("Situations"),
    Kind.RULE: _("Rules"),
    Kind.PRINCIPLE: _("Principles"),
    Kind.CASE: _("Cases"),
}


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


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
            models.UniqueConstraint(fields=["slug"], name="kb_source_slug_unique"),
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


class Tag(TagBase):
    """A tag with a Latin slug (`/tags/sroki/`), whatever the language of its name."""

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
            ),
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


class EditConflict(Exception):
    """A save based on a version of an entry that someone else has changed (or deleted) since."""

    def __init__(self, entry: "Entry", expected_version: int) -> None:
        super().__init__(f"{entry.pk}: expected version {expected_version}, which is not current")
        self.entry = entry
        self.expected_version = expected_version


class EntryQuerySet(models.QuerySet):
    def published(self) -> "EntryQuerySet":
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> "EntryQuerySet":
        """Everything for editors (who preview drafts), published entries for everyone else."""
        return self if user.has_perm("kb.view_entry") else self.published()

    def known_as(self, slug: str) -> "EntryQuerySet":
        """The entry whose slug is, or once was, `slug` (at most one: slugs are never reused)."""
        return self.filter(
            Q(slug=slug) | Q(pk__in=EntrySlug.objects.filter(slug=slug).values("entry_id"))
        )

    def mark_changed(self) -> int:
        """Move the version on without a save: a step changed outside the entry's own form."""
        return self.update(version=F("version") + 1)

    def review_overdue(self, today: datetime.date) -> "EntryQuerySet":
        """Entries whose "review by" date has passed."""
        return self.filter(review_by__lt=today)

    def review_unscheduled(self) -> "EntryQuerySet":
        """Entries nobody has set a "review by" date for."""
        return self.filter(review_by__isnull=True)

    def needing_review(self, today: datetime.date, within_days: int = 0) -> "EntryQuerySet":
        """Overdue, unscheduled, or due within `within_days` days of `today`."""
        due = today + datetime.timedelta(days=within_days)
        limit = Q(review_by__lte=due) if within_days else Q(review_by__lt=today)
        return self.filter(limit | Q(review_by__isnull=True))

    def of_kind(self, kind: str | None) -> "EntryQuerySet":
        return self.filter(kind=kind) if kind else self

    def tagged_with_all(self, tag_slugs: list[str]) -> "EntryQuerySet":
        """Entries that carry every one of the tags."""
        queryset = self
        for slug in dict.fromkeys(tag_slugs):
            queryset = queryset.filter(tags__slug=slug)
        return queryset

    def for_listing(self) -> "EntryQuerySet":
        """What a list of entries shows, in a constant number of queries."""
        return self.select_related("source").prefetch_related("tags")

    def for_page(self) -> "EntryQuerySet":
        """What an entry's own page shows, in a constant number of queries."""
        return self.select_related("source").prefetch_related(
            "tags",
            "responses",
            models.Prefetch("basis", queryset=Entry.objects.published()),
            models.Prefetch("applied_in", queryset=Entry.objects.published()),
            models.Prefetch("see_also", queryset=Entry.objects.published()),
        )


class EntryManager(models.Manager.from_queryset(EntryQuerySet)):
    def get_by_natural_key(self, slug: str) -> "Entry":
        return self.get(slug=slug)


class Entry(models.Model):
    """A principle, rule, situation or case: the unit staff read, search and link to."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        blank=True,
        help_text=_("Latin letters, digits and hyphens; made from the title when left empty."),
    )
    number = models.PositiveSmallIntegerField(
        _("number"), null=True, blank=True, help_text=_("Rules only: “Rule no. 1”.")
    )
    summary = models.TextField(
        _("summary"), max_length=600, help_text=_("One or two sentences, shown in lists.")
    )
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    lesson = models.TextField(
        _("lesson"), blank=True, help_text=_("Cases only: what the story teaches. Markdown.")
    )
    lesson_html = models.TextField(editable=False, blank=True)
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="entries",
        null=True,
        blank=True,
    )
    source_locator = models.CharField(
        _("place in the source"),
        max_length=200,
        blank=True,
        help_text=_("Where in the source this comes from, e.g. “commandment 5”."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    tags = TaggableManager(
        verbose_name=_("tags"), through=TaggedEntry, manager=NormalizedTagManager, blank=True
    )
    basis = models.ManyToManyField(
        "self",
        verbose_name=_("principles and rules behind it"),
        symmetrical=False,
        related_name="applied_in",
        blank=True,
        limit_choices_to={"kind__in": [Kind.PRINCIPLE, Kind.RULE]},
    )
    see_also = models.ManyToManyField(
        "self", verbose_name=_("see also"), symmetrical=True, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_entries",
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_by = models.DateField(_("review by"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    # Optimistic locking: every save moves it on, and a save must start from the stored number.
    version = models.PositiveIntegerField(_("version"), default=1)
    seed_key = models.CharField(max_length=100, blank=True, editable=False)
    seed_checksum = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EntryManager()

    class Meta:
        ordering: ClassVar = [F("number").asc(nulls_last=True), "title"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["slug"], name="kb_entry_slug_unique"),
            models.UniqueConstraint(
                fields=["seed_key"],
                condition=~Q(seed_key=""),
                name="kb_entry_seed_key_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "number"],
                condition=Q(number__isnull=False),
                name="kb_entry_number_unique_per_kind",
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="kb_entry_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="kb_entry_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.RULE) | Q(number__isnull=True),
                name="kb_entry_number_only_for_rules",
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="kb_entry_slug_not_empty"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["kind", "status", "title"], name="kb_entry_kind_status_idx"),
            models.Index(fields=["status", "-updated_at"], name="kb_entry_recent_idx"),
            models.Index(fields=["review_by"], name="kb_entry_review_by_idx"),
        ]

    def __str__(self) -> str:
        if self.kind == Kind.RULE and self.number:
            return _("Rule no. %(number)s: %(title)s") % {
                "number": self.number,
                "title": self.title,
            }
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.ensure_slug()
        self.body_html = render_markdown(self.body)
        self.lesson_html = render_markdown(self.lesson)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            touched = set(update_fields)
            if "body" in touched:
                touched.add("body_html")
            if "lesson" in touched:
                touched.add("lesson_html")
            kwargs["update_fields"] = touched | {"version"}
        # The entry, its version claim and the record of its slug succeed or fail together.
        with transaction.atomic():
            if not self._state.adding:
                self.claim_version()
            super().save(*args, **kwargs)
            self.remember_slug()

    def get_absolute_url(self) -> str:
        return reverse(f"kb:{self.kind}_detail", args=[self.slug])

    def claim_version(self) -> None:
        """Move the stored version on from the one this object was read at, or refuse.

        One conditional UPDATE: it matches only while nobody else has saved since, and it
        holds the row lock until the transaction ends, so of two simultaneous saves from the
        same version exactly one wins and the other gets `EditConflict`.
        """
        expected = self.version
        claimed = Entry.objects.filter(pk=self.pk, version=expected).update(version=expected + 1)
        if not claimed:
            raise EditConflict(self, expected)
        self.version = expected + 1

    def clean(self) -> None:
        # Before the constraints are validated, so an empty slug is filled in, not refused.
        self.ensure_slug()
        holder = (
            EntrySlug.objects.filter(slug=self.slug)
            .exclude(entry_id=self.pk)
            .select_related("entry")
            .first()
        )
        if holder is None or holder.entry.slug == self.slug:
            # Free, or another entry's current slug, which the unique constraint reports.
            return
        if self.pk is None and self.slug == make_slug(self.title, SLUG_MAX_LENGTH):
            # A new entry's slug prepopulated from its title: pick the next free one quietly.
            self.slug = ""
            self.ensure_slug()
            return
        raise ValidationError(
            {
                "slug": _(
                    "“%(slug)s” was the address of “%(entry)s” before it was renamed, and old "
                    "links still lead there. Choose another slug."
                )
                % {"slug": self.slug, "entry": holder.entry}
            }
        )

    def ensure_slug(self) -> None:
        """Make a slug from the title when there is none, unused by any entry, ever."""
        if not self.slug:
            self.slug = unique_slug(
                make_slug(self.title, SLUG_MAX_LENGTH) or self.kind or "entry",
                lambda s: Entry.objects.exclude(pk=self.pk).known_as(s).exists(),
                SLUG_MAX_LENGTH,
            )

    def remember_slug(self) -> None:
        """Record the current slug among the entry's addresses, so it keeps leading here.

        The unique constraint on `EntrySlug.slug` refuses (IntegrityError) a slug that another
        entry has ever had.
        """
        if not EntrySlug.objects.filter(entry=self, slug=self.slug).exists():
            EntrySlug.objects.create(entry=self, slug=self.slug)

    def get_short_url(self) -> str:
        """The permalink: never changes, whatever happens to the slug or the kind."""
        return reverse("kb:entry_short", args=[self.pk])

    def get_list_url(self) -> str:
        return reverse(f"kb:{self.kind}_list")

    def old_slugs(self) -> list[str]:
        """Slugs the entry had before, oldest first; each still redirects to it."""
        return [s.slug for s in self.slugs.all() if s.slug != self.slug]

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def kind_plural(self) -> str:
        return KIND_PLURALS[Kind(self.kind)]


class EntrySlug(models.Model):
    """A slug an entry has or had. Kept for good: old links redirect, and no entry reuses it."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="slugs"
    )
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH)
    created_at = models.DateTimeField(_("first used"), auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        verbose_name = _("entry address")
        verbose_name_plural = _("entry addresses")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["slug"], name="kb_entryslug_slug_unique"),
            models.CheckConstraint(condition=~Q(slug=""), name="kb_entryslug_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        # The URL the slug had under the entry's current kind; it redirects to the entry.
        return reverse(f"kb:{self.entry.kind}_detail", args=[self.slug])


class KindManager(EntryManager):
    """The manager of a proxy model: only the entries of its kind."""

    def get_queryset(self) -> EntryQuerySet:
        return super().get_queryset().filter(kind=self.model.KIND)


class KindProxy(models.Model):
    """What the proxy models of the four kinds share: their manager, and `kind` set on save."""

    KIND: ClassVar[str]

    objects = KindManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.kind = self.KIND
        super().save(*args, **kwargs)


class Principle(KindProxy, Entry):
    KIND = Kind.PRINCIPLE

    class Meta:
        proxy = True
        verbose_name = _("principle")
        verbose_name_plural = _("principles")


class Rule(KindProxy, Entry):
    KIND = Kind.RULE

    class Meta:
        proxy = True
        verbose_name = _("rule")
        verbose_name_plural = _("rules")


class Situation(KindProxy, Entry):
    KIND = Kind.SITUATION

    class Meta:
        proxy = True
        verbose_name = _("situation")
        verbose_name_plural = _("situations")


class Case(KindProxy, Entry):
    KIND = Kind.CASE

    class Meta:
        proxy = True
        verbose_name = _("case")
        verbose_name_plural = _("cases")


class Response(models.Model):
    """One recommended step (or alternative) of a situation, in order."""

    situation = models.ForeignKey(
        Entry,
        verbose_name=_("situation"),
        on_delete=models.CASCADE,
        related_name="responses",
        limit_choices_to={"kind": Kind.SITUATION},
    )
    position = models.PositiveIntegerField(_("position"), default=0, db_index=False)
    anchor = models.SlugField(
        _("anchor"),
        max_length=60,
        blank=True,
        help_text=_("Stays the same when steps are reordered or edited, so links keep working."),
    )
    text = models.TextField(_("text"), help_text=_("Markdown."))
    text_html = models.TextField(editable=False, blank=True)

    class Meta:
        ordering: ClassVar = ["position", "id"]
        verbose_name = _("response step")
        verbose_name_plural = _("response steps")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["situation", "anchor"], name="kb_response_anchor_unique_per_situation"
            ),
            models.CheckConstraint(condition=~Q(anchor=""), name="kb_response_anchor_not_empty"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["situation", "position"], name="kb_response_order_idx"),
        ]

    def __str__(self) -> str:
        return _("%(situation)s — step %(anchor)s") % {
            "situation": self.situation.title,
            "anchor": self.anchor,
        }

    def save(self, *args, **kwargs) -> None:
        if not self.anchor:
            self.anchor = unique_slug(
                make_slug(" ".join(self.text.split()[:5]), 40) or "step",
                lambda s: (
                    Response.objects.filter(situation_id=self.situation_id, anchor=s)
                    .exclude(pk=self.pk)
                    .exists()
                ),
                60,
            )
        self.text_html = render_markdown(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.situation.get_absolute_url()}#{self.anchor}"

    def get_short_url(self) -> str:
        """The step's permalink: the entry's short link with the step's anchor."""
        return f"{reverse('kb:entry_short', args=[self.situation_id])}#{self.anchor}"


class Synonym(models.Model):
    """Words that mean the same thing to staff, e.g. "заказчик, клиент, покупатель".

    Search expands a query word into all the words of its groups.
    """

    words = models.TextField(
        _("words"),
        help_text=_("Words or short phrases that mean the same, separated by commas."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering: ClassVar = ["words"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        constraints: ClassVar = [
            models.CheckConstraint(condition=~Q(words=""), name="kb_synonym_words_not_empty"),
        ]

    def __str__(self) -> str:
        return " = ".join(self.terms())

    def save(self, *args, **kwargs) -> None:
        self.words = ", ".join(self.terms())
        super().save(*args, **kwargs)

    def terms(self) -> list[str]:
        """The group's words: lower case, "ё" as "е", single spaces, without repeats."""
        normalized = (
            squash_whitespace(word).lower().replace("ё", "е") for word in self.words.split(",")
        )
        return list(dict.fromkeys(word for word in normalized if word))


# History (django-reversion). One revision holds an entry with its steps and tag links, so a
# version is always a whole entry; a step or a tag link saved on its own records its entry too.
# Registered here, at import, so the admin (autodiscovered before this app is ready) finds it.
ENTRY_HISTORY_FOLLOW = ("responses", "taggedentry_set", "slugs")
for _model in (Entry, Principle, Rule, Situation, Case):
    # The tag manager is not serialisable; tags are kept through the TaggedEntry rows.
    # ignore_duplicates: re-setting unchanged links (the seed does) records nothing new.
    reversion.register(
        _model, exclude=("tags",), follow=ENTRY_HISTORY_FOLLOW, ignore_duplicates=True
    )
reversion.register(Response, follow=("situation",))
reversion.register(TaggedEntry, follow=("tag", "content_object"))
reversion.register(Tag)
reversion.register(EntrySlug)


class SearchDocument(models.Model):
    """A published entry as the search index sees it: plain text by field.

    Written only by `kb.search` (`index_entries`, `remove_entries`, `rebuild_index`); drafts
    have none. SQLite keeps the stemmed words in the FTS5 table `kb_search_fts` (rowid = entry
    id); PostgreSQL keeps them in `search_vector`, weighted by field.
    """

    entry = models.OneToOneField(
        Entry, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.TextField()
    summary = models.TextField(blank=True)
    steps = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    body = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering: ClassVar = ["entry_id"]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes: ClassVar = [models.Index(fields=["kind"], name="kb_searchdoc_kind_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.entry.get_absolute_url()


class SearchWord(models.Model):
    """A word of the indexed text and how many documents hold it: the typo corrector's lexicon."""

    word = models.CharField(max_length=100, primary_key=True)
    lemma = models.CharField(max_length=100, db_index=True)
    document_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["word"]
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word
