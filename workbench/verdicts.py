"""Verdicts analysts give to single comparisons: appended to a JSONL file, tallied, exported.

A verdict is the comparison's record with a "verdict" field. Giving another verdict to the same
comparison (a changed mind) replaces the earlier one in tallies and exports; the file keeps both.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from workbench.compare import read_records

VERDICTS = ["A better", "B better", "Tie", "Both bad"]


def record_verdict(path: Path, rec: dict[str, Any], verdict: str) -> dict[str, Any]:
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    rec = {**rec, "verdict": verdict}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return rec


def latest_verdicts(path: Path) -> list[dict[str, Any]]:
    """One record per comparison, with its last verdict, in the order first judged."""
    latest: dict[str, dict[str, Any]] = {}
    for rec in read_records(path):
        if rec.get("verdict") in VERDICTS and rec.get("experiment_id"):
            latest[rec["experiment_id"]] = rec
    return list(latest.values())


def tally_line(records: list[dict[str, Any]]) -> str:
    counts = Counter(r["verdict"] for r in records)
    shares = " · ".join(f"{v} {counts[v]}" for v in VERDICTS)
    return f"{shares} — {len(records)} comparison{'s' if len(records) != 1 else ''} judged"
