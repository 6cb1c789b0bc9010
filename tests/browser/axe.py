"""axe-core (WCAG 2.1 A and AA) on a page driven by Playwright."""

from pathlib import Path

AXE_SCRIPT = Path(__file__).parent / "assets" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    """Run axe on the page as it is now; the violations, each with its rule and nodes."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the site's Content Security Policy
        # does not govern (a <script> tag with the same text would be blocked as inline).
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(result => result.violations)",
        WCAG_TAGS,
    )


def describe(violations: list[dict]) -> str:
    """One line per violation and node, readable in a failed assertion."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {node['target']} — {node['failureSummary']}"
        for v in violations
        for node in v["nodes"]
    )


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe found violations on {page.url}:\n{describe(violations)}"
