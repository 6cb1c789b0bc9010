"""Further places an entry cites: an entry that combines several places shows each of them."""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from kb.content.models.entries import Entry
from kb.content.models.taxonomy import Source


class Citation(models.Model):
    """A place in a source that an entry's cited text also rests on.

    The entry's own `source` and `source_locator` are its first citation; these rows are the
    others, in order. Together they are everything the entry's cited fields say: what no
    article says belongs in the editors' note.
    """

    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="citations"
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="citations"
    )
    locator = models.CharField(
        _("place in the source"),
        max_length=200,
        blank=True,
        help_text=_("Where in the source this comes from, e.g. “commandment 5”."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering: ClassVar = ["position", "id"]
        verbose_name = _("further citation")
        verbose_name_plural = _("further citations")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["entry", "source", "locator"], name="kb_citation_unique_per_entry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}, {self.locator}" if self.locator else str(self.source)
