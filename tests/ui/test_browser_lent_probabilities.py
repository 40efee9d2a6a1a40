"""System A's answers with the probabilities its provider lent while writing, in a real browser:
Compare › Single's column and reading, and Chat's."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.ui.pages import app_with_system_a, chat_with, compare_both

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_system_as_unsure_figure_is_shown_with_its_answer_and_read_token_by_token(browser, running_app,
                                                                                monkeypatch, tmp_path):
    with app_with_system_a(browser, running_app, "figures", tmp_path / "runs", monkeypatch) as page:
        # its model writes "Revenue rose 12% to 1,210 million.", "12" at 41% with "15" at 38%
        compare_both(page, "How did revenue move last year?")
        metrics = page.locator("#cmp-metrics-a")  # said beside the answer, with nothing to click
        expect(metrics).to_contain_text("unsure figures")
        expect(metrics).to_contain_text("12% (41%; it also weighed “15” 38%)")
        # the figures only A states, marked in its answer as soon as the comparison ends
        expect(page.locator("#cmp-diff")).to_contain_text("only A states 12%, 1,210 million")
        expect(page.locator("#cmp-answer-a mark.figure-apart")).to_have_text(["12%", "1,210 million"])
        page.get_by_text("How sure was each model of its answer? (token by token)").click()
        page.click("#cmp-confidence")
        summary = page.locator("#cmp-confidence-summary")
        expect(summary).to_contain_text("System A's model gave 8 of the answer's 9 tokens (89%) even odds or "
                                        "better", timeout=30000)
        expect(summary).to_contain_text("as its provider reported them while it wrote")
        expect(summary).to_contain_text(re.compile(r"System B's model gave \d+ of the answer's \d+ tokens"))
        twelve = page.locator("#cmp-confidence-tokens .tok", has_text=re.compile(r"^12$"))
        expect(twelve).to_have_attribute("title", "41% · also: “15” 38%")
        expect(page.locator("#cmp-confidence-tokens h2")).to_have_text(["System A", "System B"])
        log_cell = page.locator("#cmp-log").get_by_role("gridcell").filter(has_text="12% (41%)")
        expect(log_cell).to_have_count(1)  # the list of comparisons keeps it too

        chat_with(page, "System A · remote MoE", "How did revenue move last year?")
        page.get_by_text("How sure was the model of its last answer? (token by token)").click()
        page.click("#chat-confidence")
        chat_summary = page.locator("#chat-confidence-summary")
        expect(chat_summary).to_contain_text("System A · remote MoE gave 8 of the answer's 9 tokens", timeout=30000)
        expect(chat_summary).to_contain_text("12%")
