"""Files the app saves under its results folder, listed newest first and opened again by name.

A saved file is named ``<stem>-<UTC stamp>-<count>.csv`` (``fren-20261123-101500-12.csv``): the
list shows when it ran and how many rows it holds without opening every file. The tabs save
their runs here, and the headless commands save theirs where the tabs list them.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import shutil
from collections.abc import Callable
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

_NAME = r"{stem}-(\d{{8}}-\d{{6}})-(\d+)\.csv"


def saved_name(stem: str, count: int, when: datetime | None = None) -> str:
    """The name a file saved now (or `when`, UTC) with `count` rows gets."""
    return f"{stem}-{(when or datetime.now(timezone.utc)):%Y%m%d-%H%M%S}-{count}.csv"


def unwritable(folder: Path) -> str | None:
    """Why files cannot be written in `folder` (made when it is missing), or None when they can:
    the headless commands ask before loading a model, so a bad folder costs no measuring."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return str(exc.strerror or exc)
    return None if os.access(folder, os.W_OK) else "permission denied"


def save_copy(path: Path, folder: Path, count: int) -> str:
    """Keep a copy of the download `path` (named ``<stem>-<stamp>.csv``) in `folder`. Returns
    what to add to the status when it could not be kept (the results on screen and their
    download stay), else an empty string."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, folder / f"{path.stem}-{count}.csv")
    except OSError as exc:
        return f". ⚠️ Not saved in {folder} ({exc.strerror or exc}): download the CSV to keep it"
    return ""


def first_row(path: Path) -> dict[str, str]:
    """The first data row of a saved CSV (empty when there is none or it cannot be read): enough
    to describe a run in a list without reading the whole file."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return next(csv.DictReader(fh), None) or {}
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}


def column_values(path: Path, column: str) -> list[str]:
    """The distinct values of one column of a saved CSV, in the order they first appear (empty
    when the file cannot be read). Read once per version of the file: the lists that describe
    runs by it are built on every visit to a tab."""
    try:
        stat = path.stat()
    except OSError:
        return []
    return list(_column_values(str(path), column, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=512)
def _column_values(path: str, column: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get(column):
                    seen.setdefault(row[column], None)
    except (OSError, UnicodeDecodeError, csv.Error):
        return ()
    return tuple(seen)


def _stamp(stem: str, name: str) -> tuple[datetime, str] | None:
    """When a file a tab saved ran and how many rows it holds, from its name; None for any other name."""
    match = re.fullmatch(_NAME.format(stem=re.escape(stem)), name)
    return (datetime.strptime(match[1], "%Y%m%d-%H%M%S"), match[2]) if match else None


def saved_choices(folder: Path, stem: str, unit: str,
                  describe: Callable[[Path], str] | None = None) -> list[tuple[str, str]]:
    """The files saved in `folder` by a tab, newest first: (label, file name) pairs, the label
    saying when and how many `unit` (a plural: "answers"), then what `describe` says of the file."""
    found = []
    for path in folder.glob(f"{stem}-*.csv") if folder.is_dir() else []:
        if stamp := _stamp(stem, path.name):
            counted = unit.removesuffix("s") if stamp[1] == "1" else unit  # "1 answer", "8 answers"
            label = f"{stamp[0]:%Y-%m-%d %H:%M:%S} UTC · {stamp[1]} {counted}"
            if describe is not None and (about := describe(path)):
                label += f" · {about}"
            found.append((stamp[0], label, path.name))
    return [(label, name) for _, label, name in sorted(found, reverse=True)]


def saved_file(folder: Path, stem: str, name: str | None) -> tuple[Path, datetime] | None:
    """The saved file a dropdown value names and when it ran; None when it is not one (any other
    name, a path outside `folder`) or is gone."""
    if name is None or (stamp := _stamp(stem, name)) is None or not (folder / name).is_file():
        return None
    return folder / name, stamp[0]


def read_json_object(path: Path, unreadable: str) -> dict:
    """The JSON object in `path`: {} when there is no file, and when it cannot be read or holds
    no object (logged with `unreadable`, what follows from that), never an error."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.warning("%s cannot be read (%s): %s", path, exc, unreadable)
        return {}
    if not isinstance(data, dict):
        log.warning("%s holds no JSON object: %s", path, unreadable)
        return {}
    return data


def write_json(path: Path, data: object) -> None:
    """Write `data` as JSON in place of `path` at once: a reader sees the old file or the new one,
    never half of one (the file is written beside it, then renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    part.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(part, path)
