"""The layout in a real browser at phone and laptop widths: no tab makes the page scroll sideways
(wide tables scroll inside their own box), every tab's name stays in view and no control is squeezed
to a sliver on a phone."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TABS = ["chat", "compare", "fren", "tuning"]
# How far the page scrolls sideways, and the tab buttons that reach past the window's right edge.
OVERFLOW = """() => [
  document.documentElement.scrollWidth - document.documentElement.clientWidth,
  [...document.querySelectorAll('button[data-tab-id]')]
    .filter(b => b.getBoundingClientRect().right > document.documentElement.clientWidth)
    .map(b => b.dataset.tabId)]"""
# The components shown squeezed narrower than a phone's half line (a checkbox's label a word a
# line, a menu's choice cut off), by id or label.
SQUEEZED = """() => [...document.querySelectorAll('.block')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.width < 150; })
  .map(e => e.id || (e.innerText || '').slice(0, 40))"""


@pytest.mark.parametrize("width", [390, 1024])
def test_no_tab_is_wider_than_the_window(browser, running_app, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(running_app[0])
        page.wait_for_selector("#chat-question textarea", timeout=30000)
        for tab in TABS:
            page.click(f'button[data-tab-id="{tab}"]')
            page.wait_for_timeout(500)  # the tab's tables and charts lay themselves out
            sideways, cut_off = page.evaluate(OVERFLOW)
            assert (sideways, cut_off) == (0, []), f"{tab} tab at {width} px"
            assert page.evaluate(SQUEEZED) == [], f"{tab} tab at {width} px"
        page.click('button[data-tab-id="compare"]')
        page.get_by_role("tab", name="Batch").click()
        page.wait_for_timeout(500)
        assert page.evaluate(SQUEEZED) == [], f"Compare › Batch at {width} px"
    finally:
        context.close()


def test_a_fresh_page_loads_without_an_error_on_any_tab(browser, running_app):
    """What the page reads back on load (the browser's conversation and comparisons, none here)
    must not fail: a load event that returns the wrong number of values marks every component
    it updates with an Error badge, though the page goes on working."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(running_app[0])
        page.wait_for_selector("#chat-question textarea", timeout=30000)
        page.wait_for_timeout(1500)  # the load events have answered
        for tab in TABS:
            page.click(f'button[data-tab-id="{tab}"]')
            page.wait_for_timeout(300)
            assert page.get_by_text("Error", exact=True).count() == 0, f"{tab} tab"
    finally:
        context.close()
