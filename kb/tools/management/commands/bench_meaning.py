from django.core.management.base import BaseCommand

from kb.tools import meaning_bench


class Command(BaseCommand):
    help = (
        "What the search's semantic layer (navec vectors) costs a process: resident memory and "
        "load time, paid once per process on the first query that needs it."
    )

    def handle(self, *args, **options) -> None:
        meaning_bench.run(self.stdout.write)
