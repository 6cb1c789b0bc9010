import importlib

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

editors_migration = importlib.import_module("kb.content.migrations.0002_editors_group")
paths_editors_migration = importlib.import_module("kb.paths.migrations.0002_editors_edit_paths")


def editors_group() -> Group:
    """The Editors group, made again as its migrations make it if a transactional test's
    flush removed it (the flush recreates permissions, not groups)."""
    group, created = Group.objects.get_or_create(name="Editors")
    if created:
        codenames = [
            f"{action}_{model}"
            for model in editors_migration.EDITOR_MODELS
            for action in editors_migration.ACTIONS
        ]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="kb", codename__in=codenames)
        )
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="paths",
                codename__in=[
                    f"{action}_{model}"
                    for model in paths_editors_migration.EDITOR_MODELS
                    for action in paths_editors_migration.ACTIONS
                ],
            )
        )
    return group


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("editor", password="pass-editor-123", is_staff=True)
    user.groups.add(editors_group())
    return user


@pytest.fixture
def editor_client(editor) -> Client:
    """A client of its own, so a test can compare what editors and staff see."""
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def fresh_search_caches():
    """The lexicon and synonyms are cached per process; each test starts from its own data."""
    from kb import search

    search.forget_lexicon()
    search.forget_synonyms()
    yield
    search.forget_lexicon()
    search.forget_synonyms()


@pytest.fixture(autouse=True)
def fresh_cache(settings, tmp_path):
    """Each test starts with an empty cache (Redis included, when CACHE_URL names it) and a
    content generation of its own. View counts are written only when a test flushes them (the
    flush after a response would otherwise add its queries to whichever test comes when due),
    and no search is left waiting for the miss log's next write."""
    from django.core.cache import cache

    from kb.misslog import services as misslog
    from kb.web import page_cache, personal, viewcounts

    settings.PRAVILA_CACHE_GENERATION_FILE = str(tmp_path / "cache-generation")
    settings.PRAVILA_VIEW_COUNT_FLUSH_SECONDS = 0
    # Searches are written after each response (tests/misslog/test_misslog.py checks the batching).
    settings.PRAVILA_MISSLOG_WRITE_SECONDS = 0
    cache.clear()
    viewcounts.discard_local_counts()
    misslog.discard_waiting()
    page_cache.forget_local_pages()
    personal.forget_local_profiles()
    yield
    cache.clear()
    viewcounts.discard_local_counts()
    misslog.discard_waiting()
    page_cache.forget_local_pages()
    personal.forget_local_profiles()


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """Django's advice for tests: a PBKDF2 hash of a million rounds costs about half a second of
    CPU, paid by every test that makes a user with a password. Tests that sign in to a server in
    another process put the real hashers back (`real_password_hashing`): it could not check MD5."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def real_password_hashing(settings):
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language: a request to an English page (/en/…)
    leaves English active in the test's thread, and URLs reversed later would follow it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
