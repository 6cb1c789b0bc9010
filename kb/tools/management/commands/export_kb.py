from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kb.tools.transfer import ExportError, export_json, export_markdown, write_atomically


class Command(BaseCommand):
    help = (
        "Export the whole knowledge base: lossless JSON (to standard output by default), or "
        "with --format markdown a folder of readable Markdown files."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            help="File to write the JSON to (replaced in one step), or the folder for Markdown.",
        )
        parser.add_argument("--format", choices=["json", "markdown"], default="json")

    def handle(self, *args, output: str | None = None, format: str = "json", **options) -> None:
        if format == "markdown":
            if not output:
                raise CommandError("--format markdown needs --output FOLDER.")
            try:
                count = export_markdown(Path(output))
            except (ExportError, OSError) as error:
                raise CommandError(f"Nothing exported: {error}") from error
            self.stderr.write(f"Exported {count} entries as Markdown to {output}/")
            return
        text = export_json()
        if not output or output == "-":
            self.stdout.write(text, ending="")
            return
        try:
            write_atomically(Path(output), text)
        except OSError as error:
            raise CommandError(f"Nothing exported: {error}") from error
        self.stderr.write(f"Exported the knowledge base to {output}")
