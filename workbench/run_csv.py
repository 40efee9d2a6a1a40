"""A batch run's rows with the verdicts given on them, as the Batch tab's table, CSV and Excel
workbook show them and `GET /api/runs/{name}/csv` serves them: an analyst's own verdicts and
notes, and the judge models' verdicts of the run."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from workbench.export import columns_of, csv_text
from workbench.model_judge import model_columns, model_verdicts, model_verdicts_file
from workbench.summary import SUMMARY_HEADERS, flat_rows, summarize, summary_table
from workbench.verdicts import run_verdicts, verdicts_file
from workbench.workbook import write_workbook

VERDICT_FIELDS = ("verdict", "verdict_note", "model_verdict", "model_verdict_note", "model_judge")


def with_verdicts(records: list[dict[str, Any]], verdicts: dict[str, dict] | None) -> list[dict[str, Any]]:
    """A run's records with the verdicts given on them (table_verdicts, or
    workbench.verdicts.run_verdicts: experiment id -> judged record) — the analyst's verdict and
    note, the judge model's — to show and export."""
    judged = verdicts or {}
    return [{**r, **{k: v for k, v in judged[r["experiment_id"]].items() if k in VERDICT_FIELDS}}
            if r["experiment_id"] in judged else r for r in records]


def verdict_columns(mine: dict[str, dict], models: list[dict[str, Any]]) -> dict[str, dict]:
    """What a run's table and CSV show of its verdicts: an analyst's own (`mine`, by_experiment of
    their verdicts) and the judge model's (`models`: the run's model_verdicts, as
    workbench.model_judge.model_columns shows them)."""
    out = {k: {"verdict": r["verdict"], "verdict_note": r.get("verdict_note")} for k, r in mine.items()}
    for exp_id, columns in model_columns(models).items():
        out.setdefault(exp_id, {}).update(columns)
    return out


def table_verdicts(folder: Path, run: str, mine: dict[str, dict]) -> dict[str, dict]:
    """verdict_columns, with the run's model verdicts read from the results `folder`."""
    return verdict_columns(mine, model_verdicts(model_verdicts_file(folder), run))


def judged_records(folder: Path, run: str, records: list[dict[str, Any]], judge: str | None) -> list[dict[str, Any]]:
    """A run's records as the Batch tab downloads them for `judge` (an analyst's name; None: the
    verdicts given without a sign-in): with that analyst's verdicts and the judge models'."""
    mine = run_verdicts(verdicts_file(folder), run, judge)
    return with_verdicts(records, table_verdicts(folder, run, mine))


def run_csv_text(folder: Path, run: str, records: list[dict[str, Any]], judge: str | None) -> str:
    """A run's CSV, as the Batch tab downloads it for `judge` (judged_records): a row per
    experiment and system."""
    return csv_text(flat_rows(judged_records(folder, run, records, judge)), bom=True)


def run_workbook_bytes(folder: Path, run: str, records: list[dict[str, Any]], judge: str | None) -> bytes:
    """A run's Excel workbook, as the Batch tab downloads it for `judge` (write_run_workbook)."""
    judged = judged_records(folder, run, records, judge)
    out = io.BytesIO()
    write_run_workbook(flat_rows(judged), summarize(judged), out)
    return out.getvalue()


def write_run_workbook(rows: list[dict[str, Any]], summary: dict[str, Any], path: Path | str | io.BytesIO) -> None:
    """A run as an Excel workbook: its CSV's rows (flat_rows of its records, with their verdicts as
    with_verdicts gives them) on the sheet *results*, its summary (summarize of the same records) as
    the Batch tab shows it on *summary*. The caller has both already: neither is read twice."""
    table = [dict(zip(SUMMARY_HEADERS, row, strict=False)) for row in summary_table(summary, against=True)]
    write_workbook([("results", columns_of(rows), rows), ("summary", SUMMARY_HEADERS, table)], path)
