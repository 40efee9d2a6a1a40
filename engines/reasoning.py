"""Incremental separation of ``<think>…</think>`` reasoning from the answer.

Models of the Qwen3 family write their reasoning inside one ``<think>`` block at the start of
the reply; some chat templates prefill the opening tag, so the stream starts already inside the
block (``start_in_reasoning=True``). Text arrives in arbitrary chunks, so a tag may be split
across chunks at any character. The splitter holds back only what could still turn out to be
part of a tag and emits everything else at once, which keeps streaming latency at one chunk.

Rules (the contract in ARCHITECTURE.md):

* A reasoning block opens only at the very start of the reply (leading whitespace allowed).
  A reply that starts with anything else is all content.
* It closes at the first ``</think>``. After that every ``<think>``/``</think>`` is content.
* Tags are not emitted. Text between tags passes through unchanged (whitespace included), so
  consumers decide how to trim; ``"".join`` of each channel is independent of the chunking.
"""

from __future__ import annotations

OPEN_TAG = "<think>"
CLOSE_TAG = "</think>"

REASONING = "reasoning"
CONTENT = "content"

_START, _IN_REASONING, _CONTENT = "start", "reasoning", "content"


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest suffix of ``text`` that is a proper prefix of ``tag``."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0


class ThinkSplitter:
    """Split a streamed reply into ``("reasoning", text)`` and ``("content", text)`` pieces."""

    def __init__(self, start_in_reasoning: bool = False) -> None:
        self._state = _IN_REASONING if start_in_reasoning else _START
        self._held = ""
        self.saw_reasoning = start_in_reasoning

    @property
    def in_reasoning(self) -> bool:
        """True while the stream is inside a reasoning block that has not been closed."""
        return self._state == _IN_REASONING

    def feed(self, text: str) -> list[tuple[str, str]]:
        """Consume a chunk; return the pieces that can be emitted now."""
        out: list[tuple[str, str]] = []
        buf = self._held + text
        self._held = ""
        while buf:
            if self._state == _START:
                stripped = buf.lstrip()
                if stripped.startswith(OPEN_TAG):
                    # Leading whitespace before the tag belongs to nobody: drop it.
                    buf = stripped[len(OPEN_TAG):]
                    self._state = _IN_REASONING
                    self.saw_reasoning = True
                    continue
                if OPEN_TAG.startswith(stripped):
                    # Whitespace and/or a partial opening tag: wait for more.
                    self._held = buf
                    break
                self._state = _CONTENT
                continue
            if self._state == _IN_REASONING:
                end = buf.find(CLOSE_TAG)
                if end >= 0:
                    if end:
                        out.append((REASONING, buf[:end]))
                    buf = buf[end + len(CLOSE_TAG):]
                    self._state = _CONTENT
                    continue
                keep = _partial_suffix(buf, CLOSE_TAG)
                emit = buf[: len(buf) - keep]
                if emit:
                    out.append((REASONING, emit))
                self._held = buf[len(buf) - keep:]
                break
            out.append((CONTENT, buf))
            break
        return merge_pieces(out)

    def finish(self) -> list[tuple[str, str]]:
        """Flush whatever is held back at the end of the stream."""
        held, self._held = self._held, ""
        if not held:
            return []
        if self._state == _IN_REASONING:
            return [(REASONING, held)]
        if self._state == _START and not held.strip():
            return []
        return [(CONTENT, held)]


def merge_pieces(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Join consecutive pieces of the same channel."""
    merged: list[tuple[str, str]] = []
    for channel, text in pieces:
        if merged and merged[-1][0] == channel:
            merged[-1] = (channel, merged[-1][1] + text)
        else:
            merged.append((channel, text))
    return merged


def split_reasoning(text: str, start_in_reasoning: bool = False) -> tuple[str, str, bool]:
    """Split a complete reply. Returns ``(reasoning, content, reasoning_unclosed)``."""
    splitter = ThinkSplitter(start_in_reasoning)
    parts = splitter.feed(text) + splitter.finish()
    reasoning = "".join(t for c, t in parts if c == REASONING)
    content = "".join(t for c, t in parts if c == CONTENT)
    return reasoning, content, splitter.in_reasoning
