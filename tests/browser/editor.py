"""Signing in to the admin as an editor, in a real browser."""

from django.contrib.auth.models import User

from tests.conftest import editors_group

PASSWORD = "pass-12345-x"


def log_in_as_editor(page) -> User:
    """Create an editor ("editor", in the Editors group) and sign in through the admin's form."""
    user = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(editors_group())
    page.goto("/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return user
