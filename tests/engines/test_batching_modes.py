"""Both schedulers of the local engine: continuous batching (default) and batched `generate`.

Batching must never change what a request gets: a greedy answer is the same alone or beside
others, whatever their settings and adapters. Continuous batching must also let a request that
arrives late start at once, and contain a failure to the rows it hit.
"""

from __future__ import annotations

import threading
import time

import pytest

from engines import continuous
from engines.base import ChatRequest, GenerationParams, TextDelta, collect
from engines.local import LocalEngine, LocalModelConfig

GREEDY = GenerationParams(temperature=0, max_new_tokens=200)
MIXED = [  # (question, params, adapter): different settings share one batch
    ("What is an ETF?", GREEDY, None),
    ("Qu'est-ce que la duration ?", GREEDY, "french-reasoning"),
    ("What is a dividend?", GenerationParams(temperature=0, max_new_tokens=200, repetition_penalty=1.3), None),
    ("Qu'est-ce qu'un dividende ?", GenerationParams(temperature=0, max_new_tokens=60, no_repeat_ngram_size=3), None),
    ("What is inflation?", GenerationParams(temperature=0, max_new_tokens=9), None),
    ("What is liquidity?", GenerationParams(temperature=0, max_new_tokens=200, enable_thinking=False), None),
]
LONG = GenerationParams(temperature=0.6, max_new_tokens=600, min_new_tokens=600)


@pytest.fixture(scope="module", params=["continuous", "generate"])
def engine(request, demo_model_dir):
    eng = LocalEngine(LocalModelConfig(model=str(demo_model_dir), batching=request.param))
    yield eng
    eng.close()


def _ask(engine, question, params, adapter=None):
    return collect(engine.stream(ChatRequest.single(question, params=params, adapter=adapter)))


def _together(engine, requests):
    results = [None] * len(requests)

    def run(i):
        results[i] = _ask(engine, *requests[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_a_greedy_answer_is_the_same_alone_and_batched_with_other_settings(engine):
    alone = [_ask(engine, *r) for r in MIXED]
    engine.scheduler.largest_batch = 0
    # A long request keeps the worker busy while the others arrive, so that they are batched
    # however slowly their threads start.
    plug = threading.Thread(target=_ask, args=(engine, "What is an ETF?", LONG))
    plug.start()
    time.sleep(0.2)
    together = _together(engine, MIXED)
    plug.join(120)
    assert engine.scheduler.largest_batch >= 4, "the requests were never batched"
    for a, b, request in zip(alone, together, MIXED, strict=True):
        same = (b.reasoning, b.content, b.stats.finish_reason) == (a.reasoning, a.content, a.stats.finish_reason)
        assert same, request
    assert together[4].stats.finish_reason == "length" and together[4].stats.output_tokens == 9
    assert together[1].reasoning.startswith("L'utilisateur")  # the adapter applied to its row only
    assert together[0].reasoning.startswith("The user")


def test_a_seeded_sample_is_reproducible_while_other_requests_run(engine):
    hot = GenerationParams(temperature=1.5, top_p=1.0, top_k=0, max_new_tokens=40)
    seeded = ("Tell me about penguins and the weather.", hot.model_copy(update={"seed": 11}), None)
    unseeded = ("Tell me about penguins and the weather.", hot, None)  # same sampling settings, no seed
    alone = _ask(engine, *seeded)
    engine.scheduler.largest_batch = 0
    plug = threading.Thread(target=_ask, args=(engine, "What is an ETF?", LONG))
    plug.start()
    time.sleep(0.2)
    busy = _together(engine, [MIXED[0], seeded, unseeded, MIXED[2], seeded])
    plug.join(120)
    assert busy[1].reasoning + busy[1].content == alone.reasoning + alone.content
    assert busy[4].reasoning + busy[4].content == alone.reasoning + alone.content
    if engine.batching == "continuous":  # seeded rows share the batch instead of running alone
        assert engine.scheduler.largest_batch >= 5, engine.scheduler.largest_batch


def test_min_p_cuts_off_the_unlikely_tokens_of_its_own_row_only(engine):
    question = "Tell me about penguins and the weather."
    greedy = _ask(engine, question, GenerationParams(temperature=0, max_new_tokens=40))
    hot = GenerationParams(temperature=1.5, top_p=1.0, top_k=0, max_new_tokens=40, seed=3)
    # min_p 1 keeps only the most likely token: a hot sample then reads as greedy decoding does
    sure = hot.model_copy(update={"min_p": 1.0})
    loose = hot.model_copy(update={"min_p": 0.05})  # seeded: the same text alone or batched
    loose_alone = _ask(engine, question, loose)
    plug = threading.Thread(target=_ask, args=(engine, "What is an ETF?", LONG))
    plug.start()
    time.sleep(0.2)
    busy = _together(engine, [(question, sure, None), (question, hot, None), (question, loose, None)])
    plug.join(120)
    assert busy[0].reasoning + busy[0].content == greedy.reasoning + greedy.content
    assert busy[1].reasoning + busy[1].content != greedy.reasoning + greedy.content  # the same row without it
    assert busy[2].reasoning + busy[2].content == loose_alone.reasoning + loose_alone.content


@pytest.fixture(scope="module")
def cb_engine(demo_model_dir):
    eng = LocalEngine(LocalModelConfig(model=str(demo_model_dir), batching="continuous"))
    yield eng
    eng.close()



def test_a_late_request_joins_at_once_and_finishes_before_the_long_one(cb_engine):
    finished: dict[str, float] = {}
    first_token = threading.Event()

    def long_run():
        for event in cb_engine.stream(ChatRequest.single("What is an ETF?", params=LONG)):
            if isinstance(event, TextDelta):
                first_token.set()
        finished["long"] = time.perf_counter()

    t = threading.Thread(target=long_run)
    t.start()
    assert first_token.wait(30)
    sent = time.perf_counter()
    short = _ask(cb_engine, "What is an ETF?", GREEDY)
    finished["short"] = time.perf_counter()
    t.join(120)
    assert short.content.startswith("An ETF is an exchange-traded fund")
    assert finished["short"] < finished["long"], "the late request waited for the running one"
    assert short.stats.ttft_s < 1.0, f"first token after {short.stats.ttft_s:.2f}s"
    assert finished["short"] - sent < (finished["long"] - sent) / 2


def test_a_failed_prefill_fails_only_the_new_request(cb_engine, monkeypatch):
    model = cb_engine.scheduler.model
    real = model.forward
    running = threading.Event()

    def failing_prefill(*args, **kwargs):
        ids = kwargs["input_ids"]
        if running.is_set() and ids.shape[1] > 1:  # a prompt, not a decode step
            raise RuntimeError("CUDA out of memory. Tried to allocate 1.00 GiB")
        return real(*args, **kwargs)

    monkeypatch.setattr(model, "forward", failing_prefill)
    long_result = {}

    def long_run():
        events = []
        for event in cb_engine.stream(ChatRequest.single("What is an ETF?", params=LONG)):
            events.append(event)
            running.set()
        long_result["done"] = events[-1]

    t = threading.Thread(target=long_run)
    t.start()
    assert running.wait(30)
    failed = _ask(cb_engine, "What is a dividend?", GREEDY)
    t.join(120)
    assert failed.stats.finish_reason == "error" and "ran out of memory" in str(failed.error)
    done = long_result["done"]
    assert done.error is None and done.stats.finish_reason == "length"
    assert done.stats.output_tokens == 600
    monkeypatch.setattr(model, "forward", real)
    assert _ask(cb_engine, "What is an ETF?", GREEDY).content.startswith("An ETF is")


def test_cancelling_one_row_leaves_the_others_running(cb_engine):
    cancel = threading.Event()
    results = {}

    def run(name, cancel_event=None):
        results[name] = collect(cb_engine.stream(ChatRequest.single("What is an ETF?", params=LONG), cancel_event))

    a = threading.Thread(target=run, args=("cancelled", cancel))
    b = threading.Thread(target=run, args=("kept",))
    a.start()
    b.start()
    time.sleep(0.5)
    cancel.set()
    a.join(60)
    b.join(120)
    assert results["cancelled"].stats.finish_reason == "cancelled"
    assert results["kept"].stats.finish_reason == "length" and results["kept"].stats.output_tokens == 600


def test_models_with_sliding_window_attention_fall_back_to_generate():
    from types import SimpleNamespace

    def model(layer_types, sliding=False):
        return SimpleNamespace(config=SimpleNamespace(layer_types=layer_types, use_sliding_window=sliding))

    assert not continuous.supported(model(["full_attention", "sliding_attention"]))
    assert not continuous.supported(model(["full_attention"] * 2, sliding=True))
    assert continuous.supported(model(["full_attention"] * 2))
    assert continuous.supported(model(None))


def test_continuous_tokens_match_bare_generate_token_for_token(cb_engine):
    """The own decode loop (positions, padding, cache merging) against transformers' generate."""
    import torch

    from engines.batching import TOKEN, Job

    questions = ["Qu'est-ce que le rendement d'une obligation ?", "What is an ETF?",
                 "Qu'est-ce que la duration ?"]
    prompts = [cb_engine.tokenizer(cb_engine.render_prompt(ChatRequest.single(q, params=GREEDY)),
                                   add_special_tokens=False)["input_ids"] for q in questions]
    expected = []
    for ids in prompts:
        with torch.inference_mode():
            out = cb_engine.scheduler.model.generate(
                input_ids=torch.tensor([ids]), attention_mask=torch.ones((1, len(ids)), dtype=torch.long),
                max_new_tokens=120, do_sample=False, adapter_names=["__base__"])
        tokens = out[0, len(ids):].tolist()
        expected.append([t for t in tokens if t not in cb_engine.eos_ids])
    jobs = [Job(input_ids=ids, params=GREEDY, max_new_tokens=120) for ids in prompts]
    for job in jobs:  # submitted together: prefilled as one left-padded batch of different lengths
        cb_engine.scheduler.submit(job)
    late = Job(input_ids=prompts[0], params=GREEDY, max_new_tokens=120)
    got = []
    for n, job in enumerate(jobs):
        tokens = []
        while (item := job.out.get(timeout=60))[0] == TOKEN:
            tokens.append(item[1])
            if n == 0 and len(tokens) == 5:
                cb_engine.scheduler.submit(late)  # merged into the running batch's cache
        got.append(tokens)
    late_tokens = []
    while (item := late.out.get(timeout=60))[0] == TOKEN:
        late_tokens.append(item[1])
    assert got == expected
    assert late_tokens == expected[0]
