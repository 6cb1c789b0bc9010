import sys
import time

from django.core.management.base import BaseCommand

from kb import search


class Command(BaseCommand):
    help = "Rebuild the search index from the published entries (drafts are never indexed)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-incomplete",
            action="store_true",
            help="Do nothing when every published entry is indexed (used by `make run`).",
        )

    def handle(self, *args, if_incomplete: bool = False, **options) -> None:
        if if_incomplete and search.index_is_complete():
            self.stdout.write("The search index is complete; nothing to do.")
            return
        started = time.perf_counter()
        count = search.rebuild_index(progress=self.progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count} published entries in {time.perf_counter() - started:.1f} s."
            )
        )

    def progress(self, done: int, total: int) -> None:
        """A progress bar on standard error, redrawn in place on a terminal."""
        width = 30
        filled = width * done // max(total, 1)
        bar = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        end = "\r" if sys.stderr.isatty() and done < total else "\n"
        self.stderr.write(bar, ending=end)
        self.stderr.flush()
