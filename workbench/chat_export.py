"""A Chat conversation as files an analyst keeps: JSON (every figure) and Markdown (to read).

Both keep each turn's reasoning apart from its answer, with the engine, adapter, system prompt,
generation parameters, route and figures that produced it. A turn still streaming is left out;
a stopped or failed turn is kept with what it had and says so. A question asked side by side
keeps the second engine's answer with it (JSON ``beside``; in Markdown, one section per engine
under the question, then how the two answers differ).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from workbench.chat import (
    Turn,
    lent_reading,
    side_by_side_differences,
    side_names,
    stats_line,
    well_shaped_route,
    well_shaped_stats,
)
from workbench.confidence import unsure_line
from workbench.experiments import experiment_file

FORMAT = "finance-llm-workbench/conversation"
VERSION = 1


def turn_record(turn: Turn) -> dict[str, Any]:
    """One finished turn as plain data."""
    stats = turn.stats or {}
    return {
        "question": turn.question,
        "engine": turn.engine,
        "adapter": turn.adapter,
        "system_prompt": turn.system_prompt or None,
        "reasoning": turn.reasoning,
        "answer": turn.answer,
        "thinking_s": None if turn.thinking_s is None else round(turn.thinking_s, 3),
        "cut_off_in_reasoning": turn.truncated_in_reasoning,
        "context_full": turn.context_full,  # stopped where the model's context was full, not at its budget
        "finish_reason": stats.get("finish_reason"),
        "error": turn.error,
        "error_kind": turn.error_kind,
        "route": turn.route,
        "params": turn.params,
        "stats": turn.stats,
        # each answer token's probability, as System A's provider lent it (workbench.confidence.packed)
        "chances": turn.chances,
        "beside": turn_record(turn.beside) if turn.beside is not None else None,
    }


def finished(turns: list[Turn]) -> list[Turn]:
    """The turns to keep: those whose answers (both, side by side) have finished."""
    return [t for t in turns if t.done]


def conversation_json(turns: list[Turn], now: datetime | None = None) -> str:
    """The conversation as one JSON document (UTF-8 text, French accents kept as they are)."""
    doc = {"format": FORMAT, "version": VERSION,
           "exported_at": (now or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
           "turns": [turn_record(t) for t in finished(turns)]}
    return json.dumps(doc, ensure_ascii=False, indent=2)


def quoted(text: str) -> str:
    """A text as a Markdown quotation, line by line (a reasoning kept apart from its answer)."""
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def _outcome(turn: Turn) -> str | None:
    if turn.error_kind == "cancelled":
        return "Stopped before the end; what it had written is kept."
    if turn.error:
        return f"Error ({turn.error_kind or 'error'}): {turn.error}"
    if (room := turn.context_room) is not None:
        where = "inside the reasoning: no answer was given" if turn.truncated_in_reasoning else "the answer was cut off"
        return f"The model's context was full ({room:,} tokens left after the prompt), {where}."
    if turn.truncated_in_reasoning:
        return "The token budget ran out inside the reasoning: no answer was given."
    if (turn.stats or {}).get("finish_reason") == "length":
        return "The answer was cut off by the token budget."
    return None


def _answer_markdown(turn: Turn, heading: str) -> list[str]:
    """One engine's part of a turn: route, reasoning, answer, outcome, figures, parameters."""
    lines = []
    if turn.route:
        reasons = "; ".join(turn.route.get("reasons") or [])
        lines += [f"*Route:* {turn.route['route']} ({turn.route['confidence']:.0%})"
                  + (f" — {reasons}" if reasons else ""), ""]
    if turn.reasoning:
        # from the figure the JSON keeps (3 decimals), so a conversation opened again reads the same
        took = f" ({round(turn.thinking_s, 3):.1f} s)" if turn.thinking_s is not None else ""
        lines += [f"{heading} Reasoning{took}", "", quoted(turn.reasoning), ""]
    lines += [f"{heading} Answer", "", turn.answer or "(no answer)", ""]
    outcome = _outcome(turn)
    if outcome:
        lines += [f"**{outcome}**", ""]
    if turn.stats:
        lines += [f"*Figures:* {stats_line(turn.stats)}", ""]
    if kept := lent_reading(turn):
        lines += [f"*Unsure figures* (from the probabilities its provider lent): {unsure_line({'confidence': kept})}",
                  ""]
    if turn.params:
        shown = ", ".join(f"{k}={v}" for k, v in turn.params.items() if v not in (None, "", []))
        lines += [f"*Parameters:* {shown}", ""]
    return lines


def conversation_markdown(turns: list[Turn], now: datetime | None = None) -> str:
    """The conversation to read: each question, the reasoning quoted apart, the answer, the figures;
    a question asked side by side gets one section per engine, then how the two answers differ."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# Finance LLM Workbench — conversation", "", f"Exported {stamp}.", ""]
    done = finished(turns)
    if not done:
        lines.append("(No finished turn.)")
    for n, turn in enumerate(done, 1):
        lines += [f"## {n}. Question", "", turn.question, ""]
        if turn.beside is None:
            lines += [f"*Engine:* {turn.engine_label}", ""]
        if turn.system_prompt:
            lines += ["*System prompt:*", "", quoted(turn.system_prompt), ""]
        if turn.beside is None:
            lines += _answer_markdown(turn, "###")
            continue
        for side in (turn, turn.beside):
            lines += [f"### {side.engine_label}", "", *_answer_markdown(side, "####")]
        if differ := side_by_side_differences(turn, side_names(turn)):  # as the tab said it of the last one
            lines += ["### How they differ", "", *(f"- {line}" for line in differ), ""]
    return "\n".join(lines).rstrip() + "\n"


def _turn_from_record(item: Any, where: str) -> Turn:
    """A finished turn back from :func:`turn_record`'s data; ValueError names what is wrong."""
    if not isinstance(item, dict):
        raise ValueError(f"{where} is not a turn")
    for key in ("question", "engine", "answer"):
        if not isinstance(item.get(key), str):
            raise ValueError(f"{where} has no {key}")
    texts = {key: item.get(key) for key in ("adapter", "system_prompt", "error", "error_kind")}
    parts = {key: item.get(key) for key in ("route", "params", "stats")}
    if not all(isinstance(v, str | None) for v in texts.values()) or not isinstance(item.get("reasoning", ""), str):
        raise ValueError(f"{where}: adapter, system prompt, reasoning and error are texts")
    if not all(isinstance(v, dict | None) for v in parts.values()):
        raise ValueError(f"{where}: route, params and stats are objects")
    if not well_shaped_stats(parts["stats"]):
        raise ValueError(f"{where}: its figures (stats) are not all numbers and texts where they should be")
    if not well_shaped_route(parts["route"]):
        raise ValueError(f"{where}: its route is not a route name, a confidence and reasons")
    thinking_s = item.get("thinking_s")
    beside = item.get("beside")
    chances = item.get("chances")  # checked against the answer where it is read (confidence.unpacked)
    return Turn(question=item["question"], engine=item["engine"], reasoning=item.get("reasoning") or "",
                answer=item["answer"], running=False, chances=chances if isinstance(chances, list) else None,
                thinking_s=float(thinking_s) if isinstance(thinking_s, int | float) else None,
                **texts, **parts,
                beside=None if beside is None else _turn_from_record(beside, f"{where} (side by side)"))


def read_conversation(text: str | bytes) -> list[Turn]:
    """The turns of a conversation downloaded as JSON (:func:`conversation_json`), to carry on
    with. ValueError says what is wrong with a file that is not one."""
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValueError("it is not JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError("it is not a conversation downloaded from Chat (Download conversation (JSON))")
    if not isinstance(doc.get("version"), int) or doc["version"] > VERSION:
        raise ValueError(f"it was written by a newer version of the app (format version {doc.get('version')})")
    turns = doc.get("turns")
    if not isinstance(turns, list) or not turns:
        raise ValueError("it holds no turn")
    return [_turn_from_record(item, f"turn {n}") for n, item in enumerate(turns, 1)]


def conversation_questions(turns: list[Turn]) -> str:
    """The conversation's questions as an experiment file for Batch (JSONL, each question once,
    with its language and the system prompt it was asked under; ids chat-1, chat-2… in the order
    asked) — what an analyst explored in Chat, asked of both systems as a batch. Each is asked
    alone there, without the turns before it: a follow-up ("and for a bond?") needs rewording to
    stand on its own."""
    records = [{"experiment_id": f"chat-{n}", "query": t.question, "system_prompt": t.system_prompt or None}
               for n, t in enumerate(finished(turns), 1) if t.question.strip()]
    return experiment_file(records)[0]
