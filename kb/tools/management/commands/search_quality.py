from django.core.management.base import BaseCommand, CommandError

from kb.tools import search_quality as quality


class Command(BaseCommand):
    help = (
        "Search quality on the seed content: staff-like queries (sentences, wrong keyboard "
        "layout, typos, words no entry holds), each with the entry it should find; prints the "
        "top-1 and top-3 hit rates and the misses."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--min-top3",
            type=float,
            default=None,
            help="Exit with an error when the top-3 hit rate (0–1) is below this.",
        )

    def handle(self, *args, min_top3: float | None = None, **options) -> None:
        report = quality.run(self.stdout.write)
        if min_top3 is not None and report.top3_rate < min_top3:
            raise CommandError(f"Top-3 hit rate {report.top3_rate:.0%} is below {min_top3:.0%}.")
