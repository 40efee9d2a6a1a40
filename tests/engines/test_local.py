"""Local transformers engine on the bundled demo model (a real tiny Qwen3)."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from engines.base import (
    ChatRequest,
    ContextTooLongError,
    Done,
    GenerationParams,
    InvalidRequestError,
    Message,
    TextDelta,
    collect,
)

GREEDY = GenerationParams(temperature=0, max_new_tokens=200)
FR_QUESTION = "Qu'est-ce que le ratio cours sur bénéfice ?"
FR_ANSWER = ("Le ratio cours sur bénéfice divise le prix de l'action par le bénéfice par action ; "
             "il montre combien d'années de profit le marché paie.")


def test_french_question_streams_reasoning_then_answer_on_separate_channels(local_engine):
    events = list(local_engine.stream(ChatRequest.single(FR_QUESTION, params=GREEDY)))
    deltas = [e for e in events if isinstance(e, TextDelta)]
    channels = [d.channel for d in deltas]
    assert "reasoning" in channels and "content" in channels
    # reasoning first, then the answer; never interleaved
    assert channels == sorted(channels, key=lambda c: c != "reasoning")
    assert len(deltas) > 20, "streamed token by token, not in one piece"
    reasoning = "".join(d.text for d in deltas if d.channel == "reasoning")
    answer = "".join(d.text for d in deltas if d.channel == "content").strip()
    assert reasoning.strip().startswith("The user asks in French")
    assert "<think>" not in reasoning + answer and "</think>" not in reasoning + answer
    assert answer == FR_ANSWER
    done = events[-1]
    assert isinstance(done, Done) and done.error is None
    stats = done.stats
    assert stats.finish_reason == "stop"
    assert stats.reasoning_tokens > 20 and stats.content_tokens > 10
    assert 0 < stats.ttft_s < stats.total_s
    assert stats.tokens_per_s and stats.tokens_per_s > 0


def test_small_budget_stops_inside_reasoning(local_engine):
    params = GREEDY.model_copy(update={"max_new_tokens": 12})
    done = collect(local_engine.stream(ChatRequest.single(FR_QUESTION, params=params)))
    assert done.stats.finish_reason == "length"
    assert done.stats.reasoning_unclosed and done.stats.truncated_in_reasoning
    assert done.content == ""
    assert done.stats.output_tokens == 12


def test_system_prompt_is_rendered_and_answered(local_engine):
    plain = ChatRequest.single(FR_QUESTION, params=GREEDY)
    with_system = ChatRequest.single(FR_QUESTION, params=GREEDY,
                                     system_prompt="Tu es un analyste conformité. Sois concis.")
    assert "Tu es un analyste conformité" not in local_engine.render_prompt(plain)
    assert local_engine.render_prompt(with_system).startswith(
        "<|im_start|>system\nTu es un analyste conformité")
    result = collect(local_engine.stream(with_system))
    assert result.ok and result.stats.finish_reason == "stop"
    assert result.content == FR_ANSWER


def test_earlier_reasoning_is_not_fed_back(local_engine):
    request = ChatRequest(messages=[
        Message(role="user", content="What is an ETF?"),
        Message(role="assistant", content="<think>secret plan</think>An ETF is a fund."),
        Message(role="user", content=FR_QUESTION)], params=GREEDY)
    prompt = local_engine.render_prompt(request)
    assert "secret plan" not in prompt and "An ETF is a fund." in prompt


def test_thinking_off_gives_an_empty_reasoning_block(local_engine):
    params = GREEDY.model_copy(update={"enable_thinking": False})
    result = collect(local_engine.stream(ChatRequest.single(FR_QUESTION, params=params)))
    assert result.reasoning == ""
    assert result.content == FR_ANSWER


def long_request() -> ChatRequest:
    # min_new_tokens suppresses the end token, so this runs for ~1,500 tokens
    params = GenerationParams(temperature=0.6, max_new_tokens=1500, min_new_tokens=1500)
    return ChatRequest.single("What is an ETF?", params=params)


def test_cancel_mid_stream_ends_within_a_second_and_frees_the_engine(local_engine):
    cancel = threading.Event()
    stream = local_engine.stream(long_request(), cancel)
    received = 0
    for event in stream:
        if isinstance(event, TextDelta):
            received += 1
            if received == 5:
                cancel.set()
                cancelled_at = time.perf_counter()
        else:
            done = event
            break
    assert time.perf_counter() - cancelled_at < 1.0
    assert done.stats.finish_reason == "cancelled"
    assert done.error is not None and done.error.kind == "cancelled"
    started = time.perf_counter()
    after = collect(local_engine.stream(ChatRequest.single(FR_QUESTION, params=GREEDY)))
    assert after.content == FR_ANSWER
    assert time.perf_counter() - started < 10


def test_closing_the_generator_cancels_the_row(local_engine):
    stream = local_engine.stream(long_request())
    for event in stream:
        if isinstance(event, TextDelta):
            break
    stream.close()
    started = time.perf_counter()
    result = collect(local_engine.stream(ChatRequest.single(FR_QUESTION, params=GREEDY)))
    assert result.content == FR_ANSWER
    assert time.perf_counter() - started < 10, "the abandoned request kept the model busy"


def test_concurrent_streams_each_get_their_own_answer(local_engine):
    questions = {
        "What is an ETF?": "An ETF is an exchange-traded fund",
        FR_QUESTION: "Le ratio cours sur bénéfice divise",
        "What is a dividend?": "A dividend is the part of its profit",
        "Qu'est-ce que la duration ?": "La duration mesure",
    }
    results: dict[str, str] = {}

    def ask(q: str) -> None:
        results[q] = collect(local_engine.stream(ChatRequest.single(q, params=GREEDY))).content

    threads = [threading.Thread(target=ask, args=(q,)) for q in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for question, start in questions.items():
        assert results[question].startswith(start), (question, results[question])


def test_same_seed_same_sample_different_seed_differs(local_engine):
    def sample(seed: int) -> str:
        params = GenerationParams(temperature=1.5, top_p=1.0, top_k=0, max_new_tokens=40,
                                  seed=seed)
        # a question the demo model never saw: its next-token distribution is wide
        question = "Tell me about penguins and the weather."
        result = collect(local_engine.stream(ChatRequest.single(question, params=params)))
        return result.reasoning + "|" + result.content

    assert sample(7) == sample(7)
    assert len({sample(s) for s in (1, 2, 3)}) > 1


def test_min_new_tokens_and_no_repeat_ngrams_are_honoured(local_engine):
    params = GenerationParams(temperature=0, max_new_tokens=300, min_new_tokens=250,
                              no_repeat_ngram_size=2)
    result = collect(local_engine.stream(ChatRequest.single("What is an ETF?", params=params)))
    assert result.stats.output_tokens >= 250
    ids = local_engine.tokenizer(result.reasoning + result.content, add_special_tokens=False)["input_ids"]
    pairs = list(itertools.pairwise(ids))
    # re-tokenising may merge differently at a few places; repeats must be rare, not the norm
    assert len(set(pairs)) >= 0.9 * len(pairs)


def test_stop_string_ends_the_answer(local_engine):
    params = GREEDY.model_copy(update={"stop": ["euros"]})
    result = collect(local_engine.stream(ChatRequest.single(
        "Calculate the simple interest on 2,000 euros at 3 percent for 4 years.", params=params)))
    assert result.content == "The simple interest is 240"
    assert result.stats.finish_reason == "stop"


def test_unknown_adapter_is_a_clear_error(local_engine):
    result = collect(local_engine.stream(ChatRequest.single(FR_QUESTION, adapter="nope")))
    assert isinstance(result.error, InvalidRequestError)
    assert "nope" in str(result.error) and "french-reasoning" in str(result.error)


def test_loaded_adapters_stay_inactive_until_a_request_names_one(local_engine):
    """The model's plain forward is the base model, so steps where no row uses an adapter can
    skip peft's per-row routing; naming the adapter still applies it."""
    import torch

    model = local_engine.scheduler.model
    ids = local_engine.tokenizer(local_engine.render_prompt(ChatRequest.single(FR_QUESTION)),
                                 add_special_tokens=False, return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        plain = model(input_ids=ids).logits
        base = model(input_ids=ids, adapter_names=["__base__"]).logits
        adapted = model(input_ids=ids, adapter_names=["french-reasoning"]).logits
    assert torch.equal(plain, base)
    assert not torch.allclose(plain, adapted, atol=1e-3)


def test_prompt_longer_than_the_context_is_refused_before_generation(local_engine):
    huge = "risk " * 5000
    result = collect(local_engine.stream(ChatRequest.single(huge, params=GREEDY)))
    assert isinstance(result.error, ContextTooLongError)
    assert "2048" in str(result.error)


def test_an_answer_bounded_by_the_context_says_how_much_room_the_prompt_left(local_engine):
    def request(words: int) -> ChatRequest:
        return ChatRequest.single(FR_QUESTION, system_prompt="risk " * words, params=GREEDY)

    words = 1000
    while local_engine.prompt_token_count(request(words)) < 2048 - 12:  # a prompt leaving ~10 tokens
        words += 4
    words -= 4
    room = 2048 - local_engine.prompt_token_count(request(words))
    assert 0 < room < GREEDY.max_new_tokens
    result = collect(local_engine.stream(request(words)))
    assert result.error is None and result.stats.extras["context_room"] == room
    assert result.stats.output_tokens <= room
    short = collect(local_engine.stream(ChatRequest.single(FR_QUESTION, params=GREEDY)))
    assert "context_room" not in short.stats.extras  # its budget, not the context, bounded it


def test_a_failing_generation_is_reported_and_the_engine_goes_on(local_engine, monkeypatch):
    model = local_engine.scheduler.model
    real = model.forward
    calls = {"n": 0}

    def flaky(*args, **kwargs):  # the third forward pass fails: mid-generation, after tokens
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(*args, **kwargs)

    monkeypatch.setattr(model, "forward", flaky)
    failed = collect(local_engine.stream(ChatRequest.single(FR_QUESTION, params=GREEDY)))
    assert failed.stats.finish_reason == "error"
    assert "ran out of memory" in str(failed.error)
    ok = collect(local_engine.stream(ChatRequest.single(FR_QUESTION, params=GREEDY)))
    assert ok.content == FR_ANSWER


@pytest.mark.parametrize("bad", [
    {"temperature": -0.1}, {"temperature": 3}, {"top_p": 0}, {"max_new_tokens": 0},
    {"min_new_tokens": 50, "max_new_tokens": 10}, {"seed": -1}, {"stop": ["x"] * 5},
    {"top_k": "many"}, {"unknown": 1},
])
def test_out_of_range_parameters_are_rejected_before_any_work(bad):
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        GenerationParams(**bad)


def test_cpu_threads_set_the_model_workers_threads(demo_model_dir, local_engine):
    import torch

    from engines.base import ConfigurationError
    from engines.local import LocalEngine, LocalModelConfig, cpu_threads_for

    cpu = torch.device("cpu")
    assert cpu_threads_for(0, cpu) is None and cpu_threads_for(3, cpu) == 3
    assert cpu_threads_for(3, torch.device("cuda")) is None  # a GPU's host threads are left alone
    with pytest.raises(ConfigurationError, match="cpu threads"):
        cpu_threads_for(-1, cpu)
    before = torch.get_num_threads()
    assert local_engine.health()["cpu_threads"] == before  # the default: torch's own
    wanted = 1 if before > 1 else 2
    engine = LocalEngine(LocalModelConfig(model=str(demo_model_dir), cpu_threads=wanted))
    try:
        assert engine.health()["cpu_threads"] == wanted  # as the worker thread itself reads it
        assert torch.get_num_threads() == before, "a thread that already computed keeps its threads"
        assert collect(engine.stream(ChatRequest.single(FR_QUESTION, params=GREEDY))).content.strip() == FR_ANSWER
    finally:
        engine.close()
        torch.set_num_threads(before)  # what later tests' threads start with
