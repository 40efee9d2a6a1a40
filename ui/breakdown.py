"""The Batch tab's breakdown: the shown run's figures per category, expected route, question
language or route taken (workbench.breakdown), with its CSV."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.common import download_path, shares_shown
from workbench.breakdown import GROUPINGS, breakdown, breakdown_columns
from workbench.export import write_csv

FIRST = "category"


def build_breakdown() -> dict[str, Any]:
    """Lays out the grouping picker, the table and its download; returns them (`by`, `table`,
    `download`)."""
    with gr.Row():
        by = gr.Dropdown(list(GROUPINGS), value=FIRST, label="Break the figures down by", scale=3,
                         elem_id="batch-by")
        download = gr.DownloadButton("Download this breakdown (CSV)", visible=False, size="sm", scale=1,
                                     elem_id="batch-by-download")
    columns = breakdown_columns(FIRST)
    table = gr.Dataframe(headers=columns, interactive=False, wrap=True, max_height=420, pinned_columns=1,
                         column_widths=["170px", *["120px"] * (len(columns) - 1)], show_label=False,
                         elem_id="batch-breakdown")
    return {"by": by, "table": table, "download": download}


def breakdown_view(records: dict[str, dict[str, Any]] | None, by: str, run: str = "") -> tuple[Any, Any]:
    """The table and the CSV download of the shown run (`records`: experiment id -> record)
    broken down by `by`; empty, without a download, when no run is shown."""
    if by not in GROUPINGS:
        raise gr.Error(f"Choose a breakdown among: {', '.join(GROUPINGS)}.")
    columns = breakdown_columns(by)
    rows = breakdown(list((records or {}).values()), by) if records else []
    if not rows:
        return shares_shown([], columns), gr.update(visible=False)
    path = download_path(f"{run or 'run'}-by-{by.replace(' ', '-')}")
    write_csv(rows, path, bom=True)
    return shares_shown(rows, columns), gr.update(value=str(path), visible=True)
