"""Remote OpenAI-compatible engine against real HTTP servers on loopback."""

from __future__ import annotations

import threading
import time

import pytest

from engines.base import ChatRequest, GenerationParams, TextDelta, collect
from engines.providers import RemoteConfig
from engines.remote import RemoteEngine
from tests.fake_deepseek import ANSWER, REASONING, FakeDeepSeek

SECRET = "sk-test-SECRET-4242abcd"


@pytest.fixture()
def server():
    with FakeDeepSeek() as srv:
        yield srv


@pytest.fixture(autouse=True)
def api_key(monkeypatch):
    monkeypatch.setenv("FAKE_DEEPSEEK_KEY", SECRET)


def ask(eng: RemoteEngine, question: str = "Qu'est-ce que le P/E ?", **params):
    return collect(eng.stream(ChatRequest.single(question, params=GenerationParams(**params))))


def test_reasoning_content_streams_as_reasoning_with_cache_hit_usage(server):
    eng = server.engine("deepseek-reasoner")
    events = list(eng.stream(ChatRequest.single("Qu'est-ce que le P/E ?")))
    deltas = [e for e in events if isinstance(e, TextDelta)]
    assert [d.text for d in deltas if d.channel == "reasoning"] == REASONING
    assert [d.text for d in deltas if d.channel == "content"] == ANSWER
    stats = events[-1].stats
    assert events[-1].error is None
    assert stats.finish_reason == "stop"
    assert stats.model_id == "deepseek-reasoner"
    assert (stats.reasoning_tokens, stats.content_tokens) == (5, 4)
    assert stats.extras["prompt_cache_hit_tokens"] == 24
    assert stats.extras["prompt_cache_miss_tokens"] == 6
    assert stats.ttft_s is not None and stats.ttft_s <= stats.total_s
    sent = server.requests[-1]
    assert sent["headers"]["authorization"] == f"Bearer {SECRET}"
    assert sent["body"]["stream_options"] == {"include_usage": True}


def test_deepseek_preset_switches_to_the_reasoner_only_when_thinking(server):
    cfg = RemoteConfig(provider="deepseek", base_url=server.base_url, api_key_env="FAKE_DEEPSEEK_KEY",
                       max_retries=0)
    eng = RemoteEngine(cfg)
    assert ask(eng).stats.model_id == "deepseek-reasoner"
    assert ask(eng, enable_thinking=False).stats.model_id == "deepseek-chat"


def test_each_answer_names_the_parameters_the_api_did_not_take(server):
    cfg = RemoteConfig(provider="deepseek", base_url=server.base_url, api_key_env="FAKE_DEEPSEEK_KEY",
                       max_retries=0)
    eng = RemoteEngine(cfg)
    # DeepSeek's API has no top_k, min_p, min tokens, repetition penalty nor n-gram ban: none is sent
    thinking = ask(eng, top_k=20, min_p=0.05, min_new_tokens=4, no_repeat_ngram_size=3, repetition_penalty=1.1)
    assert thinking.stats.extras["not_applied"] == ["temperature", "top_p", "top_k", "min_p", "min_new_tokens",
                                                    "repetition_penalty", "no_repeat_ngram_size"]
    assert not {"top_k", "min_p", "min_tokens", "repetition_penalty"} & set(server.requests[-1]["body"])
    plain = ask(eng, enable_thinking=False, top_k=0)  # deepseek-chat honours temperature and top_p
    assert "not_applied" not in plain.stats.extras
    nebius = RemoteEngine(RemoteConfig(provider="nebius", base_url=server.base_url, model="deepseek-chat",
                                       api_key_env="FAKE_DEEPSEEK_KEY", max_retries=0))
    taken = ask(nebius, top_k=20, min_p=0.05, min_new_tokens=4, no_repeat_ngram_size=3)  # this provider takes top_k
    assert (server.requests[-1]["body"]["top_k"], server.requests[-1]["body"]["min_p"]) == (20, 0.05)
    assert taken.stats.extras["not_applied"] == ["no_repeat_ngram_size"]


def test_think_tags_inside_content_are_split(server):
    result = ask(server.engine("think-in-content"))
    assert result.reasoning == "Reason in content"
    assert result.content == "The answer."
    assert result.stats.extras["token_counts"] == "estimated from chunks"


def test_length_finish_is_reported(server):
    result = ask(server.engine("deepseek-chat"), max_new_tokens=2, enable_thinking=False)
    assert result.stats.finish_reason == "length"


@pytest.mark.parametrize(("model", "kind", "words"), [
    ("error-401", "authentication", "FAKE_DEEPSEEK_KEY"),
    ("error-402", "insufficient_balance", "balance"),
    ("error-422", "invalid_request", "Invalid temperature"),
    ("error-429", "rate_limited", "retry in 7 s"),
    ("error-500", "upstream_error", "HTTP 500"),
    ("error-503", "upstream_error", "overloaded"),
    ("context", "context_too_long", "context"),
])
def test_http_errors_map_to_typed_errors_users_can_act_on(server, model, kind, words):
    result = ask(server.engine(model))
    assert result.stats.finish_reason == "error"
    assert result.error is not None and result.error.kind == kind
    assert words in str(result.error)
    assert SECRET not in str(result.error) and "4242" not in str(result.error)


def test_rate_limit_carries_retry_after(server):
    result = ask(server.engine("error-429"))
    assert result.error.retry_after_s == 7


def test_retries_happen_before_the_first_token(server):
    eng = server.engine("flaky-503", max_retries=2)
    result = ask(eng)
    assert result.ok and result.content == "".join(ANSWER)
    assert len(server.requests) == 2


def test_connection_dropped_mid_stream_keeps_partial_text(server):
    result = ask(server.engine("drop"))
    assert result.error is not None and result.error.kind == "upstream_error"
    assert result.content == "".join(ANSWER[:2]).strip()
    assert len(server.requests) == 1, "no retry once tokens have streamed"


def test_keep_alive_stall_hits_the_total_deadline(server):
    started = time.perf_counter()
    result = ask(server.engine("stall", deadline_s=1.5))
    elapsed = time.perf_counter() - started
    assert result.error is not None and result.error.kind == "timeout"
    assert 1.4 < elapsed < 4
    assert result.content == "Working"


def test_cancel_stops_a_stalled_stream_promptly(server):
    cancel = threading.Event()
    eng = server.engine("stall", deadline_s=30)
    threading.Timer(0.5, cancel.set).start()
    started = time.perf_counter()
    result = collect(eng.stream(ChatRequest.single("x"), cancel))
    assert time.perf_counter() - started < 2
    assert result.stats.finish_reason == "cancelled"


def test_missing_key_is_not_configured_never_a_crash(server, monkeypatch):
    monkeypatch.delenv("FAKE_DEEPSEEK_KEY")
    eng = server.engine("deepseek-chat")
    assert not eng.configured
    assert eng.health()["status"] == "not_configured"
    result = ask(eng)
    assert result.error.kind == "not_configured"
    assert "FAKE_DEEPSEEK_KEY" in str(result.error)
    assert server.requests == []


def test_unreachable_server_is_a_clear_error():
    cfg = RemoteConfig(provider="custom", base_url="http://127.0.0.1:9/v1", model="m",
                       max_retries=0, connect_timeout_s=1)
    result = ask(RemoteEngine(cfg))
    assert result.error.kind == "upstream_error"
    assert "could not reach System A at 127.0.0.1:9" in str(result.error)


def test_key_never_shows_in_repr_health_or_errors(server):
    eng = server.engine("error-401")
    texts = [repr(eng), str(eng.health()), str(ask(eng).error), str(vars(eng))]
    assert all(SECRET not in t for t in texts)


def test_reachability_check(server):
    assert server.engine("deepseek-chat").check_reachable()
    cfg = RemoteConfig(provider="custom", base_url="http://127.0.0.1:9/v1", model="m")
    assert not RemoteEngine(cfg).check_reachable(timeout_s=1)


# ------------------------------------------------------------ token probabilities (logprobs)

def test_the_answer_tokens_probabilities_are_asked_for_and_placed_on_the_answer(server):
    result = ask(server.engine("figures"), enable_thinking=False)
    assert result.content == "Revenue rose 12% to 1,210 million."
    body = server.requests[-1]["body"]
    assert (body["logprobs"], body["top_logprobs"]) == (True, 5)
    chances = result.chances
    assert "".join(c.text for c in chances) == result.content
    assert all(result.content[c.start:c.start + len(c.text)] == c.text for c in chances)
    twelve = next(c for c in chances if c.text.strip() == "12")
    assert result.content[twelve.start:twelve.start + len(twelve.text)] == twelve.text
    assert twelve.prob == pytest.approx(0.41)
    assert twelve.likeliest[0] == ("12", pytest.approx(0.41)) and twelve.likeliest[1][0] == "15"
    assert all(c.prob == pytest.approx(0.95) for c in chances if c is not twelve)


def test_a_reasoning_block_in_the_content_is_left_out_of_the_answer_tokens(server):
    result = ask(server.engine("think-in-content"))
    assert result.content == "The answer."
    assert [c.text for c in result.chances] == ["The", " answer."]
    assert [c.start for c in result.chances] == [0, 3]


def test_no_probabilities_are_asked_of_deepseeks_reasoning_model_or_when_turned_off(server):
    assert ask(server.engine("deepseek-reasoner")).chances is None
    assert "logprobs" not in server.requests[-1]["body"]
    off = ask(server.engine("figures", logprobs=False), enable_thinking=False)
    assert off.chances is None and "logprobs" not in server.requests[-1]["body"]


def test_a_server_refusing_logprobs_is_asked_again_without_them_and_says_why(server):
    eng = server.engine("no-logprobs")
    first = ask(eng, enable_thinking=False)
    assert first.ok and first.content == "".join(ANSWER).strip() and first.chances is None
    assert [("logprobs" in r["body"]) for r in server.requests] == [True, False]
    assert "refused" in eng.health()["logprobs_problem"] and eng.health()["logprobs"] is False
    ask(eng, enable_thinking=False)
    assert len(server.requests) == 3  # not asked for again


def test_a_cut_stream_gives_no_probabilities(server):
    result = ask(server.engine("drop"), enable_thinking=False)
    assert not result.ok and result.chances is None
