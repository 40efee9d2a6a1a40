"""Chat's prompt gauge: under the question box, how much of each model's context the next question
takes, and whether the answer will have the room its token budget asks for (workbench.prompt_gauge)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from ui.common import pick_engine
from ui.params import ORDER, params_from_values
from workbench.chat import Turn, beside_history
from workbench.prompt_gauge import gauge_text, next_question_size
from workbench.services import Services


def gauge_fn(services: Services) -> Callable[..., Any]:
    """The callback: (question, turns, engine, adapter, side-by-side engine, its adapter, system prompt,
    *generation controls in ui.params.ORDER) -> the gauge's Markdown."""

    def gauge(question: str, history: list[Turn], label: str, adapter: str, beside_label: str,
              beside_adapter: str, system: str, *values: Any) -> Any:
        try:
            params = params_from_values(dict(zip(ORDER, values, strict=True)))
            sides = [(label, adapter, history)]
            if beside_label:
                sides.append((beside_label, beside_adapter, beside_history(history)))
            picked = [(pick_engine(services, name, chosen), name, turns) for name, chosen, turns in sides]
        except gr.Error:  # a value still being typed, or an engine gone: Send says what is wrong
            return gr.skip()
        q, system = (question or "").strip(), (system or "").strip()
        try:
            sizes = [next_question_size(engine, name, turns, q, params, system, chosen)
                     for (engine, chosen), name, turns in picked]
        except ValueError:  # a question the request refuses (Send says why)
            return gr.skip()
        return gauge_text(sizes, bool(q or history or system))

    return gauge
