"""The README's screenshots, taken by hand (not in CI: the name does not start with `test_`):

    .venv/bin/python -m pytest tests/browser/screenshots.py

It seeds a test database, opens the pages in Chromium at 360 × 740 (and the admin at
1440 × 520) and writes docs/screenshots/*.png.
"""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from kb.content.models import Entry, Kind
from kb.content.services import load_seed
from kb.feedback.models import Vote
from tests.browser.phone import PHONE

pytestmark = pytest.mark.django_db(transaction=True)

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "pass-screens-123"


@pytest.fixture
def seeded():
    load_seed()
    titles = [
        "Клиент впал в истерику",
        "Клиент умер",
        "Исправление ошибок наших сотрудников",
        "Наш сотрудник пропал по дороге к клиенту",
    ]
    for views, title in enumerate(reversed(titles), start=100):
        Entry.objects.filter(title=title).update(view_count=views)


def test_take_the_readme_screenshots(browser, live_server, seeded):
    OUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport=PHONE, device_scale_factor=1
    )
    page = context.new_page()

    page.goto("/")
    page.screenshot(path=OUT / "phone-home.png")

    situation = Entry.objects.get(seed_key="klient-vpal-v-isteriku")
    page.goto(situation.get_absolute_url())
    page.screenshot(path=OUT / "phone-situation.png")

    page.get_by_role("button", name="Не помогло, шаг 1").click()
    status = page.locator("li.step").first.locator("[data-feedback-status]")
    expect(status).to_have_text("Спасибо: редакторы посмотрят этот шаг.")
    page.locator("li.step").first.get_by_label("Что не сработало? (необязательно)").fill(
        "Клиент не успокоился и через десять минут"
    )
    page.locator("li.step").first.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -60)")
    page.screenshot(path=OUT / "phone-feedback.png")
    context.close()

    # Some votes for the editors' list.
    for entry, helped, unhelpful in [
        ("klient-vpal-v-isteriku", 3, 6),
        ("klient-umer", 9, 1),
        ("ispravlenie-oshibok-nashih-sotrudnikov", 4, 3),
        ("nash-sotrudnik-propal-po-doroge-k-klientu", 1, 1),
    ]:
        steps = list(Entry.objects.get(seed_key=entry).responses.all())
        for n in range(helped + unhelpful):
            Vote.objects.create(step=steps[n % len(steps)], helped=n < helped)
    User.objects.create_superuser("editor", password=PASSWORD)
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport={"width": 1440, "height": 520}
    )
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto("/admin/feedback/situationfeedback/?attention=voted")
    page.screenshot(path=OUT / "admin-feedback.png")
    context.close()
    assert Entry.objects.of_kind(Kind.SITUATION).count() == 14
