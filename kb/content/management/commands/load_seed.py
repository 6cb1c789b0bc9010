from django.core.management.base import BaseCommand, CommandError

from kb.content.models import Entry
from kb.content.services import SeedError, load_seed


class Command(BaseCommand):
    help = (
        "Load the seed content from fixtures/. Safe to run again: nothing is duplicated, "
        "and entries that editors have changed or deleted are left as they are."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the knowledge base already holds entries (used by `make run`).",
        )

    def handle(self, *args, if_empty: bool = False, **options) -> None:
        if if_empty and Entry.objects.exists():
            self.stdout.write("The knowledge base already has entries; seed not loaded.")
            return
        try:
            report = load_seed()
        except (SeedError, KeyError, OSError) as error:
            raise CommandError(f"Seed not loaded, nothing changed: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed loaded: {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged, "
                f"{len(report.kept_edits)} kept as editors left them, "
                f"{len(report.kept_deleted)} left deleted by editors; "
                f"{len(report.sources_created)} new sources, "
                f"{len(report.sources_completed)} sources completed, "
                f"{len(report.synonyms_added)} new synonym groups."
            )
        )
        for title in report.kept_edits:
            self.stdout.write(f"  kept editors' version: {title}")
        for title in report.kept_deleted:
            self.stdout.write(f"  left deleted: {title}")
