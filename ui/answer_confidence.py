"""How sure each model was of an answer, token by token: Compare › Single's two answers and Chat's
last answer (folded panels; workbench.confidence reads it). System B's model reads its answer again
(engines.confidence); System A's provider lends the probabilities it had while writing, where it
does (engines.chances)."""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from engines.base import EngineError
from workbench.blind import is_blind_pending
from workbench.chat import Turn, asked_request
from workbench.compare import SYSTEMS, system_b_request
from workbench.confidence import (
    READ_BACK,
    WRITTEN,
    as_written,
    confidence_html,
    confidence_summary,
    token_legend,
    unpacked,
    unsure_cell,
)
from workbench.services import Services

HINT = ("The local model reads its answer again (no new answer is written) and gives each token the probability "
        "it had there; System A's come from its provider, as the model wrote (where the provider lends them). "
        "A figure a model was unsure of is one a second run may state otherwise: check it first.")


def _lends_none(engine: object, who: str, model_id: str | None) -> str:
    """Why an answer of a remote engine has no probabilities (Markdown): the server refused them,
    they were not asked for, the model that answered gives none, or the server sent none."""
    problem = getattr(engine, "logprobs_problem", None)
    if problem:
        return f"**{who}**: its provider lends no probabilities: {problem}."
    cfg, preset = getattr(engine, "cfg", None), getattr(engine, "preset", None)
    if cfg is not None and not cfg.logprobs:
        return f"**{who}**: its probabilities are not asked for (the app runs with --no-system-a-logprobs)."
    if preset is not None and preset.reasoning_model and model_id == preset.reasoning_model:
        return (f"**{who}**: `{model_id}`, the model that answers with thinking on, gives no probabilities (with "
                f"thinking off, `{preset.model}` does).")
    return f"**{who}**: its server sent no probabilities with this answer (not every OpenAI-compatible server does)."


def build_answer_confidence(prefix: str, title: str, button: str) -> dict[str, Any]:
    """The folded panel: its button, the lines that sum it up and the answer shaded token by token."""
    with gr.Accordion(title, open=False, elem_id=f"{prefix}-confidence-box"):
        gr.Markdown(HINT, elem_classes=["confidence-hint"])
        read = gr.Button(button, size="sm", elem_id=f"{prefix}-confidence")
        summary = gr.Markdown(elem_id=f"{prefix}-confidence-summary")
        tokens = gr.HTML(elem_id=f"{prefix}-confidence-tokens", elem_classes=["confidence-tokens"])
    return {"button": read, "summary": summary, "tokens": tokens}


def answer_confidence_view(services: Services, rec: dict[str, Any] | None) -> tuple[str, str]:
    """The summaries and the shaded answers of the comparison shown: System A's from the
    probabilities its provider lent, System B's read again by its model; each under its system's
    name. gr.Error with the reasons where neither can be read."""
    if not rec:
        raise gr.Error("Run a comparison first (or select one in the list below): its answers are read.")
    if is_blind_pending(rec):
        raise gr.Error("Give your verdict first: reading the answers would tell which one is which.")
    said, pages = [], []
    for key in ("A", "B"):
        res, who = rec.get(SYSTEMS[key]), f"System {key}"
        if not res or res["metadata"].get("error") or not res.get("response"):
            if res is not None:
                said.append(f"**{who}** gave no answer in the comparison shown: there is nothing to read.")
            continue
        if key == "A":
            chances = unpacked(res.get("tokens"), res["response"])
            if chances is None:
                kept = unsure_cell(res)  # the figures kept without the tokens (a batch keeps no tokens)
                said.append(f"**{who}**: the figures its model was unsure of were kept with this comparison (see its "
                            f"figures: {kept}), not each token's probability." if kept is not None else
                            _lends_none(services.remote, who, res["metadata"].get("model_id")))
                continue
            how = WRITTEN
        else:
            try:
                chances = services.pipeline.answer_confidence(system_b_request(rec), res.get("reasoning") or "",
                                                              res["response"])
            except EngineError as exc:
                said.append(f"**{who}**: its answer cannot be read again: {exc}.")
                continue
            how = READ_BACK
        said.append(confidence_summary(chances, res["response"], f"{who}'s model", how))
        pages.append(f"<h2>{who}</h2>{confidence_html(chances, res['response'], legend=False)}")
    if not pages:
        raise gr.Error(" ".join(md.replace("**", "") for md in said) or "Neither system gave an answer to read.")
    return "\n\n".join(said), token_legend() + "".join(pages)


def _one_turn(services: Services, history: list[Turn], beside: bool, legend: bool) -> tuple[str, str]:
    turn = history[-1].beside if beside else history[-1]
    assert turn is not None
    who = turn.engine_label
    if turn.error or not turn.answer.strip():
        return f"**{who}** gave no answer to read.", ""
    engine = services.engines.get(turn.engine)
    if turn.chances is not None and (chances := unpacked(turn.chances, turn.answer)):  # lent while it wrote
        return confidence_summary(chances, turn.answer, who, WRITTEN), confidence_html(chances, turn.answer, legend)
    read = getattr(engine, "answer_confidence", None)
    if not callable(read):
        return _lends_none(engine, who, (turn.stats or {}).get("model_id")), ""
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
        shown = "".join(f"<h2>{html.escape(who)}</h2>{page}" for (_, page), who in read if page)
        pages = token_legend() + shown if shown else ""
    question = history[-1].question
    cut = "…" if len(question) > 80 else ""
    said = f"_The answer to “{as_written(question[:80])}{cut}” (question {len(history)})._"
    return f"{said}\n\n{summary}", pages
