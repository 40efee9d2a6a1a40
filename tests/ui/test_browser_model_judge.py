"""*Judge with a model* in the browser: a judge model (the fake DeepSeek's fair judge) reads a saved
run; its verdicts fill the table's *model verdict* column, the CSV and the tally, set against the
analyst's verdict, which it never replaces."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

import app as app_module
from tests.fake_deepseek import FakeDeepSeek
from tests.serve import free_port
from tests.ui.downloads import download_csv
from tests.ui.pages import open_saved_run, saved_run_both_answered
from workbench import model_judge
from workbench.batch_store import run_file
from workbench.model_judge import judge_name, model_verdicts_file, record_model_verdict
from workbench.services import REMOTE
from workbench.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@contextmanager
def app_judged_by(services, judge: FakeDeepSeek, folder, monkeypatch):
    """The app on the shared services, with System A the fake server's fair judge and a results
    folder of its own: the page is built with it, so every verdict it records stays there (the
    shared app's page keeps the folder it was built with, which the other browser tests count)."""
    monkeypatch.setattr(services.settings, "results_dir", folder)
    monkeypatch.setitem(services.engines, REMOTE, judge.engine("judge"))  # answers as System A, and judges
    demo, url, _, _ = app_module.launch(Settings(model=services.settings.model, port=free_port(), results_dir=folder),
                                        services=services)
    try:
        yield url
    finally:
        demo.close()


def run_opened(browser, url: str, run: str, experiments: int):
    """A new page of the app at `url` with the saved `run` (of so many experiments) open in Batch."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url)
    open_saved_run(page, run, experiments)
    return page


def test_a_model_judges_a_run_beside_the_analyst(browser, running_app, monkeypatch, tmp_path):
    _, services = running_app
    folder = tmp_path / "runs"
    folder.mkdir()
    saved_run_both_answered(folder, "judged-by-a-model", ["q-0", "q-1", "q-2"], b_refuses=["q-2"],
                            b_says="from the local model, right")
    saved_run_both_answered(folder, "a-failed", ["q-9"])
    failed = run_file(folder, "a-failed")
    failed.write_text(json.dumps({**json.loads(failed.read_text()), "system_a": None}) + "\n")  # A not asked
    monkeypatch.setenv("FAKE_DEEPSEEK_KEY", "sk-test-model-judge")
    with FakeDeepSeek() as judge, app_judged_by(services, judge, folder, monkeypatch) as url:
        page = run_opened(browser, url, "judged-by-a-model", 3)

        page.locator("#batch-model-judge").get_by_text("Judge with a model").click()
        estimate = page.locator("#batch-model-judge-estimate")  # what it will read, said before it starts
        expect(estimate).to_contain_text("Judging run judged-by-a-model with judge reads 3 experiments (6 readings, "
                                         "about")
        page.locator("#batch-model-judge-prompt").get_by_text("What the judge is told").click()
        expect(page.locator("#batch-model-judge-prompt")).to_contain_text("You judge two answers that a finance "
                                                                          "assistant gave")
        page.click("#batch-model-judge-run")
        status = page.locator("#batch-model-judge-status")
        expect(status).to_contain_text("Judged run judged-by-a-model with judge: 3 of 3 judged", timeout=30000)
        assert len(judge.requests) == 6  # each experiment read twice, A's answer first then B's
        expect(estimate).to_contain_text("has a verdict from judge already")
        table = page.locator("#batch-table")
        expect(table.get_by_role("gridcell").filter(has_text="B better")).to_have_count(4)  # q-0, q-1: two rows each
        expect(table.get_by_role("gridcell").filter(has_text="Both bad")).to_have_count(2)  # q-2: B refused
        tally = page.locator("#batch-judge-tally")
        expect(tally).to_contain_text("Model verdicts, judge: A better 0 · B better 2 · Tie 0 · Both bad 1 — 3 of "
                                      "the 3 experiments both systems answered")
        expect(tally).to_contain_text("No experiment judged by an analyst too yet")

        page.click("#batch-judge-next")  # the analyst judges q-0 and differs: the model's verdict is said after
        expect(page.locator("#batch-details-head")).to_contain_text("q-0")
        expect(page.locator("#batch-verdict-note")).not_to_contain_text("judge model")
        page.click("#batch-verdict-0")  # A better
        expect(page.locator("#batch-verdict-note")).to_contain_text(
            "Verdict A better recorded for q-0 (run judged-by-a-model). The judge model judge said B better "
            "(“A first: Answer 2 states the right figure. / B first: Answer 1 states the right figure.”).")
        expect(tally).to_contain_text("It gave the analysts' verdict in 0 of 1 verdicts on the same experiments "
                                      "(0%; Cohen's κ 0.00): where an analyst said A better, it said B better 1")
        expect(tally).to_contain_text("A better 1 · B better 0 · Tie 0 · Both bad 0 — 1 comparison judged")
        rows = download_csv(page, "#batch-download", tmp_path / "judged.csv")
        assert {(r["experiment_id"], r["verdict"], r["model_verdict"], r["model_judge"]) for r in rows} == {
            ("q-0", "A better", "B better", "judge"), ("q-1", "", "B better", "judge"),
            ("q-2", "", "Both bad", "judge")}
        assert all("states the right figure" in r["model_verdict_note"] for r in rows)

        page.click("#batch-model-judge-run")  # nothing left for this model: it asks nothing again
        expect(status).to_contain_text("has a verdict from judge already")
        assert len(judge.requests) == 6
        page.fill("#batch-model-judge-rules textarea", "Refuse any tip on a security.")  # under house rules,
        ruled = judge_name("judge", "Refuse any tip on a security.")
        page.locator("#batch-model-judge-rules textarea").blur()
        expect(estimate).to_contain_text(f"Judging run judged-by-a-model with {ruled} reads 3 experiments")
        page.click("#batch-model-judge-run")  # the same model is another judge: it judges every one again
        expect(status).to_contain_text(f"Judged run judged-by-a-model with {ruled}: 3 of 3 judged", timeout=30000)
        assert len(judge.requests) == 12 and "Refuse any tip on a security." in str(judge.requests[-1]["body"])
        expect(tally).to_contain_text("Its house rules: “Refuse any tip on a security.”")
        expect(tally).to_contain_text("Judge models set against each other: judge and " + ruled)

        open_saved_run(page, "a-failed", 1)  # a run that System A failed on: nothing to judge, said so
        expect(estimate).to_have_text("No experiment of run a-failed has answers from both systems yet: the judge "
                                      "reads both.")
        page.click("#batch-model-judge-run")
        expect(page.get_by_text("No experiment of run a-failed has answers from both systems, and")).to_be_visible()
        assert len(judge.requests) == 12

        # the leaderboard: the analyst's verdict, then the judge model's three, as games between the models
        page.locator("#batch-leaderboard").get_by_text("Models across every verdict").click()
        note = page.locator("#batch-leaderboard-note")
        expect(note).to_contain_text("2 models rated from 1 verdict given by the analysts", timeout=20000)
        board = page.locator("#batch-leaderboard-table")
        expect(board.get_by_role("row").nth(1)).to_contain_text("System A")  # the analyst preferred it
        expect(page.locator("#batch-leaderboard-chart .js-plotly-plot")).to_be_visible()
        page.locator("#batch-leaderboard-judge input").click()
        page.get_by_role("option", name="judge model judge", exact=True).click()
        expect(note).to_contain_text("2 models rated from 3 verdicts given by the judge model judge")
        expect(note).not_to_contain_text("judged its own answers")  # it is neither of them
        expect(board.get_by_role("row").nth(1)).to_contain_text("System B")
        pairs = download_csv(page, "#batch-leaderboard-pairs-download", tmp_path / "pairs.csv")
        assert [(r["model"], r["against"], r["model preferred"], r["against preferred"], r["both bad"])
                for r in pairs] == [("System B", "System A", "2", "0", "1")]
        rows = download_csv(page, "#batch-leaderboard-download", tmp_path / "board.csv")
        assert [(r["rank"], r["model"], r["preferred share"]) for r in rows] == [("1", "System B", "1.0"),
                                                                                ("2", "System A", "0.0")]
        assert int(rows[0]["rating"]) > 1000 > int(rows[1]["rating"])
        page.locator("#batch-leaderboard-only input").click()  # the questions in one language alone
        page.get_by_role("option").filter(has_text="question language: ").first.click()
        expect(note).to_contain_text("2 models rated from 3 verdicts given by the judge model judge on the "
                                     "experiments whose question language is")
        expect(page.locator("#batch-leaderboard-only input")).to_have_value(re.compile("question language: "))
        page.locator("#batch-leaderboard-runs input").click()  # the verdicts on one run alone
        page.get_by_role("option", name="judged-by-a-model", exact=True).click()
        expect(note).to_contain_text("2 models rated from 3 verdicts given by the judge model judge on the "
                                     "experiments whose question language is")
        expect(note).to_contain_text("in the run judged-by-a-model")


def test_a_judging_stopped_by_an_unwritable_file_shows_the_verdicts_given_before(browser, running_app, monkeypatch,
                                                                                tmp_path):
    """Its file written once, then refused (a full disk, a folder made read-only): the judging ends
    with the error, and the table shows the verdict recorded before it, not a table without it."""
    _, services = running_app
    folder = tmp_path / "runs"
    folder.mkdir()
    saved_run_both_answered(folder, "cut-short", ["q-0", "q-1", "q-2"], b_says="from the local model, right")
    written = []

    def once(path, run, verdict):
        if written:
            raise OSError(28, "No space left on device")
        written.append(verdict)
        return record_model_verdict(path, run, verdict)

    monkeypatch.setattr(model_judge, "record_model_verdict", once)
    monkeypatch.setenv("FAKE_DEEPSEEK_KEY", "sk-test-model-judge")
    with FakeDeepSeek() as judge, app_judged_by(services, judge, folder, monkeypatch) as url:
        page = run_opened(browser, url, "cut-short", 3)
        page.locator("#batch-model-judge").get_by_text("Judge with a model").click()
        page.click("#batch-model-judge-run")
        expect(page.get_by_text("No space left on device").first).to_be_visible(timeout=30000)
        assert len(written) == 1
        table = page.locator("#batch-table")
        expect(table.get_by_role("gridcell").filter(has_text="B better")).to_have_count(2)  # its two rows
        expect(page.locator("#batch-judge-tally")).to_contain_text("Model verdicts, judge: A better 0 · B better 1")


def test_a_single_comparison_is_judged_by_the_model_on_request(browser, running_app, monkeypatch, tmp_path):
    _, services = running_app
    (tmp_path / "runs").mkdir()
    monkeypatch.setenv("FAKE_DEEPSEEK_KEY", "sk-test-model-judge")
    with FakeDeepSeek() as judge, app_judged_by(services, judge, tmp_path / "runs", monkeypatch) as url:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.goto(url)
        page.get_by_role("tab", name="Compare").click()
        page.fill("#cmp-query textarea", "What is the P/E ratio?")
        page.click("#cmp-go")
        expect(page.locator("#cmp-verdict-note")).to_contain_text("Record a verdict", timeout=60000)
        page.click("#cmp-judge")
        said = page.locator("#cmp-model-verdict")
        expect(said).to_contain_text("The judge model judge said", timeout=20000)
        verdict = next(v for v in ("A better", "B better", "Tie", "Both bad") if v in said.inner_text())
        expect(said).to_contain_text("A first: Answer")  # its reasons, per reading
        log = page.locator("#cmp-log")
        expect(log.get_by_role("gridcell").filter(has_text=verdict)).to_have_count(2)  # the log has it: both rows
        rows = download_csv(page, "#cmp-log-csv", tmp_path / "log.csv")
        assert {(r["model_verdict"], r["model_judge"]) for r in rows} == {(verdict, "judge")}

        # told System A's answer is the right one, under house rules: another judge, that says so
        house = "Answer in the language of the question."
        page.fill("#cmp-reference textarea", "vaut prix / bénéfice")
        page.fill("#cmp-judge-rules textarea", house)
        page.click("#cmp-judge")
        expect(said).to_contain_text(f"The judge model {judge_name('judge', house)} said A better", timeout=20000)
        expect(said).to_contain_text("It judged against the reference answer.")
        expect(log.get_by_role("gridcell").filter(has_text="A better")).to_have_count(2)
        rows = download_csv(page, "#cmp-log-csv", tmp_path / "log-2.csv")
        assert {(r["model_verdict"], r["model_judge"], r["reference"]) for r in rows} == {
            ("A better", judge_name("judge", house), "vaut prix / bénéfice")}

        page.get_by_label("Blind: systems named after my verdict").check()
        page.click("#cmp-go")
        expect(said).to_be_empty()  # the last comparison's verdict is not this one's
        expect(page.locator("#cmp-verdict-note")).to_contain_text("Blind comparison", timeout=60000)
        page.click("#cmp-judge")
        expect(page.get_by_text("Give your verdict first")).to_be_visible()


def test_where_the_judge_model_was_unsure_comes_first_to_the_analyst(browser, running_app, monkeypatch, tmp_path):
    _, services = running_app
    folder = tmp_path / "runs"
    folder.mkdir()
    saved_run_both_answered(folder, "half-sure", ["q-0", "q-1", "q-2"])
    record_model_verdict(model_verdicts_file(folder), "half-sure", {  # swayed by the order on q-2 alone
        "experiment_id": "q-2", "verdict": "Tie", "consistent": False, "judge_model": "m",
        "readings": {"A first": "A better", "B first": "B better"}})
    record_model_verdict(model_verdicts_file(folder), "half-sure",
                         {"experiment_id": "q-0", "verdict": "A better", "consistent": True, "judge_model": "m"})
    monkeypatch.setenv("FAKE_DEEPSEEK_KEY", "sk-test-model-judge")
    with FakeDeepSeek() as judge, app_judged_by(services, judge, folder, monkeypatch) as url:
        page = run_opened(browser, url, "half-sure", 3)
        page.get_by_label("Where the judge model was unsure first").check()
        page.click("#batch-judge-next")
        expect(page.locator("#batch-details-head")).to_contain_text("q-2")  # not q-0, first in run order
        page.click("#batch-verdict-1")
        expect(page.locator("#batch-verdict-note")).to_contain_text("Verdict B better recorded for q-2")
        page.click("#batch-judge-next")  # none left where it was unsure: on in run order, and said so
        expect(page.locator("#batch-details-head")).to_contain_text("q-0")
        expect(page.get_by_text("None left where the judge model was unsure")).to_be_visible()
        assert not judge.requests  # nothing asked of a model: its verdicts were read
