from django.core.management.base import BaseCommand, CommandError

from kb.tools import search_benchmark as benchmark


class Command(BaseCommand):
    help = (
        "Benchmark search on throw-away corpora of 1,000, 10,000 and 100,000 entries (built "
        "inside a transaction that is rolled back: the knowledge base is left as it was)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--sizes",
            type=int,
            nargs="+",
            default=list(benchmark.SIZES),
            help="Corpus sizes, ascending (default: 1000 10000 100000).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit with an error when a target is missed (SQLite or PostgreSQL).",
        )

    def handle(self, *args, sizes: list[int], check: bool = False, **options) -> None:
        met = benchmark.run(self.stdout.write, tuple(sorted(sizes)))
        if check and not met:
            raise CommandError("A search target was missed.")
