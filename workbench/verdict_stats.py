"""What verdicts say beyond their counts: how often System B was preferred (with an interval that
says when the count means little), the verdicts per route or category, and how far two judges
agree on the comparisons both judged."""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from typing import Any

from workbench.differences import disagreements
from workbench.stats import wilson_interval
from workbench.verdicts import VERDICTS


def preference(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """How often System B was preferred when a verdict chose a system, with the 95% interval of
    that share; None when no verdict chose one."""
    b_better = sum(r["verdict"] == "B better" for r in records)
    chose = b_better + sum(r["verdict"] == "A better" for r in records)
    if not chose:
        return None
    low, high = wilson_interval(b_better, chose)
    return {"b_better": b_better, "chose_a_system": chose, "b_share": round(b_better / chose, 4),
            "interval_95": [round(low, 4), round(high, 4)]}


def preference_line(records: list[dict[str, Any]]) -> str:
    """preference() in words (an interval that spans 50% says the verdicts so far do not tell the
    systems apart); empty when no verdict chose a system."""
    if (pref := preference(records)) is None:
        return ""
    return (f"System B preferred in {pref['b_better']} of {pref['chose_a_system']} verdicts that chose a system "
            f"{_share(pref)}")


def _share(pref: dict[str, Any]) -> str:
    """A preference's share and interval in words: "(33%; 95% interval 6%–79%)"."""
    low, high = pref["interval_95"]
    return f"({pref['b_share']:.0%}; 95% interval {low:.0%}–{high:.0%})"


def verdicts_by(records: list[dict[str, Any]], field: str) -> str:
    """The verdicts per value of an experiment's `field` (expected_route, category), e.g.
    "transaction_risk: B better 4, Tie 1 · governance: A better 2"; empty when no record has it."""
    groups: dict[str, Counter] = {}
    for r in records:
        if r.get(field):
            groups.setdefault(str(r[field]), Counter())[r["verdict"]] += 1
    return " · ".join(f"{name}: " + ", ".join(f"{v} {counts[v]}" for v in VERDICTS if counts[v])
                      for name, counts in sorted(groups.items()))


DISAGREEMENT_NAMES = {"refusal": "one refused", "language": "one not in the question's language",
                      "risk": "rated the risk differently", "checks": "one failed its checks",
                      "completion": "one cut off", "": "no disagreement"}


def verdicts_by_disagreement(records: list[dict[str, Any]]) -> str:
    """The verdicts per way the two answers disagreed (workbench.differences.disagreements; a
    comparison that disagrees in two ways counts in both), e.g. "one refused: B better 4, A better
    1 · no disagreement: Tie 6" — which system the analysts sided with when one refused is what a
    refusal policy is judged by. Empty without verdicts."""
    groups: dict[str, Counter] = {}
    for r in records:
        for kind in disagreements(r) or [""]:
            groups.setdefault(kind, Counter())[r["verdict"]] += 1
    return " · ".join(f"{DISAGREEMENT_NAMES[kind]}: " + ", ".join(f"{v} {counts[v]}" for v in VERDICTS if counts[v])
                      for kind, counts in sorted(groups.items(), key=lambda g: list(DISAGREEMENT_NAMES).index(g[0])))


def breakdown_lines(records: list[dict[str, Any]]) -> list[str]:
    """Verdicts on records (each the run's record with its `verdict`) broken down: by expected
    route and by category where the experiments have them, and by how the answers disagreed;
    none without records."""
    if not records:
        return []
    return [*(f"By {label}: {by}" for field, label in (("expected_route", "expected route"), ("category", "category"))
              if (by := verdicts_by(records, field))),
            f"By how the answers disagreed: {verdicts_by_disagreement(records)}"]


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


def agreement(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """With two judges or more: how many cases two of them judged the same comparison (over every
    pair of judges), how many of those got the same verdict, and with exactly two, Cohen's
    kappa; None with one judge."""
    judged: dict[str, dict[tuple[str, str], str]] = {}
    for r in records:
        judged.setdefault(r.get("judge") or "", {})[r.get("run") or "", r["experiment_id"]] = r["verdict"]
    if len(judged) < 2:
        return None
    pairs = [(a[key], b[key]) for a, b in combinations(judged.values(), 2) for key in a.keys() & b.keys()]
    same = sum(a == b for a, b in pairs)
    kappa = cohen_kappa(pairs) if len(judged) == 2 else None
    return {"judges": len(judged), "judged_twice": len(pairs), "same_verdict": same,
            "share": round(same / len(pairs), 4) if pairs else None,
            "cohen_kappa": round(kappa, 4) if kappa is not None else None}


def agreement_line(records: list[dict[str, Any]]) -> str:
    """agreement() in words; empty with one judge."""
    if (agreed := agreement(records)) is None:
        return ""
    if not agreed["judged_twice"]:
        return f"{agreed['judges']} judges, none of their comparisons judged by two of them yet"
    line = (f"{agreed['judges']} judges gave the same verdict in {agreed['same_verdict']} of "
            f"{agreed['judged_twice']} cases where two of them judged the same comparison ({agreed['share']:.0%})")
    kappa = agreed["cohen_kappa"]
    return line + (f", Cohen's κ {kappa:.2f}" if kappa is not None else "")


def verdict_summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    """A run's verdicts as data (GET /api/runs/{name}): counts, each judge's verdicts (and notes)
    by experiment ("" for none signed in), the preference for System B and the judges' agreement."""
    by_judge: dict[str, dict[str, str]] = {}
    notes: dict[str, dict[str, str]] = {}
    for r in records:
        by_judge.setdefault(r.get("judge") or "", {})[r["experiment_id"]] = r["verdict"]
        if r.get("verdict_note"):
            notes.setdefault(r.get("judge") or "", {})[r["experiment_id"]] = r["verdict_note"]
    counts = Counter(r["verdict"] for r in records)
    return {"verdicts": len(records), "counts": {v: counts[v] for v in VERDICTS},
            "blind": sum(bool(r.get("blind_left")) for r in records), "by_judge": by_judge, "notes": notes,
            "preference": preference(records), "agreement": agreement(records)}


def runs_verdict_lines(first: list[dict[str, Any]], second: list[dict[str, Any]], names: tuple[str, str],
                       common: set[str], heading: str = "Verdicts", same: str = "the same analyst") -> list[str]:
    """Two batch runs' verdicts (latest_verdicts of each) over the experiments both runs hold
    (`common`): how often System B was preferred in each, with its interval (two intervals that
    overlap say the runs are not told apart yet), and where the same analyst judged an experiment
    in both runs, on how many the verdict changed and to what. Empty when neither run has one.
    `heading` and `same` name the judges (a judge model's verdicts: workbench.model_judge)."""
    runs = [[r for r in run if r["experiment_id"] in common] for run in (first, second)]
    if not any(runs):
        return []
    said = []
    for name, records in zip(names, runs, strict=True):
        pref = preference(records)
        if not records:
            said.append(f"in {name}, no verdict yet")
        elif pref is None:
            said.append(f"in {name}, {len(records)} verdict{'s' if len(records) > 1 else ''}, none choosing a system")
        else:
            said.append(f"in {name}, System B preferred in {pref['b_better']} of {pref['chose_a_system']} "
                        f"{_share(pref)}")
    lines = [f"{heading}: {'; '.join(said)}."]
    before = {(r["experiment_id"], r.get("judge") or ""): r["verdict"] for r in runs[0]}
    pairs = [(before[key], r["verdict"]) for r in runs[1]
             if (key := (r["experiment_id"], r.get("judge") or "")) in before]
    if pairs:
        moves = Counter((was, after) for was, after in pairs if was != after)
        line = (f"Judged in both runs by {same}: {len(pairs)} experiment{'s' if len(pairs) > 1 else ''}; "
                f"the verdict changed on {sum(moves.values())}")
        if moves:
            line += f" from {names[0]} to {names[1]} (" + ", ".join(
                f"{was} → {after} on {n}" for (was, after), n in sorted(
                    moves.items(), key=lambda m: (VERDICTS.index(m[0][0]), VERDICTS.index(m[0][1])))) + ")"
        lines.append(line + ".")
    return lines
