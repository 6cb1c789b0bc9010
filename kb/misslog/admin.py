"""What editors see of the miss log: the queries that found nothing or had nothing opened,
grouped and counted, and a page to fix one (a word into a synonym group, or the query as a
search phrase of an entry)."""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kb import search
from kb.content.models import Entry, Synonym
from kb.misslog import conf
from kb.misslog.models import SearchRecord
from kb.misslog.services import add_search_phrase, add_word_to_synonyms, normalise, query_words

GROUPS_PER_PAGE = 50
SHOWN = {
    "": _("All misses"),
    "nothing": _("Found nothing"),
    "unopened": _("Nothing opened"),
}


class SynonymFixForm(forms.Form):
    word = forms.ChoiceField(label=_("Word of the query"), widget=forms.RadioSelect)
    group = forms.ModelChoiceField(
        Synonym.objects.all(),
        label=_("Synonym group"),
        help_text=_("The word is added to the group: searching it finds the group's words."),
    )

    def __init__(self, query: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["word"].choices = [(w, w) for w in query_words(query)]


class EntryPicker(AutocompleteSelect):
    """The admin's entry picker (search as you type). Django's looks a submitted value up as
    it is, so anything but an id would fail the page; only ids are shown again."""

    def optgroups(self, name: str, value: list, attrs: dict | None = None) -> list:
        ids = [v for v in value if str(v).isascii() and str(v).isdigit() and len(str(v)) < 18]
        return super().optgroups(name, ids, attrs)


class PhraseFixForm(forms.Form):
    entry = forms.ModelChoiceField(
        Entry.objects.all(),
        label=_("Entry"),
        help_text=_("The query becomes one of the entry's search phrases."),
        # Through the log's own link to entries, as the picker needs a model field.
        widget=EntryPicker(SearchRecord._meta.get_field("opened_entry"), admin.site),
    )


@admin.register(SearchRecord)
class SearchRecordAdmin(admin.ModelAdmin):
    """The list is the missed queries, grouped; single searches are not edited."""

    class Media:
        # The bold current filter, long queries broken, the table's width (classes: the CSP
        # blocks style attributes); the Fix page's entry picker (select2) gets its label and
        # legible options.
        css = {"all": ("kb/admin/misslog.css", "kb/admin/select2.css")}
        js = ("kb/admin/select2-labels.js",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The right to fix queries; a single logged search is never edited.
        return obj is None and super().has_change_permission(request)

    def get_urls(self) -> list:
        fix = path(
            "fix/", self.admin_site.admin_view(self.fix_view), name="misslog_searchrecord_fix"
        )
        return [fix, *super().get_urls()]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        shown = request.GET.get("show", "")
        shown = shown if shown in SHOWN else ""
        records = SearchRecord.objects.unresolved()
        records = {
            "nothing": records.found_nothing(),
            "unopened": records.nothing_opened(),
        }.get(shown, records.missed())
        page = Paginator(records.grouped(), GROUPS_PER_PAGE).get_page(request.GET.get("p"))
        fix_url = reverse("admin:misslog_searchrecord_fix")
        for group in page:
            group["fix_url"] = f"{fix_url}?{urlencode({'q': group['query']})}"
            group["search_url"] = reverse("kb:search") + "?" + urlencode({"q": group["query"]})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Searches that missed"),
            "page_obj": page,
            "shown": shown,
            "filters": [
                (key, label, f"?{urlencode({'show': key})}") for key, label in SHOWN.items()
            ],
            "retention_days": conf.retention_days(),
            "can_fix": self.has_change_permission(request),
            "media": self.media,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/misslog/searchrecord/missed.html", context)

    def fix_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        query = normalise(request.POST.get("q") or request.GET.get("q") or "")
        changelist = reverse("admin:misslog_searchrecord_changelist")
        if not query:
            return HttpResponseRedirect(changelist)
        action = request.POST.get("action") if request.method == "POST" else None
        can_edit_synonyms = request.user.has_perm("kb.change_synonym")
        can_edit_entries = request.user.has_perm("kb.change_entry")
        synonym_form = SynonymFixForm(query, request.POST if action == "synonym" else None)
        phrase_form = PhraseFixForm(request.POST if action == "phrase" else None)
        if action == "synonym" and can_edit_synonyms and synonym_form.is_valid():
            word, group = synonym_form.cleaned_data["word"], synonym_form.cleaned_data["group"]
            add_word_to_synonyms(query, word, group)
            done = gettext("“%(word)s” added to “%(group)s”.") % {"word": word, "group": group}
            self.report(request, query, done)
            return HttpResponseRedirect(changelist)
        if action == "phrase" and can_edit_entries and phrase_form.is_valid():
            entry = add_search_phrase(query, phrase_form.cleaned_data["entry"], request.user)
            done = gettext("“%(query)s” added to the search phrases of “%(entry)s”.") % {
                "query": query,
                "entry": entry,
            }
            self.report(request, query, done, entry=entry)
            return HttpResponseRedirect(changelist)
        allowed = {"synonym": can_edit_synonyms, "phrase": can_edit_entries}
        if action in allowed and not allowed[action]:
            raise PermissionDenied
        records = SearchRecord.objects.filter(query=query)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Fix a missed search"),
            "query": query,
            "counts": records.grouped().first(),
            "results": search.search(query, per_page=5),
            "synonym_form": synonym_form if can_edit_synonyms else None,
            "phrase_form": phrase_form if can_edit_entries else None,
            "media": self.media + phrase_form.media,
        }
        return TemplateResponse(request, "admin/misslog/searchrecord/fix.html", context)

    def report(
        self, request: HttpRequest, query: str, done: str, entry: Entry | None = None
    ) -> None:
        """Tell the editor what the fix did, and what the query finds now."""
        results = search.search(query)
        found = [hit.document.entry_id for hit in results.hits]
        if entry is not None and entry.pk not in found:
            not_yet = gettext("The query does not find it yet: is the entry published?")
            messages.warning(request, f"{done} {not_yet}")
            return
        now_finds = ngettext(
            "“%(query)s” now finds %(count)s entry.",
            "“%(query)s” now finds %(count)s entries.",
            results.total,
        ) % {"query": query, "count": results.total}
        messages.success(request, f"{done} {now_finds}")
