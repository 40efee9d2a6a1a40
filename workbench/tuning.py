"""Generation tuning: run one prompt under several parameter configurations and measure the text.

Metrics per answer: reasoning share of the token budget, distinct-2 (unique word bigrams over all
bigrams: low means repetitive), repetition rate (share of word 3-grams that repeat an earlier
one), agent-like planning phrases ("Let me first analyse…", a known failure mode of small
finance models), across repeats of one configuration whether the outputs are identical, and,
with checks on the answer (`workbench.checks`), how many of them each answer passed.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engines.base import ChatRequest, Engine, EngineError, GenerationParams, collect
from workbench.checks import check_columns, score
from workbench.confidence import reading, unsure_cell
from workbench.export import decimal_point, read_saved, typed_row
from workbench.jobs import as_they_finish
from workbench.language import part_language
from workbench.refusal import is_refusal

MAX_CONFIGS = 8
MAX_REPEATS = 5
SWEEPABLE = ["temperature", "top_p", "top_k", "min_p", "max_new_tokens", "min_new_tokens", "repetition_penalty",
             "no_repeat_ngram_size"]
CONFIG_FIELDS = [*SWEEPABLE, "seed", "enable_thinking"]

_WORDS = re.compile(r"\w+", re.UNICODE)
PLANNING = re.compile(
    r"\b(let me (first )?(analy[sz]e|think|start|break|look|check|consider|plan)|first,? (i will|i'll|let me|"
    r"i need to)|i(?:'ll| will) (start|begin) by|step 1\b|my plan is|here is my plan|"
    r"laissez-moi d'abord|je vais d'abord|commençons par|tout d'abord, je vais|étape 1\b)",
    re.IGNORECASE)


def distinct_2(text: str) -> float | None:
    words = _WORDS.findall(text.lower())
    bigrams = list(itertools.pairwise(words))
    return round(len(set(bigrams)) / len(bigrams), 3) if bigrams else None


def repetition_rate(text: str) -> float | None:
    words = _WORDS.findall(text.lower())
    trigrams = [tuple(words[i:i + 3]) for i in range(len(words) - 2)]
    if not trigrams:
        return None
    seen: set[tuple[str, ...]] = set()
    repeats = 0
    for gram in trigrams:
        repeats += gram in seen
        seen.add(gram)
    return round(repeats / len(trigrams), 3)


def planning_phrases(text: str) -> list[str]:
    return sorted({m.group(0) for m in PLANNING.finditer(text)})


_DIGITS_AROUND_COMMA = re.compile(r"\d,\d")


def parse_values(raw: str, field: str) -> list[Any]:
    """'0.2, 0.7, 1' -> typed values for a GenerationParams field; raises ValueError when invalid.
    Values separated by semicolons take decimal commas, as French writes them ('0,2; 0,9'); a
    decimal field's '0,2,0,9' or '1,2', which reads either way, is refused rather than guessed."""
    if field not in SWEEPABLE:
        raise ValueError(f"{field!r} cannot be swept; choose one of {', '.join(SWEEPABLE)}")
    whole = GenerationParams.model_fields[field].annotation is int
    text = raw or ""
    if ";" in text:  # a whole number's "1,000" is no value of 1: left for float to refuse
        items = text.split(";") if whole else [decimal_point(item.strip()) for item in text.split(";")]
    elif not whole and "." not in text and _DIGITS_AROUND_COMMA.search(text):
        raise ValueError(f"{field}: {text.strip()!r} reads two ways, as values or with decimal commas: write "
                         "0.2, 0.9 (or 0,2; 0,9)")
    else:
        items = text.split(",")
    values = []
    for item in items:
        if item.strip():
            try:
                value = float(item)
            except ValueError:
                raise ValueError(f"{field}: {item.strip()!r} is not a number") from None
            if whole and not value.is_integer():
                raise ValueError(f"{field}: {item.strip()!r} is not a whole number")
            values.append(int(value) if whole else value)
    if not values:
        raise ValueError(f"give at least one value for {field}")
    return values


def grid(base: GenerationParams, x_field: str, x_values: list[Any], y_field: str | None = None,
         y_values: list[Any] | None = None) -> list[GenerationParams]:
    """Every combination of the swept values on top of `base` (at most MAX_CONFIGS)."""
    combos = list(itertools.product(x_values, y_values or [None]))
    if len(combos) > MAX_CONFIGS:
        raise ValueError(f"{len(combos)} configurations; at most {MAX_CONFIGS} fit side by side")
    out = []
    for x, y in combos:
        update = {x_field: x}
        if y_field and y is not None:
            update[y_field] = y
        try:
            out.append(GenerationParams(**{**base.model_dump(), **update}))
        except ValidationError as exc:
            raise ValueError(f"invalid combination {update}: {exc.errors()[0]['msg']}") from None
    return out


def run_configs(engine: Engine, prompt: str, configs: list[GenerationParams], repeats: int = 1,
                system_prompt: str | None = None, adapter: str | None = None,
                cancel: threading.Event | None = None, workers: int = 8,
                expect: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Run every configuration `repeats` times (seeds differ per repeat); yield a row as each ends.
    After a Stop nothing new starts; a run it cut short keeps what it wrote, as `cancelled`.
    With `expect`, each finished answer is checked (`checks_passed` of `checks_total`).

    Runs concurrently so that the local engine batches them. A repeat without an explicit seed gets
    seed = repeat number, so reruns are reproducible; with a seed, repeat k uses seed + k.
    """
    if not 1 <= len(configs) <= MAX_CONFIGS:
        raise ValueError(f"give 1 to {MAX_CONFIGS} configurations")
    repeats = max(1, min(MAX_REPEATS, repeats))
    jobs = []
    for index, params in enumerate(configs, start=1):
        for rep in range(repeats):
            seed = (params.seed or 0) + rep if (params.seed is not None or repeats > 1) else None
            jobs.append((index, rep + 1, params.model_copy(update={"seed": seed})))

    def one(index: int, rep: int, params: GenerationParams) -> dict[str, Any]:
        request = ChatRequest.single(prompt, system_prompt=system_prompt, params=params, adapter=adapter)
        result = collect(engine.stream(request, cancel))
        s = result.stats
        row = {
            "config": index, "repeat": rep,
            **{f: getattr(params, f) for f in CONFIG_FIELDS},
            "answer": result.content, "reasoning": result.reasoning,
            "reasoning_tokens": s.reasoning_tokens, "answer_tokens": s.content_tokens,
            "reasoning_share": round(s.reasoning_share, 3) if s.reasoning_share is not None else None,
            "finish_reason": s.finish_reason, "truncated_in_reasoning": s.truncated_in_reasoning,
            "latency_ms": round(s.total_s * 1000, 1),
            "ttft_ms": round(s.ttft_s * 1000, 1) if s.ttft_s is not None else None,
            "distinct_2": distinct_2(result.content), "repetition_rate": repetition_rate(result.content),
            "planning_phrases": "; ".join(planning_phrases(result.content + " " + result.reasoning)),
            "params_not_applied": ", ".join(s.extras.get("not_applied", [])) or None,
            "cost_usd": s.extras.get("cost_usd"),
            "error": str(result.error) if result.error and result.error.kind != "cancelled" else None,
            **_read_back(engine, request, result),
        }
        return {**row, **_checked(expect, row)}

    yield from as_they_finish(one, jobs, cancel, workers)


def _read_back(engine: Engine, request: ChatRequest, result: Any) -> dict[str, Any]:
    """A finished answer of a local model read back by it (workbench.confidence): `sure_share`,
    its share of tokens the model gave even odds or better — sampling hotter strays from what the
    model itself expects, and this says how far — and `unsure_figures`. System A's from the
    probabilities its provider lent with the answer (engines.chances). Nothing for an engine that
    can do neither, an answer failed, or a reading that failed."""
    if result.error is not None or not result.content.strip():
        return {}
    if result.chances:  # lent while the model wrote
        chances = list(result.chances)
    elif not callable(read := getattr(engine, "answer_confidence", None)):
        return {}
    else:
        try:
            chances = read(request, result.reasoning, result.content)
        except EngineError:
            return {}
    if not chances:
        return {}
    kept = reading(chances, result.content)
    return {"sure_share": kept["sure_share"], "unsure_figures": unsure_cell({"confidence": kept})}


def _checked(expect: dict[str, Any] | None, row: dict[str, Any]) -> dict[str, Any]:
    """A run's (a row's) check results: how many passed, of how many, and the failed ones with
    what the answer did; None for each without checks or for a run that did not finish (not
    scored)."""
    if not expect or row.get("finish_reason") in ("cancelled", "error"):
        return check_columns(None)
    answer = row.get("answer") or ""
    result = {"response": answer, "refusal": is_refusal(answer), "answer_lang": part_language(answer),
              "reasoning_lang": part_language(row.get("reasoning") or ""), "latency_ms": row.get("latency_ms"),
              "metadata": {"finish_reason": row.get("finish_reason"),
                           "truncated_in_reasoning": bool(row.get("truncated_in_reasoning")),
                           "reasoning_tokens": row.get("reasoning_tokens") or 0,
                           "content_tokens": row.get("answer_tokens") or 0, "cost_usd": row.get("cost_usd")}}
    return check_columns(score(expect, result))


def rechecked_runs(rows: list[dict[str, Any]], expect: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Tuning runs (run_configs' rows) scored again under `expect` (parse_expect's; None: no
    checks), as new rows: their answers as they are, nothing run again, the checks they ran under
    (`expect`) replaced."""
    text = json.dumps(expect, ensure_ascii=False) if expect else ""
    return [{**row, "expect": text, **_checked(expect, row)} for row in rows]


def mark_determinism(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add `identical_across_repeats` per configuration: None with fewer than two finished repeats
    (a run cut short by Stop or an error is not compared: its text is partial)."""
    finished = [row for row in rows if row["finish_reason"] not in ("cancelled", "error")]
    outputs: dict[int, list[str]] = {}
    for row in finished:
        outputs.setdefault(row["config"], []).append(row["reasoning"] + "\x00" + row["answer"])
    for row in rows:
        row["identical_across_repeats"] = None
    for row in finished:
        texts = outputs[row["config"]]
        if len(texts) > 1:
            row["identical_across_repeats"] = len(set(texts)) == 1
    return rows


# ---------------------------------------------------------------- per-configuration summary

SUMMARY_MEANS = ["latency_ms", "reasoning_share", "reasoning_tokens", "answer_tokens", "distinct_2",
                 "repetition_rate", "sure_share"]


def varying_fields(rows: list[dict[str, Any]]) -> list[str]:
    """The parameters whose values differ between `rows` (between configurations when given
    their first repeats; the seed too when given the repeats)."""
    return [f for f in CONFIG_FIELDS if len({r.get(f) for r in rows}) > 1]


def priced(rows: list[dict[str, Any]]) -> bool:
    """Whether any run has a cost (the engine had prices when it ran)."""
    return any(r.get("cost_usd") is not None for r in rows)


def config_summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per configuration: the parameters that vary, how many runs finished, and the mean
    of each metric over its finished runs (a run cut short by Stop or an error is partial text:
    counted, not averaged)."""
    varying = varying_fields([r for r in rows if r["repeat"] == 1])
    out = []
    for config in sorted({r["config"] for r in rows}):
        mine = [r for r in rows if r["config"] == config]
        done = [r for r in mine if r["finish_reason"] not in ("cancelled", "error")]
        entry: dict[str, Any] = {"config": config, **{f: mine[0].get(f) for f in varying},
                                 "runs": len(mine), "finished": len(done),
                                 "cut off in reasoning": sum(bool(r.get("truncated_in_reasoning")) for r in done),
                                 "hit max_new_tokens": sum(r["finish_reason"] == "length" for r in done),
                                 "with planning phrases": sum(bool(r.get("planning_phrases")) for r in done)}
        if any(r.get("checks_total") for r in rows):
            entry["passed every check"] = sum(bool(r.get("checks_total")) and r["checks_passed"] == r["checks_total"]
                                              for r in done)
        for key in [*SUMMARY_MEANS, *(["cost_usd"] if priced(rows) else [])]:
            values = [r[key] for r in done if r.get(key) is not None]
            digits = 8 if key == "cost_usd" else 3  # an answer costs millionths of a dollar
            entry[f"mean {key}"] = round(sum(values) / len(values), digits) if values else None
        identical = {r.get("identical_across_repeats") for r in done} - {None}
        entry["identical across repeats"] = identical.pop() if len(identical) == 1 else None
        out.append(entry)
    return out


SAME_SPEED = 0.10  # two mean latencies closer than this share are about the same (one run to the next varies)


def _within(entry: dict[str, Any]) -> int:
    """How many of a configuration's finished runs ended within the budget (neither cut off in the
    reasoning nor stopped at max_new_tokens)."""
    return entry["finished"] - max(entry["cut off in reasoning"], entry["hit max_new_tokens"])


def _merits(entry: dict[str, Any], checked: bool) -> tuple[float, ...]:
    """What a configuration is chosen on, best first when sorted: its share of finished runs that
    passed every check (when checked), its share that ended within the budget (not cut off in the
    reasoning nor at max_new_tokens), then its mean latency."""
    done = entry["finished"]
    latency = entry.get("mean latency_ms")
    return (-(entry["passed every check"] / done) if checked else 0.0, -_within(entry) / done,
            latency if latency is not None else float("inf"))


def suggestion(rows: list[dict[str, Any]]) -> tuple[int, str] | None:
    """The configuration to use, and why in a sentence (Markdown): the one whose finished runs
    passed every check most often, then ended within the budget most often, then were quickest
    — and on what it came ahead of the next one. None with fewer than two configurations that
    finished a run."""
    entries = [e for e in config_summary(rows) if e["finished"]]
    if len(entries) < 2:
        return None
    checked = "passed every check" in entries[0]
    ranked = sorted(entries, key=lambda e: (_merits(e, checked), e["config"]))
    best, next_ = ranked[0], ranked[1]
    varying = varying_fields([r for r in rows if r["repeat"] == 1])
    params = ", ".join(f"{f} {best[f]}" for f in varying if f in best)
    done = best["finished"]
    facts = ([f"{best['passed every check']} of {done} runs passed every check"] if checked else []) + [
        f"{_within(best)} of {done} ended within the budget"]
    if (latency := best.get("mean latency_ms")) is not None:
        facts.append(f"mean latency {latency:,.0f} ms")
    mine, theirs = _merits(best, checked), _merits(next_, checked)
    on = next((i for i, (a, b) in enumerate(zip(mine, theirs, strict=True)) if a != b), None)
    other = next_["finished"]
    theirs_said = [f"its checks ({next_.get('passed every check')} of {other} passed)",
                   f"ending within the budget ({_within(next_)} of {other})", f"latency ({theirs[2]:,.0f} ms)"]
    if on is None:
        ahead = f"tied with configuration {next_['config']} on every measure: either will do"
    elif on == 2 and theirs[2] <= mine[2] * (1 + SAME_SPEED):  # a few ms apart: noise, not a reason
        ahead = (f"about as quick as configuration {next_['config']} ({theirs[2]:,.0f} ms), as good on the rest: "
                 "either will do")
    else:
        ahead = f"ahead of configuration {next_['config']} on {theirs_said[on]}"
    return best["config"], (f"**Suggested: configuration {best['config']}**" + (f" ({params})" if params else "")
                            + f" — {', '.join(facts)}; {ahead}.")


# ---------------------------------------------------------------- saved runs

# what a tuning run's CSV must hold to be opened again; a CSV saved before a parameter was added
# (min_p) lacks its column, and its configurations used that parameter's default
ADDED_LATER = {"min_p"}
SAVED_REQUIRED = ["config", "repeat", *(f for f in CONFIG_FIELDS if f not in ADDED_LATER), "answer", "finish_reason"]
_BOOLS = ["enable_thinking", "truncated_in_reasoning", "identical_across_repeats"]
_NUMBERS: dict[str, type] = {
    "config": int, "repeat": int, "seed": int, "reasoning_tokens": int, "answer_tokens": int,
    "latency_ms": float, "ttft_ms": float, "reasoning_share": float, "distinct_2": float, "repetition_rate": float,
    "cost_usd": float, "checks_passed": int, "checks_total": int, "sure_share": float,
    **{f: int if GenerationParams.model_fields[f].annotation is int else float for f in SWEEPABLE}}
_TEXTS = ["answer", "reasoning", "planning_phrases"]  # an empty cell is empty text, not a missing value


def read_tuning_run(path: Path | str) -> list[dict[str, Any]]:
    """The rows of a tuning run saved as CSV (this tab's download), typed as run_configs yields
    them. Raises ValueError saying what is wrong with a file that is not one."""
    rows = read_saved(path, SAVED_REQUIRED, "Generation tuning", "runs", _NUMBERS)
    out = []
    for line, raw in enumerate(rows, 2):  # line 1 is the header
        row = typed_row(raw, line, _BOOLS, _NUMBERS)
        if row["config"] is None or not 1 <= row["config"] <= MAX_CONFIGS:
            raise ValueError(f"row {line}: config is {raw['config']!r}, not 1 to {MAX_CONFIGS}")
        if row["repeat"] is None or not 1 <= row["repeat"] <= MAX_REPEATS:
            raise ValueError(f"row {line}: repeat is {raw['repeat']!r}, not 1 to {MAX_REPEATS}")
        out.append({**row, **{k: row.get(k) or "" for k in _TEXTS}})
    return out


def configs_of(rows: list[dict[str, Any]]) -> list[GenerationParams]:
    """The configurations a run used, in order, as they were asked: rerunning them with as many
    repeats gives the same seeds. Repeat k ran with the configuration's seed + k - 1, and a
    configuration without a seed ran its repeats from seed 0, so a derived base seed of 0 is
    dropped when there were repeats."""
    repeats = max(r["repeat"] for r in rows)
    firsts = {r["config"]: r for r in sorted(rows, key=lambda r: r["repeat"], reverse=True)}
    out = []
    for config in sorted(firsts):
        row = firsts[config]
        values = {f: row[f] for f in CONFIG_FIELDS if row.get(f) is not None}
        if "seed" in values:
            values["seed"] -= row["repeat"] - 1
            if repeats > 1 and values["seed"] == 0:
                values.pop("seed")
        out.append(GenerationParams(**values))
    return out
