"""Markdown fields in the admin: a textarea with a live preview rendered as the site renders."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagWidget

from kb.core.markdown import render_markdown

MAX_PREVIEW_LENGTH = 200_000
# The stylesheets of an entry page, and the frame's own padding: the preview frame shows the text
# with these and no others.
ENTRY_STYLESHEETS = ("css/site.css", "css/situation.css", "kb/admin/preview-frame.css")


class MarkdownTextarea(forms.Textarea):
    """A textarea whose text the admin script previews as the page will show it."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={
                "rows": 12,
                "class": "vLargeTextField",
                "data-markdown-preview": "",
                "data-preview-label": _("Preview"),
                "data-preview-stylesheets": " ".join(static(name) for name in ENTRY_STYLESHEETS),
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
