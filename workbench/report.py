"""A batch run written up as one Markdown file, for someone who will not open the app (a manager,
a model-risk reviewer): what was asked and with which settings, the summary per system, the
figures per category, what the Batch tab says under the table (routes, refusals, checks) and the
verdicts — the analysts' and the judge models' — then the experiments where the answers disagree,
each with how they differ. Any Markdown viewer (GitHub, an IDE, a wiki) shows it as tables."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from workbench.breakdown import breakdown, breakdown_columns
from workbench.compare import SYSTEMS, still_to_run
from workbench.differences import differences, disagreements
from workbench.safety import safe_markdown
from workbench.summary import percent_rows, summarize, summary_table

SHOWN_DISAGREEMENTS = 50  # experiments listed under "Where the answers disagree"


def _cell(value: Any) -> str:
    """A table cell: text on one line, its pipes escaped; an empty cell for nothing."""
    if value is None:
        return ""
    return " ".join(safe_markdown(str(value)).split()).replace("|", "\\|")


def markdown_table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown (GFM) table."""
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _models(records: list[dict[str, Any]], key: str) -> str:
    """The models a system's answers came from, as the records say."""
    seen = sorted({str(res["metadata"].get("model_id")) for rec in records
                   if (res := rec.get(SYSTEMS[key])) and res.get("metadata", {}).get("model_id")})
    return ", ".join(f"`{m}`" for m in seen) or "—"


def run_report(name: str, records: list[dict[str, Any]], findings: str = "", verdicts: str = "",
               written: datetime | None = None) -> str:
    """Run `name` (its `records`) in Markdown; `findings` and `verdicts` are the Batch tab's lines
    under the table and its tally, as shown (Markdown)."""
    written = written or datetime.now(timezone.utc)
    answered = {key: sum(not still_to_run(rec, (key,)) for rec in records) for key in SYSTEMS}
    params = next((rec["params"] for rec in records if rec.get("params")), None)
    parts = [f"# Batch run `{name}`",
             f"*Finance LLM Workbench report, written {written:%Y-%m-%d %H:%M} UTC.*",
             "\n".join([
                 f"- **Experiments:** {len(records)} (System A answered {answered['A']}, System B answered "
                 f"{answered['B']})",
                 f"- **System A:** {_models(records, 'A')} · **System B:** {_models(records, 'B')}",
                 "- **Generation parameters (both systems):** "
                 + (f"`{json.dumps(params, ensure_ascii=False)}`" if params else "not recorded")]),
             "## Summary per system",
             markdown_table(["metric", "System A", "System B"], summary_table(summarize(records)))]
    if any(rec.get("category") for rec in records):
        columns = breakdown_columns("category")
        rows = percent_rows(breakdown(records, "category"))
        parts += ["## By category", markdown_table(columns, [[row.get(c) for c in columns] for row in rows])]
    if findings.strip():
        parts += ["## Routes, refusals and checks", findings.strip()]
    if verdicts.strip():
        parts += ["## Verdicts", verdicts.strip()]
    disagreeing = [rec for rec in records if disagreements(rec)]
    if disagreeing:
        listed = [f"- `{rec['experiment_id']}` — {safe_markdown(' '.join(rec['query'].split())[:160])}\n"
                  + "\n".join(f"  - {line}" for line in differences(rec)) for rec in disagreeing[:SHOWN_DISAGREEMENTS]]
        more = len(disagreeing) - SHOWN_DISAGREEMENTS
        count = f"{len(disagreeing)} experiment{'s' if len(disagreeing) != 1 else ''}"
        parts += [f"## Where the answers disagree ({count})", "\n".join(listed)
                  + (f"\n\n… and {more} more (the run's CSV has them all: `disagree_on`)." if more > 0 else "")]
    return "\n\n".join(parts) + "\n"
