"""Verdicts: kept per run and judge, tallied with a changed mind counted once, exported."""

from __future__ import annotations

import pytest

from workbench.export import write_csv
from workbench.summary import flat_rows
from workbench.verdicts import (
    MAX_NOTE_CHARS,
    latest_verdicts,
    next_to_judge,
    record_verdict,
    run_verdicts,
    tally_line,
    verdict_rows,
)


def _rec(exp_id: str) -> dict:
    result = {"response": "Le P/E divise le prix par le bénéfice.", "reasoning": "", "latency_ms": 900.0,
              "ttft_ms": 120.0, "refusal": False, "reasoning_lang": "none", "answer_lang": "fr",
              "metadata": {"finish_reason": "stop"}}
    return {"experiment_id": exp_id, "query": "Qu'est-ce que le P/E ?", "lang": None,
            "system_a": result, "system_b": result}


def test_a_changed_mind_replaces_the_earlier_verdict_in_the_tally_and_the_file_keeps_both(tmp_path):
    path = tmp_path / "runs" / "verdicts.jsonl"
    record_verdict(path, _rec("adhoc-1"), "A better")
    record_verdict(path, _rec("adhoc-2"), "Tie")
    record_verdict(path, _rec("adhoc-1"), "B better")  # second thoughts on the first comparison
    judged = latest_verdicts(path)
    assert [(r["experiment_id"], r["verdict"]) for r in judged] == [("adhoc-1", "B better"), ("adhoc-2", "Tie")]
    assert tally_line(judged) == "A better 0 · B better 1 · Tie 1 · Both bad 0 — 2 comparisons judged"
    assert len(path.read_text(encoding="utf-8").splitlines()) == 3
    rows = flat_rows(judged)
    assert {(r["experiment_id"], r["system"], r["verdict"]) for r in rows} == {
        ("adhoc-1", "A", "B better"), ("adhoc-1", "B", "B better"), ("adhoc-2", "A", "Tie"), ("adhoc-2", "B", "Tie")}
    out = tmp_path / "verdicts.csv"
    write_csv(rows, out, bom=True)
    assert "B better" in out.read_text(encoding="utf-8-sig")


def test_an_unknown_verdict_is_refused_and_torn_lines_are_skipped(tmp_path):
    path = tmp_path / "verdicts.jsonl"
    with pytest.raises(ValueError, match="A better, B better, Tie, Both bad"):
        record_verdict(path, _rec("adhoc-1"), "Great")
    record_verdict(path, _rec("adhoc-1"), "Both bad")
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"experiment_id": "adhoc-2", "verd')  # a crash mid-write
    assert [r["verdict"] for r in latest_verdicts(path)] == ["Both bad"]
    assert tally_line([]) == "A better 0 · B better 0 · Tie 0 · Both bad 0 — 0 comparisons judged"


def test_an_experiment_judged_in_two_runs_keeps_a_verdict_in_each_and_apart_from_single_ones(tmp_path):
    path = tmp_path / "verdicts.jsonl"
    record_verdict(path, _rec("exp-1"), "A better", run="before-adapter")
    record_verdict(path, _rec("exp-1"), "B better", run="after-adapter")  # same id, another run
    record_verdict(path, _rec("exp-1"), "Tie")  # a single comparison under that id
    record_verdict(path, _rec("exp-2"), "Both bad", run="after-adapter")
    record_verdict(path, _rec("exp-2"), "B better", run="after-adapter")  # a changed mind
    assert [(r.get("run"), r["experiment_id"], r["verdict"]) for r in latest_verdicts(path)] == [
        ("before-adapter", "exp-1", "A better"), ("after-adapter", "exp-1", "B better"), (None, "exp-1", "Tie"),
        ("after-adapter", "exp-2", "B better")]
    verdicts = {k: r["verdict"] for k, r in run_verdicts(path, "after-adapter").items()}
    assert verdicts == {"exp-1": "B better", "exp-2": "B better"}
    assert {k: r["verdict"] for k, r in run_verdicts(path, "before-adapter").items()} == {"exp-1": "A better"}
    assert run_verdicts(path, "") == {} and run_verdicts(path, "no-such-run") == {}
    rows = verdict_rows(latest_verdicts(path))  # the verdicts CSV says which run each came from
    assert [(r["run"], r["system"], r["verdict"]) for r in rows][:2] == [
        ("before-adapter", "A", "A better"), ("before-adapter", "B", "A better")]
    assert {r["run"] for r in rows} == {"before-adapter", "after-adapter", ""}


def test_the_next_to_judge_is_the_next_answered_by_both_without_a_verdict_going_round():
    failed = _rec("exp-2")
    failed["system_a"] = {**failed["system_a"], "metadata": {"error": "no key", "finish_reason": "error"}}
    only_b = {**_rec("exp-4"), "system_a": None}
    records = [_rec("exp-1"), failed, _rec("exp-3"), only_b, _rec("exp-5")]
    assert next_to_judge(records, set())["experiment_id"] == "exp-1"
    assert next_to_judge(records, {"exp-1"})["experiment_id"] == "exp-3"  # not the one A failed
    assert next_to_judge(records, set(), after="exp-3")["experiment_id"] == "exp-5"  # not the one A skipped
    assert next_to_judge(records, {"exp-1"}, after="exp-5")["experiment_id"] == "exp-3"  # round to the start
    assert next_to_judge(records, {"exp-1", "exp-3", "exp-5"}) is None


def test_disagreements_first_brings_the_answers_that_disagree_most_then_run_order():
    from workbench.agreement import disagreement_line
    from workbench.differences import disagreements

    def varied(exp_id: str, **b_fields) -> dict:
        rec = _rec(exp_id)
        rec["lang"] = "fr"
        rec["system_b"] = {**rec["system_b"], **b_fields}
        return rec

    english = varied("exp-2", answer_lang="en")  # the question is French
    refused = varied("exp-3", refusal=True, answer_lang="en",
                     checks=[{"check": "refusal false", "passed": False, "why": "it refused"}])
    refused["system_a"] = {**refused["system_a"], "checks": [{"check": "refusal false", "passed": True, "why": ""}]}
    cut = varied("exp-4", metadata={"finish_reason": "length"})
    records = [_rec("exp-1"), english, refused, cut, varied("exp-5", answer_lang="en")]
    assert [disagreements(r) for r in records] == [[], ["language"], ["refusal", "checks"], ["completion"],
                                                   ["language"]]
    assert disagreements({**refused, "system_a": None}) == []  # one answer: nothing to disagree on
    assert disagreement_line([*records, {**refused, "system_a": None}]) == (
        "in 4 of 5 experiments both answered: language 2 · refusal 1 · checks 1 · completion 1")
    assert disagreement_line(records[:1]) == "nowhere, in 1 experiment both answered"
    assert disagreement_line([{**refused, "system_a": None}]) == ""
    order, judged = [], set()
    while (rec := next_to_judge(records, judged, order[-1] if order else None, disagreements_first=True)):
        order.append(rec["experiment_id"])
        judged.add(rec["experiment_id"])
    assert order == ["exp-3", "exp-4", "exp-5", "exp-2", "exp-1"]  # equals in run order from the last one
    assert next_to_judge(records, set())["experiment_id"] == "exp-1"  # without it: run order
    # where a judge model's two readings disagreed comes before everything else, then as asked
    order, judged = [], set()
    while (rec := next_to_judge(records, judged, order[-1] if order else None, disagreements_first=True,
                                unsure={"exp-1", "exp-5"})):
        order.append(rec["experiment_id"])
        judged.add(rec["experiment_id"])
    assert order == ["exp-5", "exp-1", "exp-3", "exp-4", "exp-2"]
    assert next_to_judge(records, set(), unsure={"exp-4"})["experiment_id"] == "exp-4"
    # among answers that disagree on nothing else, those that state different figures come first
    figures = [varied("exp-6", response="Le P/E vaut 15."), varied("exp-7", response="Le P/E vaut 16.")]
    for rec in figures:
        rec["system_a"] = {**rec["system_a"], "response": "Le P/E vaut 15."}
    assert next_to_judge([records[0], *figures], set(), disagreements_first=True)["experiment_id"] == "exp-7"
    assert next_to_judge([records[0], *figures], set())["experiment_id"] == "exp-1"
    assert next_to_judge(records, {"exp-4"}, after="exp-4", unsure={"exp-4"})["experiment_id"] == "exp-5"


def test_an_analysts_note_is_kept_with_the_verdict_and_a_changed_mind_brings_its_own(tmp_path):
    path = tmp_path / "verdicts.jsonl"
    first = record_verdict(path, _rec("exp-1"), "B better", run="r", note="  A misses the 5% threshold.  ")
    assert first["verdict_note"] == "A misses the 5% threshold."
    record_verdict(path, first, "Tie", run="r")  # thought again, said nothing: the old reason is not kept
    (judged,) = latest_verdicts(path)
    assert judged["verdict"] == "Tie" and "verdict_note" not in judged
    record_verdict(path, judged, "A better", run="r", note="x" * 5000)
    (judged,) = latest_verdicts(path)
    assert len(judged["verdict_note"]) == MAX_NOTE_CHARS
    rows = verdict_rows([first])
    assert {r["verdict_note"] for r in rows} == {"A misses the 5% threshold."}  # in the CSV, on each system's row
