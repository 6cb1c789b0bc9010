"""An editor at work during a load benchmark: signs in through the admin and saves an entry
through its change form once a second, as a person would (the form read, one field changed,
the whole form sent back), until stopped."""

import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urlencode

from kb.tools.bench.load import NoRedirect, cookie_header, set_cookies

BENCH_EDITOR = "bench-editor"


class FormFields(HTMLParser):
    """The fields a browser would send for the admin's change form (id `<model>_form`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.in_form = False
        self.textarea: str | None = None
        self.select: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form"):
            self.in_form = True
        if not self.in_form or (not a.get("name") and tag != "option"):
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea, self.text = a["name"], []
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, "".join(self.text).removeprefix("\n")))
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text.append(data)


def editor_password() -> str:
    """A superuser for the benchmark's editor, with a new password each run."""
    from django.contrib.auth.models import User

    password = secrets.token_urlsafe(24)
    user, _ = User.objects.get_or_create(username=BENCH_EDITOR)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return password


def churn_entry_url() -> str:
    """The admin change form of a published entry that no measured page is: the last rule."""
    from django.urls import reverse

    from kb.content.models import Entry, Kind

    entry = Entry.objects.published().of_kind(Kind.RULE).order_by("-pk").first()
    if entry is None:
        raise SystemExit("No published rule to edit during --churn.")
    return reverse(f"admin:kb_{entry.kind}_change", args=[entry.pk])


class Editor(threading.Thread):
    """Saves the entry at `change_path` through the admin every `interval` seconds."""

    def __init__(self, base: str, change_path: str, password: str, interval: float = 1.0):
        super().__init__(daemon=True)
        self.base, self.change_path, self.password = base, change_path, password
        self.interval = interval
        self.stopping = threading.Event()
        self.saves = 0
        self.failures: list[str] = []
        self.save_seconds: list[float] = []
        self.opener = urllib.request.build_opener(NoRedirect)
        self.cookies: dict[str, str] = {}

    def sign_in(self) -> None:
        login = self.base + "/admin/login/"
        with self.opener.open(login, timeout=30) as response:
            self.cookies |= set_cookies(response.headers)
            token = re.search(
                r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()
            )
        form = {
            "username": BENCH_EDITOR,
            "password": self.password,
            "csrfmiddlewaretoken": token[1],
            "next": "/admin/",
        }
        self.post(login, form, expect=302)

    def post(self, url: str, form: dict | list, expect: int) -> None:
        request = urllib.request.Request(
            url,
            data=urlencode(form).encode(),
            headers={"Referer": url, **cookie_header(self.cookies)},
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                status = response.status
                body = response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            status, body = error.code, ""
            self.cookies |= set_cookies(error.headers)
        if status != expect:
            errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', body, re.S)
            raise RuntimeError(f"{url} answered {status}: {' '.join(errors)[:300]}")

    def save_once(self, number: int) -> None:
        url = self.base + self.change_path
        request = urllib.request.Request(url, headers=cookie_header(self.cookies))
        with self.opener.open(request, timeout=30) as response:
            self.cookies |= set_cookies(response.headers)
            parser = FormFields()
            parser.feed(response.read().decode())
        fields = [
            (name, f"Правило, которое редактор меняет во время замера ({number})")
            if name == "summary"
            else (name, value)
            for name, value in parser.fields
        ]
        self.post(url, [*fields, ("_continue", "1")], expect=302)

    def run(self) -> None:
        try:
            self.sign_in()
        except Exception as error:  # reported with the figures, not raised in a thread
            self.failures.append(f"sign-in: {error}")
            return
        number = 0
        while not self.stopping.is_set():
            started = time.monotonic()
            number += 1
            try:
                self.save_once(number)
                self.saves += 1
                self.save_seconds.append(time.monotonic() - started)
            except Exception as error:
                self.failures.append(str(error))
            self.stopping.wait(max(0.0, self.interval - (time.monotonic() - started)))

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=60)

    def summary(self) -> str:
        slowest = max(self.save_seconds, default=0.0)
        text = f"editor: {self.saves} saves through the admin, slowest {slowest * 1000:.0f} ms"
        if self.failures:
            text += f"; {len(self.failures)} failed (first: {self.failures[0]})"
        return text
