"""Recording a vote: one per voter per step per day, changed rather than repeated."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from kb.content.models import Response
from kb.feedback.models import Vote


@transaction.atomic
def record_vote(
    *,
    step: Response,
    helped: bool,
    comment: str = "",
    user: AbstractBaseUser | None = None,
    earlier_vote_id: int | None = None,
) -> Vote:
    """Record that `step` helped or not; a second answer the same day changes the first.

    `user` (sign-in mode only) identifies the voter's earlier vote today through the unique
    constraint; for anyone else `earlier_vote_id` (from their session) does. A comment left
    empty keeps the comment given earlier, so "helped" and then a comment make one vote.
    """
    today = timezone.localdate()
    if user is not None:
        vote, created = Vote.objects.select_for_update().get_or_create(
            user=user, step=step, day=today, defaults={"helped": helped, "comment": comment}
        )
    else:
        vote = (
            Vote.objects.select_for_update()
            .filter(pk=earlier_vote_id, step=step, user=None, day=today)
            .first()
            if earlier_vote_id
            else None
        )
        created = vote is None
        if created:
            vote = Vote.objects.create(step=step, helped=helped, comment=comment, day=today)
    if not created:
        vote.helped = helped
        vote.comment = comment or vote.comment
        vote.save(update_fields=["helped", "comment", "updated_at"])
    return vote
