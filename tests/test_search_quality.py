"""The search quality report on the seed content: staff-like queries must keep finding their
entries (the figures reached, minus a margin), on whichever database runs the suite."""

import pytest
from django.core.management import CommandError, call_command

from kb.models import Entry
from kb.search import quality
from kb.services import load_seed

pytestmark = pytest.mark.django_db

# Reached on the seed: top-1 49/66 and top-3 59/66 on SQLite, 48/66 and 56/66 on PostgreSQL
# (the corrected seed of issue 20: its cited fields say only what the articles say, and lost
# some staff wording with the unsupported text). The top-3 floor keeps a margin of about five
# points below the lower figure; the top-1 floor is now within one point of PostgreSQL's.
MIN_TOP1 = 0.72
MIN_TOP3 = 0.80


def test_the_quality_report_covers_every_shape_of_query_staff_type():
    assert len(quality.CASES) >= 60
    shapes = {case.shape for case in quality.CASES}
    assert shapes == {quality.SENTENCE, quality.LAYOUT, quality.TYPOS, quality.ABSENT}
    assert len({case.query for case in quality.CASES}) == len(quality.CASES)


def test_staff_queries_find_their_entries_on_the_seed(capsys):
    load_seed()
    report = quality.evaluate()
    # Every expected entry exists: a renamed seed slug must fail here, not pass as a miss.
    slugs = set(Entry.objects.published().values_list("slug", flat=True))
    assert {case.slug for case in quality.CASES} <= slugs
    assert report.top1_rate >= MIN_TOP1, report.misses
    assert report.top3_rate >= MIN_TOP3, report.misses
    call_command("search_quality")
    out = capsys.readouterr().out
    assert f"top-1 {report.top1}/{report.total}" in out
    assert f"top-3 {report.top3}/{report.total}" in out
    with pytest.raises(CommandError):
        call_command("search_quality", "--min-top3", "1.01")
