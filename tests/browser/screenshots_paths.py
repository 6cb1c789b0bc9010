"""The README's screenshots of a reading path, taken in Chromium on a phone and a desktop.

Not part of the suite (pytest collects only test_*.py); run it by hand when the pages change:

    .venv/bin/python -m pytest tests/browser/screenshots_paths.py

It signs a newcomer in on a throw-away database with the seed content and its sample path
(«Первая неделя: как мы работаем с клиентами», fixtures/paths.yaml), marks three of its entries
read, lets an editor change one of them significantly, and saves the path page as PNG files
under docs/screenshots/.
"""

from pathlib import Path as FilePath

import pytest
import reversion
from django.contrib.auth.models import User

from kb.content.services import load_seed
from kb.paths.models import Path
from kb.paths.services import mark_read, record_significant_change

pytestmark = pytest.mark.django_db(transaction=True)

OUTPUT = FilePath(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "pass-screenshot-123"


def test_take_the_path_page_screenshots(page, settings):
    settings.PRAVILA_BASE_URL = "https://kb.example.com"  # not the test server's random port
    load_seed()
    path = Path.objects.get(seed_key="pervaya-nedelya")
    entries = [item.entry for item in path.items.select_related("entry")]
    reader = User.objects.create_user(
        "novichok", password=PASSWORD, first_name="Ира", last_name="Новикова"
    )
    for entry in entries[:3]:
        mark_read(user=reader, entry=entry)
    with reversion.create_revision():
        entries[1].summary += " Не перебивайте, даже если ответ уже ясен."
        entries[1].save()
        record_significant_change(entry=entries[1])

    page.goto(f"/accounts/login/?next={path.get_absolute_url()}")
    page.fill("#id_username", "novichok")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"**{path.get_absolute_url()}")
    OUTPUT.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=OUTPUT / "path-page.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=OUTPUT / "path-page-phone.png", full_page=True)
