from django.core.management.base import BaseCommand

from kb.web import viewcounts


class Command(BaseCommand):
    help = "Write the views counted in the cache to the entries (also done after requests)."

    def handle(self, *args, **options) -> None:
        added = viewcounts.flush()
        self.stdout.write(f"Added {added} views.")
