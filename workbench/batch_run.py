"""A batch of comparisons (workbench.compare) over an experiment file: bounded concurrency, each
finished record appended to a JSONL file at once, so a crash or restart loses nothing and a rerun
skips finished ids; a rerun that would mix another run's answers into the table is refused.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from engines.base import GenerationParams
from workbench.batch_store import REMOVED, latest_records, was_removed
from workbench.checks import apply_checks
from workbench.compare import (
    SYSTEMS,
    Comparator,
    Experiment,
    recorded_params,
    still_to_run,
    system_b_request,
    with_earlier,
)
from workbench.confidence import read_back


class BatchResumeError(ValueError):
    """Resuming would put answers that belong to another run into this run's table."""


def check_resumable(path: Path, params: GenerationParams, experiments: list[Experiment] | None = None,
                    adapter: str | None = None) -> None:
    """Refuse to add to a results file whose answers would stand in this run's table although
    they are not this run's: answered with other generation parameters or by System B with
    another LoRA adapter (or none), or recorded under the
    same id for another question or transaction (another file's `row-3`, or an edited file).
    Records written before parameters were stored are not checked for parameters. A run taken
    off the lists (remove_run) lends its name to no new one: its verdicts, kept under the name,
    would be shown on the new run's experiments of the same ids."""
    if not path.exists() and was_removed(path):
        name = path.stem.removeprefix("batch-")
        raise BatchResumeError(
            f"{name!r} is the name of a removed run (its file is in the results folder's {REMOVED}/): the verdicts "
            "given on it are kept under that name and would be shown on this one. Use another run name.")
    records = latest_records(path)
    wanted = params.model_dump(mode="json")
    for rec in records:
        if not isinstance(rec.get("params"), dict):
            continue
        earlier = recorded_params(rec["params"])
        if earlier == wanted:
            continue
        changed = ", ".join(f"{k} {earlier.get(k)!r} → {v!r}" for k, v in wanted.items()
                            if earlier.get(k) != v)
        raise BatchResumeError(
            f"{path.name} was answered with other generation parameters ({changed}); resuming would "
            "mix the two in one table. Use another run name, or the same parameters.")
    def named(name: str | None) -> str:
        return f"the adapter {name!r}" if name else "no adapter"

    for rec in records:
        earlier_adapter = rec.get("system_b_adapter")
        if rec.get(SYSTEMS["B"]) and earlier_adapter != (adapter or None):
            raise BatchResumeError(
                f"{path.name} was answered by System B with {named(earlier_adapter)}; resuming with "
                f"{named(adapter)} would mix two models in one table. Use another run name, or the same adapter.")
    if experiments is None:
        return
    stored = {rec.get("experiment_id"): rec for rec in records}
    ours = [(exp, stored[exp.id]) for exp in experiments if exp.id in stored]
    other = [exp.id for exp, rec in ours
             if (rec.get("query"), rec.get("transaction")) != (exp.query, exp.transaction)]
    instructed = [exp.id for exp, rec in ours if exp.id not in other
                  and (rec.get("system_prompt") or None) != (exp.system_prompt or None)]
    if instructed:
        raise BatchResumeError(
            f"{path.name} answered {_some(instructed)} under another system prompt; resuming would mix "
            "two sets of instructions in one table. Use another run name, or the same system prompt.")
    if other:
        raise BatchResumeError(
            f"{path.name} already holds answers to other questions under {_some(other)}: it is "
            "another file's run, or the file changed. Use another run name (it names the results "
            "file), or the file that run used.")


def _some(ids: list[str], shown: int = 3) -> str:
    """'id' / 'ids a, b, c' / 'ids a, b, c and 4 more', for messages."""
    head = ", ".join(repr(i) for i in ids[:shown])
    more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
    return f"id {head}" if len(ids) == 1 else f"ids {head}{more}"


@dataclass
class BatchProgress:
    total: int
    done: int
    skipped: int  # already finished in an earlier run
    retried: int = 0  # run again for a system that failed (or was not asked) in an earlier run
    rescored: int = 0  # finished in an earlier run, scored again under edited checks or references
    record: dict[str, Any] | None = None
    stopped: bool = False
    finished: bool = False
    elapsed_s: float = 0.0


@dataclass
class BatchRun:
    """A batch over experiments; iterate `run()` for progress. Safe to stop and resume."""

    comparator: Comparator
    experiments: list[Experiment]
    out_path: Path
    concurrency: int = 4
    systems: tuple[str, ...] = ("A", "B")
    params: GenerationParams | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    adapter: str | None = None  # the LoRA adapter System B's model answers with
    # System B's answers read again by its model: the figures it was unsure of (workbench.confidence)
    read_back: bool = False

    def __post_init__(self) -> None:
        """Raises BatchResumeError, before anything runs, when the results file holds answers
        that are not this run's (`check_resumable`): one run, one setting, one set of questions."""
        check_resumable(self.out_path, self.params or self.comparator.params, self.experiments, self.adapter)

    def _compare(self, exp: Experiment, keys: tuple[str, ...]) -> dict[str, Any]:
        """One experiment asked of the systems `keys`, System B's answer read back when asked."""
        rec = self.comparator.run(exp, "A" in keys, "B" in keys, self.cancel, self.params, self.adapter)
        for name in SYSTEMS.values():  # the tokens shaded one by one are a single comparison's: a run keeps the reading
            (rec.get(name) or {}).pop("tokens", None)
        if self.read_back and "B" in keys and not self.cancel.is_set():
            read_back(rec, self.comparator.system_b, system_b_request(rec))
        return rec

    def run(self) -> Iterator[BatchProgress]:
        """Runs what the results file does not hold yet: experiments it lacks, and the systems
        that failed (or were not asked) in an earlier run, whose new answer joins the stored one
        of the other system in a record appended after it (`latest_records` reads the last)."""
        started = time.perf_counter()
        self.out_path.parent.mkdir(parents=True, exist_ok=True)
        stored = {r["experiment_id"]: r for r in latest_records(self.out_path, {e.id for e in self.experiments})}
        todo = [(e, keys) for e in self.experiments if (keys := still_to_run(stored.get(e.id), self.systems))]
        skipped = len(self.experiments) - len(todo)
        # finished answers whose experiment's checks (or reference answer) were edited since:
        # scored again and stored with the new ones, not asked again
        asking = {e.id for e, _ in todo}
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        rescore = [apply_checks({**stored[e.id], "expect": e.expect, "reference": e.reference, "rescored_at": now})
                   for e in self.experiments if e.id in stored and e.id not in asking
                   and (stored[e.id].get("expect"), stored[e.id].get("reference")) != (e.expect, e.reference)]
        progress = BatchProgress(total=len(self.experiments), done=skipped, skipped=skipped,
                                 retried=sum(e.id in stored for e, _ in todo), rescored=len(rescore))
        yield progress
        queue = iter(todo)
        with ThreadPoolExecutor(max_workers=max(1, self.concurrency)) as pool, appending(self.out_path) as sink:
            for rec in rescore:
                sink.write(json.dumps(rec, ensure_ascii=False) + "\n")
            sink.flush()
            running: dict[Future, Experiment] = {}

            def submit_next() -> None:
                item = next(queue, None)
                if item is not None and not self.cancel.is_set():
                    exp, keys = item
                    running[pool.submit(self._compare, exp, keys)] = exp

            for _ in range(max(1, self.concurrency)):
                submit_next()
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in finished:
                    exp = running.pop(fut)
                    rec = fut.result()
                    if self.cancel.is_set() and _was_cancelled(rec):
                        continue  # not finished: a rerun does it again
                    with_earlier(rec, stored.get(exp.id))  # the other system's answer stays, under these checks
                    try:
                        sink.write(json.dumps(rec, ensure_ascii=False) + "\n")
                        sink.flush()
                    except OSError:  # a full disk: nothing more can be kept, so nothing more runs
                        self.cancel.set()
                        raise
                    progress.done += 1
                    progress.record = rec
                    progress.elapsed_s = time.perf_counter() - started
                    yield progress
                    submit_next()
        progress.record = None
        progress.stopped = self.cancel.is_set()
        progress.finished = not progress.stopped
        progress.elapsed_s = time.perf_counter() - started
        yield progress


@contextmanager
def appending(path: Path) -> Iterator[TextIO]:
    """A results file opened to add records at its end; a last line torn by a crash is ended
    first, so that the next record starts on its own."""
    with path.open("a", encoding="utf-8") as sink:
        if _torn(path):
            sink.write("\n")
        yield sink


def _torn(path: Path) -> bool:
    """Whether a file's last line lacks its newline (a process killed while writing it)."""
    with path.open("rb") as fh:
        if fh.seek(0, 2) == 0:
            return False
        fh.seek(-1, 2)
        return fh.read(1) != b"\n"


def _was_cancelled(rec: dict[str, Any]) -> bool:
    for name in SYSTEMS.values():
        res = rec.get(name)
        if res and res["metadata"].get("finish_reason") == "cancelled":
            return True
    return False
