"""What a deleted entry leaves in its history and what it takes back on recovery.

A deletion is an editor's edit: the seed loader must not create a deleted seed entry again
(`deleted_seed_keys`). The links other entries had to a deleted entry go with it (their rows are
deleted with it), but their versions recorded before the deletion still hold them, so recovery
can bring them back (`links_to_before`, `restore_links_to`).
"""

import datetime
from collections.abc import Iterable

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils.translation import gettext as _
from reversion.models import Version

from kb.content.models import Entry, Kind

# Links other entries own (the field is theirs), by the relation's field name. "See also" is
# symmetrical: the recovered entry's own version holds it.
LINKS_OWNED_BY_OTHERS = ("basis", "examples")


def deleted_seed_keys() -> set[str]:
    """The seed keys of entries deleted (recoverably) and not recovered."""
    keys = set()
    for version in Version.objects.get_deleted(Entry).filter(
        ~Q(serialized_data__contains='"seed_key": ""')
    ):
        key = version.field_dict.get("seed_key")
        if key:
            keys.add(key)
    return keys


def links_to_before(entry_id: int, moment: datetime.datetime) -> dict[int, list[str]]:
    """The entries (that exist now) whose last version up to `moment` linked to `entry_id`,
    with the relations (field names of theirs) that did."""
    marker = str(entry_id)
    recorded = Version.objects.get_for_model(Entry).filter(revision__date_created__lte=moment)
    # Only the versions that mention the id can hold a link to it: a cheap first pass.
    candidates = {
        int(pk)
        for pk in recorded.filter(serialized_data__contains=marker)
        .exclude(object_id=marker)
        .order_by()
        .values_list("object_id", flat=True)
        .distinct()
        if pk.isdigit()
    }
    existing = set(Entry.objects.filter(pk__in=candidates).values_list("pk", flat=True))
    latest: dict[int, Version] = {}
    for version in recorded.filter(object_id__in=[str(pk) for pk in existing]).order_by(
        "object_id", "-revision__date_created", "-pk"
    ):
        latest.setdefault(int(version.object_id), version)
    links = {}
    for pk, version in latest.items():
        data = version.field_dict
        relations = [name for name in LINKS_OWNED_BY_OTHERS if entry_id in (data.get(name) or ())]
        if relations:
            links[pk] = relations
    return links


def restore_links_to(
    entry: Entry,
    links: dict[int, list[str]],
    see_also: Iterable[int],
    user: AbstractBaseUser | None,
) -> None:
    """Link the entries of `links` to the recovered `entry` again, and record each entry whose
    links changed (those and the "see also" partners) in its history as a new version.

    Their version moves on, so a form opened before cannot save over the link it did not show.
    """
    # What may link to the entry: principles and rules are "basis", only cases are examples.
    relations = {
        "basis": entry.kind in (Kind.PRINCIPLE, Kind.RULE),
        "examples": entry.kind == Kind.CASE,
    }
    reverse_names = {"basis": "applied_in", "examples": "example_of"}
    for name, allowed in relations.items():
        others = [pk for pk, names in links.items() if name in names]
        if allowed and others:
            getattr(entry, reverse_names[name]).add(*others)
    touched = {pk for pk, names in links.items() if any(relations[n] for n in names)}
    touched |= set(see_also)
    touched.discard(entry.pk)
    if not touched:
        return
    Entry.objects.filter(pk__in=touched).mark_changed()
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(
            _("Linked again to “%(entry)s”, recovered after deletion") % {"entry": entry}
        )
        for other in Entry.objects.filter(pk__in=touched):
            reversion.add_to_revision(other)
