"""The layout in a real browser at phone and laptop widths: no tab makes the page scroll sideways
(wide tables scroll inside their own box) and every tab's name stays in view."""

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
