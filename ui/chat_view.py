"""What the Chat tab shows of a conversation: its turns as chat messages (the reasoning in a
Thinking block, the figures one side-by-side answer states and the other does not marked), the
labels of its two boxes, how the last two answers differ, and the files it downloads as.
"""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Any

import gradio as gr

from ui.common import BASE_MODEL, copied_as, differences_block, download_path, in_language
from ui.compare_view import marked_answer
from workbench.chat import Turn, beside_history, side_by_side_differences, side_names, stats_line
from workbench.chat_export import conversation_json, conversation_markdown, conversation_questions, finished
from workbench.refusal import is_refusal
from workbench.safety import safe_markdown
from workbench.services import LOCAL

ALONE = ""  # the side-by-side dropdown's value for "one conversation"


def render(turns: list[Turn], partners: list[Turn] | None = None) -> list[dict[str, Any]]:
    """Chatbot messages for a conversation; model text is made safe to display. A question asked
    side by side marks, in each answer, the figures the other answer does not state: the main
    box's turns know the turn beside them, the side-by-side box's are given theirs (`partners`,
    in the same order: render_beside)."""
    messages: list[dict[str, Any]] = []
    for i, turn in enumerate(turns):
        messages.append({"role": "user", "content": safe_markdown(turn.question)})
        thinking_on = (turn.params or {}).get("enable_thinking", True)
        langs = {} if turn.running else turn.stats or {}  # each part's language, known once it ended
        if turn.reasoning or (turn.running and not turn.answer and thinking_on):
            pending = turn.running and not turn.answer
            meta: dict[str, Any] = {"title": "Thinking", "status": "pending" if pending else "done"}
            if turn.thinking_s is not None and not pending:
                meta["duration"] = round(turn.thinking_s, 2)
            messages.append({"role": "assistant", "metadata": meta,
                             "content": in_language(safe_markdown(turn.reasoning), langs.get("reasoning_lang"))
                             or "…"})
        body = in_language(_answer(turn, partners[i] if partners is not None else turn.beside),
                           langs.get("answer_lang"))
        notes = []
        if turn.route:
            reasons = "; ".join(turn.route.get("reasons", []))
            notes.append(f"**Route:** {turn.route['route']} ({turn.route['confidence']:.0%}) — {reasons}")
        if turn.context_full:  # a larger budget would not help: the prompt left no more room
            notes.append(("⚠️ **The model's context filled up inside the reasoning — no answer was given.**"
                          if turn.truncated_in_reasoning else "⚠️ The answer was cut off: the model's context "
                          "filled up.") + " Start a *New conversation*, or ask a shorter question.")
        elif turn.truncated_in_reasoning:
            notes.append("⚠️ **The token budget ran out inside the reasoning — no answer was given.** "
                         "Use *Continue with a larger budget*.")
        elif (turn.stats or {}).get("finish_reason") == "length":
            notes.append("⚠️ The answer was cut off by the token budget.")
        if turn.error and turn.error_kind != "cancelled":
            notes.append(f"**Error — {turn.engine}:** {safe_markdown(turn.error)}")
        elif turn.error_kind == "cancelled":
            notes.append("⏹️ Stopped.")
        if not turn.running and turn.stats:
            notes.append(f"<sub>{turn.engine_label} · {safe_markdown(stats_line(turn.stats))}</sub>")
        if body or notes or not turn.running:
            shown = "\n\n".join([body, *notes]).strip() or "…"
            if not turn.running:  # its copy button copies the answer as written (the reasoning, if none)
                shown = copied_as(turn.answer.strip() or turn.reasoning) + shown
            messages.append({"role": "assistant", "content": shown})
    return messages


def render_beside(turns: list[Turn]) -> list[dict[str, Any]]:
    """The side-by-side box's messages: render of beside_history, each turn set against its partner."""
    return render(beside_history(turns), [t for t in turns if t.beside is not None])


def _answer(turn: Turn, other: Turn | None) -> str:
    """A turn's answer as its box shows it: once both answers of a question asked side by side
    are in, neither failed nor refused, with the figures the other does not state marked (as
    Compare marks them)."""
    if (other is None or turn.running or other.running or turn.error or other.error
            or not turn.answer.strip() or not other.answer.strip()):
        return safe_markdown(turn.answer)
    return _marked(turn.answer, other.answer)


@lru_cache(maxsize=256)
def _marked(answer: str, other: str) -> str:
    """marked_answer, worked out once per pair of answers: every update of a streaming answer
    renders the conversation's earlier ones again."""
    if is_refusal(answer) or is_refusal(other):
        return safe_markdown(answer)  # a refusal states no result to weigh
    return marked_answer(answer, other)


def edited_turn(turns: list[Turn], index: int, beside: bool = False) -> int | None:
    """The turn (its place in `turns`) whose question is message `index` of a conversation box:
    the main box shows render(turns), the side-by-side box render_beside(turns), where a
    question asked alone before the second engine was added has no place. None when that message
    is not a question."""
    messages = render_beside(turns) if beside else render(turns)
    if not 0 <= index < len(messages) or messages[index]["role"] != "user":
        return None
    asked = sum(m["role"] == "user" for m in messages[:index])  # questions above it in the box
    if not beside:
        return asked
    return [i for i, turn in enumerate(turns) if turn.beside is not None][asked]


def edited_text(value: Any) -> str:
    """The new question from a chat box's edit: the text the box held (a tag safe_markdown made
    visible back to what was typed)."""
    if isinstance(value, dict):
        value = value.get("text", "")
    return html.unescape(str(value or "")).strip()


def edit_point(turns: list[Turn], index: Any, value: Any, beside: bool = False) -> tuple[list[Turn], str, int]:
    """A question edited in a conversation box (message `index` now reads `value`) is asked again
    in its place, with the engines and parameters picked now, as Regenerate does: the turns before
    it are kept (the models are sent only those), it and those after it are dropped. Returns the
    kept turns, the new question and how many later questions were dropped. Raises gr.Error while
    an answer is coming (the box disables its pencils then; this guards the conversation anyway)
    and for an edit that is not of a question or leaves it empty."""
    if turns and not turns[-1].done:
        raise gr.Error("An answer is still coming: stop it, or wait, before editing a question.")
    at = edited_turn(turns, index, beside) if isinstance(index, int) else None
    question = edited_text(value)
    if at is None or not question:
        raise gr.Error("Only a question can be edited, and not to nothing.")
    return turns[:at], question, len(turns) - at - 1


def cut_off_in_reasoning(turns: list[Turn]) -> bool:
    """Whether the last question's answer (either one, side by side) ran out of token budget inside
    the reasoning, where a larger budget helps (not where the model's context was full)."""
    if not turns or not turns[-1].done:
        return False
    return any(turn.truncated_in_reasoning and not turn.context_full
               for turn in (turns[-1], turns[-1].beside) if turn is not None)


def engine_name(label: str, adapter: str | None) -> str:
    """An engine as the user picked it: the local model names its LoRA adapter."""
    return label + (f" · adapter {adapter}" if label == LOCAL and adapter not in (None, "", BASE_MODEL) else "")


def chat_labels(label: str, adapter: str, beside: str, beside_adapter: str) -> tuple[Any, Any, Any]:
    """The two conversation boxes' updates: the second one shown, and both named, when side by side;
    the conversations' column widens then, so that each box keeps room to read."""
    if beside == ALONE:
        return gr.update(label="Conversation"), gr.update(visible=False), gr.Column(scale=3)
    return (gr.update(label=engine_name(label, adapter)),
            gr.update(visible=True, label=engine_name(beside, beside_adapter)), gr.Column(scale=5))


def differences_md(turns: list[Turn]) -> str:
    """How the last question's two answers differ, when it was asked side by side and both finished."""
    if not turns or turns[-1].beside is None:
        return ""
    return differences_block(side_by_side_differences(turns[-1], side_names(turns[-1])),
                             "**How they differ** (last question)")


# the download buttons under the conversation, in their order: (file name stem, suffix, writer)
CONVERSATION_FILES = (("conversation", ".md", conversation_markdown), ("conversation", ".json", conversation_json),
                      ("chat-questions", ".jsonl", conversation_questions))


def conversation_files(turns: list[Turn]) -> tuple[Any, ...]:
    """The download buttons' updates (CONVERSATION_FILES): the conversation as Markdown and as
    JSON, and its questions as an experiment file, or hidden."""
    if not finished(turns):
        return tuple(gr.update(value=None, visible=False) for _ in CONVERSATION_FILES)
    updates = []
    for stem, suffix, write in CONVERSATION_FILES:
        path = download_path(stem, suffix)
        path.write_text(write(turns), encoding="utf-8")
        updates.append(gr.update(value=str(path), visible=True))
    return tuple(updates)
