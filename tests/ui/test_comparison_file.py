"""One comparison written up, as Markdown and as a web page."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import gradio as gr
import pytest

from engines.base import ConfigurationError, GenerationParams, StreamStats
from ui.comparison_file import comparison_files, comparison_markdown
from workbench.compare import Experiment, SystemRun, record

WHEN = datetime(2026, 12, 4, 19, 30, tzinfo=timezone.utc)


def _rec(a_error: Exception | None = None) -> dict:
    exp = Experiment(id="calc-pe", query="Quel est le PER d'une action à 60 € pour un BPA de 4 € ?", lang="fr",
                     category="calculation", expect={"number": 15}, reference="Le PER est de 15.",
                     transaction={"amount": 60})
    stats = StreamStats(model_id="demo-model", finish_reason="stop", ttft_s=0.1, total_s=1.0, reasoning_tokens=12,
                        content_tokens=9)
    b = SystemRun("System B", response="Le PER vaut 60 / 4 = 16 <b>.", done=True, stats=stats,
                  reasoning="The user asks for P/E.\n\nDivide the price by the earnings.")
    a = SystemRun("System A", response="", done=True, error=a_error,
                  stats=StreamStats(model_id="deepseek-chat", finish_reason="error"))
    return record(exp, {"A": a, "B": b}, params=GenerationParams(max_new_tokens=256, enable_thinking=True))


def test_a_comparison_is_written_up_with_its_question_answers_reasoning_figures_and_verdicts():
    rec = {**_rec(ConfigurationError("System A is not configured: no key")), "verdict": "B better",
           "verdict_note": "A did not answer.", "model_verdict": "Tie", "model_verdict_note": "Both wrong.",
           "model_judge": "deepseek-chat"}
    text = comparison_markdown(rec, "nightly", WHEN)
    assert text.startswith("# Comparison `calc-pe` — run `nightly`\n\n*Finance LLM Workbench, written "
                           "2026-12-04 19:30 UTC; asked ")
    assert "## Question\n\nQuel est le PER d'une action à 60 € pour un BPA de 4 € ?" in text
    assert "- **Language:** fr\n- **Category:** calculation\n- **Transaction:** `{\"amount\": 60}`" in text
    assert '- **Generation parameters (both systems):** `{"temperature"' in text and '"max_new_tokens": 256' in text
    assert '- **Checks on the answers:** `{"number": 15}`' in text
    assert "- **Reference answer:** Le PER est de 15." in text
    assert "## System A (remote MoE)\n\n**Failed:** System A is not configured: no key" in text
    assert "Le PER vaut 60 / 4 = 16 &lt;b>." in text  # an answer's markup is text, never run
    assert "> The user asks for P/E.\n>\n> Divide the price by the earnings." in text  # the reasoning, apart
    assert "| tokens (reasoning / answer) | 12 / 9 |" in text
    assert "**Failed checks:** states 15 (its figures: 60 · 4 · 16)" in text
    assert "- The analyst's: **B better** — “A did not answer.”" in text
    assert "- The judge model `deepseek-chat`'s: **Tie** — “Both wrong.”" in text
    single = comparison_markdown(_rec(), written=WHEN)
    assert single.startswith("# Comparison `calc-pe` — a single comparison") and "## Verdicts" not in single
    assert "## How they differ\n\n- The question is in French; B's reasoning is in English." in single
    assert "- Figures: only B states 60, 4, 16." in single


def test_the_write_up_is_two_files_and_a_blind_comparison_waits_for_its_verdict():
    markdown, page = comparison_files(_rec(), "nightly")
    text = Path(markdown["value"]).read_text(encoding="utf-8")
    assert Path(markdown["value"]).name.startswith("comparison-calc-pe") and markdown["visible"]
    web = Path(page["value"]).read_text(encoding="utf-8")
    assert web.startswith("<!DOCTYPE html>") and "<title>Comparison calc-pe</title>" in web
    assert "<h2>System B (router + local model)</h2>" in web and '<table tabindex="0">' in web
    assert "<blockquote>\n<p>The user asks for P/E.</p>" in web  # the reasoning set apart (the page's CSS)
    assert "<b>." not in web and "# Comparison" in text
    with pytest.raises(gr.Error, match="Give your verdict first"):
        comparison_files({**_rec(), "blind_left": "B"})
    with pytest.raises(gr.Error, match="nothing to write up"):
        comparison_files(None)
