"""The entry admins (one list of all kinds and one per kind) and single response steps."""

from typing import Any

import reversion
from adminsortable2.admin import SortableAdminBase, SortableInlineAdminMixin
from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kb.content.admin.actions import mark_reviewed, publish, unpublish
from kb.content.admin.citations import CitationInline
from kb.content.admin.entry_history import EntryAdminForm, EntryHistoryAdmin
from kb.content.admin.filters import OwnerListFilter, ReviewListFilter
from kb.content.admin.markdown import MarkdownPreviewMixin, MarkdownTextarea
from kb.content.admin.parameters import CheckedChangeList
from kb.content.admin.review_actions import schedule_review, set_owner
from kb.content.admin.wording import GrammaticalAdminMixin, name_steps_by_text
from kb.content.models import (
    STRUCTURE_FIELDS,
    Case,
    Entry,
    Kind,
    Principle,
    Response,
    Rule,
    Situation,
)
from kb.content.models.querysets import LONG_TEXTS
from kb.core import signals


class EntryChangeList(CheckedChangeList):
    """The list of entries, read without their long texts: it sorts every entry of the list
    to show a hundred, and no column shows them."""

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet:
        return super().get_queryset(request, exclude_parameters).defer(*LONG_TEXTS)


# At 100,000 entries the date drill-down alone takes seconds on SQLite (a function call per
# row); narrowed by a filter or a search first, it is quick.
DATE_DRILL_DOWN_MAX = 2000


class ResponseInline(SortableInlineAdminMixin, admin.StackedInline):
    model = Response
    # Headed «Шаг 1», «Шаг 2», … rather than by their anchors.
    template = "admin/kb/edit_inline/steps.html"
    fields = ("text", "anchor")
    # Anchors are made once from the first words and never change, so step links keep working.
    readonly_fields = ("anchor",)
    verbose_name = _("response step")
    verbose_name_plural = _("response steps (drag to reorder)")

    class Media:
        js = ("kb/admin/steps.js",)

    def get_extra(self, request: HttpRequest, obj: Entry | None = None, **kwargs: Any) -> int:
        # A new situation's form offers its first step at once; a saved one's lists its own.
        return 1 if obj is None else 0

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs: Any):
        if db_field.name == "text":
            # Steps render with the same markdown as entries, so the entry's preview URL serves.
            kwargs["widget"] = MarkdownTextarea(
                attrs={"rows": 3, "data-preview-url": reverse("admin:kb_situation_preview")}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class BaseEntryAdmin(
    GrammaticalAdminMixin, MarkdownPreviewMixin, SortableAdminBase, EntryHistoryAdmin
):
    form = EntryAdminForm
    markdown_fields = ("body", "lesson", "editor_note")
    # Short columns, so that a list fits a 1280 px screen beside the filters: the source is a
    # filter only, tags are shown compactly, dates as 26.11.2026 (entries.css hides the
    # least needed columns on phones). The list of all kinds has the kind instead of the date
    # of the last change (its date drill-down is by that date).
    list_display = ("title", "kind", "status", "tag_names", "review_date")
    list_filter = (
        "kind",
        "status",
        ReviewListFilter,
        OwnerListFilter,
        "tags",
        "source",
        "review_by",
    )
    list_select_related = ("source",)
    search_fields = ("title", "slug", "summary", "body", "editor_note", "tags__name")
    # At 100,000 entries a second count of the whole table costs as much as the page.
    show_full_result_count = False
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("basis", "see_also", "examples")
    readonly_fields = ("created_at", "updated_at", "view_count", "short_link", "old_addresses")
    date_hierarchy = "updated_at"
    actions = (publish, unpublish, mark_reviewed, set_owner, schedule_review)
    save_on_top = True
    inlines = (ResponseInline,)
    list_per_page = 50
    # The latest changed first, read in the order of an index (kind, updated_at, id): sorting
    # the whole table by number and title cost most of the page at 100,000 entries.
    ordering = ("-updated_at", "-id")
    main_fields: tuple[str, ...] = ("kind", "title", "slug", "number", "summary", "body", "lesson")
    # On a situation's form these move below the steps and the structured fields.
    DETAIL_FIELDS: tuple[str, ...] = ("body", "lesson")
    change_form_template = "admin/kb/entry_form.html"

    # The form's sections, top to bottom: what editors write first comes first. The steps
    # (an inline) follow the "main" section; the template `admin/kb/entry_form.html` puts them
    # there. Sections a kind or an unsaved entry lacks are left out by `fieldset_sections`.
    SECTION_ORDER: tuple[str, ...] = (
        "main",
        # -- the steps --
        "structure",
        "details",
        "links",
        "search",
        "source",
        # -- further citations --
        "editor_note",
        "publishing",
        "addresses",
        "history",
    )

    def get_fieldsets(self, request: HttpRequest, obj: Entry | None = None):
        sections = self.fieldset_sections(obj)
        return [sections[name] for name in self.SECTION_ORDER if name in sections]

    def fieldset_sections(self, obj: Entry | None) -> dict[str, tuple]:
        """Every section the form of `obj` (None: a new entry) has, by name."""
        main_fields = self.main_fields
        # A saved entry's form carries the version it was opened at, hidden.
        if obj is not None:
            main_fields = (*main_fields, "version")
        link_fields = self.link_fields()
        sections: dict[str, tuple] = {}
        if self.offers_structure(obj):
            # A situation's long text comes after its steps and structure: editors start there.
            detail_fields = tuple(name for name in main_fields if name in self.DETAIL_FIELDS)
            main_fields = tuple(name for name in main_fields if name not in self.DETAIL_FIELDS)
            sections["structure"] = (
                _("Recognise, say, hand over"),
                {"fields": STRUCTURE_FIELDS},
            )
            if detail_fields:
                sections["details"] = (_("Details"), {"fields": detail_fields})
            link_fields = (*link_fields, "examples")
        sections["main"] = (None, {"fields": main_fields})
        sections["links"] = (_("Tags and links"), {"fields": link_fields})
        sections["search"] = (_("Search"), {"fields": ("search_phrases",)})
        sections["source"] = (
            _("Source"),
            {"fields": ("source", "source_locator"), "classes": ("entry-source",)},
        )
        # Apart from the cited text, next to the sources: what no source says.
        sections["editor_note"] = (_("Editors' note"), {"fields": ("editor_note",)})
        publishing = ("status", "owner", "reviewed_on", "review_by")
        if obj is not None:
            # Tells the entry's readers about this save: next to the other publishing choices.
            publishing = (*publishing, "significant_change")
        sections["publishing"] = (_("Publishing and review"), {"fields": publishing})
        if obj is not None:
            sections["addresses"] = (
                _("Addresses"),
                {"fields": ("short_link", "old_addresses"), "classes": ("collapse",)},
            )
        sections["history"] = (
            _("History"),
            {"fields": ("created_at", "updated_at", "view_count"), "classes": ("collapse",)},
        )
        return sections

    def link_fields(self) -> tuple[str, ...]:
        return ("tags", "basis", "see_also")

    def get_inlines(self, request: HttpRequest, obj: Entry | None) -> tuple:
        # Every kind may cite further places; only situations have steps.
        return (*super().get_inlines(request, obj), CitationInline)

    def offers_structure(self, obj: Entry | None) -> bool:
        """Whether the form offers a situation's signals, phrases, hand-over and examples."""
        return obj is None or obj.kind == Kind.SITUATION

    @admin.display(description=_("short link"))
    def short_link(self, obj: Entry) -> str:
        url = obj.get_short_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description=_("old addresses (they redirect here)"))
    def old_addresses(self, obj: Entry) -> str:
        slugs = obj.old_slugs()
        if not slugs:
            return "—"
        return format_html_join(", ", "<code>{}</code>", ((slug,) for slug in slugs))

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("tags")

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[EntryChangeList]:
        return EntryChangeList

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        """The list; its drill-down by date only while it holds at most `DATE_DRILL_DOWN_MAX`
        entries or a date is chosen: it reads the date of every entry in the list."""
        changelist = super().get_changelist_instance(request)
        chosen = any(name.startswith(f"{self.date_hierarchy}__") for name in request.GET)
        if not chosen and changelist.result_count > DATE_DRILL_DOWN_MAX:
            changelist.date_hierarchy = None
        return changelist

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> list[dict]:
        # History names a step by its text, never by its transliterated anchor.
        message = super().construct_change_message(request, form, formsets, add)
        return name_steps_by_text(message, formsets or [])

    # The history keeps Django's change message as it is stored (JSON, untranslated) rather than
    # as text in the saving editor's language: the history page words it for its reader.
    def log_addition(self, request: HttpRequest, obj: Entry, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.change_message)
        return entry

    def log_change(self, request: HttpRequest, obj: Entry, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.change_message)
        return entry

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # After tags and steps are saved: the search document holds them too.
        signals.entries_changed.send(sender=Entry, entry_ids=[form.instance.pk])
        if change and form.cleaned_data.get("significant_change"):
            # Recorded with this save's revision: its readers must read it again.
            signals.significant_change.send(sender=Entry, entry=form.instance)

    class Media:
        css = {"all": ("kb/admin/entries.css", "kb/admin/select2.css")}
        js = ("kb/admin/select2-labels.js",)

    LISTED_TAGS = 2

    @admin.display(description=_("tags"))
    def tag_names(self, obj: Entry) -> str:
        """The first tags and how many more; all of them in the tooltip."""
        names = [tag.name for tag in obj.tags.all()]
        if len(names) <= self.LISTED_TAGS:
            return ", ".join(names)
        shown = ", ".join(names[: self.LISTED_TAGS])
        more = len(names) - self.LISTED_TAGS
        return format_html(
            '<span title="{}">{} <span class="more-tags">+{}</span></span>',
            ", ".join(names),
            shown,
            more,
        )

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated(self, obj: Entry) -> str:
        return formats.date_format(timezone.localtime(obj.updated_at), "SHORT_DATE_FORMAT")

    @admin.display(description=_("review by"), ordering="review_by", empty_value="—")
    def review_date(self, obj: Entry) -> str | None:
        if obj.review_by is None:
            return None
        return formats.date_format(obj.review_by, "SHORT_DATE_FORMAT")

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The "principles and rules behind it" picker only offers principles and rules.
        if request.GET.get("field_name") == "basis":
            queryset = queryset.filter(kind__in=("principle", "rule"))
        return queryset, may_have_duplicates


@admin.register(Entry)
class EntryAdmin(BaseEntryAdmin):
    """All kinds in one list: for searching and filtering across the knowledge base."""


class KindAdmin(BaseEntryAdmin):
    list_filter = ("status", ReviewListFilter, OwnerListFilter, "tags", "source", "review_by")
    list_display = ("title", "status", "tag_names", "updated", "review_date")

    def offers_structure(self, obj: Entry | None) -> bool:
        return self.model.KIND == Kind.SITUATION


@admin.register(Principle)
class PrincipleAdmin(KindAdmin):
    main_fields = ("title", "slug", "summary", "body")
    inlines = ()

    def link_fields(self) -> tuple[str, ...]:
        return ("tags", "see_also")


@admin.register(Rule)
class RuleAdmin(KindAdmin):
    main_fields = ("title", "slug", "number", "summary", "body")
    list_display = ("__str__", "status", "tag_names", "updated", "review_date")
    # Rules by number, as they are cited; they are few (a twentieth of the entries), so sorting
    # them stays cheap.
    ordering = (F("number").asc(nulls_last=True), "title", "-id")
    inlines = ()

    def link_fields(self) -> tuple[str, ...]:
        return ("tags", "see_also")


@admin.register(Situation)
class SituationAdmin(KindAdmin):
    main_fields = ("title", "slug", "summary", "body")


@admin.register(Case)
class CaseAdmin(KindAdmin):
    main_fields = ("title", "slug", "summary", "body", "lesson")
    inlines = ()


@admin.register(Response)
class ResponseAdmin(GrammaticalAdminMixin, MarkdownPreviewMixin, admin.ModelAdmin):
    """Single steps. Saving one records its whole situation in the history and moves the
    situation's version on, so a situation form opened before cannot overwrite the step.

    History, restore and recovery happen on the situation, which holds its steps.
    """

    markdown_fields = ("text",)
    list_display = ("situation", "position", "anchor", "short_text")
    # No filter by situation: it listed every situation with a step (60,000 links, 8 MB and
    # 14 s at 100,000 entries). Steps are found by their situation's title (search) or on
    # the situation's own form.
    list_select_related = ("situation",)
    search_fields = ("text", "anchor", "situation__title")
    autocomplete_fields = ("situation",)
    readonly_fields = ("anchor",)

    class Media:
        # Underlined breadcrumb links, as on the entry pages (axe link-in-text-block); the
        # situation picker (select2) gets its field's label and legible options.
        css = {"all": ("kb/admin/entries.css", "kb/admin/select2.css")}
        js = ("kb/admin/select2-labels.js",)

    @admin.display(description=_("text"))
    def short_text(self, obj: Response) -> str:
        return obj.text if len(obj.text) <= 80 else f"{obj.text[:79]}…"

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def log_change(self, request: HttpRequest, obj: Response, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        reversion.set_comment(entry.get_change_message())
        return entry

    def log_addition(self, request: HttpRequest, obj: Response, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        reversion.set_comment(entry.get_change_message())
        return entry

    def save_model(self, request: HttpRequest, obj: Response, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        Entry.objects.filter(pk=obj.situation_id).mark_changed()
        signals.entries_changed.send(sender=Entry, entry_ids=[obj.situation_id])
        # Record the situation with its new version number.
        reversion.add_to_revision(Entry.objects.get(pk=obj.situation_id))

    def delete_model(self, request: HttpRequest, obj: Response) -> None:
        situation = obj.situation
        super().delete_model(request, obj)
        Entry.objects.filter(pk=situation.pk).mark_changed()
        signals.entries_changed.send(sender=Entry, entry_ids=[situation.pk])
        situation.refresh_from_db()
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(gettext("Deleted step %(anchor)s") % {"anchor": obj.anchor})
            reversion.add_to_revision(situation)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for step in queryset.select_related("situation"):
            self.delete_model(request, step)
