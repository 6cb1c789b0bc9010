"""Writes of the reading side: marking an entry read, recording a significant change."""

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from kb.content.models import Entry
from kb.paths.models import ReadMark, SignificantChange


@transaction.atomic
def mark_read(*, user: AbstractBaseUser, entry: Entry, version: int | None = None) -> ReadMark:
    """Record that `user` read `entry` at `version` (the one their page showed).

    Without a version, or with one the entry never had, the entry's current version counts. A
    page opened before an editor's save still marks the version it showed, so that change stays
    unread.
    """
    if version is None or not 1 <= version <= entry.version:
        version = entry.version
    mark, _created = ReadMark.objects.update_or_create(
        user=user, entry=entry, defaults={"version": version, "read_at": timezone.now()}
    )
    return mark


def record_significant_change(*, entry: Entry) -> None:
    """Make the entry's current version one that every earlier reader must see.

    Inside a history revision (the admin's save) the change is created with that revision, so
    it knows who made it and when; outside one it is recorded on its own.
    """
    if reversion.is_active():
        reversion.add_meta(SignificantChange, entry=entry, version=entry.version)
    else:
        SignificantChange.objects.get_or_create(entry=entry, version=entry.version)


def significant_change_made(sender: type, *, entry: Entry, **kwargs: object) -> None:
    """Receiver of kb.core.signals.significant_change (an editor's save marked significant)."""
    record_significant_change(entry=entry)
