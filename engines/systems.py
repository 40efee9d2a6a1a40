"""System A and System B as engines.

System A is the remote MoE model, asked directly (no routing). System B is the query router
followed by the local finance model, with the chosen route's system prompt and handling mode.
The route decision travels in the final stats' ``extras`` (route, confidence, reasons, mode), so
every consumer (chat, compare, batch, CSV) records it the same way.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from engines.base import ChatRequest, Done, Engine, InvalidRequestError, StreamEvent, StreamStats, TextDelta
from engines.router import RouteDecision, classify


@dataclass(frozen=True)
class RoutePolicy:
    route: str
    mode: str  # normal | cautious | governance | refuse
    system_prompt: str


POLICIES: dict[str, RoutePolicy] = {
    "transaction_risk": RoutePolicy(
        "transaction_risk", "normal",
        "You assess financial crime risk for a bank. Give a risk level (LOW, MEDIUM or HIGH), the "
        "reasons drawn from the transaction and the customer's history, and the action to take. "
        "Answer in the language of the question."),
    "mixed_intent": RoutePolicy(
        "mixed_intent", "cautious",
        "The message combines a compliance task with another request. Answer the legitimate "
        "compliance part only, and say plainly which part you set aside and why. Answer in the "
        "language of the question."),
    "governance": RoutePolicy(
        "governance", "governance",
        "You answer questions on policy, regulation, controls, audit and finance. Cite the rule or "
        "definition that applies; do not speculate beyond it. Answer in the language of the "
        "question."),
    "explicit_refusal": RoutePolicy(
        "explicit_refusal", "refuse",
        "The request asks for help with financial crime or to defeat a control. Refuse briefly, in "
        "the language of the question, and offer a safe alternative."),
}

REFUSAL_TEXT = (
    "I can't help with that request: it would facilitate financial crime or defeat a control. "
    "I can explain the rules that apply or how to raise a concern with compliance.\n\n"
    "Je ne peux pas vous aider avec cette demande : elle faciliterait une infraction financière "
    "ou contournerait un contrôle. Je peux expliquer les règles applicables ou comment alerter la "
    "conformité.")
NO_MODEL_CALL = "router (no model call)"  # the model id of an answer the router gave itself


class RouterAnswered(InvalidRequestError):
    """The router answered this question itself (a refusal): no model wrote that answer, so there
    is none to read back."""


def route_extras(decision: RouteDecision, policy: RoutePolicy) -> dict[str, Any]:
    return {"route": decision.route, "route_confidence": decision.confidence,
            "route_reasons": list(decision.reasons), "handling_mode": policy.mode}


class RoutedEngine:
    """System B: router, then the local model with the route's policy (or an immediate refusal)."""

    def __init__(self, engine: Engine, refuse_calls_model: bool = False,
                 name: str = "System B · router + local model") -> None:
        self.engine = engine
        self.refuse_calls_model = refuse_calls_model
        self.name = name
        self.model_id = engine.model_id

    @property
    def adapters(self) -> list[str]:
        return self.engine.adapters

    def health(self) -> dict[str, Any]:
        return {**self.engine.health(), "router": "rules v1",
                "refuse_calls_model": self.refuse_calls_model}

    def decide(self, request: ChatRequest) -> tuple[RouteDecision, RoutePolicy]:
        decision = classify(request.question, request.transaction)
        return decision, POLICIES[decision.route]

    @property
    def context_length(self) -> int | None:
        """The tokens the local model reads at most (None where unknown)."""
        return getattr(self.engine, "context_length", None)

    def routed(self, request: ChatRequest, policy: RoutePolicy) -> ChatRequest | None:
        """What the local model is asked for `request` under `policy`: the route's system prompt
        before the user's own; None where the router answers itself (a refusal, no model call)."""
        if policy.mode == "refuse" and not self.refuse_calls_model:
            return None
        system = policy.system_prompt
        if request.system_prompt:
            system = f"{system}\n\n{request.system_prompt}"
        return request.model_copy(update={"system_prompt": system})

    def prompt_token_count(self, request: ChatRequest) -> int:
        """The tokens of the prompt the local model would read for `request` once routed (0 where
        the router answers itself). Raises as the local model's count does; AttributeError where
        the local model has no tokenizer to count with."""
        routed = self.routed(request, self.decide(request)[1])
        return 0 if routed is None else self.engine.prompt_token_count(routed)  # type: ignore[attr-defined]

    def answer_confidence(self, request: ChatRequest, reasoning: str, answer: str, top: int = 5) -> list[Any]:
        """How sure the local model was of each token of `answer` (engines.confidence), read after
        the prompt it was routed with. InvalidRequestError where the router answered itself (no
        model wrote the answer), or the local model cannot read answers again."""
        routed = self.routed(request, self.decide(request)[1])
        if routed is None:
            raise RouterAnswered("the router answered this question itself: no model wrote that answer")
        read = getattr(self.engine, "answer_confidence", None)
        if not callable(read):
            raise InvalidRequestError("this engine cannot read an answer again token by token")
        return read(routed, reasoning, answer, top)

    def stream(self, request: ChatRequest,
               cancel: threading.Event | None = None) -> Iterator[StreamEvent]:
        started = time.perf_counter()
        decision, policy = self.decide(request)
        extras = route_extras(decision, policy)
        routed = self.routed(request, policy)
        if routed is None:
            yield TextDelta("content", REFUSAL_TEXT)
            elapsed = time.perf_counter() - started
            if getattr(getattr(self.engine, "cfg", None), "hourly_usd", None) is not None:
                extras["cost_usd"] = 0.0  # priced, and the model was not asked
            yield Done(StreamStats(model_id=NO_MODEL_CALL, finish_reason="stop",
                                   ttft_s=elapsed, total_s=elapsed, extras=extras))
            return
        for event in self.engine.stream(routed, cancel):
            if isinstance(event, Done):
                event.stats.extras.update(extras)
            yield event
