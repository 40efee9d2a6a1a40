"""What judging a run with a model will read and cost, said before the first reading."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from engines.cost import TokenPrices
from tests.workbench.test_model_judge import ScriptedJudge, _rec, prefers_right
from workbench.judge_cost import TOKENS_PER_CHAR, estimate_line, judge_estimate
from workbench.model_judge import JUDGE_PARAMS, ORDERS, judge_request, judge_run, model_verdicts, model_verdicts_file

DEEPSEEK = TokenPrices(input=0.28, cached=0.028, output=0.42)


def _estimate(engine: SimpleNamespace, records: list[dict], run: str, path, rules: str | None = None):
    """judge_estimate, with the model verdicts kept at `path`."""
    return judge_estimate(engine, records, run, model_verdicts(path), rules)


def _engine(prices: TokenPrices | None = None, model_id: str = "deepseek-chat",
            hourly_usd: float | None = None) -> SimpleNamespace:
    return SimpleNamespace(model_id=model_id, cfg=SimpleNamespace(prices=prices, hourly_usd=hourly_usd))


def test_the_estimate_counts_what_this_judge_has_left_and_the_prompts_it_will_read(tmp_path):
    path = model_verdicts_file(tmp_path)
    records = [_rec(f"e{i}") for i in range(4)] + [_rec("failed", a_fails=True)]
    list(judge_run(ScriptedJudge(prefers_right, model_id="deepseek-chat"), records[:1], "night", path))
    list(judge_run(ScriptedJudge(prefers_right, model_id="deepseek-chat"), records[1:2], "night", path,
                   rules="Refuse any tip."))  # another judge: the same model under house rules
    est = _estimate(_engine(), records, "night", path)
    assert (est.judge, est.answered, est.experiments, est.readings) == ("deepseek-chat", 4, 3, 6)
    # a longer answer is read twice (once in each order): 1,000 more characters, 2 × 300 more tokens
    longer = [*records[:3], _rec("e3", b="B's answer, right. " + "x" * 1000)]
    grown = _estimate(_engine(), longer, "night", path).prompt_tokens - est.prompt_tokens
    assert grown == pytest.approx(2 * 1000 * TOKENS_PER_CHAR, abs=2)
    assert _estimate(_engine(), records, "night", path, rules="Refuse any tip.").experiments == 3
    assert _estimate(_engine(), records, "other run", path).experiments == 4  # verdicts are per run


def test_with_prices_it_says_what_the_prompts_cost_and_what_the_replies_can_cost_at_most(tmp_path):
    est = _estimate(_engine(DEEPSEEK), [_rec("e1"), _rec("e2")], "night", model_verdicts_file(tmp_path))
    assert est.prompts_usd == pytest.approx(est.prompt_tokens * 0.28 / 1e6)
    assert est.replies_most_usd == pytest.approx(4 * JUDGE_PARAMS.max_new_tokens * 0.42 / 1e6)  # $0.00086016
    line = estimate_line(est, "night")
    assert line.startswith(f"**Judging run `night` with `deepseek-chat`** reads 2 experiments (4 readings, about "
                           f"{est.prompt_tokens:,} prompt tokens")
    assert "at most $0.00086 for the replies (512 tokens each at most)" in line
    assert "earlier verdict" not in line and "SYSTEM_A_PRICES" not in line


def test_a_judge_that_judged_before_with_prices_says_what_an_experiment_cost_it_then(tmp_path):
    path = model_verdicts_file(tmp_path)
    list(judge_run(ScriptedJudge(prefers_right, model_id="deepseek-chat", cost_usd=0.00025),
                   [_rec("e1"), _rec("e2")], "monday", path))  # two readings an experiment: $0.0005 each
    line = estimate_line(_estimate(_engine(), [_rec(f"e{i}") for i in range(10)], "tuesday", path), "tuesday")
    assert line.endswith("Its 2 earlier verdicts cost $0.0005 an experiment: about $0.005 for these at that rate.")
    unpriced = estimate_line(_estimate(_engine(model_id="other-model"), [_rec("e1")], "tuesday", path), "tuesday")
    assert unpriced.endswith("What it costs is said as it judges when the judge's prices are set "
                             "(`SYSTEM_A_PRICES`, `SYSTEM_B_HOURLY_USD`).")
    local = estimate_line(_estimate(_engine(model_id="demo-model", hourly_usd=0.8), [_rec("e1")], "tuesday",
                                         path), "tuesday")  # a local judge on a machine paid by the hour
    assert local.endswith("At $0.80 an hour of its machine, what it costs is said as it judges: the compute time "
                          "of a reading is not known before it.")


def test_a_run_with_nothing_left_to_judge_says_why(tmp_path):
    path = model_verdicts_file(tmp_path)
    assert estimate_line(_estimate(_engine(), [_rec("f", a_fails=True)], "r", path), "r") == (
        "No experiment of run `r` has answers from both systems yet: the judge reads both.")
    list(judge_run(ScriptedJudge(prefers_right, model_id="deepseek-chat"), [_rec("e1")], "r", path))
    assert estimate_line(_estimate(_engine(DEEPSEEK), [_rec("e1")], "r", path), "r") == (
        "Every experiment of run `r` that both systems answered has a verdict from `deepseek-chat` already.")


def test_a_local_judges_prompts_are_counted_by_its_own_tokenizer(tmp_path, local_engine):
    path = model_verdicts_file(tmp_path)
    records = [_rec("e1"), _rec("e2", b="B's answer, right. " + "La marge nette est de 12,5 %. " * 20)]
    est = _estimate(local_engine, records, "night", path)
    exact = sum(len(local_engine.tokenizer(local_engine.render_prompt(judge_request(rec, first, None)),
                                           add_special_tokens=False)["input_ids"])
                for rec in records for first in ORDERS)
    assert est.counted and est.prompt_tokens == exact
    by_characters = _estimate(_engine(model_id=local_engine.model_id), records, "night", path)
    assert not by_characters.counted and by_characters.prompt_tokens != exact
    assert "(4 readings, " + f"{exact:,} prompt tokens, counted by its tokenizer)." in estimate_line(est, "night")


def test_system_as_prompts_are_counted_when_its_tokenizer_is_given(tmp_path, demo_model_dir, local_engine):
    from engines.providers import RemoteConfig
    from engines.remote import RemoteEngine

    path = model_verdicts_file(tmp_path)
    records = [_rec("e1"), _rec("e2")]
    remote = RemoteEngine(RemoteConfig(provider="deepseek", api_key_env="NO_SUCH_KEY", tokenizer=str(demo_model_dir)))
    est = _estimate(remote, records, "night", path)
    bare = _estimate(RemoteEngine(RemoteConfig(provider="deepseek", api_key_env="NO_SUCH_KEY")), records, "night", path)
    assert est.counted and est.prompt_tokens == _estimate(local_engine, records, "night", path).prompt_tokens
    assert not bare.counted and "counted from their characters" in estimate_line(bare, "night")
