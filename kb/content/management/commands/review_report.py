import datetime
from itertools import groupby

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kb.content.models import Entry


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
        parser.add_argument(
            "--email",
            action="store_true",
            help="Also e-mail each owner their own list (through Django's e-mail backend).",
        )

    def handle(self, *args, days: int = 0, email: bool = False, **options) -> None:
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
        if email:
            self.email_owners(entries, today)

    def email_owners(self, entries: list, today: datetime.date) -> None:
        """One message to each owner with an e-mail address: their entries to review."""
        sent = 0
        for owner, group in groupby(entries, key=lambda entry: entry.owner):
            if owner is None:
                continue
            if not owner.email:
                self.stderr.write(f"Not e-mailed: {owner_label(owner)} has no e-mail address.")
                continue
            send_mail(*review_email(owner, list(group), today), recipient_list=[owner.email])
            sent += 1
        self.stdout.write(f"E-mailed {sent} owner(s).")


def review_email(owner, entries: list, today: datetime.date) -> tuple[str, str, str]:
    """Subject, text and sender of the message telling `owner` which entries to review."""
    base = settings.PRAVILA_BASE_URL
    rows = [
        {
            "entry": entry,
            "overdue": entry.review_by is not None and entry.review_by < today,
            "page": base + entry.get_absolute_url(),
            "edit": base + reverse(f"admin:kb_{entry.kind}_change", args=[entry.pk]),
        }
        for entry in entries
    ]
    # Owners read the site's language, whatever the shell that runs the command speaks.
    with translation.override(settings.LANGUAGE_CODE):
        context = {"owner": owner, "rows": rows, "site_name": settings.SITE_NAME}
        subject = render_to_string("kb/email/review_subject.txt", context).strip()
        body = render_to_string("kb/email/review_body.txt", context)
    return subject, body, settings.DEFAULT_FROM_EMAIL


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
