import datetime
from itertools import groupby

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F
from django.utils import timezone

from kb.models import Entry


class Command(BaseCommand):
    help = (
        "List the entries whose review is overdue or was never scheduled, grouped by owner "
        "(with --days N, also those due within N days)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=0,
            help="Also list entries due for review within this many days.",
        )

    def handle(self, *args, days: int = 0, **options) -> None:
        if days < 0:
            raise CommandError("--days must be zero or more.")
        today = timezone.localdate()
        entries = (
            Entry.objects.needing_review(today, within_days=days)
            .select_related("owner")
            .order_by(
                F("owner__username").asc(nulls_last=True),
                F("review_by").asc(nulls_first=True),
                "title",
            )
        )
        scope = f"due within {days} days, " if days else ""
        entries = list(entries)
        self.stdout.write(
            f"Entries to review on {today.isoformat()} (overdue, {scope}or never scheduled): "
            f"{len(entries)}"
        )
        for owner, group in groupby(entries, key=lambda entry: entry.owner):
            group = list(group)
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_HEADING(f"{owner_label(owner)}: {len(group)}"))
            for entry in group:
                self.stdout.write(
                    f"  {due_label(entry.review_by, today):<28} {entry.get_kind_display():<10} "
                    f"{entry}  {entry.get_absolute_url()}"
                )


def owner_label(owner) -> str:
    if owner is None:
        return "No owner"
    full_name = owner.get_full_name()
    return f"{owner.get_username()} ({full_name})" if full_name else owner.get_username()


def due_label(review_by: datetime.date | None, today: datetime.date) -> str:
    if review_by is None:
        return "no review date"
    days = (review_by - today).days
    if days < 0:
        return f"{review_by.isoformat()} overdue {-days} d"
    return f"{review_by.isoformat()} due in {days} d"
