"""Response steps of a situation, in order, each with an anchor that never changes."""

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kb.content.models.choices import Kind
from kb.content.models.entries import Entry
from kb.core.markdown import render_markdown
from kb.core.text import make_slug, unique_slug


class Response(models.Model):
    """One recommended step (or alternative) of a situation, in order."""

    situation = models.ForeignKey(
        Entry,
        verbose_name=_("situation"),
        on_delete=models.CASCADE,
        related_name="responses",
        limit_choices_to={"kind": Kind.SITUATION},
    )
    position = models.PositiveIntegerField(_("position"), default=0, db_index=False)
    anchor = models.SlugField(
        _("anchor"),
        max_length=60,
        blank=True,
        help_text=_("Stays the same when steps are reordered or edited, so links keep working."),
    )
    text = models.TextField(_("text"), help_text=_("Markdown."))
    text_html = models.TextField(editable=False, blank=True)

    class Meta:
        ordering: ClassVar = ["position", "id"]
        verbose_name = _("response step")
        verbose_name_plural = _("response steps")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["situation", "anchor"], name="kb_response_anchor_unique_per_situation"
            ),
            models.CheckConstraint(condition=~Q(anchor=""), name="kb_response_anchor_not_empty"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["situation", "position"], name="kb_response_order_idx")
        ]

    def __str__(self) -> str:
        return _("%(situation)s — step %(anchor)s") % {
            "situation": self.situation.title,
            "anchor": self.anchor,
        }

    def save(self, *args, **kwargs) -> None:
        if not self.anchor:
            self.anchor = unique_slug(
                make_slug(" ".join(self.text.split()[:5]), 40) or "step",
                lambda s: (
                    Response.objects.filter(situation_id=self.situation_id, anchor=s)
                    .exclude(pk=self.pk)
                    .exists()
                ),
                60,
            )
        self.text_html = render_markdown(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.situation.get_absolute_url()}#{self.anchor}"

    def get_short_url(self) -> str:
        """The step's permalink: the entry's short link with the step's anchor."""
        return f"{reverse('kb:entry_short', args=[self.situation_id])}#{self.anchor}"
