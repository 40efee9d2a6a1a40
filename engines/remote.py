"""OpenAI-compatible remote engine (System A): DeepSeek, Nebius, vLLM, `transformers serve`…

Streams DeepSeek's ``reasoning_content`` deltas as reasoning, and ``<think>`` blocks inside
``content`` through the ThinkSplitter. Asks for usage in the stream and records provider extras
(DeepSeek's prompt cache hits). Enforces its own total deadline, because a loaded provider may
hold a stream open with keep-alive comments for minutes. Retries (the openai client's) happen
only before the first token. The API key never appears in a message, a log line or an error.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import openai

from engines.app_tokenizer import AppTokenizer
from engines.base import (
    AuthenticationError,
    CancelledError,
    ChatRequest,
    ConfigurationError,
    ContextTooLongError,
    Done,
    EngineError,
    EngineTimeoutError,
    GenerationParams,
    InsufficientBalanceError,
    InvalidRequestError,
    RateLimitedError,
    StreamEvent,
    StreamStats,
    TextDelta,
    UpstreamError,
    decode_rate,
)
from engines.chances import TOP_LOGPROBS, from_logprobs
from engines.cost import token_cost
from engines.providers import RemoteConfig
from engines.reasoning import ThinkSplitter
from engines.remote_chunks import apply_usage, chunk_logprobs, reasoning_text
from engines.watchdog import Watchdog

log = logging.getLogger(__name__)


OPTIONAL_FIELDS = {"top_k", "min_p", "repetition_penalty", "min_tokens"}  # sent where a server may take them


class RemoteEngine:
    """System A: a model behind an OpenAI-compatible chat completions API."""

    def __init__(self, cfg: RemoteConfig, name: str = "System A · remote MoE") -> None:
        preset = cfg.preset()
        self.cfg = cfg
        self.preset = preset
        self.name = name
        self.base_url = cfg.base_url or preset.base_url
        self.model_id = cfg.model or preset.model
        self.api_key_env = cfg.api_key_env or preset.api_key_env
        self._client: openai.OpenAI | None = None
        self._client_key_hash: int | None = None
        # Optional sampling fields (top_k, …) are dropped for good once the server rejects them.
        self._extra_sampling = preset.extra_sampling
        self.context_length = cfg.context_length
        # asked for until the server refuses them (then dropped for good, and why kept here)
        self._logprobs = cfg.logprobs
        self.logprobs_problem: str | None = None
        self._tokenizer = AppTokenizer(cfg.tokenizer, "System A's") if cfg.tokenizer else None

    def _key(self) -> str:
        # Read from the environment each time: the key is never stored on the engine.
        return os.environ.get(self.api_key_env, "").strip()

    def __repr__(self) -> str:  # never show the key
        return f"RemoteEngine(provider={self.preset.key!r}, model={self.model_id!r})"

    # ------------------------------------------------------------ status

    @property
    def configured(self) -> bool:
        return bool(self.model_id) and (bool(self._key()) or not self.preset.key_required)

    def configuration_problem(self) -> str | None:
        if not self.model_id:
            return "System A has no model id: set --system-a-model (or SYSTEM_A_MODEL)"
        if self.preset.key_required and not self._key():
            return (f"System A is not configured: set the {self.api_key_env} environment variable "
                    f"to an API key for {self.preset.label}")
        return None

    @property
    def adapters(self) -> list[str]:
        return []

    def health(self) -> dict[str, Any]:
        return {"status": "configured" if self.configured else "not_configured",
                "provider": self.preset.key, "base_url": self.base_url, "model_id": self.model_id,
                "api_key_env": self.api_key_env, "api_key_set": bool(self._key()),
                "problem": self.configuration_problem(),
                "prices": self.cfg.prices.describe() if self.cfg.prices else None,
                "context_length": self.context_length, "tokenizer": self.cfg.tokenizer,
                "tokenizer_problem": self.tokenizer_problem,
                "logprobs": self._logprobs, "logprobs_problem": self.logprobs_problem}

    # ------------------------------------------------------------ counting prompts

    @property
    def tokenizer_problem(self) -> str | None:
        """Why the tokenizer given (--system-a-tokenizer) could not be loaded; None otherwise."""
        return self._tokenizer.problem if self._tokenizer else None

    def prompt_token_count(self, request: ChatRequest) -> int:
        """The prompt tokens the model reads for `request`, counted with its tokenizer when one is
        given (--system-a-tokenizer; the provider's server may add a few of its own). InvalidRequestError
        without one, or when it cannot be loaded: the prompt is then estimated from characters."""
        if self._tokenizer is None:
            raise InvalidRequestError("System A's tokenizer is not given (--system-a-tokenizer)")
        return self._tokenizer.count(request)

    def check_reachable(self, timeout_s: float = 3.0) -> bool:
        """One cheap request (list models); False on any failure. Never raises."""
        if not self.configured:
            return False
        try:
            self._get_client().with_options(timeout=timeout_s, max_retries=0).models.list()
            return True
        except Exception:  # noqa: BLE001 - reachability is a yes/no answer
            return False

    # ------------------------------------------------------------ streaming

    def _get_client(self) -> openai.OpenAI:
        key = self._key()
        if self._client is None or hash(key) != self._client_key_hash:
            timeout = openai.Timeout(self.cfg.read_timeout_s, connect=self.cfg.connect_timeout_s)
            self._client = openai.OpenAI(api_key=key or "not-needed", base_url=self.base_url,
                                         timeout=timeout, max_retries=self.cfg.max_retries)
            self._client_key_hash = hash(key)
        return self._client

    def _request_kwargs(self, request: ChatRequest) -> dict[str, Any]:
        p = request.params
        model = self.model_id
        extra: dict[str, Any] = {}
        if self.preset.thinking == "model" and p.enable_thinking and self.preset.reasoning_model:
            if not self.cfg.model or self.cfg.model == self.preset.model:
                model = self.preset.reasoning_model
        elif self.preset.thinking == "chat_template_kwargs":
            extra["chat_template_kwargs"] = {"enable_thinking": p.enable_thinking}
        if self._extra_sampling:
            if p.top_k:
                extra["top_k"] = p.top_k
            if p.min_p:
                extra["min_p"] = p.min_p
            if p.repetition_penalty != 1.0:
                extra["repetition_penalty"] = p.repetition_penalty
            if p.min_new_tokens:
                extra["min_tokens"] = p.min_new_tokens
        kwargs: dict[str, Any] = {
            "model": model, "messages": request.chat_messages(), "stream": True,
            "stream_options": {"include_usage": True}, "max_tokens": p.max_new_tokens,
            "temperature": p.temperature, "top_p": p.top_p}
        if self._logprobs and model != self.preset.reasoning_model:  # DeepSeek's reasoning model refuses them
            kwargs.update(logprobs=True, top_logprobs=TOP_LOGPROBS)
        if p.seed is not None:
            kwargs["seed"] = p.seed
        if p.stop:
            kwargs["stop"] = p.stop
        if extra:
            kwargs["extra_body"] = extra
        return kwargs

    def stream(self, request: ChatRequest,
               cancel: threading.Event | None = None) -> Iterator[StreamEvent]:
        started = time.perf_counter()
        stats = StreamStats(model_id=self.model_id, finish_reason="error")
        problem = self.configuration_problem()
        if problem:
            stats.total_s = time.perf_counter() - started
            yield Done(stats, ConfigurationError(problem))
            return
        if request.adapter:
            yield Done(stats, InvalidRequestError("System A does not take LoRA adapters"))
            return
        if request.reasoning_prefill:
            yield Done(stats, InvalidRequestError("System A's chat API cannot prefill the reasoning"))
            return
        watchdog = Watchdog(self.cfg.deadline_s, cancel)
        splitter = ThinkSplitter()
        counts = {"reasoning": 0, "content": 0}
        written, answer, tokens = [], [], []  # the content as sent, the answer as split, its tokens' logprobs
        first_at = last_at = None
        finish: str | None = None
        usage: Any = None
        error: EngineError | None = None
        try:
            response, sent = self._open(request)
            not_applied = self.not_applied(request.params, sent)
            if not_applied:
                stats.extras["not_applied"] = not_applied
            watchdog.watch(response)
            for chunk in response:
                if chunk.model:
                    stats.model_id = chunk.model
                if getattr(chunk, "usage", None):
                    usage = chunk.usage
                for choice in chunk.choices or []:
                    delta = choice.delta
                    reasoning = reasoning_text(delta)
                    pieces = [("reasoning", reasoning)] if reasoning else []
                    if delta is not None and delta.content:
                        written.append(delta.content)
                        pieces += splitter.feed(delta.content)
                    tokens += chunk_logprobs(choice)
                    if pieces:
                        last_at = time.perf_counter()
                        first_at = first_at or last_at
                    for channel, text in pieces:
                        counts[channel] += 1
                        if channel == "content":
                            answer.append(text)
                        yield TextDelta(channel, text)  # type: ignore[arg-type]
                    if choice.finish_reason:
                        finish = choice.finish_reason
                if watchdog.fired:
                    break
            for channel, text in splitter.finish():
                if channel == "content":
                    answer.append(text)
                yield TextDelta(channel, text)  # type: ignore[arg-type]
        except GeneratorExit:
            watchdog.cancel_now()
            raise
        except Exception as exc:  # noqa: BLE001 - every failure becomes a typed error
            error = self._map_error(exc)
        finally:
            watchdog.stop()
        if watchdog.fired == "cancelled":
            error, finish = CancelledError("the request to System A was stopped"), "cancelled"
        elif watchdog.fired == "deadline":
            error = EngineTimeoutError(
                f"System A did not finish within {self.cfg.deadline_s:.0f} s (the provider may be "
                "overloaded); try again or raise the deadline")
        elif error is None and finish is None:
            error = UpstreamError("System A's stream ended without a finish reason "
                                  "(the connection may have dropped)")
        stats.finish_reason = ("error" if error and finish != "cancelled" else
                               "cancelled" if finish == "cancelled" else
                               "length" if finish == "length" else "stop")  # type: ignore[assignment]
        stats.ttft_s = (first_at - started) if first_at else None
        stats.total_s = time.perf_counter() - started
        stats.reasoning_unclosed = splitter.in_reasoning
        apply_usage(stats, usage, counts)
        if self.cfg.prices is not None and stats.extras.get("prompt_tokens") is not None:
            stats.extras["cost_usd"] = token_cost(
                self.cfg.prices, stats.extras["prompt_tokens"],
                stats.extras.get("prompt_cache_hit_tokens") or 0, stats.output_tokens)
        stats.tokens_per_s = decode_rate(stats.output_tokens, first_at, last_at)
        if finish and finish not in ("stop", "length", "cancelled"):
            stats.extras["provider_finish_reason"] = finish
        chances = from_logprobs(tokens, "".join(written), "".join(answer)) if tokens and error is None else None
        yield Done(stats, error, tuple(chances) if chances else None)

    def not_applied(self, p: GenerationParams, sent: dict[str, Any]) -> list[str]:
        """The parameters a request sets that System A's API does not take, given what was sent:
        the tuning table and the figures of each answer say so instead of implying they applied."""
        extra = sent.get("extra_body", {})
        out = []
        if self.preset.thinking == "model" and sent["model"] == self.preset.reasoning_model:
            out += ["temperature", "top_p"]  # DeepSeek's thinking mode ignores them
        out += [name for name, field, is_set in (
            ("top_k", "top_k", p.top_k != 0),
            ("min_p", "min_p", p.min_p > 0),
            ("min_new_tokens", "min_tokens", p.min_new_tokens > 0),
            ("repetition_penalty", "repetition_penalty", p.repetition_penalty != 1.0),
        ) if is_set and field not in extra]
        if p.no_repeat_ngram_size:
            out.append("no_repeat_ngram_size")  # no chat-completions field carries it
        return out

    def _open(self, request: ChatRequest) -> tuple[Any, dict[str, Any]]:
        """The streaming response, and the request as it was sent."""
        client = self._get_client()
        kwargs = self._request_kwargs(request)
        try:
            return client.chat.completions.create(**kwargs), kwargs
        except openai.APIStatusError as exc:
            said = _upstream_message(exc)
            if exc.status_code in (400, 422) and kwargs.get("logprobs") and re.search(r"logprob", said, re.I):
                if self._logprobs:  # requests opened together all hear it: each retries
                    log.info("System A refused logprobs; asking without them from now on")
                    self._logprobs = False
                    self.logprobs_problem = f"the server refused them (HTTP {exc.status_code}: {self._scrub(said)})"
                return self._open(request)
            rejected = exc.status_code in (400, 422) and re.search(
                r"unexpected|unrecognized|unknown|extra|not permitted", said, re.I)
            # Whether this request sent the fields, not whether they are still on: requests opened
            # together (a batch) all hear the rejection, and each must retry, not only the first.
            if not (rejected and OPTIONAL_FIELDS & set(kwargs.get("extra_body", {}))):
                raise
            if self._extra_sampling:
                log.info("System A rejected optional sampling fields; retrying without them")
                self._extra_sampling = False
            kwargs = self._request_kwargs(request)
            return client.chat.completions.create(**kwargs), kwargs

    # ------------------------------------------------------------ errors

    def _scrub(self, text: str) -> str:
        key = self._key()
        if key:
            text = text.replace(key, "***")
        return re.sub(r"\b(sk|key|api)[-_][A-Za-z0-9*_-]{6,}", "***", text)

    def _map_error(self, exc: Exception) -> EngineError:
        host = urlparse(self.base_url).netloc or self.base_url
        detail = self._scrub(_upstream_message(exc))
        if isinstance(exc, openai.APIStatusError):
            code = exc.status_code
            if code in (401, 403):
                return AuthenticationError(
                    f"System A rejected the API key (HTTP {code}): check {self.api_key_env}")
            if code == 402:
                return InsufficientBalanceError(
                    f"System A's account has insufficient balance (HTTP 402): top it up at "
                    f"{self.preset.label}")
            if code == 429:
                retry = _retry_after(exc)
                hint = f"; retry in {retry:.0f} s" if retry else "; wait and retry"
                return RateLimitedError(f"System A is rate limiting requests (HTTP 429){hint}",
                                        retry_after_s=retry)
            if code in (400, 413, 422):
                if re.search(r"context|too long|maximum.*tokens", detail, re.I):
                    return ContextTooLongError(
                        f"the request is longer than System A's context (HTTP {code}): shorten "
                        f"the question or lower max_new_tokens. {detail}".strip())
                return InvalidRequestError(f"System A rejected the request (HTTP {code}): {detail}")
            if code == 404:
                return ConfigurationError(
                    f"System A does not know model {self.model_id!r} or the URL is wrong "
                    f"(HTTP 404 from {host})")
            if code == 503:
                return UpstreamError(f"System A is overloaded (HTTP 503 from {host}); retry later")
            return UpstreamError(f"System A failed (HTTP {code} from {host}): {detail}")
        if isinstance(exc, openai.APITimeoutError):
            return EngineTimeoutError(f"System A ({host}) stopped sending data for "
                                      f"{self.cfg.read_timeout_s:.0f} s")
        if isinstance(exc, openai.APIConnectionError):
            return UpstreamError(f"could not reach System A at {host}: {detail}")
        return UpstreamError(f"the connection to System A ({host}) was lost mid-stream "
                             f"({type(exc).__name__})")


def _upstream_message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict) and body.get("detail"):  # FastAPI-style servers
        return str(body["detail"])[:300]
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])[:300]
    return str(getattr(exc, "message", "") or exc)[:300]


def _retry_after(exc: openai.APIStatusError) -> float | None:
    try:
        value = exc.response.headers.get("retry-after")
        return float(value) if value is not None else None
    except (AttributeError, ValueError):
        return None
