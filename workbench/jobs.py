"""Many generations at once, results as they finish, and a Stop that really stops.

The FR/EN inspection, the budget sweep and the tuning runs each send many requests at once so
that the local engine batches them. Once a Stop sets the cancel flag, the jobs that have not
started are skipped: starting each one only to cancel it at once would fill the tables with
hundreds of empty "cancelled" answers and count them in the rates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, TypeVar

T = TypeVar("T")
_SKIPPED = object()


def as_they_finish(fn: Callable[..., T], jobs: Iterable[tuple[Any, ...]],
                   cancel: threading.Event | None = None, workers: int = 8) -> Iterator[T]:
    """``fn(*job)`` for every job on up to `workers` threads, yielded in the order they finish.

    Jobs not yet started when `cancel` is set are skipped (those running end themselves: the
    engines watch the same flag). Closing the iterator early (the browser went away) drops the
    jobs still queued instead of running them for nobody.
    """
    jobs = list(jobs)
    if not jobs:
        return

    def guarded(*job: Any) -> Any:
        if cancel is not None and cancel.is_set():
            return _SKIPPED
        return fn(*job)

    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs))))
    try:
        for fut in as_completed([pool.submit(guarded, *job) for job in jobs]):
            result = fut.result()
            if result is not _SKIPPED:
                yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
