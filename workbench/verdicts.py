"""Verdicts analysts give to comparisons (single ones, and the experiments of batch runs):
appended to a JSONL file, tallied, exported.

A verdict is the comparison's record with a "verdict" field, the batch run it comes from ("run")
and who gave it ("judge": the signed-in user when the app has a password, else none). Another
verdict from the same judge on the same comparison (a changed mind) replaces the earlier one in
tallies and exports; the file keeps both. Two judges keep a verdict each (workbench.verdict_stats
says how far they agree).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from workbench.batch_store import read_records
from workbench.compare import both_answered
from workbench.differences import disagreements, figures_apart
from workbench.summary import flat_rows

VERDICTS = ["A better", "B better", "Tie", "Both bad"]


def verdicts_file(results_dir: Path) -> Path:
    """Where the app keeps its verdicts (single comparisons and batch runs alike)."""
    return results_dir / "verdicts.jsonl"


MAX_NOTE_CHARS = 1000


def record_verdict(path: Path, rec: dict[str, Any], verdict: str, run: str | None = None,
                   judge: str | None = None, note: str | None = None) -> dict[str, Any]:
    """Append `rec` with its verdict to `path`; `run` names the batch run it comes from (a single
    comparison has none), so that the same experiment judged in two runs keeps two verdicts;
    `judge` who gave it; `note` why (the analyst's words, up to MAX_NOTE_CHARS)."""
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    rec = {k: v for k, v in rec.items() if k != "verdict_note"}  # a changed mind's note is its own
    rec["verdict"] = verdict
    for key, value in (("run", run), ("judge", judge), ("verdict_note", (note or "").strip()[:MAX_NOTE_CHARS])):
        if value:
            rec[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return rec


def latest_verdicts(path: Path, run: str | None = None) -> list[dict[str, Any]]:
    """One record per comparison (per run and experiment) and judge, with its last verdict, in
    the order first judged; with `run`, only that batch run's."""
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for rec in read_records(path):
        if isinstance(rec, dict) and rec.get("verdict") in VERDICTS and rec.get("experiment_id"):
            latest[rec.get("run") or "", rec["experiment_id"], rec.get("judge") or ""] = rec
    return [r for r in latest.values() if run is None or r.get("run") == run]


def by_judge(records: list[dict[str, Any]], judge: str | None) -> list[dict[str, Any]]:
    """The verdicts of one judge (None: those given without a sign-in)."""
    return [r for r in records if (r.get("judge") or None) == (judge or None)]


def by_experiment(records: list[dict[str, Any]], judge: str | None) -> dict[str, dict[str, Any]]:
    """One judge's verdicts of a run (latest_verdicts of it): experiment id -> the judged record
    (its `verdict`, and `verdict_note` when the analyst said why)."""
    return {r["experiment_id"]: r for r in by_judge(records, judge)}


def run_verdicts(path: Path, run: str, judge: str | None = None) -> dict[str, dict[str, Any]]:
    """A judge's verdicts on a batch run's experiments, read from `path` (see by_experiment)."""
    return by_experiment(latest_verdicts(path, run), judge) if run else {}


def next_to_judge(records: list[dict[str, Any]], judged: set[str], after: str | None = None,
                  disagreements_first: bool = False, unsure: set[str] | None = None) -> dict[str, Any] | None:
    """The next comparison of a run to judge: one that both systems answered, without a verdict
    (`judged`: experiment ids), the first after experiment `after` in run order, going round to
    the start; with `unsure` (experiment ids: those where a judge model's two readings
    disagreed, where an analyst's verdict teaches most), one of those first; with
    `disagreements_first`, the first of those on which the answers disagree the most
    (workbench.differences.disagreements), and among as many, one whose answers state different
    figures (figures_apart). None when every one is judged."""
    ids = [r["experiment_id"] for r in records]
    start = ids.index(after) + 1 if after in ids else 0
    waiting = [rec for rec in records[start:] + records[:start]
               if rec["experiment_id"] not in judged and both_answered(rec)]
    if not waiting:
        return None
    unsure = unsure or set()
    # max keeps the first of equals: run order among them
    return max(waiting, key=lambda rec: (rec["experiment_id"] in unsure,
                                         (len(disagreements(rec)), bool(figures_apart(rec)))
                                         if disagreements_first else (0, False)))


def verdict_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The verdicts CSV: a batch CSV row per comparison and system, with the run it came from and
    who judged it."""
    return [{**row, "run": rec.get("run") or "", "judge": rec.get("judge") or ""}
            for rec in records for row in flat_rows([rec])]


def tally_line(records: list[dict[str, Any]]) -> str:
    """The verdicts counted: each kind, how many comparisons (and, with several judges, how many
    verdicts from how many), and the blind ones with the side that won."""
    counts = Counter(r["verdict"] for r in records)
    shares = " · ".join(f"{v} {counts[v]}" for v in VERDICTS)
    compared = len({(r.get("run") or "", r["experiment_id"]) for r in records})
    line = f"{shares} — {compared} comparison{'s' if compared != 1 else ''} judged"
    if (judges := len({r.get("judge") or "" for r in records})) > 1:
        line += f" ({len(records)} verdicts from {judges} judges)"
    # blind verdicts (workbench.blind): which side won, as a check on a bias for the first answer read
    blind = [r for r in records if r.get("blind_left")]
    if not blind:
        return line
    left = sum(r["verdict"] == f"{r['blind_left']} better" for r in blind)
    one_sided = sum(r["verdict"] in VERDICTS[:2] for r in blind)
    return (f"{line}, {len(blind)} of them blind (the answer on the left preferred {left}×, "
            f"on the right {one_sided - left}×)")
