"""Markdown to safe HTML: the one place entry text becomes markup."""

import html

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text: str) -> str:
    """Render markdown to HTML with no scripts, event handlers or `javascript:` links.

    Python-Markdown passes raw HTML through, so its output is always sanitised by nh3.
    Input that Markdown cannot handle (pathological nesting) is shown as plain paragraphs
    instead of failing the save.
    """
    if not text or not text.strip():
        return ""
    try:
        rendered = markdown_lib.markdown(text, extensions=["extra", "sane_lists"])
    except (RecursionError, ValueError, IndexError):
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        rendered = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
