"""Remote engine against `transformers serve` running the demo model on loopback."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from engines.base import ChatRequest, GenerationParams, TextDelta, collect
from engines.providers import RemoteConfig
from engines.remote import RemoteEngine
from workbench.language import detect_language

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(serve_url, demo_model_dir):
    return RemoteEngine(RemoteConfig(provider="custom", base_url=serve_url,
                                     model=str(demo_model_dir), max_retries=0))


def test_streams_reasoning_and_answer_from_a_real_server(served):
    params = GenerationParams(temperature=0, max_new_tokens=200)
    events = list(served.stream(ChatRequest.single("Qu'est-ce que la duration ?", params=params)))
    deltas = [e for e in events if isinstance(e, TextDelta)]
    reasoning = "".join(d.text for d in deltas if d.channel == "reasoning")
    answer = "".join(d.text for d in deltas if d.channel == "content").strip()
    assert len(deltas) > 10
    assert detect_language(reasoning) == "en"
    assert answer.startswith("La duration mesure")
    done = events[-1]
    assert done.error is None, done.error
    assert done.stats.finish_reason == "stop"
    assert done.stats.reasoning_tokens > 0 and done.stats.content_tokens > 0
    assert done.stats.ttft_s is not None


def test_thinking_switch_and_system_prompt_reach_the_server(served):
    params = GenerationParams(temperature=0, max_new_tokens=120, enable_thinking=False)
    result = collect(served.stream(ChatRequest.single(
        "What is duration?", params=params, system_prompt="You are a careful compliance analyst.")))
    assert result.error is None, result.error
    assert result.reasoning == ""
    assert result.content.startswith("Duration measures")


def test_budget_exhausted_inside_reasoning(served):
    params = GenerationParams(temperature=0, max_new_tokens=8)
    result = collect(served.stream(ChatRequest.single("What is duration?", params=params)))
    assert result.stats.finish_reason == "length"
    assert result.content == ""


def test_concurrent_first_requests_all_retry_without_the_fields_the_server_rejects(serve_url, demo_model_dir):
    # transformers serve rejects top_k and min_p (HTTP 422). A batch opens several requests at once; each one
    # that sent the field must retry without it, not only the first to hear back.
    engine = RemoteEngine(RemoteConfig(provider="custom", base_url=serve_url, model=str(demo_model_dir),
                                       max_retries=0))
    params = GenerationParams(temperature=0, max_new_tokens=4, top_k=20, min_p=0.05)
    start = threading.Barrier(6)

    def ask(i: int):
        start.wait()
        return collect(engine.stream(ChatRequest.single(f"What is duration? ({i})", params=params)))

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(ask, range(6)))
    assert [r.error for r in results] == [None] * 6
    assert [r.stats.extras["not_applied"] for r in results] == [["top_k", "min_p"]] * 6  # and each says so
    assert not {"top_k", "min_p"} & set(engine._request_kwargs(ChatRequest.single("x", params=params))
                                        .get("extra_body", {}))
