"""Load experiment sets from JSONL or CSV, with limits and errors that name the bad rows."""

from __future__ import annotations

import csv
import difflib
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from workbench.checks import ExpectError, is_number, parse_expect
from workbench.compare import Experiment
from workbench.differences import question_language
from workbench.export import delimiter_of
from workbench.language import SUPPORTED
from workbench.textfile import NotText, decode_text
from workbench.transactions import TransactionError, parse_transaction
from workbench.workbook import workbook_rows

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "assets" / "experiments.jsonl"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_QUERY_CHARS = 8000
MAX_REFERENCE_CHARS = 4000  # a reference answer: what a right answer says, for the model judge
MAX_SYSTEM_PROMPT_CHARS = 8000  # instructions both systems are given before the question
COLUMNS = {"id", "query", "transaction", "lang", "expected_route", "category", "expect", "reference",
           "system_prompt"}
ROUTES = {"transaction_risk", "mixed_intent", "governance", "explicit_refusal"}
# what another tool or a colleague may call a column: named in the error, not taken silently
LIKELY = {"question": "query", "prompt": "query", "input": "query", "text": "query", "language": "lang",
          "langue": "lang", "route": "expected_route", "expected": "expected_route", "answer": "reference",
          "expected_answer": "reference", "reference_answer": "reference", "gold": "reference", "ideal": "reference",
          "checks": "expect", "assert": "expect", "tx": "transaction", "payment": "transaction", "name": "id",
          "key": "id", "topic": "category", "tag": "category", "system": "system_prompt",
          "instructions": "system_prompt", "system_message": "system_prompt", "persona": "system_prompt"}

DELIMITERS = {",": "a comma", ";": "a semicolon", "\t": "a tab"}  # as workbench.export.delimiter_of finds them


class ExperimentFileError(ValueError):
    """The file cannot be used; the message says which rows and why."""


def load_experiments(data: bytes | str | Path, name: str = "", max_bytes: int = MAX_BYTES,
                     max_rows: int = MAX_ROWS) -> list[Experiment]:
    """Parse experiments from bytes, text or a path (.jsonl, .csv or an Excel workbook's .xlsx,
    decided by the name; a CSV or JSONL in UTF-8, UTF-16 or Windows-1252, as workbench.textfile
    reads it)."""
    if isinstance(data, Path):
        name = name or data.name
        if data.stat().st_size > max_bytes:
            raise ExperimentFileError(f"{data.name} is {data.stat().st_size / 1e6:.1f} MB; the limit "
                                      f"is {max_bytes / 1e6:.0f} MB")
        data = data.read_bytes()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise ExperimentFileError(f"the file is {len(raw) / 1e6:.1f} MB; the limit is "
                                  f"{max_bytes / 1e6:.0f} MB")
    if name.lower().endswith(".xlsx"):
        rows, problems = _workbook_rows(raw)
    else:
        try:
            text, _ = decode_text(raw)
        except NotText as exc:
            raise ExperimentFileError(str(exc)) from None
        rows, problems = _csv_rows(text) if name.lower().endswith(".csv") else _jsonl_rows(text)
    if not rows and not problems:
        raise ExperimentFileError("the file has no experiments")
    if len(rows) > max_rows:
        raise ExperimentFileError(f"the file has {len(rows)} experiments; the limit is {max_rows} "
                                  "per batch: split it")
    return _validate(rows, problems)


def _jsonl_rows(text: str) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, str]]]:
    rows, problems = [], []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append((lineno, f"line {lineno}: not valid JSON ({exc.msg})"))
            continue
        if not isinstance(value, dict):
            problems.append((lineno, f"line {lineno}: expected a JSON object"))
            continue
        twice = _same_column(list(value))
        if twice:
            problems.append((lineno, f"line {lineno}: fields {twice}"))
            continue
        rows.append((lineno, {_column(key): field for key, field in value.items()}))
    return rows, problems


def _column(name: str) -> str:
    """An allowed column however a spreadsheet cased or spaced it ("Query", " Lang ", "Expected_Route")
    is that column; any other name stays as written (stripped), for an error to name."""
    key = name.strip()
    return key.lower() if key.lower() in COLUMNS else key


def _same_column(names: list[str]) -> str:
    """'' when no two of `names` are one column; else what the error says of the first two that
    are ("Query and query both stand for 'query': keep one")."""
    columns = [_column(name) for name in names]
    for column in dict.fromkeys(column for column in columns if column):
        same = [name.strip() for name, of in zip(names, columns, strict=True) if of == column]
        if len(same) > 1:
            return f"{' and '.join(same)} both stand for '{column}': keep one"
    return ""


def _csv_rows(text: str) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, str]]]:
    """A CSV's rows keyed by the loader's column names, and the rows refused for their shape: more
    cells than the header has columns (a question with a comma in it, unquoted, would lose what
    follows the comma). A column without a name (a spreadsheet's emptied last column) is named by
    its letter, "column D", and left out where empty; a value under it is refused."""
    delimiter = delimiter_of(text)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    fields = reader.fieldnames or []
    columns = _check_header([field for field in fields if field.strip()], "CSV")
    columns_left = iter(columns)
    reader.fieldnames = [next(columns_left) if field.strip() else f"column {get_column_letter(index + 1)}"
                         for index, field in enumerate(fields)]
    rows, problems = [], []
    for lineno, row in enumerate(reader, start=2):
        beyond = [cell for cell in row.pop(None, None) or [] if cell.strip()]
        if beyond:
            many = "column" if len(fields) == 1 else "columns"
            problems.append((lineno, f"line {lineno}: {len(fields) + len(beyond)} cells where the header has "
                                     f"{len(fields)} {many}: a cell holding {DELIMITERS[delimiter]} must be in "
                                     "double quotes"))
        else:
            _take(lineno, row, {column: column for column in columns}, rows, problems)
    return rows, problems


def _take(number: int, row: dict[str, Any], columns: dict[str, str], rows: list, problems: list) -> None:
    """A CSV's or a workbook's row, its cells under the header's names keyed by the loader's
    (`columns`), into `rows`; or, with a value under a column the header leaves unnamed ("column
    D"), the error into `problems`."""
    stray = [key for key, value in row.items() if key not in columns and str(value or "").strip()]
    if stray:
        problems.append((number, f"line {number}: a value under {' and '.join(stray)}, which the header row "
                                 "leaves without a name"))
    else:
        rows.append((number, {columns[key]: value for key, value in row.items() if key in columns}))


def _workbook_rows(raw: bytes) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, str]]]:
    """A workbook's rows, as a CSV's: its first sheet with a 'query' column (its first sheet when
    none has), a header row, a row per experiment; a row with a value under no header refused."""
    try:
        header, rows = workbook_rows(raw, "query")
    except ValueError as exc:
        raise ExperimentFileError(str(exc)) from None
    given = [name for name in header if name]
    columns = dict(zip(given, _check_header(given, "workbook"), strict=True))
    out, problems = [], []
    for number, row in rows:
        _take(number, row, columns, out, problems)
    return out, problems


def _check_header(header: list[str], what: str) -> list[str]:
    """The columns of a CSV's (`what` "CSV") or a workbook's ("workbook") header, the allowed ones
    in the loader's spelling (`_column`). Refuses a header without a query, with a column the
    loader does not know, naming them (and what each likely stands for), or with two columns for one."""
    twice = _same_column(header)
    if twice:
        raise ExperimentFileError(f"the {what}'s columns {twice}")
    header = [_column(name) for name in header]
    if "query" not in header:
        lacks = ("the CSV needs a 'query' column; found columns" if what == "CSV" else
                 "no sheet of the workbook has a 'query' column; its first sheet's columns")
        raise ExperimentFileError(f"{lacks}: {', '.join(map(_named, header)) or 'none'}. Allowed columns: "
                                  f"{', '.join(sorted(COLUMNS))}")
    unknown = set(header) - COLUMNS
    if unknown:
        raise ExperimentFileError(f"unknown {what} columns: "
                                  f"{', '.join(map(_named, sorted(unknown)))}. Allowed: {', '.join(sorted(COLUMNS))}")
    return header


def _named(column: str) -> str:
    """A column or field as an error names it, with the allowed one it likely stands for: "question
    (rename it 'query')", "expected_routes (rename it 'expected_route')"."""
    if column in COLUMNS:
        return column
    key = column.strip().lower().replace(" ", "_").replace("-", "_")
    close = difflib.get_close_matches(key, COLUMNS, n=1, cutoff=0.8)  # a typo: "qeury", "expected_routes"
    meant = key if key in COLUMNS else LIKELY.get(key) or (close[0] if close else None)
    return f"{column} (rename it '{meant}')" if meant else column


def _validate(rows: list[tuple[int, dict[str, Any]]],
              parse_problems: list[tuple[int, str]]) -> list[Experiment]:
    problems: list[tuple[int, str]] = list(parse_problems)
    seen: dict[str, int] = {}
    out = []
    for lineno, row in rows:
        unknown = set(row) - COLUMNS
        if unknown:
            problems.append((lineno, f"line {lineno}: unknown fields {', '.join(map(_named, sorted(unknown)))}"))
            continue
        query = row.get("query")
        if not isinstance(query, str) or not query.strip():
            problems.append((lineno, f"line {lineno}: 'query' is missing or empty"))
            continue
        if len(query) > MAX_QUERY_CHARS:
            problems.append((lineno, f"line {lineno}: query is longer than {MAX_QUERY_CHARS} characters"))
            continue
        try:
            tx = parse_transaction(row.get("transaction") or None)
        except TransactionError as exc:
            problems.append((lineno, f"line {lineno}: transaction: {exc}"))
            continue
        if wrong := [key for key in ("id", "lang", "expected_route", "category") if not _scalar(row.get(key), key)]:
            problems.append((lineno, f"line {lineno}: {', '.join(wrong)} must be text"))
            continue
        exp_id = str(row.get("id") or f"row-{lineno}").strip()
        if exp_id in seen:
            problems.append((lineno, f"line {lineno}: duplicate id {exp_id!r} (first on line {seen[exp_id]})"))
            continue
        seen[exp_id] = lineno
        route = row.get("expected_route") or None
        if route is not None and route not in ROUTES:
            problems.append((lineno, f"line {lineno}: expected_route must be one of {', '.join(sorted(ROUTES))}"))
            continue
        try:
            expect = parse_expect(row.get("expect"))
        except ExpectError as exc:
            problems.append((lineno, f"line {lineno}: expect: {exc}"))
            continue
        reference = row.get("reference") or None
        if reference is not None and not isinstance(reference, str):
            problems.append((lineno, f"line {lineno}: reference must be text (the answer the team holds right)"))
            continue
        if reference is not None and len(reference) > MAX_REFERENCE_CHARS:
            problems.append((lineno, f"line {lineno}: reference is longer than {MAX_REFERENCE_CHARS} characters"))
            continue
        if problem := system_prompt_problem(row.get("system_prompt") or None):
            problems.append((lineno, f"line {lineno}: {problem}"))
            continue
        out.append(Experiment(id=exp_id, query=query.strip(), transaction=tx,
                              lang=row.get("lang") or None, expected_route=route,
                              category=row.get("category") or None, expect=expect,
                              reference=(reference or "").strip() or None,
                              system_prompt=(row.get("system_prompt") or "").strip() or None))
    _raise([msg for _, msg in sorted(problems)])
    return out


def system_prompt_problem(value: object) -> str | None:
    """What is wrong with a system prompt given with an experiment, in the UI or to the REST API
    (None: nothing; no system prompt is none)."""
    if value is not None and not isinstance(value, str):
        return "system_prompt must be text (the instructions both systems are given)"
    if value is not None and len(value) > MAX_SYSTEM_PROMPT_CHARS:
        return f"system_prompt is longer than {MAX_SYSTEM_PROMPT_CHARS} characters"
    return None


def with_system_prompt(experiments: list[Experiment], prompt: str | None) -> list[Experiment]:
    """The experiments, each without a system prompt of its own given `prompt` (a run's default:
    the Compare tab's box, `--system-prompt`)."""
    prompt = (prompt or "").strip() or None
    return [exp if exp.system_prompt or not prompt else replace(exp, system_prompt=prompt) for exp in experiments]


def _scalar(value: object, key: str) -> bool:
    """Whether a field that names something is text (an id may be a number too), or unset."""
    return value is None or isinstance(value, str) or (key == "id" and is_number(value))


def _raise(problems: list[str]) -> None:
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise ExperimentFileError(f"{len(problems)} bad row{'s' if len(problems) > 1 else ''}: {shown}{more}")


def bundled() -> list[Experiment]:
    return load_experiments(BUNDLED)


def experiment_file(records: list[dict[str, Any]], by_question: bool = True) -> tuple[str, int]:
    """Comparisons (stored records: the Single tab's log, a batch run) as an experiment file, JSONL
    in the format load_experiments reads, each with its declared or detected language — so that
    what an analyst explored one question at a time, or a colleague's run, can be run again as a
    batch under other parameters or another model. `by_question`: each question once (the last
    comparison of the same query and transaction gives its checks and reference answer: a
    question asked again); otherwise each experiment id once (a batch's question asked twice on
    purpose stays twice). Returns the text and how many records were left out (a record that
    would not load back: a log edited in the browser)."""
    latest: dict[str, dict[str, Any]] = {}
    left_out = 0
    for rec in records:
        if not isinstance(rec.get("query"), str):
            left_out += 1
            continue
        key = (json.dumps([rec["query"].strip(), rec.get("transaction"), rec.get("system_prompt") or None],
                          sort_keys=True, ensure_ascii=False)
               if by_question else str(rec.get("experiment_id")))
        latest.pop(key, None)  # the last comparison of a question gives its place and its checks
        latest[key] = rec
    lines = []
    for rec in latest.values():
        lang = question_language(rec)
        row = {"id": rec.get("experiment_id"), "query": rec["query"], "transaction": rec.get("transaction"),
               "lang": lang if lang in SUPPORTED else None, "expected_route": rec.get("expected_route"),
               "category": rec.get("category"), "expect": rec.get("expect"), "reference": rec.get("reference"),
               "system_prompt": rec.get("system_prompt")}
        row = {k: v for k, v in row.items() if v not in (None, "", {})}
        try:
            _validate([(1, row)], [])
        except ExperimentFileError:
            left_out += 1
            continue
        lines.append(json.dumps(row, ensure_ascii=False) + "\n")
    return "".join(lines), left_out
