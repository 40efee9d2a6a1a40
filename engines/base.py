"""Shared vocabulary of every engine: parameters, requests, stream events, errors.

One streaming method (``Engine.stream``) yields :class:`TextDelta` events and ends with exactly
one :class:`Done` event carrying :class:`StreamStats`. Failures do not raise out of the stream:
they end it with ``finish_reason="error"`` (or ``"cancelled"``) and a typed :class:`EngineError`
in ``Done.error``, so a comparison or a batch can keep partial text, timings and the reason.
Validation errors (bad parameters) are raised by pydantic before any I/O happens.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from engines.chances import TokenChance

Channel = Literal["reasoning", "content"]
FinishReason = Literal["stop", "length", "cancelled", "error"]


class GenerationParams(BaseModel):
    """Sampling and length controls. The UI builds its controls from these fields."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    temperature: float = Field(
        0.6, ge=0.0, le=2.0, title="Temperature",
        description="Randomness of sampling. 0 means greedy decoding (Qwen3 advises against greedy "
        "in thinking mode: it can loop). Qwen3 recommends 0.6 with thinking, 0.7 without.")
    top_p: float = Field(
        0.95, gt=0.0, le=1.0, title="Top-p",
        description="Nucleus sampling: keep the smallest set of tokens whose probabilities add up "
        "to top_p. 1.0 disables it.")
    top_k: int = Field(
        20, ge=0, le=500, title="Top-k",
        description="Sample only among the k most likely tokens. 0 disables it. Ignored by "
        "providers that do not support it.")
    min_p: float = Field(
        0.0, ge=0.0, le=1.0, title="Min-p",
        description="Drop the tokens less likely than min_p × the likeliest one's probability. 0 "
        "disables it (as Qwen3 advises). Ignored by providers that do not support it.")
    max_new_tokens: int = Field(
        1024, ge=1, le=32768, title="Max new tokens",
        description="Budget for the whole reply, reasoning included: when thinking is on, the "
        "reasoning spends this budget first and the answer can be cut off.")
    min_new_tokens: int = Field(
        0, ge=0, le=4096, title="Min new tokens",
        description="The end-of-reply token is suppressed until this many tokens are generated "
        "(local engine only).")
    repetition_penalty: float = Field(
        1.0, ge=0.5, le=2.0, title="Repetition penalty",
        description="Values above 1.0 discourage tokens that already appeared. 1.0 disables it.")
    no_repeat_ngram_size: int = Field(
        0, ge=0, le=20, title="No-repeat n-gram size",
        description="Forbid repeating any n-gram of this size. 0 disables it (local engine only).")
    seed: int | None = Field(
        None, ge=0, le=2**32 - 1, title="Seed",
        description="Fixes the random draws so that sampling is reproducible. Empty = random.")
    enable_thinking: bool = Field(
        True, title="Thinking",
        description="Let the model reason in a <think> block before answering.")
    stop: list[str] = Field(
        default_factory=list, max_length=4, title="Stop strings",
        description="Generation ends when the answer contains one of these (at most 4).")

    @field_validator("stop")
    @classmethod
    def _check_stop(cls, value: list[str]) -> list[str]:
        for item in value:
            if not item or len(item) > 64:
                raise ValueError("each stop string must have 1 to 64 characters")
        return value

    @model_validator(mode="after")
    def _check_lengths(self) -> GenerationParams:
        if self.min_new_tokens > self.max_new_tokens:
            raise ValueError(
                f"min_new_tokens ({self.min_new_tokens}) cannot exceed max_new_tokens "
                f"({self.max_new_tokens})")
        return self

    @property
    def greedy(self) -> bool:
        return self.temperature == 0.0


_THINK_BLOCK = re.compile(r"<think>.*?</think>\s*", re.DOTALL)


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "user", "assistant"]
    content: str


class ChatRequest(BaseModel):
    """One chat turn to answer: the history, an optional system prompt, parameters, adapter."""

    model_config = ConfigDict(extra="forbid")

    messages: list[Message] = Field(min_length=1)
    system_prompt: str | None = None
    params: GenerationParams = Field(default_factory=GenerationParams)
    adapter: str | None = Field(None, description="LoRA adapter name; None = base model.")
    reasoning_prefill: str | None = Field(
        None, max_length=500, description="Text the reasoning block starts with (local engine "
        "only), e.g. a French opening to steer the reasoning language.")
    transaction: dict[str, Any] | None = Field(
        None, description="A transaction to assess; routed on, and shown to the model as JSON "
        "after the question.")

    @model_validator(mode="after")
    def _check_messages(self) -> ChatRequest:
        if self.messages[-1].role != "user":
            raise ValueError("the last message must come from the user")
        if not self.messages[-1].content.strip():
            raise ValueError("the question is empty")
        return self

    def chat_messages(self) -> list[dict[str, str]]:
        """Messages as a chat template wants them.

        Earlier assistant turns lose their reasoning (Qwen3's guidance: reasoning is not fed
        back), and the system prompt, when given, comes first and replaces any in the history.
        """
        out: list[dict[str, str]] = []
        system = self.system_prompt
        for msg in self.messages:
            if msg.role == "system":
                system = system if system is not None else msg.content
                continue
            content = msg.content
            if msg.role == "assistant":
                content = _THINK_BLOCK.sub("", content)
            out.append({"role": msg.role, "content": content})
        if self.transaction:
            out[-1]["content"] = with_transaction(out[-1]["content"], self.transaction)
        if system and system.strip():
            out.insert(0, {"role": "system", "content": system})
        return out

    @classmethod
    def single(cls, question: str, system_prompt: str | None = None,
               params: GenerationParams | None = None, adapter: str | None = None,
               transaction: dict[str, Any] | None = None) -> ChatRequest:
        return cls(messages=[Message(role="user", content=question)], system_prompt=system_prompt,
                   params=params or GenerationParams(), adapter=adapter, transaction=transaction)

    @property
    def question(self) -> str:
        return self.messages[-1].content


def param_bounds(name: str) -> tuple[float | None, float | None]:
    """The range GenerationParams allows for a field (None where it has no bound)."""
    lo = hi = None
    for meta in GenerationParams.model_fields[name].metadata:
        lo = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else lo
        lo = getattr(meta, "gt", None) if getattr(meta, "gt", None) is not None else lo
        hi = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else hi
    return lo, hi


def validation_problems(exc: ValidationError) -> str:
    """A pydantic error as one line naming each field at fault: "max_new_tokens: Input should be…"."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'parameters'}: {e['msg']}" for e in exc.errors())


def with_transaction(question: str, transaction: dict[str, Any] | None) -> str:
    """The user message as models see it: the question, then the transaction as JSON."""
    if not transaction:
        return question
    return f"{question}\n\nTransaction:\n{json.dumps(transaction, ensure_ascii=False)}"


# ---------------------------------------------------------------- stream events


@dataclass(frozen=True)
class TextDelta:
    channel: Channel
    text: str


@dataclass
class StreamStats:
    """Final figures of one reply. Definitions are shared by the UI, CSV and benchmarks."""

    model_id: str
    finish_reason: FinishReason
    ttft_s: float | None = None  # request sent -> first token of any channel
    total_s: float = 0.0  # request sent -> end of stream
    reasoning_tokens: int = 0
    content_tokens: int = 0
    tokens_per_s: float | None = None  # decode rate after the first token
    reasoning_unclosed: bool = False  # the stream ended inside an unclosed <think> block
    extras: dict[str, Any] = field(default_factory=dict)  # provider-specific figures

    @property
    def output_tokens(self) -> int:
        return self.reasoning_tokens + self.content_tokens

    @property
    def reasoning_share(self) -> float | None:
        total = self.output_tokens
        return self.reasoning_tokens / total if total else None

    @property
    def truncated_in_reasoning(self) -> bool:
        return self.finish_reason == "length" and self.reasoning_unclosed


@dataclass(frozen=True)
class Done:
    stats: StreamStats
    error: EngineError | None = None
    # how likely the model found each token of the answer, where its provider lent the
    # probabilities while writing (System A's logprobs; engines.chances); None elsewhere
    chances: tuple[TokenChance, ...] | None = None


StreamEvent = TextDelta | Done


def decode_rate(tokens: int, first_token_at: float | None, last_token_at: float | None) -> float | None:
    """Tokens per second after the first token (the first token's latency is TTFT)."""
    if first_token_at is None or last_token_at is None or tokens < 2:
        return None
    span = last_token_at - first_token_at
    return (tokens - 1) / span if span > 0 else None


# ---------------------------------------------------------------- errors


class EngineError(Exception):
    """Base of every error an engine reports. ``str()`` is a message a user can act on."""

    kind = "engine_error"
    retryable = False


class ConfigurationError(EngineError):
    kind = "not_configured"


class AuthenticationError(EngineError):
    kind = "authentication"


class InsufficientBalanceError(EngineError):
    kind = "insufficient_balance"


class RateLimitedError(EngineError):
    kind = "rate_limited"
    retryable = True

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class InvalidRequestError(EngineError):
    kind = "invalid_request"


class ContextTooLongError(InvalidRequestError):
    kind = "context_too_long"


class EngineTimeoutError(EngineError):
    kind = "timeout"
    retryable = True


class UpstreamError(EngineError):
    kind = "upstream_error"
    retryable = True


class CancelledError(EngineError):
    kind = "cancelled"


# ---------------------------------------------------------------- protocol


@runtime_checkable
class Engine(Protocol):
    """Anything that answers a :class:`ChatRequest` with a stream of events."""

    name: str  # label shown to users, e.g. "System B · local model"
    model_id: str  # model identifier as configured

    @property
    def adapters(self) -> list[str]:
        """Names of the LoRA adapters requests may choose (empty when unsupported)."""
        ...

    def stream(self, request: ChatRequest,
               cancel: threading.Event | None = None) -> Iterator[StreamEvent]:
        """Yield text deltas, then exactly one :class:`Done`. Setting ``cancel`` (or closing the
        generator) stops the work promptly and ends the stream with ``finish_reason='cancelled'``."""
        ...

    def health(self) -> dict[str, Any]:
        """Status for ``/api/health``; never contains secrets."""
        ...


@dataclass
class Completion:
    """A whole reply gathered from a stream."""

    reasoning: str
    content: str
    stats: StreamStats
    error: EngineError | None = None
    chances: tuple[TokenChance, ...] | None = None  # Done.chances

    @property
    def ok(self) -> bool:
        return self.error is None


def collect(events: Iterable[StreamEvent]) -> Completion:
    """Drain a stream into a :class:`Completion` (reasoning and answer trimmed)."""
    reasoning: list[str] = []
    content: list[str] = []
    for event in events:
        if isinstance(event, TextDelta):
            (reasoning if event.channel == "reasoning" else content).append(event.text)
        else:
            return Completion("".join(reasoning).strip(), "".join(content).strip(),
                              event.stats, event.error, event.chances)
    raise RuntimeError("stream ended without a Done event")
