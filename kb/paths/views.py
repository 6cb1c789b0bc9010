"""Paths staff read, their read marks, and «Что изменилось». Reading logic is in progress.py."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import DetailView, ListView, TemplateView

from kb.content.links import absolute_url
from kb.content.models import Entry
from kb.paths.changes import changes_since_read
from kb.paths.models import Path, PathQuerySet
from kb.paths.progress import reading, readings
from kb.paths.services import mark_read


class PathListView(ListView):
    template_name = "paths/path_list.html"
    context_object_name = "paths"

    def get_queryset(self) -> list[Path]:
        return list(Path.objects.visible_to(self.request.user))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        along = readings(self.object_list, self.request.user)
        return super().get_context_data(
            nav="paths", readings=[along[path.pk] for path in self.object_list], **kwargs
        )


class PathDetailView(DetailView):
    """A path with its entries in order and, for a signed-in reader, their progress."""

    template_name = "paths/path_detail.html"
    context_object_name = "path"

    def get_queryset(self) -> PathQuerySet:
        return Path.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        path = self.object
        canonical_url = absolute_url(self.request, path.get_absolute_url())
        return super().get_context_data(
            nav="paths",
            reading=reading(path, self.request.user),
            canonical_url=canonical_url,
            short_url=absolute_url(self.request, path.get_short_url()),
            oembed_url=absolute_url(
                self.request,
                reverse("kb:oembed") + "?" + urlencode({"url": canonical_url, "format": "json"}),
            ),
            **kwargs,
        )


@require_safe
def short_link(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """`/p/<id>/`: to the path's current address. 302, as `/e/<id>/`: its target may change."""
    path = get_object_or_404(Path.objects.visible_to(request.user).only("slug", "status"), pk=pk)
    return HttpResponseRedirect(path.get_absolute_url())


def requested_version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` field if it is a page of this site, else `default`."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else default


@require_POST
@login_required
def mark_entry_read(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap: the entry is read, at the version the page showed. Back to where it was."""
    entry = get_object_or_404(Entry.objects.visible_to(request.user), pk=pk)
    mark_read(user=request.user, entry=entry, version=requested_version(request))
    return HttpResponseRedirect(safe_next(request, entry.get_absolute_url()), status=303)


class ChangesView(TemplateView):
    """«Что изменилось»: entries the reader read that changed significantly since, with diffs."""

    template_name = "paths/changes.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            nav="changes", changes=changes_since_read(self.request.user), **kwargs
        )


changes = login_required(ChangesView.as_view())
