"""Verdicts analysts give to single comparisons: appended to a JSONL file, tallied, exported.

A verdict is the comparison's record with a "verdict" field. Giving another verdict to the same
comparison (a changed mind) replaces the earlier one in tallies and exports; the file keeps both.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

from workbench.compare import read_records, still_to_run
from workbench.summary import flat_rows

VERDICTS = ["A better", "B better", "Tie", "Both bad"]


def record_verdict(path: Path, rec: dict[str, Any], verdict: str, run: str | None = None) -> dict[str, Any]:
    """Append `rec` with its verdict to `path`; `run` names the batch run it comes from (a single
    comparison has none), so that the same experiment judged in two runs keeps two verdicts."""
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    rec = {**rec, "verdict": verdict}
    if run:
        rec["run"] = run
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return rec


def latest_verdicts(path: Path, run: str | None = None) -> list[dict[str, Any]]:
    """One record per comparison (per run and experiment), with its last verdict, in the order
    first judged; with `run`, only that batch run's."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in read_records(path):
        if rec.get("verdict") in VERDICTS and rec.get("experiment_id"):
            latest[rec.get("run") or "", rec["experiment_id"]] = rec
    return [r for r in latest.values() if run is None or r.get("run") == run]


def run_verdicts(path: Path, run: str) -> dict[str, str]:
    """The verdicts given on a batch run's experiments: experiment id -> verdict."""
    return {r["experiment_id"]: r["verdict"] for r in latest_verdicts(path, run)} if run else {}


def next_to_judge(records: list[dict[str, Any]], judged: set[str], after: str | None = None) -> dict[str, Any] | None:
    """The next comparison of a run to judge: one that both systems answered, without a verdict
    (`judged`: experiment ids), the first after experiment `after` in run order, going round to
    the start; None when every one is judged."""
    ids = [r["experiment_id"] for r in records]
    start = ids.index(after) + 1 if after in ids else 0
    for rec in records[start:] + records[:start]:
        if rec["experiment_id"] not in judged and not still_to_run(rec, ("A", "B")):
            return rec
    return None


def verdict_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The verdicts CSV: a batch CSV row per comparison and system, with the run it came from."""
    return [{**row, "run": rec.get("run") or ""} for rec in records for row in flat_rows([rec])]


def tally_line(records: list[dict[str, Any]]) -> str:
    counts = Counter(r["verdict"] for r in records)
    shares = " · ".join(f"{v} {counts[v]}" for v in VERDICTS)
    line = f"{shares} — {len(records)} comparison{'s' if len(records) != 1 else ''} judged"
    # blind verdicts (workbench.blind): which side won, as a check on a bias for the first answer read
    blind = [r for r in records if r.get("blind_left")]
    if not blind:
        return line
    left = sum(r["verdict"] == f"{r['blind_left']} better" for r in blind)
    one_sided = sum(r["verdict"] in VERDICTS[:2] for r in blind)
    return (f"{line}, {len(blind)} of them blind (the answer on the left preferred {left}×, "
            f"on the right {one_sided - left}×)")


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
