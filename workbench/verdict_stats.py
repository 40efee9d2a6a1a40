"""What verdicts say beyond their counts: how often System B was preferred (with an interval that
says when the count means little), the verdicts per route or category, and how far two judges
agree on the comparisons both judged."""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations
from typing import Any

from workbench.verdicts import VERDICTS


def wilson_interval(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a share `hits / n` (95% by default): unlike the plain
    p ± z·se it stays inside 0..1 and means something for the few dozen verdicts a person gives."""
    if n <= 0:
        raise ValueError("no trials")
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def preference_line(records: list[dict[str, Any]]) -> str:
    """How often System B was preferred when a verdict chose a system, with its 95% interval
    (an interval that spans 50% says the verdicts so far do not tell the systems apart)."""
    b_better = sum(r["verdict"] == "B better" for r in records)
    chose = b_better + sum(r["verdict"] == "A better" for r in records)
    if not chose:
        return ""
    low, high = wilson_interval(b_better, chose)
    return (f"System B preferred in {b_better} of {chose} verdicts that chose a system ({b_better / chose:.0%}; "
            f"95% interval {low:.0%}–{high:.0%})")


def verdicts_by(records: list[dict[str, Any]], field: str) -> str:
    """The verdicts per value of an experiment's `field` (expected_route, category), e.g.
    "transaction_risk: B better 4, Tie 1 · governance: A better 2"; empty when no record has it."""
    groups: dict[str, Counter] = {}
    for r in records:
        if r.get(field):
            groups.setdefault(str(r[field]), Counter())[r["verdict"]] += 1
    return " · ".join(f"{name}: " + ", ".join(f"{v} {counts[v]}" for v in VERDICTS if counts[v])
                      for name, counts in sorted(groups.items()))


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two judges' verdicts on the same comparisons: agreement beyond what their
    own habits would give by chance (1 full agreement, 0 chance, below 0 worse); None when it is
    undefined (no pair, or both judges always give the same one verdict)."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(first[v] * second[v] for v in VERDICTS) / (n * n)
    return None if chance == 1 else (observed - chance) / (1 - chance)


def agreement_line(records: list[dict[str, Any]]) -> str:
    """With two judges or more, how often two of them gave the same verdict to a comparison both
    judged (over every pair of judges), and with exactly two, Cohen's kappa; empty with one."""
    judged: dict[str, dict[tuple[str, str], str]] = {}
    for r in records:
        judged.setdefault(r.get("judge") or "", {})[r.get("run") or "", r["experiment_id"]] = r["verdict"]
    if len(judged) < 2:
        return ""
    pairs = [(a[key], b[key]) for a, b in combinations(judged.values(), 2) for key in a.keys() & b.keys()]
    if not pairs:
        return f"{len(judged)} judges, none of their comparisons judged by two of them yet"
    same = sum(a == b for a, b in pairs)
    line = (f"{len(judged)} judges gave the same verdict in {same} of {len(pairs)} cases where two of them "
            f"judged the same comparison ({same / len(pairs):.0%})")
    kappa = cohen_kappa(pairs) if len(judged) == 2 else None
    return line + (f", Cohen's κ {kappa:.2f}" if kappa is not None else "")
