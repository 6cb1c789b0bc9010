"""Synonym groups that search expands query words with."""

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kb.core.text import squash_whitespace


class Synonym(models.Model):
    """Words that mean the same thing to staff, e.g. "заказчик, клиент, покупатель".

    Search expands a query word into all the words of its groups.
    """

    words = models.TextField(
        _("words"), help_text=_("Words or short phrases that mean the same, separated by commas.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering: ClassVar = ["words"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        constraints: ClassVar = [
            models.CheckConstraint(condition=~Q(words=""), name="kb_synonym_words_not_empty")
        ]

    def __str__(self) -> str:
        return " = ".join(self.terms())

    def save(self, *args, **kwargs) -> None:
        self.words = ", ".join(self.terms())
        super().save(*args, **kwargs)

    def terms(self) -> list[str]:
        """The group's words: lower case, "ё" as "е", single spaces, without repeats."""
        normalized = (
            squash_whitespace(word).lower().replace("ё", "е") for word in self.words.split(",")
        )
        return list(dict.fromkeys(word for word in normalized if word))
