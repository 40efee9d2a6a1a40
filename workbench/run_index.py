"""Where a batch run's results file holds each experiment's latest record: listing the saved runs
counts their experiments, and a batch row's *This question in the saved runs* finds a question in
every run and reads that record alone — a folder of hundreds of runs is hundreds of megabytes of
answers and reasoning, which neither keeps in memory."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any


def query_words(text: str | None) -> str:
    """A query's words, whatever the spacing or case: two queries are one question when theirs are
    the same."""
    return " ".join(str(text or "").split()).casefold()


def parsed_line(line: bytes) -> Any:
    """A line of a JSONL file, read; None for one torn by a crash or damaged so that it is not
    UTF-8 any more (left out: one bad line must not stop a run from being listed or opened)."""
    try:
        return json.loads(line.decode("utf-8-sig"))  # -sig: a byte-order mark is no damage
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


@lru_cache(maxsize=1024)
def record_index(path: Path, mtime_ns: int, size: int) -> dict[str, tuple[str, int]]:
    """Each experiment of a results file, as latest_records takes them (the last line of each id,
    lines that are no record left out), in the order they first finished: experiment id -> its
    query's words (query_words) and where its latest line starts. Cached per version of the file
    (its time and size), so each listing reads only the files written since the last one; small,
    for the records are read again from their lines (record_at) only when looked up."""
    found: dict[str, tuple[str, int]] = {}
    at = 0
    with path.open("rb") as fh:
        for line in fh:
            rec = parsed_line(line)
            if isinstance(rec, dict) and isinstance(rec.get("experiment_id"), str):
                found[rec["experiment_id"]] = (query_words(rec.get("query")), at)
            at += len(line)
    return found


def record_at(path: Path, at: int) -> dict[str, Any] | None:
    """The record on the line of `path` starting at offset `at` (record_index's), None when that
    line is not one."""
    with path.open("rb") as fh:
        fh.seek(at)
        rec = parsed_line(fh.readline())
    return rec if isinstance(rec, dict) else None


def latest_record(path: Path, experiment_id: str) -> dict[str, Any] | None:
    """The latest record of one experiment of a results file (latest_records' own), read from its
    line alone; None when the file holds no such experiment. Raises OSError for a file that is
    not there."""
    stat = path.stat()
    where = record_index(path, stat.st_mtime_ns, stat.st_size).get(experiment_id)
    return record_at(path, where[1]) if where else None
