"""The Generation-tuning tab in a real browser: a 4-config sweep, its CSV, Use in Chat, Stop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.ui.downloads import download_csv
from tests.ui.pages import set_number

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_four_config_sweep_fills_the_table_and_the_csv_holds_four_rows(page, tmp_path):
    page.get_by_role("tab", name="Generation tuning").click()
    page.click("#tune-fill")  # temperature 0.2, 0.9 x max_new_tokens 64, 256
    expect(page.locator("#tune-configs")).to_contain_text("256")
    expect(page.locator("#tune-configs")).to_contain_text("0.9")
    page.click("#tune-run")
    expect(page.locator("#tune-status")).to_contain_text("Finished — 4 runs", timeout=120000)
    expect(page.locator("#tune-results")).to_contain_text("reasoning_share")
    expect(page.locator("#tune-plot .js-plotly-plot")).to_be_visible()
    rows = download_csv(page, "#tune-download", tmp_path / "tuning.csv")
    assert len(rows) == 4
    assert sorted({r["temperature"] for r in rows}) == ["0.2", "0.9"]
    assert {r["max_new_tokens"] for r in rows} == {"64", "256"}


def test_use_in_chat_copies_a_configuration(page):
    page.get_by_role("tab", name="Generation tuning").click()
    page.click("#tune-fill")
    expect(page.locator("#tune-configs")).to_contain_text("256")
    page.fill("#tune-use-row input", "4")
    page.click("#tune-use")
    expect(page.locator("#chat-question textarea")).to_be_visible()
    page.click("#chat-params")
    expect(page.locator("#chat-temperature input[type=number]")).to_have_value("0.9")
    expect(page.locator("#chat-max_new_tokens input[type=number]")).to_have_value("256")
    expect(page.locator("#chat-preset input")).to_have_value("Custom")


def test_stop_ends_the_runs_and_says_how_many_finished(page):
    page.get_by_role("tab", name="Generation tuning").click()
    page.fill("#tune-y-values input, #tune-y-values textarea", "2048, 4096")
    page.click("#tune-fill")
    expect(page.locator("#tune-configs")).to_contain_text("4096")
    set_number(page, "tune-repeats", 5)  # 4 configurations × 5 repeats = 20 runs
    page.click("#tune-run")
    expect(page.locator("#tune-status")).to_contain_text("Running", timeout=60000)
    page.click("#tune-stop")
    status = page.locator("#tune-status")
    expect(status).to_contain_text("Stopped", timeout=30000)  # it used to say "Finished — 20 runs"
    done = int(re.search(r"Stopped — (\d+) of 20 runs", status.inner_text()).group(1))
    assert done < 20


def test_runs_that_failed_are_counted_in_the_status(page):
    page.get_by_role("tab", name="Generation tuning").click()
    page.locator("#tune-engine input").click()
    page.get_by_role("option", name="System A · remote MoE").click()  # no key in this app
    page.click("#tune-run")
    expect(page.locator("#tune-status")).to_contain_text("Finished — 2 runs", timeout=30000)
    expect(page.locator("#tune-status")).to_contain_text("2 failed, e.g.")
