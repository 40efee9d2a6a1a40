"""The Batch tab's *Every saved run at a glance*: a row per saved run (workbench.runs_overview),
its CSV, and a selected row's run opened below (bound in ui.compare, which shows runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from ui.common import download_path, shares_shown
from workbench.export import write_csv
from workbench.runs_overview import OVERVIEW_COLUMNS, runs_overview

WIDE = {"run": "170px", "written (UTC)": "140px", "model A": "150px", "model B": "150px", "system prompt": "200px",
        "B preferred 95% interval": "120px", "judge model": "150px"}


def overview_cells(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The overview as the table shows it: fractions as percentages (the CSV keeps fractions)."""
    return shares_shown(rows, OVERVIEW_COLUMNS)


def overview_view(results_dir: Path) -> tuple[Any, Any, str]:
    """The table, its CSV download and the line above it, as the results folder stands now."""
    rows = runs_overview(results_dir)
    if not rows:
        return (overview_cells([]), gr.update(visible=False),
                "No saved run yet: a batch is saved as it runs, under its run name.")
    path = download_path("runs")
    write_csv(rows, path, bom=True)
    judged = sum(bool(r["verdicts"]) for r in rows)
    line = (f"{len(rows)} saved run{'s' if len(rows) != 1 else ''}, the latest first, {judged} of them judged. "
            "Each system's figures are those of the run's summary (failed answers left out); *B preferred* "
            "counts the verdicts that chose a system (every analyst's), with its 95% interval; the judge model's "
            "(*Judge with a model*) are counted apart. Select a row to open that run below.")
    return overview_cells(rows), gr.update(value=str(path), visible=True), line


def build_runs_overview() -> dict[str, Any]:
    """Lays out the accordion; returns its parts (`box`, `table`, `download`, `note`)."""
    with gr.Accordion("Every saved run at a glance (select one to open it)", open=False,
                      elem_id="batch-overview") as box:
        note = gr.Markdown(elem_id="batch-overview-note")
        table = gr.Dataframe(headers=OVERVIEW_COLUMNS, interactive=False, wrap=True, max_height=360,
                             column_widths=[WIDE.get(c, "120px") for c in OVERVIEW_COLUMNS], pinned_columns=1,
                             show_search="filter", show_label=False, elem_id="batch-overview-table")
        download = gr.DownloadButton("Download this table (CSV)", visible=False, size="sm",
                                     elem_id="batch-overview-download")
    return {"box": box, "table": table, "download": download, "note": note}
