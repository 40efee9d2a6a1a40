"""Every saved batch run on one line: its parameters, models, each system's figures and verdicts."""

from __future__ import annotations

import json
import os

import pytest

from engines.base import ConfigurationError, GenerationParams, StreamStats
from engines.systems import NO_MODEL_CALL
from ui.runs_overview import overview_cells
from workbench.batch_store import run_file
from workbench.compare import Experiment, SystemRun, record
from workbench.model_judge import model_verdicts_file, record_model_verdict
from workbench.runs_overview import OVERVIEW_COLUMNS, runs_overview
from workbench.summary import share_column
from workbench.verdicts import record_verdict, verdicts_file

REFUSAL = "I can't help with that: it would mean moving money to avoid reporting."
ANSWER = "A reporting threshold is the amount above which a bank must declare a transaction."


def _answer(name: str, text: str, model: str, total: float = 1.0, error: Exception | None = None) -> SystemRun:
    stats = StreamStats(model_id=model, finish_reason="error" if error else "stop", ttft_s=0.1, total_s=total,
                        reasoning_tokens=20, content_tokens=10)
    return SystemRun(name, response="" if error else text, reasoning="The user asks.", done=True, stats=stats,
                     error=error)


def _rec(exp_id: str, a: str | Exception, b: str, params: GenerationParams, b_model: str = "demo-model",
         b_total: float = 1.0) -> dict:
    exp = Experiment(id=exp_id, query="What is a reporting threshold?", lang="en", expected_route="governance",
                     expect={"contains": "threshold"})
    system_a = (_answer("System A", "", "deepseek-reasoner", error=a) if isinstance(a, Exception)
                else _answer("System A", a, "deepseek-chat"))
    return record(exp, {"A": system_a, "B": _answer("System B", b, b_model, total=b_total)}, params=params)


def _save(folder, name: str, records: list[dict], age_s: int) -> None:
    path = run_file(folder, name)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    stamp = 1_790_000_000 - age_s
    os.utime(path, (stamp, stamp))


@pytest.fixture
def two_runs(tmp_path):
    thinking = GenerationParams(max_new_tokens=1024, enable_thinking=True)
    monday = [_rec("e1", REFUSAL, ANSWER, thinking, b_total=2.0), _rec("e2", ANSWER, ANSWER, thinking, b_total=4.0),
              _rec("e3", ConfigurationError("no key"), ANSWER, thinking, b_model="demo-model+fr-adapter")]
    _save(tmp_path, "monday", monday, age_s=86400)
    quick = GenerationParams(max_new_tokens=256, enable_thinking=False)
    _save(tmp_path, "tuesday", [_rec("e1", ANSWER, REFUSAL, quick, b_model=NO_MODEL_CALL),
                                _rec("e2", ANSWER, REFUSAL, quick)], age_s=60)
    verdicts = verdicts_file(tmp_path)
    for exp_id, verdict, judge in (("e1", "B better", "ana"), ("e2", "B better", "ana"), ("e2", "A better", "ben"),
                                   ("e1", "Tie", "ben")):
        record_verdict(verdicts, monday[int(exp_id[1]) - 1], verdict, run="monday", judge=judge)
    record_verdict(verdicts, monday[0], "A better")  # a single comparison's: no run, not counted
    return tmp_path


def test_each_saved_run_is_one_row_the_latest_first_with_its_figures_and_verdicts(two_runs):
    rows = runs_overview(two_runs)
    assert [r["run"] for r in rows] == ["tuesday", "monday"]
    assert all(list(r) == OVERVIEW_COLUMNS for r in rows)
    tuesday, monday = rows
    assert (monday["experiments"], monday["thinking"], monday["max new tokens"]) == (3, "on", 1024)
    assert (tuesday["thinking"], tuesday["max new tokens"]) == ("off", 256)
    # the model that failed on e3 answered nothing; the adapter answered e3
    assert monday["model A"] == "deepseek-chat" and monday["model B"] == "demo-model (+1 other)"
    assert tuesday["model B"] == "demo-model"  # the router's own refusals named no model
    assert (monday["answered A"], monday["answered B"]) == (2, 3)  # System A had no key for e3
    assert (monday["refusal rate A"], monday["refusal rate B"]) == (0.5, 0.0)
    assert (tuesday["refusal rate A"], tuesday["refusal rate B"]) == (0.0, 1.0)
    assert monday["passed every check B"] == 1.0 and tuesday["passed every check B"] == 0.0
    assert monday["latency p50 ms B"] == pytest.approx(2000.0) and monday["routed as expected (B)"] is None
    # e1: A refused, B answered (and only B passed its check); every tuesday answer: B refused
    assert (monday["answers disagree"], tuesday["answers disagree"]) == (1, 2)
    # four verdicts by two analysts; B chosen in 2 of the 3 that chose a system
    assert (monday["verdicts"], monday["B preferred"], monday["B preferred 95% interval"]) == (4, 0.6667, "21%–94%")
    assert (tuesday["verdicts"], tuesday["B preferred"], tuesday["B preferred 95% interval"]) == (0, None, None)
    assert (monday["judge model"], monday["B preferred (judge model)"]) == (None, None)  # no model judged yet


def test_the_judge_model_that_judged_a_run_last_is_named_with_how_often_it_preferred_b(two_runs):
    path = model_verdicts_file(two_runs)
    for exp_id, verdict in (("e1", "B better"), ("e2", "A better"), ("e3", "B better")):
        record_model_verdict(path, "monday", {"experiment_id": exp_id, "verdict": verdict, "judge_model": "early"})
    record_model_verdict(path, "monday", {"experiment_id": "e1", "verdict": "A better", "judge_model": "latest"})
    tuesday, monday = runs_overview(two_runs)
    assert (monday["judge model"], monday["B preferred (judge model)"]) == ("latest", 0.0)
    assert monday["verdicts"] == 4 and monday["B preferred"] == 0.6667  # the analysts' alone
    assert tuesday["judge model"] is None
    assert share_column("B preferred (judge model)")


def test_a_run_written_again_is_read_again_and_a_broken_verdicts_line_is_skipped(two_runs):
    assert runs_overview(two_runs)[0]["experiments"] == 2
    quick = GenerationParams(max_new_tokens=256, enable_thinking=False)
    with run_file(two_runs, "tuesday").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(_rec("e9", ANSWER, ANSWER, quick)) + "\n")
    with verdicts_file(two_runs).open("a", encoding="utf-8") as fh:
        fh.write("[1, 2]\n")
    tuesday = runs_overview(two_runs)[0]
    assert tuesday["run"] == "tuesday" and tuesday["experiments"] == 3  # newest first still
    assert tuesday["refusal rate B"] == pytest.approx(0.667, abs=0.001)
    assert runs_overview(two_runs / "nothing-here") == []


def test_the_table_shows_fractions_as_percentages_and_the_csv_keeps_them(two_runs):
    from ui.runs_overview import overview_cells, overview_view
    from workbench.export import read_csv

    assert share_column("refusal rate A") and share_column("B preferred") and not share_column("latency p50 ms B")
    shown = overview_cells(runs_overview(two_runs)).set_index("run")
    assert shown.loc["monday", "refusal rate A"] == "50%" and shown.loc["monday", "B preferred"] == "67%"
    assert shown.loc["monday", "answered A"] == 2 and shown.loc["monday", "latency p50 ms B"] == pytest.approx(2000.0)
    _, download, line = overview_view(two_runs)
    assert line.startswith("2 saved runs, the latest first, 1 of them judged.")
    saved = {r["run"]: r for r in read_csv(download["value"])}
    assert saved["monday"]["refusal rate A"] == "0.5" and saved["monday"]["B preferred"] == "0.6667"
    assert overview_view(two_runs / "empty")[2].startswith("No saved run yet")


def test_a_run_says_how_often_its_two_answers_state_the_same_figures(tmp_path):
    params = GenerationParams(max_new_tokens=256)
    _save(tmp_path, "figures", [_rec("f1", "It is 15%.", "Il vaut 15 %.", params),
                                _rec("f2", "60 / 4 = 15.", "60 / 4 = 16.", params),
                                _rec("f3", ANSWER, "It is 15.", params)], age_s=60)  # one states none: left out
    [row] = runs_overview(tmp_path)
    assert row["same figures"] == 0.5 and overview_cells([row]).iloc[0]["same figures"] == "50%"
    assert row["same risk level"] is None  # no answer rates a transaction's risk


def test_a_run_says_how_often_its_two_answers_rate_the_risk_at_the_same_level(tmp_path):
    params = GenerationParams(max_new_tokens=256)
    _save(tmp_path, "risk", [_rec("r1", "Risk: HIGH.", "A high-risk wire.", params),
                             _rec("r2", "Risk: medium.", "Risque : faible.", params),
                             _rec("r3", "Risk: low.", "Risk: low.", params),
                             _rec("r4", ANSWER, "Risk: low.", params)], age_s=60)  # one rates none: left out
    [row] = runs_overview(tmp_path)
    assert row["same risk level"] == pytest.approx(2 / 3, abs=1e-4)
    assert overview_cells([row]).iloc[0]["same risk level"] == "67%"
