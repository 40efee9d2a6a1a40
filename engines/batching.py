"""Dynamic batching of `model.generate` with per-row streaming, stopping and cancellation.

One worker thread owns the model. Requests wait in a queue; the worker takes every waiting
request whose sampling settings are compatible (same temperature, top-p, …; per-row budgets and
stop conditions may differ) and runs them as one left-padded batch. Each row streams its own
token ids to its own queue and stops on its own (end token, its own budget, cancellation or a
stop string seen by the consumer) while the other rows go on. A failure in `generate` (out of
memory, say) fails only the rows of that batch; the worker then serves the next batch.

On CPU this beats transformers' continuous batching by far (see FACTS.md and bench/); with
``max_batch_size=1`` it is the plain one-request-at-a-time path, kept for comparison.
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
from transformers import GenerationConfig, StoppingCriteria, StoppingCriteriaList
from transformers.generation.streamers import BaseStreamer

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


class _RowStreamer(BaseStreamer):
    """Routes each step's tokens to the jobs' queues and decides when a row is finished."""

    def __init__(self, jobs: list[Job], eos_ids: set[int]) -> None:
        self.jobs = jobs
        self.eos_ids = eos_ids
        self._prompt_seen = False
        self._last = time.perf_counter()  # the prefill counts towards the first step

    def put(self, value: torch.Tensor) -> None:
        if not self._prompt_seen:  # generate() first hands over the prompt
            self._prompt_seen = True
            return
        tokens = value.view(-1).tolist()
        now = time.perf_counter()
        live = [job for job in self.jobs if not job.finished]
        for job in live:  # generate() still computes finished rows; the live ones share the step
            job.charge((now - self._last) / len(live))
        self._last = now
        for job, token in zip(self.jobs, tokens, strict=True):
            job.deliver(token, now, self.eos_ids)

    def end(self) -> None:
        for job in self.jobs:
            job.finish(job.halt_reason if job.halt.is_set() else "length")


class _RowStop(StoppingCriteria):
    """Tells generate() which rows are done (finished, cancelled, or out of budget)."""

    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs

    def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> torch.BoolTensor:
        flags = [job.finished or job.halt.is_set() for job in self.jobs]
        return torch.tensor(flags, dtype=torch.bool, device=input_ids.device)


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


class BatchScheduler(Scheduler):
    """Runs queued jobs in compatible batches of `model.generate` on one worker thread."""

    def __init__(self, model: Any, **kwargs: Any) -> None:
        super().__init__(model, **kwargs)
        self._start()

    # ------------------------------------------------------------ worker

    def _take_batch(self) -> list[Job] | None:
        with self._cond:
            while not self._pending and not self._tasks and not self._closed:
                self._cond.wait()
            if self._closed:
                return None
            if not self._pending:
                return []  # a task to run first
        if self.max_batch_size > 1 and self.gather_s:
            time.sleep(self.gather_s)  # let requests that arrive together share the batch
        with self._cond:
            live = self._live_pending()
            if not live:
                return []
            first = live[0]
            key = first.batch_key()
            batch = [first]
            if key is not None:
                for job in live[1:]:
                    if len(batch) >= self.max_batch_size:
                        break
                    if job.batch_key() == key:
                        batch.append(job)
            self._pending = [j for j in live if j not in batch]
            return batch

    def _loop(self) -> None:
        while True:
            self._run_tasks()
            batch = self._take_batch()
            if batch is None:
                return
            if not batch:
                continue
            try:
                self._run(batch)
            except Exception as exc:  # noqa: BLE001 - any failure ends this batch's jobs; _fail logs it
                self._fail(batch, exc)
            self._trim(idle=not self.queue_depth)

    def _run(self, jobs: list[Job]) -> None:
        self.largest_batch = max(self.largest_batch, len(jobs))
        ids, mask = left_pad([j.input_ids for j in jobs], self.pad_id)
        p = jobs[0].params
        config = GenerationConfig(
            max_new_tokens=max(j.max_new_tokens for j in jobs),
            min_new_tokens=p.min_new_tokens or None,
            do_sample=not p.greedy,
            temperature=p.temperature if not p.greedy else None,
            top_p=p.top_p if not p.greedy else None,
            top_k=(p.top_k or None) if not p.greedy else None,
            min_p=(p.min_p or None) if not p.greedy else None,
            repetition_penalty=p.repetition_penalty if p.repetition_penalty != 1.0 else None,
            no_repeat_ngram_size=p.no_repeat_ngram_size or None,
            eos_token_id=sorted(self.eos_ids), pad_token_id=self.pad_id)
        if p.seed is not None:
            torch.manual_seed(p.seed)
        kwargs: dict[str, Any] = {}
        if self.uses_adapters and any(j.adapter for j in jobs):
            kwargs["adapter_names"] = [j.adapter or "__base__" for j in jobs]
        with torch.inference_mode():
            self.model.generate(
                input_ids=ids.to(self.device), attention_mask=mask.to(self.device),
                generation_config=config, streamer=_RowStreamer(jobs, self.eos_ids),
                stopping_criteria=StoppingCriteriaList([_RowStop(jobs)]), **kwargs)
