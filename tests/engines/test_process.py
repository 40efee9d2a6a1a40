"""System B's engine in a process of its own: same answers, same errors, and a dead child is
reported, not hung on."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from engines.base import ChatRequest, ConfigurationError, GenerationParams, InvalidRequestError, collect

GREEDY = GenerationParams(temperature=0, max_new_tokens=200)
QUESTIONS = ["Qu'est-ce que le ratio cours sur bénéfice ?", "What is EBITDA?"]


@pytest.fixture(scope="module")
def process_engine(demo_model_dir):
    from engines.local import LocalModelConfig
    from engines.process import ProcessEngine

    engine = ProcessEngine(LocalModelConfig(model=str(demo_model_dir)))
    yield engine
    engine.close()


def test_answers_match_the_in_process_engine(process_engine, local_engine):
    assert process_engine.pid != os.getpid()
    assert process_engine.model_id == local_engine.model_id
    assert process_engine.adapters == local_engine.adapters
    for question in QUESTIONS:
        ours = collect(process_engine.stream(ChatRequest.single(question, params=GREEDY)))
        theirs = collect(local_engine.stream(ChatRequest.single(question, params=GREEDY)))
        assert (ours.reasoning, ours.content) == (theirs.reasoning, theirs.content)
        assert ours.error is None and ours.stats.finish_reason == theirs.stats.finish_reason
        assert ours.stats.output_tokens == theirs.stats.output_tokens > 20
        assert ours.stats.ttft_s is not None and 0 < ours.stats.ttft_s < ours.stats.total_s


def test_prompts_are_counted_in_the_app_as_the_model_counts_them(process_engine, local_engine):
    from workbench.prompt_gauge import prompt_size

    request = ChatRequest.single(QUESTIONS[0], system_prompt="Réponds en français.", params=GREEDY)
    assert process_engine.context_length == local_engine.context_length == 2048
    assert process_engine.prompt_token_count(request) == local_engine.prompt_token_count(request) > 20
    size = prompt_size(process_engine, "System B · local model", request)  # Chat's gauge, as in process
    assert size.counted and size.room == 2048 - size.tokens


def test_an_answer_is_read_again_in_the_child_as_in_the_app(process_engine, local_engine):
    request = ChatRequest.single(QUESTIONS[1], params=GREEDY)
    answer = "EBITDA is earnings before interest, taxes, depreciation and amortisation."
    ours, theirs = (engine.answer_confidence(request, "It asks for a definition.", answer)
                    for engine in (process_engine, local_engine))
    assert [(c.text, round(c.prob, 4)) for c in ours] == [(c.text, round(c.prob, 4)) for c in theirs]
    with pytest.raises(InvalidRequestError, match="unknown adapter"):
        process_engine.answer_confidence(request.model_copy(update={"adapter": "gone"}), "", answer)


def test_concurrent_requests_each_get_their_own_answer(process_engine, local_engine):
    adapter = process_engine.adapters[0]
    requests = [ChatRequest.single(q, params=GREEDY) for q in QUESTIONS]
    requests.append(ChatRequest.single(QUESTIONS[0], params=GREEDY, adapter=adapter))
    def texts(done) -> tuple[str, str]:
        return done.reasoning, done.content

    expected = [texts(collect(local_engine.stream(r))) for r in requests]
    got: dict[int, tuple[str, str]] = {}

    def ask(i: int) -> None:
        got[i] = texts(collect(process_engine.stream(requests[i])))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [got.get(i) for i in range(len(requests))] == expected
    assert expected[0] != expected[2], "the adapter changes the reply, so a mix-up would show"


def test_errors_come_back_typed(process_engine):
    unknown = collect(process_engine.stream(ChatRequest.single("Hi", params=GREEDY, adapter="nope")))
    assert unknown.error is not None and unknown.error.kind == "invalid_request"
    assert "unknown adapter 'nope'" in str(unknown.error)
    long = collect(process_engine.stream(ChatRequest.single("word " * 5000, params=GREEDY)))
    assert long.error is not None and long.error.kind == "context_too_long"


def test_adapters_load_and_unload_in_the_child(process_engine, local_engine, demo_model_dir):
    from engines.base import InvalidRequestError

    folder = demo_model_dir / "adapters" / "french-reasoning"
    info = process_engine.load_adapter("fr-child", str(folder))
    assert info["name"] == "fr-child" and info["loaded"] == "while running" and info["rank"] == 16
    assert process_engine.adapters == ["french-reasoning", "fr-child"]
    assert [a["name"] for a in process_engine.adapter_list()] == process_engine.adapters
    ours = collect(process_engine.stream(ChatRequest.single(QUESTIONS[0], params=GREEDY, adapter="fr-child")))
    theirs = collect(local_engine.stream(ChatRequest.single(QUESTIONS[0], params=GREEDY,
                                                            adapter="french-reasoning")))
    assert ours.error is None and (ours.reasoning, ours.content) == (theirs.reasoning, theirs.content)
    with pytest.raises(InvalidRequestError, match="already loaded"):  # the child's error, as it was raised there
        process_engine.load_adapter("fr-child", str(folder))
    process_engine.unload_adapter("fr-child")
    assert process_engine.adapters == ["french-reasoning"]
    with pytest.raises(InvalidRequestError, match="no adapter named 'fr-child'"):
        process_engine.unload_adapter("fr-child")


def test_cancel_and_early_close_free_the_row(process_engine, local_engine):
    cancel = threading.Event()
    long = GenerationParams(temperature=0.7, max_new_tokens=2000, min_new_tokens=2000)
    events = process_engine.stream(ChatRequest.single(QUESTIONS[1], params=long), cancel)
    next(events)  # streaming
    cancel.set()
    started = time.perf_counter()
    done = collect(events)
    assert done.stats.finish_reason == "cancelled" and done.error.kind == "cancelled"
    assert time.perf_counter() - started < 2
    abandoned = process_engine.stream(ChatRequest.single(QUESTIONS[1], params=long))
    next(abandoned)
    abandoned.close()  # a consumer that goes away (the Stop button) cancels in the child too
    deadline = time.monotonic() + 5
    while process_engine.health()["queue_depth"] and time.monotonic() < deadline:
        time.sleep(0.05)
    health = process_engine.health()
    assert health["status"] == "ready" and health["process"] == "own" and health["queue_depth"] == 0
    assert health["cpu_threads"] == local_engine.health()["cpu_threads"]  # reported from the child
    assert collect(process_engine.stream(ChatRequest.single(QUESTIONS[1], params=GREEDY))).error is None


def test_a_killed_engine_process_ends_running_streams_with_a_clear_error(demo_model_dir, monkeypatch):
    from engines.local import LocalModelConfig
    from engines.process import ProcessEngine
    from engines.systems import RoutedEngine
    from tests.fake_deepseek import ANSWER, KEY_ENV, FakeDeepSeek
    from workbench.compare import Comparator, Experiment

    engine = ProcessEngine(LocalModelConfig(model=str(demo_model_dir), cpu_threads=1))
    try:
        assert engine.health()["cpu_threads"] == 1  # settings reach the child
        long = GenerationParams(temperature=0.7, max_new_tokens=2000, min_new_tokens=2000)
        events = engine.stream(ChatRequest.single(QUESTIONS[1], params=long))
        next(events)
        os.kill(engine.pid, signal.SIGKILL)
        started = time.perf_counter()
        done = collect(events)
        assert time.perf_counter() - started < 5
        assert done.error is not None and done.error.kind == "local_failure"
        assert "process stopped" in str(done.error) and "restart the app" in str(done.error)
        later = collect(engine.stream(ChatRequest.single("Hi", params=GREEDY)))
        assert later.error is not None and "process stopped" in str(later.error)
        assert engine.health()["status"] == "failed"
        monkeypatch.setenv(KEY_ENV, "sk-test-process-key")
        with FakeDeepSeek() as deepseek:  # System A keeps answering beside the dead System B
            comparator = Comparator(deepseek.engine("deepseek-chat"), RoutedEngine(engine))
            record = comparator.run(Experiment("p1", "What is EBITDA?"))
        assert record["system_a"]["metadata"]["error"] is None
        assert record["system_a"]["response"] == "".join(ANSWER)
        assert "process stopped" in record["system_b"]["metadata"]["error"]
    finally:
        engine.close()


def test_a_model_that_cannot_load_raises_in_the_app(tmp_path):
    from engines.local import LocalModelConfig
    from engines.process import ProcessEngine

    with pytest.raises(ConfigurationError, match="could not load model"):
        ProcessEngine(LocalModelConfig(model=str(tmp_path / "missing-model")))
