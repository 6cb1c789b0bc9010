"""The editors' admin: every model, with markdown preview and drag-and-drop step ordering."""

import datetime
import json
from typing import Any, ClassVar

import reversion
from adminsortable2.admin import SortableAdminBase, SortableInlineAdminMixin
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.forms import TagWidget
from taggit.models import Tag as TaggitTag

from kb import history, search
from kb.markdown import render_markdown
from kb.models import (
    Case,
    EditConflict,
    Entry,
    Principle,
    Response,
    Rule,
    Situation,
    Source,
    Status,
    Synonym,
    Tag,
    TaggedEntry,
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


def set_status(request: HttpRequest, queryset: QuerySet, status: str, comment: str) -> int:
    """Move the selected entries not in `status` into it, as one revision; returns how many.

    Every selected entry is reindexed, so the action also repairs a stale search document.
    """
    changed = 0
    with reversion.create_revision():
        reversion.set_user(request.user)
        reversion.set_comment(comment)
        for entry in queryset.exclude(status=status):
            entry.status = status
            entry.save()
            changed += 1
        search.index_entries(queryset.values_list("pk", flat=True))
    return changed


@admin.action(description=_("Publish selected entries"))
def publish(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = set_status(request, queryset, Status.PUBLISHED, gettext("Published"))
    modeladmin.message_user(
        request,
        ngettext("%d entry published.", "%d entries published.", changed) % changed,
        messages.SUCCESS,
    )


@admin.action(description=_("Unpublish selected entries (back to draft)"))
def unpublish(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = set_status(request, queryset, Status.DRAFT, gettext("Unpublished"))
    modeladmin.message_user(
        request,
        ngettext("%d entry moved to drafts.", "%d entries moved to drafts.", changed) % changed,
        messages.SUCCESS,
    )


@admin.action(description=_("Mark as reviewed today"))
def mark_reviewed(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    today = timezone.localdate()
    next_review = today + datetime.timedelta(days=settings.PRAVILA_REVIEW_PERIOD_DAYS)
    changed = 0
    with reversion.create_revision():
        reversion.set_user(request.user)
        reversion.set_comment(gettext("Marked as reviewed"))
        for entry in queryset:
            entry.reviewed_on, entry.review_by = today, next_review
            entry.save()
            changed += 1
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d entry marked as reviewed; next review by %(date)s.",
            "%(count)d entries marked as reviewed; next review by %(date)s.",
            changed,
        )
        % {"count": changed, "date": next_review.isoformat()},
        messages.SUCCESS,
    )


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
            return queryset.filter(
                review_by__gte=today,
                review_by__lte=today + datetime.timedelta(days=self.DUE_SOON_DAYS),
            )
        return None


class EntryAdminForm(forms.ModelForm):
    """The entry form, carrying the version it was opened at (optimistic locking)."""

    class Meta:
        widgets: ClassVar = {"version": forms.HiddenInput}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        opened = cleaned.get("version")
        # The admin read `instance` from the database for this very request.
        if self.instance.pk is not None and opened is not None and opened != self.instance.version:
            raise ValidationError(conflict_message(self.instance, opened), code="edit_conflict")
        return cleaned


def conflict_message(entry: Entry, opened_version: int) -> str:
    """Who changed the entry since the editor opened it, when, and a link to the change."""
    info = history.conflict_info(entry, opened_version)
    opts = entry._meta
    if info.opened is not None:
        link = (
            reverse(f"admin:{opts.app_label}_{opts.model_name}_compare", args=[quote(entry.pk)])
            + f"?from={info.opened.pk}&to=current"
        )
    else:
        link = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(entry.pk)])
    return format_html(
        '{} <a href="{}" target="_blank" rel="noopener">{}</a> {}',
        gettext(
            "Not saved: %(user)s changed this entry on %(when)s, after you opened it. "
            "Nothing of yours was written, and your text is still in the form below."
        )
        % {"user": info.user, "when": history.format_moment(info.when)},
        link,
        gettext("See what they changed"),
        gettext("Then reopen the entry and make your changes again."),
    )


class EntryHistoryAdmin(VersionAdmin):
    """History for entries: the version list, a diff of any two, restore and recover.

    Restore and recover go through `kb.history` rather than reversion's own change-form
    replay, so they respect optimistic locking and show the editor a diff before they act.
    """

    object_history_template = "admin/kb/entry_history.html"
    restore_template = "admin/kb/entry_restore.html"
    recover_template = "admin/kb/entry_recover.html"
    compare_template = "admin/kb/entry_compare.html"
    history_latest_first = True

    def get_urls(self) -> list:
        info = (self.model._meta.app_label, self.model._meta.model_name)
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            *super().get_urls(),
        ]

    def history_context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        opts = self.model._meta
        return {
            **self.admin_site.each_context(request),
            "opts": opts,
            "app_label": opts.app_label,
            **extra,
        }

    def get_entry(self, request: HttpRequest, object_id: str) -> Entry:
        entry = self.get_object(request, unquote(object_id))
        if entry is None:
            raise Http404
        return entry

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        entry = self.get_entry(request, object_id)
        opts = self.model._meta
        versions = [
            {
                "version": version,
                "revision": version.revision,
                "url": reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_revision",
                    args=[quote(entry.pk), version.pk],
                ),
            }
            for version in history.versions_of(entry.pk)
        ]
        context = {
            "action_list": versions,
            "compare_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_compare", args=[quote(entry.pk)]
            ),
            "can_restore": self.has_change_permission(request, entry),
            **(extra_context or {}),
        }
        # Django's own history view supplies the title, breadcrumbs and admin log context.
        return admin.ModelAdmin.history_view(self, request, object_id, context)

    def pick_version(self, entry: Entry, value: str | None) -> Version | None:
        if value == "current":
            return None
        if not (value or "").isdigit():
            raise Http404
        return get_object_or_404(history.versions_of(entry.pk), pk=value)

    def compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The differences between any two versions (or a version and the entry as it is)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        entry = self.get_entry(request, object_id)
        old = self.pick_version(entry, request.GET.get("from"))
        new = self.pick_version(entry, request.GET.get("to", "current"))
        if old is None and new is not None:
            old, new = new, old  # "current" is always the newer side
        if (
            old is not None
            and new is not None
            and ((old.revision.date_created, old.pk) > (new.revision.date_created, new.pk))
        ):
            old, new = new, old
        old_snapshot = history.EntrySnapshot.of_version(old) if old else None
        new_snapshot = (
            history.EntrySnapshot.of_version(new) if new else history.EntrySnapshot.of_entry(entry)
        )
        context = self.history_context(
            request,
            title=gettext("Changes to “%(entry)s”") % {"entry": entry},
            object=entry,
            old=old,
            new=new,
            rows=history.compare(old_snapshot, new_snapshot),
            history_url=reverse(
                f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_history",
                args=[quote(entry.pk)],
            ),
        )
        return TemplateResponse(request, self.compare_template, context)

    def revision_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        """Restore: show what would change, and restore the version on confirmation."""
        entry = self.get_entry(request, object_id)
        if not self.has_change_permission(request, entry):
            raise PermissionDenied
        version = get_object_or_404(history.versions_of(entry.pk), pk=version_id)
        opts = self.model._meta
        change_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(entry.pk)]
        )
        if request.method == "POST":
            expected = request.POST.get("version", "")
            try:
                history.restore_version(
                    version=version,
                    user=request.user,
                    expected_version=int(expected) if expected.isdigit() else -1,
                )
            except EditConflict:
                messages.error(
                    request,
                    gettext(
                        "Not restored: someone changed this entry while you were looking. "
                        "Check the differences again."
                    ),
                )
                return HttpResponseRedirect(request.path)
            messages.success(
                request,
                gettext("Restored the version of %(when)s.")
                % {"when": history.format_moment(version.revision.date_created)},
            )
            return HttpResponseRedirect(change_url)
        context = self.history_context(
            request,
            title=gettext("Restore “%(entry)s”") % {"entry": entry},
            object=entry,
            version=version,
            rows=history.compare(
                history.EntrySnapshot.of_entry(entry), history.EntrySnapshot.of_version(version)
            ),
            change_url=change_url,
            history_url=reverse(
                f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(entry.pk)]
            ),
        )
        return TemplateResponse(request, self.restore_template, context)

    def deleted_versions(self) -> list[Version]:
        # Asked of Entry, not of a kind's proxy: its manager would hide the other kinds'
        # entries, which would then look deleted.
        deleted = Version.objects.get_deleted(Entry).select_related("revision")
        kind = getattr(self.model, "KIND", None)
        return [
            version
            for version in deleted.order_by("-revision__date_created")
            if kind is None or json.loads(version.serialized_data)[0]["fields"]["kind"] == kind
        ]

    def recoverlist_view(self, request: HttpRequest, extra_context: dict | None = None):
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        context = self.history_context(
            request,
            title=gettext("Recover deleted %(name)s")
            % {"name": self.model._meta.verbose_name_plural},
            module_name=self.model._meta.verbose_name_plural,
            deleted=self.deleted_versions(),
            **(extra_context or {}),
        )
        return TemplateResponse(request, "reversion/recover_list.html", context)

    def recover_view(
        self, request: HttpRequest, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        """Show a deleted entry as it was, and bring it back on confirmation."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_deleted(Entry).select_related("revision"), pk=version_id
        )
        opts = self.model._meta
        if request.method == "POST":
            try:
                entry = history.recover_entry(version=version, user=request.user)
            except history.HistoryError as error:
                messages.error(request, str(error))
                return HttpResponseRedirect(request.path)
            messages.success(request, gettext("Recovered “%(entry)s”.") % {"entry": entry})
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(entry.pk)])
            )
        context = self.history_context(
            request,
            title=gettext("Recover “%(entry)s”") % {"entry": version.object_repr},
            version=version,
            rows=history.compare(None, history.EntrySnapshot.of_version(version)),
            recoverlist_url=reverse(f"admin:{opts.app_label}_{opts.model_name}_recoverlist"),
        )
        return TemplateResponse(request, self.recover_template, context)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        # Not wrapped in one revision (as VersionAdmin does): each action records its own, and
        # deleting needs its "before deletion" version saved outside any revision block.
        context = {"has_change_permission": self.has_change_permission(request)}
        context.update(extra_context or {})
        return admin.ModelAdmin.changelist_view(self, request, context)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Someone saved between this form's check and its save: everything was rolled
            # back, and the form shown again reports the conflict with the editor's text in it.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_model(self, request: HttpRequest, obj: Entry) -> None:
        history.delete_entries(entries=[obj], user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        history.delete_entries(entries=queryset, user=request.user)


class BaseEntryAdmin(MarkdownPreviewMixin, SortableAdminBase, EntryHistoryAdmin):
    form = EntryAdminForm
    markdown_fields = ("body", "lesson")
    list_display = ("title", "kind", "status", "source", "tag_names", "updated_at", "review_by")
    list_filter = ("kind", "status", ReviewListFilter, "tags", "source", "review_by")
    list_select_related = ("source",)
    search_fields = ("title", "slug", "summary", "body", "tags__name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("basis", "see_also")
    readonly_fields = ("created_at", "updated_at", "view_count", "short_link", "old_addresses")
    date_hierarchy = "updated_at"
    actions = (publish, unpublish, mark_reviewed)
    save_on_top = True
    inlines = (ResponseInline,)
    list_per_page = 50
    main_fields: tuple[str, ...] = ("kind", "title", "slug", "number", "summary", "body", "lesson")

    def get_fieldsets(self, request: HttpRequest, obj: Entry | None = None):
        addresses = []
        if obj is not None:
            addresses = [(_("Addresses"), {"fields": ("short_link", "old_addresses")})]
        # A saved entry's form carries the version it was opened at, hidden.
        main_fields = (*self.main_fields, "version") if obj is not None else self.main_fields
        return [
            (None, {"fields": main_fields}),
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

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # After tags and steps are saved: the search document holds them too.
        search.index_entries([form.instance.pk])

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
    list_filter = ("status", ReviewListFilter, "tags", "source", "review_by")
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
    """Single steps. Saving one records its whole situation in the history and moves the
    situation's version on, so a situation form opened before cannot overwrite the step.

    History, restore and recovery happen on the situation, which holds its steps.
    """

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
        search.index_entries([obj.situation_id])
        # Record the situation with its new version number.
        reversion.add_to_revision(Entry.objects.get(pk=obj.situation_id))

    def delete_model(self, request: HttpRequest, obj: Response) -> None:
        situation = obj.situation
        super().delete_model(request, obj)
        Entry.objects.filter(pk=situation.pk).mark_changed()
        search.index_entries([situation.pk])
        situation.refresh_from_db()
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(gettext("Deleted step %(anchor)s") % {"anchor": obj.anchor})
            reversion.add_to_revision(situation)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for step in queryset.select_related("situation"):
            self.delete_model(request, step)


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

    # Tag names are searchable: reindex the entries that carry a renamed or deleted tag.
    def save_model(self, request: HttpRequest, obj: Tag, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        search.index_entries(obj.tagged_entries.values_list("content_object_id", flat=True))

    def delete_model(self, request: HttpRequest, obj: Tag) -> None:
        tagged = list(obj.tagged_entries.values_list("content_object_id", flat=True))
        super().delete_model(request, obj)
        search.index_entries(tagged)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        tagged = list(
            TaggedEntry.objects.filter(tag__in=queryset).values_list("content_object_id", flat=True)
        )
        super().delete_queryset(request, queryset)
        search.index_entries(tagged)


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Synonym groups apply to queries at once (in other processes within half a minute)."""

    list_display = ("__str__", "updated_at")
    search_fields = ("words",)

    def save_model(self, request: HttpRequest, obj: Synonym, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        search.forget_synonyms()

    def delete_model(self, request: HttpRequest, obj: Synonym) -> None:
        super().delete_model(request, obj)
        search.forget_synonyms()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)
        search.forget_synonyms()


admin.site.site_header = _("Pravila: editors' admin")
admin.site.site_title = _("Pravila")
admin.site.index_title = _("Knowledge base")
