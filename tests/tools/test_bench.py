"""The load benchmark's choices: what it measures answers 200, and how it judges the figures."""

import importlib

import pytest
from django.conf import settings

from kb.tools.bench import load
from tests.seed import seed

pytestmark = pytest.mark.django_db


def test_every_measured_url_answers_200_on_the_seed(client):
    seed()
    targets = load.page_targets()
    assert [t.kind for t in targets] == ["entry", "entry", "entry", "search", "search", "search"]
    for target in targets:
        response = client.get(target.path)
        assert response.status_code == 200, target.path
        if target.kind == "search" and not target.path.startswith("/api/"):
            assert 'class="search-results"' in response.content.decode(), target.path


def test_no_content_is_a_clear_error():
    with pytest.raises(SystemExit, match="make seed"):
        load.page_targets()


def result(kind: str, ratio: float, errors: int = 0, non2xx: int = 0) -> load.Result:
    return load.Result(load.Target("page", "/", kind), 100.0, 1.0, 2.0, errors, non2xx, ratio)


def test_verdict_follows_the_targets():
    assert load.verdict(result("entry", 0.6)) == "ok"
    assert load.verdict(result("entry", 0.59)).startswith("FAIL")
    assert load.verdict(result("search", 0.3)) == "ok"
    assert load.verdict(result("search", 0.29)).startswith("FAIL")
    assert load.verdict(result("entry", 2.0, non2xx=1)).startswith("FAIL")
    assert load.verdict(result("entry", 2.0, errors=1)).startswith("FAIL")


def test_rounds_are_judged_by_their_median_ratio_and_all_their_errors():
    rounds = [result("entry", 0.4), result("entry", 0.7), result("entry", 0.9, non2xx=1)]
    median = load.median_result(rounds)
    assert median.ratio == 0.7
    assert median.non2xx == 1


@pytest.mark.django_db(transaction=True)
def test_the_signed_in_benchmark_signs_a_reader_without_rights_in_through_the_login_page(
    live_server,
):
    import urllib.request

    from django.contrib.auth.models import User

    from kb.web.personal import has_no_rights

    password = load.reader_password()
    assert has_no_rights(User.objects.get(username=load.BENCH_READER))
    headers = load.sign_in(live_server.url, load.BENCH_READER, password)
    assert "sessionid=" in headers["Cookie"]
    request = urllib.request.Request(live_server.url + "/", headers=headers)
    with urllib.request.urlopen(request) as response:
        assert load.BENCH_READER in response.read().decode()
    with pytest.raises(SystemExit, match=r"403|form came back"):
        load.sign_in(live_server.url, load.BENCH_READER, "wrong password")


def test_the_bare_project_reads_the_sites_own_database_file(monkeypatch):
    # Signed-in and editor runs send the site's session cookie to the bare view, which looks
    # the session up: in another (missing) database file it answered 500 and the run stopped.
    monkeypatch.delenv("DATABASE_URL", raising=False)
    bare = importlib.reload(importlib.import_module("kb.tools.bench.settings"))
    assert bare.BASE_DIR == settings.BASE_DIR
    assert bare.DATABASES["default"]["NAME"] == str(settings.BASE_DIR / "var" / "db.sqlite3")
