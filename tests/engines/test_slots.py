"""Fixed key/value slots (engines.slots): the decode path that a GPU replays as CUDA graphs.

On CPU the same store runs its steps eagerly, so its bookkeeping (slots, shared column, left
shifts and right shifts, growth, rows leaving) is checked here against transformers' own
`generate`, token for token. The CUDA-graph replay itself is checked where a GPU is present.
"""

from __future__ import annotations

import time
import warnings

import pytest
import torch

from engines import continuous, slots
from engines.base import ChatRequest, GenerationParams
from engines.batching import ERROR, TOKEN, Job
from engines.local import LocalEngine, LocalModelConfig

GREEDY = GenerationParams(temperature=0, max_new_tokens=200)
QUESTIONS = ["Qu'est-ce que le rendement d'une obligation ?", "What is an ETF?",
             "Qu'est-ce que la duration ?", "What is a dividend?"]


@pytest.fixture(scope="module")
def base_engine(demo_model_dir):
    """The demo model without its adapter."""
    eng = LocalEngine(LocalModelConfig(model=str(demo_model_dir), discover_adapters=False, device="cpu"))
    yield eng
    eng.close()


def _prompt(engine, question):
    text = engine.render_prompt(ChatRequest.single(question, params=GREEDY))
    return engine.tokenizer(text, add_special_tokens=False)["input_ids"]


def _reference(engine, ids, budget, device="cpu", **adapter_names):
    model = engine.model
    with torch.inference_mode():
        out = model.generate(input_ids=torch.tensor([ids], device=device),
                             attention_mask=torch.ones((1, len(ids)), dtype=torch.long, device=device),
                             max_new_tokens=budget, do_sample=False, **adapter_names)
    return [t for t in out[0, len(ids):].tolist() if t not in engine.eos_ids]


def _tokens(job):
    got = []
    while (item := job.out.get(timeout=120))[0] == TOKEN:
        got.append(item[1])
    return got


def _scheduler(engine, **kwargs):
    return continuous.ContinuousScheduler(engine.model, pad_id=engine.pad_id, eos_ids=engine.eos_ids,
                                          device=engine.device, max_batch_size=4, **kwargs)


@pytest.mark.parametrize("min_width", [256, 16])  # 16: the store grows and cuts columns as it runs
def test_slot_decoding_matches_generate_token_for_token(base_engine, monkeypatch, min_width):
    monkeypatch.setattr(slots, "MIN_WIDTH", min_width)
    scheduler = _scheduler(base_engine, slots=True)
    assert scheduler.decode == "slots"
    prompts = [_prompt(base_engine, q) for q in QUESTIONS]
    budgets = [90, 30, 60, 70]  # rows leave at different steps: the survivors move slots
    expected = [_reference(base_engine, ids, b) for ids, b in zip(prompts, budgets, strict=True)]
    try:
        # The short prompt starts alone; a longer one joins after a few tokens (the running row
        # is shifted right); two more join a batch in which one row has already left.
        first = Job(input_ids=prompts[1], params=GREEDY, max_new_tokens=budgets[1])
        scheduler.submit(first)
        got = {1: []}
        while (item := first.out.get(timeout=60))[0] == TOKEN:
            got[1].append(item[1])
            if len(got[1]) == 3:
                second = Job(input_ids=prompts[0], params=GREEDY, max_new_tokens=budgets[0])
                scheduler.submit(second)
        late = [Job(input_ids=prompts[i], params=GREEDY, max_new_tokens=budgets[i]) for i in (2, 3)]
        for job in late:
            scheduler.submit(job)
        got[0] = _tokens(second)
        got[2], got[3] = _tokens(late[0]), _tokens(late[1])
    finally:
        scheduler.close()
    for i, tokens in enumerate(expected):
        assert got[i] == tokens, f"row {i} differs from generate"
    assert scheduler.largest_batch >= 2


@pytest.mark.parametrize("use_slots", [True, False], ids=["slots", "growing cache"])
def test_decoding_hands_the_cache_over_as_the_model_names_it(base_engine, use_slots):
    """Recent transformers (5.25 here) renamed the forward's `past_key_values` to `cache` (the old name goes in
    5.40): each decode path passes the cache under the name the model's forward takes, so no step
    warns of a deprecated argument (and none breaks once it is gone)."""
    scheduler = _scheduler(base_engine, slots=use_slots)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            job = Job(input_ids=_prompt(base_engine, QUESTIONS[1]), params=GREEDY, max_new_tokens=12)
            scheduler.submit(job)
            assert len(_tokens(job)) > 0
    finally:
        scheduler.close()
    deprecated = [str(w.message) for w in caught if "past_key_values" in str(w.message)]
    assert not deprecated, deprecated


def test_the_store_keeps_its_columns_tight(base_engine, monkeypatch):
    """Rows that leave free their slots and the columns no one needs; the window stays small."""
    monkeypatch.setattr(slots, "MIN_WIDTH", 16)
    scheduler = _scheduler(base_engine, slots=True)
    prompts = [_prompt(base_engine, q) for q in QUESTIONS[:2]]
    try:
        jobs = [Job(input_ids=p, params=GREEDY, max_new_tokens=n) for p, n in zip(prompts, (5, 40), strict=True)]
        for job in jobs:
            scheduler.submit(job)
        for job in jobs:
            _tokens(job)
        store = scheduler._store
        # the worker frees a finished row right after handing over its last token: give it that moment
        deadline = time.monotonic() + 10
        while store.rows and time.monotonic() < deadline:
            time.sleep(0.01)
        assert store.rows == 0
        again = Job(input_ids=prompts[1], params=GREEDY, max_new_tokens=3)
        scheduler.submit(again)
        assert len(_tokens(again)) == 3
        assert store.column == len(prompts[1]) + 2  # the new row starts at column 0, not after the old ones
        monkeypatch.setattr(slots, "KEEP_COLUMNS", 32)  # now more than an idle store keeps
        long = Job(input_ids=prompts[0], params=GREEDY, max_new_tokens=40)
        scheduler.submit(long)
        _tokens(long)
        deadline = time.monotonic() + 10
        while store.capacity and time.monotonic() < deadline:  # the worker frees them once idle
            time.sleep(0.01)
        assert store.capacity == 0 and not store.keys
        again = Job(input_ids=prompts[0], params=GREEDY, max_new_tokens=3)
        scheduler.submit(again)
        assert len(_tokens(again)) == 3  # the buffers come back when needed
    finally:
        scheduler.close()


def test_memory_follows_the_load_not_the_limits(base_engine):
    """One request holds one slot, not max_batch_size; columns never exceed the model's context."""
    prompts = [_prompt(base_engine, q) for q in QUESTIONS[:3]]
    width = max(len(p) for p in prompts) + 8
    scheduler = _scheduler(base_engine, slots=True, max_columns=width)
    store = scheduler._store
    try:
        alone = Job(input_ids=prompts[0], params=GREEDY, max_new_tokens=4)
        scheduler.submit(alone)
        assert len(_tokens(alone)) == 4
        assert store.allocated_slots == 1 and store.capacity == width  # not 4 slots, not 256 columns
        jobs = [Job(input_ids=p, params=GREEDY, max_new_tokens=4) for p in prompts]
        for job in jobs:
            scheduler.submit(job)
        assert all(len(_tokens(job)) == 4 for job in jobs)
        assert store.allocated_slots in (2, 4)  # grown to a power of two as rows joined
        too_long = Job(input_ids=prompts[1], params=GREEDY, max_new_tokens=width)
        scheduler.submit(too_long)
        streamed = 0
        while (item := too_long.out.get(timeout=120))[0] == TOKEN:
            streamed += 1
        assert streamed == width - len(prompts[1]) + 1  # the prefill's token, then one per free column
        assert item[0] == ERROR and "key/value columns" in str(item[1])  # then failed with a reason
    finally:
        scheduler.close()


def test_the_growing_cache_is_the_cpu_default(base_engine):
    cpu = _scheduler(base_engine)
    try:
        assert cpu.decode == "dynamic"  # no graphs to replay on CPU
    finally:
        cpu.close()


def test_slots_send_each_row_through_its_own_adapter(local_engine, monkeypatch):
    """With LoRA adapters loaded the slots still serve: a step in which a row uses an adapter runs
    eagerly through peft's per-row routing, and once no row does, steps go back to the path a GPU
    replays as graphs (`_run`). Each row's tokens are generate's with the same adapter."""
    monkeypatch.setattr(slots, "MIN_WIDTH", 16)
    scheduler = _scheduler(local_engine, slots=True, adapters=["french-reasoning"])
    assert scheduler.decode == "slots"
    store = scheduler._store
    plain_steps = []
    run = store._run
    monkeypatch.setattr(store, "_run", lambda rows, width: plain_steps.append(rows) or run(rows, width))
    prompts = [_prompt(local_engine, q) for q in QUESTIONS[:3]]
    adapters = ["french-reasoning", None, None]
    budgets = [20, 60, 40]  # the adapter's row leaves first: the last steps are base rows only
    expected = [_reference(local_engine, ids, b, adapter_names=[a or "__base__"])
                for ids, b, a in zip(prompts, budgets, adapters, strict=True)]
    assert expected[0] != _reference(local_engine, prompts[0], budgets[0], adapter_names=["__base__"])
    try:
        jobs = [Job(input_ids=p, params=GREEDY, max_new_tokens=b, adapter=a)
                for p, b, a in zip(prompts, budgets, adapters, strict=True)]
        for job in jobs:
            scheduler.submit(job)
        got = [_tokens(job) for job in jobs]
    finally:
        scheduler.close()
    for i, tokens in enumerate(expected):
        assert got[i] == tokens, f"row {i} ({adapters[i] or 'base'}) differs from generate"
    assert scheduler.largest_batch == 3
    # Only the steps after the adapter's row left (2 slots or 1; the three rows would take 4)
    assert len(plain_steps) >= budgets[1] - budgets[0] and max(plain_steps) <= 2


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_graph_decoding_matches_generate(demo_model_dir):
    engine = LocalEngine(LocalModelConfig(model=str(demo_model_dir), discover_adapters=False, device="cuda"))
    try:
        assert engine.scheduler.decode == "cuda-graphs"
        prompts = [_prompt(engine, q) for q in QUESTIONS]
        expected = [_reference(engine, ids, 80, device="cuda") for ids in prompts]
        jobs = [Job(input_ids=p, params=GREEDY, max_new_tokens=80) for p in prompts]
        for job in jobs:
            engine.scheduler.submit(job)
        got = [_tokens(job) for job in jobs]
        assert engine.scheduler._store.captured >= 1
        same = sum(a == b for a, b in zip(got, expected, strict=True))
        # bf16 on a GPU: a batched step may round differently from a lone one; most rows agree
        # to the token and every row starts the same way.
        assert same >= len(prompts) - 1, (got, expected)
        assert all(a[:10] == b[:10] for a, b in zip(got, expected, strict=True))
    finally:
        engine.close()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_graphs_serve_base_rows_with_adapters_loaded(demo_model_dir):
    """Loading an adapter keeps graph replay for base-model rows; a row that names the adapter
    runs eager steps through it."""
    engine = LocalEngine(LocalModelConfig(model=str(demo_model_dir), device="cuda"))
    try:
        assert engine.adapters and engine.scheduler.decode == "cuda-graphs"
        prompts = [_prompt(engine, q) for q in QUESTIONS[:2]]
        base = Job(input_ids=prompts[0], params=GREEDY, max_new_tokens=40)
        engine.scheduler.submit(base)
        got = _tokens(base)
        assert engine.scheduler._store.captured >= 1
        assert got[:10] == _reference(engine, prompts[0], 40, device="cuda", adapter_names=["__base__"])[:10]
        adapted = Job(input_ids=prompts[1], params=GREEDY, max_new_tokens=40, adapter="french-reasoning")
        engine.scheduler.submit(adapted)
        expected = _reference(engine, prompts[1], 40, device="cuda", adapter_names=["french-reasoning"])
        assert _tokens(adapted)[:10] == expected[:10]
    finally:
        engine.close()
