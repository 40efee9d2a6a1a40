"""Each FR/EN strategy against the baseline on the same questions, with the exact McNemar test."""

from __future__ import annotations

from workbench.fren_baseline import FEWEST, PAIR_COLUMNS, every_pair, headline, paired

B, A = "System B · local model", "System A · remote MoE"


def _row(probe: str, strategy: str, sees_one: bool | None, engine: str = B, lang: str = "fr",
         error: str | None = None) -> dict:
    return {"probe": probe, "engine": engine, "strategy": strategy, "question_lang": lang,
            "user_sees_one_language": sees_one, "error": error}


def _said(pairs: list[dict]) -> list[tuple]:
    return [(p["strategy"], p["engine"][:8], p["questions"], p["with the strategy"], p["with the baseline"],
             p["better"], p["worse"], p["p"], p["difference"]) for p in pairs]


def test_a_strategy_is_set_against_the_baseline_on_the_questions_both_answered():
    rows = [_row(f"p{i}", "baseline", i == 0) for i in range(8)]  # English reasoning shown: mixed
    rows += [_row(f"p{i}", "strip reasoning", i < 7) for i in range(8)]  # hidden: better on 6, worse on 0
    rows += [_row(f"p{i}", "thinking off", i == 0) for i in range(8)]  # no change
    rows += [_row("p0", "French prefill", False), _row("p1", "French prefill", True),
             _row("p2", "French prefill", None, error="not available for this engine")]
    rows += [_row("en-1", "baseline", False, lang="en"), _row("en-1", "strip reasoning", True, lang="en")]
    rows += [_row("p0", "thinking off", True, engine=A)]  # System A without a baseline: nothing to set against
    pairs = paired(rows)
    assert _said(pairs) == [
        ("thinking off", "System B", 8, 1, 1, 0, 0, None, "the same on every question"),
        ("French prefill", "System B", 2, 1, 1, 1, 1, "1", "could be chance"),
        ("strip reasoning", "System B", 8, 7, 1, 6, 0, "0.031", "unlikely to be chance"),
    ]  # in the tab's order of strategies; the English question left out of the French comparison
    assert {p["outcome"] for p in pairs} == {"user sees one language"} and list(pairs[0]) == PAIR_COLUMNS
    assert headline(pairs) == ("Unlikely to be chance: strip reasoning on System B · local model (user sees one "
                               "language: better on 6, worse on 0, p = 0.031).")
    assert _said(paired(rows, None))[-1] == ("strip reasoning", "System B", 9, 8, 1, 7, 0, "0.016",
                                             "unlikely to be chance")
    assert paired([r for r in rows if r["strategy"] != "baseline"]) == [] and headline([]) == ""
    assert headline(pairs[:2]) == "No strategy differs from the baseline more than chance could make it."


def test_on_calculations_a_strategy_is_set_against_the_baseline_on_the_right_figure_too():
    rows = [{**_row(f"c{i}", strategy, True), "right_figure": right} for i in range(5)
            for strategy, right in (("baseline", True), ("French prefill", i == 0))]
    pairs = every_pair(rows)
    assert [p["outcome"] for p in pairs] == ["user sees one language", "right figure"]
    assert _said(pairs)[1] == ("French prefill", "System B", 5, 1, 5, 0, 4, "0.12", "could be chance")


def test_too_few_questions_to_tell_a_difference_from_chance_are_said_to_be_and_how_many_it_takes():
    assert FEWEST == 6  # 6 of 6 better: p = 2 / 2**6 = 0.031; 5 of 5: 0.062
    rows = [_row(f"p{i}", strategy, strategy != "baseline") for i in range(4)
            for strategy in ("baseline", "thinking off")]
    assert headline(every_pair(rows)) == (
        "No strategy differs from the baseline more than chance could make it — nor could one: on 4 questions, "
        "even a strategy better on every one has p = 0.12; it takes 6 questions at the least.")
    assert headline(every_pair(rows), "raise --pairs").endswith("it takes 6 questions at the least (raise --pairs).")
