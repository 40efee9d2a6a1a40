"""Concurrent jobs that a Stop, or a caller going away, really stops."""

from __future__ import annotations

import threading
import time

from workbench.jobs import as_they_finish


def test_results_come_as_they_finish_and_a_stop_skips_the_jobs_not_started():
    started: list[int] = []
    cancel = threading.Event()

    def job(n: int, delay: float, until_stopped: bool = False) -> int:
        started.append(n)
        if until_stopped:  # still running when Stop comes, however slowly the consumer is scheduled
            cancel.wait(10)
        time.sleep(delay)
        return n

    out = []
    jobs = [(0, 0.05, True), (1, 0.0), (2, 0.0, True), (3, 0.0), (4, 0.0)]
    for n in as_they_finish(job, jobs, cancel, workers=2):
        out.append(n)
        if n == 1:  # Stop once the freed worker holds job 2 (both workers busy: 3 and 4 wait in the queue)
            deadline = time.monotonic() + 10
            while 2 not in started and time.monotonic() < deadline:
                time.sleep(0.001)
            cancel.set()
    assert out[0] == 1  # the quick one first, though submitted second
    assert 0 in out and sorted(started) == [0, 1, 2]  # the running ones finish, none starts after the Stop


def test_closing_the_results_early_drops_the_queued_jobs():
    started: list[int] = []

    def job(n: int) -> int:
        started.append(n)
        time.sleep(0.05)
        return n

    results = as_they_finish(job, [(n,) for n in range(20)], workers=2)
    next(results)
    results.close()  # the browser went away
    assert len(started) <= 4


def test_no_jobs_no_results():
    assert list(as_they_finish(lambda: 1, [])) == []
