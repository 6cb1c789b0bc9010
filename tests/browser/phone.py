"""Measuring a page as a phone shows it: what is on the first screen, tap targets, broken words."""

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
MIN_TARGET = 44  # px, WCAG 2.5.5 (AAA) and the platforms' guidelines

# Every control a finger may tap, except links inside running text (WCAG's "inline" exception:
# a link in a sentence is as tall as the sentence's line).
SMALL_TARGETS = """
min => {
  const isText = node => node.nodeType === Node.TEXT_NODE && node.textContent.trim() !== "";
  const inRunningText = el => el.tagName === "A" && (
    el.closest(".prose, .entry__summary, .search-snippet") !== null ||
    [...el.parentElement.childNodes].some(isText)
  );
  const controls = "a[href], button, summary, select, textarea, input:not([type=hidden])";
  return [...document.querySelectorAll(controls)]
    .filter(el => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
    })
    .filter(el => !inRunningText(el))
    .map(el => ({el, box: el.getBoundingClientRect()}))
    .filter(({box}) => box.width < min - 0.5 || box.height < min - 0.5)
    .map(({el, box}) => {
      const text = (el.textContent || el.value || "").trim().slice(0, 30);
      const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
      return `${el.tagName.toLowerCase()}.${el.className} «${text}» ${size}`;
    });
}
"""

# Words (split at spaces, hyphens, slashes and soft hyphens: where a line may break) whose
# letters the browser laid out on more than one line.
SPLIT_WORDS = r"""
() => {
  const split = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  // The line a letter is on. After a soft hyphen at a line's end, a range's first box is the
  // hyphen drawn on the line above: the letter's own box is the last one.
  const lineOf = (node, index) => {
    range.setStart(node, index);
    range.setEnd(node, index + 1);
    const boxes = [...range.getClientRects()].filter(r => r.width > 0);
    return boxes.length ? Math.round(boxes[boxes.length - 1].bottom) : null;
  };
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const box = node.parentElement.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;  // not shown, or visually hidden
    const words = /[^\s\-‐–—\/\u00ad]{2,}/g;
    for (let m = words.exec(node.textContent); m; m = words.exec(node.textContent)) {
      if (lineOf(node, m.index) !== lineOf(node, m.index + m[0].length - 1)) split.push(m[0]);
    }
  }
  return split;
}
"""


def box(locator) -> dict:
    """The element's box relative to the viewport (Playwright's is relative to the page)."""
    return locator.evaluate(
        "el => { const b = el.getBoundingClientRect();"
        " return {top: b.top, bottom: b.bottom, left: b.left, right: b.right}; }"
    )


def on_first_screen(locator, viewport: dict = PHONE) -> bool:
    """The whole element is visible without scrolling."""
    b = box(locator)
    return b["top"] >= 0 and b["bottom"] <= viewport["height"] and b["right"] <= viewport["width"]


def small_targets(page) -> list[str]:
    return page.evaluate(SMALL_TARGETS, MIN_TARGET)


def split_words(page) -> list[str]:
    return page.evaluate(SPLIT_WORDS)
