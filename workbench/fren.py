"""FR/EN behaviour: which language each part of an answer is in, and what reasoning costs.

Qwen3-based finance models reason in English inside <think> even for French questions, and the
reasoning spends the token budget first, so answers sized for the answer alone get cut off. An
inspection runs probe questions under several strategies and records, per answer: question,
reasoning and answer language, tokens, reasoning share, finish reason, whether it was cut off
inside the reasoning, and whether the answer (and what the user sees) matches the question's
language. The budget sweep (what max_new_tokens lets the answers finish) is
workbench.budget_sweep.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engines.adapters import NAME
from engines.base import ChatRequest, Engine, GenerationParams, collect
from workbench.export import read_saved, typed_row
from workbench.figures import among, figures
from workbench.jobs import as_they_finish
from workbench.language import detect_language, part_language

ROOT = Path(__file__).resolve().parent.parent
PROBES = ROOT / "assets" / "probes.jsonl"
FRENCH_SYSTEM_PROMPT = ("Tu es un assistant financier francophone. Réfléchis en français dans ton "
                        "raisonnement, puis réponds en français.")
FRENCH_PREFILL = "D'accord, l'utilisateur demande"
ADAPTER = "french-reasoning"
NOT_AVAILABLE = "not available for this engine"  # a local-only strategy asked of System A


@dataclass(frozen=True)
class Strategy:
    name: str
    description: str
    apply: Callable[[ChatRequest], ChatRequest]
    local_only: bool = False
    hides_reasoning: bool = False
    adapter: str | None = None  # the LoRA adapter System B's model answers with


STRATEGIES: dict[str, Strategy] = {s.name: s for s in [
    Strategy("baseline", "the question as asked", lambda r: r),
    Strategy("thinking off", "enable_thinking=false: no reasoning block",
             lambda r: r.model_copy(update={"params": r.params.model_copy(update={"enable_thinking": False})})),
    Strategy("French system prompt", "a system prompt asking to reason in French",
             lambda r: r.model_copy(update={"system_prompt": FRENCH_SYSTEM_PROMPT})),
    Strategy("French prefill", f"the reasoning block starts with {FRENCH_PREFILL!r}",
             lambda r: r.model_copy(update={"reasoning_prefill": FRENCH_PREFILL}), local_only=True),
    Strategy("french-reasoning adapter", "the LoRA adapter fine-tuned to reason in French",
             lambda r: r.model_copy(update={"adapter": ADAPTER}), local_only=True, adapter=ADAPTER),
    Strategy("strip reasoning", "baseline generation, reasoning hidden from the user",
             lambda r: r, hides_reasoning=True),
]}


ADAPTER_SUFFIX = " adapter"
BUILT_IN_ADAPTER = ADAPTER + ADAPTER_SUFFIX


def adapter_strategy(adapter: str) -> Strategy:
    """Answering with a LoRA adapter of System B's model: the bundled one, or any other loaded
    (at start or while the app runs), e.g. a new fine-tune meant to make the model reason in French."""
    if adapter == ADAPTER:
        return STRATEGIES[BUILT_IN_ADAPTER]
    return Strategy(adapter + ADAPTER_SUFFIX, f"the LoRA adapter {adapter}",
                    lambda r: r.model_copy(update={"adapter": adapter}), local_only=True, adapter=adapter)


def strategy_named(name: str) -> Strategy:
    """A strategy by name: a built-in one, or "NAME adapter" for an adapter NAME; KeyError else."""
    if name in STRATEGIES:
        return STRATEGIES[name]
    adapter = name.removesuffix(ADAPTER_SUFFIX)
    if adapter != name and NAME.fullmatch(adapter):
        return adapter_strategy(adapter)
    raise KeyError(name)


def strategy_names(adapters: Iterable[str] = ()) -> list[str]:
    """The built-in strategies, with one per other adapter after the bundled adapter's."""
    names = list(STRATEGIES)
    at = names.index(BUILT_IN_ADAPTER) + 1
    return names[:at] + [a + ADAPTER_SUFFIX for a in dict.fromkeys(adapters) if a != ADAPTER] + names[at:]


def strategies_in(names: Iterable[str]) -> list[str]:
    """The strategies among `names` (an inspection's rows'), in the order they are listed."""
    seen = set(names)
    extra = [adapter for n in sorted(seen - set(STRATEGIES))
             if (adapter := n.removesuffix(ADAPTER_SUFFIX)) != n and NAME.fullmatch(adapter)]
    return [n for n in strategy_names(extra) if n in seen]


@dataclass(frozen=True)
class Probe:
    id: str
    type: str
    lang: str
    question: str
    figures: tuple[float, ...] = ()  # a calculation's right figures: an answer stating one has it right


def load_probes(path: Path = PROBES) -> list[Probe]:
    """Each pair becomes two probes: the English and the French question."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            pair = json.loads(line)
            for lang in ("en", "fr"):
                out.append(Probe(f"{pair['id']}-{lang}", pair["type"], lang, pair[lang],
                                 tuple(pair.get("figures", ()))))
    return out


PROBE_TYPES = ["definition", "example", "calculation", "multipart"]


def pick_probes(probes: list[Probe], types: list[str], langs: list[str], pairs: int) -> list[Probe]:
    """The first `pairs` topics of each question type in `types` (a topic has an English and a
    French question), asked in the languages of `langs`."""
    picked: list[Probe] = []
    for qtype in types:
        topics = sorted({p.id.rsplit("-", 1)[0] for p in probes if p.type == qtype})[:pairs]
        picked += [p for p in probes if p.type == qtype and p.id.rsplit("-", 1)[0] in topics and p.lang in langs]
    return picked


_LANG_PREFIX = re.compile(r"^\s*(en|fr)\s*:\s*", re.IGNORECASE)


def custom_probes(text: str) -> list[Probe]:
    """The user's own questions, one per line. A line may start with "fr:" or "en:" to say which
    language it is in; otherwise the language is detected, and a question too short to tell
    ("EBITDA ?") is "und": its answers are not counted for or against matching its language."""
    out = []
    for line in (text or "").splitlines():
        match = _LANG_PREFIX.match(line)
        question = line[match.end():].strip() if match else line.strip()
        if question:
            lang = match[1].lower() if match else detect_language(question)
            out.append(Probe(f"custom-{len(out) + 1}", "custom", lang, question))
    return out


def inspect_one(engine: Engine, engine_label: str, probe: Probe, strategy: Strategy,
                params: GenerationParams, cancel: threading.Event | None = None) -> dict[str, Any]:
    base = ChatRequest.single(probe.question, params=params)
    row: dict[str, Any] = {"probe": probe.id, "type": probe.type, "engine": engine_label,
                           "strategy": strategy.name, "question": probe.question}
    question_lang = probe.lang
    if strategy.local_only and (not hasattr(engine, "scheduler") or
                                (strategy.adapter is not None and strategy.adapter not in engine.adapters)):
        return {**row, "question_lang": question_lang, "error": NOT_AVAILABLE}
    result = collect(engine.stream(strategy.apply(base), cancel))
    s = result.stats
    reasoning_lang, answer_lang = part_language(result.reasoning), part_language(result.content)
    right = None  # a calculation's answer (not its reasoning: what the user reads) states a right figure
    if probe.figures and not result.error:
        stated = figures(result.content)  # read once for every right figure the probe has
        right = any(among(stated, f) for f in probe.figures)
    visible_langs = {answer_lang} if strategy.hides_reasoning or reasoning_lang == "none" else \
        {answer_lang, reasoning_lang}
    known = question_lang in ("en", "fr")  # an "und" question has no language to match
    return {
        **row, "question_lang": question_lang, "reasoning_lang": reasoning_lang, "answer_lang": answer_lang,
        "reasoning_tokens": s.reasoning_tokens, "answer_tokens": s.content_tokens,
        "reasoning_share": round(s.reasoning_share, 3) if s.reasoning_share is not None else None,
        "finish_reason": s.finish_reason, "truncated_in_reasoning": s.truncated_in_reasoning,
        "answer_matches_question": answer_lang == question_lang if known else None,
        "reasoning_matches_question": reasoning_lang == question_lang if known and reasoning_lang != "none"
        else None,
        "user_sees_one_language": visible_langs == {question_lang} if known else None,
        "reasoning_shown": not strategy.hides_reasoning,
        "right_figure": right,
        "reasoning": result.reasoning, "answer": result.content,
        "cost_usd": s.extras.get("cost_usd"),
        "error": str(result.error) if result.error else None,
    }


def run_inspection(engines: dict[str, Engine], probes: list[Probe], strategies: list[str],
                   params: GenerationParams, cancel: threading.Event | None = None,
                   workers: int = 8) -> Iterator[dict[str, Any]]:
    """Every probe × strategy × engine; yields rows as they finish (concurrently: batched).

    After a Stop, nothing new starts, and the answers it cut short are left out: a partial
    answer would count as "not completed" and its language as measured.
    """
    jobs = [(eng, label, probe, strategy_named(name), params, cancel) for label, eng in engines.items()
            for name in strategies for probe in probes]
    for row in as_they_finish(inspect_one, jobs, cancel, workers):
        if row.get("finish_reason") != "cancelled":
            yield row


def failures(rows: list[dict[str, Any]]) -> str:
    """One line on the answers that failed (an engine error, not a strategy that does not apply),
    per engine with its first error; empty when none did."""
    failed: dict[str, list[str]] = {}
    for r in rows:
        if r.get("error") and r["error"] != NOT_AVAILABLE:
            failed.setdefault(r["engine"], []).append(r["error"])
    if not failed:
        return ""
    total = sum(len(errors) for errors in failed.values())
    per = "; ".join(f"{engine}: {len(errors)}, e.g. {errors[0]}" for engine, errors in sorted(failed.items()))
    return f"{total} answer{'s' if total > 1 else ''} failed and {'are' if total > 1 else 'is'} left out ({per})"


def sorted_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Answers in the order the strategies are listed, then by probe and engine; rows that could
    not run (a strategy not available for an engine) last."""
    order = strategies_in(r["strategy"] for r in rows)
    return sorted(rows, key=lambda r: (bool(r.get("error")), order.index(r["strategy"]), r["probe"], r["engine"]))


MATRIX_METRICS = ["answer in question's language", "reasoning in question's language",
                  "user sees one language", "mean reasoning share", "cut off in reasoning",
                  "completed", "right figure"]
COST_METRIC = "cost per 1,000 answers"  # in the matrix when its answers have costs


def matrix(rows: list[dict[str, Any]], lang: str | None = "fr") -> list[dict[str, Any]]:
    """Strategy × engine × metric rates (over questions in `lang`, or all when None): one row per
    strategy and engine, so that two engines' behaviour under a strategy is read side by side."""
    out = []
    engines = sorted({r["engine"] for r in rows})  # System A before System B
    for name in strategies_in(r["strategy"] for r in rows):
        for engine in engines:
            mine = [r for r in rows if r["strategy"] == name and r["engine"] == engine and not r.get("error")
                    and (lang is None or r["question_lang"] == lang)]
            if mine:
                out.append({"strategy": name, "engine": engine, **_rates(mine)})
    return out


def shown_matrix(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str | None]:
    """The matrix an inspection is read by, and the language of its questions: the French
    questions' (what the strategies are for), or every question's when no French one was answered."""
    if table := matrix(rows, "fr"):
        return table, "fr"
    return matrix(rows, None), None


def _rates(mine: list[dict[str, Any]]) -> dict[str, Any]:
    def rate(key: str) -> float | None:
        vals = [bool(r[key]) for r in mine if r.get(key) is not None]
        return round(sum(vals) / len(vals), 3) if vals else None

    shares = [r["reasoning_share"] for r in mine if r["reasoning_share"] is not None]
    costs = [r["cost_usd"] for r in mine if r.get("cost_usd") is not None]
    return {"answers": len(mine),
            "answer in question's language": rate("answer_matches_question"),
            "reasoning in question's language": rate("reasoning_matches_question"),
            "user sees one language": rate("user_sees_one_language"),
            "mean reasoning share": round(sum(shares) / len(shares), 3) if shares else None,
            "cut off in reasoning": rate("truncated_in_reasoning"),
            "completed": round(sum(r["finish_reason"] == "stop" for r in mine) / len(mine), 3),
            "right figure": rate("right_figure"),  # of the calculations
            **({COST_METRIC: round(sum(costs) / len(costs) * 1000, 6)} if costs else {})}


# ---------------------------------------------------------------- saved inspections

SAVED_FOLDER = "fren"  # in the results folder: the inspections and budget sweeps the tab lists

# what an inspection's CSV must hold to be opened again (rows of a strategy an engine cannot run
# have no figures, so the figure columns are typed when present, not required)
SAVED_REQUIRED = ["probe", "type", "engine", "strategy", "question", "question_lang", "answer_lang",
                  "finish_reason", "error"]
_BOOLS = ["truncated_in_reasoning", "answer_matches_question", "reasoning_matches_question",
          "user_sees_one_language", "reasoning_shown", "right_figure"]
_NUMBERS = {"reasoning_tokens": int, "answer_tokens": int, "reasoning_share": float, "cost_usd": float}


def read_inspection(path: Path | str) -> list[dict[str, Any]]:
    """The rows of an inspection saved as CSV (this tab's download), typed as run_inspection
    yields them. Raises ValueError saying what is wrong with a file that is not one."""
    rows = read_saved(path, SAVED_REQUIRED, "FR/EN", "answers", _NUMBERS)
    unknown = sorted({r["strategy"] for r in rows} - set(strategies_in(r["strategy"] for r in rows)))
    if unknown:
        raise ValueError(f"unknown strateg{'ies' if len(unknown) > 1 else 'y'} {', '.join(map(repr, unknown))}; "
                         f"known: {', '.join(STRATEGIES)}, or NAME adapter for a LoRA adapter NAME")
    typed = [typed_row(r, n, _BOOLS, _NUMBERS) for n, r in enumerate(rows, 2)]  # row 1 is the header
    for n, row in enumerate(typed, 2):  # what names an answer (and orders the tables)
        if empty := [key for key in ("probe", "engine", "strategy", "question") if not row.get(key)]:
            raise ValueError(f"row {n}: {' and '.join(empty)} {'is' if len(empty) == 1 else 'are'} empty")
    return typed


# ---------------------------------------------------------------- transcript


# the label each part's detected language gets; its colour is the stylesheet's (`.fren-lang-*` in
# assets/style.css: tints over the page's own background, so the text reads in light and dark schemes)
LANG_TAGS = {"en": "EN", "fr": "FR", "mixed": "EN+FR", "und": "?", "none": "—"}


def _spoken_in(lang: str | None) -> str:
    """The `lang` attribute of a part in a language that is known (a screen reader reads it with
    that language's voice: WCAG's "language of parts"); none for a mixed or unknown one."""
    return f' lang="{lang}"' if lang in ("en", "fr") else ""


def transcript_html(rows: list[dict[str, Any]], limit: int = 24) -> str:
    """Reasoning and answer of each row, coloured by detected language (text is escaped), each
    question, reasoning and answer marked with its language for screen readers."""
    parts = ['<div class="fren-transcript">']
    for r in rows[:limit]:
        if r.get("error") and not r.get("answer"):
            continue
        parts.append(f'<div class="fren-item"><b>{html.escape(r["probe"])}</b> · '
                     f'{html.escape(r["strategy"])} · {html.escape(r["engine"])}<br>'
                     f'<i{_spoken_in(r.get("question_lang"))}>{html.escape(r["question"])}</i>')
        for part, lang_key in (("reasoning", "reasoning_lang"), ("answer", "answer_lang")):
            text = r.get(part) or ""
            if not text:
                continue
            lang = r.get(lang_key) if r.get(lang_key) in LANG_TAGS else "und"
            hidden = part == "reasoning" and not r.get("reasoning_shown", True)
            parts.append(f'<div class="fren-{part} fren-lang-{lang}{" fren-hidden" if hidden else ""}" '
                         f'data-lang="{lang}"><small><b>{part} [{LANG_TAGS[lang]}]'
                         f'{" (hidden from the user)" if hidden else ""}</b></small><br>'
                         f"<span{_spoken_in(lang)}>{html.escape(text)}</span></div>")
        parts.append("</div>")
    if len(rows) > limit:
        parts.append(f'<p class="fren-more">The first {limit} of {len(rows)} answers.</p>')
    parts.append("</div>")
    return "".join(parts)
