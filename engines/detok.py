"""Incremental detokenization and stop-string matching for streamed token ids.

Decoding the whole text at every token costs O(n) per token (what `TextIteratorStreamer` does).
Fast tokenizers get tokenizers' own streaming decoder (`DecodeStream`, in Rust); others get
`IncrementalDecoder`, which decodes only a short window of recent tokens, the way TGI and vLLM
do. Both hold back bytes that do not yet form a whole UTF-8 character.
"""

from __future__ import annotations

from typing import Any


def incremental_decoder(tokenizer: Any) -> IncrementalDecoder | RustDecoder:
    """The fastest incremental decoder this tokenizer supports."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is not None:
        try:
            from tokenizers.decoders import DecodeStream  # noqa: F401

            return RustDecoder(backend)
        except ImportError:
            pass
    return IncrementalDecoder(tokenizer)


class RustDecoder:
    """tokenizers' own streaming decoder (Rust): O(1) per token, holds back partial UTF-8."""

    def __init__(self, backend: Any) -> None:
        from tokenizers.decoders import DecodeStream

        self._backend = backend
        self._stream = DecodeStream(skip_special_tokens=True)

    def push(self, token_id: int) -> str:
        return self._stream.step(self._backend, token_id) or ""

    def flush(self) -> str:
        return ""  # an incomplete character at the very end is dropped, as decode() would


class IncrementalDecoder:
    """Turn token ids, one at a time, into text deltas (for slow, pure-Python tokenizers)."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        self._ids: list[int] = []
        self._prefix = 0  # start of the window decoded for context
        self._read = 0  # tokens already turned into emitted text

    def _decode(self, ids: list[int]) -> str:
        return self._tokenizer.decode(ids, skip_special_tokens=True,
                                      clean_up_tokenization_spaces=False)

    def push(self, token_id: int) -> str:
        """Add one token; return the text it completes (possibly empty)."""
        self._ids.append(token_id)
        before = self._decode(self._ids[self._prefix:self._read])
        after = self._decode(self._ids[self._prefix:])
        if len(after) > len(before) and not after.endswith("\ufffd"):
            self._prefix, self._read = self._read, len(self._ids)
            return after[len(before):]
        return ""

    def flush(self) -> str:
        """Whatever is still held back (an incomplete character at the very end)."""
        before = self._decode(self._ids[self._prefix:self._read])
        after = self._decode(self._ids[self._prefix:])
        self._prefix = self._read = len(self._ids)
        return after[len(before):]


class StopMatcher:
    """Find stop strings in streamed text, holding back only a possible partial match."""

    def __init__(self, stops: list[str]) -> None:
        self._stops = [s for s in stops if s]
        self._held = ""
        self.matched: str | None = None

    def feed(self, text: str) -> str:
        """Return the text that is safe to emit; sets ``matched`` when a stop string appears."""
        if not self._stops or self.matched is not None:
            return "" if self.matched is not None else text
        buf = self._held + text
        hits = [(buf.find(s), s) for s in self._stops if s in buf]
        if hits:
            at, stop = min(hits)
            self.matched, self._held = stop, ""
            return buf[:at]
        keep = 0
        for stop in self._stops:
            for size in range(min(len(stop) - 1, len(buf)), 0, -1):
                if buf.endswith(stop[:size]):
                    keep = max(keep, size)
                    break
        self._held = buf[len(buf) - keep:] if keep else ""
        return buf[: len(buf) - keep]

    def flush(self) -> str:
        held, self._held = self._held, ""
        return "" if self.matched is not None else held
