"""Each FR/EN strategy against the baseline on the same questions: does it really change what
the user sees? A matrix of rates over 20 questions cannot say; the questions whose outcome the
strategy changed, for better and for worse, can (exact McNemar test)."""

from __future__ import annotations

from typing import Any

from workbench.fren import STRATEGIES
from workbench.stats import chance_words, mcnemar_p

BASELINE = "baseline"
METRIC = "user_sees_one_language"  # what the strategies are for: a reader sees one language, the question's


def _outcomes(rows: list[dict[str, Any]], engine: str, strategy: str, lang: str | None) -> dict[str, bool]:
    return {r["probe"]: bool(r[METRIC]) for r in rows
            if r["engine"] == engine and r["strategy"] == strategy and not r.get("error")
            and r.get(METRIC) is not None and (lang is None or r.get("question_lang") == lang)}


def against_baseline(rows: list[dict[str, Any]], lang: str | None = "fr") -> list[str]:
    """Per engine and strategy other than the baseline, over the questions in `lang` (all when
    None) that both answered: how often the user sees only the question's language under each,
    on how many questions the strategy did better and worse, and whether that split could be
    chance. Empty without baseline answers to set them against."""
    lines = []
    for engine in sorted({r["engine"] for r in rows}):  # System A before System B
        base = _outcomes(rows, engine, BASELINE, lang)
        for name in STRATEGIES:
            other = _outcomes(rows, engine, name, lang) if name != BASELINE and base else {}
            common = sorted(base.keys() & other.keys())
            if not common:
                continue
            better = sum(other[p] and not base[p] for p in common)
            worse = sum(base[p] and not other[p] for p in common)
            line = (f"{name} on {engine}: the user sees only the question's language in "
                    f"{sum(other[p] for p in common)} of {len(common)}, against {sum(base[p] for p in common)} "
                    f"with the baseline; better on {better}, worse on {worse}")
            lines.append(line + (f" ({chance_words(mcnemar_p(better, worse))})" if better + worse
                                 else " (the same on every question)"))
    return lines
