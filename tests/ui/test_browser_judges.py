"""Analysts signed in as themselves (WORKBENCH_AUTH with a user each) judge a run apart: each
gets the experiments they have not judged, sees their own verdicts, and the tally says how far
they agree."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import app as app_module
from tests.serve import free_port
from tests.ui.downloads import download_csv
from tests.ui.pages import open_saved_run, saved_run_both_answered
from workbench.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _signed_in(browser, url: str, user: str, password: str, by_link: bool = False):
    """A page signed in as `user` with the run open: picked from the list, or `by_link` opened by
    a link naming it, followed before signing in (the sign-in keeps the link)."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{url.rstrip('/')}/?run=two-judges" if by_link else url)
    page.get_by_label("username").fill(user)
    page.get_by_label("password").fill(password)
    page.get_by_role("button", name="Login").click()
    page.wait_for_selector("#chat-question textarea", timeout=30000)
    if by_link:
        expect(page.locator("#batch-progress")).to_contain_text("Opened run two-judges from the page's link",
                                                                timeout=20000)
    else:
        open_saved_run(page, "two-judges", 2)
    return page


def test_two_signed_in_analysts_judge_a_run_apart_and_see_how_far_they_agree(browser, running_app, monkeypatch,
                                                                             tmp_path):
    _, services = running_app  # the app's services, behind a password for two
    # a results folder of its own while it runs: the verdicts it gives are not left for the tallies
    # of the tests sharing the app (the single comparison's counts every verdict recorded)
    monkeypatch.setattr(services.settings, "results_dir", tmp_path / "runs")
    services.settings.results_dir.mkdir()
    saved_run_both_answered(services.settings.results_dir, "two-judges", ["pair-0", "pair-1"])
    monkeypatch.setenv("TEST_JUDGES_AUTH", "ana:first pw;marc:second pw")
    settings = Settings(model=services.settings.model, port=free_port(), results_dir=tmp_path / "runs",
                        auth_env="TEST_JUDGES_AUTH")
    demo, url, _, _ = app_module.launch(settings, services=services)
    try:
        ana = _signed_in(browser, url, "ana", "first pw")
        ana.click("#batch-judge-next")
        expect(ana.locator("#batch-details-head")).to_contain_text("pair-0")
        ana.click("#batch-verdict-1")  # B better
        expect(ana.locator("#batch-verdict-note")).to_contain_text("Verdict B better recorded for pair-0")

        marc = _signed_in(browser, url, "marc", "second pw", by_link=True)
        tally = marc.locator("#batch-judge-tally")
        expect(tally).to_contain_text("1 comparison judged")  # ana's, counted for the run
        marc.click("#batch-judge-next")
        expect(marc.locator("#batch-details-head")).to_contain_text("pair-0")  # not judged by marc yet
        expect(marc.locator("#batch-verdict-note")).to_contain_text("Record a verdict")  # ana's is hers
        marc.click("#batch-verdict-0")  # A better: they disagree
        expect(tally).to_contain_text("— 1 comparison judged (2 verdicts from 2 judges)")
        expect(tally).to_contain_text("2 judges gave the same verdict in 0 of 1 cases where two of them judged "
                                      "the same comparison (0%), Cohen's κ 0.00")
        expect(marc.locator("#batch-table").get_by_role("gridcell").filter(has_text="A better")).to_have_count(2)
        expect(marc.locator("#batch-table")).not_to_contain_text("B better")  # the table shows his own
        rows = download_csv(marc, "#batch-download", tmp_path / "marc.csv")
        assert {(r["experiment_id"], r["verdict"]) for r in rows} == {("pair-0", "A better"), ("pair-1", "")}
        ana.click("#batch-judge-next")  # ana goes on where she is: pair-1, not marc's
        expect(ana.locator("#batch-details-head")).to_contain_text("pair-1")
    finally:
        demo.close()
