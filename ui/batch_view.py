"""The results of a batch (table, summary, routes, charts, CSV), for a run as it ends and for a
saved run opened again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from ui.common import ANSWER_CELL, QUESTION_CELL, cell_text, download_path
from workbench import charts
from workbench.batch_run import BatchProgress
from workbench.batch_store import safe_run_name, saved_runs
from workbench.checks import checks_cell
from workbench.differences import differ_on
from workbench.experiments import experiment_file
from workbench.export import write_csv
from workbench.report import findings
from workbench.run_changes import CHANGE_COLUMNS
from workbench.run_csv import with_verdicts, write_run_workbook
from workbench.runs_against import set_against
from workbench.summary import (
    SUMMARY_HEADERS,
    flat_rows,
    summarize,
    summary_table,
)

TABLE_COLUMNS = ["experiment_id", "system", "route", "refusal", "risk_level", "checks", "unsure_figures", "differ_on",
                 "verdict", "model_verdict", "reasoning_lang", "answer_lang", "latency_ms", "ttft_ms", "tokens_per_s",
                 "finish_reason", "error_kind", "query", "response"]
TABLE_HEADERS = ["experiment", "system", "route", "refusal", "risk", "checks", "unsure figures", "differ on", "verdict",
                 "model verdict", "reasoning lang", "answer lang", "latency ms", "TTFT ms", "tok/s", "finish", "error",
                 "query", "response"]  # the CSV: column names
TABLE_WIDTHS = ["240px", "75px", "155px", "80px", "70px", "90px", "120px", "120px", "90px", "90px", "100px", "85px",
                "90px", "80px", "70px", "75px", "110px", "260px", "380px"]


def table_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """flat_rows as the table shows them: `checks` as "2 of 3" (the CSV has the two numbers), what
    the two answers differ on, the query and the answer cut short (a row's details show them in
    full, and the CSV holds them)."""
    return [{**r, "checks": checks_cell(r), "differ_on": row_differ_on(r),
             "query": cell_text(r.get("query"), QUESTION_CELL), "response": cell_text(r.get("response"), ANSWER_CELL)}
            for r in flat_rows(records)]


def row_differ_on(row: dict[str, Any]) -> str | None:
    """differ_on of a flat row (its `disagree_on`, `figures_apart` and `references_apart`, worked
    out once per experiment by flat_rows)."""
    return differ_on(row["disagree_on"].split(", ") if row.get("disagree_on") else [], row.get("figures_apart"),
                     row.get("references_apart"))


def results_frame(records: list[dict[str, Any]], verdicts: dict[str, dict] | None = None) -> pd.DataFrame:
    """One row per experiment and system, with the table's headers (and the run's verdicts)."""
    rows = table_rows(with_verdicts(records, verdicts))
    return pd.DataFrame(rows, columns=TABLE_COLUMNS).set_axis(TABLE_HEADERS, axis=1)


def results_view(records: list[dict[str, Any]], name: str, verdicts: dict[str, dict] | None = None) -> tuple:
    """Table, summary, routes line, the three charts and the CSV and Excel downloads of a run's records (with
    the verdicts given on its experiments, as with_verdicts takes them)."""
    records = with_verdicts(records, verdicts)
    rows = flat_rows(records)
    summ = summarize(records)
    return (results_frame(records),
            pd.DataFrame(summary_table(summ, against=True), columns=SUMMARY_HEADERS),
            findings(records, summ), *charts.run_figures(rows, summ), *downloads_of(rows, summ, name))


def run_downloads(records: list[dict[str, Any]], name: str, verdicts: dict[str, dict] | None = None) -> tuple:
    """The *Download CSV* and *Download as Excel* buttons with a run's rows (and verdicts) written
    for them (the workbook with the run's summary on a second sheet)."""
    judged = with_verdicts(records, verdicts)
    return downloads_of(flat_rows(judged), summarize(judged), name)


def downloads_of(rows: list[dict[str, Any]], summary: dict[str, Any], name: str) -> tuple:
    """run_downloads from the rows (flat_rows) and summary (summarize) of a run its caller has read
    already."""
    path, book = download_path(name), download_path(name, ".xlsx")
    write_csv(rows, path, bom=True)
    write_run_workbook(rows, summary, book)
    return gr.update(value=str(path), visible=True), gr.update(value=str(book), visible=True)


def questions_download(records: list[dict[str, Any]], stem: str, by_question: bool = True) -> Any:
    """A download button with the questions of `records` as an experiment file (JSONL, with their
    transactions, checks and reference answers; each question once, or `by_question` False each
    experiment) to run again as a batch; hidden when there are none."""
    text, _ = experiment_file(records, by_question)
    if not text:
        return gr.update(visible=False)
    path = download_path(f"{stem}-questions", ".jsonl")
    path.write_text(text, encoding="utf-8")
    return gr.update(value=str(path), visible=True)


def runs_against(folder: Path, current: str | None, other: str | None) -> tuple[str, pd.DataFrame, Any, Any]:
    """The run named in the run box against another saved run: a heading with what changed, both
    runs' summaries over the experiments they share, the answers that changed from the other run
    (before) to this one (after), experiment by experiment, and those as a CSV to download
    (their questions whole; none when nothing changed). ValueError says what is missing."""
    names = (safe_run_name(current, ""), safe_run_name(other, ""))
    if not all(names):
        raise ValueError("Open or run a batch first, then choose the run to set it against.")
    if names[0] == names[1]:
        raise ValueError(f"That is the run {names[0]!r} itself: choose another one.")
    found = set_against(folder, names)
    head = f"**Run `{names[0]}` against run `{names[1]}`**\n\n" + "\n".join(f"- {x}" for x in found.lines)
    changed = [{**row, "query": cell_text(row["query"], QUESTION_CELL)} for row in found.changes]
    changes = gr.update(value=pd.DataFrame(changed, columns=CHANGE_COLUMNS).set_axis(found.change_columns, axis=1),
                        label=f"What changed from {names[1]} to {names[0]}, experiment by experiment "
                        f"({len(changed)} change{'s' if len(changed) != 1 else ''})")
    csv = gr.update(visible=False)
    if found.changes:
        path = download_path(f"changes-{names[1]}-to-{names[0]}")
        write_csv(found.named_changes(), path, bom=True)
        csv = gr.update(value=str(path), visible=True)
    return head, pd.DataFrame(found.summary, columns=found.columns), changes, csv


def saved_run_choices(folder: Path) -> list[tuple[str, str]]:
    """(label, run name) of the saved runs, the latest first, for a dropdown."""
    return [(f"{r.name} · {r.experiments} experiment{'s' if r.experiments != 1 else ''} · "
             f"{r.modified:%Y-%m-%d %H:%M} UTC", r.name) for r in saved_runs(folder)]


def progress_md(prog: BatchProgress, state: str, failed: dict[str, int] | None = None) -> str:
    """The batch's progress line: a bar, what a resumed run took from the earlier one, and at the
    end how many answers failed per system (`failed`), which running the batch again retries."""
    width = 30
    filled = int(width * prog.done / prog.total) if prog.total else width
    extra = f" · {prog.skipped} already done earlier (resumed)" if prog.skipped else ""
    if prog.retried:
        extra += f" · {prog.retried} run again for a system that failed or was not asked"
    if prog.rescored:
        extra += f" · {prog.rescored} scored again under edited checks or reference answers (not asked again)"
    line = (f"**{state}** — {prog.done}/{prog.total} experiments `{'█' * filled}{'░' * (width - filled)}` "
            f"{prog.elapsed_s:.0f} s{extra}")
    if failed := {key: n for key, n in (failed or {}).items() if n}:
        counts = ", ".join(f"System {key}: {n}" for key, n in sorted(failed.items()))
        line += (f"\n\n{sum(failed.values())} answers failed ({counts}); *Run batch* again with "
                 "the same run name asks those systems again and keeps the answers that worked.")
    return line
