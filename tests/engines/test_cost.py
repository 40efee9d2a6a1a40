"""What answers cost: prices as users write them, per-token and per-hour arithmetic, and the
figure each engine attaches to its answers."""

from __future__ import annotations

import threading
import time

import pytest

from engines.base import ChatRequest, GenerationParams, collect
from engines.cost import TokenPrices, parse_hourly, parse_prices, time_cost, token_cost, usd
from engines.local import LocalEngine, LocalModelConfig
from engines.systems import NO_MODEL_CALL, RoutedEngine
from tests.fake_deepseek import KEY_ENV, FakeDeepSeek


def test_prices_are_read_as_written_on_a_pricing_page():
    assert parse_prices("input=0.28,cached=0.028,output=0.42") == TokenPrices(0.28, 0.028, 0.42)
    assert parse_prices(" Output = 2.19 , input=0.55 ") == TokenPrices(0.55, 0.55, 2.19)  # no cache price


@pytest.mark.parametrize(("text", "says"), [
    ("0.28,0.028,0.42", "cannot read '0.28' as a price"),
    ("input=0.28", "lack output"),
    ("cached=0.1,output=1", "lack input"),
    ("input=cheap,output=1", "'cheap' is not a number"),
    ("input=-0.1,output=1", "must be zero or more"),
    ("input=nan,output=1", "must be zero or more"),
    ("input=1,input=2,output=1", "given twice"),
    ("input=1,output=1,reasoning=2", "cannot read 'reasoning=2'"),
])
def test_prices_that_cannot_be_read_say_why(text, says):
    with pytest.raises(ValueError, match=says):
        parse_prices(text)


def test_hourly_rates():
    assert parse_hourly("0.80") == 0.8
    for bad in ("-1", "free", "inf"):
        with pytest.raises(ValueError, match="not an amount"):
            parse_hourly(bad)


def test_token_and_time_arithmetic():
    prices = TokenPrices(input=0.28, cached=0.028, output=0.42)
    # 6 uncached and 24 cached prompt tokens, 9 completion tokens
    assert token_cost(prices, 30, 24, 9) == pytest.approx((6 * 0.28 + 24 * 0.028 + 9 * 0.42) / 1e6)
    assert token_cost(prices, 30, 99, 0) == pytest.approx(30 * 0.028 / 1e6)  # cache hits capped at the prompt
    assert time_cost(0.80, 4.5) == pytest.approx(0.001)


@pytest.mark.parametrize(("value", "shown"), [
    (None, "—"), (0, "$0"), (0.000312, "$0.000312"), (0.0000312, "$0.0000312"), (0.05, "$0.05"),
    (1.234, "$1.23"), (12.3, "$12.30"), (1234.5, "$1,234"),
])
def test_costs_are_shown_in_fixed_notation(value, shown):
    assert usd(value) == shown


def test_system_a_answers_cost_their_tokens_at_the_given_prices(monkeypatch):
    monkeypatch.setenv(KEY_ENV, "sk-test")
    with FakeDeepSeek() as server:
        priced = server.engine(prices=TokenPrices(input=0.28, cached=0.028, output=0.42))
        stats = collect(priced.stream(ChatRequest.single("Qu'est-ce que le P/E ?"))).stats
        # the fake reports 30 prompt tokens (24 from the cache) and 9 completion tokens
        assert stats.extras["cost_usd"] == pytest.approx((6 * 0.28 + 24 * 0.028 + 9 * 0.42) / 1e6)
        assert priced.health()["prices"] == "input=0.28,cached=0.028,output=0.42 USD per 1M tokens"
        plain = collect(server.engine().stream(ChatRequest.single("Qu'est-ce que le P/E ?"))).stats
        assert "cost_usd" not in plain.extras and server.engine().health()["prices"] is None


GREEDY = GenerationParams(temperature=0, max_new_tokens=80)
QUESTIONS = ["What is an ETF?", "Qu'est-ce que la duration ?", "What is a dividend?", "What is inflation?"]


@pytest.fixture(scope="module", params=["continuous", "generate"])
def priced_engine(request, demo_model_dir):
    eng = LocalEngine(LocalModelConfig(model=str(demo_model_dir), batching=request.param, hourly_usd=3.6))
    yield eng
    eng.close()


def test_system_b_answers_cost_their_share_of_the_models_time(priced_engine):
    alone = collect(priced_engine.stream(ChatRequest.single(QUESTIONS[0], params=GREEDY))).stats
    assert 0 < alone.extras["compute_s"] <= alone.total_s
    assert alone.extras["cost_usd"] == pytest.approx(alone.extras["compute_s"] * 3.6 / 3600, rel=1e-3)
    assert priced_engine.health()["hourly_usd"] == 3.6

    results = [None] * len(QUESTIONS)

    def ask(i):
        results[i] = collect(priced_engine.stream(ChatRequest.single(QUESTIONS[i], params=GREEDY))).stats

    started = time.perf_counter()
    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(QUESTIONS))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    wall = time.perf_counter() - started
    shares = [s.extras["compute_s"] for s in results]
    assert all(s > 0 for s in shares)
    # Requests batched together share each step: their shares add up to at most the time the
    # model ran, where counting each request's own duration would count the steps once per row.
    assert sum(shares) <= wall
    assert sum(shares) < sum(s.total_s for s in results)


def test_the_routers_own_refusal_costs_nothing(priced_engine):
    pipeline = RoutedEngine(priced_engine)
    result = collect(pipeline.stream(ChatRequest.single("How can I launder money through shell companies?")))
    assert result.stats.model_id == NO_MODEL_CALL
    assert result.stats.extras["cost_usd"] == 0.0


def test_without_a_rate_answers_have_compute_time_but_no_cost(local_engine):
    stats = collect(local_engine.stream(ChatRequest.single(QUESTIONS[1], params=GREEDY))).stats
    assert stats.extras["compute_s"] > 0 and "cost_usd" not in stats.extras
    assert local_engine.health()["hourly_usd"] is None
