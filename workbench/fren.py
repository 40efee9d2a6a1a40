"""FR/EN behaviour: which language each part of an answer is in, and what reasoning costs.

Qwen3-based finance models reason in English inside <think> even for French questions, and the
reasoning spends the token budget first, so answers sized for the answer alone get cut off. An
inspection runs probe questions under several strategies and records, per answer: question,
reasoning and answer language, tokens, reasoning share, finish reason, whether it was cut off
inside the reasoning, and whether the answer (and what the user sees) matches the question's
language. The budget sweep turns one full-length run per question into the completion rate at
every budget: with a fixed seed (or greedy decoding) the tokens a model writes do not depend on
max_new_tokens, so an answer completes under budget B exactly when it needed at most B tokens
(its text plus the end-of-reply token).
"""

from __future__ import annotations

import html
import json
import math
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engines.base import ChatRequest, Engine, GenerationParams, collect
from workbench.export import read_saved, typed_row, write_csv
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


STRATEGIES: dict[str, Strategy] = {s.name: s for s in [
    Strategy("baseline", "the question as asked", lambda r: r),
    Strategy("thinking off", "enable_thinking=false: no reasoning block",
             lambda r: r.model_copy(update={"params": r.params.model_copy(update={"enable_thinking": False})})),
    Strategy("French system prompt", "a system prompt asking to reason in French",
             lambda r: r.model_copy(update={"system_prompt": FRENCH_SYSTEM_PROMPT})),
    Strategy("French prefill", f"the reasoning block starts with {FRENCH_PREFILL!r}",
             lambda r: r.model_copy(update={"reasoning_prefill": FRENCH_PREFILL}), local_only=True),
    Strategy("french-reasoning adapter", "the LoRA adapter fine-tuned to reason in French",
             lambda r: r.model_copy(update={"adapter": ADAPTER}), local_only=True),
    Strategy("strip reasoning", "baseline generation, reasoning hidden from the user",
             lambda r: r, hides_reasoning=True),
]}


@dataclass(frozen=True)
class Probe:
    id: str
    type: str
    lang: str
    question: str


def load_probes(path: Path = PROBES) -> list[Probe]:
    """Each pair becomes two probes: the English and the French question."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            pair = json.loads(line)
            for lang in ("en", "fr"):
                out.append(Probe(f"{pair['id']}-{lang}", pair["type"], lang, pair[lang]))
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
                                (strategy.name.endswith("adapter") and ADAPTER not in engine.adapters)):
        return {**row, "question_lang": question_lang, "error": NOT_AVAILABLE}
    result = collect(engine.stream(strategy.apply(base), cancel))
    s = result.stats
    reasoning_lang, answer_lang = part_language(result.reasoning), part_language(result.content)
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
    jobs = [(eng, label, probe, STRATEGIES[name], params, cancel) for label, eng in engines.items()
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
    order = list(STRATEGIES)
    return sorted(rows, key=lambda r: (bool(r.get("error")), order.index(r["strategy"]), r["probe"], r["engine"]))


MATRIX_METRICS = ["answer in question's language", "reasoning in question's language",
                  "user sees one language", "mean reasoning share", "cut off in reasoning",
                  "completed"]
COST_METRIC = "cost per 1,000 answers"  # in the matrix when its answers have costs


def matrix(rows: list[dict[str, Any]], lang: str | None = "fr") -> list[dict[str, Any]]:
    """Strategy × engine × metric rates (over questions in `lang`, or all when None): one row per
    strategy and engine, so that two engines' behaviour under a strategy is read side by side."""
    out = []
    engines = sorted({r["engine"] for r in rows})  # System A before System B
    for name in STRATEGIES:
        for engine in engines:
            mine = [r for r in rows if r["strategy"] == name and r["engine"] == engine and not r.get("error")
                    and (lang is None or r["question_lang"] == lang)]
            if mine:
                out.append({"strategy": name, "engine": engine, **_rates(mine)})
    return out


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
            **({COST_METRIC: round(sum(costs) / len(costs) * 1000, 6)} if costs else {})}


# ---------------------------------------------------------------- saved inspections

# what an inspection's CSV must hold to be opened again (rows of a strategy an engine cannot run
# have no figures, so the figure columns are typed when present, not required)
SAVED_REQUIRED = ["probe", "type", "engine", "strategy", "question", "question_lang", "answer_lang",
                  "finish_reason", "error"]
_BOOLS = ["truncated_in_reasoning", "answer_matches_question", "reasoning_matches_question",
          "user_sees_one_language", "reasoning_shown"]
_NUMBERS = {"reasoning_tokens": int, "answer_tokens": int, "reasoning_share": float, "cost_usd": float}


def read_inspection(path: Path | str) -> list[dict[str, Any]]:
    """The rows of an inspection saved as CSV (this tab's download), typed as run_inspection
    yields them. Raises ValueError saying what is wrong with a file that is not one."""
    rows = read_saved(path, SAVED_REQUIRED, "FR/EN", "answers")
    unknown = sorted({r["strategy"] for r in rows} - set(STRATEGIES))
    if unknown:
        raise ValueError(f"unknown strateg{'ies' if len(unknown) > 1 else 'y'} {', '.join(map(repr, unknown))}; "
                         f"known: {', '.join(STRATEGIES)}")
    return [typed_row(r, n, _BOOLS, _NUMBERS) for n, r in enumerate(rows, 2)]  # row 1 is the header


# ---------------------------------------------------------------- budget sweep

THINKING_MODES = {"on": True, "off": False}  # the sweep's thinking modes, as its rows name them


def needed_tokens(engine: Engine, probes: list[Probe], params: GenerationParams,
                  cancel: threading.Event | None = None, workers: int = 8,
                  thinking: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """One full-length run per probe and thinking mode ("on", "off"; default: as `params` say),
    yielded as each ends: how many tokens it needs to finish (`needed` None when it did not
    finish within `params.max_new_tokens`).

    An answer that failed (`error` set) measures nothing and completion_table leaves it out;
    after a Stop nothing new starts and the runs it cut short are dropped.
    """
    modes = thinking or ["on" if params.enable_thinking else "off"]
    fixed = params.model_copy(update={"seed": params.seed if params.seed is not None else 0})

    def one(probe: Probe, mode: str) -> dict[str, Any]:
        mine = fixed.model_copy(update={"enable_thinking": THINKING_MODES[mode]})
        res = collect(engine.stream(ChatRequest.single(probe.question, params=mine), cancel))
        s = res.stats
        return {"probe": probe.id, "type": probe.type, "language": probe.lang, "thinking": mode,
                # the end-of-reply token is generated too, and counts against max_new_tokens
                "needed": s.output_tokens + 1 if s.finish_reason == "stop" else None,
                "reasoning_tokens": s.reasoning_tokens, "answer_tokens": s.content_tokens,
                "finish_reason": s.finish_reason,
                "error": str(res.error) if res.error and s.finish_reason == "error" else None}

    for row in as_they_finish(one, [(p, mode) for mode in modes for p in probes], cancel, workers):
        if row["finish_reason"] != "cancelled":
            yield row


def completion_table(needs: list[dict[str, Any]], budgets: list[int],
                     by: tuple[str, ...] = ("thinking", "type", "language")) -> list[dict[str, Any]]:
    """Completion rate at each budget per group of answers (by default per thinking mode,
    question type and language: a French question may need more tokens than its English twin),
    the smallest budget of those tried reaching 95%, the exact budget that does, and how much of
    a finished answer was reasoning. Answers that failed are left out: they say nothing about the
    budget."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for n in needs:
        if not n.get("error"):
            groups.setdefault(tuple(n.get(k) for k in by), []).append(n)

    def order(group: tuple) -> list[Any]:  # thinking on first, the rest alphabetically
        return [list(THINKING_MODES).index(v) if k == "thinking" else str(v) for k, v in zip(by, group, strict=True)]

    out = []
    for group in sorted(groups, key=order):
        mine = groups[group]
        finished = [n for n in mine if n["needed"] is not None]
        complete = sorted(n["needed"] for n in finished)
        k = math.ceil(0.95 * len(mine))  # answers that must complete
        spent = sum(n["reasoning_tokens"] + n["answer_tokens"] for n in finished)
        # the figures read first before the rates at each budget, which may run off the screen
        row: dict[str, Any] = {**dict(zip(by, group, strict=True)), "questions": len(mine),
                               "exact budget for 95%": complete[k - 1] if len(complete) >= k else None,
                               "reasoning share": round(sum(n["reasoning_tokens"] for n in finished) / spent, 3)
                               if spent else None}
        smallest = None
        for budget in sorted(budgets):
            rate = sum(n["needed"] is not None and n["needed"] <= budget for n in mine) / len(mine)
            row[f"≤{budget}"] = round(rate, 3)
            if smallest is None and rate >= 0.95:
                smallest = budget
        row["smallest budget ≥95% (of those tried)"] = smallest
        out.append(row)
    return out


def budget_for_all(table: list[dict[str, Any]], thinking: str = "on", lang: str | None = None) -> int | None:
    """The smallest max_new_tokens that lets 95% of every group of `table` with this thinking
    mode (and question language, when given) finish: the largest of their exact budgets. None
    when some group did not reach 95% within the sweep, or the table has none of them."""
    exact = [row["exact budget for 95%"] for row in table if row.get("thinking", "on") == thinking
             and (lang is None or row.get("language") == lang)]
    return max(exact) if exact and None not in exact else None


def budgets_found(table: list[dict[str, Any]]) -> dict[str, int | None]:
    """budget_for_all per thinking mode the table holds (thinking on first)."""
    return {m: budget_for_all(table, m) for m in THINKING_MODES
            if any(row.get("thinking", "on") == m for row in table)}


def budget_line(table: list[dict[str, Any]]) -> str:
    """What the sweep found, in a sentence or two: per thinking mode measured, the budget that
    lets 95% of the questions of each type and language finish (and how many times larger
    thinking makes it), then per language when French and English questions need different ones."""
    found = budgets_found(table)
    said, unit = [], " new tokens"  # the unit after the first figure only
    for m in found:
        if found[m] is None:
            said.append(f"more than the sweep measured with thinking {m}")
        else:
            said.append(f"{found[m]}{unit} with thinking {m}")
            unit = ""
    line = f"Budget that lets 95% of the questions of each type and language finish: {', '.join(said)}"
    if found.get("on") and found.get("off"):
        line += f" (thinking makes it {found['on'] / found['off']:.1f}× larger)"
    line += "."
    for m in found:
        fr, en = budget_for_all(table, m, "fr"), budget_for_all(table, m, "en")
        if fr is not None and en is not None and fr != en:
            line += f" With thinking {m}, French questions need {fr}, English ones {en}."
    return line


SAVED_FOLDER = "fren"  # in the results folder: the inspections and sweeps the tab lists
SWEEP_STEM = "budget-sweep"  # a sweep's downloads, and its saved copies beside the inspections
SWEEP_REQUIRED = ["probe", "type", "needed", "finish_reason"]  # besides its language and thinking mode


def write_sweep(needs: list[dict[str, Any]], budgets: list[int], path: Path | str) -> list[dict[str, Any]]:
    """A sweep as CSV, as the tab offers it and read_sweep reads it: the completion table, then
    a row per question (`needs`, as needed_tokens yields them, with the engine when known).
    Returns the table."""
    table = completion_table(needs, budgets)
    write_csv([*table, {"thinking": "(per question)"}, *needs], path, bom=True)
    return table


def read_sweep(path: Path | str) -> tuple[list[dict[str, Any]], list[int]]:
    """The per-question rows of a budget sweep saved as CSV (this tab's download), typed as
    needed_tokens yields them, and the budgets its table reported. A sweep saved before thinking
    off could be measured (a `lang` column, no `thinking`) opens as thinking on. Raises
    ValueError saying what is wrong with a file that is not one."""
    rows = read_saved(path, SWEEP_REQUIRED, "FR/EN", "answers")
    header = rows[0]
    if "language" not in header and "lang" not in header:
        raise ValueError("it lacks the column language: open a CSV downloaded from the FR/EN tab")
    budgets = sorted(int(c[1:]) for c in header if c.startswith("≤") and c[1:].isdigit())
    if not budgets:
        raise ValueError("it names no budget (its table's ≤N columns): open a sweep's CSV, not an inspection's")
    needs = []
    for line, row in enumerate(rows, 2):  # row 1 is the header
        if not row.get("probe"):
            continue  # the table above the per-question rows
        need = typed_row(row, line, (), {"needed": int, "reasoning_tokens": int, "answer_tokens": int})
        need["language"] = need.get("language") or need.pop("lang", None)
        need["thinking"] = need.get("thinking") or "on"
        if need["thinking"] not in THINKING_MODES:
            raise ValueError(f"row {line}: thinking is {need['thinking']!r}, not on or off")
        need["reasoning_tokens"] = need.get("reasoning_tokens") or 0
        need["answer_tokens"] = need.get("answer_tokens") or 0
        needs.append(need)
    if not needs:
        raise ValueError("the file has no answers")
    return needs, budgets


# ---------------------------------------------------------------- transcript


LANG_STYLE = {"en": ("#dbeafe", "EN"), "fr": ("#dcfce7", "FR"), "mixed": ("#fef3c7", "EN+FR"),
              "und": ("#f3f4f6", "?"), "none": ("#f3f4f6", "—")}


def transcript_html(rows: list[dict[str, Any]], limit: int = 24) -> str:
    """Reasoning and answer of each row, coloured by detected language (text is escaped)."""
    parts = ['<div class="fren-transcript">']
    for r in rows[:limit]:
        if r.get("error") and not r.get("answer"):
            continue
        parts.append(f'<div class="fren-item"><b>{html.escape(r["probe"])}</b> · '
                     f'{html.escape(r["strategy"])} · {html.escape(r["engine"])}<br>'
                     f'<i>{html.escape(r["question"])}</i>')
        for part, lang_key in (("reasoning", "reasoning_lang"), ("answer", "answer_lang")):
            text = r.get(part) or ""
            if not text:
                continue
            color, tag = LANG_STYLE.get(r.get(lang_key) or "und", LANG_STYLE["und"])
            hidden = part == "reasoning" and not r.get("reasoning_shown", True)
            parts.append(f'<div class="fren-{part}" data-lang="{html.escape(r.get(lang_key) or "und")}" '
                         f'style="background:{color};padding:4px 8px;margin:4px 0;border-radius:6px;'
                         f'{"opacity:0.55;" if hidden else ""}"><small><b>{part} [{tag}]'
                         f'{" (hidden from the user)" if hidden else ""}</b></small><br>'
                         f"{html.escape(text)}</div>")
        parts.append("</div>")
    if len(rows) > limit:
        parts.append(f'<p class="fren-more">The first {limit} of {len(rows)} answers.</p>')
    parts.append("</div>")
    return "".join(parts)
