"""Generation tuning: sweeps, repeats, determinism and text metrics on the demo model."""

from __future__ import annotations

import re

import pytest

from engines.base import GenerationParams
from workbench.export import write_csv, write_table
from workbench.presets import CUSTOM, PRESETS, apply_preset, matching_preset
from workbench.tuning import (
    config_summary,
    configs_of,
    distinct_2,
    grid,
    mark_determinism,
    parse_values,
    planning_phrases,
    read_tuning_run,
    rechecked_runs,
    repetition_rate,
    run_configs,
    suggestion,
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
    cut_offs = grid(base, "min_p", parse_values("0, 0.05, 0.2", "min_p"))
    assert [c.min_p for c in cut_offs] == [0.0, 0.05, 0.2]
    with pytest.raises(ValueError, match="invalid combination"):
        grid(base, "min_p", [1.5])
    with pytest.raises(ValueError, match="at most 8"):
        grid(base, "temperature", [0.1, 0.2, 0.3], "top_k", [1, 2, 3])
    with pytest.raises(ValueError, match="not a number"):
        parse_values("0.2, hot", "temperature")
    with pytest.raises(ValueError, match="invalid combination"):
        grid(base, "temperature", [5.0])


def test_values_written_the_french_way_are_read_as_meant_never_guessed():
    """'0,2; 0,9' was read as the four temperatures 0, 2, 0 and 9 (and '0,1; 0,2' ran 0, 1, 0
    and 2 without a word); 64.5 tokens ran as 64."""
    assert parse_values("0,2; 0,9", "temperature") == [0.2, 0.9]
    assert parse_values("1,1 ; 1,3;", "repetition_penalty") == [1.1, 1.3]
    assert parse_values("64,256", "max_new_tokens") == [64, 256]  # whole numbers: a list
    assert parse_values("0, 1, 2", "temperature") == [0.0, 1.0, 2.0]
    assert parse_values("1,0.5", "temperature") == [1.0, 0.5]
    for either_way in ("0,1,0,2", "1,2", "0,2, 0,9"):
        with pytest.raises(ValueError, match=r"reads two ways, as values or with decimal commas: write 0\.2, 0\.9 "
                                             r"\(or 0,2; 0,9\)"):
            parse_values(either_way, "temperature")
    with pytest.raises(ValueError, match=r"^max_new_tokens: '64\.5' is not a whole number$"):
        parse_values("64.5, 128", "max_new_tokens")
    with pytest.raises(ValueError, match=r"^max_new_tokens: '1,000' is not a number$"):  # not 1 token
        parse_values("64; 1,000", "max_new_tokens")


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


def test_checks_on_the_answer_are_scored_per_run_summed_per_configuration_and_read_back(local_engine, tmp_path):
    configs = [GenerationParams(temperature=0, max_new_tokens=16),  # cut off inside the reasoning
               GenerationParams(temperature=0, max_new_tokens=300)]
    expect = {"contains": "duration", "language": "fr", "complete": True}
    rows = mark_determinism(list(run_configs(local_engine, "Qu'est-ce que la duration ?", configs, expect=expect)))
    by = {r["config"]: r for r in rows}
    assert (by[1]["checks_passed"], by[1]["checks_total"]) == (0, 3)
    assert by[1]["checks_failed"] == ("contains 'duration' (not in the answer); answer in fr (the answer is in "
                                      "none); complete (cut off inside its reasoning)")
    assert (by[2]["checks_passed"], by[2]["checks_total"], by[2]["checks_failed"]) == (3, 3, None)
    assert [c["passed every check"] for c in config_summary(rows)] == [0, 1]
    path = tmp_path / "run.csv"
    write_csv(rows, path)
    assert [(r["checks_passed"], r["checks_total"]) for r in read_tuning_run(path)] == [(0, 3), (3, 3)]
    book = tmp_path / "run.xlsx"  # Download as Excel: the same run opens again from the workbook
    write_table(rows, book, "runs")
    assert read_tuning_run(book) == read_tuning_run(path)
    plain = list(run_configs(local_engine, "Qu'est-ce que la duration ?", configs[:1]))
    assert plain[0]["checks_total"] is None and "passed every check" not in config_summary(plain)[0]
    # scored again under other checks, from the saved run, nothing run again
    again = {r["config"]: r for r in rechecked_runs(read_tuning_run(path), {"complete": True})}
    assert [(again[c]["checks_passed"], again[c]["checks_total"]) for c in (1, 2)] == [(0, 1), (1, 1)]
    assert again[1]["checks_failed"] == "complete (cut off inside its reasoning)"
    assert again[1]["expect"] == '{"complete": true}' and again[1]["answer"] == by[1]["answer"]
    assert rechecked_runs(rows, None)[1]["checks_total"] is None and rows[1]["checks_total"] == 3  # new rows
    # the reasoning's language and the tokens spent, from the saved run too
    tokens = by[2]["reasoning_tokens"] + by[2]["answer_tokens"]
    thought = {r["config"]: r for r in rechecked_runs(read_tuning_run(path), {"reasoning_language": "en",
                                                                              "max_tokens": tokens - 1})}
    assert thought[2]["checks_failed"] == f"within {tokens - 1:,} tokens ({tokens:,} tokens " \
                                          f"({by[2]['reasoning_tokens']:,} reasoning))"
    assert thought[2]["checks_passed"] == 1  # it thought in English


def test_hot_sampling_differs_across_repeats(local_engine):
    hot = [GenerationParams(temperature=1.5, top_k=0, top_p=1.0, max_new_tokens=60)]
    rows = mark_determinism(list(run_configs(local_engine, "Tell me about penguins and the weather.", hot,
                                             repeats=3)))
    assert [r["seed"] for r in sorted(rows, key=lambda r: r["repeat"])] == [0, 1, 2]
    assert rows[0]["identical_across_repeats"] is False


def test_each_answer_is_read_back_and_hotter_sampling_strays_from_what_the_model_expects(local_engine):
    configs = [GenerationParams(temperature=temperature, top_k=0, top_p=1.0, max_new_tokens=60, enable_thinking=False)
               for temperature in (0.0, 2.0)]
    rows = list(run_configs(local_engine, "Tell me about penguins and the weather.", configs, repeats=2))
    assert all(0 < r["sure_share"] <= 1 and r["unsure_figures"] for r in rows)
    means = {entry["config"]: entry["mean sure_share"] for entry in config_summary(rows)}
    assert means[1] > means[2]  # greedy writes the model's likeliest token; at 2.0 it often does not


def test_a_row_names_the_parameters_system_a_did_not_take(local_engine, monkeypatch):
    from tests.fake_deepseek import KEY_ENV, FakeDeepSeek

    monkeypatch.setenv(KEY_ENV, "sk-test-key-0000")
    configs = [GenerationParams(temperature=0, top_k=20, no_repeat_ngram_size=3, max_new_tokens=40,
                                enable_thinking=False)]
    with FakeDeepSeek() as server:
        remote = list(run_configs(server.engine("deepseek-chat"), "Qu'est-ce que le P/E ?", configs))
        figures = list(run_configs(server.engine("figures"), "How did revenue move?", configs))
        unlent = list(run_configs(server.engine("deepseek-chat", logprobs=False), "Qu'est-ce que le P/E ?", configs))
    assert remote[0]["error"] is None
    assert remote[0]["params_not_applied"] == "top_k, no_repeat_ngram_size"
    # System A's answer read from the probabilities its provider lent with it: every token at 95% here
    assert (remote[0]["sure_share"], remote[0]["unsure_figures"]) == (1.0, "none")
    assert figures[0]["unsure_figures"] == "12% (41%)"
    assert "sure_share" not in unlent[0]  # none lent: its model is not at hand to read the answer back
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


def _run(config, repeat, finish="stop", **fields):
    base = {"config": config, "repeat": repeat, "temperature": 0.7, "top_p": 0.8, "top_k": 20, "min_p": 0.0,
            "max_new_tokens": 256, "min_new_tokens": 0, "repetition_penalty": 1.0, "no_repeat_ngram_size": 0,
            "seed": repeat - 1, "enable_thinking": True, "answer": "La duration mesure…", "reasoning": "",
            "reasoning_share": 0.5, "reasoning_tokens": 40, "answer_tokens": 40, "finish_reason": finish,
            "truncated_in_reasoning": False, "latency_ms": 100.0, "ttft_ms": 10.0, "distinct_2": 0.9,
            "repetition_rate": 0.0, "planning_phrases": "", "params_not_applied": None, "error": None,
            "identical_across_repeats": None}
    return {**base, **fields}


def test_the_summary_averages_each_configuration_over_its_finished_repeats_only():
    rows = [_run(1, 1, latency_ms=100.0), _run(1, 2, latency_ms=300.0),
            _run(1, 3, "cancelled", latency_ms=5.0, reasoning_share=0.1),  # Stop cut it short: partial
            _run(2, 1, "length", max_new_tokens=32, truncated_in_reasoning=True, reasoning_share=1.0,
                 latency_ms=50.0, planning_phrases="Let me first analyse"),
            _run(2, 2, "error", max_new_tokens=32, error="timed out", latency_ms=0.0)]
    one, two = config_summary(rows)
    # only the parameter the sweep changed is repeated here, not the eight that stayed the same
    assert [k for k in one if k in ("temperature", "max_new_tokens", "seed")] == ["max_new_tokens"]
    assert (one["config"], one["max_new_tokens"], one["runs"], one["finished"]) == (1, 256, 3, 2)
    assert one["mean latency_ms"] == 200.0 and one["mean reasoning_share"] == 0.5
    assert (two["runs"], two["finished"], two["cut off in reasoning"], two["hit max_new_tokens"]) == (2, 1, 1, 1)
    assert two["mean latency_ms"] == 50.0 and two["with planning phrases"] == 1
    assert config_summary(mark_determinism(rows))[0]["identical across repeats"] is True


def test_the_configuration_to_use_is_suggested_on_its_checks_its_budget_then_its_speed():
    def config(n: int, passed: list[bool], latency: float, cut: int = 0, **fields) -> list[dict]:
        return [_run(n, i + 1, "length" if i < cut else "stop", latency_ms=latency, checks_total=1,
                     checks_passed=int(ok), **fields) for i, ok in enumerate(passed)]

    rows = (config(1, [True, False], 90.0, temperature=0.9) + config(2, [True, True], 300.0, temperature=0.2)
            + config(3, [True, True], 200.0, cut=1, temperature=0.5))
    number, said = suggestion(rows)
    assert number == 2  # every check passed, every run within the budget: the slowest is still the one
    assert said == ("**Suggested: configuration 2** (temperature 0.2) — 2 of 2 runs passed every check, 2 of 2 "
                    "ended within the budget, mean latency 300 ms; ahead of configuration 3 on ending within the "
                    "budget (1 of 2).")
    quick = config(4, [True, True], 150.0, temperature=0.3)
    assert suggestion(rows + quick)[1].endswith("ahead of configuration 2 on latency (300 ms).")
    about = config(4, [True, True], 290.0, temperature=0.3)  # 3% quicker: not a reason to prefer it
    assert suggestion(rows + about)[1].endswith("about as quick as configuration 2 (300 ms), as good on the rest: "
                                                "either will do.")
    assert suggestion(rows[:4])[1].endswith("ahead of configuration 1 on its checks (1 of 2 passed).")
    unchecked = [{**r, "checks_total": None, "checks_passed": None} for r in rows]
    assert suggestion(unchecked)[0] == 1  # no checks: within the budget, then the quickest
    assert "passed every check" not in suggestion(unchecked)[1]
    same = config(1, [True], 100.0) + config(2, [True], 100.0)
    assert suggestion(same) == (1, "**Suggested: configuration 1** — 1 of 1 runs passed every check, 1 of 1 ended "
                                   "within the budget, mean latency 100 ms; tied with configuration 2 on every "
                                   "measure: either will do.")
    failed = [*config(1, [True], 100.0), _run(2, 1, "error", error="timed out", temperature=0.1)]
    assert suggestion(failed) is None and suggestion(rows[:2]) is None  # nothing to choose between


def test_a_saved_run_reads_back_typed_and_gives_back_the_configurations_it_ran(tmp_path):
    rows = [_run(1, 1, seed=0), _run(1, 2, seed=1), _run(2, 1, seed=7, temperature=0.2, enable_thinking=False),
            _run(2, 2, seed=8, temperature=0.2, enable_thinking=False, answer="=1+1", reasoning="")]
    for row in rows:
        row.update(engine="System B · router + local model", prompt="Qu'est-ce que la duration ?")
    path = tmp_path / "tuning.csv"
    write_csv(rows, path, bom=True)
    back = read_tuning_run(path)
    assert back[3]["answer"] == "=1+1" and back[3]["reasoning"] == ""  # formula guard undone, empty text kept
    assert back[0]["seed"] == 0 and back[2]["enable_thinking"] is False and back[0]["latency_ms"] == 100.0
    assert back[0]["params_not_applied"] is None and back[0]["prompt"] == "Qu'est-ce que la duration ?"
    assert {k: back[1][k] for k in rows[1]} == rows[1]
    configs = configs_of(back)
    # config 1 had no seed (its repeats ran from 0), config 2 had seed 7: rerunning gives the same seeds
    assert [(c.seed, c.temperature, c.enable_thinking) for c in configs] == [(None, 0.7, True), (7, 0.2, False)]
    only_second = configs_of([back[1], back[3]])  # the first repeats were lost: the base seed is still 7
    assert [c.seed for c in only_second] == [None, 7]


def test_a_run_saved_before_min_p_existed_opens_and_reruns_without_it(tmp_path):
    rows = [_run(1, 1, min_p=0.1), _run(2, 1, temperature=0.2)]
    path = tmp_path / "tuning.csv"
    write_csv(rows, path)
    assert [c.min_p for c in configs_of(read_tuning_run(path))] == [0.1, 0.0]
    older = [{k: v for k, v in row.items() if k != "min_p"} for row in rows]  # its CSV had no such column
    write_csv(older, path)
    back = read_tuning_run(path)
    assert [(c.min_p, c.temperature) for c in configs_of(back)] == [(0.0, 0.7), (0.0, 0.2)]


@pytest.mark.parametrize(("text", "message"), [
    ("id,query\nq1,What is a bond?\n", "lacks the columns config, repeat, temperature"),
    ("config,repeat\n", "has no runs"),
])
def test_a_file_that_is_not_a_tuning_run_gets_an_error_that_says_why(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        read_tuning_run(path)


@pytest.mark.parametrize(("cell", "message"), [
    ({"temperature": "hot"}, "row 2: temperature is 'hot', not a number"),
    ({"config": 12}, "row 2: config is '12', not 1 to 8"),
    ({"top_k": 2.5}, "row 2: top_k is '2.5', not a whole number"),
    ({"enable_thinking": "maybe"}, "row 2: enable_thinking is 'maybe', not true or false"),
])
def test_a_bad_cell_in_a_saved_run_is_named_by_its_row_and_column(tmp_path, cell, message):
    path = tmp_path / "edited.csv"
    write_csv([{**_run(1, 1), **cell}], path)
    with pytest.raises(ValueError, match=re.escape(message)):
        read_tuning_run(path)


def test_a_priced_runs_cost_is_averaged_kept_and_read_back(tmp_path):
    rows = [_run(1, 1, latency_ms=100.0, cost_usd=0.0002), _run(1, 2, latency_ms=300.0, cost_usd=0.0004),
            _run(2, 1, max_new_tokens=32, cost_usd=0.00005)]
    one, two = config_summary(rows)
    assert one["mean cost_usd"] == pytest.approx(0.0003) and two["mean cost_usd"] == pytest.approx(0.00005)
    assert "mean cost_usd" not in config_summary([_run(1, 1), _run(1, 2)])[0]  # no prices, no column
    path = tmp_path / "tuning.csv"
    write_csv(rows, path, bom=True)
    assert [r["cost_usd"] for r in read_tuning_run(path)] == [0.0002, 0.0004, 0.00005]
