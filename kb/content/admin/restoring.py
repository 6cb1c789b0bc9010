"""Restore and recover on an admin's history pages, the same flow for entries and paths.

Both go through a history module (`kb.content.history`, `kb.paths.history`) instead of reversion's
change-form replay: the editor sees the differences first, and a refusal comes back as a
message on the same page.
"""

from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from reversion.models import Version

from kb.content.history import HistoryError, format_moment


class RestoreRecoverMixin:
    """The restore (`revision_view`) and recover pages of a `VersionAdmin`.

    Each model's admin says what differs: its templates and wording, how a version is
    looked up, how two states are compared, and the restore and recover calls themselves.
    """

    restore_template: str
    recover_template: str
    # The model's own msgids, each with one placeholder, named `title_key`.
    restore_title: Promise
    recover_title: Promise
    recovered_message: Promise
    title_key: str

    def version_to_restore(self, obj: Model, version_id: str) -> Version:
        """The version of `obj` named in the URL (Http404 if there is none)."""
        raise NotImplementedError

    def version_to_recover(self, version_id: str) -> Version:
        """The deletion version named in the URL (Http404 if there is none)."""
        raise NotImplementedError

    def differences(self, obj: Model | None, version: Version) -> list[dict[str, Any]]:
        """The diff rows from `obj` as it is (None once deleted) to `version`."""
        raise NotImplementedError

    def restore(self, request: HttpRequest, version: Version) -> None:
        """Restore `version`; a `HistoryError` tells the editor why it could not be."""
        raise NotImplementedError

    def recover(self, request: HttpRequest, version: Version) -> Model:
        """Bring the deleted object back; a `HistoryError` tells the editor why it could not."""
        raise NotImplementedError

    def admin_context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        opts = self.model._meta
        return {
            **self.admin_site.each_context(request),
            "opts": opts,
            "app_label": opts.app_label,
            **extra,
        }

    def admin_url(self, view: str, *args: Any) -> str:
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[quote(arg) for arg in args]
        )

    def revision_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        """Restore: show what would change, and restore the version on confirmation."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = self.version_to_restore(obj, version_id)
        change_url = self.admin_url("change", obj.pk)
        if request.method == "POST":
            try:
                self.restore(request, version)
            except HistoryError as error:
                messages.error(request, str(error))
                return HttpResponseRedirect(request.path)
            messages.success(
                request,
                gettext("Restored the version of %(when)s.")
                % {"when": format_moment(version.revision.date_created)},
            )
            return HttpResponseRedirect(change_url)
        context = self.admin_context(
            request,
            title=self.restore_title % {self.title_key: obj},
            object=obj,
            version=version,
            rows=self.differences(obj, version),
            change_url=change_url,
            history_url=self.admin_url("history", obj.pk),
        )
        return TemplateResponse(request, self.restore_template, context)

    def recover_view(
        self, request: HttpRequest, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        """Show a deleted object as it was, and bring it back on confirmation."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = self.version_to_recover(version_id)
        if request.method == "POST":
            try:
                obj = self.recover(request, version)
            except HistoryError as error:
                messages.error(request, str(error))
                return HttpResponseRedirect(request.path)
            messages.success(request, self.recovered_message % {self.title_key: obj})
            return HttpResponseRedirect(self.admin_url("change", obj.pk))
        context = self.admin_context(
            request,
            title=self.recover_title % {self.title_key: version.object_repr},
            version=version,
            rows=self.differences(None, version),
            recoverlist_url=self.admin_url("recoverlist"),
        )
        return TemplateResponse(request, self.recover_template, context)
