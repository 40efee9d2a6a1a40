"""The Compare tab in a real browser: side by side, then a batch with table, chart and CSV."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.ui.downloads import download, download_csv, download_workbook
from tests.ui.pages import compare_transaction, open_saved_run, saved_run_both_answered, set_number, upload
from workbench.batch_store import latest_records, run_file
from workbench.experiments import bundled, load_experiments
from workbench.risk import LEVELS
from workbench.verdicts import record_verdict, verdicts_file

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_columns_and_verdict_buttons_show_with_a_comparison_not_before(page):
    """Before a comparison the tab showed two empty columns, a folded panel and verdict buttons
    acting on nothing; a line now says what will show there, until a comparison runs."""
    page.get_by_role("tab", name="Compare").click()
    waiting = page.locator("#cmp-waiting")
    expect(waiting).to_contain_text("Compare asks both systems the query")
    for empty in ("#cmp-col-a", "#cmp-col-b", "#cmp-confidence-box", "#cmp-verdict-1", "#cmp-log"):
        expect(page.locator(empty)).to_be_hidden()
    # the list of comparisons says it has none, not column names over no rows
    expect(page.locator("#cmp-log-none")).to_contain_text("No comparison run in this browser yet")
    page.click("#cmp-go")  # no query: refused, and still nothing to show
    expect(page.get_by_text("Type a query first.")).to_be_visible()
    expect(waiting).to_be_visible()
    expect(page.locator("#cmp-col-a")).to_be_hidden()
    page.fill("#cmp-query textarea", "What is a bond?")
    page.click("#cmp-go")
    expect(page.locator("#cmp-answer-b")).to_contain_text("bond", timeout=30000)
    expect(waiting).to_be_hidden()
    expect(page.locator("#cmp-verdict-1")).to_be_visible()
    expect(page.locator("#cmp-log")).to_contain_text("What is a bond?")
    expect(page.locator("#cmp-log-none")).to_be_hidden()


def test_single_compare_fills_both_columns(page, tmp_path):
    compare_transaction(page, "Assess the risk of this transaction.")
    # System A is not configured here: its column says so, System B still answers
    expect(page.locator("#cmp-answer-a")).to_contain_text("DEEPSEEK_API_KEY", timeout=30000)
    expect(page.locator("#cmp-answer-b")).to_contain_text("Risk: HIGH", timeout=30000)
    expect(page.locator("#cmp-metrics-b")).to_contain_text("transaction_risk")
    expect(page.locator("#cmp-metrics-b")).to_contain_text("TTFT")
    expect(page.locator("#cmp-metrics-b")).to_contain_text(re.compile(r"cost\s+\$0\.\d+ \(\d+\.\d\d s of compute\)"))
    expect(page.locator("#status-line")).to_contain_text("Costs: B at $0.80 an hour of its machine")
    expect(page.locator("#cmp-diff")).to_contain_text("A is not configured; only B answered.")
    page.click("#cmp-verdict-1")
    expect(page.locator("#cmp-verdict-note")).to_contain_text("Verdict B better recorded")
    page.click("#cmp-verdict-2")  # a changed mind counts once
    expect(page.locator("#cmp-verdict-note")).to_contain_text("B better 0 · Tie 1 · Both bad 0 — 1 comparison")
    rows = download_csv(page, "#cmp-verdicts-csv", tmp_path / "verdicts.csv")
    assert [(r["system"], r["verdict"]) for r in rows] == [("A", "Tie"), ("B", "Tie")]
    # written up for someone who will not open the app
    page.click("#cmp-write-up")
    expect(page.locator("#cmp-write-up-md")).to_be_visible(timeout=15000)
    text = download(page, "#cmp-write-up-md", tmp_path / "comparison.md").read_text(encoding="utf-8")
    assert "— a single comparison" in text and "Assess the risk of this transaction." in text
    assert "Risk: HIGH" in text and "**Failed:** " in text and "DEEPSEEK_API_KEY" in text
    assert "- The analyst's: **Tie**" in text
    page_html = download(page, "#cmp-write-up-html", tmp_path / "comparison.html").read_text(encoding="utf-8")
    assert "<h2>System B (router + local model)</h2>" in page_html
    page.click("#cmp-verdict-1")  # another verdict: that write-up is out of date
    expect(page.locator("#cmp-write-up-md")).to_be_hidden()


def test_a_blind_comparison_names_its_systems_only_once_judged(page, tmp_path):
    page.get_by_role("tab", name="Compare").click()
    page.get_by_label("Blind: systems named after my verdict").check()
    compare_transaction(page, "Assess the risk of this wire transfer.")
    note, left = page.locator("#cmp-verdict-note"), page.locator("#cmp-answer-a")
    expect(note).to_contain_text("Blind comparison — which answer is better?", timeout=30000)
    expect(note).to_contain_text("one answer failed: its error may say which system it is")  # A has no key
    for side, col in (("Left", "a"), ("Right", "b")):
        expect(page.locator(f"#cmp-title-{col}")).to_have_text(f"{side} answer · system hidden until your verdict")
        expect(page.locator(f"#cmp-metrics-{col}")).to_have_text(
            "Figures hidden until your verdict: they would tell the systems apart.")
        expect(page.locator(f"#cmp-verdict-{col == 'b':d}")).to_have_text(f"{side} better")
    expect(page.locator("#cmp-diff")).not_to_contain_text("How they differ")
    expect(page.locator("#cmp-log-none")).to_be_visible()  # not listed until judged: its route would name B
    # System A has no key here, so its column holds the error: the test knows the side, not the app
    a_left = "DEEPSEEK_API_KEY" in left.inner_text()
    page.click("#cmp-verdict-1" if a_left else "#cmp-verdict-0")  # the side B is on
    side = "Right" if a_left else "Left"
    expect(note).to_contain_text(f"Blind verdict {side} better recorded as B better")
    expect(note).to_contain_text(f"the answer on the left was System {'A' if a_left else 'B'}'s")
    expect(note).to_contain_text("of them blind")
    # named now, and in the usual order: A on the left, with the figures and the differences
    expect(page.locator("#cmp-title-a")).to_have_text("System A · remote MoE")
    expect(page.locator("#cmp-answer-a")).to_contain_text("DEEPSEEK_API_KEY")
    expect(page.locator("#cmp-metrics-b")).to_contain_text("transaction_risk")
    expect(page.locator("#cmp-diff")).to_contain_text("only B answered")
    expect(page.locator("#cmp-verdict-0")).to_have_text("A better")
    expect(page.locator("#cmp-log")).to_contain_text("wire transfer")
    rows = download_csv(page, "#cmp-verdicts-csv", tmp_path / "verdicts.csv")
    mine = [(r["system"], r["verdict"], r["verdict_blind"]) for r in rows if "wire transfer" in r["query"]]
    assert mine == [("A", "B better", "true"), ("B", "B better", "true")]
    page.get_by_label("System A (remote MoE)").uncheck()  # blind needs two answers
    page.click("#cmp-go")
    expect(page.get_by_text("A blind comparison needs both systems").first).to_be_visible(timeout=15000)


def test_the_generation_parameters_reach_the_comparison_and_its_record(page, tmp_path):
    page.get_by_role("tab", name="Compare").click()
    page.click("#compare-params")
    set_number(page, "compare-max_new_tokens", 6)
    set_number(page, "compare-min_p", 0.05)
    expect(page.locator("#compare-preset input")).to_have_value("Custom")
    page.click("#compare-params")  # folded again, the line under it still says what will be used
    expect(page.locator("#compare-params-summary")).to_contain_text("Custom: temperature 0.6")
    expect(page.locator("#compare-params-summary")).to_contain_text("min-p 0.05 · up to 6 new tokens")
    page.fill("#cmp-query textarea", "What is a bond?")
    page.locator("#cmp-query textarea").press("Shift+Enter")  # as its placeholder says: compares
    expect(page.locator("#cmp-metrics-b")).to_contain_text("length", timeout=30000)  # the budget held
    page.click("#cmp-verdict-3")
    rows = download_csv(page, "#cmp-verdicts-csv", tmp_path / "verdicts.csv")
    mine = [json.loads(r["params"]) for r in rows if r["query"] == "What is a bond?"]
    assert [(p["max_new_tokens"], p["min_p"], p["seed"]) for p in mine] == [(6, 0.05, None)] * 2  # empty seed: random


def test_single_comparisons_are_logged_kept_across_a_reload_and_shown_again(page, tmp_path):
    risk = "Assess the risk of this transaction."
    compare_transaction(page, risk)
    log = page.locator("#cmp-log")
    expect(log).to_contain_text("transaction_risk", timeout=30000)
    page.click("#cmp-verdict-1")  # B better: the log shows it
    expect(log).to_contain_text("B better")
    page.fill("#cmp-verdict-why textarea", "Only B answered.")  # typed, then another comparison run:
    page.locator("#cmp-tx .cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.fill("#cmp-query textarea", "What is a bond?")
    page.fill("#cmp-system-prompt textarea", "Answer for a bank's treasury desk.")  # both systems given it
    page.click("#cmp-go")
    expect(page.locator("#cmp-verdict-why textarea")).to_have_value("")  # the reason was not this one's
    expect(log).to_contain_text("What is a bond?", timeout=30000)
    rows = download_csv(page, "#cmp-log-csv", tmp_path / "comparisons.csv")
    assert [(r["query"], r["system"], r["verdict"]) for r in rows] == [
        (risk, "A", "B better"), (risk, "B", "B better"), ("What is a bond?", "A", ""), ("What is a bond?", "B", "")]
    assert rows[1]["route"] == "transaction_risk" and rows[0]["error_kind"] == "not_configured"
    assert [r["system_prompt"] for r in rows] == ["", ""] + ["Answer for a bank's treasury desk."] * 2
    # the questions explored one at a time, as an experiment file to run as a batch
    asked = load_experiments(download(page, "#cmp-log-experiments", tmp_path / "my-questions.jsonl"))
    assert [(e.query, e.transaction is not None, e.lang) for e in asked] == [
        (risk, True, "en"), ("What is a bond?", False, "en")]  # its grammar words tell, however short

    page.reload()  # the columns are gone again, the log is not
    page.get_by_role("tab", name="Compare").click()
    expect(log).to_contain_text("What is a bond?", timeout=20000)
    expect(page.locator("#cmp-answer-b")).to_be_hidden()
    log.get_by_role("gridcell").filter(has_text="What is a bond?").first.click()  # its system prompt back
    expect(page.locator("#cmp-system-prompt textarea")).to_have_value("Answer for a bank's treasury desk.")
    log.get_by_role("gridcell").filter(has_text="transaction_risk").first.click()
    expect(page.locator("#cmp-query textarea")).to_have_value(risk)
    expect(page.locator("#cmp-system-prompt textarea")).to_have_value("")  # it was asked under none
    expect(page.locator("#cmp-answer-b")).to_contain_text("Risk: HIGH")
    expect(page.locator("#cmp-metrics-b")).to_contain_text("transaction_risk")
    expect(page.locator("#cmp-diff")).to_contain_text("only B answered")
    expect(page.locator("#cmp-verdict-note")).to_contain_text("Verdict B better was recorded")
    page.click("#cmp-verdict-2")  # a changed mind replaces the verdict in the log too
    expect(log.get_by_role("gridcell").filter(has_text="Tie")).to_have_count(2)
    expect(log).not_to_contain_text("B better")

    page.click("#cmp-log-clear")
    expect(log).to_be_hidden()
    expect(page.locator("#cmp-log-none")).to_be_visible()
    page.reload()
    page.get_by_role("tab", name="Compare").click()
    expect(page.locator("#cmp-query textarea")).to_be_visible()
    page.wait_for_timeout(1000)  # what the page reads back on load has had its time
    expect(log).to_be_hidden()
    expect(page.locator("#cmp-log-none")).to_be_visible()


def test_an_example_from_the_set_is_compared_with_its_checks_which_the_analyst_can_edit(page):
    page.get_by_role("tab", name="Compare").click()
    page.locator("#cmp-example input").press_sequentially("tx-4-en")  # the list filters as one types
    page.get_by_role("option", name=re.compile("^exp-demo-tx-4-en")).click()
    expect(page.locator("#cmp-query textarea")).to_have_value("Assess the risk of this transaction.")
    expect(page.locator("#cmp-expect")).to_contain_text('"risk": "high"')  # the example's checks, to read and edit
    expect(page.locator("#cmp-reference textarea")).to_have_value(re.compile(r"^Risk: HIGH\. Reasons: "))  # judge
    page.click("#cmp-go")
    expect(page.locator("#cmp-diff")).to_contain_text("Checks passed: B 3 of 3.", timeout=30000)
    expect(page.locator("#cmp-metrics-b")).to_contain_text(re.compile(r"risk level\s*high"))  # read from the answer
    page.locator("#cmp-expect .cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type('{"risk": "low"')  # the editor closes the brace itself
    log = page.locator("#cmp-log")
    expect(log.get_by_role("gridcell").filter(has_text="3 of 3")).to_have_count(1)  # B's row in the list
    page.click("#cmp-rescore")  # the answers shown, scored under the new checks: nothing is asked again
    expect(page.locator("#cmp-diff")).to_contain_text(
        "Checks passed: B 0 of 1, failed: rates the risk low (it rates it high).", timeout=30000)
    expect(page.get_by_text("Scored again: B passed 0 of 1.")).to_be_visible()
    expect(log.get_by_role("gridcell").filter(has_text="0 of 1")).to_have_count(1)  # the list's entry, replaced
    expect(log.get_by_role("gridcell").filter(has_text="3 of 3")).to_have_count(0)
    page.locator("#cmp-expect .cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type('{"contain": "LOW"')
    page.click("#cmp-rescore")
    expect(page.get_by_text("The checks cannot be used: unknown checks contain").first).to_be_visible()
    expect(page.locator("#cmp-diff")).to_contain_text("Checks passed: B 0 of 1")  # what was shown stays
    page.click("#cmp-go")
    expect(page.get_by_text("Checks: unknown checks contain").first).to_be_visible(timeout=15000)
    # the reference answer's figures as number checks, added to the checks there are
    page.locator("#cmp-expect .cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type('{"refusal": false')
    page.fill("#cmp-reference textarea", "Risque : faible. Le PER vaut 15, soit 60 / 4 ; la marge est de 12,5 %.")
    page.click("#cmp-expect-from-reference")
    expect(page.locator("#cmp-expect")).to_contain_text('"number"')
    assert json.loads(page.locator("#cmp-expect .cm-content").inner_text()) == {
        "refusal": False, "number": [15, 60, 4, 12.5], "risk": "low"}  # and the level it gives the transaction
    expect(page.get_by_text("Added from the reference answer: states 15, states 60, states 4, states 12.5, rates "
                            "the risk low.").first).to_be_visible()
    page.click("#cmp-expect-from-reference")  # again: nothing new to add
    expect(page.get_by_text("The reference answer states no figure and gives no risk level the checks lack").first
           ).to_be_visible()


def test_a_question_of_the_file_uploaded_under_batch_is_tried_alone_under_single(page, tmp_path):
    mine = tmp_path / "liquidity set.jsonl"
    mine.write_text(json.dumps({"id": "exp-demo-tx-4-en", "query": "What is a liquidity ratio?",  # a bundled id
                                "category": "liquidity", "expected_route": "governance",
                                "expect": {"contains": "ratio"}, "reference": "Current assets over current "
                                "liabilities."}) + "\n", encoding="utf-8")
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("tab", name="Batch").click()
    page.set_input_files("#batch-file input[type=file]", str(mine))
    page.get_by_role("tab", name="Single").click()
    expect(page.locator("#cmp-example")).to_contain_text("Example from your file liquidity set.jsonl (1)")
    page.locator("#cmp-example input").click()
    page.get_by_role("option", name=re.compile("^liquidity set.jsonl · exp-demo-tx-4-en")).click()
    expect(page.locator("#cmp-query textarea")).to_have_value("What is a liquidity ratio?")  # the file's, not ours
    expect(page.locator("#cmp-expect")).to_contain_text('"contains"')
    expect(page.locator("#cmp-reference textarea")).to_have_value("Current assets over current liabilities.")
    page.click("#cmp-go")  # System A is not configured here: it says so in its column
    expect(page.locator("#cmp-diff")).to_contain_text("Checks passed: B", timeout=30000)
    rows = download_csv(page, "#cmp-log-csv", tmp_path / "comparisons.csv")
    mine_row = next(r for r in rows if r["query"] == "What is a liquidity ratio?" and r["system"] == "B")
    assert (mine_row["category"], mine_row["expected_route"]) == ("liquidity", "governance")  # the file's
    page.get_by_role("tab", name="Batch").click()
    page.locator("#batch-file button[aria-label='Clear']").click()  # the file gone: the set alone again
    page.get_by_role("tab", name="Single").click()
    expect(page.locator("#cmp-example")).not_to_contain_text("your file")
    page.locator("#cmp-example input").click()
    expect(page.get_by_role("option", name=re.compile("^liquidity set.jsonl"))).to_have_count(0)


def test_system_bs_answer_is_read_again_token_by_token(page):
    page.get_by_role("tab", name="Compare").click()
    expect(page.locator("#cmp-confidence-box")).to_be_hidden()  # nothing compared yet: nothing to read
    compare_transaction(page, "Assess the risk of this transaction.")
    expect(page.locator("#cmp-diff")).to_contain_text("only B answered", timeout=30000)  # the comparison ended
    page.get_by_text("How sure was each model of its answer? (token by token)").click()
    page.click("#cmp-confidence")
    summary = page.locator("#cmp-confidence-summary")
    expect(summary).to_contain_text(re.compile(r"System B's model gave \d+ of the answer's \d+ tokens \(\d+%\) even "
                                               r"odds or better"), timeout=30000)
    tokens = page.locator("#cmp-confidence-tokens .tok")
    expect(tokens.first).to_have_attribute("title", re.compile(r"^\d+%|<1%"))
    assert "Risk: HIGH" in page.locator("#cmp-confidence-tokens .token-answer").inner_text()
    page.click("#cmp-verdict-1")  # a verdict on the same comparison keeps what was read
    expect(page.locator("#cmp-verdict-note")).to_contain_text("Verdict B better recorded")
    expect(summary).to_contain_text("even odds or better")
    page.fill("#cmp-query textarea", "Assess the risk of this transaction, briefly.")  # another one: cleared
    page.click("#cmp-go")
    expect(summary).to_have_text("", timeout=30000)


def test_bad_transaction_json_is_a_clear_error(page):
    page.get_by_role("tab", name="Compare").click()
    page.fill("#cmp-query textarea", "Assess this.")
    page.locator("#cmp-tx .cm-content").click()
    page.keyboard.type('{"amount": -5')
    page.click("#cmp-go")
    expect(page.get_by_text("amount: Input should be greater than 0")).to_be_visible(timeout=10000)


def run_bundled(page, limit: int, name: str, read_back: bool = False) -> None:
    """Run the first `limit` bundled experiments as the run `name`, to its end (`read_back`: System
    B's answers read again by its model)."""
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("tab", name="Batch").click()
    page.fill("#batch-limit input", str(limit))
    page.fill("#batch-run-name textarea", name)
    if read_back:
        page.locator("#batch-read-back input").check()
    page.click("#batch-go")
    expect(page.locator("#batch-progress")).to_contain_text(f"Finished — {limit}/{limit}", timeout=120000)


def test_batch_of_ten_shows_table_chart_and_csv(page, tmp_path):
    run_bundled(page, 10, "browser-test", read_back=True)
    expect(page.locator("#batch-progress")).to_contain_text("10 answers failed (System A: 10)")  # no key
    expect(page.locator("#batch-table")).to_contain_text("exp-")
    expect(page.locator("#batch-table")).to_contain_text("TTFT ms")  # headers an analyst reads
    expect(page.locator("#batch-details")).to_be_hidden()
    first = page.locator("#batch-table").get_by_role("gridcell").filter(has_text="exp-").first
    exp_id = first.inner_text().strip()
    first.click()  # a row opens both systems' answers in full
    expect(page.locator("#batch-details-head")).to_contain_text(exp_id.replace("\n", ""))
    expect(page.locator("#batch-details-answer-a")).to_contain_text("DEEPSEEK_API_KEY")
    expect(page.locator("#batch-details-metrics-b")).to_contain_text("route")
    expect(page.locator("#batch-details-diff")).to_contain_text("A is not configured; only B answered.")
    page.locator("#batch-table input[placeholder='Filter...']").fill("explicit_refusal")  # narrow the rows
    cells = page.locator("#batch-table").get_by_role("gridcell").filter(has_text="exp-")
    expect(cells.filter(has_not_text="explicit_refusal")).to_have_count(0)  # waits for the filter
    ids = cells.all_inner_texts()
    assert 0 < len(ids) < 20, ids
    cells.last.click()  # a filtered row opens its own experiment
    expect(page.locator("#batch-details-head")).to_contain_text(ids[-1].replace("\n", ""))
    expect(page.locator("#batch-plot-latency .js-plotly-plot")).to_be_visible()
    expect(page.locator("#batch-plot-refusal .js-plotly-plot")).to_be_visible()
    rows = download_csv(page, "#batch-download", tmp_path / "batch.csv")
    assert len(rows) == 20  # 10 experiments x 2 systems
    book = download_workbook(page, "#batch-download-xlsx", tmp_path / "batch.xlsx")  # the same rows, typed
    assert [(r["experiment_id"], r["system"], r["query"]) for r in book] == [
        (r["experiment_id"], r["system"], r["query"]) for r in rows]
    assert all(isinstance(r["latency_ms"], int | float) for r in book if r["system"] == "B")
    assert {r["system"] for r in rows} == {"A", "B"}
    assert {r["risk_level"] for r in rows} <= {"", *LEVELS}  # the level each answer gives a transaction, if any
    expect(page.locator("#batch-table").get_by_role("columnheader").filter(has_text="risk")).to_have_count(1)
    # System B's answers read back: the figures its model was unsure of ("none" when sure of all)
    expect(page.locator("#batch-table").get_by_role("columnheader").filter(has_text="unsure figures")
           ).to_have_count(1)
    assert any(r["unsure_figures"] and r["sure_share"] for r in rows if r["system"] == "B")
    assert not any(r["unsure_figures"] for r in rows if r["system"] == "A")
    summary = page.locator("#batch-summary")
    expect(summary.get_by_role("row").filter(has_text="cost per 1,000 answers")).to_contain_text("$")
    assert all(r["cost_usd"] for r in rows if r["system"] == "B")  # the router's refusals at $0
    # every bundled experiment of the ten has checks: B's answers scored, A's (which never came) not
    expect(summary.get_by_role("row").filter(has_text="passed every check")).to_contain_text(
        re.compile(r"\d+% of 10"))
    expect(page.locator("#batch-table").get_by_role("gridcell").filter(has_text=re.compile(r"^\s*\d+ of \d+\s*$")).first
           ).to_be_visible()
    assert all(r["checks_total"] for r in rows if r["system"] == "B")
    assert not any(r["checks_total"] for r in rows if r["system"] == "A")
    assert not any(r["cost_usd"] for r in rows if r["system"] == "A")  # no prices for A
    # the run's questions, as the experiment file they came from: to run again elsewhere
    again = load_experiments(download(page, "#batch-download-questions", tmp_path / "questions.jsonl"))
    bundled_ones = {e.id: e for e in bundled()}
    assert len(again) == 10 and all(e == bundled_ones[e.id] for e in again)
    # and written up for someone who will not open the app
    page.click("#batch-report")
    report = download(page, "#batch-report-download", tmp_path / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# Batch run `browser-test`")
    assert "- **Experiments:** 10 (System A answered 0, System B answered 10)" in report
    assert "## Summary per system" in report and "## Routes, refusals and checks\n\n**Routes (System B):**" in report
    assert "## Verdicts\n\n**Verdicts on run `browser-test`:** none yet" in report
    assert "\n## By category\n\n| category |" in report and "\n| refusal rate |" in report
    page_html = download(page, "#batch-report-html", tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<h1>Batch run <code>browser-test</code></h1>" in page_html and "<td>refusal rate</td>" in page_html
    assert "<h2>Charts</h2>" in page_html and page_html.count('<div class="chart">') == 3  # the tab's charts
    # the figures per category, then per expected route, with a total
    by_table = page.locator("#batch-breakdown")
    expect(by_table).to_contain_text("router-dev")
    expect(by_table).to_contain_text("(all)")
    page.locator("#batch-by input").click()
    page.get_by_role("option", name="expected route").click()
    expect(by_table).to_contain_text("explicit_refusal", timeout=20000)
    expect(by_table).not_to_contain_text("router-dev")
    by_route = {r["expected route"]: r for r in download_csv(page, "#batch-by-download", tmp_path / "by.csv")}
    assert by_route["(all)"]["experiments"] == "10" and by_route["(all)"]["answered A"] == "0"
    assert sum(int(r["experiments"]) for name, r in by_route.items() if name != "(all)") == 10


def test_an_uploaded_file_gets_a_run_of_its_own_and_another_file_cannot_take_its_answers(page, tmp_path):
    first, second = tmp_path / "one" / "desk-questions.csv", tmp_path / "two" / "desk-questions.csv"
    for path, question in ((first, "What is an ETF?"), (second, "Qu'est-ce que la duration ?")):
        path.parent.mkdir()
        path.write_text(f"query\n{question}\n", encoding="utf-8")  # its one row gets id row-2
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("tab", name="Batch").click()
    run_name = page.locator("#batch-run-name textarea")
    expect(run_name).to_have_value("bundled")
    page.locator("#batch-systems").get_by_label("A", exact=True).uncheck()
    page.set_input_files("#batch-file input[type=file]", str(first))
    expect(run_name).to_have_value("desk-questions")  # the file's answers go to a results file of their own
    page.click("#batch-go")
    expect(page.locator("#batch-progress")).to_contain_text("Finished — 1/1", timeout=60000)
    expect(page.locator("#batch-table")).to_contain_text("What is an ETF?")
    # The same file name with another question: resuming would show the first file's answer
    page.locator("#batch-file button[aria-label='Clear']").click()
    expect(run_name).to_have_value("bundled")
    page.set_input_files("#batch-file input[type=file]", str(second))
    expect(run_name).to_have_value("desk-questions")
    page.click("#batch-go")
    expect(page.get_by_text("already holds answers to other questions under id 'row-2'")).to_be_visible(
        timeout=10000)
    run_name.fill("desk-questions-2")
    page.click("#batch-go")
    expect(page.locator("#batch-progress")).to_contain_text("Finished — 1/1", timeout=60000)
    expect(page.locator("#batch-table")).to_contain_text("duration")


def test_a_saved_run_opens_after_a_reload_without_running_anything(page, tmp_path):
    run_bundled(page, 2, "other-run")
    run_bundled(page, 3, "kept-run")
    page.locator("#batch-against input").click()  # a run that ends is listed at once
    expect(page.get_by_role("option").filter(has_text="other-run · 2 experiments")).to_be_visible()
    page.keyboard.press("Escape")
    page.reload()
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("tab", name="Batch").click()
    # nothing of a run shows before one is opened: no empty tables, chart frames or buttons with no run to act on
    for empty in ("#batch-table", "#batch-summary", "#batch-plot-latency", "#batch-report", "#batch-remove"):
        expect(page.locator(empty)).to_be_hidden()
    expect(page.locator("#batch-progress")).to_contain_text("Run batch asks every experiment of the file")
    page.locator("#batch-saved input").click()
    page.get_by_role("option").filter(has_text="kept-run · 3 experiments").click()
    progress = page.locator("#batch-progress")
    expect(progress).to_contain_text("Opened run kept-run — 3 experiments (System A answered 0, "
                                     "System B answered 3)", timeout=20000)
    expect(page.locator("#batch-table").get_by_role("gridcell").filter(has_text="exp-")).to_have_count(6)
    expect(page.locator("#batch-summary")).to_contain_text("refusal rate")
    expect(page.locator("#batch-plot-latency .js-plotly-plot")).to_be_visible()
    expect(page.locator("#batch-run-name textarea")).to_have_value("kept-run")  # Run batch would resume it
    expect(page.locator("#batch-breakdown")).to_contain_text("router-dev")  # the opened run's categories
    rows = download_csv(page, "#batch-download", tmp_path / "kept.csv")
    assert len(rows) == 6
    first = page.locator("#batch-table").get_by_role("gridcell").filter(has_text="exp-").first
    first.click()  # its rows open as a live run's do
    expect(page.locator("#batch-details-metrics-b")).to_contain_text("route")
    expect(progress).not_to_contain_text("Running")

    # …and it can be set against another saved run, over the experiments both hold
    expect(page.locator("#batch-runs")).to_be_hidden()
    page.locator("#batch-against input").click()
    page.get_by_role("option").filter(has_text="other-run · 2 experiments").click()
    expect(page.locator("#batch-runs-head")).to_contain_text(
        "2 experiments in both runs (1 only in kept-run, 0 only in other-run, left out).", timeout=20000)
    expect(page.locator("#batch-runs-head")).to_contain_text(
        "Set up alike: the same generation parameters, models and system prompt.")
    expect(page.locator("#batch-runs-head")).to_contain_text("System B, 2 answered in both: refusal changed on 0")
    expect(page.locator("#batch-runs-table")).to_contain_text("System B · other-run")
    expect(page.locator("#batch-runs-table")).to_contain_text("refusal rate")
    changes = page.locator("#batch-runs-changes")  # the same model and questions: the answers that changed
    expect(changes).to_contain_text(re.compile(r"What changed from other-run to kept-run, experiment by "
                                               r"experiment \(\d+ changes?\)"))
    expect(changes).to_contain_text("in other-run")
    page.locator("#batch-saved input").click()  # opening a run again puts the comparison away
    page.get_by_role("option").filter(has_text="other-run · 2 experiments").click()
    expect(page.locator("#batch-progress")).to_contain_text("Opened run other-run", timeout=20000)
    expect(page.locator("#batch-runs")).to_be_hidden()


def test_a_run_is_judged_one_experiment_after_another_blind_or_not(page, running_app, tmp_path):
    folder = running_app[1].settings.results_dir
    saved_run_both_answered(folder, "judge-me", ["judge-0", "judge-1", "judge-2"])
    # another run of the same experiments, judged already (set against this one at the end)
    saved_run_both_answered(folder, "judge-me-again", ["judge-0", "judge-1", "judge-2"])
    again = {r["experiment_id"]: r for r in latest_records(run_file(folder, "judge-me-again"))}
    record_verdict(verdicts_file(folder), again["judge-0"], "A better", run="judge-me-again")
    record_verdict(verdicts_file(folder), again["judge-1"], "Tie", run="judge-me-again")
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("tab", name="Batch").click()
    page.locator("#batch-saved input").click()
    page.get_by_role("option", name=re.compile(r"^judge-me · 3 experiments")).click()
    tally, note = page.locator("#batch-judge-tally"), page.locator("#batch-verdict-note")
    expect(tally).to_contain_text("Verdicts on run judge-me: none yet, of 3 experiments both systems answered",
                                  timeout=20000)
    page.get_by_label("Blind: answers as left and right").check()
    page.click("#batch-judge-next")
    expect(page.locator("#batch-details-head")).to_contain_text("judge-0")
    expect(page.locator("#batch-details-title-a")).to_have_text("Left answer · system hidden until your verdict")
    expect(page.locator("#batch-details-metrics-b")).to_contain_text("Figures hidden until your verdict")
    expect(page.locator("#batch-verdict-1")).to_have_text("Right better")
    page.click("#batch-write-up")  # a write-up names the systems: not before the verdict
    expect(page.get_by_text("Give your verdict first: the write-up names").first).to_be_visible()
    b_left = "local model" in page.locator("#batch-details-answer-a").inner_text()
    page.click("#batch-verdict-0" if b_left else "#batch-verdict-1")  # the side B is on
    expect(note).to_contain_text("recorded as B better for judge-0 (run judge-me)")
    expect(page.locator("#batch-details-title-a")).to_have_text("System A · remote MoE")  # named, A on the left
    expect(page.locator("#batch-details-answer-a")).to_contain_text("Answer 0 from the remote model.")
    expect(page.locator("#batch-details-metrics-b")).to_contain_text("TTFT")
    expect(tally).to_contain_text("B better 1 · Tie 0 · Both bad 0 — 1 comparison judged, 1 of them blind")
    expect(tally).to_contain_text("of 3 both systems answered")
    verdict_cells = page.locator("#batch-table").get_by_role("gridcell").filter(has_text="B better")
    expect(verdict_cells).to_have_count(2)  # the table's verdict column, on both of judge-0's rows

    page.get_by_label("Blind: answers as left and right").uncheck()  # named from the start
    page.keyboard.press("n")  # the keys do what the buttons do (the checkbox just clicked has the focus)
    expect(page.locator("#batch-details-head")).to_contain_text("judge-1")
    expect(page.locator("#batch-details-title-a")).to_have_text("System A · remote MoE")
    expect(page.locator("#batch-verdict-1")).to_have_text("B better")
    page.fill("#batch-verdict-why textarea", "Both give the rule; neither cites the threshold.")
    page.locator("#batch-details-head").click()  # out of the box, so that 3 is a key again
    page.keyboard.press("3")
    expect(note).to_contain_text("Verdict Tie recorded for judge-1 (run judge-me)")
    expect(page.locator("#batch-verdict-why textarea")).to_have_value("")  # for the next one
    page.keyboard.press("n")
    expect(page.locator("#batch-details-head")).to_contain_text("judge-2")
    page.locator("#batch-run-name textarea").press_sequentially(" 1n")  # typed into a box: characters
    expect(page.locator("#batch-run-name textarea")).to_have_value("judge-me 1n")
    page.wait_for_timeout(500)
    expect(note).not_to_contain_text("recorded for judge-2")
    expect(page.locator("#batch-details-head")).to_contain_text("judge-2")
    page.fill("#batch-run-name textarea", "judge-me")
    page.click("#batch-verdict-0")
    expect(tally).to_contain_text("3 comparisons judged")
    expect(tally).to_contain_text("System B preferred in 1 of 2 verdicts that chose a system (50%; "
                                  "95% interval 9%–91%)")  # two verdicts tell nothing yet, and say so
    page.click("#batch-judge-next")
    expect(page.get_by_text("Every experiment of run 'judge-me' that both systems answered has your verdict")
           ).to_be_visible(timeout=10000)
    rows = download_csv(page, "#batch-download", tmp_path / "judged.csv")  # the run's CSV, with them
    assert sorted({(r["experiment_id"], r["verdict"], r["verdict_note"]) for r in rows}) == [
        ("judge-0", "B better", ""), ("judge-1", "Tie", "Both give the rule; neither cites the threshold."),
        ("judge-2", "A better", "")]
    book = download_workbook(page, "#batch-download-xlsx", tmp_path / "judged.xlsx")  # and its workbook
    assert sorted({(r["experiment_id"], r["verdict"], r["verdict_note"] or "") for r in book}) == sorted(
        {(r["experiment_id"], r["verdict"], r["verdict_note"]) for r in rows})
    page.locator("#batch-table").get_by_role("gridcell").filter(has_text="judge-1").first.click()
    expect(note).to_contain_text("Verdict Tie (“Both give the rule; neither cites the threshold.”) was recorded")
    page.click("#batch-write-up")  # that experiment written up, with the verdict and its reason
    expect(page.locator("#batch-write-up-md")).to_be_visible(timeout=15000)
    text = download(page, "#batch-write-up-md", tmp_path / "judge-1.md").read_text(encoding="utf-8")
    assert text.startswith("# Comparison `judge-1` — run `judge-me`") and "Answer 1 from the local model." in text
    assert "- The analyst's: **Tie** — “Both give the rule; neither cites the threshold.”" in text
    page.locator("#batch-table").get_by_role("gridcell").filter(has_text="judge-2").first.click()
    expect(page.locator("#batch-write-up-md")).to_be_hidden()  # another experiment: its own write-up

    # set against another run of the same experiments, judged there too: both runs' verdicts, and
    # which of this analyst's changed
    page.locator("#batch-against input").click()
    page.get_by_role("option").filter(has_text="judge-me-again · 3 experiments").click()
    head = page.locator("#batch-runs-head")
    expect(head).to_contain_text("Verdicts: in judge-me, System B preferred in 1 of 2 (50%; 95% interval 9%–91%); "
                                 "in judge-me-again, System B preferred in 0 of 1 (0%; 95% interval 0%–79%).",
                                 timeout=20000)
    expect(head).to_contain_text("Judged in both runs by the same analyst: 2 experiments; the verdict changed on 1 "
                                 "from judge-me to judge-me-again (B better → A better on 1).")


def test_a_colleagues_run_file_opens_as_a_run_of_this_app_and_is_judged_here(page, tmp_path):
    from workbench.export import write_csv
    from workbench.summary import flat_rows

    saved_run_both_answered(tmp_path, "elsewhere", ["col-0", "col-1", "col-2"])
    sent = tmp_path / "colleague-run.csv"  # the Batch CSV a colleague downloaded on another machine
    write_csv(flat_rows(latest_records(run_file(tmp_path, "elsewhere"))), sent, bom=True)
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("tab", name="Batch").click()
    upload(page, "#batch-open-file", sent)
    progress = page.locator("#batch-progress")
    expect(progress).to_contain_text("Saved colleague-run.csv as the run colleague-run, listed under Open a "
                                     "saved run", timeout=20000)
    expect(progress).to_contain_text("3 experiments (System A answered 3, System B answered 3)")
    expect(page.locator("#batch-table").get_by_role("gridcell").filter(has_text="col-")).to_have_count(6)
    expect(page.locator("#batch-summary")).to_contain_text("latency p50")
    page.click("#batch-judge-next")  # judged here, as a run made here
    expect(page.locator("#batch-details-answer-a")).to_contain_text("Answer 0 from the remote model.")
    page.click("#batch-verdict-1")
    expect(page.locator("#batch-verdict-note")).to_contain_text("for col-0 (run colleague-run)")
    page.locator("#batch-saved input").click()
    expect(page.get_by_role("option", name=re.compile(r"^colleague-run · 3 experiments"))).to_be_visible()
    page.keyboard.press("Escape")

    upload(page, "#batch-open-file", sent)  # the same file again: the same run, its verdict kept
    expect(progress).to_contain_text("colleague-run.csv is the saved run colleague-run (opened, not saved again)",
                                     timeout=20000)
    expect(page.locator("#batch-judge-tally")).to_contain_text("1 comparison judged")
    questions = tmp_path / "questions.jsonl"  # the experiments, not a run's answers
    questions.write_text('{"id": "q1", "query": "What is an ETF?"}\n', encoding="utf-8")
    upload(page, "#batch-open-file", questions)
    expect(page.get_by_text("questions.jsonl cannot be opened: it holds questions, not answers")).to_be_visible(
        timeout=20000)
    expect(progress).to_contain_text("is the saved run colleague-run")  # what was shown stays


def test_every_saved_run_is_listed_at_a_glance_and_a_row_opens_its_run(page, running_app, tmp_path):
    folder = running_app[1].settings.results_dir
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("tab", name="Batch").click()
    # written after the tab listed the runs (a nightly job's): the overview reads them when opened
    saved_run_both_answered(folder, "glance-old", ["glance-0", "glance-1"])
    saved_run_both_answered(folder, "glance-new", ["glance-0", "glance-1", "glance-2"])
    old = {r["experiment_id"]: r for r in latest_records(run_file(folder, "glance-old"))}
    record_verdict(verdicts_file(folder), old["glance-0"], "B better", run="glance-old")
    overview = page.locator("#batch-overview-table")
    expect(overview).to_be_hidden()  # folded until asked for
    page.get_by_text("Every saved run at a glance").click()
    expect(page.locator("#batch-overview-note")).to_contain_text("saved runs, the latest first", timeout=20000)
    expect(overview.get_by_role("gridcell").filter(has_text="glance-")).to_have_count(2)
    rows = {r["run"]: r for r in download_csv(page, "#batch-overview-download", tmp_path / "runs.csv")}
    assert (rows["glance-new"]["experiments"], rows["glance-new"]["verdicts"]) == ("3", "0")
    assert (rows["glance-old"]["answered A"], rows["glance-old"]["refusal rate B"]) == ("2", "0.0")
    assert (rows["glance-old"]["verdicts"], rows["glance-old"]["B preferred"]) == ("1", "1.0")
    assert list(rows).index("glance-new") < list(rows).index("glance-old")  # the latest first
    overview.get_by_role("gridcell").filter(has_text=re.compile(r"^\s*glance-old\s*$")).click()
    expect(page.locator("#batch-progress")).to_contain_text("Opened run glance-old — 2 experiments", timeout=20000)
    expect(page.locator("#batch-run-name textarea")).to_have_value("glance-old")  # Run batch resumes it
    expect(page.locator("#batch-saved input")).to_have_value(re.compile(r"^glance-old · 2 experiments"))
    expect(page.locator("#batch-judge-tally")).to_contain_text("1 comparison judged")
    expect(overview).to_be_hidden()  # folded away, the run shown under it
    expect(page.locator("#batch-breakdown")).to_contain_text("(none)")  # its experiments name no category


def test_disagreements_first_brings_the_experiment_where_one_system_refused(page, running_app):
    folder = running_app[1].settings.results_dir
    saved_run_both_answered(folder, "disagree", ["agree-0", "agree-1", "split-2"], b_refuses={"split-2"})
    open_saved_run(page, "disagree", 3)
    expect(page.locator("#batch-routes")).to_contain_text(
        "Where the answers disagree: in 1 of 3 experiments both answered: refusal 1")
    expect(page.locator("#batch-routes")).to_contain_text(
        "where they differ, B refused 1 that A answered, A 0 that B answered (p = 1: could be chance)")
    page.get_by_label("Disagreements first").check()
    page.click("#batch-judge-next")
    expect(page.locator("#batch-details-head")).to_contain_text("split-2")  # not agree-0, the first in order
    expect(page.locator("#batch-details-diff")).to_contain_text("B refused, A answered.")
    page.click("#batch-verdict-0")
    expect(page.locator("#batch-judge-tally")).to_contain_text("1 comparison judged", timeout=10000)
    expect(page.locator("#batch-judge-tally")).to_contain_text("By how the answers disagreed: one refused: A better 1")
    page.click("#batch-judge-next")  # none left that disagree: the next in run order, said so
    expect(page.locator("#batch-details-head")).to_contain_text("agree-0")
    expect(page.get_by_text("No disagreement left to judge")).to_be_visible()


def test_a_rows_checks_and_reference_are_mended_in_its_details_and_the_run_keeps_the_new_scores(page, running_app):
    from workbench.batch_store import read_records
    from workbench.rescore import rescore_experiment

    folder = running_app[1].settings.results_dir
    saved_run_both_answered(folder, "mend-checks", ["mend-0", "mend-1"])
    path = run_file(folder, "mend-checks")
    rescore_experiment(path, "mend-0", '{"contains": "remote model"}', None)  # too strict: B's answer fails it
    open_saved_run(page, "mend-checks", 2)
    cells = page.locator("#batch-table").get_by_role("gridcell")
    expect(cells.filter(has_text="0 of 1")).to_have_count(1)
    page.get_by_label("Blind: answers as left and right").check()
    page.click("#batch-judge-next")  # blind: which answer passes would name the systems
    expect(page.locator("#batch-details-head")).to_contain_text("mend-0")
    page.get_by_text("Checks and reference answer of this experiment").click()
    expect(page.locator("#batch-edit-expect")).to_contain_text('"remote model"')  # the experiment's own
    page.click("#batch-rescore")
    expect(page.get_by_text("Give your verdict first").first).to_be_visible()
    page.get_by_label("Blind: answers as left and right").uncheck()

    cells.filter(has_text="mend-0").first.click()
    expect(page.locator("#batch-details-diff")).to_contain_text("failed: contains 'remote model'")
    page.locator("#batch-edit-expect .cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type('{"contain": "Answer 0"')  # a typo: refused, nothing written
    page.click("#batch-rescore")
    expect(page.get_by_text("The checks cannot be used: unknown checks contain").first).to_be_visible()
    assert len(read_records(path)) == 3
    page.locator("#batch-edit-expect .cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type('{"contains": "Answer 0"')
    page.fill("#batch-edit-reference textarea", "Answer 0 is the right one.")
    page.click("#batch-edit-from-reference")  # its figure, as a number check beside the other
    expect(page.locator("#batch-edit-expect")).to_contain_text('"number"')
    assert json.loads(page.locator("#batch-edit-expect .cm-content").inner_text()) == {"contains": ["Answer 0"],
                                                                                      "number": [0]}
    page.click("#batch-rescore")
    expect(page.get_by_text("mend-0 scored again: A passed 2 of 2, B passed 2 of 2.").first).to_be_visible()
    expect(cells.filter(has_text="2 of 2")).to_have_count(2)  # the table, and nothing asked again
    expect(cells.filter(has_text="0 of 1")).to_have_count(0)
    expect(page.locator("#batch-details-diff")).not_to_contain_text("failed")
    expect(page.locator("#batch-details-head")).to_contain_text("Reference answer: Answer 0 is the right one.")
    expect(page.locator("#batch-summary")).to_contain_text("passed every check")
    assert len(read_records(path)) == 4  # appended to the run: it keeps them
    page.click("#batch-rescore")  # as they are now: nothing to write
    expect(page.get_by_text("Its checks and reference answer are as the run has them").first).to_be_visible()
    assert len(read_records(path)) == 4
    kept = latest_records(path, {"mend-0"})[0]
    assert (kept["expect"], kept["reference"]) == ({"contains": ["Answer 0"], "number": [0]},
                                                   "Answer 0 is the right one.")
    page.reload()  # opened again, the run shows the new scores
    open_saved_run(page, "mend-checks", 2)
    expect(cells.filter(has_text="2 of 2")).to_have_count(2)


def test_a_link_naming_a_run_and_an_experiment_opens_them_and_each_gives_its_link(page, running_app):
    folder = running_app[1].settings.results_dir
    saved_run_both_answered(folder, "linked-run", ["link-0", "link-1"], b_says="from the local model: 15%")
    base = running_app[0]
    page.goto(f"{base}/?run=linked-run&experiment=link-1")
    expect(page.locator("#batch-progress")).to_contain_text("Opened run linked-run from the page's link",
                                                            timeout=30000)
    expect(page.get_by_role("tab", name="Compare")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#batch-details-head")).to_contain_text("link-1", timeout=15000)  # its details open
    expect(page.locator("#batch-details-answer-b")).to_contain_text("Answer 1 from the local model: 15%.")
    # the figure only B's answer states is marked in it; the one both state is not
    expect(page.locator("#batch-details-answer-b mark.figure-apart")).to_have_text("15%")
    expect(page.locator("#batch-details-answer-a mark")).to_have_count(0)
    expect(page.locator("#batch-details-diff")).to_contain_text("Figures: only B states 15% (both state 1).")
    page.click("#batch-link-btn")
    expect(page.locator("#batch-link textarea")).to_have_value(f"{base}/?run=linked-run&experiment=link-1")
    page.locator("#batch-table").get_by_role("gridcell").filter(has_text="link-0").first.click()
    expect(page.locator("#batch-link textarea")).to_have_value("")  # another experiment: its own link
    page.click("#batch-run-link-btn")
    expect(page.locator("#batch-run-link textarea")).to_have_value(f"{base}/?run=linked-run")

    page.goto(f"{base}/?run=linked-run&experiment=nowhere")
    expect(page.get_by_text("Run 'linked-run' holds no experiment 'nowhere'").first).to_be_visible(timeout=30000)
    expect(page.locator("#batch-progress")).to_contain_text("Opened run linked-run")  # the run, still
    page.goto(f"{base}/?run=no-such-run")
    expect(page.get_by_text("The page's link names the run 'no-such-run', which this app does not hold").first
           ).to_be_visible(timeout=30000)
    expect(page.get_by_role("tab", name="Chat")).to_have_attribute("aria-selected", "true")


def test_an_analyst_judges_only_the_experiments_of_one_group(page, running_app):
    folder = running_app[1].settings.results_dir
    saved_run_both_answered(folder, "by-group", ["g-0", "g-1", "g-2"])
    path = run_file(folder, "by-group")
    categories = {"g-0": "risk", "g-1": "governance", "g-2": "risk"}
    path.write_text("".join(json.dumps({**rec, "category": categories[rec["experiment_id"]]}) + "\n"
                            for rec in latest_records(path)), encoding="utf-8")
    open_saved_run(page, "by-group", 3)
    page.locator("#batch-judge-only input").click()
    page.get_by_role("option", name="category: risk").click()
    head, note = page.locator("#batch-details-head"), page.locator("#batch-verdict-note")
    for expected in ("g-0", "g-2"):  # g-1 is governance: skipped
        page.click("#batch-judge-next")
        expect(head).to_contain_text(expected)
        page.click("#batch-verdict-2")
        expect(note).to_contain_text(f"Verdict Tie recorded for {expected}")
    page.click("#batch-judge-next")
    expect(page.get_by_text("Every experiment of run 'by-group' whose category is 'risk' that both systems "
                            "answered has your verdict.").first).to_be_visible()
    page.locator("#batch-judge-only input").click()
    page.get_by_role("option", name="every experiment").click()
    page.click("#batch-judge-next")
    expect(head).to_contain_text("g-1")


def test_a_batch_runs_the_experiments_of_one_group_of_the_file_alone(page, tmp_path):
    path = tmp_path / "desk-groups.jsonl"
    path.write_text('{"id": "risk-1", "query": "Risque de ce virement ?", "category": "risk", "lang": "fr"}\n'
                    '{"id": "gov-1", "query": "What is a board?", "category": "governance", "lang": "en"}\n'
                    '{"id": "risk-2", "query": "Is this wire risky?", "category": "risk", "lang": "en"}\n',
                    encoding="utf-8")
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("tab", name="Batch").click()
    page.locator("#batch-systems").get_by_label("A", exact=True).uncheck()
    page.set_input_files("#batch-file input[type=file]", str(path))
    expect(page.locator("#batch-run-name textarea")).to_have_value("desk-groups")
    page.locator("#batch-only input").click()  # the file's own groups are offered
    expect(page.get_by_role("option", name="category: governance")).to_be_visible()
    expect(page.get_by_role("option", name="category: router-dev")).to_have_count(0)  # the bundled set's are not
    page.get_by_role("option", name="category: risk").click()
    page.click("#batch-go")
    expect(page.locator("#batch-progress")).to_contain_text("Finished — 2/2", timeout=60000)
    cells = page.locator("#batch-table").get_by_role("gridcell")
    expect(cells.filter(has_text="risk-")).to_have_count(2)
    expect(cells.filter(has_text="gov-1")).to_have_count(0)


def test_a_refused_file_runs_nothing_and_shows_no_empty_run(page, tmp_path):
    """A question cut in two by an unquoted comma is refused by its line, and the place of a run's
    results, shown as the batch started, is hidden again: there is no run to show."""
    path = tmp_path / "typed by hand.csv"
    path.write_text("query\nWhat is a bond?\nWhat is 1,000 times 2?\n", encoding="utf-8")
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("tab", name="Batch").click()
    page.set_input_files("#batch-file input[type=file]", str(path))
    expect(page.locator("#batch-run-name textarea")).to_have_value("typed-by-hand")
    page.click("#batch-go")
    expect(page.get_by_text("Cannot use this file: 1 bad row: line 3: 2 cells where the header has 1 column: a "
                            "cell holding a comma must be in double quotes")).to_be_visible(timeout=10000)
    expect(page.locator("#batch-table")).to_be_hidden()
    expect(page.locator("#batch-progress")).to_contain_text("Run batch asks every experiment")


def test_a_run_is_removed_from_the_lists_once_the_analyst_confirms(page, running_app):
    folder = running_app[1].settings.results_dir
    saved_run_both_answered(folder, "remove-me", ["rm-0"])
    open_saved_run(page, "remove-me", 1)
    page.once("dialog", lambda dialog: dialog.dismiss())  # asked first: dismissed, nothing happens
    page.click("#batch-remove")
    page.wait_for_timeout(1000)
    assert run_file(folder, "remove-me").is_file()
    expect(page.locator("#batch-progress")).to_contain_text("Opened run remove-me")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#batch-remove")
    expect(page.locator("#batch-progress")).to_contain_text("Removed run remove-me from the lists. Its file is now "
                                                            "removed/batch-remove-me.", timeout=15000)
    assert not run_file(folder, "remove-me").exists() and list((folder / "removed").glob("batch-remove-me.*"))
    expect(page.locator("#batch-table").get_by_role("gridcell").filter(has_text="rm-0")).to_have_count(0)
    page.locator("#batch-saved input").click()
    expect(page.get_by_role("option").filter(has_text="remove-me ·")).to_have_count(0)
    page.keyboard.press("Escape")
    page.fill("#batch-run-name textarea", "remove-me")  # its name is not taken again
    page.fill("#batch-limit input", "1")
    page.click("#batch-go")
    expect(page.get_by_text("'remove-me' is the name of a removed run").first).to_be_visible(timeout=10000)
    page.get_by_role("button", name="Runs removed from the lists").click()  # put back, and opened
    page.locator("#batch-removed-pick input").click()
    page.get_by_role("option").filter(has_text="remove-me · removed").click()
    page.click("#batch-restore")
    expect(page.locator("#batch-progress")).to_contain_text("Put run remove-me back on the lists and opened it",
                                                            timeout=15000)
    expect(page.locator("#batch-table").get_by_role("gridcell").filter(has_text="rm-0")).to_have_count(2)
    assert run_file(folder, "remove-me").is_file() and not list((folder / "removed").glob("batch-remove-me.*"))


def test_a_rows_question_is_shown_as_every_saved_run_answered_it_and_one_opens_there(page, running_app):
    import os

    folder = running_app[1].settings.results_dir
    asks = "Which week asked question"  # no other test's runs ask it: the shared app's folder holds theirs
    saved_run_both_answered(folder, "week-1", ["hist-0", "hist-1"], asks=asks)
    os.utime(run_file(folder, "week-1"), (1_790_000_000, 1_790_000_000))  # a week older
    saved_run_both_answered(folder, "week-2", ["hist-0", "hist-1", "hist-2"], b_refuses={"hist-1"}, asks=asks)
    open_saved_run(page, "week-2", 3)
    page.get_by_label("Blind: answers as left and right").check()
    page.click("#batch-judge-next")  # blind: the other runs would name the systems
    expect(page.locator("#batch-details-head")).to_contain_text("hist-0")
    page.locator("#batch-elsewhere").get_by_text("This question in the saved runs").click()
    expect(page.locator("#batch-elsewhere-note")).to_contain_text("Shown once your verdict is given")
    expect(page.locator("#batch-elsewhere-table").get_by_role("gridcell").filter(has_text="week-")).to_have_count(0)
    page.click("#batch-verdict-0")  # judged: shown, with the verdict just given in the run shown
    table = page.locator("#batch-elsewhere-table")
    expect(page.locator("#batch-elsewhere-note")).to_contain_text("1 other saved run asked hist-0", timeout=10000)
    expect(table.get_by_role("row").filter(has_text="week-2 (shown)")).to_contain_text("better")
    page.get_by_label("Blind: answers as left and right").uncheck()

    page.locator("#batch-table").get_by_role("gridcell").filter(has_text="hist-1").first.click()
    expect(page.locator("#batch-details-head")).to_contain_text("hist-1")
    shown = table.get_by_role("row").filter(has_text="week-2 (shown)")
    expect(shown).to_contain_text("refused")  # B refused it this week
    expect(shown).to_contain_text("refusal")  # what the two answers differed on
    expect(table.get_by_role("row").filter(has_text="week-1")).not_to_contain_text("refused")
    table.get_by_role("gridcell").filter(has_text=re.compile(r"^\s*week-1\s*$")).click()
    expect(page.locator("#batch-progress")).to_contain_text("Opened run week-1 at the experiment shown",
                                                            timeout=20000)
    expect(page.locator("#batch-run-name textarea")).to_have_value("week-1")
    expect(page.locator("#batch-details-head")).to_contain_text("hist-1", timeout=15000)  # the same question
    expect(page.locator("#batch-details-answer-b")).to_contain_text("Answer 1 from the local model.")
    expect(table.get_by_role("row").filter(has_text="week-1 (shown)")).to_have_count(1)
    expect(table.get_by_role("row").filter(has_text="week-2")).to_contain_text("refused")
    # and asked again now, in Single
    page.click("#batch-to-single")
    expect(page.get_by_role("tab", name="Single")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#cmp-query textarea")).to_have_value(f"{asks} 1?")
    expect(page.get_by_text("hist-1 is in Single's boxes").first).to_be_visible()
    page.click("#cmp-go")  # asked now (System A has no key here: B answers)
    expect(page.locator("#cmp-answer-b")).not_to_be_empty(timeout=30000)
    page.locator("#cmp-elsewhere").get_by_text("This question in the saved runs").click()
    expect(page.locator("#cmp-elsewhere-note")).to_contain_text("2 saved runs asked this question", timeout=15000)
    single = page.locator("#cmp-elsewhere-table")
    expect(single.get_by_role("row").filter(has_text="week-2")).to_contain_text("hist-1")
    single.get_by_role("gridcell").filter(has_text=re.compile(r"^\s*week-2\s*$")).click()  # opened under Batch
    expect(page.get_by_role("tab", name="Batch")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#batch-progress")).to_contain_text("Opened run week-2 at hist-1", timeout=20000)
    expect(page.locator("#batch-details-head")).to_contain_text("hist-1", timeout=15000)
    expect(page.locator("#batch-details-answer-b")).to_contain_text("I can't help with that")
