"""Entries: the unit staff read, search and link to, with every address they ever had."""

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from kb.content.models.choices import KIND_PLURALS, SLUG_MAX_LENGTH, Kind, Status
from kb.content.models.querysets import EntryManager
from kb.content.models.taxonomy import NormalizedTagManager, Source, TaggedEntry
from kb.core.markdown import render_markdown
from kb.core.text import make_slug, split_lines, squash_whitespace, unique_slug

# The structured parts of a situation kept as lists, one item per line (see `Entry.signals`).
LIST_FIELDS = ("signals", "say", "avoid")
# Every structured part: only situations have them (a check constraint makes sure).
STRUCTURE_FIELDS = (*LIST_FIELDS, "escalation")
ITEM_MAX_LENGTH = 300
# Typed links from an entry, by relation: the many-to-many field that holds each.
LINK_RELATIONS = {"applies": "basis", "example": "examples", "see_also": "see_also"}


def validate_items(value: str) -> None:
    """Each item of a one-per-line list is short: a signal or a phrase, not a paragraph."""
    too_long = [item for item in split_lines(value) if len(item) > ITEM_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            _(
                "Each line is one item of at most %(limit)s characters; this one is longer: "
                "“%(item)s…”. Split it into several lines."
            ),
            code="item_too_long",
            params={"limit": ITEM_MAX_LENGTH, "item": too_long[0][:60]},
        )


class EditConflict(Exception):
    """A save based on a version of an entry that someone else has changed (or deleted) since."""

    def __init__(self, entry: "Entry", expected_version: int) -> None:
        super().__init__(f"{entry.pk}: expected version {expected_version}, which is not current")
        self.entry = entry
        self.expected_version = expected_version


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
    # The editors' own words: advice no source gives. Shown apart from the cited text and
    # never attributed to a source.
    editor_note = models.TextField(
        _("editors' note"),
        blank=True,
        help_text=_(
            "Markdown. Advice from the editors that the cited source does not give; the page "
            "shows it apart, as the editors' words."
        ),
    )
    editor_note_html = models.TextField(editable=False, blank=True)
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
    # Situations only: how staff tell they are in it, what to say and never say, and when to
    # hand over. Lists are text with one item per line: editors type them in one box, and
    # history diffs, export and the seed's fingerprint treat them as the plain text they are.
    signals = models.TextField(
        _("how to recognise it"),
        blank=True,
        validators=[validate_items],
        help_text=_("Situations only. What you hear or see, one short item per line."),
    )
    say = models.TextField(
        _("phrases to use"),
        blank=True,
        validators=[validate_items],
        help_text=_(
            "Situations only. One phrase per line, as staff would say it, without quotation "
            "marks: each gets its own copy button."
        ),
    )
    avoid = models.TextField(
        _("what to avoid"),
        blank=True,
        validators=[validate_items],
        help_text=_(
            "Situations only. What never to say or do, one short item per line; write a "
            "phrase to avoid in «quotation marks»."
        ),
    )
    escalation = models.TextField(
        _("when to hand over"),
        max_length=600,
        blank=True,
        help_text=_(
            "Situations only. When and to whom to hand the conversation over: a role (“the "
            "account manager”), not a person's name."
        ),
    )
    # Any kind: the words staff use for what the entry is about, which its text may not
    # contain. Only search reads them (indexed with the title's weight); pages never show them.
    search_phrases = models.TextField(
        _("search phrases"),
        blank=True,
        validators=[validate_items],
        help_text=_(
            "How staff say it, one phrase per line, e.g. “не берёт трубку”. Not shown on the "
            "page; search finds the entry by these as by its title."
        ),
    )
    examples = models.ManyToManyField(
        "self",
        verbose_name=_("cases that show it"),
        symmetrical=False,
        related_name="example_of",
        blank=True,
        limit_choices_to={"kind": Kind.CASE},
        help_text=_("Situations only: cases from practice where this situation happened."),
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
    seed_checksum = models.CharField(max_length=80, blank=True, editable=False)
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
                fields=["seed_key"], condition=~Q(seed_key=""), name="kb_entry_seed_key_unique"
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
            models.CheckConstraint(
                condition=Q(kind=Kind.SITUATION) | Q(signals="", say="", avoid="", escalation=""),
                name="kb_entry_structure_only_for_situations",
                violation_error_message=_(
                    "Only situations have signals, phrases and a hand-over. Empty those fields "
                    "or make this entry a situation."
                ),
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["kind", "status", "title"], name="kb_entry_kind_status_idx"),
            models.Index(fields=["status", "-updated_at"], name="kb_entry_recent_idx"),
            models.Index(fields=["review_by"], name="kb_entry_review_by_idx"),
            # The sitemap's sections: published entries by id, a page at a time.
            models.Index(fields=["status", "id"], name="kb_entry_status_id_idx"),
            # The most opened situations, for the home page, without sorting them all.
            models.Index(
                fields=["kind", "status", "-view_count", "title"], name="kb_entry_popular_idx"
            ),
            # A tag's page, every kind by title: read in order, a page at a time, instead of
            # sorting the tag's entries (tens of thousands).
            models.Index(fields=["status", "title", "id"], name="kb_entry_status_title_idx"),
            # The admin's lists, the latest changed first (`BaseEntryAdmin.ordering`).
            models.Index(fields=["-updated_at", "-id"], name="kb_entry_updated_idx"),
            models.Index(fields=["kind", "-updated_at", "-id"], name="kb_entry_kind_updated_idx"),
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
        for name in (*LIST_FIELDS, "search_phrases"):
            setattr(self, name, "\n".join(split_lines(getattr(self, name))))
        self.escalation = self.escalation.strip()
        self.body_html = render_markdown(self.body)
        self.lesson_html = render_markdown(self.lesson)
        self.editor_note_html = render_markdown(self.editor_note)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            touched = set(update_fields)
            if "body" in touched:
                touched.add("body_html")
            if "lesson" in touched:
                touched.add("lesson_html")
            if "editor_note" in touched:
                touched.add("editor_note_html")
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

    def all_citations(self) -> list[tuple[Source, str]]:
        """Every place the entry cites, as (source, place): its own source first."""
        first = [(self.source, self.source_locator)] if self.source else []
        return first + [(c.source, c.locator) for c in self.citations.all()]

    def typed_links(self) -> list[tuple[str, "Entry"]]:
        """The entries this one links to, as (relation, entry), "applies" first."""
        return [
            (relation, other)
            for relation, name in LINK_RELATIONS.items()
            for other in getattr(self, name).all()
        ]

    @property
    def signal_items(self) -> list[str]:
        return split_lines(self.signals)

    @property
    def say_items(self) -> list[str]:
        return split_lines(self.say)

    @property
    def avoid_items(self) -> list[str]:
        return split_lines(self.avoid)

    @property
    def search_phrase_items(self) -> list[str]:
        return split_lines(self.search_phrases)

    def has_search_phrase(self, phrase: str) -> bool:
        """Whether the phrase is already one of the entry's, ignoring case and spacing."""
        wanted = squash_whitespace(phrase).lower()
        return any(squash_whitespace(p).lower() == wanted for p in self.search_phrase_items)

    @property
    def has_structure(self) -> bool:
        """Whether any structured part (signals, phrases, hand-over) is filled in."""
        return any(getattr(self, name) for name in STRUCTURE_FIELDS)

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
