"""Compare System A and System B on the same query: the experiment, each system's run, the
record a comparison leaves. Both systems run in parallel threads; a single comparison streams
snapshots of both answers as they grow. Batches of them: workbench.batch_run.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from engines.base import ChatRequest, Done, Engine, EngineError, GenerationParams, StreamStats, TextDelta
from engines.chances import TokenChance
from workbench.checks import apply_checks
from workbench.confidence import packed, reading
from workbench.language import part_language
from workbench.refusal import is_refusal

SYSTEMS = {"A": "system_a", "B": "system_b"}
POLL_S = 0.1  # UI refresh while comparing
MAX_CONCURRENCY = 16  # experiments at once in a batch: more only queues at System A's rate limit


@dataclass
class Experiment:
    id: str
    query: str
    transaction: dict[str, Any] | None = None
    lang: str | None = None
    expected_route: str | None = None
    category: str | None = None
    expect: dict[str, Any] | None = None  # checks on the answers (workbench.checks)
    reference: str | None = None  # a right answer, written by the team: what a model judge judges against
    # instructions both systems are given before the question (System B's router puts its route's first)
    system_prompt: str | None = None


@dataclass
class SystemRun:
    """One system's answer as it streams in."""

    name: str
    reasoning: str = ""
    response: str = ""
    done: bool = False
    stats: StreamStats | None = None
    error: EngineError | None = None
    skipped: bool = False
    chances: tuple[TokenChance, ...] | None = None  # each answer token's probability, where the provider lent them

    def result(self) -> dict[str, Any]:
        """The record stored per system (the REST response shape)."""
        s = self.stats
        extras = dict(s.extras) if s else {}
        metadata = {
            "model_id": s.model_id if s else None,
            "finish_reason": s.finish_reason if s else None,
            "reasoning_tokens": s.reasoning_tokens if s else 0,
            "content_tokens": s.content_tokens if s else 0,
            "tokens_per_s": round(s.tokens_per_s, 2) if s and s.tokens_per_s else None,
            "reasoning_share": round(s.reasoning_share, 4) if s and s.reasoning_share is not None else None,
            "truncated_in_reasoning": bool(s and s.truncated_in_reasoning),
            "error": str(self.error) if self.error else None,
            "error_kind": self.error.kind if self.error else None,
            **{k: v for k, v in extras.items() if not k.startswith("route") and k != "handling_mode"},
        }
        out: dict[str, Any] = {
            "response": self.response.strip(), "reasoning": self.reasoning.strip(),
            "latency_ms": round(s.total_s * 1000, 1) if s else None,
            "ttft_ms": round(s.ttft_s * 1000, 1) if s and s.ttft_s is not None else None,
            "refusal": is_refusal(self.response),
            "reasoning_lang": part_language(self.reasoning), "answer_lang": part_language(self.response),
            "metadata": metadata,
        }
        if "route" in extras:
            out.update(route=extras["route"], route_confidence=extras["route_confidence"],
                       route_reasons=extras["route_reasons"], handling_mode=extras["handling_mode"])
        if self.chances and not self.error:  # System A's logprobs: its unsure figures, and the tokens to shade
            out["confidence"] = reading(list(self.chances), out["response"])
            out["tokens"] = packed(self.chances)
        return out


def _consume(engine: Engine, request: ChatRequest, run: SystemRun, cancel: threading.Event | None,
             changed: threading.Event) -> None:
    try:
        for event in engine.stream(request, cancel):
            if isinstance(event, TextDelta):
                if event.channel == "reasoning":
                    run.reasoning += event.text
                else:
                    run.response += event.text
            elif isinstance(event, Done):
                run.stats, run.error, run.chances = event.stats, event.error, event.chances
            changed.set()
    except Exception as exc:  # noqa: BLE001 - a crash in one system must not take the other down
        run.error = EngineError(f"{run.name} failed unexpectedly: {type(exc).__name__}: {exc}")
        run.stats = run.stats or StreamStats(model_id=getattr(engine, "model_id", "?"),
                                             finish_reason="error")
    finally:
        run.done = True
        changed.set()


class Comparator:
    """Runs one experiment on System A and System B in parallel."""

    def __init__(self, system_a: Engine, system_b: Engine,
                 params: GenerationParams | None = None) -> None:
        self.system_a = system_a
        self.system_b = system_b
        self.params = params or GenerationParams()

    def _start(self, exp: Experiment, run_a: bool, run_b: bool, cancel: threading.Event | None,
               params: GenerationParams | None, adapter: str | None = None
               ) -> tuple[dict[str, SystemRun], list[threading.Thread], threading.Event]:
        """Both systems answering on threads of their own: (runs, threads, changed). `adapter`:
        the LoRA adapter System B's model answers with (System A takes none)."""
        request = ChatRequest.single(exp.query, system_prompt=exp.system_prompt or None,
                                     params=params or self.params, transaction=exp.transaction)
        requests = {"A": request, "B": request.model_copy(update={"adapter": adapter or None})}
        runs = {"A": SystemRun(self.system_a.name, skipped=not run_a),
                "B": SystemRun(self.system_b.name, skipped=not run_b)}
        changed = threading.Event()
        threads = []
        for key, engine in (("A", self.system_a), ("B", self.system_b)):
            if runs[key].skipped:
                runs[key].done = True
                continue
            t = threading.Thread(target=_consume, args=(engine, requests[key], runs[key], cancel, changed),
                                 daemon=True, name=f"compare-{key}")
            t.start()
            threads.append(t)
        return runs, threads, changed

    def stream(self, exp: Experiment, run_a: bool = True, run_b: bool = True,
               cancel: threading.Event | None = None, params: GenerationParams | None = None,
               adapter: str | None = None) -> Iterator[dict[str, SystemRun]]:
        """Yield {"A": SystemRun, "B": SystemRun} snapshots until both are done (last one final):
        at most one per POLL_S while they stream, the final one as soon as both have finished."""
        runs, threads, changed = self._start(exp, run_a, run_b, cancel, params, adapter)
        while not all(r.done for r in runs.values()):
            changed.wait(POLL_S)
            changed.clear()
            yield runs
            deadline = time.perf_counter() + POLL_S
            for t in threads:  # pace: wait out the interval, unless both finish first
                t.join(max(0.0, deadline - time.perf_counter()))
        for t in threads:
            t.join()
        yield runs

    def run(self, exp: Experiment, run_a: bool = True, run_b: bool = True,
            cancel: threading.Event | None = None, params: GenerationParams | None = None,
            adapter: str | None = None) -> dict[str, Any]:
        """One comparison to its end, without intermediate snapshots (batches)."""
        runs, threads, _ = self._start(exp, run_a, run_b, cancel, params, adapter)
        for t in threads:
            t.join()
        return record(exp, runs, params or self.params, adapter)


def recorded_params(params: dict[str, Any]) -> dict[str, Any]:
    """A record's generation parameters as they applied: one added since it was written (min_p)
    at its default, as it was then."""
    return {**GenerationParams().model_dump(mode="json"), **params}


def record(exp: Experiment, runs: dict[str, SystemRun], params: GenerationParams | None = None,
           adapter: str | None = None) -> dict[str, Any]:
    """The stored result of one comparison, with the generation parameters both systems got and
    (`system_b_adapter`, when one was used) the LoRA adapter System B's model answered with, and
    (`system_prompt`, when the experiment has one) the instructions both systems were given."""
    out: dict[str, Any] = {
        "experiment_id": exp.id, "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "query": exp.query, "transaction": exp.transaction, "lang": exp.lang,
        "expected_route": exp.expected_route, "category": exp.category, "expect": exp.expect,
        "reference": exp.reference, "params": params.model_dump(mode="json") if params is not None else None}
    if adapter:
        out["system_b_adapter"] = adapter
    if exp.system_prompt:
        out["system_prompt"] = exp.system_prompt
    for key, name in SYSTEMS.items():
        out[name] = None if runs[key].skipped else runs[key].result()
    return apply_checks(out)


def run_system_prompt(records: list[dict[str, Any]], words: int = 8) -> str | None:
    """The system prompt a run's experiments were asked under, as a line names it: its first
    words, quoted ("“Tu réponds pour l'équipe conformité…”"), or how many different ones, when
    its experiments had their own (one without counts as one); None when there was none."""
    prompts = {rec.get("system_prompt") or None for rec in records}
    if len(prompts) > 1:
        return f"{len(prompts)} different ones"
    head = (next(iter(prompts), None) or "").split()
    return "“" + " ".join(head[:words]) + ("…" if len(head) > words else "") + "”" if head else None


def experiment_of(rec: dict[str, Any]) -> Experiment:
    """The experiment a stored record answered, to ask it again."""
    return Experiment(rec["experiment_id"], rec["query"], rec.get("transaction"), rec.get("lang"),
                      rec.get("expected_route"), rec.get("category"), rec.get("expect"), rec.get("reference"),
                      rec.get("system_prompt") or None)


def system_b_request(rec: dict[str, Any]) -> ChatRequest:
    """The request System B answered in a stored comparison (before its router put the route's
    system prompt in): the query, transaction and system prompt under the parameters and adapter
    it ran with."""
    params = GenerationParams(**recorded_params(rec["params"])) if rec.get("params") else None
    return ChatRequest.single(rec["query"], system_prompt=rec.get("system_prompt") or None, params=params,
                              adapter=rec.get("system_b_adapter") or None, transaction=rec.get("transaction"))


def failed_systems(rec: dict[str, Any] | None) -> tuple[str, ...]:
    """The systems a comparison asked whose answer failed or was stopped (not those it did not ask)."""
    return tuple(key for key, name in SYSTEMS.items() if (rec or {}).get(name) and rec[name]["metadata"].get("error"))


def with_earlier(rec: dict[str, Any], earlier: dict[str, Any] | None) -> dict[str, Any]:
    """A comparison record that asked some systems again, with the `earlier` record's answer of
    each system it did not ask, all scored under its checks; returns the record."""
    for name in SYSTEMS.values():
        if rec[name] is None and (earlier or {}).get(name):
            rec[name] = earlier[name]
    return apply_checks(rec)


def new_experiment_id() -> str:
    return f"adhoc-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


# ---------------------------------------------------------------- batches


def still_to_run(rec: dict[str, Any] | None, systems: tuple[str, ...]) -> tuple[str, ...]:
    """The systems of `systems` that a stored record has no answer from: not asked then, or
    failed (an API error, a missing key). All of them when there is no record."""
    if rec is None:
        return systems
    return tuple(key for key in systems
                 if not rec.get(SYSTEMS[key]) or rec[SYSTEMS[key]]["metadata"].get("error"))


def refusal_of(res: dict[str, Any]) -> bool | None:
    """Whether a system's stored result refused; None for one that failed before it answered (it
    neither refused nor answered): the tables and the CSV leave it empty, its figures show "—"."""
    if (res.get("metadata") or {}).get("error_kind") and not res.get("response"):
        return None
    return res.get("refusal")


def both_answered(rec: dict[str, Any] | None) -> bool:
    """Whether a stored record has an answer from both systems (what a verdict, a judge or a
    difference between them needs)."""
    return not still_to_run(rec, ("A", "B"))
