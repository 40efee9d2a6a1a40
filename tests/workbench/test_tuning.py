"""Generation tuning: sweeps, repeats, determinism and text metrics on the demo model."""

from __future__ import annotations

import pytest

from engines.base import GenerationParams
from workbench.presets import CUSTOM, PRESETS, apply_preset, matching_preset
from workbench.tuning import (
    distinct_2,
    grid,
    mark_determinism,
    parse_values,
    planning_phrases,
    repetition_rate,
    run_configs,
)


def test_text_metrics():
    assert distinct_2("a b c d") == 1.0
    assert distinct_2("a b a b a b") == 0.4  # 2 distinct bigrams out of 5
    assert repetition_rate("the cat sat the cat sat") == 0.25  # 1 repeated trigram out of 4
    assert repetition_rate("two words") is None
    assert planning_phrases("Let me first analyse the question. Definition: …") == ["Let me first analyse"]
    assert planning_phrases("Laissez-moi d'abord analyser la question.") == ["Laissez-moi d'abord"]
    assert planning_phrases("The P/E ratio divides the price.") == []


def test_grid_and_values():
    base = apply_preset("Qwen3 thinking")
    configs = grid(base, "temperature", parse_values("0.2, 0.9", "temperature"),
                   "max_new_tokens", parse_values("64;256", "max_new_tokens"))
    assert [(c.temperature, c.max_new_tokens) for c in configs] == [(0.2, 64), (0.2, 256), (0.9, 64), (0.9, 256)]
    assert all(c.top_k == 20 for c in configs)
    with pytest.raises(ValueError, match="at most 8"):
        grid(base, "temperature", [0.1, 0.2, 0.3], "top_k", [1, 2, 3])
    with pytest.raises(ValueError, match="not a number"):
        parse_values("0.2, hot", "temperature")
    with pytest.raises(ValueError, match="invalid combination"):
        grid(base, "temperature", [5.0])


def test_presets_fill_and_match():
    assert apply_preset("Precise").max_new_tokens == 150
    assert apply_preset("Precise").no_repeat_ngram_size == 3
    assert matching_preset(apply_preset("Compliance")) == "Compliance"
    assert matching_preset(GenerationParams(temperature=0.33)) == CUSTOM
    assert set(PRESETS) == {"Qwen3 thinking", "Qwen3 non-thinking", "Precise", "Compliance"}


def test_run_configs_reports_budget_share_and_determinism(local_engine):
    configs = [GenerationParams(temperature=0, max_new_tokens=16),
               GenerationParams(temperature=0, max_new_tokens=300)]
    rows = mark_determinism(list(run_configs(local_engine, "Qu'est-ce que la duration ?", configs, repeats=2)))
    assert len(rows) == 4
    by = {(r["config"], r["repeat"]): r for r in rows}
    assert by[(1, 1)]["truncated_in_reasoning"] and by[(1, 1)]["answer"] == ""
    assert by[(2, 1)]["answer"].startswith("La duration mesure")
    assert 0.3 < by[(2, 1)]["reasoning_share"] < 0.9
    assert by[(1, 1)]["seed"] == 0 and by[(1, 2)]["seed"] == 1  # repeats get different seeds
    assert by[(2, 1)]["identical_across_repeats"] is True  # greedy: same output whatever the seed


def test_hot_sampling_differs_across_repeats(local_engine):
    hot = [GenerationParams(temperature=1.5, top_k=0, top_p=1.0, max_new_tokens=60)]
    rows = mark_determinism(list(run_configs(local_engine, "Tell me about penguins and the weather.", hot,
                                             repeats=3)))
    assert [r["seed"] for r in sorted(rows, key=lambda r: r["repeat"])] == [0, 1, 2]
    assert rows[0]["identical_across_repeats"] is False


def test_a_row_names_the_parameters_system_a_did_not_take(local_engine, monkeypatch):
    from tests.fake_deepseek import KEY_ENV, FakeDeepSeek

    monkeypatch.setenv(KEY_ENV, "sk-test-key-0000")
    configs = [GenerationParams(temperature=0, top_k=20, no_repeat_ngram_size=3, max_new_tokens=40,
                                enable_thinking=False)]
    with FakeDeepSeek() as server:
        remote = list(run_configs(server.engine("deepseek-chat"), "Qu'est-ce que le P/E ?", configs))
    assert remote[0]["error"] is None
    assert remote[0]["params_not_applied"] == "top_k, no_repeat_ngram_size"
    local = list(run_configs(local_engine, "Qu'est-ce que la duration ?", configs))
    assert local[0]["params_not_applied"] is None  # the local engine applies every parameter


def test_a_stopped_run_is_not_compared_with_the_finished_repeats(local_engine):
    import threading

    cancel = threading.Event()
    configs = [GenerationParams(temperature=0, max_new_tokens=300)] * 2
    rows = []
    for row in run_configs(local_engine, "Qu'est-ce que la duration ?", configs, repeats=5, cancel=cancel,
                           workers=2):
        rows.append(row)
        cancel.set()  # Stop once the first run has ended
    mark_determinism(rows)
    # of the 10 runs, the ones that ended with the first and those the 2 workers took up next; no more
    assert len(rows) <= 4
    finished = [r for r in rows if r["finish_reason"] == "stop"]
    assert finished and all(r["identical_across_repeats"] is None for r in rows if r not in finished)
    # a greedy repeat cut short differs from the finished one, yet the configuration stays deterministic
    cut = {**finished[0], "repeat": 9, "finish_reason": "cancelled", "answer": finished[0]["answer"][:5]}
    again = {**finished[0], "repeat": 2}
    mark_determinism([finished[0], again, cut])
    assert finished[0]["identical_across_repeats"] is True and cut["identical_across_repeats"] is None
