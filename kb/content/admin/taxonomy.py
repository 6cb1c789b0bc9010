"""Sources, tags and synonym groups."""

from typing import Any, ClassVar

from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kb.content.admin.wording import GrammaticalAdminMixin
from kb.content.models import Entry, Source, Synonym, Tag, TaggedEntry
from kb.core import signals


@admin.register(Source)
class SourceAdmin(GrammaticalAdminMixin, admin.ModelAdmin):
    formfield_overrides: ClassVar = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "author", "published_on", "entry_count")
    show_full_result_count = False
    search_fields = ("title", "author", "description")
    prepopulated_fields = {"slug": ("title",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(entry_total=Count("entries"))

    @admin.display(description=_("entries"), ordering="entry_total")
    def entry_count(self, obj: Source) -> int:
        return obj.entry_total


@admin.register(Tag)
class TagAdmin(GrammaticalAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "entry_count")
    show_full_result_count = False
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Published entries, from the stored counts (a few rows per tag): counting every
        # tagging to sort the list took most of a second at 100,000 entries.
        return super().get_queryset(request).annotate(entry_total=Coalesce(Sum("counts__count"), 0))

    @admin.display(description=_("entries"), ordering="entry_total")
    def entry_count(self, obj: Tag) -> int:
        return obj.entry_total

    # Tag names are searchable: reindex the entries that carry a renamed or deleted tag.
    def save_model(self, request: HttpRequest, obj: Tag, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        signals.entries_changed.send(
            sender=Entry,
            entry_ids=list(obj.tagged_entries.values_list("content_object_id", flat=True)),
        )

    def delete_model(self, request: HttpRequest, obj: Tag) -> None:
        tagged = list(obj.tagged_entries.values_list("content_object_id", flat=True))
        super().delete_model(request, obj)
        signals.entries_changed.send(sender=Entry, entry_ids=list(tagged))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        tagged = list(
            TaggedEntry.objects.filter(tag__in=queryset).values_list("content_object_id", flat=True)
        )
        super().delete_queryset(request, queryset)
        signals.entries_changed.send(sender=Entry, entry_ids=list(tagged))


@admin.register(Synonym)
class SynonymAdmin(GrammaticalAdminMixin, admin.ModelAdmin):
    """Synonym groups apply to queries at once (in other processes within half a minute)."""

    list_display = ("__str__", "updated_at")
    search_fields = ("words",)

    def save_model(self, request: HttpRequest, obj: Synonym, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        signals.synonyms_changed.send(sender=Synonym)

    def delete_model(self, request: HttpRequest, obj: Synonym) -> None:
        super().delete_model(request, obj)
        signals.synonyms_changed.send(sender=Synonym)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)
        signals.synonyms_changed.send(sender=Synonym)
