"""What the search index stores in ordinary tables: documents by field, and the lexicon."""

from typing import ClassVar

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from kb.content.models.choices import Kind
from kb.content.models.entries import Entry


class SearchDocument(models.Model):
    """A published entry as the search index sees it: plain text by field.

    Written only by `kb.search` (`index_entries`, `remove_entries`, `rebuild_index`); drafts
    have none. SQLite keeps the stemmed words in the FTS5 table `kb_search_fts` (rowid = entry
    id); PostgreSQL keeps them in `search_vector`, weighted by field.
    """

    entry = models.OneToOneField(
        Entry, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.TextField()
    # The entry's search phrases: indexed with the title's weight, never shown.
    phrases = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    steps = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    body = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering: ClassVar = ["entry_id"]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes: ClassVar = [models.Index(fields=["kind"], name="kb_searchdoc_kind_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.entry.get_absolute_url()


class SearchWord(models.Model):
    """A word of the indexed text and how many documents hold it: the typo corrector's lexicon."""

    word = models.CharField(max_length=100, primary_key=True)
    lemma = models.CharField(max_length=100, db_index=True)
    document_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["word"]
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word
