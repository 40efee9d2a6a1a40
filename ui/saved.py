"""The rows a tab opens its saved files with (workbench.saved names and lists them): the list of
saved files, a button that opens a downloaded CSV, and the words a status opens one with.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import gradio as gr

from workbench.saved import saved_file


def saved_path(folder: Path, stem: str, name: str | None, what: str) -> tuple[Path, str]:
    """The saved file a list's choice names, and the words a status opens it with ("the sweep of
    2026-12-03 11:20:00 UTC"); gr.Error when it is gone (or the name is not one of `stem`'s)."""
    if (found := saved_file(folder, stem, name)) is None:
        raise gr.Error(f"That saved {what} is no longer there.")
    return found[0], f"the {what} of {found[1]:%Y-%m-%d %H:%M:%S} UTC"


def uploaded_path(file: str | None) -> tuple[Path, str]:
    """An uploaded file and the words a status opens it with (its name); gr.Error when the
    upload brought none."""
    if not file:
        raise gr.Error("No file came with the upload.")
    return Path(file), Path(file).name


def open_controls(choices: list[tuple[str, str]], what: str, upload_label: str, prefix: str,
                  info: str | None = None) -> tuple[gr.Dropdown, gr.UploadButton]:
    """A row with the list of a tab's saved files (`what`: "sweep") and a button that opens one's
    download, its CSV or its Excel workbook, elem ids `<prefix>-saved` and `<prefix>-upload`. Call
    inside a Blocks context."""
    with gr.Row(equal_height=True):
        saved = gr.Dropdown(choices, value=None, label=f"Open a saved {what}", scale=3, elem_id=f"{prefix}-saved",
                            info=info or f"Every {what} is saved when it ends (a stopped one too)")
        upload = gr.UploadButton(upload_label, file_types=[".csv", ".xlsx"], elem_id=f"{prefix}-upload", scale=1)
    return saved, upload


class Picks:
    """One pick in a menu of saved files, one opening. Gradio 6.31's Dropdown sends its `.input`
    twice for a pick made with the mouse, both at once, so the file was read and its
    tables and chart drawn twice. A handler asks `again(request, value)` first: True for the
    same value asked by the same page within `window_s` seconds, which it answers with
    gr.skip(). Picking the same file again later opens it again. The pick's event shows all
    there is to show itself: Gradio runs a step chained after it once only, at times after the
    skipped input, before the file is read (ui.fren.show)."""

    def __init__(self, window_s: float = 2.0) -> None:
        self.window_s = window_s
        self._last: dict[str, tuple[str | None, float]] = {}  # page (session) -> its last pick, when
        self._lock = threading.Lock()

    def again(self, request: gr.Request | None, value: str | None) -> bool:
        session = getattr(request, "session_hash", None)
        if session is None:  # called from code, not from a page
            return False
        now = time.monotonic()
        with self._lock:
            self._last = {s: (v, at) for s, (v, at) in self._last.items() if now - at < self.window_s}
            repeat = session in self._last and self._last[session][0] == value
            self._last[session] = (value, now)
        return repeat
