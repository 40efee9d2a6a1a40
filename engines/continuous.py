"""Continuous batching on our own decode loop: finished rows leave, waiting requests join.

A dynamically batched ``generate`` (``engines.generate_batching``) runs until its longest row is done, so
a request that arrives meanwhile waits, and the short rows' slots sit idle. Here one worker
thread owns the model and a key/value cache shared by all running rows; between two decode
steps it drops the rows that finished and prefills newly arrived requests into free slots.

Every row keeps its own sampling settings (temperature, top-p, top-k, repetition penalty,
no-repeat n-grams: transformers' own logits processors, applied per row or per group of rows
with equal settings; min new tokens: one mask over the end tokens of the rows still short of
their minimum), its own budget, stop and cancellation. A seeded request draws from a random
generator of its own, so its draws do not depend on what else is running, and it is batched like
any other (a request that ran alone while seeded rows held the batch made every seeded workload —
repeats in the tuning tab, the FR/EN budget sweep, a seeded preset — one request at a time). Its
text is the same alone or batched as long as batching does not move its probabilities across a
draw: tests check it on CPU in float32; on a GPU, kernels chosen by batch size can shift a near-tie
in bfloat16. A failure in a step (out of memory, say) fails the rows of that step only; a failure
while prefilling new rows fails those rows and the running ones go on.

It needs a model whose cache layers are plain full-attention layers (Qwen3, Llama, Mistral
without sliding windows); `supported` says so, and the local engine falls back to the
``generate`` scheduler otherwise.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from transformers import DynamicCache
from transformers.generation import (
    MinPLogitsWarper,
    NoRepeatNGramLogitsProcessor,
    RepetitionPenaltyLogitsProcessor,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from engines.batching import Job, Scheduler, left_pad
from engines.slots import SlotStore, additive_mask, cache_keyword, mask_keys

log = logging.getLogger(__name__)


def supported(model: Any) -> bool:
    """True when every attention layer is full attention (a cache we can pad and merge)."""
    config = getattr(model, "config", None)
    if config is None:
        return False
    layer_types = set(getattr(config, "layer_types", None) or ["full_attention"])
    return layer_types == {"full_attention"} and not getattr(config, "use_sliding_window", False)


@dataclass(eq=False)
class _Row:
    """A running request: its job, its sampling state and its token history."""

    job: Job
    tokens: list[int]  # prompt + generated, for history-based processors
    processors: list
    generator: torch.Generator | None
    position: int = 0  # position id of `last`, the token the next step feeds in
    last: int = 0  # last sampled token, the next step's input
    warp_key: tuple = field(default=())


def _make_row(job: Job) -> _Row:
    p = job.params
    processors: list = []  # the ones that read the row's history; min_new_tokens is a mask in _sample
    if p.repetition_penalty != 1.0:
        processors.append(RepetitionPenaltyLogitsProcessor(p.repetition_penalty))
    if p.no_repeat_ngram_size:
        processors.append(NoRepeatNGramLogitsProcessor(p.no_repeat_ngram_size))
    generator = None
    if p.seed is not None:
        generator = torch.Generator().manual_seed(p.seed)
    warp_key = () if p.greedy else (p.temperature, p.top_k, p.top_p, p.min_p)
    return _Row(job, list(job.input_ids), processors, generator, warp_key=warp_key)


def _has_lora(model: Any) -> bool:
    return hasattr(model, "peft_config")


def _draw(probs: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One token from one row's probabilities with the row's own (CPU) generator."""
    if probs.device.type != "cpu":
        return torch.multinomial(probs.cpu(), 1, generator=generator).to(probs.device).view(())
    return torch.multinomial(probs, 1, generator=generator).view(())


class _AdapterRouting:
    """Sends each row of a batch through its own LoRA adapter (or none: "__base__").

    peft's LoRA layers take ``adapter_names`` (one per row) in their forward; peft itself passes
    them with hooks that it installs and removes around each call, walking the whole model every
    time — a cost paid per decode step here. Instead, one hook per LoRA layer is installed once
    and reads the names of the rows now running.
    """

    def __init__(self) -> None:
        self._names: list[str] | None = None
        self._hooked: weakref.WeakSet = weakref.WeakSet()

    def attach(self, model: Any) -> None:
        """Hook the model's LoRA layers not hooked yet (an adapter loaded later may add some)."""
        from peft.tuners.lora import LoraLayer

        for module in model.modules():
            if isinstance(module, LoraLayer) and module not in self._hooked:
                module.register_forward_pre_hook(self._hook, with_kwargs=True)
                self._hooked.add(module)

    def _hook(self, module: Any, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        if self._names is not None and "adapter_names" not in kwargs:
            kwargs["adapter_names"] = self._names
        return args, kwargs

    @contextlib.contextmanager
    def rows(self, names: list[str] | None):
        self._names = names
        try:
            yield
        finally:
            self._names = None


def _pad_left(t: torch.Tensor, extra: int, dim: int) -> torch.Tensor:
    """Pad `extra` zeros at the start of dimension `dim` (−1 or −2)."""
    if extra == 0:
        return t
    pad = [0, 0] * (-dim - 1) + [extra, 0]
    return F.pad(t, pad)


class _DynamicStore:
    """The running rows' keys and values in one DynamicCache that grows a column per step;
    new rows are merged in by left-padding the shorter side. Any device, any adapters."""

    def __init__(self, forward, model: Any) -> None:
        self._forward = forward
        self._mask_keys = mask_keys(model)
        self.reset()

    def reset(self) -> None:
        self.cache: DynamicCache | None = None
        self.mask: torch.Tensor | None = None  # (rows, columns): 1 = real token

    def add(self, cache: DynamicCache, mask: torch.Tensor) -> None:
        if self.cache is None:
            self.cache, self.mask = cache, mask
            return
        old_len, new_len = self.mask.shape[1], mask.shape[1]
        length = max(old_len, new_len)
        for old, new in zip(self.cache.layers, cache.layers, strict=True):
            old.keys = torch.cat([_pad_left(old.keys, length - old_len, -2),
                                  _pad_left(new.keys, length - new_len, -2)])
            old.values = torch.cat([_pad_left(old.values, length - old_len, -2),
                                    _pad_left(new.values, length - new_len, -2)])
        self.mask = torch.cat([_pad_left(self.mask, length - old_len, -1),
                               _pad_left(mask, length - new_len, -1)])

    def step(self, tokens: list[int], positions: list[int], adapters: list[str] | None) -> torch.Tensor:
        ids = torch.tensor([[t] for t in tokens], dtype=torch.long)
        self.mask = torch.cat([self.mask, torch.ones((len(tokens), 1), dtype=torch.long)], dim=1)
        where = torch.tensor([[p] for p in positions], dtype=torch.long)
        # One query token per row needs no causal structure: the padding mask, prepared here,
        # spares the model building its masks again at every step.
        keys = self.cache.layers[0].keys
        window = additive_mask(self.mask.to(keys.device), keys.dtype)
        return self._forward(ids, {key: window for key in self._mask_keys}, where, self.cache, adapters)

    def keep(self, index: list[int]) -> None:
        if not index:
            self.reset()
            return
        rows = torch.tensor(index)
        self.cache.batch_select_indices(rows.to(self.cache.layers[0].keys.device))
        self.mask = self.mask.index_select(0, rows)
        # Columns that are padding for every remaining row are dead weight: cut them off.
        used = self.mask.any(dim=0).nonzero()
        start = int(used[0]) if len(used) else 0
        if start:
            self.mask = self.mask[:, start:]
            for layer in self.cache.layers:
                layer.keys = layer.keys[..., start:, :]
                layer.values = layer.values[..., start:, :]


class ContinuousScheduler(Scheduler):
    """Keeps up to `max_batch_size` requests decoding together on one worker thread.

    `slots`: keep the rows' keys and values in fixed slots (`engines.slots`) and, on a GPU,
    replay each decode step as a CUDA graph. None (the default) means: on CUDA. A step in which a
    row uses a LoRA adapter runs eagerly (peft routes rows to adapters in Python, which a graph
    cannot replay); steps of base-model rows replay graphs whether adapters are loaded or not.
    """

    def __init__(self, model: Any, *, slots: bool | None = None, cuda_graphs: bool = True,
                 max_columns: int | None = None, **kwargs: Any) -> None:
        super().__init__(model, **kwargs)
        self._eos_index = torch.tensor(sorted(self.eos_ids), dtype=torch.long, device=self.device)
        self._rows: list[_Row] = []
        self._began = time.perf_counter()
        self._routing = _AdapterRouting()
        if self.adapters:
            self._routing.attach(model)
        if slots is None:
            slots = cuda_graphs and self.device.type == "cuda"
        self._store = (SlotStore(model, self.device, self.max_batch_size, graphs=cuda_graphs,
                                 max_columns=max_columns, routing=self._routing)
                       if slots else _DynamicStore(self._forward, model))
        self._start()

    @property
    def decode(self) -> str:
        """How decode steps run: "cuda-graphs", "slots" (eager, fixed slots) or "dynamic"."""
        if isinstance(self._store, SlotStore):
            return "cuda-graphs" if self._store.graphs else "slots"
        return "dynamic"

    # ------------------------------------------------------------ worker

    def _use_model(self, model: Any) -> None:
        super()._use_model(model)
        if _has_lora(model):
            self._routing.attach(model)
        if isinstance(self._store, SlotStore):
            self._store.use_model(model)

    def _running(self) -> list[Job]:
        return [row.job for row in self._rows]

    def _loop(self) -> None:
        while True:
            self._run_tasks()
            new = self._admit()
            if new is None:
                for row in self._rows:
                    row.job.finish("cancelled")
                return
            if new:
                rows = [_make_row(j) for j in new]
                self._guarded(self._prefill, rows, only_new=True)
            if self._rows:
                self._guarded(self._advance, self._rows, only_new=False)
            if not self._rows and isinstance(self._store, SlotStore):
                self._store.release_if_large()
            self._trim(idle=not self._rows and not self.queue_depth)

    def _admit(self) -> list[Job] | None:
        """Jobs to start now, first come first served, as many as the batch has room for."""
        with self._cond:
            while not self._pending and not self._rows and not self._tasks and not self._closed:
                self._cond.wait()
            if self._closed:
                return None
            if not self._pending:
                return []
        if not self._rows and self.max_batch_size > 1 and self.gather_s:
            time.sleep(self.gather_s)  # let requests that arrive together start together
        with self._cond:
            room = self.max_batch_size - len(self._rows)
            taken = self._live_pending()[:max(0, room)]
            self._pending = [j for j in self._pending if j not in taken]
            return taken

    def _guarded(self, work, rows: list[_Row], *, only_new: bool) -> None:
        self._began = time.perf_counter()  # the rows share this pass's time (_sample_and_emit)
        try:
            with torch.inference_mode():
                work(rows)
        except Exception as exc:  # noqa: BLE001 - any failure ends these rows; _fail logs it
            if not only_new:  # the shared cache is in an unknown state: start afresh
                self._rows = []
                self._store.reset()
            self._fail([row.job for row in rows], exc)

    def _forward(self, ids: torch.Tensor, mask: torch.Tensor | dict[str, torch.Tensor],
                 positions: torch.Tensor, cache: DynamicCache, adapters: list[str] | None) -> torch.Tensor:
        mask = mask if isinstance(mask, dict) else mask.to(self.device)
        with self._routing.rows(adapters):
            out = self.model(input_ids=ids.to(self.device), attention_mask=mask,
                             position_ids=positions.to(self.device), use_cache=True, logits_to_keep=1,
                             **{cache_keyword(self.model): cache})
        return out.logits[:, -1, :].float()

    def _adapters(self, rows: list[_Row]) -> list[str] | None:
        """Each row's adapter, or None when no row uses one (the plain forward is the base model)."""
        if not self.uses_adapters or not any(r.job.adapter for r in rows):
            return None
        return [r.job.adapter or "__base__" for r in rows]

    def _prefill(self, rows: list[_Row]) -> None:
        ids, mask = left_pad([r.job.input_ids for r in rows], self.pad_id)
        for row in rows:
            row.position = len(row.job.input_ids)
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        cache = DynamicCache()
        logits = self._forward(ids, mask, positions, cache, self._adapters(rows))
        self._store.add(cache, mask)
        self._rows.extend(rows)
        self._sample_and_emit(rows, logits)

    def _advance(self, rows: list[_Row]) -> None:
        self._step(rows)
        self._drop_finished()

    def _step(self, rows: list[_Row]) -> None:
        self.largest_batch = max(self.largest_batch, len(rows))
        logits = self._store.step([r.last for r in rows], [r.position for r in rows], self._adapters(rows))
        for row in rows:
            row.position += 1
        self._sample_and_emit(rows, logits)

    def _sample_and_emit(self, rows: list[_Row], logits: torch.Tensor) -> None:
        chosen = self._sample(rows, logits).tolist()  # waits for the device: the pass is done
        now = time.perf_counter()
        for row in rows:
            row.job.charge((now - self._began) / len(rows))
        self._began = now
        for row, token in zip(rows, chosen, strict=True):
            row.last = token
            if row.job.deliver(token, now, self.eos_ids):
                row.tokens.append(token)

    def _sample(self, rows: list[_Row], logits: torch.Tensor) -> torch.Tensor:
        # min_new_tokens (as transformers' MinNewTokensLengthLogitsProcessor): no end token yet.
        short = [i for i, row in enumerate(rows) if row.job.generated < row.job.params.min_new_tokens]
        if short:
            logits[torch.tensor(short, device=logits.device)[:, None], self._eos_index] = -math.inf
        for i, row in enumerate(rows):
            if row.processors:
                history = torch.tensor([row.tokens], dtype=torch.long, device=logits.device)
                scores = logits[i:i + 1]
                for processor in row.processors:  # the list's own call inspects signatures each time
                    scores = processor(history, scores)
                logits[i:i + 1] = scores
        if not any(row.warp_key for row in rows):
            return logits.argmax(-1)  # all greedy: one kernel
        chosen = torch.empty(len(rows), dtype=torch.long, device=logits.device)
        groups: dict[tuple, list[int]] = {}
        for i, row in enumerate(rows):
            groups.setdefault(row.warp_key, []).append(i)
        for key, members in groups.items():
            index = torch.tensor(members, device=logits.device)
            scores = logits.index_select(0, index)
            if not key:
                chosen[index] = scores.argmax(-1)
                continue
            temperature, top_k, top_p, min_p = key  # in generate's order
            scores = TemperatureLogitsWarper(temperature)(None, scores)
            if top_k:
                scores = TopKLogitsWarper(top_k)(None, scores)
            if top_p < 1.0:
                scores = TopPLogitsWarper(top_p)(None, scores)
            if min_p:
                scores = MinPLogitsWarper(min_p)(None, scores)
            probs = scores.softmax(-1)
            shared = [k for k, i in enumerate(members) if rows[i].generator is None]
            if len(shared) == len(members):
                chosen[index] = torch.multinomial(probs, 1).view(-1)
                continue
            if shared:  # the unseeded rows draw together from the global generator
                at = torch.tensor(shared, device=logits.device)
                chosen[index[at]] = torch.multinomial(probs.index_select(0, at), 1).view(-1)
            for k, i in enumerate(members):  # each seeded row from its own
                if rows[i].generator is not None:
                    chosen[i] = _draw(probs[k:k + 1], rows[i].generator)
        return chosen

    def _drop_finished(self) -> None:
        for row in self._rows:
            if row.job.halt.is_set():
                row.job.finish(row.job.halt_reason)
        keep = [i for i, r in enumerate(self._rows) if not r.job.finished]
        if len(keep) == len(self._rows):
            return
        self._rows = [self._rows[i] for i in keep]
        self._store.keep(keep)
