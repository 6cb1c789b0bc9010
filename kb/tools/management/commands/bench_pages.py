"""`manage.py bench_pages`: the load benchmark of kb/tools/bench/load.py, on the configured database
(DATABASE_URL) and cache (CACHE_URL). `make bench-load` runs it on SQLite, on PostgreSQL, and
on PostgreSQL with Redis."""

import dataclasses

from django.conf import settings
from django.core.management.base import BaseCommand

from kb.tools.bench import churn, generate, load


class Command(BaseCommand):
    help = (
        "Serve the site and a bare Django view under gunicorn on 127.0.0.1 and drive each page "
        "with wrk; print req/s, p50/p99, errors, non-2xx and each page's ratio to the bare view."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seconds", type=int, default=10, help="Per URL (default 10).")
        parser.add_argument("--connections", type=int, default=64)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
        parser.add_argument(
            "--port", type=int, default=8140, help="The site's port; the bare view's is +1."
        )
        parser.add_argument(
            "--rounds", type=int, default=1, help="Rounds of every URL; ratios per round."
        )
        parser.add_argument(
            "--no-page-cache",
            action="store_true",
            help="Serve every request from the database (PRAVILA_PAGE_CACHE_SECONDS=0), to see "
            "what a page costs when it is not in the cache.",
        )
        parser.add_argument(
            "--signed-in",
            action="store_true",
            help="Sign-in mode (PRAVILA_LOGIN_REQUIRED=1), every page asked for by a reader "
            "signed in through the login page: the intranet case.",
        )
        parser.add_argument(
            "--editor",
            action="store_true",
            help="Every page asked for by an editor (a superuser) signed in through the login "
            "page: pages an editor gets are never shared, so this measures them uncached.",
        )
        parser.add_argument(
            "--entries",
            type=int,
            default=0,
            help="Bring the knowledge base to N generated entries first, through the export "
            "format (kb/tools/bench/generate.py); kept for later runs on the same database.",
        )
        parser.add_argument(
            "--churn",
            action="store_true",
            help="An editor signed in to the admin saves a rule through its change form once "
            "a second while the pages are measured.",
        )
        parser.add_argument(
            "--no-prepare",
            action="store_true",
            help="Skip migrate, load_seed, the search index and collectstatic.",
        )

    def handle(self, *args, **options) -> None:
        wrk = load.ensure_wrk()
        env = load.production_environment()
        if options["no_page_cache"]:
            env["PRAVILA_PAGE_CACHE_SECONDS"] = "0"
        if options["signed_in"]:
            env["PRAVILA_LOGIN_REQUIRED"] = "1"
        if not options["no_prepare"]:
            load.prepare(env)
        if options["entries"]:
            generate.build_entries(options["entries"], progress=self.stdout.write)
        targets = load.page_targets()
        if options["editor"] or options["no_page_cache"]:
            # Built for each request: held to the target of uncached pages.
            targets = [dataclasses.replace(t, kind="uncached") for t in targets]
        password = load.reader_password() if options["signed_in"] else ""
        # One password for both (a new one would sign the other session out).
        as_editor = options["editor"] or options["churn"]
        editor_password = churn.editor_password() if as_editor else ""
        bare_env = {**env, "DJANGO_SETTINGS_MODULE": "kb.tools.bench.settings"}
        logs = settings.BASE_DIR / "var"
        seconds, connections = options["seconds"], options["connections"]
        port, workers = options["port"], options["workers"]
        rounds = options["rounds"]
        per_page: dict[str, list[load.Result]] = {t.name: [] for t in targets}
        clean = True
        with (
            load.gunicorn(env, port, workers, logs / "bench-site.log") as site,
            load.gunicorn(bare_env, port + 1, workers, logs / "bench-bare.log") as bare,
        ):
            headers = load.sign_in(site, load.BENCH_READER, password) if password else {}
            if options["editor"]:
                headers = load.sign_in(site, churn.BENCH_EDITOR, editor_password)
            editor = None
            if options["churn"]:
                editor = churn.Editor(site, churn.churn_entry_url(), editor_password)
                editor.start()
            for number in range(1, rounds + 1):
                bare_view = load.Target("bare Django view (before)", "/", "bare")
                before = load.measure(wrk, bare, bare_view, seconds, connections, headers)
                results = [
                    load.measure(wrk, site, t, seconds, connections, headers) for t in targets
                ]
                bare_view = load.Target("bare Django view (after)", "/", "bare")
                after = load.measure(wrk, bare, bare_view, seconds, connections, headers)
                bare_rps = (before.requests_per_second + after.requests_per_second) / 2
                for result in results:
                    result.ratio = result.requests_per_second / bare_rps
                    per_page[result.target.name].append(result)
                clean = clean and not (before.errors or before.non2xx)
                clean = clean and not (after.errors or after.non2xx)
                label = f"Round {number}/{rounds} — {self.label(options)}"
                self.stdout.write(load.report([before, *results, after], bare_rps, label) + "\n")
            if editor is not None:
                editor.stop()
                self.stdout.write(editor.summary() + "\n")
                clean = clean and editor.saves > 0 and not editor.failures
        if rounds > 1:
            self.stdout.write(load.summary(per_page, rounds) + "\n")
        medians = [load.median_result(results) for results in per_page.values()]
        missed = [r.target.name for r in medians if load.verdict(r) != "ok"]
        if missed or not clean:
            self.stdout.write(self.style.WARNING("Targets missed: " + ", ".join(missed)))
        else:
            self.stdout.write(self.style.SUCCESS("Every target met (median of the rounds)."))

    @staticmethod
    def label(options: dict) -> str:
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        cache = "Redis" if settings.CACHE_URL else "local memory"
        if options["no_page_cache"]:
            cache += " (page cache off)"
        if options["signed_in"]:
            cache += "; sign-in mode, pages for a signed-in reader"
        if options["editor"]:
            cache += "; pages for a signed-in editor"
        if options["churn"]:
            cache += "; an editor saves a rule once a second"
        from kb.content.models import Entry

        return (
            f"{engine}, {Entry.objects.count()} entries, cache: {cache}, "
            f"gunicorn {options['workers']} sync workers, "
            f"wrk {options['connections']} connections × {options['seconds']} s per URL"
        )
