"""An experiment of a saved run scored again under checks and a reference answer edited in the
Batch tab: the answers kept as they are, the new scores appended to the run's file."""

from __future__ import annotations

import pytest

from tests.workbench.test_compare import _Ticker
from ui.compare_view import experiment_md
from workbench.batch_run import BatchRun
from workbench.batch_store import latest_records, read_records
from workbench.checks import ExpectError, with_reference_checks
from workbench.compare import Comparator, Experiment
from workbench.experiments import MAX_REFERENCE_CHARS, experiment_file
from workbench.export import write_csv
from workbench.rescore import rescore_experiment
from workbench.run_files import read_run_file
from workbench.summary import flat_rows


@pytest.fixture
def run(tmp_path):
    out = tmp_path / "batch-mend.jsonl"
    a, b = _Ticker("A", 2, 0.0), _Ticker("B", 3, 0.0)  # "mot mot" and "mot mot mot"
    exps = [Experiment("e1", "Un mot ?", expect={"contains": "trois"}, reference="Trois mots."),
            Experiment("e2", "Deux ?")]
    list(BatchRun(Comparator(a, b), exps, out).run())
    return out, a, b, exps


def test_an_experiment_is_scored_again_under_edited_checks_and_the_run_keeps_it(run):
    out, a, b, exps = run
    assert [r["system_b"]["checks"][0]["passed"] for r in latest_records(out, {"e1"})] == [False]
    order = [r["experiment_id"] for r in latest_records(out)]
    rec = rescore_experiment(out, "e1", '{"contains": "mot mot mot"}', "  Mot, mot, mot.  ")
    assert [rec[s]["checks"][0]["passed"] for s in ("system_a", "system_b")] == [False, True]
    assert (rec["expect"], rec["reference"]) == ({"contains": ["mot mot mot"]}, "Mot, mot, mot.")
    assert rec["rescored_at"].startswith("20") and "rescored_at" not in read_records(out)[0]  # when: after
    assert len(a.requests) == len(b.requests) == 2, "nothing asked again"
    latest = {r["experiment_id"]: r for r in latest_records(out)}
    assert latest["e1"] == rec and list(latest) == order, "the run reads it, in its place"
    assert len(read_records(out)) == 3, "appended: the earlier scores stay in the file"
    assert rescore_experiment(out, "e1", {"contains": "mot mot mot"}, "Mot, mot, mot.") is None
    assert len(read_records(out)) == 3, "the same checks and reference: nothing written"
    assert '"expect": {"contains": ["mot mot mot"]}' in experiment_file(list(latest.values()), False)[0]
    # a resume with the file's own checks scores it under those again (and says so)
    progress = list(BatchRun(Comparator(a, b), exps, out).run())
    assert progress[0].rescored == 1 and len(a.requests) == 2
    assert latest_records(out, {"e1"})[0]["rescored_at"] and "rescored_at" not in latest_records(out, {"e2"})[0]
    assert latest_records(out, {"e1"})[0]["expect"] == {"contains": "trois"}


def test_the_csv_says_which_experiments_were_scored_again_and_a_run_opened_from_it_still_does(run, tmp_path):
    out, *_ = run
    rec = rescore_experiment(out, "e1", '{"contains": "mot"}', None)
    rows = flat_rows(latest_records(out))
    assert {(r["experiment_id"], r["rescored_at"]) for r in rows} == {("e1", rec["rescored_at"]), ("e2", None)}
    csv = tmp_path / "mend.csv"
    write_csv(rows, csv, bom=True)
    back = {r["experiment_id"]: r for r in read_run_file(csv)}
    assert back["e1"]["rescored_at"] == rec["rescored_at"] and "rescored_at" not in back["e2"]
    assert "Scored again on" in experiment_md(back["e1"]) and "Scored again" not in experiment_md(back["e2"])


def test_checks_taken_away_and_a_reference_cleared(run):
    out, *_ = run
    rec = rescore_experiment(out, "e1", "", "")
    assert rec["expect"] is None and rec["reference"] is None
    assert "checks" not in rec["system_a"] and "checks" not in rec["system_b"]


def test_what_cannot_be_used_is_refused_and_writes_nothing(run):
    out, *_ = run
    before = out.read_bytes()
    with pytest.raises(ExpectError, match="unknown checks contain"):
        rescore_experiment(out, "e1", '{"contain": "mot"}', None)
    with pytest.raises(ValueError, match=f"the most is {MAX_REFERENCE_CHARS:,}"):
        rescore_experiment(out, "e1", "", "x" * (MAX_REFERENCE_CHARS + 1))
    with pytest.raises(ValueError, match="holds no experiment 'e9'"):
        rescore_experiment(out, "e9", "", None)
    with pytest.raises(ValueError, match="holds no experiment"):
        rescore_experiment(out.with_name("batch-none.jsonl"), "e1", "", None)
    assert out.read_bytes() == before


def test_a_line_torn_by_a_crash_does_not_swallow_the_new_scores(run):
    out, *_ = run
    with out.open("a", encoding="utf-8") as fh:
        fh.write('{"experiment_id": "e2", "que')  # a process killed while writing
    rescore_experiment(out, "e1", '{"contains": "mot"}', None)
    assert latest_records(out, {"e1"})[0]["expect"] == {"contains": ["mot"]}


def test_the_reference_answers_figures_and_risk_level_become_checks_beside_those_there_are():
    expect, added = with_reference_checks('{"refusal": false, "number": [15]}',
                                          "Le PER vaut 15, soit 60 / 4 ; la marge est de 12,5 %.")
    assert expect == {"refusal": False, "number": [15, 60, 4, 12.5]}
    assert added == ["states 60", "states 4", "states 12.5"]
    assert with_reference_checks({"number": {"value": 60, "tolerance": 0.01}}, "60") == (
        {"number": [{"value": 60, "tolerance": 0.01}]}, [])  # a figure with a tolerance counts as there
    assert with_reference_checks("", "No figure here.") == ({}, [])
    # the level the reference gives a transaction, unless the checks hold a risk check already
    assert with_reference_checks('{"refusal": false}', "Risque : ÉLEVÉ. Le montant vaut 14 fois la moyenne.") == (
        {"refusal": False, "number": [14], "risk": "high"}, ["states 14", "rates the risk high"])
    assert with_reference_checks('{"risk": "medium"}', "Risk: HIGH.") == ({"risk": "medium"}, [])
    # the rules and classes it cites by number, unless a cites check holds them already
    assert with_reference_checks('{"cites": "art. 9"}', "Stage 3 under IFRS 9; an Article 9 fund.") == (
        {"cites": ["art. 9", "Stage 3", "IFRS 9"]}, ["cites Stage 3", "cites IFRS 9"])
    # a date or a time in the reference is that day or hour, not its day and year as numbers
    assert with_reference_checks('{"number": "2025-01-17"}', "Due on 17 January 2025 by 23:00.") == (
        {"number": ["2025-01-17", "23:00"]}, ["states 23:00"])
    with pytest.raises(ExpectError):
        with_reference_checks('{"number": "x"}', "15")
