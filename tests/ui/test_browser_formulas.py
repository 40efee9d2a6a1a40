"""A model's answer read as it wrote it, in a real browser: its formulas typeset (DeepSeek writes
`\\[ … \\]` and `\\( … \\)`, which Gradio's default, $$ alone, showed as "[ D_{mod} = \\frac{…} ]"),
and copied from Compare and Chat as written: no HTML entities, marks or figures line."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fake_deepseek import FORMULA
from tests.ui.pages import app_with_system_a, chat_with, compare_both

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# the text of an element with its typeset formulas taken out: what is left shows as written
UNTYPESET = """(selector) => {
  const copy = document.querySelector(selector).cloneNode(true);
  copy.querySelectorAll('.katex').forEach(el => el.remove());
  return copy.textContent;
}"""


def test_system_as_formulas_are_typeset_in_compare_and_chat_and_dollar_amounts_stay_text(browser, running_app,
                                                                                       monkeypatch, tmp_path):
    with app_with_system_a(browser, running_app, "formula", tmp_path / "runs", monkeypatch) as page:
        # its answer: "The modified duration is \[ D_{mod} = \frac{D_{mac}}{1 + y} \] so with
        # \( D_{mac} = 7.2 \) it is lower, for a fee of $5 and $10 a trade."
        compare_both(page, "What is the modified duration?")
        answer = page.locator("#cmp-answer-a")
        expect(answer.locator(".katex-display")).to_have_count(1)  # \[ … \] on a line of its own
        expect(answer.locator(".katex")).to_have_count(2)  # and \( … \) within the sentence
        rest = page.evaluate(UNTYPESET, "#cmp-answer-a")
        assert "The modified duration is" in rest and "a fee of $5 and $10 a trade on the S&P 500 (P/E < 25)." in rest
        assert "frac" not in rest and "D_{" not in rest and "\\" not in rest
        # its copy button gives the answer as the model wrote it, formulas and all
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        answer.get_by_role("button", name="Copy the answer").click()
        assert copied(page) == "".join(FORMULA)
        # and System B's reasoning's, as the model wrote it too (plain sentences: as shown)
        page.locator("#cmp-col-b").get_by_text("Reasoning", exact=True).click()
        reasoning = page.locator("#cmp-reasoning-b")
        reasoning.get_by_role("button", name="Copy the reasoning").click()
        text = copied(page)
        assert "<" not in text and " ".join(text.split()) == " ".join(reasoning.inner_text().split())

        chat_with(page, "System A · remote MoE", question := "What is the modified duration <b>now</b>?")
        expect(page.locator("#chatbot .katex-display")).to_have_count(1)
        expect(page.locator("#chatbot .katex")).to_have_count(2)
        rest = page.evaluate(UNTYPESET, "#chatbot")
        assert "a fee of $5 and $10 a trade on the S&P 500 (P/E < 25)." in rest and "frac" not in rest
        # so does Chat's: not the Thinking block, figures or HTML shown with it ("S&amp;P 500" once)
        page.locator("#chatbot").get_by_label("Copy message").last.click()
        assert copied(page) == "".join(FORMULA)
        page.locator("#chatbot").get_by_label("Copy message").first.click()  # the question's, as typed
        assert copied(page) == question


def copied(page) -> str:
    """What the clipboard holds once a copy button has put something new there (it is emptied first)."""
    page.wait_for_function("async () => (await navigator.clipboard.readText()).length > 0")
    text = page.evaluate("navigator.clipboard.readText()")
    page.evaluate("navigator.clipboard.writeText('')")
    return text
