"""One experiment across every saved run: the runs that asked the same question, and what each
system did with it in each."""

from __future__ import annotations

import json
import os

from engines.base import ConfigurationError, GenerationParams, StreamStats
from workbench.batch_store import run_file
from workbench.compare import Experiment, SystemRun, record
from workbench.experiment_runs import (
    QUESTION_COLUMNS,
    RUNS_COLUMNS,
    experiment_runs,
    question_runs,
    system_cell,
)
from workbench.model_judge import model_verdicts_file, record_model_verdict
from workbench.verdicts import record_verdict, verdicts_file

QUERY = "What is the P/E ratio of a share at 60 with earnings of 4 a share?"
REFUSAL = "I can't help with that."


def _answer(name: str, text: str, model: str, finish: str = "stop", in_reasoning: bool = False,
            error: Exception | None = None) -> SystemRun:
    stats = StreamStats(model_id=model, finish_reason="error" if error else finish, ttft_s=0.1, total_s=1.25,
                        reasoning_tokens=20, content_tokens=0 if in_reasoning else 10,
                        reasoning_unclosed=in_reasoning)
    return SystemRun(name, response="" if error or in_reasoning else text, reasoning="The user asks.", done=True,
                     stats=stats, error=error)


def _rec(exp_id: str, a: SystemRun, b: SystemRun, query: str = QUERY, thinking: bool = True,
         system_prompt: str | None = None) -> dict:
    exp = Experiment(id=exp_id, query=query, lang="en", expect={"number": 15}, system_prompt=system_prompt)
    params = GenerationParams(max_new_tokens=512, enable_thinking=thinking)
    return record(exp, {"A": a, "B": b}, params=params)


def _save(folder, name: str, records: list[dict], age_s: int) -> None:
    path = run_file(folder, name)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    stamp = 1_790_000_000 - age_s
    os.utime(path, (stamp, stamp))


def test_every_run_that_asked_the_same_question_is_a_row_the_latest_first(tmp_path):
    right = _answer("System A", "The P/E ratio is 15.", "deepseek-chat")
    wrong = _answer("System B", "The P/E ratio is 16, from the price and the earnings.", "demo-model")
    monday = _rec("pe", right, wrong)
    _save(tmp_path, "monday", [monday, _rec("other", right, right, query="What is EBITDA?")], age_s=86400)
    tuesday = _rec("pe", _answer("System A", "", "deepseek-chat", error=ConfigurationError("no key")),
                   _answer("System B", "", "demo-model", finish="length", in_reasoning=True),
                   query="  what is the P/E ratio of a share at 60 with earnings of 4 a share? ", thinking=False,
                   system_prompt="Answer in one line.")  # the same question, under other instructions
    _save(tmp_path, "tuesday", [tuesday], age_s=60)
    # another file's `pe` is about something else: not the same experiment
    _save(tmp_path, "elsewhere", [_rec("pe", right, right, query="Define a P/E ratio.")], age_s=30)
    _save(tmp_path, "unrelated", [_rec("x", right, right)], age_s=10)
    verdicts = verdicts_file(tmp_path)
    record_verdict(verdicts, monday, "A better", run="monday", judge="ana")
    record_verdict(verdicts, monday, "Tie", run="monday", judge="ben")
    record_verdict(verdicts, monday, "B better", run=None, judge="ana")  # a single comparison's: no run
    record_model_verdict(model_verdicts_file(tmp_path), "monday",
                         {"experiment_id": "pe", "verdict": "A better", "judge_model": "deepseek-chat"})

    rows = experiment_runs(tmp_path, monday, judge="ana")

    assert [r["run"] for r in rows] == ["tuesday", "monday"]
    assert all(list(r) == RUNS_COLUMNS for r in rows)
    tuesday_row, monday_row = rows
    assert monday_row["models"] == "deepseek-chat / demo-model"
    assert monday_row["parameters"] == "thinking on, 512 tokens"
    assert monday_row["A"] == "answered · en · checks 1 of 1 · states 15 · 1.2 s"
    assert monday_row["B"] == "answered · en · checks 0 of 1 · states 16 · 1.2 s"  # last week's figure
    assert monday_row["differ on"] == "checks, figures"
    assert (monday_row["verdict"], monday_row["model verdict"]) == ("A better", "A better")
    assert tuesday_row["A"] == "failed: not_configured"
    assert tuesday_row["B"].startswith("answered") and "cut off in the reasoning" in tuesday_row["B"]
    assert tuesday_row["parameters"] == "thinking off, 512 tokens, system prompt “Answer in one line.”"
    assert tuesday_row["verdict"] is None and tuesday_row["differ on"] is None
    assert monday_row["answered (UTC)"] == monday["timestamp"].replace("T", " ")[:16]
    # another analyst sees their own verdicts; without a sign-in, those given without one (none)
    assert experiment_runs(tmp_path, monday, judge="ben")[1]["verdict"] == "Tie"
    assert experiment_runs(tmp_path, monday)[1]["verdict"] is None


def test_an_experiment_no_saved_run_holds_has_no_rows(tmp_path):
    right = _answer("System A", "15.", "deepseek-chat")
    assert experiment_runs(tmp_path, _rec("pe", right, right)) == []  # no results folder yet
    _save(tmp_path, "monday", [_rec("pe", right, right, query="Define a P/E ratio.")], age_s=60)
    assert experiment_runs(tmp_path, _rec("pe", right, right)) == []


def test_a_system_cell_says_what_it_did_in_a_few_words():
    assert system_cell(None) is None
    refused = {"response": REFUSAL, "refusal": True, "answer_lang": "en", "latency_ms": 1400,
               "metadata": {"finish_reason": "stop"}}
    assert system_cell(refused) == "refused · en · 1.4 s"
    budget = {"response": "Le ratio", "refusal": False, "answer_lang": "fr", "latency_ms": 3050,
              "checks": [{"check": "number 15", "passed": False}, {"check": "language fr", "passed": True}],
              "metadata": {"finish_reason": "length"}}
    assert system_cell(budget) == "answered · fr · checks 1 of 2 · cut off at the budget · 3.0 s"
    many = {**budget, "checks": None, "metadata": {"finish_reason": "stop"},
            "response": "1. Prix : 60 €\n2. Bénéfice : 4 €\n3. PER : 15\nSoit 6,7 % de rendement, ou 0,067, en 2026."}
    assert system_cell(many) == "answered · fr · states 60, 4, 15, 6,7 % (+2 more) · 3.0 s"  # list markers are none
    failed = {"response": "", "metadata": {"error": "429 Too Many Requests", "error_kind": "rate_limit"}}
    assert system_cell(failed) == "failed: rate_limit"
    stopped = {"response": "Le ratio", "metadata": {"error": "cancelled", "error_kind": "cancelled"}}
    assert system_cell(stopped) == "stopped"  # a batch stopped midway: no failure of the system


def test_a_run_resumed_gives_its_latest_record_and_a_torn_line_is_passed_over(tmp_path):
    right = _answer("System A", "The P/E ratio is 15.", "deepseek-chat")
    failed = _rec("pe", right, _answer("System B", "", "demo-model", error=ConfigurationError("no key")))
    again = _rec("pe", right, _answer("System B", "The P/E ratio is 15 here too, from 60 and 4.", "demo-model"))
    path = run_file(tmp_path, "resumed")
    path.write_text(json.dumps(failed) + "\n" + '{"experiment_id": "pe", "que' + "\n" + json.dumps(again) + "\n",
                    encoding="utf-8")
    [row] = experiment_runs(tmp_path, failed)
    assert row["B"] == "answered · en · checks 1 of 1 · states 15, 60, 4 · 1.2 s"
    with path.open("a", encoding="utf-8") as fh:  # a later attempt, appended: the file's new version is read
        fh.write(json.dumps(failed) + "\n")
    assert experiment_runs(tmp_path, failed)[0]["B"] == "failed: not_configured"


def test_a_question_is_found_in_every_run_under_whatever_id_it_was_asked(tmp_path):
    right = _answer("System A", "The P/E ratio is 15.", "deepseek-chat")
    ours = _rec("pe", right, right)
    _save(tmp_path, "ours", [ours, _rec("other", right, right, query="What is EBITDA?")], age_s=600)
    theirs = _rec("row-2", right, _answer("System B", "I can't help with that.", "demo-model"), query=QUERY.upper())
    _save(tmp_path, "theirs", [_rec("row-1", right, right, query="Define a P/E ratio."), theirs,
                               _rec("row-3", right, right)], age_s=60)  # asked twice in that file
    record_verdict(verdicts_file(tmp_path), theirs, "A better", run="theirs")
    rows = question_runs(tmp_path, f"  {QUERY.lower()} ")
    assert [(r["run"], r["experiment"]) for r in rows] == [("theirs", "row-2"), ("theirs", "row-3"), ("ours", "pe")]
    assert all(list(r) == QUESTION_COLUMNS for r in rows)
    assert rows[0]["verdict"] == "A better" and rows[1]["verdict"] is None  # each experiment's own
    assert rows[0]["B"].startswith("refused")
    assert question_runs(tmp_path, "What is a bond?") == [] and question_runs(tmp_path, "  ") == []
    assert experiment_runs(tmp_path, {**ours, "query": ""}) == []  # no words: no question to find
