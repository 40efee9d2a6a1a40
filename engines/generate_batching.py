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

import time
from typing import Any

import torch
from transformers import GenerationConfig, StoppingCriteria, StoppingCriteriaList
from transformers.generation.streamers import BaseStreamer

from engines.batching import Job, Scheduler, left_pad


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
