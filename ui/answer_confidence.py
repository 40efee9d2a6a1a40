"""How sure the local model was of an answer, token by token: Compare › Single's System B answer
and Chat's last answer (folded panels; workbench.confidence reads it, engines.confidence measures
it)."""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from engines.base import EngineError
from workbench.blind import is_blind_pending
from workbench.chat import Turn, asked_request
from workbench.compare import SYSTEMS, system_b_request
from workbench.confidence import as_written, confidence_html, confidence_summary, token_legend
from workbench.services import Services

HINT = ("The local model reads the answer again (no new answer is written) and gives each token the probability "
        "it had there. A figure it was unsure of is one a second run may state otherwise: check it first.")


def build_answer_confidence(prefix: str, title: str, button: str) -> dict[str, Any]:
    """The folded panel: its button, the lines that sum it up and the answer shaded token by token."""
    with gr.Accordion(title, open=False, elem_id=f"{prefix}-confidence-box"):
        gr.Markdown(HINT, elem_classes=["confidence-hint"])
        read = gr.Button(button, size="sm", elem_id=f"{prefix}-confidence")
        summary = gr.Markdown(elem_id=f"{prefix}-confidence-summary")
        tokens = gr.HTML(elem_id=f"{prefix}-confidence-tokens", elem_classes=["confidence-tokens"])
    return {"button": read, "summary": summary, "tokens": tokens}


def answer_confidence_view(services: Services, rec: dict[str, Any] | None) -> tuple[str, str]:
    """The summary and the shaded answer of the comparison shown's System B answer; gr.Error with
    the reason where there is none to read."""
    if not rec:
        raise gr.Error("Run a comparison first (or select one in the list below): its System B answer is read.")
    if is_blind_pending(rec):
        raise gr.Error("Give your verdict first: reading System B's answer would tell which one it is.")
    b = rec.get(SYSTEMS["B"])
    if not b or b["metadata"].get("error") or not b.get("response"):
        raise gr.Error("System B gave no answer in the comparison shown: there is nothing to read.")
    try:
        chances = services.pipeline.answer_confidence(system_b_request(rec), b.get("reasoning") or "", b["response"])
    except EngineError as exc:
        raise gr.Error(f"System B's answer cannot be read again: {exc}.") from None
    return confidence_summary(chances, b["response"], "System B's model"), confidence_html(chances, b["response"])


def _one_turn(services: Services, history: list[Turn], beside: bool, legend: bool) -> tuple[str, str]:
    turn = history[-1].beside if beside else history[-1]
    assert turn is not None
    who = turn.engine_label
    if turn.error or not turn.answer.strip():
        return f"**{who}** gave no answer to read.", ""
    read = getattr(services.engines.get(turn.engine), "answer_confidence", None)
    if not callable(read):
        return f"**{who}**: its model runs on the provider's server, which does not lend its probabilities here.", ""
    try:
        chances = read(asked_request(history, beside), turn.reasoning, turn.answer)
    except EngineError as exc:
        return f"**{who}**: its answer cannot be read again: {exc}.", ""
    return confidence_summary(chances, turn.answer, who), confidence_html(chances, turn.answer, legend)


def chat_confidence_view(services: Services, history: list[Turn]) -> tuple[str, str]:
    """How sure each engine was of the last answer in its box (two side by side: both, set one
    above the other); gr.Error while there is none or one is still coming."""
    if not history:
        raise gr.Error("Ask a question first: its answer is read again.")
    if not history[-1].done:
        raise gr.Error("Wait for the answer to finish (or stop it): a finished answer is read again.")
    if history[-1].beside is None:
        summary, page = _one_turn(services, history, False, legend=True)
        pages = page
    else:  # one legend above both answers, each under its engine's name
        read = [(_one_turn(services, history, side, legend=False),
                 (history[-1].beside if side else history[-1]).engine_label) for side in (False, True)]
        summary = "\n\n".join(md for (md, _), _ in read)
        shown = "".join(f"<h4>{html.escape(who)}</h4>{page}" for (_, page), who in read if page)
        pages = token_legend() + shown if shown else ""
    question = history[-1].question
    cut = "…" if len(question) > 80 else ""
    said = f"_The answer to “{as_written(question[:80])}{cut}” (question {len(history)})._"
    return f"{said}\n\n{summary}", pages
