"""What one chunk of an OpenAI-compatible chat stream says beyond its text: the reasoning a
provider sends apart from the answer, the tokens' logprobs, and the usage the last chunk reports
(System A's engine, `engines.remote`, reads its stream with these).
"""

from __future__ import annotations

from typing import Any

from engines.base import StreamStats
from engines.chances import Logprob


def chunk_logprobs(choice: Any) -> list[Logprob]:
    """The tokens a chunk's choice reports with their logprobs (none where it lends none, or where
    they are not in the shape OpenAI's API gives: the answer's reading is then left out, since its
    tokens no longer spell the answer, and the answer itself is kept)."""
    lp = getattr(choice, "logprobs", None)
    items = getattr(lp, "content", None) if lp is not None else None
    try:
        return [Logprob.of(item) for item in items or []]
    except (TypeError, ValueError, AttributeError):
        return []


def reasoning_text(delta: Any) -> str | None:
    """A chunk's reasoning: DeepSeek's `reasoning_content`, or `reasoning` as other servers name it."""
    if delta is None:
        return None
    value = getattr(delta, "reasoning_content", None)
    if value is None:
        extra = getattr(delta, "model_extra", None) or {}
        value = extra.get("reasoning_content") or extra.get("reasoning")
    return value or None


def apply_usage(stats: StreamStats, usage: Any, counts: dict[str, int]) -> None:
    """Token counts from the provider's usage when it reports them, else chunk counts."""
    if usage is None:
        stats.reasoning_tokens, stats.content_tokens = counts["reasoning"], counts["content"]
        stats.extras["token_counts"] = "estimated from chunks"
        return
    completion = int(getattr(usage, "completion_tokens", 0) or 0)
    details = getattr(usage, "completion_tokens_details", None)
    reasoning = getattr(details, "reasoning_tokens", None) if details else None
    if reasoning is None:  # split by observed chunks when the provider gives no breakdown
        seen = counts["reasoning"] + counts["content"]
        reasoning = round(completion * counts["reasoning"] / seen) if seen else 0
    stats.reasoning_tokens = int(reasoning)
    stats.content_tokens = max(0, completion - int(reasoning))
    stats.extras["prompt_tokens"] = getattr(usage, "prompt_tokens", None)
    extra = getattr(usage, "model_extra", None) or {}
    for name in ("prompt_cache_hit_tokens", "prompt_cache_miss_tokens"):
        if name in extra:
            stats.extras[name] = extra[name]
