"""*This question in the saved runs*, under a batch row's details (the experiment shown, as every
saved run that asked it answered it) and under Single (the question compared, under whatever id
a run asked it): a row per run (workbench.experiment_runs); selecting one opens that run at that
experiment (bound in ui.compare, which opens runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from workbench.blind import is_blind_pending
from workbench.experiment_runs import QUESTION_COLUMNS, RUNS_COLUMNS, experiment_runs, question_runs

SHOWN = " (shown)"  # after the name of the run shown above, in the table
WIDTHS = {"run": "125px", "experiment": "120px", "answered (UTC)": "105px", "models": "165px", "parameters": "110px",
          "A": "210px", "B": "210px", "differ on": "95px", "verdict": "85px", "model verdict": "85px"}  # 1440 px
LABEL = "This question in the saved runs (select one to open it there)"


def build_experiment_runs(elem_id: str = "batch-elsewhere", columns: list[str] = RUNS_COLUMNS) -> dict[str, Any]:
    """Lays out the accordion (folded); returns its parts (`box`, `note`, `table`)."""
    with gr.Accordion(LABEL, open=False, elem_id=elem_id) as box:
        note = gr.Markdown(elem_id=f"{elem_id}-note")
        table = gr.Dataframe(headers=columns, interactive=False, wrap=True, max_height=320,
                             column_widths=[WIDTHS[c] for c in columns], pinned_columns=1,
                             show_label=False, elem_id=f"{elem_id}-table")
    return {"box": box, "note": note, "table": table}


BLIND_WAIT = "Shown once your verdict is given: it names which system said what."


def experiment_runs_view(folder: Path, rec: dict[str, Any], run: str, judge: str | None) -> tuple[str, pd.DataFrame]:
    """The line above the table and the table, for `rec` shown from run `run` (to `judge`, whose
    verdicts the table shows). A blind comparison shows nothing until judged: the table names the
    systems."""
    empty = pd.DataFrame(columns=RUNS_COLUMNS)
    if is_blind_pending(rec):
        return BLIND_WAIT, empty
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


def question_runs_view(folder: Path, rec: dict[str, Any] | None, judge: str | None) -> tuple[str, pd.DataFrame]:
    """Single's table: the saved runs that asked the question of the comparison shown (`rec`,
    None before one), under whatever id, to `judge`."""
    empty = pd.DataFrame(columns=QUESTION_COLUMNS)
    if not rec:
        return "", empty
    if is_blind_pending(rec):
        return BLIND_WAIT, empty
    rows = question_runs(folder, rec.get("query"), judge)
    if not rows:
        return "No saved batch run asked this question (the same words).", empty
    runs = len({row["run"] for row in rows})
    said = (f"**{runs} saved run{'s' if runs != 1 else ''}** asked this question (the same words), the latest "
            "first: what each system did there, what the two answers differed on, your verdict and the judge "
            "model's. Select one to open that run at that experiment under *Batch*.")
    return said, pd.DataFrame(rows, columns=QUESTION_COLUMNS)


def picked_question(evt: gr.SelectData) -> tuple[str, str]:
    """The run and experiment of the row selected in Single's table."""
    row = [*(evt.row_value or []), "", ""]
    return str(row[0] or ""), str(row[1] or "")
