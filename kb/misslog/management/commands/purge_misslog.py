from django.core.management.base import BaseCommand, CommandError

from kb.misslog import conf
from kb.misslog.services import purge


class Command(BaseCommand):
    help = (
        "Delete logged searches older than PRAVILA_MISSLOG_DAYS days (or --days N). Recording "
        "also purges now and then; run this from cron to keep the log bounded on a quiet site."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="Keep this many days instead of the setting."
        )

    def handle(self, *args, days: int | None = None, **options) -> None:
        days = conf.retention_days() if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1.")
        deleted = purge(days)
        self.stdout.write(f"{deleted} searches older than {days} days deleted.")
