"""Entry text is markdown written by editors; nothing in it may run in a reader's browser."""

import re
from html.parser import HTMLParser

import pytest

from kb.content.models import Kind
from kb.core.markdown import render_markdown
from tests.factories import make_entry

PAYLOADS = [
    "<script>alert('x')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<svg onload=alert(1)><circle r="1"/></svg>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">x</p>',
    '![x](x" onerror="alert(1))',
    "<details open ontoggle=alert(1)>",
    '<form action="https://evil.example"><input name="q"></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>",
    '<object data="javascript:alert(1)"></object>',
    "<base href='https://evil.example/'>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
]

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "base",
    "meta",
    "style",
    "details",
    "input",
    "form",
    "link",
}
URL_ATTRIBUTES = {"href", "src", "action", "data", "formaction", "xlink:href"}


class LiveMarkupFinder(HTMLParser):
    """Collects elements and attributes that could run script, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and re.match(r"(javascript|data|vbscript):", value):
                self.found.append(f"{tag}[{name}={value[:20]}]")
            if name == "style":
                self.found.append(f"{tag}[style]")


def live_markup(html: str) -> list[str]:
    finder = LiveMarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_renderer_removes_live_markup(payload):
    assert live_markup(render_markdown(payload)) == []


def test_the_checker_itself_recognises_live_markup():
    assert live_markup(PAYLOADS[2]) == ["img[onerror]"]
    assert live_markup(PAYLOADS[7]) == ["a[href=javascript:alert(1)]"]
    assert live_markup("&lt;script&gt;alert(1)&lt;/script&gt;") == []


def test_renderer_keeps_ordinary_markdown_and_safe_links():
    html = render_markdown(
        "# Заголовок\n\n**жирный**, [сайт](https://example.com), `код`\n\n1. раз\n2. два"
    )
    assert "<strong>жирный</strong>" in html
    assert 'href="https://example.com"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<ol>" in html and "<code>код</code>" in html


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "*" * 5000,
        "[" * 3000,
        ">" * 3000 + " цитата",
        "```\nнезакрытый код",
        "\x00\x01\x02",
        "🙂" * 100,
    ],
)
def test_broken_markdown_renders_without_error(text):
    assert isinstance(render_markdown(text), str)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_field_never_reach_the_page_as_markup(client, payload):
    situation = make_entry(
        Kind.SITUATION,
        title=f"Заголовок {payload}",
        summary=f"Кратко {payload}",
        body=f"Текст {payload}",
        steps=[f"Шаг {payload}"],
        tags=[f"тег {payload}"[:90]],
    )
    case = make_entry(Kind.CASE, title="Случай", body=payload, lesson=f"Урок {payload}")
    situation.see_also.add(case)
    for url in [
        situation.get_absolute_url(),
        case.get_absolute_url(),
        "/",
        "/situations/",
        "/cases/",
    ]:
        html = client.get(url).content.decode()
        page = html[html.index("<main") : html.index("</main>")]
        # The search form and the feedback forms under the steps are ours (they show no
        # content); everything else in <main> is content.
        page = re.sub(r'<form role="search".*?</form>', "", page, flags=re.DOTALL)
        page = re.sub(
            r'<div class="step-feedback no-print" data-step-feedback>.*?</form>\s*</div>',
            "",
            page,
            flags=re.DOTALL,
        )
        assert live_markup(page) == [], url
