"""Incremental decoding and stop strings: the same text as a full decode, in pieces."""

from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from engines.detok import IncrementalDecoder, RustDecoder, StopMatcher, incremental_decoder

TEXT = "Évalue <think>le risque</think> : 25 000 € — déjà vu 😀, P/E ratio."


@pytest.fixture(scope="module")
def tokenizer(demo_model_dir):
    return AutoTokenizer.from_pretrained(demo_model_dir)


@pytest.mark.parametrize("kind", ["rust", "python"])
def test_streamed_pieces_equal_the_full_decode(tokenizer, kind):
    decoder = RustDecoder(tokenizer.backend_tokenizer) if kind == "rust" else IncrementalDecoder(tokenizer)
    ids = tokenizer(TEXT, add_special_tokens=False)["input_ids"]
    pieces = [decoder.push(i) for i in ids]
    assert "".join(pieces) + decoder.flush() == tokenizer.decode(ids, skip_special_tokens=True)
    assert all("\ufffd" not in p for p in pieces), "no half characters are emitted"


def test_fast_tokenizers_get_the_rust_decoder(tokenizer):
    assert isinstance(incremental_decoder(tokenizer), RustDecoder)


def test_stop_matcher_holds_back_only_a_possible_match():
    m = StopMatcher(["STOP"])
    assert m.feed("abc ST") == "abc "
    assert m.feed("OP and more") == ""
    assert m.matched == "STOP"
    n = StopMatcher(["STOP"])
    assert n.feed("abc ST") == "abc " and n.feed("ill") == "STill" and n.flush() == ""
