"""Each FR/EN strategy against the baseline on the same questions: does it really change what
the user sees? A matrix of rates over 20 questions cannot say; the questions whose outcome the
strategy changed, for better and for worse, can (exact McNemar test)."""

from __future__ import annotations

from typing import Any

from workbench.fren import STRATEGIES
from workbench.stats import chance_words, mcnemar_p

BASELINE = "baseline"
METRIC = "user_sees_one_language"  # what the strategies are for: a reader sees one language, the question's
# what each outcome a strategy can change is called in a line: the language, and (on calculations)
# whether the answer still states the right figure — a strategy that buys the language with the result
OUTCOMES = {METRIC: "the user sees only the question's language in",
            "right_figure": "the answer states the right figure in"}


def _outcomes(rows: list[dict[str, Any]], engine: str, strategy: str, lang: str | None,
              metric: str) -> dict[str, bool]:
    return {r["probe"]: bool(r[metric]) for r in rows
            if r["engine"] == engine and r["strategy"] == strategy and not r.get("error")
            and r.get(metric) is not None and (lang is None or r.get("question_lang") == lang)}


def against_baseline(rows: list[dict[str, Any]], lang: str | None = "fr", metric: str = METRIC) -> list[str]:
    """Per engine and strategy other than the baseline, over the questions in `lang` (all when
    None) that both answered: how often the outcome `metric` (one of OUTCOMES: the user sees only
    the question's language, or the answer states the right figure) holds under each, on how many
    questions the strategy did better and worse, and whether that split could be chance. Empty
    without baseline answers to set them against."""
    lines = []
    for engine in sorted({r["engine"] for r in rows}):  # System A before System B
        base = _outcomes(rows, engine, BASELINE, lang, metric)
        for name in STRATEGIES:
            other = _outcomes(rows, engine, name, lang, metric) if name != BASELINE and base else {}
            common = sorted(base.keys() & other.keys())
            if not common:
                continue
            better = sum(other[p] and not base[p] for p in common)
            worse = sum(base[p] and not other[p] for p in common)
            line = (f"{name} on {engine}: {OUTCOMES[metric]} "
                    f"{sum(other[p] for p in common)} of {len(common)}, against {sum(base[p] for p in common)} "
                    f"with the baseline; better on {better}, worse on {worse}")
            lines.append(line + (f" ({chance_words(mcnemar_p(better, worse))})" if better + worse
                                 else " (the same on every question)"))
    return lines


def every_outcome(rows: list[dict[str, Any]], lang: str | None = "fr") -> list[str]:
    """against_baseline's lines for each outcome of OUTCOMES in turn: the language, then the right
    figure of the calculations."""
    return [line for metric in OUTCOMES for line in against_baseline(rows, lang, metric)]
