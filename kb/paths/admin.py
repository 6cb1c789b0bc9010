"""Paths in the admin: entries dragged into order, history, and the leads' view of readers."""

from typing import Any

import reversion
from adminsortable2.admin import CustomInlineFormSet, SortableAdminBase, SortableInlineAdminMixin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version

from kb.content.admin.restoring import RestoreRecoverMixin
from kb.content.admin.wording import NOUNS, GrammaticalAdminMixin
from kb.content.models import Status
from kb.paths import history
from kb.paths.models import Path, PathEntry
from kb.paths.progress import progress_csv, readership


class PathEntryFormSet(CustomInlineFormSet):  # the sortable inline's own formset
    """The rows of a table have no <label>s: each field is named by what it is for, after the
    row's entry (its title is what the row shows; it holds when rows are dragged). A new row,
    also one the page's script adds, is named after no entry."""

    def add_fields(self, form: forms.ModelForm, index: int | None) -> None:
        super().add_fields(form, index)
        entry = form.instance.entry if form.instance.pk else None
        names = {"entry": capfirst(PathEntry._meta.get_field("entry").verbose_name)}
        if entry is None:
            names["note"] = gettext("Note on the new entry")
        else:
            names["note"] = gettext("Note on “%(entry)s”") % {"entry": entry}
            # Only saved rows have the box (a new row has a link that removes it).
            names["DELETE"] = gettext("Delete “%(entry)s” from the path") % {"entry": entry}
        for field, name in names.items():
            if field in form.fields:
                widget = form.fields[field].widget
                # The picker's own widget: a copied wrapper's attrs are still the original's.
                widget = getattr(widget, "widget", widget)
                widget.attrs["aria-label"] = name


class PathEntryInline(SortableInlineAdminMixin, admin.TabularInline):
    model = PathEntry
    formset = PathEntryFormSet
    extra = 0
    fields = ("entry", "note")
    autocomplete_fields = ("entry",)
    verbose_name = _("entry")
    verbose_name_plural = _("entries (drag to reorder)")
    grammatical_noun = NOUNS["kb.entry"]  # «Добавить ещё одну запись»

    def get_queryset(self, request: HttpRequest) -> QuerySet[PathEntry]:
        # Each row's fields are named after its entry.
        return super().get_queryset(request).select_related("entry")

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs: Any):
        if db_field.name == "note":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 50})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def set_status(request: HttpRequest, queryset: QuerySet[Path], status: str, comment: str) -> int:
    changed = 0
    with reversion.create_revision():
        reversion.set_user(request.user)
        reversion.set_comment(comment)
        for item in queryset.exclude(status=status):
            item.status = status
            item.save()
            changed += 1
    return changed


@admin.action(description=_("Publish selected paths"))
def publish(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = set_status(request, queryset, Status.PUBLISHED, gettext("Published"))
    modeladmin.message_user(
        request,
        ngettext("%d path published.", "%d paths published.", changed) % changed,
        messages.SUCCESS,
    )


@admin.action(description=_("Unpublish selected paths (back to draft)"))
def unpublish(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = set_status(request, queryset, Status.DRAFT, gettext("Unpublished"))
    modeladmin.message_user(
        request,
        ngettext("%d path moved to drafts.", "%d paths moved to drafts.", changed) % changed,
        messages.SUCCESS,
    )


@admin.register(Path)
class PathAdmin(GrammaticalAdminMixin, RestoreRecoverMixin, SortableAdminBase, VersionAdmin):
    """Reading paths. Each path has a leads' view: who started it and how far each got."""

    list_display = ("title", "status", "entry_count", "updated_at", "progress_link")
    list_filter = ("status",)
    search_fields = ("title", "slug", "intro")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("short_link", "created_at", "updated_at")
    inlines = (PathEntryInline,)
    actions = (publish, unpublish)
    save_on_top = True
    change_form_template = "admin/paths/path/change_form.html"
    progress_template = "admin/paths/path/progress.html"
    restore_template = "admin/paths/path/restore.html"
    recover_template = "admin/paths/path/recover.html"
    restore_title = _("Restore “%(path)s”")
    recover_title = _("Recover “%(path)s”")
    recovered_message = _("Recovered “%(path)s”.")
    title_key = "path"
    history_latest_first = True

    class Media:
        # The rows' entry pickers (select2) get the names their <select>s have, and legible
        # options.
        css = {"all": ("kb/admin/select2.css",)}
        js = ("kb/admin/select2-labels.js",)

    def get_fieldsets(self, request: HttpRequest, obj: Path | None = None):
        fields = ("title", "slug", "intro", "status")
        if obj is None:
            return [(None, {"fields": fields})]
        return [
            (None, {"fields": fields}),
            (
                _("Addresses and dates"),
                {"fields": ("short_link", "created_at", "updated_at"), "classes": ("collapse",)},
            ),
        ]

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs: Any):
        if db_field.name == "intro":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Path]:
        return super().get_queryset(request).annotate(number_of_entries=Count("items"))

    @admin.display(description=_("entries"), ordering="number_of_entries")
    def entry_count(self, obj: Path) -> int:
        return obj.number_of_entries

    @admin.display(description=_("short link"))
    def short_link(self, obj: Path) -> str:
        url = obj.get_short_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description=_("readers"))
    def progress_link(self, obj: Path) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:paths_path_progress", args=[quote(obj.pk)]),
            gettext("Progress"),
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not PathEntry:
            return super().save_formset(request, form, formset, change)
        # Entries moved between rows would break "once per path" midway through the saves:
        # rows whose entry changed are cleared first, then every row is saved (ids kept).
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        moved = [obj.pk for obj, fields in formset.changed_objects if "entry" in fields]
        PathEntry.objects.filter(pk__in=moved).delete()
        for obj in instances:
            obj.save()
        formset.save_m2m()
        return None

    def get_urls(self) -> list:
        return [
            path(
                "<path:object_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="paths_path_progress",
            ),
            path(
                "<path:object_id>/progress.csv",
                self.admin_site.admin_view(self.progress_csv_view),
                name="paths_path_progress_csv",
            ),
            *super().get_urls(),
        ]

    def get_path(self, request: HttpRequest, object_id: str) -> Path:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def progress_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The leads' view: who started the path, how far each got, who has changes to read."""
        obj = self.get_path(request, object_id)
        context = self.admin_context(
            request,
            title=gettext("Readers of “%(path)s”") % {"path": obj},
            object=obj,
            readership=readership(obj),
            csv_url=reverse("admin:paths_path_progress_csv", args=[quote(obj.pk)]),
        )
        return TemplateResponse(request, self.progress_template, context)

    def progress_csv_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.get_path(request, object_id)
        response = HttpResponse(
            progress_csv(readership(obj)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="path-{obj.slug}-readers.csv"'
        return response

    # History: restore and recover through kb.paths.history, with a diff first.

    def version_to_restore(self, obj: Path, version_id: str) -> Version:
        return get_object_or_404(history.versions_of(obj.pk), pk=version_id)

    def version_to_recover(self, version_id: str) -> Version:
        return get_object_or_404(
            Version.objects.get_deleted(Path).select_related("revision"), pk=version_id
        )

    def differences(self, obj: Path | None, version: Version) -> list[dict[str, Any]]:
        current = history.PathSnapshot.of_path(obj) if obj is not None else None
        return history.compare(current, history.PathSnapshot.of_version(version))

    def restore(self, request: HttpRequest, version: Version) -> None:
        history.restore_path(version=version, user=request.user)

    def recover(self, request: HttpRequest, version: Version) -> Path:
        return history.recover_path(version=version, user=request.user)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        # Not wrapped in one revision (as VersionAdmin does): actions record their own, and a
        # deletion's "before" version must be saved outside any revision block.
        return admin.ModelAdmin.changelist_view(self, request, extra_context)

    def delete_model(self, request: HttpRequest, obj: Path) -> None:
        history.record_before_delete([obj], request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        history.record_before_delete(list(queryset), request.user)
        super().delete_queryset(request, queryset)
