"""CSV and JSONL export, safe to open in a spreadsheet.

Model output and uploaded text are attacker-influenced; a cell such as ``=HYPERLINK(...)`` would
run as a formula when an analyst opens the CSV. String cells that start like a formula get a
leading apostrophe (the OWASP rule Gradio also uses); numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from workbench.textfile import NotText, decode_text
from workbench.workbook import workbook_rows, write_workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def safe_cell(value: Any) -> Any:
    """A value ready for a CSV cell: numbers kept, containers as JSON, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "" if isinstance(value, float) and math.isnan(value) else value
    if isinstance(value, dict | list | tuple):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def columns_of(rows: Iterable[dict[str, Any]]) -> list[str]:
    """Every key, in first-seen order."""
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)


def write_csv(rows: list[dict], path, bom: bool = False) -> None:
    """Write rows as CSV (UTF-8; ``bom=True`` adds the byte-order mark spreadsheet apps want).

    Numbers stay numbers, commas/quotes/newlines round-trip through standard CSV quoting, and
    string cells that a spreadsheet would run as a formula are neutralised.
    """
    Path(path).write_text(csv_text(rows), encoding="utf-8-sig" if bom else "utf-8", newline="")


def write_table(rows: list[dict], path, sheet: str) -> None:
    """Write rows as a tab's download: an Excel workbook when `path` ends in .xlsx (the rows on one
    sheet named `sheet`, numbers as numbers, text kept as text), else a CSV with the byte-order
    mark. read_csv reads either back as the same rows."""
    if Path(path).suffix.lower() == ".xlsx":
        write_workbook([(sheet, columns_of(rows), rows)], path)
    else:
        write_csv(rows, path, bom=True)


def csv_text(rows: list[dict], bom: bool = False) -> str:
    """write_csv's file as text (with the byte-order mark first when `bom`), to send rather than
    save."""
    header = columns_of(rows)
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(row.get(h)) for h in header])
    return ("\ufeff" if bom else "") + out.getvalue()


def unsafe_cell(text: str) -> str:
    """A cell as it was before :func:`safe_cell` neutralised it (the apostrophe it added goes)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def delimiter_of(text: str) -> str:
    """The delimiter of a CSV from its header line: a comma as this module writes it, or the
    semicolon (or tab) a spreadsheet set to French, or to another language that writes decimal
    commas, uses when it saves the file again."""
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count) if header else ","


_DECIMAL_COMMA = re.compile(r"-?\d+,\d+")


def decimal_point(text: str) -> str:
    """A number written with a decimal comma, as French writes it ("2660,3"), with a point;
    any other text as it is (a thousands separator's "1,000" is for the caller to tell)."""
    return text.replace(",", ".") if _DECIMAL_COMMA.fullmatch(text) else text


def read_csv(path, numbers: Iterable[str] = ()) -> list[dict[str, str]]:
    """Rows of a CSV this module wrote (byte-order mark or not; saved again by a spreadsheet
    with semicolons too), cells as text with the formula neutralisation undone. In a file with
    semicolons, the `numbers` columns' decimal commas become points ("2660,3": a spreadsheet set
    to French wrote it; in a file with commas it would be a thousands separator, and is left
    for the caller to refuse). Read in UTF-8, UTF-16 or Windows-1252 (workbench.textfile); a
    `path` ending in .xlsx is read as an Excel workbook's first sheet, the rows the app writes
    there. Raises ValueError, with what is wrong, for a file that is not one."""
    if Path(path).suffix.lower() == ".xlsx":  # the same columns, from a workbook's first sheet
        header, numbered = workbook_rows(Path(path).read_bytes())
        if not header:
            raise ValueError("the file is empty")
        return [row for _, row in numbered]
    try:
        text, _ = decode_text(Path(path).read_bytes())
        delimiter = delimiter_of(text)
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = [{unsafe_cell(k): unsafe_cell(v or "") for k, v in row.items() if k is not None} for row in reader]
        header = [unsafe_cell(h) for h in reader.fieldnames or []]
        for row in rows if delimiter == ";" else []:
            for key in numbers:
                if key in row:
                    row[key] = decimal_point(row[key])
    except NotText as exc:
        raise ValueError(f"{exc} (is it a CSV?)") from None
    except csv.Error as exc:
        raise ValueError(f"the file is not valid CSV: {exc}") from None
    if not header:
        raise ValueError("the file is empty")
    return rows


def read_saved(path, required: list[str], tab: str, unit: str, numbers: Iterable[str] = ()) -> list[dict[str, str]]:
    """The rows of a CSV that a tab of the app downloaded, as :func:`read_csv` gives them (with
    its `numbers` columns).
    ValueError says what is wrong with a file that is not one: no rows (of `unit`, e.g.
    "answers"), or the `required` columns it lacks."""
    rows = read_csv(path, numbers)
    if not rows:
        raise ValueError(f"the file has no {unit}")
    missing = [c for c in required if c not in rows[0]]
    if missing:
        raise ValueError(f"it lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}: "
                         f"open a CSV or Excel workbook downloaded from the {tab} tab")
    return rows


def typed_row(row: dict[str, str], line: int, bools: Iterable[str] = (),
              numbers: dict[str, type] | None = None) -> dict[str, Any]:
    """A row of :func:`read_csv` with its columns typed back: empty cells None, `bools` from
    true/false, `numbers` by their type (int or float). A cell that is not of its type raises
    ValueError naming the `line` of the file and the column."""
    out: dict[str, Any] = {k: (v if v != "" else None) for k, v in row.items()}
    for key in bools:
        value = (row.get(key) or "").strip().lower()
        if value not in ("", "true", "false"):
            raise ValueError(f"row {line}: {key} is {row[key]!r}, not true or false")
        out[key] = None if value == "" else value == "true"
    for key, kind in (numbers or {}).items():
        value = (row.get(key) or "").strip()
        try:
            number = float(value) if value else None
        except ValueError:
            raise ValueError(f"row {line}: {key} is {value!r}, not a number") from None
        if number is not None and kind is int and not number.is_integer():
            raise ValueError(f"row {line}: {key} is {value!r}, not a whole number")
        out[key] = None if number is None else kind(number)
    return out


def write_jsonl(rows: Iterable[dict], path) -> None:
    with Path(path).open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def aligned(lines: list[list[str]]) -> str:
    """Lines of cells (a header first) as columns of text, each as wide as its widest cell: a
    table for a terminal."""
    widths = [max(len(line[k]) for line in lines) for k in range(len(lines[0]))]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in lines)
