import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kb.content.models import EditConflict
from kb.tools.transfer import ImportInvalid, ImportReport, import_knowledge_base


class Command(BaseCommand):
    help = (
        "Import a knowledge base exported by export_kb. Everything is validated first and "
        "applied in one transaction: entries and sources are created or updated by slug; "
        "entries the file does not mention are kept."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The JSON file, or - for standard input.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; write nothing."
        )
        parser.add_argument(
            "--user", help="Record the import in the history as done by this user (a username)."
        )

    def handle(self, *args, file: str, dry_run: bool = False, user: str | None = None, **options):
        author = None
        if user:
            model = get_user_model()
            author = model.objects.filter(**{model.USERNAME_FIELD: user}).first()
            if author is None:
                raise CommandError(f"No user {user!r}.")
        try:
            raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
            text = raw.decode("utf-8-sig")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text (byte {error.start}).") from error
        try:
            report = import_knowledge_base(
                text=text, user=author, label=Path(file).name, dry_run=dry_run
            )
        except ImportInvalid as invalid:
            lines = [f"{file}: {len(invalid.problems)} problem(s); nothing was imported."]
            lines += [f"  {problem}" for problem in invalid.problems]
            raise CommandError("\n".join(lines)) from invalid
        except EditConflict as conflict:
            raise CommandError(
                f"An editor saved entry {conflict.entry.slug!r} during the import; "
                "nothing was imported. Run it again."
            ) from conflict
        self.print_report(report)

    def print_report(self, report: ImportReport) -> None:
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        prefix = "Would import" if report.dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}: {len(report.created)} entries created, {len(report.updated)} "
                f"updated, {len(report.unchanged)} unchanged; {len(report.kept)} not in the "
                f"file, kept as they are. Sources: {len(report.sources_created)} created, "
                f"{len(report.sources_updated)} updated. Synonym groups: "
                f"{len(report.synonyms_added)} added. Reading paths: "
                f"{len(report.paths_created)} created, {len(report.paths_updated)} updated."
            )
        )
        for label, slugs in (
            ("created", report.created),
            ("updated", report.updated),
            ("source created", report.sources_created),
            ("source updated", report.sources_updated),
            ("synonyms added", report.synonyms_added),
            ("path created", report.paths_created),
            ("path updated", report.paths_updated),
        ):
            for slug in slugs:
                self.stdout.write(f"  {label}: {slug}")
        if report.dry_run:
            self.stdout.write("Dry run: nothing was written.")
