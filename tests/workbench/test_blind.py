"""Blind judging: the sides drawn at random, a left/right verdict stored as the system it names,
blind verdicts told apart in the tally (with the side that won) and in the CSV."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from workbench.blind import BLIND_VERDICTS, blind_left, is_blind_pending, other_system, verdict_for
from workbench.summary import flat_rows
from workbench.verdicts import VERDICTS, latest_verdicts, record_verdict, tally_line


def _rec(exp_id: str, left: str | None = None) -> dict:
    result = {"response": "Le P/E divise le prix par le bénéfice.", "reasoning": "", "latency_ms": 900.0,
              "ttft_ms": 120.0, "refusal": False, "reasoning_lang": "none", "answer_lang": "fr",
              "metadata": {"finish_reason": "stop"}}
    rec = {"experiment_id": exp_id, "query": "Qu'est-ce que le P/E ?", "system_a": result, "system_b": result}
    return {**rec, "blind_left": left} if left else rec


def test_either_system_can_be_on_the_left_and_the_other_is_on_the_right():
    rng = random.Random(7)
    lefts = Counter(blind_left(rng) for _ in range(400))
    assert set(lefts) == {"A", "B"}
    assert 150 < lefts["A"] < 250  # a fair draw, not a fixed side
    assert blind_left() in ("A", "B")  # the default draw (the app's)
    assert other_system("A") == "B" and other_system("B") == "A"  # the right one
    with pytest.raises(ValueError, match="A or B"):
        other_system("C")


@pytest.mark.parametrize(("left", "expected"), [
    ("A", ["A better", "B better", "Tie", "Both bad"]),
    ("B", ["B better", "A better", "Tie", "Both bad"]),
])
def test_a_blind_button_stands_for_the_system_on_its_side(left, expected):
    rec = _rec("adhoc-1", left)
    assert is_blind_pending(rec)
    assert [verdict_for(i, rec) for i in range(len(BLIND_VERDICTS))] == expected
    # once judged the systems are named: the same buttons read as the usual verdicts
    judged = {**rec, "verdict": expected[0]}
    assert not is_blind_pending(judged)
    assert [verdict_for(i, judged) for i in range(4)] == VERDICTS
    assert [verdict_for(i, _rec("adhoc-2")) for i in range(4)] == VERDICTS  # never blind
    with pytest.raises(ValueError, match="position 4"):
        verdict_for(4, rec)


def test_blind_verdicts_are_counted_apart_with_the_side_that_won_and_marked_in_the_csv(tmp_path):
    path = tmp_path / "verdicts.jsonl"
    record_verdict(path, _rec("adhoc-1", "B"), verdict_for(0, _rec("adhoc-1", "B")))  # left: B better
    record_verdict(path, _rec("adhoc-2", "A"), verdict_for(1, _rec("adhoc-2", "A")))  # right: B better
    record_verdict(path, _rec("adhoc-3", "A"), verdict_for(2, _rec("adhoc-3", "A")))  # tie
    record_verdict(path, _rec("adhoc-4"), "A better")  # seen with the names
    judged = latest_verdicts(path)
    assert [r["verdict"] for r in judged] == ["B better", "B better", "Tie", "A better"]
    assert tally_line(judged) == ("A better 1 · B better 2 · Tie 1 · Both bad 0 — 4 comparisons judged, "
                                  "3 of them blind (the answer on the left preferred 1×, on the right 1×)")
    rows = flat_rows(judged)
    assert {(r["experiment_id"], r["verdict_blind"]) for r in rows} == {
        ("adhoc-1", True), ("adhoc-2", True), ("adhoc-3", True), ("adhoc-4", False)}
    assert {r["verdict_blind"] for r in flat_rows([_rec("adhoc-5", "A")])} == {None}  # not judged yet
