"""How likely a model found each token of an answer: the shape both systems give it in.

System B's model reads its answer back (engines.confidence, one forward pass). System A's provider
may lend the probabilities it had while writing (OpenAI's ``logprobs`` / ``top_logprobs``, which
DeepSeek's non-thinking model and most vLLM servers give): :func:`from_logprobs` places those
tokens on the answer as it is shown. Nothing here needs torch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

TOP_LOGPROBS = 5  # the likeliest tokens asked of a provider at each place (DeepSeek allows 20)


@dataclass(frozen=True)
class TokenChance:
    """One token of an answer and how likely the model found it there."""

    text: str  # the token as it reads in the answer
    start: int  # where it starts in the answer, in characters
    prob: float  # the model's probability of this token at this place
    likeliest: tuple[tuple[str, float], ...]  # the likeliest tokens there, most likely first

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "prob": self.prob,
                "likeliest": [{"text": t, "prob": p} for t, p in self.likeliest]}


def _field(obj: Any, name: str) -> Any:
    """A field of the openai client's object, or of the dict it stands for."""
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


@dataclass(frozen=True)
class Logprob:
    """One token as a provider's stream reports it (a `choices[].logprobs.content` item)."""

    token: str
    logprob: float
    raw: bytes | None  # its UTF-8 bytes: a character split over two tokens reads whole only joined
    top: tuple[tuple[str, float], ...]  # (token, logprob), likeliest first

    @classmethod
    def of(cls, item: Any) -> Logprob:
        """From the openai client's ChatCompletionTokenLogprob (or its dict)."""
        raw = _field(item, "bytes")
        top = tuple((str(_field(alt, "token")), float(_field(alt, "logprob")))
                    for alt in _field(item, "top_logprobs") or [])
        return cls(str(_field(item, "token")), float(_field(item, "logprob")),
                   bytes(raw) if raw is not None else None, top)


def _chance(logprob: float) -> float:
    return math.exp(max(logprob, -100.0))


def _pieces(items: list[Logprob]) -> list[tuple[str, float, tuple[tuple[str, float], ...]]] | None:
    """The tokens as text: (text, probability, likeliest). Tokens that hold part of a character
    (their bytes do not decode alone) are joined with the next until they do, their probabilities
    multiplied. None where the bytes never decode."""
    out = []
    buffer, prob, top = b"", 1.0, None
    for item in items:
        if item.raw is None and not buffer:
            out.append((item.token, _chance(item.logprob), tuple((t, _chance(lp)) for t, lp in item.top)))
            continue
        buffer += item.raw if item.raw is not None else item.token.encode()
        prob *= _chance(item.logprob)
        top = top if top is not None else tuple((t, _chance(lp)) for t, lp in item.top)
        try:
            text = buffer.decode("utf-8")
        except UnicodeDecodeError:
            if len(buffer) > 8:
                return None
            continue
        out.append((text, prob, top))
        buffer, prob, top = b"", 1.0, None
    return out if not buffer else None


def from_logprobs(items: list[Logprob], written: str, answer: str) -> list[TokenChance] | None:
    """The tokens a provider reported (`items`, in the order it wrote them) placed on `answer`:
    the answer as shown, stripped, out of `written`, everything the model wrote in its content (a
    reasoning block in it included). None where they do not spell `written` (a provider whose
    tokens are not the text, or that reported only some of them): better no reading than a wrong
    one."""
    pieces = _pieces(items)
    if not pieces or "".join(text for text, _, _ in pieces) != written:
        return None
    body = answer.strip()
    at = written.rfind(body) if body else -1
    if at < 0:
        return None
    chances, start = [], 0
    for text, prob, top in pieces:
        end = start + len(text)
        lo, hi = max(start, at), min(end, at + len(body))
        if lo < hi:  # the part of the token inside the answer (a token may hold the space before it)
            chances.append(TokenChance(text=written[lo:hi], start=lo - at, prob=prob, likeliest=top))
        start = end
    return chances
