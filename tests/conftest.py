import pytest
from django.contrib.auth.models import Group, User
from django.test import Client


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("editor", password="pass-editor-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(editor) -> Client:
    """A client of its own, so a test can compare what editors and staff see."""
    client = Client()
    client.force_login(editor)
    return client
