"""One proxy model per kind, each with its own manager and admin."""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from kb.content.models.choices import Kind
from kb.content.models.entries import Entry
from kb.content.models.querysets import EntryManager, EntryQuerySet


class KindManager(EntryManager):
    """The manager of a proxy model: only the entries of its kind."""

    def get_queryset(self) -> EntryQuerySet:
        return super().get_queryset().filter(kind=self.model.KIND)


class KindProxy(models.Model):
    """What the proxy models of the four kinds share: their manager, and `kind` set on save."""

    KIND: ClassVar[str]

    objects = KindManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.kind = self.KIND
        super().save(*args, **kwargs)


class Principle(KindProxy, Entry):
    KIND = Kind.PRINCIPLE

    class Meta:
        proxy = True
        verbose_name = _("principle")
        verbose_name_plural = _("principles")


class Rule(KindProxy, Entry):
    KIND = Kind.RULE

    class Meta:
        proxy = True
        verbose_name = _("rule")
        verbose_name_plural = _("rules")


class Situation(KindProxy, Entry):
    KIND = Kind.SITUATION

    class Meta:
        proxy = True
        verbose_name = _("situation")
        verbose_name_plural = _("situations")


class Case(KindProxy, Entry):
    KIND = Kind.CASE

    class Meta:
        proxy = True
        verbose_name = _("case")
        verbose_name_plural = _("cases")
