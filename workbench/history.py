"""The single comparisons an analyst ran, kept as a list of stored records (as a batch stores
them), newest last: what the Compare tab lists, exports and shows again.

The list lives in the analyst's browser (it survives a reload, and no one else sees it), so what
comes back from there is checked before it is used.
"""

from __future__ import annotations

from typing import Any

from workbench.compare import SYSTEMS

MAX_KEPT = 50  # a browser's storage holds a few MB; 50 comparisons with their reasoning fit well
# the comparisons that keep each answer token's probability (System A's `tokens`, some 50 bytes a
# token): the newest few; older ones keep the figures their model was unsure of
TOKENS_KEPT = 10


def remember(history: list[dict[str, Any]], rec: dict[str, Any], limit: int = MAX_KEPT) -> list[dict[str, Any]]:
    """A new list with `rec` in it: in place of the record of the same comparison (a verdict given
    afterwards), or added last; only the newest `limit` are kept, and only the newest TOKENS_KEPT
    with their answers' tokens."""
    same = rec.get("experiment_id")
    if any(r.get("experiment_id") == same for r in history):
        kept = [rec if r.get("experiment_id") == same else r for r in history][-limit:]
    else:
        kept = [*history, rec][-limit:]
    return [*(_without_tokens(r) for r in kept[:-TOKENS_KEPT]), *kept[-TOKENS_KEPT:]]


def _without_tokens(rec: dict[str, Any]) -> dict[str, Any]:
    """A record without its answers' tokens (a copy; the record itself is left as it is)."""
    if not any(isinstance(rec.get(name), dict) and "tokens" in rec[name] for name in SYSTEMS.values()):
        return rec
    return {k: ({f: x for f, x in v.items() if f != "tokens"} if k in SYSTEMS.values() and isinstance(v, dict) else v)
            for k, v in rec.items()}


# what the tab reads of a system's stored result (workbench.compare.record writes them all)
_RESULT_KEYS = {"response", "reasoning", "metadata", "latency_ms", "ttft_ms", "refusal", "reasoning_lang",
                "answer_lang"}
_METADATA_KEYS = {"finish_reason", "reasoning_tokens", "content_tokens", "tokens_per_s", "model_id",
                  "truncated_in_reasoning"}


_ROUTE_KEYS = {"route_confidence", "route_reasons", "handling_mode"}  # with a route (System B)


def _result(value: Any) -> bool:
    return isinstance(value, dict) and value.keys() >= _RESULT_KEYS and isinstance(value["metadata"], dict) \
        and value["metadata"].keys() >= _METADATA_KEYS and ("route" not in value or value.keys() >= _ROUTE_KEYS)


def restored(data: Any, limit: int = MAX_KEPT) -> list[dict[str, Any]]:
    """The comparisons a browser sent back: each a record with its id, query and at least one
    system's result in the stored shape; anything else (an old format, an edited entry) is
    skipped, and a system's result that is not well formed is dropped."""
    out = []
    for item in data if isinstance(data, list) else []:
        if not (isinstance(item, dict) and isinstance(item.get("experiment_id"), str)
                and isinstance(item.get("query"), str)):
            continue
        rec = {k: v for k, v in item.items() if k not in SYSTEMS.values() or _result(v)}
        if any(name in rec for name in SYSTEMS.values()):
            out.append(rec)
    return out[-limit:]


def find(history: list[dict[str, Any]], experiment_id: Any) -> dict[str, Any] | None:
    """The comparison of that id, or None."""
    return next((r for r in history if r.get("experiment_id") == experiment_id), None)
