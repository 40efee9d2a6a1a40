"""The FR/EN tab's token-budget sweep: what max_new_tokens lets the answers finish.

Reasoning spends the token budget first, so an answer sized for the answer alone is cut off.
The sweep turns one full-length run per question and thinking mode into the completion rate at
every budget: with a fixed seed (or greedy decoding) the tokens a model writes do not depend on
max_new_tokens, so an answer completes under budget B exactly when it needed at most B tokens
(its text plus the end-of-reply token).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engines.base import ChatRequest, Engine, GenerationParams, collect
from workbench.export import read_saved, typed_row, write_table
from workbench.fren import Probe
from workbench.jobs import as_they_finish

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


SWEEP_STEM = "budget-sweep"  # a sweep's downloads, and its saved copies beside the inspections
_SWEEP_NUMBERS = {"needed": int, "reasoning_tokens": int, "answer_tokens": int}
SWEEP_REQUIRED = ["probe", "type", "needed", "finish_reason"]  # besides its language and thinking mode


def sweep_rows(needs: list[dict[str, Any]], table: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A sweep's rows as the tab offers them and read_sweep reads them: its completion table (the
    caller's completion_table of `needs`), then a row per question (`needs`, as needed_tokens yields
    them, with the engine when known)."""
    return [*table, {"thinking": "(per question)"}, *needs]


def write_sweep(needs: list[dict[str, Any]], budgets: list[int], path: Path | str) -> None:
    """A sweep's rows (sweep_rows) as CSV, or as an Excel workbook when `path` ends in .xlsx."""
    write_table(sweep_rows(needs, completion_table(needs, budgets)), path, SWEEP_STEM)


def read_sweep(path: Path | str) -> tuple[list[dict[str, Any]], list[int]]:
    """The per-question rows of a budget sweep saved as CSV (this tab's download), typed as
    needed_tokens yields them, and the budgets its table reported. A sweep saved before thinking
    off could be measured (a `lang` column, no `thinking`) opens as thinking on. Raises
    ValueError saying what is wrong with a file that is not one."""
    rows = read_saved(path, SWEEP_REQUIRED, "FR/EN", "answers", _SWEEP_NUMBERS)
    header = rows[0]
    if "language" not in header and "lang" not in header:
        raise ValueError("it lacks the column language: open a CSV or Excel workbook downloaded from the FR/EN tab")
    budgets = sorted(int(c[1:]) for c in header if c.startswith("≤") and c[1:].isdigit())
    if not budgets:
        raise ValueError("it names no budget (its table's ≤N columns): open a sweep's file, not an inspection's")
    needs = []
    for line, row in enumerate(rows, 2):  # row 1 is the header
        if not row.get("probe"):
            continue  # the table above the per-question rows
        need = typed_row(row, line, (), _SWEEP_NUMBERS)
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
