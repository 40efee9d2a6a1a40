"""Each FR/EN strategy against the baseline on the same questions, with the exact McNemar test."""

from __future__ import annotations

from workbench.fren_baseline import against_baseline

B, A = "System B · local model", "System A · remote MoE"


def _row(probe: str, strategy: str, sees_one: bool | None, engine: str = B, lang: str = "fr",
         error: str | None = None) -> dict:
    return {"probe": probe, "engine": engine, "strategy": strategy, "question_lang": lang,
            "user_sees_one_language": sees_one, "error": error}


def test_a_strategy_is_set_against_the_baseline_on_the_questions_both_answered():
    rows = [_row(f"p{i}", "baseline", i == 0) for i in range(8)]  # English reasoning shown: mixed
    rows += [_row(f"p{i}", "strip reasoning", i < 7) for i in range(8)]  # hidden: better on 6, worse on 0
    rows += [_row(f"p{i}", "thinking off", i == 0) for i in range(8)]  # no change
    rows += [_row("p0", "French prefill", False), _row("p1", "French prefill", True),
             _row("p2", "French prefill", None, error="not available for this engine")]
    rows += [_row("en-1", "baseline", False, lang="en"), _row("en-1", "strip reasoning", True, lang="en")]
    rows += [_row("p0", "thinking off", True, engine=A)]  # System A without a baseline: nothing to set against
    assert against_baseline(rows) == [
        "thinking off on System B · local model: the user sees only the question's language in 1 of 8, "
        "against 1 with the baseline; better on 0, worse on 0 (the same on every question)",
        "French prefill on System B · local model: the user sees only the question's language in 1 of 2, "
        "against 1 with the baseline; better on 1, worse on 1 (p = 1: could be chance)",
        "strip reasoning on System B · local model: the user sees only the question's language in 7 of 8, "
        "against 1 with the baseline; better on 6, worse on 0 (p = 0.031: unlikely to be chance)",
    ]  # in the tab's order of strategies; the English question left out of the French comparison
    every = against_baseline(rows, None)
    assert "in 8 of 9, against 1 with the baseline; better on 7, worse on 0 (p = 0.016" in every[-1]
    assert against_baseline([r for r in rows if r["strategy"] != "baseline"]) == []


def test_on_calculations_a_strategy_is_set_against_the_baseline_on_the_right_figure_too():
    rows = [{**_row(f"c{i}", strategy, True), "right_figure": right} for i in range(5)
            for strategy, right in (("baseline", True), ("French prefill", i == 0))]
    assert against_baseline(rows, metric="right_figure") == [
        "French prefill on System B · local model: the answer states the right figure in 1 of 5, against 5 with "
        "the baseline; better on 0, worse on 4 (p = 0.12: could be chance)"]
    assert "the user sees only the question's language in 5 of 5" in against_baseline(rows)[0]
