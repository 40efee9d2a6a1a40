"""Compare › Single: a system that failed (DeepSeek overloaded) is asked again alone; the other's
answer stays as it was."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.ui.pages import app_with_system_a

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_system_that_failed_is_asked_again_and_the_others_answer_stays(browser, running_app, monkeypatch,
                                                                          tmp_path):
    with app_with_system_a(browser, running_app, "flaky-503", tmp_path / "runs", monkeypatch) as page:
        # System A answers each question only the second time it is asked (503 the first)
        page.get_by_role("tab", name="Compare").click()
        retry = page.locator("#cmp-retry")
        expect(retry).to_be_hidden()
        page.fill("#cmp-query textarea", "Qu'est-ce que la duration ?")
        page.click("#cmp-go")
        expect(page.locator("#cmp-answer-a")).to_contain_text("503", timeout=30000)
        expect(retry).to_have_text("Ask System A again")
        answer_b = page.locator("#cmp-answer-b").inner_text()
        metrics_b = page.locator("#cmp-metrics-b").inner_text()
        assert "duration" in answer_b
        # the comparison is listed with System A's failure (its kind, in the error column)
        failure = page.locator("#cmp-log").get_by_role("gridcell").filter(has_text="upstream_error")
        expect(failure).to_have_count(1)
        retry.click()
        expect(page.locator("#cmp-answer-a")).to_contain_text("vaut prix / bénéfice", timeout=30000)
        # a French answer is marked French, for screen readers (the page is in English)
        expect(page.locator('#cmp-answer-a [lang="fr"]')).to_contain_text("vaut prix / bénéfice")
        expect(retry).to_be_hidden()
        assert page.locator("#cmp-answer-b").inner_text() == answer_b  # not asked again
        assert page.locator("#cmp-metrics-b").inner_text() == metrics_b
        expect(page.locator("#cmp-diff")).to_contain_text("First token")  # both answered: set side by side
        expect(page.locator("#cmp-verdict-note")).to_contain_text("Record a verdict")
        log = page.locator("#cmp-log")  # the list's entry is the comparison asked again, not a second one
        expect(log.get_by_role("gridcell").filter(has_text="Qu'est-ce que la duration")).to_have_count(2)  # 2 rows
        expect(failure).to_have_count(0)  # no longer listed with the failure
