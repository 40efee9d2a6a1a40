"""The FR/EN tab in a real browser: an inspection on 4 probes shows the matrix and the chart."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_inspection_on_four_probes_shows_matrix_and_chart(page):
    page.get_by_role("tab", name="FR/EN behaviour").click()
    # 2 definition pairs = 4 probes (EN + FR), two strategies
    for qtype in ("example", "calculation", "multipart"):
        page.locator("#fren-types").get_by_label(qtype).uncheck()
    for strategy in ("thinking off", "French system prompt", "French prefill", "strip reasoning"):
        page.locator("#fren-strategies").get_by_label(strategy).uncheck()
    box = page.locator("#fren-count input[type=number]")
    box.fill("2")
    box.press("Enter")
    page.click("#fren-go")
    expect(page.locator("#fren-status")).to_contain_text("Finished — 8 answers", timeout=120000)
    expect(page.locator("#fren-matrix")).to_contain_text("baseline")
    expect(page.locator("#fren-matrix")).to_contain_text("french-reasoning adapter")
    expect(page.locator("#fren-plot .js-plotly-plot")).to_be_visible()
    expect(page.locator("#fren-download")).to_be_visible()
