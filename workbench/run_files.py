"""A batch run's results from a file: the JSONL a run writes, or the CSV the Batch tab downloads.

A colleague's run (or a nightly job's on another machine) arrives as a file; the Batch tab saves
it as one of its runs, so that it is opened, judged and set against another run as a run made
here is. The JSONL is the records themselves. The CSV (one row per experiment and system,
workbench.summary.flat_rows) is read back into records: everything it holds comes back, and the
table, summary, charts and *How they differ* show what they showed. Its `expect` column (the
experiments' checks as written) scores each answer again as it was scored; a CSV written before
it had one gives back the checks' results without the names of the passed ones.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from workbench.batch_store import latest_records, read_records, run_file, safe_run_name, was_removed
from workbench.checks import ExpectError, apply_checks, parse_expect
from workbench.compare import SYSTEMS
from workbench.confidence import is_reading
from workbench.export import read_saved, typed_row, write_jsonl
from workbench.summary import LABEL

CSV_REQUIRED = ["experiment_id", "system", "query", "response"]
_NUMBERS = {"latency_ms": float, "ttft_ms": float, "tokens_per_s": float, "reasoning_tokens": int,
            "content_tokens": int, "reasoning_share": float, "cache_hit_tokens": int, "compute_s": float,
            "cost_usd": float, "route_confidence": float, "checks_passed": int, "checks_total": int,
            "sure_share": float}
_BOOLS = ("refusal", "truncated_in_reasoning")
_FAILED_CHECK = re.compile(r"(.*?) \((.*)\)")  # "answer in fr (the answer is in en)", as checks.failures words it
PASSED_CHECK = "a check it passed (its name is not in the CSV)"
MAX_CHECKS = 1000  # an experiment's checks, far more than any `expect` holds
_EXTRAS = ("prompt_cache_hit_tokens", "compute_s", "cost_usd", "not_applied")  # in a result only when known


def read_run_file(path: Path | str) -> list[dict[str, Any]]:
    """The comparison records of a run's results file (.jsonl, .csv or the .xlsx workbook the Batch
    tab downloads), latest per experiment.
    ValueError says what is wrong with a file that is not one."""
    path = Path(path)
    if path.suffix.lower() in (".csv", ".xlsx"):  # a workbook: the CSV's rows on its first sheet
        return records_from_rows(read_saved(path, CSV_REQUIRED, "Compare tab's Batch", "results", _NUMBERS))
    if path.suffix.lower() not in (".jsonl", ".json"):
        raise ValueError("open a run's .jsonl, or the .csv or Excel workbook the Batch tab downloads")
    try:  # the app's own files skip a damaged line; a file given to it is refused whole
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the file is not UTF-8 text") from None
    latest = latest_records(path)
    answered = [r for r in latest if r.get("query") and any(isinstance(r.get(name), dict) for name in SYSTEMS.values())]
    if not answered:  # read again only to say what the file holds instead
        questions = any(isinstance(r, dict) and r.get("query") for r in read_records(path))
        raise ValueError("it holds questions, not answers: give it as the experiments of a run to ask them"
                         if questions else "it holds no comparison (each line a run's record, with its answers)")
    return answered


def _json_cell(value: str | None, line: int, column: str) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        raise ValueError(f"row {line}: {column} is not JSON") from None


def _object_cell(value: str | None, line: int, column: str) -> dict[str, Any] | None:
    """A cell that holds a JSON object (a transaction, the parameters), or nothing."""
    parsed = _json_cell(value, line, column)
    if parsed is not None and not isinstance(parsed, dict):
        raise ValueError(f"row {line}: {column} is not a JSON object")
    return parsed


def _checks(row: dict[str, Any]) -> list[dict[str, Any]] | None:
    """An answer's check results as far as the CSV gives them: the failed ones by name and what
    the answer did, the passed ones counted."""
    total, passed = row.get("checks_total"), row.get("checks_passed") or 0
    if not total:
        return None
    if not 0 <= passed <= total <= MAX_CHECKS:  # a hand edit: a list of that many would fill the memory
        raise ValueError(f"row {row['_line']}: checks_passed {passed} of checks_total {total} (at most "
                         f"{MAX_CHECKS} checks, and no more passed than there are)")
    failed_texts = (row.get("checks_failed") or "").split("; ") if row.get("checks_failed") else []
    if len(failed_texts) != total - passed:  # a "; " inside a check's own words: keep the text whole
        failed_texts = [row.get("checks_failed") or "a check it failed"] * (total - passed)
    failed = [{"check": m[1], "passed": False, "why": m[2]} if (m := _FAILED_CHECK.fullmatch(text))
              else {"check": text, "passed": False, "why": ""} for text in failed_texts]
    return [{"check": PASSED_CHECK, "passed": True, "why": None}] * passed + failed


def _result(row: dict[str, Any]) -> dict[str, Any]:
    """One system's stored result from its CSV row."""
    metadata = {
        "model_id": row.get("model_id"), "finish_reason": row.get("finish_reason"),
        "reasoning_tokens": row.get("reasoning_tokens") or 0, "content_tokens": row.get("content_tokens") or 0,
        "tokens_per_s": row.get("tokens_per_s"), "reasoning_share": row.get("reasoning_share"),
        "truncated_in_reasoning": bool(row.get("truncated_in_reasoning")),
        "error": row.get("error"), "error_kind": row.get("error_kind"),
        "prompt_cache_hit_tokens": row.get("cache_hit_tokens"), "compute_s": row.get("compute_s"),
        "cost_usd": row.get("cost_usd"),
        "not_applied": row["params_not_applied"].split(", ") if row.get("params_not_applied") else None,
    }
    out = {"response": row.get("response") or "", "reasoning": row.get("reasoning") or "",
           "latency_ms": row.get("latency_ms"), "ttft_ms": row.get("ttft_ms"), "refusal": bool(row.get("refusal")),
           "reasoning_lang": row.get("reasoning_lang"), "answer_lang": row.get("answer_lang"),
           "metadata": {k: v for k, v in metadata.items() if v is not None or k not in _EXTRAS}}
    if row.get("route"):
        out.update(route=row["route"], route_confidence=row.get("route_confidence"),
                   route_reasons=row["route_reasons"].split("; ") if row.get("route_reasons") else [],
                   handling_mode=row.get("handling_mode"))
    if checks := _checks(row):
        out["checks"] = checks
    if row.get("confidence"):  # the answer read back (workbench.confidence)
        out["confidence"] = _json_cell(row["confidence"], row["_line"], "confidence")
        if not is_reading(out["confidence"]):
            raise ValueError(f"row {row['_line']}: confidence is not an answer's reading "
                             '({"sure_share": 0.9, "unsure_figures": [...]})')
    return out


def records_from_rows(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Comparison records from a batch CSV's rows (read_csv's text cells): one per experiment, in
    the file's order, each system's result from its row. ValueError names a row that is wrong."""
    systems = {label: name for name, label in LABEL.items()}
    records: dict[str, dict[str, Any]] = {}
    for line, text_row in enumerate(rows, 2):  # row 1 is the header
        row = typed_row(text_row, line, _BOOLS, _NUMBERS)
        if not row.get("experiment_id") or not row.get("query"):
            raise ValueError(f"row {line}: no experiment_id or query")
        if row.get("system") not in systems:
            raise ValueError(f"row {line}: system is {row.get('system')!r}, not A or B")
        rec = records.setdefault(row["experiment_id"], {
            "experiment_id": row["experiment_id"], "timestamp": row.get("timestamp"), "query": row["query"],
            "transaction": _object_cell(row.get("transaction"), line, "transaction"), "lang": row.get("lang"),
            "expected_route": row.get("expected_route"), "category": row.get("category"),
            "expect": _expect_cell(row.get("expect"), line), "reference": row.get("reference") or None,
            "params": _object_cell(row.get("params"), line, "params"), "system_a": None, "system_b": None})
        if row.get("rescored_at"):  # checks written knowing the answers stay said to be
            rec["rescored_at"] = row["rescored_at"]
        if row.get("system_prompt"):  # the instructions both systems were given
            rec["system_prompt"] = row["system_prompt"]
        rec[systems[row["system"]]] = _result({**row, "_line": line})
    if not records:
        raise ValueError("the file has no results")
    # checks written with the run: scored again, as they were (names of the passed ones included)
    return [apply_checks(rec) if rec["expect"] else rec for rec in records.values()]


def _expect_cell(value: str | None, line: int) -> dict[str, Any] | None:
    try:
        return parse_expect(_json_cell(value, line, "expect"))
    except ExpectError as exc:
        raise ValueError(f"row {line}: expect: {exc}") from None


def save_as_run(records: list[dict[str, Any]], folder: Path, wanted: str) -> tuple[str, bool]:
    """Save `records` as a batch run in `folder` under `wanted` (made safe), or under `wanted-2`,
    `-3`… when a run already has that name; a run that holds these very records is not saved
    twice. Returns the run's name and whether it was there already."""
    base = safe_run_name(wanted, "uploaded")
    for n in range(1, 1000):
        name = base if n == 1 else f"{base[:56]}-{n}"
        path = run_file(folder, name)
        if not path.exists() and not was_removed(path):  # a removed run's verdicts stay under its name
            folder.mkdir(parents=True, exist_ok=True)
            write_jsonl(records, path)
            return name, False
        if latest_records(path) == records:
            return name, True
    raise ValueError(f"too many runs are named {base}: rename the file")
