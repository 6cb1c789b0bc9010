"""Optimistic locking on the entry form, and the history pages: compare, restore, recover."""

import json
from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version

from kb.content import history, history_diff
from kb.content.admin.parameters import CheckedParametersMixin, version_number
from kb.content.admin.restoring import RestoreRecoverMixin
from kb.content.admin.wording import describe_change
from kb.content.models import EditConflict, Entry


class EntryAdminForm(forms.ModelForm):
    """The entry form, carrying the version it was opened at (optimistic locking)."""

    # Not a model field: the admin records a SignificantChange with the save (kb.paths).
    significant_change = forms.BooleanField(
        label=_("Significant change"),
        required=False,
        help_text=_(
            "Everyone who read this entry will see it as changed since they read it, with the "
            "differences, and read it again. Leave it off for typo fixes."
        ),
    )

    class Meta:
        widgets: ClassVar = {
            "version": forms.HiddenInput,
            # Short lists and one paragraph: small boxes, so the steps stay near.
            **{
                name: forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"})
                for name in ("signals", "say", "avoid", "escalation", "search_phrases")
            },
        }

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


class EntryHistoryAdmin(RestoreRecoverMixin, CheckedParametersMixin, VersionAdmin):
    """History for entries: the version list, a diff of any two, restore and recover.

    Restore and recover go through `kb.content.history` rather than reversion's own change-form
    replay, so they respect optimistic locking and show the editor a diff before they act.
    """

    object_history_template = "admin/kb/entry_history.html"
    restore_template = "admin/kb/entry_restore.html"
    recover_template = "admin/kb/entry_recover.html"
    compare_template = "admin/kb/entry_compare.html"
    restore_title = _("Restore “%(entry)s”")
    recover_title = _("Recover “%(entry)s”")
    recovered_message = _("Recovered “%(entry)s”.")
    title_key = "entry"
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
                "description": describe_change(version.revision.comment),
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
        version_id = version_number(value)
        if version_id is None:
            raise Http404
        return get_object_or_404(history.versions_of(entry.pk), pk=version_id)

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
        context = self.admin_context(
            request,
            title=gettext("Changes to “%(entry)s”") % {"entry": entry},
            object=entry,
            old=old,
            new=new,
            rows=history_diff.compare(old_snapshot, new_snapshot),
            history_url=reverse(
                f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_history",
                args=[quote(entry.pk)],
            ),
        )
        return TemplateResponse(request, self.compare_template, context)

    def version_to_restore(self, obj: Entry, version_id: str) -> Version:
        version = self.pick_version(obj, version_id)
        if version is None:
            raise Http404
        return version

    def version_to_recover(self, version_id: str) -> Version:
        deleted_id = version_number(version_id)
        if deleted_id is None:
            raise Http404
        return get_object_or_404(
            Version.objects.get_deleted(Entry).select_related("revision"), pk=deleted_id
        )

    def differences(self, obj: Entry | None, version: Version) -> list[dict[str, Any]]:
        current = history.EntrySnapshot.of_entry(obj) if obj is not None else None
        return history_diff.compare(current, history.EntrySnapshot.of_version(version))

    def restore(self, request: HttpRequest, version: Version) -> None:
        expected = version_number(request.POST.get("version"))
        try:
            history.restore_version(
                version=version,
                user=request.user,
                expected_version=-1 if expected is None else expected,
            )
        except EditConflict as conflict:
            # Refused like any other restore, in the words for this case.
            raise history.HistoryError(
                gettext(
                    "Not restored: someone changed this entry while you were looking. "
                    "Check the differences again."
                )
            ) from conflict

    def recover(self, request: HttpRequest, version: Version) -> Entry:
        return history.recover_entry(version=version, user=request.user)

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
        context = self.admin_context(
            request,
            title=gettext("Recover deleted %(name)s")
            % {"name": self.model._meta.verbose_name_plural},
            module_name=self.model._meta.verbose_name_plural,
            deleted=self.deleted_versions(),
            **(extra_context or {}),
        )
        return TemplateResponse(request, "reversion/recover_list.html", context)

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
