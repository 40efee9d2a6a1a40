"""What System B's schedulers share: a request as a job (its token queue, budget, stop and
cancellation, its share of the compute time), the one worker thread that owns the model and runs
work handed to it between steps (adapters loaded or unloaded), and the memory given back to the
system while idle. The schedulers: engines.generate_batching (dynamic batches of
`model.generate`) and engines.continuous (continuous batching).
"""

from __future__ import annotations

import abc
import ctypes
import ctypes.util
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import torch

from engines.adapters import AdapterInUse
from engines.base import GenerationParams, InvalidRequestError

log = logging.getLogger(__name__)

def _load_malloc_trim():
    """glibc's malloc_trim, or None elsewhere (macOS, musl, Windows)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _load_malloc_trim() if os.environ.get("WORKBENCH_MALLOC_TRIM", "1") != "0" else None


def release_free_memory() -> None:
    """Give freed heap memory back to the OS.

    Every batch allocates tensors of a new shape; glibc keeps the freed pieces in a fragmented
    heap, so a busy CPU server's RSS creeps up for minutes. Trimming now and then keeps it flat.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


TRIM_EVERY_S = 10.0

# Messages a job's queue carries to its consumer.
TOKEN, END, ERROR = "token", "end", "error"


@dataclass(eq=False)
class Job:
    """One request as the worker sees it."""

    input_ids: list[int]
    params: GenerationParams
    max_new_tokens: int
    adapter: str | None = None
    halt: threading.Event = field(default_factory=threading.Event)
    halt_reason: str = "cancelled"  # "cancelled", or "stop" when a stop string ended it
    out: queue.Queue = field(default_factory=queue.Queue)
    generated: int = 0
    finished: bool = False
    compute_s: float = 0.0  # the model's time spent on this job: a step shared by n jobs counts 1/n

    def charge(self, seconds: float) -> None:
        """Count this job's share of a forward pass; before the tokens it produced are handed
        over, so the figure is complete when the consumer sees the end."""
        self.compute_s += seconds

    def batch_key(self) -> tuple | None:
        """Jobs with equal keys can share one `generate` call; None = must run alone."""
        if self.params.seed is not None:
            return None  # a seed fixes the random stream of one request only
        p = self.params
        return (p.greedy, p.temperature, p.top_p, p.top_k, p.min_p, p.repetition_penalty,
                p.no_repeat_ngram_size, p.min_new_tokens)

    def stop(self, reason: str = "cancelled") -> None:
        self.halt_reason = reason
        self.halt.set()

    def finish(self, reason: str) -> None:
        if not self.finished:
            self.finished = True
            self.out.put((END, reason))

    def fail(self, exc: BaseException) -> None:
        if not self.finished:
            self.finished = True
            self.out.put((ERROR, exc))

    def deliver(self, token: int, at: float, eos_ids: set[int]) -> bool:
        """Hand one generated token to the consumer, or end the job; True if it was delivered."""
        if self.finished:
            return False
        if self.halt.is_set():
            self.finish(self.halt_reason)
        elif token in eos_ids:
            self.finish("stop")
        else:
            self.generated += 1
            self.out.put((TOKEN, token, at))
            if self.generated >= self.max_new_tokens:
                self.finish("length")
            return True
        return False


class _Task:
    """Work handed to the worker thread, and its outcome for the thread that waits on it."""

    def __init__(self, work: Callable[[], Any]) -> None:
        self._work = work
        self._done = threading.Event()
        self._value: Any = None
        self._error: BaseException | None = None

    def run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            self._error = exc
        self._done.set()

    def fail(self, exc: BaseException) -> None:
        self._error = exc
        self._done.set()

    def result(self) -> Any:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value


def left_pad(sequences: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Token ids and attention mask, left-padded: every row ends where generation starts."""
    width = max(len(seq) for seq in sequences)
    ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, seq in enumerate(sequences):
        ids[row, width - len(seq):] = torch.tensor(seq)
        mask[row, width - len(seq):] = 1
    return ids, mask


class Scheduler(abc.ABC):
    """What both schedulers share: a worker thread that owns the model, and a queue of jobs."""

    def __init__(self, model: Any, *, pad_id: int, eos_ids: set[int], device: torch.device,
                 max_batch_size: int = 8, gather_s: float = 0.004, adapters: Collection[str] = (),
                 cpu_threads: int | None = None) -> None:
        self.model = model
        self.pad_id = pad_id
        self.eos_ids = eos_ids
        self.device = device
        self.max_batch_size = max(1, max_batch_size)
        self.gather_s = gather_s  # how long to wait for requests that arrive together
        self.adapters: list[str] = list(adapters)  # the LoRA adapters a job may name, as loaded; changed under _cond
        self._pending: list[Job] = []
        self._tasks: list[_Task] = []  # work for the worker thread between two steps
        self._cond = threading.Condition()
        self._closed = False
        self._trimmed_at = 0.0
        self.largest_batch = 0
        self._cpu_threads = cpu_threads
        self.cpu_threads: int | None = None  # what the worker's torch ops run on, once started
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._work, name="local-engine", daemon=True)

    def _start(self) -> None:
        self._thread.start()
        self._started.wait(10)

    def _work(self) -> None:
        if self._cpu_threads:
            # This thread's ops; torch also hands the number to threads started from now on.
            torch.set_num_threads(self._cpu_threads)
        self.cpu_threads = torch.get_num_threads()
        self._started.set()
        self._loop()

    @property
    def uses_adapters(self) -> bool:
        return bool(self.adapters)

    def submit(self, job: Job) -> None:
        with self._cond:
            if self._closed:
                raise RuntimeError("the local engine is shut down")
            self.check_adapter(job.adapter)
            self._pending.append(job)
            self._cond.notify()

    def check_adapter(self, name: str | None) -> None:
        """InvalidRequestError for an adapter no job may name (none is loaded under that name)."""
        if name and name not in self.adapters:
            known = ", ".join(self.adapters) or "none loaded"
            raise InvalidRequestError(f"unknown adapter {name!r} (available: {known})")

    def between_steps(self, work: Callable[[], Any]) -> Any:
        """Run `work` on the worker thread between two steps (no forward pass runs meanwhile, and
        the rows running go on afterwards), wait for it and return what it returns or raise what
        it raised. For changes to the model itself, such as loading a LoRA adapter."""
        task = _Task(work)
        with self._cond:
            if self._closed:
                raise RuntimeError("the local engine is shut down")
            self._tasks.append(task)
            self._cond.notify()
        return task.result()

    def add_adapter(self, name: str, attach: Callable[[Any], Any]) -> None:
        """Between two steps: `attach(model)` loads the adapter into the model and returns the
        model to run from now on (peft wraps a model on its first adapter); then jobs may name it."""
        def work() -> None:
            self._use_model(attach(self.model))
            with self._cond:
                self.adapters.append(name)
        self.between_steps(work)

    def remove_adapter(self, name: str, detach: Callable[[Any], Any]) -> None:
        """Between two steps, unless a running or waiting job names it: no job may name it from
        now on, then `detach(model)` unloads it. Raises AdapterInUse while it is in use."""
        def work() -> None:
            with self._cond:
                users = [j for j in [*self._pending, *self._running()] if j.adapter == name and not j.finished]
                if users:
                    raise AdapterInUse(f"adapter {name!r} is answering {len(users)} request(s): "
                                       "unload it when they end")
                self.adapters.remove(name)
            try:
                self._use_model(detach(self.model))
            except BaseException:
                with self._cond:
                    self.adapters.append(name)  # still loaded: peft failed before taking it out
                raise
        self.between_steps(work)

    def _use_model(self, model: Any) -> None:
        """On the worker thread: run `model` from the next step on."""
        self.model = model

    def _running(self) -> list[Job]:
        """On the worker thread, between steps: the jobs now generating."""
        return []

    def _run_tasks(self) -> None:
        with self._cond:
            tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.run()

    @property
    def queue_depth(self) -> int:
        with self._cond:
            return len(self._pending)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=5)
        with self._cond:
            tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.fail(RuntimeError("the local engine is shut down"))

    @abc.abstractmethod
    def _loop(self) -> None:
        """The worker thread: take jobs, generate, hand tokens out, until closed."""

    def _live_pending(self) -> list[Job]:
        """Under the lock: end the waiting jobs that were cancelled; the others, in order."""
        for job in self._pending:
            if job.halt.is_set():
                job.finish(job.halt_reason)
        self._pending = [j for j in self._pending if not j.finished]
        return self._pending

    def _fail(self, jobs: list[Job], exc: BaseException) -> None:
        """A failed generation (e.g. out of memory) ends these jobs with the error."""
        log.exception("local generation failed for %d request(s)", len(jobs))
        for job in jobs:
            job.fail(exc)
        if self.device.type == "cuda":
            torch.cuda.empty_cache()  # give back what the failed work held

    def _trim(self, idle: bool) -> None:
        """On CPU, hand freed heap memory back when idle and every TRIM_EVERY_S seconds.

        Not after every step: memory handed back must be page-faulted in again by the next
        one, which costs throughput.
        """
        if self.device.type != "cpu":
            return
        now = time.monotonic()
        if (idle and now - self._trimmed_at > 1.0) or now - self._trimmed_at > TRIM_EVERY_S:
            release_free_memory()
            self._trimmed_at = now
