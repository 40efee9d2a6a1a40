"""Local transformers engine: a model from the Hub or a directory, on GPU or CPU.

Options: bf16 on GPU, an attention implementation, 4/8-bit loading through bitsandbytes
(`engines.quantization`), and LoRA adapters through peft (several loaded by name, chosen per
request; none = base model).
Prompts are rendered with the model's own chat template (``enable_thinking`` passed through), so
system prompts work whenever the template supports them. Generation runs on one worker thread
that batches concurrent requests, each streaming its own tokens: continuous batching on our own
decode loop (`engines.continuous`, the default) or dynamic batching of ``generate``
(`engines.generate_batching`, kept for comparison and for models whose cache cannot be merged).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch

from engines import adapters, continuous
from engines.base import (
    CancelledError,
    ChatRequest,
    ConfigurationError,
    ContextTooLongError,
    Done,
    EngineError,
    InvalidRequestError,
    StreamEvent,
    StreamStats,
    TextDelta,
    decode_rate,
)
from engines.batching import END, ERROR, Job
from engines.confidence import TokenChance, answer_head, token_chances
from engines.cost import time_cost
from engines.detok import StopMatcher, incremental_decoder
from engines.generate_batching import BatchScheduler
from engines.local_config import Batching, LocalModelConfig, find_adapters
from engines.local_load import cpu_threads_for, load_weights, pick_device
from engines.prompt import prompt_token_count, render_prompt
from engines.reasoning import OPEN_TAG, ThinkSplitter, merge_pieces

log = logging.getLogger(__name__)


class LocalFailure(EngineError):
    """The local model failed while generating (e.g. out of memory)."""

    kind = "local_failure"
    retryable = True


class LocalEngine:
    """System B's model, served from this process."""

    def __init__(self, cfg: LocalModelConfig, name: str = "System B · local model") -> None:
        self.cfg = cfg
        self.name = name
        # A local directory is shown by its name; absolute paths say nothing to a user.
        self.model_id = Path(cfg.model).name if Path(cfg.model).is_dir() else cfg.model
        self.device = pick_device(cfg.device)
        threads = cpu_threads_for(cfg.cpu_threads, self.device)
        self.dtype = torch.bfloat16 if self.device.type == "cuda" else torch.float32
        started = time.perf_counter()
        self.tokenizer, model, quantized = load_weights(cfg, self.device, self.dtype)
        self._adapter_info: dict[str, dict[str, Any]] = {}  # name -> its entry (source, rank…), as loaded
        self._adapter_lock = threading.Lock()  # one load or unload at a time
        if found := find_adapters(cfg):
            model = self._load_adapters(model, found)
        self.model = model
        self.load_seconds = time.perf_counter() - started
        self.context_length = int(getattr(model.config, "max_position_embeddings", 0) or 0) or None
        self.eos_ids = self._eos_ids()
        pad = self.tokenizer.pad_token_id
        self.pad_id = pad if pad is not None else min(self.eos_ids)
        self.batching: Batching = cfg.batching
        if cfg.batching == "continuous" and not continuous.supported(model):
            log.info("%s uses sliding-window attention: batching with generate instead", cfg.model)
            self.batching = "generate"
        common = dict(pad_id=self.pad_id, eos_ids=self.eos_ids, device=self.device,
                      max_batch_size=cfg.max_batch_size, adapters=self.adapters,
                      cpu_threads=threads)
        if self.batching == "continuous":
            self.scheduler = continuous.ContinuousScheduler(
                model, cuda_graphs=cfg.cuda_graphs and not quantized, max_columns=self.context_length, **common)
        else:
            self.scheduler = BatchScheduler(model, **common)
        log.info("loaded %s on %s (%s, %s) in %.1fs; adapters: %s", cfg.model, self.device,
                 self.dtype, cfg.quantization, self.load_seconds, self.adapters or "none")

    # ------------------------------------------------------------ loading helpers

    def _load_adapters(self, model: Any, found: dict[str, str]) -> Any:
        for name, source in found.items():
            try:
                folder = adapters.adapter_folder(source)
                model = adapters.attach(model, name, folder)
            except InvalidRequestError as exc:
                raise ConfigurationError(f"could not load LoRA adapter {name!r}: {exc}") from None
            self._adapter_info[name] = {"name": name, "source": source, "loaded": "at start",
                                        **adapters.describe(folder)}
        return model

    def _eos_ids(self) -> set[int]:
        ids: set[int] = set()
        gen = getattr(self.model, "generation_config", None)
        eos = getattr(gen, "eos_token_id", None)
        if isinstance(eos, int):
            ids.add(eos)
        elif eos:
            ids.update(eos)
        if self.tokenizer.eos_token_id is not None:
            ids.add(self.tokenizer.eos_token_id)
        return ids

    # ------------------------------------------------------------ engine protocol

    @property
    def adapters(self) -> list[str]:
        return list(self._adapter_info)

    def model_name(self, adapter: str | None) -> str:
        """The model that answers a request: with an adapter, the model and the adapter ("demo-model
        + fr-v2"), so that every table naming the model behind System B tells a fine-tune from its
        base (the runs overview, the leaderboard, the saved-runs lines)."""
        return f"{self.model_id} + {adapter}" if adapter else self.model_id

    def adapter_list(self) -> list[dict[str, Any]]:
        """Each loaded adapter: name, source, rank, alpha, target modules, and when it was loaded."""
        return [dict(info) for info in list(self._adapter_info.values())]

    def load_adapter(self, name: str, source: str) -> dict[str, Any]:
        """Load a LoRA adapter (a folder on this machine or a Hub id) while the engine serves:
        the rows running pause while its weights are put in, then requests may name it. Raises
        InvalidRequestError for a name or an adapter that cannot be loaded; nothing changes then."""
        with self._adapter_lock:
            name = adapters.check_name(name, self.adapters)
            started = time.perf_counter()
            folder = adapters.adapter_folder(source)
            self.scheduler.add_adapter(name, lambda model: adapters.attach(model, name, folder))
            self.model = self.scheduler.model
            self._adapter_info[name] = {"name": name, "source": source.strip(), "loaded": "while running",
                                        "load_s": round(time.perf_counter() - started, 2),
                                        **adapters.describe(folder)}
            log.info("loaded LoRA adapter %s from %s", name, source)
            return dict(self._adapter_info[name])

    def unload_adapter(self, name: str) -> None:
        """Unload an adapter no running or waiting request names (InvalidRequestError otherwise)."""
        with self._adapter_lock:
            if name not in self._adapter_info:
                known = ", ".join(self.adapters) or "none loaded"
                raise adapters.UnknownAdapter(f"no adapter named {name!r} is loaded (loaded: {known})")
            self.scheduler.remove_adapter(name, lambda model: adapters.detach(model, name))
            self.model = self.scheduler.model
            del self._adapter_info[name]
            if self.device.type == "cuda":
                torch.cuda.empty_cache()  # give the adapter's memory back
            log.info("unloaded LoRA adapter %s", name)

    def health(self) -> dict[str, Any]:
        return {"status": "ready", "model_id": self.model_id, "device": str(self.device),
                "dtype": str(self.dtype).removeprefix("torch."),
                "quantization": self.cfg.quantization, "adapters": self.adapters,
                "context_length": self.context_length, "max_batch_size": self.cfg.max_batch_size,
                "batching": self.batching, "decode": getattr(self.scheduler, "decode", "generate"),
                "cpu_threads": self.scheduler.cpu_threads if self.device.type == "cpu" else None,
                "queue_depth": self.scheduler.queue_depth, "hourly_usd": self.cfg.hourly_usd}

    def render_prompt(self, request: ChatRequest) -> str:
        """The exact prompt text the model sees (:func:`render_prompt`)."""
        return render_prompt(self.tokenizer, request)

    def prompt_token_count(self, request: ChatRequest) -> int:
        """The tokens of the prompt the model would read for `request` (:func:`prompt_token_count`)."""
        return prompt_token_count(self.tokenizer, request)

    def answer_confidence(self, request: ChatRequest, reasoning: str, answer: str,
                          top: int = 5) -> list[TokenChance]:
        """How sure the model was of each token of `answer`, written for `request` after
        `reasoning` (engines.confidence): read again between two decode steps, through the
        request's adapter. InvalidRequestError for an adapter not loaded."""
        self.scheduler.check_adapter(request.adapter)
        head = answer_head(self.render_prompt(request.model_copy(update={"reasoning_prefill": None})),
                           request.params.enable_thinking, reasoning)

        def work() -> list[TokenChance]:
            names = [request.adapter or "__base__"] if self.scheduler.uses_adapters else None
            try:
                return token_chances(self.scheduler.model, self.tokenizer, head, answer, device=self.device, top=top,
                                     adapter_names=names)
            except (RuntimeError, ValueError) as exc:  # out of memory, a model that refuses the call
                if self.device.type == "cuda":
                    torch.cuda.empty_cache()
                raise LocalFailure("the answer could not be read again: " + (
                    "the local model ran out of memory" if isinstance(exc, torch.OutOfMemoryError)
                    or "out of memory" in str(exc).lower() else f"{type(exc).__name__}: {exc}")) from exc
        return self.scheduler.between_steps(work)

    def stream(self, request: ChatRequest,
               cancel: threading.Event | None = None) -> Iterator[StreamEvent]:
        started = time.perf_counter()
        try:
            prompt, job = self._prepare(request)
        except EngineError as exc:
            yield Done(StreamStats(self.model_name(request.adapter), "error",
                                   total_s=time.perf_counter() - started), exc)
            return
        yield from self._consume(job, prompt, request, started, cancel)

    def _prepare(self, request: ChatRequest) -> tuple[str, Job]:
        self.scheduler.check_adapter(request.adapter)
        prompt = self.render_prompt(request)
        ids = self.tokenizer(prompt, add_special_tokens=False)["input_ids"]
        budget = request.params.max_new_tokens
        if self.context_length:
            room = self.context_length - len(ids)
            if room < 1:
                raise ContextTooLongError(
                    f"the prompt is {len(ids)} tokens but the model's context holds "
                    f"{self.context_length}: shorten the question or the history")
            budget = min(budget, room)
        return prompt, Job(input_ids=ids, params=request.params, max_new_tokens=budget,
                           adapter=request.adapter)

    def _consume(self, job: Job, prompt: str, request: ChatRequest, started: float,
                 cancel: threading.Event | None) -> Iterator[StreamEvent]:
        # A template (or a reasoning prefill) that opens "<think>" starts the reply inside the
        # reasoning block. The prefill itself is ours, not the model's: it is not emitted.
        prefilled = bool(request.reasoning_prefill and request.params.enable_thinking)
        splitter = ThinkSplitter(start_in_reasoning=prefilled or prompt.rstrip().endswith(OPEN_TAG))
        decoder = incremental_decoder(self.tokenizer)
        stopper = StopMatcher(request.params.stop)
        counts = {"reasoning": 0, "content": 0}
        first_at = last_at = None
        finish: str = "error"
        error: EngineError | None = None
        try:
            self.scheduler.submit(job)
        except InvalidRequestError as exc:  # its adapter was unloaded since _prepare
            yield Done(StreamStats(self.model_name(request.adapter), "error",
                                   total_s=time.perf_counter() - started), exc)
            return
        try:
            ended = False
            while not ended:
                items = _waiting(job.out, timeout=0.05)  # one wake-up, one event per channel
                if cancel is not None and cancel.is_set():
                    job.stop("cancelled")
                pieces: list[tuple[str, str]] = []
                for item in items:
                    if item[0] == END:
                        finish, ended = item[1], True
                        break
                    if item[0] == ERROR:
                        error, ended = LocalFailure(_describe_failure(item[1])), True
                        break
                    _, token, at = item
                    first_at = first_at or at
                    last_at = at
                    was_reasoning = splitter.in_reasoning
                    pieces += splitter.feed(decoder.push(token))
                    counts["reasoning" if was_reasoning or splitter.in_reasoning else "content"] += 1
                for event in self._emit(merge_pieces(pieces), stopper):
                    yield event
                if stopper.matched is not None and not job.halt.is_set():
                    job.stop("stop")
            if finish != "cancelled" and error is None:
                tail_pieces = splitter.feed(decoder.flush()) + splitter.finish()
                for event in self._emit(tail_pieces, stopper, final=True):
                    yield event
        except GeneratorExit:  # the consumer went away: free the row at once
            job.stop("cancelled")
            raise
        stats = StreamStats(
            model_id=self.model_name(request.adapter), finish_reason="error" if error else finish,  # type: ignore[arg-type]
            ttft_s=(first_at - started) if first_at else None,
            total_s=time.perf_counter() - started,
            reasoning_tokens=counts["reasoning"], content_tokens=counts["content"],
            tokens_per_s=decode_rate(sum(counts.values()), first_at, last_at),
            reasoning_unclosed=splitter.in_reasoning,
            extras={"prompt_tokens": len(job.input_ids), "device": str(self.device),
                    "compute_s": round(job.compute_s, 4),
                    **({"cost_usd": time_cost(self.cfg.hourly_usd, job.compute_s)}
                       if self.cfg.hourly_usd is not None else {}),
                    **({"adapter": request.adapter} if request.adapter else {}),
                    # the model's context, not max_new_tokens, bounded this answer: a larger budget
                    # would not let it say more (only a shorter conversation would)
                    **({"context_room": job.max_new_tokens}
                       if job.max_new_tokens < request.params.max_new_tokens else {})})
        if finish == "cancelled" and error is None:
            error = CancelledError("generation was stopped")
        yield Done(stats, error)

    @staticmethod
    def _emit(pieces: list[tuple[str, str]], stopper: StopMatcher,
              final: bool = False) -> Iterator[TextDelta]:
        for channel, text in pieces:
            if channel == "content":
                text = stopper.feed(text)
            if text:
                yield TextDelta(channel, text)  # type: ignore[arg-type]
        if final:
            rest = stopper.flush()
            if rest:
                yield TextDelta("content", rest)

    def close(self) -> None:
        self.scheduler.close()


def _waiting(out: queue.Queue, timeout: float) -> list:
    """Every message already waiting on a job's queue, after waiting up to `timeout` for the
    first; [] when none came."""
    try:
        items = [out.get(timeout=timeout)]
    except queue.Empty:
        return []
    while True:
        try:
            items.append(out.get_nowait())
        except queue.Empty:
            return items


def _describe_failure(exc: BaseException) -> str:
    if isinstance(exc, torch.OutOfMemoryError) or "out of memory" in str(exc).lower():
        return ("the local model ran out of memory: lower max_new_tokens, shorten the prompt, "
                "or load the model in 4-bit/8-bit")
    return f"the local model failed while generating: {type(exc).__name__}: {exc}"

