"""The README's screenshots of the editors' admin: a situation's form and its preview.

Not part of the suite (pytest collects only test_*.py); run it by hand when the admin changes:

    .venv/bin/python -m pytest tests/browser/screenshots_admin.py

It loads the seed content into a throw-away database, signs an editor in, opens a seeded
situation's form at 1280 px and saves, under docs/screenshots/, the top of the form (title,
summary and the numbered steps) and the markdown preview beside its text.
"""

from pathlib import Path as FilePath

import pytest
from django.contrib.auth.models import User

from kb.content.models import Entry
from kb.content.services import load_seed
from tests.conftest import editors_group

pytestmark = pytest.mark.django_db(transaction=True)

OUTPUT = FilePath(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "pass-screenshot-123"
SITUATION_KEY = "klient-vpal-v-isteriku"
BODY = (
    "Клиент в истерике не слышит доводов: сначала эмоции, потом факты.\n\n"
    "- Говорите тише и медленнее, чем он.\n"
    "- Не спорьте и не оправдывайтесь.\n\n"
    "> Человек, которого выслушали, успокаивается сам.\n\n"
    "Подробнее — в правиле [«Умение слушать»](/principles/umenie-slushat-terpenie/)."
)


def test_take_the_admin_form_screenshots(page):
    load_seed()
    situation = Entry.objects.get(seed_key=SITUATION_KEY)
    editor = User.objects.create_user(
        "redaktor", password=PASSWORD, is_staff=True, first_name="Анна", last_name="Петрова"
    )
    editor.groups.add(editors_group())

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/login/")
    page.fill("#id_username", "redaktor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(f"/admin/kb/situation/{situation.pk}/change/")
    page.wait_for_selector(".field-body iframe[data-preview-ready]")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / "admin-situation-form.png")

    # The preview, with a text that has a list, a quote and a link, as editors write them.
    page.fill("#id_body", BODY)
    preview = page.frame_locator(".field-body iframe")
    preview.locator("blockquote").wait_for()
    page.wait_for_timeout(300)  # the frame fits its height to the new text
    row = page.locator(".field-body")
    row.scroll_into_view_if_needed()
    row.screenshot(path=OUTPUT / "admin-preview.png")
