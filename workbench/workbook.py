"""Excel workbooks (.xlsx) out and in, through openpyxl.

A spreadsheet set to French opens a comma-separated CSV in one column (its list separator is the
semicolon); a workbook opens the same everywhere, with numbers as numbers, true/false as Excel's
own, the header frozen and filters on it. Model output is attacker-influenced: a text cell is
always stored as text, so "=HYPERLINK(…)" never runs as a formula. Excel holds at most 32,767
characters in a cell: a longer text (a long reasoning) is cut there, and says so.

An experiments file may be a workbook too: its first sheet with a query column, a header row, a row
per experiment.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

MAX_CELL = 32_767
CUT = " … [cut: Excel holds 32,767 characters in a cell; the CSV holds the text whole]"
# what openpyxl raises for a file that is no workbook or a damaged one: zip, XML and its own errors
UNREADABLE = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, SyntaxError)
_WIDEST = 60  # characters: a column of answers is shown this wide, wrapped
_BOLD, _WRAP = Font(bold=True), Alignment(wrap_text=True, vertical="top")


def cell_value(value: Any) -> Any:
    """A value as a workbook cell holds it: numbers and true/false as they are, containers as
    JSON, text without the control characters Excel refuses, cut at Excel's limit."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if isinstance(value, float) and (math.isnan(value) or math.isinf(value)) else value
    if isinstance(value, dict | list | tuple):
        value = json.dumps(value, ensure_ascii=False)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - len(CUT)] + CUT


Sheet = tuple[str, list[str], list[dict[str, Any]]]  # a title, the header, the rows


def write_workbook(sheets: Iterable[Sheet], path: Path | str | io.BytesIO) -> None:
    """Write each (title, header, rows) as a sheet of one workbook at `path`, or into a file object
    (streamed: openpyxl's write-only mode, each row written once)."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31].strip())  # Excel's limit on a sheet's name
        values = [[cell_value(row.get(name)) for name in header] for row in rows]
        widths = [max([len(str(name))] + [len(v) for line in values if isinstance(v := line[i], str)])
                  for i, name in enumerate(header)]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(width, _WIDEST) + 2
        sheet.freeze_panes = "A2"
        if header:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
        sheet.append([_cell(sheet, name, bold=True) for name in header])
        wrapped = {i for i, width in enumerate(widths) if width > _WIDEST}
        for line in values:
            sheet.append([_cell(sheet, v, wrap=i in wrapped) if isinstance(v, str) and (i in wrapped or v[:1] == "=")
                          else v for i, v in enumerate(line)])
    book.save(path)


def _cell(sheet: Any, value: str, bold: bool = False, wrap: bool = False) -> WriteOnlyCell:
    """A text cell: stored as text even when it starts with "=" (never run as a formula), bold (the
    header) or wrapped (a column of long texts)."""
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    if bold:
        cell.font = _BOLD
    if wrap:
        cell.alignment = _WRAP
    return cell


def workbook_rows(raw: bytes, column: str | None = None) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and rows of a workbook's first sheet — or of its first sheet with a `column`
    header, in any case (a cover sheet before the questions), the first sheet when none has — each row with
    its number in the sheet and its cells as text under the header's names, as a CSV's ("12" for
    the 12 Excel keeps as 12.0, "" for an empty cell; a cell under no header named by its
    column, "column F", for the caller to refuse). The header is the first row with anything in
    it; empty rows are left out. ValueError for bytes that are no workbook, or a damaged one."""
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except UNREADABLE as exc:
        raise ValueError(f"the file is not an Excel workbook (.xlsx) that can be read: {exc}") from None
    try:
        first = None
        for sheet in book.worksheets:
            header, rows = _sheet_rows(sheet)
            if first is None:
                first = header, rows
            if column is None or column.lower() in {name.lower() for name in header}:
                return header, rows
        return first or ([], [])
    except UNREADABLE as exc:  # read only: a sheet's XML is parsed as its rows are read
        raise ValueError(f"the workbook cannot be read: {exc}") from None
    finally:
        book.close()


def _sheet_rows(sheet: Any) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """One sheet's header and rows, as workbook_rows gives them."""
    header: list[str] = []
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        texts = [_text(value) for value in values]
        if not header:
            header = [text.strip() for text in texts]
            while header and not header[-1]:
                header.pop()
            continue
        if any(texts):
            row = {name: (texts[index] if index < len(texts) else "") for index, name in enumerate(header) if name}
            row.update({f"column {get_column_letter(index + 1)}": text for index, text in enumerate(texts)
                        if text and (index >= len(header) or not header[index])})
            rows.append((number, row))
    return header, rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
