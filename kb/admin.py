"""The editors' admin: every model, with markdown preview and drag-and-drop step ordering."""

from typing import Any, ClassVar

from adminsortable2.admin import SortableAdminBase, SortableInlineAdminMixin
from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.forms import TagWidget
from taggit.models import Tag as TaggitTag

from kb.markdown import render_markdown
from kb.models import (
    Case,
    Entry,
    Principle,
    Response,
    Rule,
    Situation,
    Source,
    Status,
    Synonym,
    Tag,
)

MAX_PREVIEW_LENGTH = 200_000

# Only our own tag model is used; taggit's default one would only confuse editors.
if admin.site.is_registered(TaggitTag):
    admin.site.unregister(TaggitTag)


class MarkdownTextarea(forms.Textarea):
    """A textarea whose text the admin script previews as the page will show it."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={
                "rows": 12,
                "class": "vLargeTextField",
                "data-markdown-preview": "",
                **(attrs or {}),
            }
        )

    class Media:
        js = ("kb/admin/markdown-preview.js",)
        css = {"all": ("kb/admin/markdown-preview.css",)}


class MarkdownPreviewMixin:
    """Adds `<admin url>/preview/`, which renders posted markdown exactly as the site does."""

    markdown_fields: tuple[str, ...] = ()

    def get_urls(self) -> list:
        info = (self.model._meta.app_label, self.model._meta.model_name)
        return [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="{}_{}_preview".format(*info),
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            return JsonResponse({"error": "forbidden"}, status=403)
        text = request.POST.get("text", "")[:MAX_PREVIEW_LENGTH]
        return JsonResponse({"html": render_markdown(text)})

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs: Any):
        if db_field.name == "summary":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"})
        if db_field.name == "tags":
            kwargs["widget"] = TagWidget(attrs={"class": "vLargeTextField"})
        if db_field.name in self.markdown_fields:
            info = (self.model._meta.app_label, self.model._meta.model_name)
            kwargs["widget"] = MarkdownTextarea(
                attrs={"data-preview-url": reverse("admin:{}_{}_preview".format(*info))}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ResponseInline(SortableInlineAdminMixin, admin.StackedInline):
    model = Response
    extra = 0
    fields = ("text", "anchor")
    # Anchors are made once from the first words and never change, so step links keep working.
    readonly_fields = ("anchor",)
    verbose_name = _("response step")
    verbose_name_plural = _("response steps (drag to reorder)")

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs: Any):
        if db_field.name == "text":
            # Steps render with the same markdown as entries, so the entry's preview URL serves.
            kwargs["widget"] = MarkdownTextarea(
                attrs={"rows": 3, "data-preview-url": reverse("admin:kb_situation_preview")}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.action(description=_("Publish selected entries"))
def publish(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = 0
    for entry in queryset.exclude(status=Status.PUBLISHED):
        entry.status = Status.PUBLISHED
        entry.save()
        changed += 1
    modeladmin.message_user(
        request,
        ngettext("%d entry published.", "%d entries published.", changed) % changed,
        messages.SUCCESS,
    )


@admin.action(description=_("Unpublish selected entries (back to draft)"))
def unpublish(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = 0
    for entry in queryset.filter(status=Status.PUBLISHED):
        entry.status = Status.DRAFT
        entry.save()
        changed += 1
    modeladmin.message_user(
        request,
        ngettext("%d entry moved to drafts.", "%d entries moved to drafts.", changed) % changed,
        messages.SUCCESS,
    )


class BaseEntryAdmin(MarkdownPreviewMixin, SortableAdminBase, admin.ModelAdmin):
    markdown_fields = ("body", "lesson")
    list_display = ("title", "kind", "status", "source", "tag_names", "updated_at", "review_by")
    list_filter = ("kind", "status", "tags", "source", "review_by")
    list_select_related = ("source",)
    search_fields = ("title", "slug", "summary", "body", "tags__name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("basis", "see_also")
    readonly_fields = ("created_at", "updated_at", "view_count", "short_link", "old_addresses")
    date_hierarchy = "updated_at"
    actions = (publish, unpublish)
    save_on_top = True
    inlines = (ResponseInline,)
    list_per_page = 50
    main_fields: tuple[str, ...] = ("kind", "title", "slug", "number", "summary", "body", "lesson")

    def get_fieldsets(self, request: HttpRequest, obj: Entry | None = None):
        addresses = []
        if obj is not None:
            addresses = [(_("Addresses"), {"fields": ("short_link", "old_addresses")})]
        return [
            (None, {"fields": self.main_fields}),
            *addresses,
            (_("Tags and links"), {"fields": self.link_fields()}),
            (_("Source"), {"fields": ("source", "source_locator")}),
            (
                _("Publishing and review"),
                {"fields": ("status", "owner", "reviewed_on", "review_by")},
            ),
            (
                _("History"),
                {"fields": ("created_at", "updated_at", "view_count"), "classes": ("collapse",)},
            ),
        ]

    def link_fields(self) -> tuple[str, ...]:
        return ("tags", "basis", "see_also")

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

    @admin.display(description=_("tags"))
    def tag_names(self, obj: Entry) -> str:
        return ", ".join(tag.name for tag in obj.tags.all())

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
    list_filter = ("status", "tags", "source", "review_by")
    list_display = ("title", "status", "source", "tag_names", "updated_at", "review_by")


@admin.register(Principle)
class PrincipleAdmin(KindAdmin):
    main_fields = ("title", "slug", "summary", "body")
    inlines = ()

    def link_fields(self) -> tuple[str, ...]:
        return ("tags", "see_also")


@admin.register(Rule)
class RuleAdmin(KindAdmin):
    main_fields = ("title", "slug", "number", "summary", "body")
    list_display = ("__str__", "status", "source", "tag_names", "updated_at", "review_by")
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
class ResponseAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    markdown_fields = ("text",)
    list_display = ("situation", "position", "anchor", "short_text")
    list_filter = (("situation", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("situation",)
    search_fields = ("text", "anchor", "situation__title")
    autocomplete_fields = ("situation",)
    readonly_fields = ("anchor",)

    @admin.display(description=_("text"))
    def short_text(self, obj: Response) -> str:
        return obj.text if len(obj.text) <= 80 else f"{obj.text[:79]}…"


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides: ClassVar = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "author", "published_on", "entry_count")
    search_fields = ("title", "author", "description")
    prepopulated_fields = {"slug": ("title",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(entry_total=Count("entries"))

    @admin.display(description=_("entries"), ordering="entry_total")
    def entry_count(self, obj: Source) -> int:
        return obj.entry_total


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "entry_count")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(entry_total=Count("tagged_entries"))

    @admin.display(description=_("entries"), ordering="entry_total")
    def entry_count(self, obj: Tag) -> int:
        return obj.entry_total


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ("__str__", "updated_at")
    search_fields = ("words",)


admin.site.site_header = _("Pravila: editors' admin")
admin.site.site_title = _("Pravila")
admin.site.index_title = _("Knowledge base")
