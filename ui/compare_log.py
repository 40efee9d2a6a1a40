"""The Compare tab's log of single comparisons: a table of the ones run in this browser (kept
across reloads), their CSV and workbook, and any of them shown again in the columns above."""

from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

from ui.batch_view import TABLE_COLUMNS, TABLE_HEADERS, TABLE_WIDTHS, downloads_of, questions_download, table_rows
from ui.common import json_box
from ui.compare_view import column_frame, shown_record
from ui.judging import verdict_prompt
from workbench.blind import is_blind_pending
from workbench.history import find, remember, restored
from workbench.summary import flat_rows, summarize

STORAGE_KEY = "finance-llm-workbench-comparisons"
LOG_EMPTY = ("No comparison run in this browser yet: each one you run above is listed here, newest "
             "first, with its verdict, to show again, download (CSV, Excel) or run again as a batch.")
# the batch table's columns, with the query after the id (it says which comparison a row is) and
# the verdict after the system
_FRONT = {"experiment_id": ("experiment", "190px"), "query": ("query", "260px"), "system": ("system", "75px"),
          "verdict": ("verdict", "90px")}
# (unsure figures: System A's where its provider lent its probabilities; System B's answer is read
# back on demand in the panel above, not kept)
_REST = [(c, h, w) for c, h, w in zip(TABLE_COLUMNS, TABLE_HEADERS, TABLE_WIDTHS, strict=True) if c not in _FRONT]
LOG_COLUMNS = [*_FRONT, *(c for c, _, _ in _REST)]
LOG_HEADERS = [*(h for h, _ in _FRONT.values()), *(h for _, h, _ in _REST)]
LOG_WIDTHS = [*(w for _, w in _FRONT.values()), *(w for _, _, w in _REST)]


def browser_log(secret: str | None) -> gr.BrowserState:
    """Where the browser keeps the log (encrypted with `secret`: ui.common.browser_secret). Made
    at the top of the page, outside the tabs: in a tab not yet opened it would not be read back
    from the browser's storage when the page loads."""
    return gr.BrowserState([], storage_key=STORAGE_KEY, secret=secret)


def log_view(history: list[dict[str, Any]]) -> tuple[Any, ...]:
    """The line saying the list is empty (shown only then), the list's area (shown once it has a
    comparison), the table (newest first, one row per comparison and system), the CSV and Excel
    downloads (in the batch's columns, so either opens as a run), and the comparisons' questions
    as an experiment file to run as a batch (JSONL download)."""
    rows = flat_rows(history)  # oldest first, as the CSV keeps them
    age = {rec["experiment_id"]: n for n, rec in enumerate(history)}
    newest_first = sorted(table_rows(history), key=lambda r: -age[r["experiment_id"]])  # stable: A before B
    table = pd.DataFrame(newest_first, columns=LOG_COLUMNS).set_axis(LOG_HEADERS, axis=1)
    shown = gr.update(visible=not history), gr.update(visible=bool(history))
    if not history:
        return *shown, table, *[gr.update(visible=False)] * 3
    return *shown, table, *downloads_of(rows, summarize(history), "comparisons"), questions_download(history, "my")


def remembered(rec: dict[str, Any] | None, history: list[dict[str, Any]]) -> tuple:
    """The log with the comparison just shown (or just judged) in it; a blind one once judged (its
    route and figures in the table would name its systems)."""
    if not rec or is_blind_pending(rec):
        return (gr.skip(),) * 7
    history = remember(history, rec)
    return history, *log_view(history)


def restored_log(data: Any) -> tuple:
    """The log this browser kept, after a reload."""
    history = restored(data)
    return history, *log_view(history)


def cleared() -> tuple:
    return [], *log_view([])


def shown_again(history: list[dict[str, Any]], evt: gr.SelectData) -> Any:
    """A comparison of the log back in the Single tab: its query, transaction, checks, reference
    answer and system prompt in the inputs, both systems' columns under their names, how they
    differ, and the verdict buttons acting on it."""
    rec = find(history, (evt.row_value or [None])[0])
    if rec is None:  # the list changed under the click
        return gr.skip()  # every output left as it is
    columns, differ = shown_record(rec)
    return (rec["query"], json_box(rec.get("transaction")), json_box(rec.get("expect")), rec.get("reference") or "",
            rec.get("system_prompt") or "", *columns, differ, rec, verdict_prompt(rec), *column_frame(False))
