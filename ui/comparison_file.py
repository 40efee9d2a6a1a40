"""One comparison written up, to send to someone who will not open the app: the question as it
was asked (transaction, parameters, checks, reference answer), each system's answer with its
reasoning quoted and its figures, how the two differ and the verdicts — as Markdown, and as one
web page (workbench.report's page: it opens in any browser and prints to PDF). Single's comparison
shown, or a batch row's."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import gradio as gr

from ui.common import download_path
from ui.compare_view import result_table_md
from workbench.batch_store import safe_run_name
from workbench.blind import is_blind_pending
from workbench.chat_export import quoted
from workbench.checks import failures
from workbench.compare import SYSTEMS
from workbench.differences import differences
from workbench.report import report_html
from workbench.safety import safe_markdown

TITLES = {"A": "System A (remote MoE)", "B": "System B (router + local model)"}


def _code(value: Any) -> str:
    return "`" + json.dumps(value, ensure_ascii=False).replace("`", "'") + "`"


def _system(key: str, res: dict[str, Any] | None) -> list[str]:
    title = f"## {TITLES[key]}"
    if res is None:
        return [title, "*Not asked.*"]
    meta = res.get("metadata") or {}
    parts = [title]
    if meta.get("error") and meta.get("error_kind") != "cancelled":
        parts.append(f"**Failed:** {safe_markdown(str(meta['error']))}")
    parts.append(safe_markdown(res.get("response") or "") or "*(empty answer)*")
    if (res.get("reasoning") or "").strip():
        parts += ["**Reasoning** (shown apart from the answer):", quoted(safe_markdown(res["reasoning"]))]
    parts.append(result_table_md(res))
    if failed := failures(res):
        parts.append("**Failed checks:** " + "; ".join(safe_markdown(f) for f in failed))
    return parts


def _verdicts(rec: dict[str, Any]) -> list[str]:
    lines = []
    if rec.get("verdict"):
        why = f" — “{safe_markdown(rec['verdict_note'])}”" if rec.get("verdict_note") else ""
        lines.append(f"- The analyst's: **{rec['verdict']}**{why}")
    if rec.get("model_verdict"):
        why = f" — “{safe_markdown(rec['model_verdict_note'])}”" if rec.get("model_verdict_note") else ""
        lines.append(f"- The judge model `{rec.get('model_judge') or 'judge'}`'s: **{rec['model_verdict']}**{why}")
    return ["## Verdicts", "\n".join(lines)] if lines else []


def comparison_markdown(rec: dict[str, Any], run: str | None = None, written: datetime | None = None) -> str:
    """A comparison record (a batch run's, with the `run`'s name, or Single's) in Markdown, with
    the verdicts it carries (`verdict`, `verdict_note`, `model_verdict`…)."""
    written = written or datetime.now(timezone.utc)
    where = f"run `{run}`" if run else "a single comparison"
    asked = str(rec.get("timestamp") or "").replace("T", " ")[:16]
    facts = [f"- **{label}:** {safe_markdown(str(rec[key]))}" for key, label in
             (("lang", "Language"), ("category", "Category"), ("expected_route", "Expected route"))
             if rec.get(key)]
    facts += [f"- **{label}:** {_code(rec[key])}" for key, label in
              (("transaction", "Transaction"), ("params", "Generation parameters (both systems)"),
               ("expect", "Checks on the answers")) if rec.get(key)]
    if rec.get("reference"):
        facts.append(f"- **Reference answer:** {safe_markdown(' '.join(rec['reference'].split()))}")
    if rec.get("system_prompt"):
        facts.append("- **System prompt (both systems):**\n\n" + quoted(safe_markdown(rec["system_prompt"])))
    parts = [f"# Comparison `{rec.get('experiment_id')}` — {where}",
             f"*Finance LLM Workbench, written {written:%Y-%m-%d %H:%M} UTC"
             + (f"; asked {asked} UTC" if asked else "") + ".*",
             "## Question", safe_markdown(rec.get("query") or ""), *(["\n".join(facts)] if facts else [])]
    for key, name in SYSTEMS.items():
        parts += _system(key, rec.get(name))
    if lines := differences(rec):
        parts += ["## How they differ", "\n".join(f"- {line}" for line in lines)]
    parts += _verdicts(rec)
    return "\n\n".join(parts) + "\n"


def comparison_files(rec: dict[str, Any] | None, run: str | None = None) -> tuple[Any, Any]:
    """The comparison shown written to two files to download (Markdown, web page), shown."""
    if not rec:
        raise gr.Error("Run a comparison first (or select one): there is nothing to write up.")
    if is_blind_pending(rec):
        raise gr.Error("Give your verdict first: the write-up names which system gave which answer.")
    text = comparison_markdown(rec, run)
    stem = "comparison-" + safe_run_name(str(rec.get("experiment_id") or ""), "shown")
    path, page = download_path(stem, ".md"), download_path(stem, ".html")
    path.write_text(text, encoding="utf-8")
    page.write_text(report_html(text, f"Comparison {rec.get('experiment_id')}"), encoding="utf-8")
    return gr.update(value=str(path), visible=True), gr.update(value=str(page), visible=True)


def build_comparison_files(prefix: str) -> tuple[gr.Button, gr.DownloadButton, gr.DownloadButton]:
    """The button that writes the comparison shown up, and its two downloads (hidden until written)."""
    write = gr.Button("Write this comparison up (Markdown and web page)", size="sm", scale=1,
                      elem_id=f"{prefix}-write-up")
    markdown = gr.DownloadButton("Download it (Markdown)", visible=False, size="sm", scale=1,
                                 elem_id=f"{prefix}-write-up-md")
    page = gr.DownloadButton("Download it (web page)", visible=False, size="sm", scale=1,
                             elem_id=f"{prefix}-write-up-html")
    return write, markdown, page
