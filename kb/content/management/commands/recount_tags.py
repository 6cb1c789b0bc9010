"""`manage.py recount_tags`: count every tag's published entries (by kind, and by pair of
tags) again from the taggings, after writes that send no signal (bulk imports, SQL by hand)."""

from django.core.management.base import BaseCommand

from kb.content.models import TagCount


class Command(BaseCommand):
    help = "Count the stored tag counts (TagCount, TagPair) again from the taggings."

    def handle(self, *args, **options) -> None:
        TagCount.objects.recount_all()
        self.stdout.write("Tag counts recounted.")
