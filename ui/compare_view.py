"""How the Compare tab renders a comparison: each system's reasoning, answer and figures.

Used for a comparison as it streams (a `SystemRun`) and for a stored record (a batch row's
details), so that both read the same.
"""

from __future__ import annotations

import json
import re
from typing import Any

import gradio as gr

from engines.cost import usd
from engines.systems import NO_MODEL_CALL
from ui.common import FORMULAS, copied_as, differences_block, in_language
from workbench.blind import BLIND_VERDICTS, is_blind_pending, other_system
from workbench.checks import passed
from workbench.compare import SYSTEMS, SystemRun, refusal_of
from workbench.confidence import unsure_line
from workbench.differences import answer_risk, context_room, differences
from workbench.figures import unshared_places
from workbench.notation import FORMULA
from workbench.references import uncited_places
from workbench.safety import safe_markdown
from workbench.verdicts import VERDICTS

SYSTEM_TITLES = (("A", "System A · remote MoE"), ("B", "System B · router + local model"))
BLIND_TITLES = ("Left answer · system hidden until your verdict", "Right answer · system hidden until your verdict")
BLIND_WAITING = ("_Both systems are answering. Blind, the two answers appear together once both have "
                 "finished, so that speed does not tell them apart._")
BLIND_PROMPT = "Blind comparison — which answer is better? The systems are named once you say (keys 1 to 4):"
HIDDEN_FIGURES = "_Figures hidden until your verdict: they would tell the systems apart._"


def _ms(value: float | None) -> str:
    return f"{value} ms" if value else "—"


def metrics_md(run: SystemRun) -> str:
    if run.skipped:
        return "_not run_"
    if not run.done:
        return "_running…_"
    return result_table_md(run.result())


def result_table_md(res: dict[str, Any]) -> str:
    """One system's figures for one comparison (a stored record's per-system result)."""
    meta = res["metadata"]
    refused = refusal_of(res)  # None: it failed before it answered
    lines = ["| metric | value |", "|---|---|",
             f"| TTFT | {_ms(res['ttft_ms'])} |",
             f"| total latency | {_ms(res['latency_ms'])} |",  # 0: failed before any call
             f"| tokens (reasoning / answer) | {meta['reasoning_tokens']} / {meta['content_tokens']} |",
             f"| tokens/s | {meta['tokens_per_s'] or '—'} |",
             f"| finish | {meta['finish_reason']}{_context_full(meta)} |",
             f"| refusal | {'—' if refused is None else 'yes' if refused else 'no'} |",
             f"| language (reasoning / answer) | {res['reasoning_lang']} / {res['answer_lang']} |",
             f"| model | `{meta['model_id']}` |"]
    if level := answer_risk(res):  # a transaction's rating
        lines.insert(8, f"| risk level | {level} |")
    if unsure := unsure_line(res):  # System A's from its provider's probabilities; System B's read back in a batch
        lines.append(f"| unsure figures | {unsure} |")
    if meta.get("prompt_cache_hit_tokens") is not None:
        lines.append(f"| cache-hit tokens | {meta['prompt_cache_hit_tokens']} |")
    if meta.get("not_applied"):
        lines.append(f"| not taken by the API | {', '.join(meta['not_applied'])} |")
    if meta.get("cost_usd") is not None:
        lines.append(f"| cost | {usd(meta['cost_usd'])}{_cost_basis(meta)} |")
    if "route" in res:
        lines.append(f"| route | **{res['route']}** ({res['route_confidence']:.0%} sure; answered in "
                     f"{res['handling_mode']} mode) |")
        lines.append(f"| why | {safe_markdown('; '.join(res['route_reasons']))} |")
    if meta["truncated_in_reasoning"]:
        lines.append("| ⚠️ | " + ("the model's context filled up" if _context_full(meta) else "budget ran out")
                     + " inside the reasoning |")
    return "\n".join(lines)


def _context_full(meta: dict[str, Any]) -> str:
    """Where the model's context, not the token budget, ended the answer: what the prompt left it."""
    room = context_room(meta)
    return "" if room is None else f" (the model's context was full: the prompt left {room:,} tokens)"


def _cost_basis(meta: dict[str, Any]) -> str:
    """What a cost was worked out from: nothing (the router answered), the model's compute time
    (System B) or the provider's token prices."""
    if meta.get("model_id") == NO_MODEL_CALL:
        return " (no model call)"
    if meta.get("compute_s") is not None:
        return f" ({meta['compute_s']:.2f} s of compute)"
    return " (tokens at the provider's prices)"


def answer_md(run: SystemRun) -> str:
    if run.skipped:
        return ""
    error = str(run.error) if run.error is not None and run.error.kind != "cancelled" else None
    return _answer_text(run.response, error, f"Error — {run.name}", run.done)


def _answer_text(response: str, error: str | None, error_title: str, done: bool = True) -> str:
    """An answer as a column shows it: the error first where there was one, then what came."""
    if error:
        return f"**{error_title}:** {safe_markdown(error)}\n\n{safe_markdown(response)}"
    return safe_markdown(response) or ("…" if not done else "_(empty answer)_")


MARK = '<mark class="figure-apart" title="a figure the other answer does not state">'
MARK_REFERENCE = '<mark class="reference-apart" title="a rule, a standard or a class the other answer does not cite">'
_NOT_TO_MARK = re.compile(r"```.*?```|`[^`]*`|\[[^\]]{0,500}\]\([^)]{0,2000}\)|<https?://[^>\s]+>|https?://\S+|"
                          + FORMULA.pattern, re.DOTALL)


def marked_answer(response: str, other: str) -> str:
    """An answer as safe_markdown shows it, the figures it writes that the `other` answer does not
    state marked (workbench.figures.unshared_places), and the rules, standards and classes it
    cites by number that the other does not (workbench.references.uncited_places) — except inside
    code, a link, an address or a formula, where a tag would show as text or break it."""
    kept = [(m.start(), m.end()) for m in _NOT_TO_MARK.finditer(response)]
    places = sorted([(a, b, MARK) for a, b in unshared_places(response, other)]
                    + [(a, b, MARK_REFERENCE) for a, b in uncited_places(response, other)])
    out, at = [], 0
    for a, b, mark in places:
        if a < at or any(start < b and a < end for start, end in kept):
            continue
        out += [safe_markdown(response[at:a]), mark, safe_markdown(response[a:b]), "</mark>"]
        at = b
    return "".join([*out, safe_markdown(response[at:])])


def reasoning_md(reasoning: str) -> str:
    return safe_markdown(reasoning) or "_(no reasoning)_"


def stored_result_md(res: dict[str, Any] | None, other: dict[str, Any] | None = None) -> tuple[str, str, str]:
    """(reasoning, answer, figures) of one system's stored result, shown as a live comparison
    shows them; with the `other` system's result, when both answered and neither refused, the
    figures only this answer states marked in it."""
    if res is None:
        return "", "_not run_", ""
    meta = res["metadata"]
    error = meta.get("error") if meta.get("error_kind") != "cancelled" else None
    answer = _answer_text(res["response"], error, "Error")
    if (other and not error and res["response"] and not res.get("refusal") and not other.get("refusal")
            and not (other.get("metadata") or {}).get("error")):
        answer = marked_answer(res["response"], other.get("response") or "")
    if not error:  # an error's text is English whatever the answer's language
        answer = copied_as(res["response"]) + in_language(answer, res.get("answer_lang"))
    reasoning = copied_as(res["reasoning"]) + in_language(reasoning_md(res["reasoning"]), res.get("reasoning_lang"))
    return reasoning, answer, result_table_md(res)


def experiment_md(rec: dict[str, Any]) -> str:
    """The head of a batch row's details: the experiment as it was asked (under the system prompt
    both systems were given, when there was one), and the reference answer its file gave (the
    answer the team holds right) when it has one."""
    lines = [f"## `{rec['experiment_id']}`", safe_markdown(rec["query"])]
    if rec.get("system_prompt"):
        lines.append(f"*System prompt (both systems):* {safe_markdown(' '.join(rec['system_prompt'].split()))}")
    if rec.get("reference"):
        lines.append(f"*Reference answer:* {safe_markdown(' '.join(rec['reference'].split()))}")
    if rec.get("rescored_at"):
        when = str(rec["rescored_at"]).replace("T", " ").removesuffix("+00:00")
        lines.append(f"*Scored again on {safe_markdown(when)} (UTC) under checks or a reference answer edited after "
                     "its answers came: written knowing them.*")
    facts = [f"{label}: **{rec[key]}**" for key, label in
             (("lang", "language"), ("expected_route", "expected route"), ("category", "category"))
             if rec.get(key)]
    if rec.get("transaction"):
        tx = json.dumps(rec["transaction"], ensure_ascii=False).replace("`", "'")
        facts.append(f"transaction: `{tx}`")
    return "\n\n".join([*lines, " · ".join(facts)] if facts else lines)


def differences_md(rec: dict[str, Any] | None) -> str:
    """The lines of `workbench.differences` under a heading; empty unless both systems answered."""
    return differences_block(differences(rec) if rec else [])


def system_columns(prefix: str) -> tuple[dict[str, tuple[gr.Markdown, gr.Markdown, gr.Markdown]],
                                          dict[str, gr.Markdown]]:
    """Both systems side by side: reasoning (folded), answer and figures of each, by system key,
    and each column's title (a blind comparison renames them)."""
    cols, titles = {}, {}
    with gr.Row(equal_height=False):
        for key, title in SYSTEM_TITLES:
            with gr.Column(elem_id=f"{prefix}-col-{key.lower()}"):
                titles[key] = gr.Markdown(f"## {title}", elem_id=f"{prefix}-title-{key.lower()}",
                                           elem_classes=["section-title"])
                # their copy buttons copy the reasoning and the answer as written (ui.common.copied_as)
                with gr.Accordion("Reasoning", open=False):
                    reasoning = gr.Markdown(elem_id=f"{prefix}-reasoning-{key.lower()}", latex_delimiters=FORMULAS,
                                            buttons=["copy"], elem_classes=["copyable", "copyable-reasoning"])
                answer = gr.Markdown(elem_id=f"{prefix}-answer-{key.lower()}", latex_delimiters=FORMULAS,
                                     buttons=["copy"], elem_classes=["copyable", "copyable-answer"])
                metrics = gr.Markdown(elem_id=f"{prefix}-metrics-{key.lower()}")
            cols[key] = (reasoning, answer, metrics)
    return cols, titles


def shown_record(rec: dict[str, Any]) -> tuple[list[str], str]:
    """A finished comparison's six column parts (reasoning, answer, figures of the left column,
    then of the right) and how they differ. A blind one not yet judged has the answer of
    `blind_left` on the left, and no figures or differences, which would name the systems."""
    def shown(key: str) -> tuple[str, str, str]:  # the figures only it states marked (a blind one's too)
        return stored_result_md(rec.get(SYSTEMS[key]), rec.get(SYSTEMS[other_system(key)]))

    if not is_blind_pending(rec):
        return [part for key in SYSTEMS for part in shown(key)], differences_md(rec)
    parts = []
    for key in (rec["blind_left"], other_system(rec["blind_left"])):
        reasoning, answer, _ = shown(key)
        parts += [reasoning, answer, HIDDEN_FIGURES]
    return parts, ""


def checks_said(rec: dict[str, Any]) -> str:
    """How each system's answer did on its checks ("A passed 2 of 3, B passed 3 of 3"), or that
    none are set."""
    said = ", ".join(f"{key} passed {score[0]} of {score[1]}" for key, name in SYSTEMS.items()
                     if (score := passed(rec.get(name))))
    return said or "no checks now"


def column_frame(blind: bool) -> list[Any]:
    """The column titles and the first two verdict buttons' labels: left/right while the
    comparison shown is blind, the systems' names otherwise."""
    titles = BLIND_TITLES if blind else [title for _, title in SYSTEM_TITLES]
    labels = BLIND_VERDICTS if blind else VERDICTS
    return [*(gr.update(value=f"## {t}") for t in titles), *(gr.update(value=v) for v in labels[:2])]
