"""Browser-test helpers: click a download button, save the file, read the CSV or workbook the browser saved."""

from __future__ import annotations

import csv
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout


def download(page, button: str, path: Path, tries: int = 3) -> Path:
    """Click `button` (a selector) and save the download to `path`.

    A click that lands in the instant Gradio re-renders the button with the file it was just
    given (the same update that changed the status line the test waited for) starts no download;
    a person is never that quick. Such a click is tried again, `tries` times in all."""
    for attempt in range(1, tries + 1):
        try:
            with page.expect_download(timeout=15000) as info:
                page.click(button)
            break
        except PlaywrightTimeout:
            if attempt == tries:
                raise
    info.value.save_as(path)
    return path


def download_csv(page, button: str, path: Path, tries: int = 3) -> list[dict[str, str]]:
    """Click `button`, save the CSV it downloads to `path` (see download), return its rows."""
    with download(page, button, path, tries).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def download_workbook(page, button: str, path: Path, tries: int = 3) -> list[dict]:
    """Click `button`, save the Excel workbook it downloads to `path`, return its first sheet's
    rows as typed cells (numbers as numbers, empty cells None) under its header (read only, a row
    ends at its last cell with something in it)."""
    from openpyxl import load_workbook
    sheet = load_workbook(download(page, button, path, tries), read_only=True).worksheets[0]
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, (*row, *[None] * (len(header) - len(row))), strict=True)) for row in rows]
