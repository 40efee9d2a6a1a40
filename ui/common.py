"""Small helpers shared by the tabs: engine choice, per-session cancel flags, download files."""

from __future__ import annotations

import html
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from engines.base import Engine
from workbench.export import write_table
from workbench.notation import FORMULA_DELIMITERS
from workbench.safety import safe_markdown
from workbench.services import LOCAL, Services
from workbench.summary import percent_rows

BASE_MODEL = "(base model)"
DOWNLOADS = Path(tempfile.gettempdir()) / "workbench-downloads"
KEEP_DOWNLOADS_S = 24 * 3600  # Gradio serves its own copy; ours only has to outlive the click
BROWSER_KEY_FILE = ".browser-key"
log = logging.getLogger(__name__)
# the formulas a model writes, typeset where its reasoning and answers are shown (Gradio's default
# typesets $$ … $$ alone: DeepSeek's \[ … \] showed as "[ D_{mod} = \frac{…} ]")
FORMULAS = [{"left": left, "right": right, "display": display} for left, right, display in FORMULA_DELIMITERS]
_FENCE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})", re.MULTILINE)


def in_language(md: str, lang: str | None) -> str:
    """A part's Markdown marked as French (`lang="fr"`) when it is in French, so that a screen
    reader reads it with a French voice (WCAG's "language of parts"); the page is in English. The
    blank lines keep the Markdown inside the block Markdown. A code block left open (an answer
    cut off inside one) would take the closing tag as code: such a part is left unmarked."""
    if lang != "fr" or not md or len(_FENCE.findall(md)) % 2:
        return md
    return f'<div lang="fr">\n\n{md}\n\n</div>'


def copied_as(text: str) -> str:
    """A hidden block, put before a message's or a box's Markdown, that carries `text` as the model
    wrote it: the copy button then copies that (assets/copy_text.js), not the Markdown shown, with
    its figures marked, its language mark, the figures line under a chat answer, and a "<" made an
    entity. Gradio's sanitizer keeps a `title` (not a data- attribute); the line breaks are written
    as entities so that the tag stays on one line, an HTML block the Markdown passes as it is."""
    if not text.strip():
        return ""
    held = html.escape(text.strip(), quote=True).replace("\r", "&#13;").replace("\n", "&#10;")
    return f'<div class="copy-text" title="{held}" hidden></div>\n\n'


def browser_secret(folder: Path) -> str | None:
    """The key the browser's stored state (Chat's conversations, the Compare log) is encrypted
    with, kept in the results folder (readable by its owner only), so that what browsers kept is
    read back after the app restarts; None, a new key each start as Gradio makes by default, when
    the folder cannot hold one."""
    path = folder / BROWSER_KEY_FILE
    for _ in range(2):  # a second app started on the same folder at the same moment may write it first
        try:
            key = path.read_text(encoding="ascii").strip()
            if len(key) >= 16:
                return key
            log.warning("%s holds no usable key: browsers' stored conversations are not read back after a restart",
                        path)
            return None
        except FileNotFoundError:
            pass
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("cannot read %s (%s): browsers' stored conversations are not read back after a restart",
                        path, exc)
            return None
        key = secrets.token_urlsafe(24)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            log.warning("cannot keep a key in %s (%s): browsers' stored conversations are not read back after a "
                        "restart", folder, exc)
            return None
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(key + "\n")
        return key
    return None


def pick_engine(services: Services, label: str, adapter: str | None = None) -> tuple[Engine, str | None]:
    """The engine for a dropdown label and the adapter to use (only the local model takes one).

    Raises gr.Error for an unknown label, so the message reaches the user, not a traceback.
    """
    try:
        engine = services.engine(label)
    except ValueError as exc:
        raise gr.Error(str(exc)) from None
    chosen = None if adapter in (None, "", BASE_MODEL) or label != LOCAL else adapter
    return engine, chosen


# under a box for checks on the answers (workbench.checks)
CHECKS_HINT = ('<small>e.g. `{"number": 12.5, "language": "fr"}` (the figure however written: 12,5 · 12.50 · '
               '12,5 %; a date or a time as written, `"31 January 2025"`, `"17:30"`: that day, that hour); also '
               "`contains`, `contains_any`, `not_contains`, `regex`, `cites`, `refusal`, `risk`, "
               "`reasoning_language`, `complete`, `max_tokens`, `max_latency_ms`, `max_cost_usd` (README: Checks on "
               "the answers)</small>")


def json_box(value: object) -> str:
    """A value as the JSON text of a code box (a transaction, checks); "" for none."""
    return json.dumps(value, ensure_ascii=False, indent=1) if value else ""


def differences_block(lines: list[str], heading: str = "**How they differ**") -> str:
    """The lines of `workbench.differences` as a Markdown list under `heading`; empty without lines."""
    return f"{heading}\n\n" + "\n".join(f"- {safe_markdown(line)}" for line in lines) if lines else ""


# characters of a question, and of an answer or an error, a results table shows: about three lines
# of their columns, so that a batch's table shows eight rows or so at once (a row's details, and
# the CSV, hold them in full)
QUESTION_CELL = 100
ANSWER_CELL = 150


def cell_text(text: object, limit: int) -> object:
    """A text as a results table shows it: on one line, and cut near `limit` characters at a word
    with "…" (a row's details show it in full). A real model's answer runs to thousands of
    characters; in full, one row would fill the table. Anything not a string is left as it is."""
    if not isinstance(text, str):
        return text
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 3 // 4 else cut).rstrip(" ,;:.") + "…"


def shares_shown(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """Rows of figures as a table shows them: the fractions of share columns ("refusal rate A",
    workbench.summary.share_column) as percentages; CSVs keep the fractions."""
    return pd.DataFrame(percent_rows(rows), columns=columns)


def session_id(request: gr.Request | None) -> str:
    """The caller's browser session ('anonymous' for a call without one)."""
    return (request.session_hash if request else None) or "anonymous"


def _key(request: gr.Request | None, scope: str) -> str:
    return f"{session_id(request)}/{scope}"


def session_cancel(services: Services, request: gr.Request | None, scope: str) -> threading.Event:
    """The cancel flag of this browser session's runs in `scope` (a tab's runs); its Stop sets it."""
    return services.cancel_flag(_key(request, scope))


def stopper(services: Services, scope: str):
    """A Stop-button callback: stops the caller's session's runs in `scope`, and nothing else."""

    def stop(request: gr.Request) -> None:
        services.cancel(_key(request, scope))

    return stop


def then_either(event: Any, **step: Any) -> Any:
    """`step` (an event's keywords) after `event` however it ended: Gradio runs a `then` only after
    an event that succeeded, a `failure` only after one that raised (a refused file or query).
    Returns the `then`, for what follows a success alone."""
    event.failure(**step)
    return event.then(**step)


def download_path(stem: str, suffix: str = ".csv", *, stamped: bool = True) -> Path:
    """A new path for a file offered for download, e.g. ``tuning-20261123-101500.csv``.

    Each file gets a folder of its own, so two sessions exporting in the same second do not
    overwrite each other; folders older than a day are removed as new ones are made, so a
    long-running app does not fill its disk.
    """
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_DOWNLOADS_S
    for old in DOWNLOADS.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:  # another session removed it first
            continue
    name = f"{stem}-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}" if stamped else stem
    return Path(tempfile.mkdtemp(dir=DOWNLOADS)) / f"{name}{suffix}"


def offered_copy(path: Path) -> Path:
    """A copy of `path` (a saved run, an upload) where Gradio serves downloads from: it refuses
    to serve a file from anywhere else, such as a results folder on a Space's `/data` disk."""
    copy = download_path(path.stem, path.suffix, stamped=False)
    shutil.copyfile(path, copy)
    return copy


def table_downloads(rows: list[dict[str, Any]], path: Path, sheet: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A tab's *Download CSV* and *Download as Excel* buttons: `path` offered as it is (the CSV just
    written, or the CSV or workbook opened), the other file written beside it from `rows` under
    the same name (a workbook's one sheet named `sheet`)."""
    opened_book = path.suffix.lower() == ".xlsx"
    twin = download_path(path.stem, ".csv" if opened_book else ".xlsx", stamped=False)
    write_table(rows, twin, sheet)
    csv_path, book = (twin, path) if opened_book else (path, twin)
    return gr.update(value=str(csv_path), visible=True), gr.update(value=str(book), visible=True)
