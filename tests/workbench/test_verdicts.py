"""Verdicts on single comparisons: kept, tallied with a changed mind counted once, exported."""

from __future__ import annotations

import pytest

from workbench.export import write_csv
from workbench.summary import flat_rows
from workbench.verdicts import latest_verdicts, record_verdict, tally_line


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
