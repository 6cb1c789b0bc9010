"""`manage.py audit`: the hostile audit's scenarios (brute force, miss-log flood, /search/open/
flood, cache growth) against a live gunicorn on 127.0.0.1; prints the figures
(kb/tools/bench/audit.py)."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kb.tools.bench import audit


class Command(BaseCommand):
    help = (
        "Serve the site under gunicorn on 127.0.0.1 (a database of its own) and run the brute-"
        "force, miss-log flood, /search/open/ flood and cache-growth scenarios; print figures."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8340, help="On 127.0.0.1 (default 8340).")
        parser.add_argument(
            "--database-url",
            default="",
            help="The database to serve (default: a new SQLite file, removed afterwards). "
            "It gets the seed content, two audit accounts, and the audit's searches.",
        )
        parser.add_argument(
            "--cache-url",
            default="",
            help="Redis to serve with and measure (a database number "
            "of its own: keys are added, none removed). Default: local memory, not measured.",
        )
        parser.add_argument(
            "--requests", type=int, default=600, help="Requests per flood (default 600)."
        )
        parser.add_argument(
            "--seconds", type=float, default=240, help="Time for all the floods (default 240)."
        )

    def handle(self, *args, **options) -> None:
        if not 1024 <= options["port"] <= 65535:
            raise CommandError("--port must be between 1024 and 65535.")
        if options["requests"] < 40:
            raise CommandError("--requests must be at least 40.")
        with tempfile.TemporaryDirectory(prefix="pravila-audit-") as workdir:
            database_url = options["database_url"] or f"sqlite:///{Path(workdir) / 'audit.sqlite3'}"
            lines = audit.audit(
                port=options["port"],
                database_url=database_url,
                cache_url=options["cache_url"],
                requests=options["requests"],
                seconds=options["seconds"],
                workdir=Path(workdir),
            )
        self.stdout.write(self.style.SUCCESS(f"Audit done: {len(lines)} scenarios."))
