"""Chat turns: run one question through an engine and keep what the UI shows of it.

A conversation is a list of :class:`Turn`. Only questions and final answers go back to the model
(reasoning is dropped, as Qwen3's guidance asks). Streaming updates are paced so that a fast
engine does not flood the browser with one update per token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from engines.base import ChatRequest, Done, Engine, GenerationParams, Message, StreamStats, TextDelta
from engines.cost import usd
from workbench.checks import is_number
from workbench.confidence import packed, reading, unpacked
from workbench.differences import context_room, differences
from workbench.language import part_language
from workbench.refusal import is_refusal
from workbench.risk import risk_level

UPDATE_EVERY_S = 0.1  # at most ~10 UI updates a second per stream


@dataclass
class Turn:
    question: str
    engine: str
    adapter: str | None = None
    reasoning: str = ""
    answer: str = ""
    stats: dict[str, Any] | None = None
    error: str | None = None
    error_kind: str | None = None
    started_at: float = field(default_factory=time.perf_counter)
    thinking_s: float | None = None  # how long the reasoning block took
    running: bool = True
    route: dict[str, Any] | None = None
    params: dict[str, Any] | None = None
    system_prompt: str | None = None
    beside: Turn | None = None  # the same question asked of a second engine, side by side
    # each answer token's probability as the provider lent it while writing (System A's logprobs;
    # workbench.confidence.packed), None where it lent none
    chances: list[list[Any]] | None = None

    @property
    def engine_label(self) -> str:
        """The engine that answered, naming its LoRA adapter when it had one."""
        return self.engine + (f" · adapter {self.adapter}" if self.adapter else "")

    @property
    def done(self) -> bool:
        """Finished, and so is the answer beside it."""
        return not self.running and (self.beside is None or not self.beside.running)

    @property
    def truncated_in_reasoning(self) -> bool:
        s = self.stats or {}
        return s.get("finish_reason") == "length" and bool(s.get("reasoning_unclosed"))

    @property
    def context_room(self) -> int | None:
        """The tokens the prompt left the answer where the model's context, before its token
        budget, ended it (a larger budget would not give it more room); None otherwise."""
        return _context_room(self.stats)

    @property
    def context_full(self) -> bool:
        return self.context_room is not None


def _context_room(stats: dict[str, Any] | None) -> int | None:
    """differences.context_room of a turn's figures (System B's `context_room` is among their extras)."""
    s = stats or {}
    return context_room({**(s.get("extras") or {}), "finish_reason": s.get("finish_reason")})


def stats_dict(stats: StreamStats) -> dict[str, Any]:
    out = asdict(stats)
    out["output_tokens"] = stats.output_tokens
    out["reasoning_share"] = stats.reasoning_share
    return out


def beside_history(turns: list[Turn]) -> list[Turn]:
    """The side-by-side conversation: the turns asked beside the main one, in order."""
    return [t.beside for t in turns if t.beside is not None]


def asked_request(turns: list[Turn], beside: bool = False) -> ChatRequest:
    """What the engine of the last turn (or of the one beside it) was asked: the question after the
    earlier answers that engine had, under its parameters, system prompt and adapter."""
    turn = turns[-1].beside if beside else turns[-1]
    if turn is None:
        raise ValueError("the last question was not asked side by side")
    earlier = beside_history(turns[:-1]) if beside else turns[:-1]
    params = GenerationParams(**turn.params) if turn.params else GenerationParams()
    return turn_request(earlier, turn.question, params, turn.system_prompt, turn.adapter)


def history_messages(turns: list[Turn]) -> list[Message]:
    """Earlier turns as chat messages: questions and answers only, failed turns left out."""
    messages: list[Message] = []
    for turn in turns:
        if turn.error or turn.running or not turn.answer.strip():
            continue
        messages.append(Message(role="user", content=turn.question))
        messages.append(Message(role="assistant", content=turn.answer.strip()))
    return messages


def new_turn(label: str, question: str, params: GenerationParams, system_prompt: str | None = None,
             adapter: str | None = None) -> Turn:
    """A turn about to be asked: what the UI shows before the first token."""
    return Turn(question=question, engine=label, adapter=adapter,
                params=params.model_dump(mode="json"), system_prompt=system_prompt or None)


def turn_request(history: list[Turn], question: str, params: GenerationParams,
                 system_prompt: str | None = None, adapter: str | None = None) -> ChatRequest:
    """What an engine is asked for `question` after `history`: the earlier questions and answers,
    then this one."""
    return ChatRequest(messages=[*history_messages(history), Message(role="user", content=question)],
                       system_prompt=system_prompt or None, params=params, adapter=adapter)


def run_turn(engine: Engine, label: str, history: list[Turn], question: str,
             params: GenerationParams, system_prompt: str | None = None,
             adapter: str | None = None, cancel: threading.Event | None = None,
             turn: Turn | None = None) -> Iterator[Turn]:
    """Stream one answer; yields the same Turn object as it fills (paced), finished last.
    `turn` is one made by :func:`new_turn` to fill instead of a new one."""
    turn = turn or new_turn(label, question, params, system_prompt, adapter)
    request = turn_request(history, question, params, system_prompt, adapter)
    last_yield = 0.0
    reasoning_started: float | None = None
    stream = engine.stream(request, cancel)
    try:
        for event in stream:
            if isinstance(event, TextDelta):
                now = time.perf_counter()
                if event.channel == "reasoning":
                    reasoning_started = reasoning_started or now
                    turn.reasoning += event.text
                else:
                    if reasoning_started and turn.thinking_s is None:
                        turn.thinking_s = now - reasoning_started
                    turn.answer += event.text
                if now - last_yield >= UPDATE_EVERY_S:
                    last_yield = now
                    yield turn
            elif isinstance(event, Done):
                finish(turn, event, reasoning_started)
    finally:
        stream.close()  # a consumer that stops early (Stop button) cancels the generation
    yield turn


@dataclass
class Side:
    """One conversation of a side-by-side chat: the engine it talks to and what it said so far."""

    engine: Engine
    label: str
    history: list[Turn]
    adapter: str | None = None


def run_side_by_side(sides: list[Side], question: str, params: GenerationParams,
                     system_prompt: str | None = None,
                     cancel: threading.Event | None = None) -> Iterator[list[Turn]]:
    """Ask the same question in several conversations at once, each engine with its own history.

    Yields the turns, one per side, at most every UPDATE_EVERY_S while they stream and once more
    when every side has finished. One side failing or being slow never holds the others' text
    back; `cancel` (or the consumer leaving) stops them all.
    """
    turns = [new_turn(s.label, question, params, system_prompt, s.adapter) for s in sides]
    halt = threading.Event()  # stops every side: set by `cancel`, or when the consumer goes away
    changed = threading.Event()

    def answer(side: Side, turn: Turn) -> None:
        try:
            for _ in run_turn(side.engine, side.label, side.history, question, params, system_prompt,
                              side.adapter, halt, turn):
                changed.set()
        except Exception as exc:  # noqa: BLE001 - one engine crashing must not take the other down
            turn.error, turn.error_kind = f"{type(exc).__name__}: {exc}", "error"
        finally:
            turn.running = False
            changed.set()

    threads = [threading.Thread(target=answer, args=(s, t), daemon=True, name=f"chat-{i}")
               for i, (s, t) in enumerate(zip(sides, turns, strict=True))]
    for t in threads:
        t.start()
    try:
        last_yield = 0.0
        while any(t.is_alive() for t in threads):
            changed.wait(UPDATE_EVERY_S)
            if cancel is not None and cancel.is_set():
                halt.set()
            if changed.is_set() and time.perf_counter() - last_yield >= UPDATE_EVERY_S:
                changed.clear()
                last_yield = time.perf_counter()
                yield turns
        for t in threads:
            t.join()
        yield turns
    finally:
        halt.set()


def finish(turn: Turn, done: Done, reasoning_started: float | None) -> None:
    turn.running = False
    turn.stats = stats_dict(done.stats)
    turn.reasoning = turn.reasoning.strip()
    turn.answer = turn.answer.strip()
    turn.stats["reasoning_lang"] = part_language(turn.reasoning)
    turn.stats["answer_lang"] = part_language(turn.answer)
    if not is_refusal(turn.answer) and (level := risk_level(turn.answer)):  # a transaction's rating
        turn.stats["risk_level"] = level
    if reasoning_started and turn.thinking_s is None:
        turn.thinking_s = time.perf_counter() - reasoning_started
    extras = done.stats.extras
    if "route" in extras:  # System B's pipeline: show which route answered and why
        turn.route = {"route": extras["route"], "confidence": extras["route_confidence"],
                      "reasons": extras["route_reasons"], "mode": extras["handling_mode"]}
    if done.error is not None:
        turn.error = str(done.error)
        turn.error_kind = done.error.kind
    elif done.chances:
        turn.chances = packed(done.chances)


def stats_line(stats: dict[str, Any] | None) -> str:
    """One human line of figures, shown under an answer."""
    if not stats:
        return ""
    parts = []
    if stats.get("ttft_s") is not None:
        parts.append(f"TTFT {stats['ttft_s']:.2f} s")
    if stats.get("tokens_per_s"):
        parts.append(f"{stats['tokens_per_s']:.1f} tok/s")
    r, c = stats.get("reasoning_tokens", 0), stats.get("content_tokens", 0)
    share = stats.get("reasoning_share")
    share_txt = f" ({share:.0%} reasoning)" if share is not None else ""
    parts.append(f"reasoning {r} / answer {c} tokens{share_txt}")
    if stats.get("answer_lang") not in (None, "none"):
        parts.append(f"language: reasoning {stats.get('reasoning_lang')} / answer {stats['answer_lang']}")
    if stats.get("risk_level"):
        parts.append(f"risk level: {stats['risk_level']}")
    room = _context_room(stats)
    parts.append(f"finish: {stats.get('finish_reason')}" + (
        f" (the model's context was full: the prompt left {room:,} tokens for the answer)" if room is not None else ""))
    parts.append(f"total {stats.get('total_s', 0):.2f} s")
    parts.append(f"model: {stats.get('model_id')}")
    extras = stats.get("extras") or {}
    if extras.get("prompt_cache_hit_tokens") is not None:
        parts.append(f"cache hits {extras['prompt_cache_hit_tokens']} tokens")
    if extras.get("not_applied"):
        parts.append(f"not taken by the API: {', '.join(extras['not_applied'])}")
    if extras.get("cost_usd") is not None:
        parts.append(f"cost {usd(extras['cost_usd'])}")
    return " · ".join(parts)


def saved_turns(turns: list[Turn]) -> list[dict[str, Any]]:
    """The finished turns as plain data, for the browser to keep across a reload."""
    return [asdict(t) for t in turns if t.done]


def restored_turns(data: Any) -> list[Turn]:
    """Turns back from :func:`saved_turns`' data; an entry that is not a turn is skipped."""
    names = {f.name for f in fields(Turn)}
    out = []
    for item in data if isinstance(data, list) else []:
        try:
            beside = item.get("beside")
            turn = Turn(**{k: v for k, v in item.items() if k in names and k != "beside"})
            if isinstance(beside, dict):
                turn.beside = Turn(**{k: v for k, v in beside.items() if k in names and k != "beside"})
        except (AttributeError, TypeError):
            continue
        if turn.done and all(_well_formed(t) for t in (turn, turn.beside) if t is not None):
            out.append(turn)
    return out


def _well_formed(turn: Turn) -> bool:
    texts = (turn.question, turn.engine, turn.reasoning, turn.answer)
    return all(isinstance(t, str) for t in texts) and isinstance(turn.params, dict | None) \
        and well_shaped_stats(turn.stats) and well_shaped_route(turn.route)


# the figures under an answer and their types, as stats_dict and run_turn write them: a turn read
# back (from the browser, from a downloaded file) is shown only when its figures have these
_STAT_NUMBERS = ("ttft_s", "tokens_per_s", "output_tokens", "reasoning_share")  # or None
_STAT_COUNTS = ("total_s", "reasoning_tokens", "content_tokens")  # numbers where they are given
_STAT_TEXTS = ("model_id", "finish_reason", "reasoning_lang", "answer_lang", "risk_level")
_EXTRA_NUMBERS = ("prompt_cache_hit_tokens", "cost_usd", "compute_s", "context_room", "route_confidence")


def _number(value: Any) -> bool:
    return value is None or is_number(value)


def well_shaped_stats(stats: Any) -> bool:
    """Whether a turn's figures (None, or stats_dict's shape) can be shown: numbers where numbers
    go, texts where texts do, the provider's extras an object."""
    if stats is None:
        return True
    if not isinstance(stats, dict) or not all(_number(stats.get(k)) for k in _STAT_NUMBERS) \
            or not all(stats[k] is not None and _number(stats[k]) for k in _STAT_COUNTS if k in stats) \
            or not all(isinstance(stats.get(k), str | None) for k in _STAT_TEXTS):
        return False
    extras = stats.get("extras")
    if extras is None:
        return True
    not_applied = extras.get("not_applied") if isinstance(extras, dict) else None
    return isinstance(extras, dict) and all(_number(extras.get(k)) for k in _EXTRA_NUMBERS) \
        and (not_applied is None or (isinstance(not_applied, list) and all(isinstance(n, str) for n in not_applied)))


def well_shaped_route(route: Any) -> bool:
    """Whether a turn's route (None, or run_turn's {"route", "confidence", "reasons"}) can be shown."""
    if route is None:
        return True
    reasons = route.get("reasons", []) if isinstance(route, dict) else None
    return isinstance(route, dict) and isinstance(route.get("route"), str) \
        and is_number(route.get("confidence")) \
        and isinstance(reasons, list) and all(isinstance(r, str) for r in reasons)


def _as_result(turn: Turn) -> dict[str, Any]:
    """A turn in the shape of one system's comparison result, for :func:`differences`."""
    stats = turn.stats or {}

    def ms(key: str) -> float | None:
        return round(stats[key] * 1000, 1) if stats.get(key) is not None else None

    return {"response": turn.answer, "reasoning": turn.reasoning, "refusal": is_refusal(turn.answer),
            "latency_ms": ms("total_s"), "ttft_ms": ms("ttft_s"),
            "reasoning_lang": stats.get("reasoning_lang"), "answer_lang": stats.get("answer_lang"),
            "metadata": {"model_id": stats.get("model_id"), "finish_reason": stats.get("finish_reason"),
                         "reasoning_tokens": stats.get("reasoning_tokens", 0),
                         "content_tokens": stats.get("content_tokens", 0),
                         "reasoning_share": stats.get("reasoning_share"),
                         "truncated_in_reasoning": turn.truncated_in_reasoning,
                         "cost_usd": (stats.get("extras") or {}).get("cost_usd"),
                         "context_room": (stats.get("extras") or {}).get("context_room"),
                         "error": turn.error, "error_kind": turn.error_kind},
            **({"confidence": kept} if (kept := lent_reading(turn)) else {})}


def lent_reading(turn: Turn) -> dict[str, Any] | None:
    """What is kept of a turn's answer from the probabilities its provider lent (confidence.reading),
    None where it lent none (or they are not this answer's)."""
    chances = unpacked(turn.chances, turn.answer) if turn.chances else None
    return reading(chances, turn.answer) if chances else None


def side_names(turn: Turn) -> tuple[str, str]:
    """Short names for the two sides of a question asked side by side: "System B" and "System A",
    or "System B" and "System B + french-reasoning"; the full labels when those are alike."""
    sides = (turn, turn.beside or turn)
    short = tuple(t.engine.split(" · ")[0] + (f" + {t.adapter}" if t.adapter else "") for t in sides)
    full = tuple(t.engine_label for t in sides)
    for names in (short, full):
        if names[0] != names[1]:
            return names  # type: ignore[return-value]
    return "left", "right"


def side_by_side_differences(turn: Turn, names: tuple[str, str]) -> list[str]:
    """How a question's two answers side by side differ, as Compare says it (refusal, language,
    budget, then speed and tokens), naming the sides `names`; empty until both have finished."""
    if turn.beside is None or not turn.done:
        return []
    return differences({"query": turn.question, "system_a": _as_result(turn),
                        "system_b": _as_result(turn.beside)}, names)
