"""The rows a tab opens its saved files with (workbench.saved names and lists them): the list of
saved files, a button that opens a downloaded CSV, and the words a status opens one with.
"""

from __future__ import annotations

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
    CSV, elem ids `<prefix>-saved` and `<prefix>-upload`. Call inside a Blocks context."""
    with gr.Row(equal_height=True):
        saved = gr.Dropdown(choices, value=None, label=f"Open a saved {what}", scale=3, elem_id=f"{prefix}-saved",
                            info=info or f"Every {what} is saved when it ends (a stopped one too)")
        upload = gr.UploadButton(upload_label, file_types=[".csv"], elem_id=f"{prefix}-upload", scale=1)
    return saved, upload
