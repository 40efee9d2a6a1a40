"""Where batch runs keep their results: one JSONL file per run in the results folder, named after
the run; listed newest first, read back (the last record of each experiment), taken off the lists
into removed/ and put back.

A record is appended the moment an experiment finishes (workbench.batch_run.BatchRun), so a file
may end in a line torn by a crash: reading leaves such a line out and the experiment reruns.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from workbench.run_index import parsed_line, record_index


def read_records(path: Path) -> list[dict[str, Any]]:
    """Every record of a JSONL file, in order. A line torn by a crash, or damaged so that it is
    not UTF-8 any more, is left out (its experiment reruns): one bad line must not stop the runs
    from being listed, opened or resumed."""
    if not path.exists():
        return []
    with path.open("rb") as fh:
        return [rec for line in fh if (rec := parsed_line(line)) is not None]


def latest_records(path: Path, ids: Collection[str] | None = None) -> list[dict[str, Any]]:
    """The last record of each experiment in a results file (an experiment whose failed system
    was run again is appended again), in the order they first finished; only `ids` when given."""
    latest: dict[str, dict[str, Any]] = {}
    for rec in read_records(path):
        exp_id = rec.get("experiment_id") if isinstance(rec, dict) else None  # a line of JSON that is no record
        if isinstance(exp_id, str) and (ids is None or exp_id in ids):
            latest[exp_id] = rec
    return list(latest.values())


@dataclass
class SavedRun:
    """A batch results file: its run name, how many experiments it holds, when it was last written."""

    name: str
    experiments: int
    modified: datetime


def safe_run_name(text: str | None, default: str) -> str:
    """A run name safe in a file name (letters, digits, - and _), or `default` when none is left."""
    return "".join(ch for ch in (text or "") if ch.isalnum() or ch in "-_")[:60] or default


def run_file(folder: Path, name: str) -> Path:
    """Where the batch run `name` (a safe_run_name) keeps its results."""
    return folder / f"batch-{name}.jsonl"


def saved_run_file(folder: Path, name: str) -> Path | None:
    """The results file of the saved run `name`; None when `name` is not a run's own name (a path,
    or anything safe_run_name would change) or no run of that name is saved in `folder`."""
    path = run_file(folder, name)
    return path if safe_run_name(name, "") == name and path.is_file() else None


REMOVED = "removed"  # the results folder's folder of runs taken off the lists


def remove_run(folder: Path, name: str) -> Path:
    """Take the saved run `name` off the lists: its results file moves, whole, to the results
    folder's removed/ (named with when; restore_run puts it back); returns where. Its
    verdicts stay where they are, under its name — which is why a new run may not take the name
    (workbench.batch_run.check_resumable). FileNotFoundError for a run that is not saved, OSError when it cannot
    be moved."""
    path = run_file(folder, name)
    if not path.is_file():
        raise FileNotFoundError(f"no saved run is named {name!r} (any more)")
    there = folder / REMOVED / f"{path.stem}.{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}.jsonl"
    there.parent.mkdir(parents=True, exist_ok=True)
    path.rename(there)
    return there


def _removed_parts(path: Path) -> tuple[str, str]:
    """The run name and the time of removal (remove_run's stamp) a removed run's file is named with."""
    name, _, stamp = path.stem.removeprefix("batch-").partition(".")
    return name, stamp


@dataclass(frozen=True)
class RemovedRun:
    """A run taken off the lists (remove_run): its name, when (UTC), its experiments, its file."""

    name: str
    removed: datetime
    experiments: int
    path: Path

    @property
    def label(self) -> str:
        count = f"{self.experiments} experiment{'s' if self.experiments != 1 else ''}"
        return f"{self.name} · removed {self.removed:%Y-%m-%d %H:%M} UTC · {count}"


def removed_run_list(folder: Path) -> list[RemovedRun]:
    """The runs taken off the lists, the last removed first (a file not named as remove_run names
    them is left out)."""
    found = []
    for path in (folder / REMOVED).glob("batch-*.*.jsonl") if (folder / REMOVED).is_dir() else []:
        name, stamp = _removed_parts(path)
        try:
            when = datetime.strptime(stamp, "%Y%m%dT%H%M%S%f").replace(tzinfo=timezone.utc)
        except ValueError:
            continue
        found.append(RemovedRun(name, when, len(latest_records(path)), path))
    return sorted(found, key=lambda r: r.removed, reverse=True)


def removed_runs(folder: Path) -> list[tuple[str, Path]]:
    """The runs taken off the lists (remove_run), the last removed first: a label for each (its
    name, when it was removed, its experiments) and its file."""
    return [(run.label, run.path) for run in removed_run_list(folder)]


def restore_run(folder: Path, removed: Path) -> str:
    """Put a removed run's file (removed_runs') back on the lists under its name; returns the
    name. FileExistsError when a run of that name is saved (restored already), FileNotFoundError
    when the file is gone, OSError when it cannot be moved."""
    name, stamp = _removed_parts(removed)
    if removed.parent != folder / REMOVED or not removed.is_file() or not stamp or safe_run_name(name, "") != name:
        raise FileNotFoundError(f"{removed.name} is not a removed run of this results folder (any more)")
    path = run_file(folder, name)
    if path.exists():
        raise FileExistsError(f"a run named {name!r} is on the lists already")
    removed.rename(path)
    return name


def was_removed(path: Path) -> bool:
    """Whether a run whose results file was `path` was taken off the lists (remove_run); a run
    name holds no dot, so the pattern names its files alone."""
    return any((path.parent / REMOVED).glob(f"{path.stem}.*.jsonl"))


def saved_runs(folder: Path) -> list[SavedRun]:
    """The batch runs whose results are in `folder`, the most recently written first."""
    runs = []
    for path in folder.glob("batch-*.jsonl") if folder.is_dir() else []:
        try:
            stat = path.stat()
            count = len(record_index(path, stat.st_mtime_ns, stat.st_size))  # read once per version of the file
        except OSError:  # removed (another page took it off the lists) since the folder was read
            continue
        modified = datetime.fromtimestamp(stat.st_mtime, timezone.utc)
        runs.append(SavedRun(path.stem.removeprefix("batch-"), count, modified))
    return sorted(runs, key=lambda r: r.modified, reverse=True)


def saved_run_files(folder: Path) -> Iterator[tuple[SavedRun, Path, os.stat_result]]:
    """Each saved run (saved_runs' order) with its results file and that file's stat, for caches
    keyed on its version (time and size); a run removed since it was listed is passed over."""
    for run in saved_runs(folder):
        path = run_file(folder, run.name)
        try:
            yield run, path, path.stat()
        except OSError:  # removed since it was listed
            continue
