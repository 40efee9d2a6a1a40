"""The line of figures under each chat answer."""

from __future__ import annotations

from workbench.chat import stats_line


def test_the_figures_under_an_answer_name_the_parameters_the_api_did_not_take():
    stats = {"ttft_s": 0.2, "tokens_per_s": 31.5, "reasoning_tokens": 40, "content_tokens": 20,
             "reasoning_share": 0.667, "reasoning_lang": "en", "answer_lang": "fr", "finish_reason": "stop",
             "total_s": 2.1, "model_id": "deepseek-reasoner",
             "extras": {"not_applied": ["temperature", "top_p", "top_k"]}}
    line = stats_line(stats)
    assert "not taken by the API: temperature, top_p, top_k" in line
    assert "language: reasoning en / answer fr" in line
    del stats["extras"]["not_applied"]
    assert "not taken" not in stats_line(stats)
