"""The search quality report on the seed content: staff-like queries must keep finding their
entries (the figures reached, minus a margin), on whichever database runs the suite."""

import pytest
from django.core.management import CommandError, call_command

from kb.content.models import Entry
from kb.tools import search_quality as quality
from tests.seed import seed

pytestmark = pytest.mark.django_db

# Reached with the thesaurus and alternating roots (issue 19, kb/search/thesaurus.py): top-1
# 147/183 and top-3 170/183 on SQLite, 144/183 and 168/183 on PostgreSQL (`manage.py
# search_quality`). The floors sit just under the lower of the two; issue 19's target of 80 % in
# every category is met on PostgreSQL, not yet on SQLite (paraphrases 13/17, 76 %).
MIN_TOP1 = 0.77
MIN_TOP3 = 0.91
# Per category, top 3: the weakest (paraphrases sharing no word) reached 76 % on SQLite.
MIN_CATEGORY_TOP3 = 0.75


def test_the_quality_report_covers_every_shape_of_query_staff_type():
    assert len(quality.CASES) >= 150
    shapes = {case.shape for case in quality.CASES}
    assert shapes == {
        "transliteration",
        "wrong layout",
        "phone typos",
        "unseen words",
        "paraphrases",
        "questions",
        "dictated sentences",
        "terse one-word",
    }
    for shape in shapes:
        assert sum(case.shape == shape for case in quality.CASES) >= 12, shape
    assert len({case.query for case in quality.CASES}) == len(quality.CASES)


def test_staff_queries_find_their_entries_on_the_seed(capsys):
    seed()
    report = quality.evaluate()
    # Every expected entry exists: a renamed seed slug must fail here, not pass as a miss.
    slugs = set(Entry.objects.published().values_list("slug", flat=True))
    assert {case.slug for case in quality.CASES} <= slugs
    assert report.top1_rate >= MIN_TOP1, report.misses
    assert report.top3_rate >= MIN_TOP3, report.misses
    for shape, (count, _, three) in report.by_shape.items():
        assert three / count >= MIN_CATEGORY_TOP3, (shape, report.misses)
    call_command("search_quality")
    out = capsys.readouterr().out
    assert f"top-1 {report.top1}/{report.total}" in out
    assert f"top-3 {report.top3}/{report.total}" in out
    assert "  transliteration " in out and "  paraphrases " in out
    with pytest.raises(CommandError):
        call_command("search_quality", "--min-top3", "1.01")
