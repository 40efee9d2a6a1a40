"""A batch row's *This question in the saved runs*: the experiment shown, as every saved run that
asked it answered it (workbench.experiment_runs), a row per run; selecting one opens that run at
this experiment (bound in ui.compare, which opens runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from workbench.blind import is_blind_pending
from workbench.experiment_runs import RUNS_COLUMNS, experiment_runs

SHOWN = " (shown)"  # after the name of the run shown above, in the table
WIDTHS = {"run": "125px", "answered (UTC)": "105px", "models": "165px", "parameters": "110px", "A": "210px",
          "B": "210px", "differ on": "95px", "verdict": "85px", "model verdict": "85px"}  # in view at 1440 px


def build_experiment_runs() -> dict[str, Any]:
    """Lays out the accordion (folded); returns its parts (`box`, `note`, `table`)."""
    with gr.Accordion("This question in the saved runs (select one to open it there)", open=False,
                      elem_id="batch-elsewhere") as box:
        note = gr.Markdown(elem_id="batch-elsewhere-note")
        table = gr.Dataframe(headers=RUNS_COLUMNS, interactive=False, wrap=True, max_height=320,
                             column_widths=[WIDTHS[c] for c in RUNS_COLUMNS], pinned_columns=1,
                             show_label=False, elem_id="batch-elsewhere-table")
    return {"box": box, "note": note, "table": table}


def experiment_runs_view(folder: Path, rec: dict[str, Any], run: str, judge: str | None) -> tuple[str, pd.DataFrame]:
    """The line above the table and the table, for `rec` shown from run `run` (to `judge`, whose
    verdicts the table shows). A blind comparison shows nothing until judged: the table names the
    systems."""
    empty = pd.DataFrame(columns=RUNS_COLUMNS)
    if is_blind_pending(rec):
        return "Shown once your verdict is given: it names which system said what.", empty
    rows = experiment_runs(folder, rec, judge)
    for row in rows:
        if row["run"] == run:
            row["run"] += SHOWN
    others = sum(not row["run"].endswith(SHOWN) for row in rows)
    if not others:
        return (f"No other saved run asked `{rec['experiment_id']}` (the same id with the same words); runs of "
                "this question under other parameters or another model will be listed here."), \
            pd.DataFrame(rows, columns=RUNS_COLUMNS)
    said = (f"**{others} other saved run{'s' if others != 1 else ''}** asked `{rec['experiment_id']}` with the same "
            "words, the latest first: what each system did there (its answer's language, checks, whether it was cut "
            "off, its time), what the two answers differed on, your verdict and the judge model's. Select a run to "
            "open it at this experiment.")
    return said, pd.DataFrame(rows, columns=RUNS_COLUMNS)


def picked_run(evt: gr.SelectData) -> str | None:
    """The run of the row selected, None for the run shown (open already)."""
    name = str((evt.row_value or [""])[0] or "")
    return None if not name or name.endswith(SHOWN) else name
