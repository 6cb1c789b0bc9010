"""`manage.py bench_uncached`: each page built from the database (no page or data cache),
through the test client: median time, size and queries, against the targets of issue 21."""

from django.conf import settings
from django.core.management.base import BaseCommand

from kb.content.models import Entry
from kb.tools.bench import generate, uncached


class Command(BaseCommand):
    help = (
        "Time every kind of page uncached through the test client, with --entries N generated "
        "entries brought in first; print median ms, KB and queries per page."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--entries",
            type=int,
            default=0,
            help="Bring the knowledge base to N generated entries first (through kb/transfer).",
        )
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="Write the generated entries in bulk (no import) and rebuild the search index "
            "once: minutes instead of hours for 100,000.",
        )
        parser.add_argument("--repeat", type=int, default=5, help="Requests per page.")
        parser.add_argument(
            "--pages",
            default="",
            help="Only the pages whose name holds one of these comma-separated words "
            "(e.g. 'home,admin'): to measure again what a change touched.",
        )
        parser.add_argument(
            "--limit-ms",
            type=float,
            default=None,
            help="The time target (default: 150 ms up to 10,000 entries, 300 ms above).",
        )

    def handle(self, *args, **options) -> None:
        if options["entries"]:
            build = generate.bulk_entries if options["bulk"] else generate.build_entries
            build(options["entries"], progress=self.stdout.write)
        total = Entry.objects.count()
        limit = options["limit_ms"] or (150.0 if total <= 10_100 else 300.0)
        words = [w.strip() for w in options["pages"].split(",") if w.strip()]
        pages = [p for p in uncached.pages() if not words or any(w in p.name for w in words)]
        results = uncached.measure(pages, options["repeat"])
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(
            f"{engine}, {total} entries, page and data caches off, test client, "
            f"median of {options['repeat']} requests; targets ≤ {limit:.0f} ms, "
            f"≤ {uncached.SIZE_LIMIT_KB} KB"
        )
        self.stdout.write(uncached.report(results, limit))
