"""Admin phrases that read right in Russian: model names in the case each phrase needs.

Django's admin puts a model's name, in the nominative, into every phrase («Добавить ситуация»,
«Ситуация “…” был успешно изменен»). Russian needs the accusative after «Добавить», «Изменить»,
«Выберите», and a past participle that agrees with the noun's gender. `GrammaticalAdminMixin`
gives the admin's titles, buttons and messages whole phrases instead, from `NOUNS`. English reads
the same whatever the gender, so its phrases are identical in every context.

`describe_change` renders a history entry's change message (Django's JSON, stored untranslated)
in the reader's language with the same care.
"""

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext, pgettext_lazy

MASCULINE, FEMININE, NEUTER = "masculine", "feminine", "neuter"


@dataclass(frozen=True)
class Noun:
    """How a model's name is used in phrases: its gender (in Russian) and its accusative."""

    gender: str
    accusative: Promise


# By model label. The gender is the Russian noun's (the verbose_name's head word).
NOUNS: dict[str, Noun] = {
    "kb.entry": Noun(FEMININE, pgettext_lazy("accusative", "entry")),
    "kb.principle": Noun(MASCULINE, pgettext_lazy("accusative", "principle")),
    "kb.rule": Noun(NEUTER, pgettext_lazy("accusative", "rule")),
    "kb.situation": Noun(FEMININE, pgettext_lazy("accusative", "situation")),
    "kb.case": Noun(MASCULINE, pgettext_lazy("accusative", "case")),
    "kb.response": Noun(MASCULINE, pgettext_lazy("accusative", "response step")),
    "kb.source": Noun(MASCULINE, pgettext_lazy("accusative", "source")),
    "kb.tag": Noun(MASCULINE, pgettext_lazy("accusative", "tag")),
    "kb.synonym": Noun(FEMININE, pgettext_lazy("accusative", "synonym group")),
    "paths.path": Noun(MASCULINE, pgettext_lazy("accusative", "reading path")),
}


def noun_of(model: type[Model]) -> Noun:
    return NOUNS.get(model._meta.label_lower, Noun(MASCULINE, model._meta.verbose_name))


# Whole phrases by the gender of the noun they carry (literal calls, so makemessages sees them).
ADDED = {
    MASCULINE: pgettext_lazy("masculine", "%(name)s “%(obj)s” was added."),
    FEMININE: pgettext_lazy("feminine", "%(name)s “%(obj)s” was added."),
    NEUTER: pgettext_lazy("neuter", "%(name)s “%(obj)s” was added."),
}
CHANGED = {
    MASCULINE: pgettext_lazy("masculine", "%(name)s “%(obj)s” was changed."),
    FEMININE: pgettext_lazy("feminine", "%(name)s “%(obj)s” was changed."),
    NEUTER: pgettext_lazy("neuter", "%(name)s “%(obj)s” was changed."),
}
DELETED = {
    MASCULINE: pgettext_lazy("masculine", "%(name)s “%(obj)s” was deleted."),
    FEMININE: pgettext_lazy("feminine", "%(name)s “%(obj)s” was deleted."),
    NEUTER: pgettext_lazy("neuter", "%(name)s “%(obj)s” was deleted."),
}
ADD_ANOTHER = {
    MASCULINE: pgettext_lazy("masculine", "You may add another %(name)s below."),
    FEMININE: pgettext_lazy("feminine", "You may add another %(name)s below."),
    NEUTER: pgettext_lazy("neuter", "You may add another %(name)s below."),
}
ADD_ANOTHER_ROW = {
    MASCULINE: pgettext_lazy("masculine", "Add another %(name)s"),
    FEMININE: pgettext_lazy("feminine", "Add another %(name)s"),
    NEUTER: pgettext_lazy("neuter", "Add another %(name)s"),
}
PHRASES = {"added": ADDED, "changed": CHANGED, "deleted": DELETED}


def saved_message(model: type[Model], what: str, obj: Any, post: Any) -> str:
    """The message after an object is added, changed or deleted; `obj` is HTML-safe or text."""
    noun = noun_of(model)
    text = str(PHRASES[what][noun.gender])
    name = capfirst(model._meta.verbose_name)
    # format_html escapes the name and a plain object's name; a link stays a link.
    message = format_html(text.replace("%(name)s", "{}").replace("%(obj)s", "{}"), name, obj)
    if what != "deleted" and ("_continue" in post or "_saveasnew" in post):
        return format_html("{} {}", message, gettext("You may edit it again below."))
    if what != "deleted" and "_addanother" in post:
        another = str(ADD_ANOTHER[noun.gender]) % {"name": noun.accusative}
        return format_html("{} {}", message, another)
    return message


class GrammaticalAdminMixin:
    """Titles, breadcrumbs, the "add" button and saved messages with the model name declined."""

    change_form_template = "admin/kb/change_form.html"

    def wording_context(self, request: HttpRequest) -> dict[str, Any]:
        accusative = noun_of(self.model).accusative
        return {
            "add_title": gettext("Add %s") % accusative,
            "object_name": accusative,
        }

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        accusative = noun_of(self.model).accusative
        if self.has_change_permission(request):
            title = gettext("Select %s to change") % accusative
        else:
            title = gettext("Select %s to view") % accusative
        context = {**self.wording_context(request), "title": title, **(extra_context or {})}
        return super().changelist_view(request, context)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        accusative = noun_of(self.model).accusative
        context = self.wording_context(request)
        if object_id is None:
            context["title"] = context["add_title"]
        else:
            # Django's own choice between "Change" and "View", with the noun declined.
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_change_permission(request, obj):
                context["title"] = gettext("Change %s") % accusative
            else:
                context["title"] = gettext("View %s") % accusative
        context.update(extra_context or {})
        return super().changeform_view(request, object_id, form_url, context)

    def get_inline_formsets(self, request: HttpRequest, *args: Any, **kwargs: Any) -> list:
        """Inlines whose "add another" link reads «Добавить ещё одну запись», not «…один Запись».

        An inline names its rows with its `grammatical_noun` (a `Noun`), else its model's.
        """
        inline_formsets = super().get_inline_formsets(request, *args, **kwargs)
        for inline_formset in inline_formsets:
            inline = inline_formset.opts
            noun = getattr(inline, "grammatical_noun", None) or noun_of(inline.model)
            add_text = str(ADD_ANOTHER_ROW[noun.gender]) % {"name": noun.accusative}
            data = json.loads(inline_formset.inline_formset_data())
            data["options"]["addText"] = add_text
            inline_formset.inline_formset_data = functools.partial(json.dumps, data)
        return inline_formsets

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None):
        context = {**self.wording_context(request), **(extra_context or {})}
        return super().delete_view(request, object_id, context)

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None):
        request.kb_saved = ("added", obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Any):
        request.kb_saved = ("changed", obj)
        return super().response_change(request, obj)

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: Any):
        request.kb_saved = ("deleted", obj_display)
        return super().response_delete(request, obj_display, obj_id)

    def message_user(
        self, request: HttpRequest, message: Any, level: int = messages.INFO, *args, **kwargs
    ) -> None:
        saved = getattr(request, "kb_saved", None)
        if saved is not None and level == messages.SUCCESS:
            # The one success message of Django's response_add/_change/_delete: ours instead.
            request.kb_saved = None
            what, obj = saved
            if what != "deleted":
                opts = self.model._meta
                url = reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[quote(obj.pk)],
                    current_app=self.admin_site.name,
                )
                obj = format_html('<a href="{}">{}</a>', url, obj)
            message = saved_message(self.model, what, obj, request.POST)
        super().message_user(request, message, level, *args, **kwargs)


# A step as Django's history recorded it before steps were named by their text.
LEGACY_STEP_NAME = re.compile(r"^.* — (?:step|шаг) (?P<anchor>\S+)$")
STEP_NAME = "response step"


def field_label(label: str) -> str:
    """A form label stored untranslated ("Title"), in the reader's language ("заголовок")."""
    lowered = label[:1].lower() + label[1:]
    translated = gettext(lowered)
    if translated == lowered:
        translated = gettext(label)
    return translated[:1].lower() + translated[1:]


def step_name(stored: str) -> str:
    legacy = LEGACY_STEP_NAME.match(stored)
    return legacy["anchor"] if legacy else stored


def step_label(step: Any) -> str:
    """A step as history names it: the start of its text, in the language it is written in."""
    words = " ".join(step.text.split())
    return words if len(words) <= 60 else words[:59].rstrip() + "…"


def name_steps_by_text(message: list[dict], formsets: Any) -> list[dict]:
    """Django's change message with each step named by its text (Django stores `str(step)`,
    made with translations off: «… — step vyslushat»). Django lists the formsets' new, changed
    and deleted objects in this very order."""
    objects = []
    for formset in formsets:
        objects += [*formset.new_objects, *(obj for obj, _ in formset.changed_objects)]
        objects += list(formset.deleted_objects)
    inline_details = [d for part in message for d in part.values() if d and "name" in d]
    for detail, obj in zip(inline_details, objects, strict=False):
        if detail["name"] == STEP_NAME:
            detail["object"] = step_label(obj)
    return message


def describe_change(comment: str) -> str:
    """A revision's comment as a sentence in the reader's language.

    Django's change messages are JSON with English names; anything else (the comments set by
    actions and restores) was written in the editor's language and is returned as it is.
    """
    if not comment.startswith("["):
        return comment
    try:
        parts = json.loads(comment)
    except json.JSONDecodeError:
        return comment
    sentences = []
    for part in parts:
        for what, detail in part.items():
            sentences.append(describe_part(what, detail or {}))
    return " ".join(sentence for sentence in sentences if sentence)


def describe_part(what: str, detail: dict[str, Any]) -> str:
    fields = get_text_list([field_label(f) for f in detail.get("fields", [])], gettext("and"))
    if "name" not in detail:
        if what == "added":
            return gettext("Entry created.")
        return gettext("Changed: %(fields)s.") % {"fields": fields} if fields else ""
    if detail["name"] == STEP_NAME:
        step = step_name(detail.get("object", ""))
        if what == "added":
            return gettext("Added step “%(step)s”.") % {"step": step}
        if what == "changed":
            return gettext("Changed in step “%(step)s”: %(fields)s.") % {
                "step": step,
                "fields": fields,
            }
        return gettext("Deleted step “%(step)s”.") % {"step": step}
    values = {"name": gettext(detail["name"]), "object": detail.get("object", "")}
    if what == "added":
        return gettext("Added: %(name)s “%(object)s”.") % values
    if what == "changed":
        return gettext("Changed in %(name)s “%(object)s”: %(fields)s.") % {
            **values,
            "fields": fields,
        }
    return gettext("Deleted: %(name)s “%(object)s”.") % values
