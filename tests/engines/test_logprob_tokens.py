"""engines.chances: a provider's logprobs placed on the answer as shown."""

from __future__ import annotations

import math

import pytest

from engines.chances import Logprob, from_logprobs


def item(token: str, prob: float, raw: bytes | None = None, top=()) -> Logprob:
    return Logprob(token, math.log(prob), raw if raw is not None else token.encode(),
                   tuple((t, math.log(p)) for t, p in top))


def test_tokens_are_placed_on_the_stripped_answer_after_the_reasoning_block():
    written = "<think>why</think>\n\n Le taux est 4 %."
    tokens = [item("<think>", 0.9), item("why", 0.9), item("</think>", 0.9), item("\n\n Le", 0.8),
              item(" taux", 0.7), item(" est", 0.9), item(" 4", 0.3, top=[("5", 0.6), ("4", 0.3)]),
              item(" %.", 0.99)]
    chances = from_logprobs(tokens, written, "\n\n Le taux est 4 %.")
    answer = "Le taux est 4 %."
    assert [c.text for c in chances] == ["Le", " taux", " est", " 4", " %."]
    assert all(answer[c.start:c.start + len(c.text)] == c.text for c in chances)
    four = chances[3]
    assert four.prob == pytest.approx(0.3) and four.likeliest[0] == ("5", pytest.approx(0.6))


def test_a_character_split_over_two_tokens_is_one_token_of_both_chances():
    e = "é".encode()
    tokens = [item("b", 0.9), item("bytes:\\xc3", 0.5, e[:1]), item("bytes:\\xa9", 0.8, e[1:]), item("ta", 0.9)]
    chances = from_logprobs(tokens, "béta", "béta")
    assert [c.text for c in chances] == ["b", "é", "ta"]
    assert chances[1].prob == pytest.approx(0.4) and chances[1].start == 1


def test_tokens_that_do_not_spell_what_was_written_give_no_reading():
    assert from_logprobs([item("Hello", 0.9)], "Hello world", "Hello world") is None  # some tokens missing
    assert from_logprobs([item("a", 0.9, b"\xff")], "a", "a") is None  # bytes that never decode
    assert from_logprobs([], "", "") is None


def test_malformed_logprobs_leave_the_answer_and_drop_the_reading():
    from types import SimpleNamespace

    from engines.remote_chunks import chunk_logprobs

    good = {"token": "Hi", "logprob": -0.1, "bytes": [72, 105], "top_logprobs": [{"token": "Hi", "logprob": -0.1}]}
    assert chunk_logprobs(SimpleNamespace(logprobs=SimpleNamespace(content=[good])))[0].token == "Hi"
    assert chunk_logprobs(SimpleNamespace(logprobs=SimpleNamespace(content=[{**good, "logprob": None}]))) == []
    assert chunk_logprobs(SimpleNamespace(logprobs=None)) == [] and chunk_logprobs(SimpleNamespace()) == []
