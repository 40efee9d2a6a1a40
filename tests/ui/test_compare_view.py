"""The Compare tab's per-system figures, as an analyst reads them."""

from __future__ import annotations

from engines.base import ConfigurationError, StreamStats
from ui.compare import metrics_md
from workbench.compare import SystemRun


def _row(table: str, metric: str) -> str:
    return next(line for line in table.splitlines() if line.startswith(f"| {metric} |"))


def test_a_system_that_failed_before_any_call_shows_no_latency():
    run = SystemRun("System A", done=True, error=ConfigurationError("no key"),
                    stats=StreamStats(model_id="deepseek-chat", finish_reason="error"))
    table = metrics_md(run)
    assert _row(table, "total latency") == "| total latency | — |"  # not "0.0 ms"
    assert _row(table, "TTFT") == "| TTFT | — |"
    assert _row(table, "finish") == "| finish | error |"


def test_a_finished_answer_shows_its_figures_in_milliseconds():
    run = SystemRun("System B", reasoning="The user asks about a wire to the Cayman Islands.",
                    response="Risque : ÉLEVÉ. Le montant vaut 21 fois la moyenne du client.", done=True,
                    stats=StreamStats(model_id="demo-model", finish_reason="stop", ttft_s=0.0756,
                                      total_s=2.6512, reasoning_tokens=82, content_tokens=61))
    table = metrics_md(run)
    assert _row(table, "total latency") == "| total latency | 2651.2 ms |"
    assert _row(table, "TTFT") == "| TTFT | 75.6 ms |"
    assert _row(table, "tokens (reasoning / answer)") == "| tokens (reasoning / answer) | 82 / 61 |"
    assert _row(table, "language (reasoning / answer)") == "| language (reasoning / answer) | en / fr |"
