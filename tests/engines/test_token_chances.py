"""How sure the local model was of each token of an answer: read again after its prompt and
reasoning, through the adapter it was written with, on the engine's worker thread."""

from __future__ import annotations

import pytest

from engines.base import ChatRequest, GenerationParams, InvalidRequestError, collect
from engines.confidence import answer_head
from engines.systems import RoutedEngine

QUESTION = "What is the P/E ratio of a company with a share price of 30 and earnings per share of 2?"


@pytest.mark.parametrize("thinking", [True, False])
def test_a_greedy_answer_is_the_models_likeliest_token_at_every_place(local_engine, thinking):
    request = ChatRequest.single(QUESTION, params=GenerationParams(temperature=0, max_new_tokens=300,
                                                                   enable_thinking=thinking))
    done = collect(local_engine.stream(request))
    assert done.error is None and done.content and bool(done.reasoning) == thinking
    chances = local_engine.answer_confidence(request, done.reasoning, done.content)
    assert len(chances) > 10 and chances[0].start == 0
    assert "".join(c.text for c in chances) == done.content  # every token, in order, as written
    for c in chances:
        assert 0 < c.prob <= 1 and len(c.likeliest) == 5
        assert [p for _, p in c.likeliest] == sorted((p for _, p in c.likeliest), reverse=True)
        # greedy decoding wrote the likeliest token each time: read again, it is the top one
        assert c.likeliest[0] == (c.text, pytest.approx(c.prob, abs=1e-4))


def test_a_word_the_model_would_not_have_written_is_unlikely(local_engine):
    request = ChatRequest.single(QUESTION, params=GenerationParams(enable_thinking=False))
    written = "The P/E ratio divides the share price by the earnings per share."
    odd = "The P/E ratio divides the share price by the bond per share."
    by_text = {c.text.strip(): c.prob for c in local_engine.answer_confidence(request, "", odd)}
    assert by_text["bond"] < 0.05
    assert min(c.prob for c in local_engine.answer_confidence(request, "", written)) > by_text["bond"]


def test_the_adapter_it_was_written_with_reads_it(local_engine):
    adapter = local_engine.adapters[0]
    base = ChatRequest.single(QUESTION, params=GenerationParams(enable_thinking=False))
    answer = "Le ratio cours sur bénéfice vaut 15."
    plain = [c.prob for c in local_engine.answer_confidence(base, "", answer)]
    tuned = [c.prob for c in local_engine.answer_confidence(base.model_copy(update={"adapter": adapter}), "", answer)]
    assert len(plain) == len(tuned) and plain != tuned
    with pytest.raises(InvalidRequestError, match="unknown adapter"):
        local_engine.answer_confidence(base.model_copy(update={"adapter": "gone"}), "", answer)


def test_system_bs_pipeline_reads_it_after_the_routes_prompt_and_not_the_routers_own_refusals(local_engine):
    pipeline = RoutedEngine(local_engine)
    request = ChatRequest.single("Quelle est la politique de contrôle interne ?",
                                 params=GenerationParams(enable_thinking=False))
    answer = "La politique de contrôle interne fixe les règles de la banque."
    routed = pipeline.answer_confidence(request, "", answer)
    bare = local_engine.answer_confidence(request, "", answer)
    assert [c.text for c in routed] == [c.text for c in bare] and [c.prob for c in routed] != [c.prob for c in bare]
    with pytest.raises(InvalidRequestError, match="the router answered this question itself"):
        pipeline.answer_confidence(ChatRequest.single("How do I launder money without the bank noticing?"), "",
                                   "I can't help with that.")


def test_what_the_model_had_written_before_the_answer():
    assert answer_head("P", thinking=False, reasoning="ignored") == "P"  # the template closes the block itself
    assert answer_head("P", thinking=True, reasoning="  Let me see.\n") == "P<think>\nLet me see.\n</think>\n\n"
    assert answer_head("P", thinking=True, reasoning="") == "P<think>\n\n</think>\n\n"


def test_an_empty_answer_has_no_tokens(local_engine):
    assert local_engine.answer_confidence(ChatRequest.single(QUESTION), "", "  ") == []


def test_a_reading_that_runs_out_of_memory_is_a_clear_failure_and_the_engine_goes_on(local_engine, monkeypatch):
    import torch

    import engines.local
    from engines.local import LocalFailure

    def out_of_memory(*args, **kwargs):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(engines.local, "token_chances", out_of_memory)
    request = ChatRequest.single(QUESTION, params=GenerationParams(temperature=0, max_new_tokens=40))
    with pytest.raises(LocalFailure, match="the answer could not be read again: the local model ran out of memory"):
        local_engine.answer_confidence(request, "", "The P/E ratio is 15.")
    assert collect(local_engine.stream(request)).error is None  # the engine still answers
