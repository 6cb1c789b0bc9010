"""Votes on response steps, and situations seen through their votes (for editors).

A vote keeps no personal data: no address, no browser, and a user only in sign-in mode, where
it serves one purpose: one vote per person per step per day (a unique constraint).
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, FloatField, Max, Q, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kb.content.models import Entry, EntryManager, EntryQuerySet, Kind, Response
from kb.feedback import conf

COMMENT_MAX_LENGTH = 500


class VoteQuerySet(models.QuerySet):
    def counts(self) -> dict[str, int]:
        """How many votes there are, how many said it helped, did not help, or commented."""
        counts = self.aggregate(
            n_votes=Count("pk"),
            n_helped=Count("pk", filter=Q(helped=True)),
            n_unhelpful=Count("pk", filter=Q(helped=False)),
            n_comments=Count("pk", filter=~Q(comment="")),
        )
        return {name.removeprefix("n_"): value for name, value in counts.items()}


class Vote(models.Model):
    """One person's answer to "did this step help?", with an optional short comment."""

    step = models.ForeignKey(
        Response, verbose_name=_("step"), on_delete=models.CASCADE, related_name="votes"
    )
    helped = models.BooleanField(_("helped"))
    comment = models.CharField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    # Only in sign-in mode, and only to keep it to one vote per person per step per day.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    day = models.DateField(_("day"), default=timezone.localdate, editable=False)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "step", "day"],
                condition=Q(user__isnull=False),
                name="feedback_vote_one_per_user_step_day",
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["step", "helped"], name="feedback_vote_step_idx"),
            models.Index(fields=["-created_at"], name="feedback_vote_recent_idx"),
        ]

    def __str__(self) -> str:
        answer = _("helped") if self.helped else _("did not help")
        return f"{self.step.situation.title}, {self.step.anchor}: {answer}"

    def get_absolute_url(self) -> str:
        return self.step.get_absolute_url()


VOTES = "responses__votes"


class SituationFeedbackQuerySet(EntryQuerySet):
    def with_vote_counts(self) -> "SituationFeedbackQuerySet":
        """Each situation with its votes counted over all its steps, and the unhelpful share."""
        return self.annotate(
            vote_count=Count(VOTES),
            helped_count=Count(VOTES, filter=Q(responses__votes__helped=True)),
            unhelpful_count=Count(VOTES, filter=Q(responses__votes__helped=False)),
            comment_count=Count(VOTES, filter=~Q(responses__votes__comment="")),
            last_vote_at=Max("responses__votes__created_at"),
        ).annotate(
            unhelpful_share=Case(
                When(vote_count=0, then=Value(0.0)),
                default=Cast("unhelpful_count", FloatField()) / Cast("vote_count", FloatField()),
                output_field=FloatField(),
            ),
            needs_attention=Case(
                When(attention_condition(), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )

    def needing_attention(self) -> "SituationFeedbackQuerySet":
        """Situations with enough votes whose steps are marked unhelpful most, worst first."""
        return (
            self.with_vote_counts()
            .filter(attention_condition())
            .order_by(F("unhelpful_share").desc(), F("unhelpful_count").desc(), "title")
        )


def attention_condition() -> Q:
    """Enough votes (a setting), and at least the configured share saying it did not help."""
    return Q(vote_count__gte=conf.min_votes(), unhelpful_share__gte=conf.unhelpful_share())


class SituationFeedbackManager(EntryManager.from_queryset(SituationFeedbackQuerySet)):
    def get_queryset(self) -> SituationFeedbackQuerySet:
        return super().get_queryset().filter(kind=Kind.SITUATION)


class SituationFeedback(Entry):
    """A situation as editors see it in the feedback pages: its votes, per step and in all."""

    objects = SituationFeedbackManager()

    class Meta:
        proxy = True
        verbose_name = _("feedback on a situation")
        verbose_name_plural = _("feedback on situations")

    def step_counts(self) -> list[Response]:
        """The situation's steps in order, each with its vote counts."""
        return list(
            self.responses.annotate(
                vote_count=Count("votes"),
                helped_count=Count("votes", filter=Q(votes__helped=True)),
                unhelpful_count=Count("votes", filter=Q(votes__helped=False)),
                comment_count=Count("votes", filter=~Q(votes__comment="")),
            ).order_by("position", "id")
        )
