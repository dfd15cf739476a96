"""Checks run on every page state the browser tests visit, beside axe: reflow at 320 CSS
pixels (WCAG 1.4.10) and the contrast of form-control borders and focus indicators (1.4.11,
2.4.7), both measured in Chromium from the laid-out page and its computed styles."""

from pathlib import Path

NARROW_WIDTH = 320
MINIMUM_CONTRAST = 3.0

_JS = Path(__file__).resolve().parent / "js"
REFLOW_JS = (_JS / "reflow.js").read_text()
NON_TEXT_CONTRAST_JS = (_JS / "non_text_contrast.js").read_text()
# Two animation frames: the first runs after the resize, the second after its layout.
_AFTER_LAYOUT_JS = (
    "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
)


def assert_no_horizontal_scroll(page, *, context: str = "") -> dict:
    """Narrow the viewport to 320 px (same height), fail if the page scrolls sideways, and
    restore the viewport. The message names the elements that stick out, widest first."""
    size = page.viewport_size or page.evaluate(
        "() => ({width: window.innerWidth, height: window.innerHeight})"
    )
    page.set_viewport_size({"width": NARROW_WIDTH, "height": size["height"]})
    try:
        page.evaluate(_AFTER_LAYOUT_JS)
        result = page.evaluate(REFLOW_JS)
    finally:
        page.set_viewport_size(size)
        page.evaluate(_AFTER_LAYOUT_JS)
    offenders = "\n".join(
        f"  {o['element']}: right edge at {o['right']} px, {o['width']} px wide"
        for o in result["offenders"]
    )
    assert result["scrollWidth"] <= NARROW_WIDTH, (
        f"{page.url} {context} scrolls sideways at {NARROW_WIDTH} px: it is "
        f"{result['scrollWidth']} px wide. Sticking out, widest first:\n{offenders}"
    )
    return result


def assert_non_text_contrast(page, *, context: str = "") -> dict:
    """Fail if a visible form control's border or a focus indicator has a contrast below 3:1
    against the background behind it."""
    result = page.evaluate(NON_TEXT_CONTRAST_JS, {"minimum": MINIMUM_CONTRAST})
    findings = "\n".join(f"  {finding}" for finding in result["findings"])
    assert not result["findings"], (
        f"{page.url} {context}: below {MINIMUM_CONTRAST:g}:1 against the background:\n{findings}"
    )
    return result
