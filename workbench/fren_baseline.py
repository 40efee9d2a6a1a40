"""Each FR/EN strategy against the baseline on the same questions: does it really change what
the user sees? A matrix of rates over 20 questions cannot say; the questions whose outcome the
strategy changed, for better and for worse, can (exact McNemar test)."""

from __future__ import annotations

from typing import Any

from workbench.fren import strategies_in
from workbench.stats import BEYOND_CHANCE, chance_reading, mcnemar_p

BASELINE = "baseline"
METRIC = "user_sees_one_language"  # what the strategies are for: a reader sees one language, the question's
# the outcomes a strategy can change, as the table names them: the language, and (on calculations)
# whether the answer still states the right figure — a strategy that buys the language with the result
OUTCOMES = {METRIC: "user sees one language", "right_figure": "right figure"}  # as the matrix says
PAIR_COLUMNS = ["outcome", "engine", "strategy", "questions", "with the strategy", "with the baseline",
                "better", "worse", "p", "difference"]
SAME = "the same on every question"
# the fewest questions that can show a difference at p < 0.05: better on every one of them
FEWEST = next(n for n in range(1, 100) if mcnemar_p(n, 0) < 0.05)


def _outcomes(rows: list[dict[str, Any]], engine: str, strategy: str, lang: str | None,
              metric: str) -> dict[str, bool]:
    return {r["probe"]: bool(r[metric]) for r in rows
            if r["engine"] == engine and r["strategy"] == strategy and not r.get("error")
            and r.get(metric) is not None and (lang is None or r.get("question_lang") == lang)}


def paired(rows: list[dict[str, Any]], lang: str | None = "fr", metric: str = METRIC) -> list[dict[str, Any]]:
    """Per engine and strategy other than the baseline, over the questions in `lang` (all when
    None) that both answered: a row of PAIR_COLUMNS — on how many the outcome `metric` (one of
    OUTCOMES) holds under each, on how many the strategy did better and worse, and the exact
    McNemar test of that split (p to two figures, None when it changed nothing; its reading in
    `difference`). Empty without baseline answers to set them against."""
    pairs = []
    for engine in sorted({r["engine"] for r in rows}):  # System A before System B
        base = _outcomes(rows, engine, BASELINE, lang, metric)
        for name in strategies_in(r["strategy"] for r in rows):
            other = _outcomes(rows, engine, name, lang, metric) if name != BASELINE and base else {}
            common = sorted(base.keys() & other.keys())
            if not common:
                continue
            better = sum(other[p] and not base[p] for p in common)
            worse = sum(base[p] and not other[p] for p in common)
            p_value = mcnemar_p(better, worse) if better + worse else None
            pairs.append({"outcome": OUTCOMES[metric], "engine": engine, "strategy": name, "questions": len(common),
                          "with the strategy": sum(other[p] for p in common),
                          "with the baseline": sum(base[p] for p in common), "better": better, "worse": worse,
                          "p": None if p_value is None else f"{p_value:.2g}",
                          "difference": SAME if p_value is None else chance_reading(p_value)})
    return pairs


def every_pair(rows: list[dict[str, Any]], lang: str | None = "fr") -> list[dict[str, Any]]:
    """paired()'s rows for each outcome of OUTCOMES in turn: the language, then the right figure
    of the calculations."""
    return [pair for metric in OUTCOMES for pair in paired(rows, lang, metric)]


def headline(pairs: list[dict[str, Any]], more: str = "") -> str:
    """What every_pair()'s table says, in a sentence: the differences unlikely to be chance, and,
    when there is none and too few questions were asked for one to be, how many it takes (and
    `more`, how to ask more where this is read: "raise --pairs")."""
    if not pairs:
        return ""
    if beyond := [p for p in pairs if p["difference"] == BEYOND_CHANCE]:
        said = "; ".join(f"{p['strategy']} on {p['engine']} ({p['outcome']}: better on {p['better']}, "
                         f"worse on {p['worse']}, p = {p['p']})" for p in beyond)
        return f"Unlikely to be chance: {said}."
    none = "No strategy differs from the baseline more than chance could make it"
    most = max(p["questions"] for p in pairs)
    if most >= FEWEST:
        return none + "."
    return (f"{none} — nor could one: on {most} question{'s' if most > 1 else ''}, even a strategy better on "
            f"every one has p = {mcnemar_p(most, 0):.2g}; it takes {FEWEST} questions at the least"
            + (f" ({more})." if more else "."))
