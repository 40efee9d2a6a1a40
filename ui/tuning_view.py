"""Generation-tuning tab views: the configurations table read into parameters, the results and
per-configuration tables, one run in full, the metric chart and the saved runs' descriptions."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd
import plotly.graph_objects as go
from pydantic import ValidationError

from engines.base import GenerationParams, validation_problems
from engines.cost import usd
from ui.common import ANSWER_CELL, cell_text, in_language
from ui.compare_view import reasoning_md
from workbench.checks import checks_cell
from workbench.export import decimal_point
from workbench.language import part_language
from workbench.presets import apply_preset
from workbench.safety import safe_markdown
from workbench.saved import first_row
from workbench.tuning import CONFIG_FIELDS, MAX_CONFIGS, config_summary, priced, varying_fields

# after the configuration and repeat, the parameters that differ between runs, then these
RESULT_FIGURES = ["finish_reason", "truncated_in_reasoning", "reasoning_share", "reasoning_tokens", "answer_tokens",
                  "latency_ms", "answer", "sure_share", "unsure_figures", "distinct_2", "repetition_rate",
                  "planning_phrases", "identical_across_repeats", "params_not_applied", "error"]
RESULT_WIDTHS = {"config": "70px", "repeat": "70px", "answer": "340px", "planning_phrases": "180px",
                 "unsure_figures": "140px",
                 "params_not_applied": "160px", "error": "200px"}
METRICS = ["reasoning_share", "latency_ms", "answer_tokens", "reasoning_tokens", "sure_share", "distinct_2",
           "repetition_rate", "ttft_ms", "checks_passed"]


def config_row(params: GenerationParams) -> list[Any]:
    """A configuration as a row of the configurations table (an unset seed left blank)."""
    return [getattr(params, f) if f != "seed" or params.seed is not None else None for f in CONFIG_FIELDS]


def default_configs() -> pd.DataFrame:
    rows = [config_row(apply_preset("Qwen3 thinking")), config_row(apply_preset("Precise"))]
    return pd.DataFrame(rows, columns=CONFIG_FIELDS)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or \
        (isinstance(value, float) and math.isnan(value))


def _cell(key: str, value: Any) -> Any:
    """A table cell as the parameter's type; ValueError names what is wrong with it."""
    if key == "enable_thinking":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in ("true", "1", "yes", "on"):
            return True
        if word in ("false", "0", "no", "off"):
            return False
        raise ValueError(f"{key} is {value!r}: write true or false")
    whole = GenerationParams.model_fields[key].annotation in (int, int | None)
    if not whole and isinstance(value, str):
        value = decimal_point(value.strip())  # "0,7" as French writes it; a whole number's "1,000" stays refused
    try:
        number = float(value)  # takes numbers, numpy scalars and numeric text with spaces around
    except (TypeError, ValueError):
        raise ValueError(f"{key} is {value!r}, not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{key} is {value!r}, not a finite number")
    if whole:
        if not number.is_integer():
            raise ValueError(f"{key} is {value!r}: it takes a whole number")
        return int(number)
    return number


def configs_from_table(table: pd.DataFrame | None) -> list[GenerationParams]:
    """The configurations typed in the table (empty rows skipped); gr.Error names the row and the
    cell at fault, so a typo never reaches the engine or ends as an anonymous error."""
    if table is None or len(table) == 0:
        raise gr.Error("Add at least one configuration.")
    out = []
    for number, (_, row) in enumerate(table.iterrows(), start=1):
        values = {k: row[k] for k in CONFIG_FIELDS if k in row}
        if all(_blank(v) for v in values.values()):
            continue  # an empty row left in the editor
        try:
            out.append(GenerationParams(**{k: _cell(k, v) for k, v in values.items() if not _blank(v)}))
        except ValueError as exc:  # pydantic's ValidationError is a ValueError too
            problem = validation_problems(exc) if isinstance(exc, ValidationError) else str(exc)
            raise gr.Error(f"Configuration {number}: {problem}") from None
    if not out:
        raise gr.Error("Add at least one configuration.")
    if len(out) > MAX_CONFIGS:
        raise gr.Error(f"At most {MAX_CONFIGS} configurations; this table has {len(out)}.")
    return out


def _figure(value: Any) -> str:
    return "—" if value is None else str(value)


def run_details(row: dict[str, Any]) -> tuple[str, str, str]:
    """(head, reasoning, answer) of one run, in full: what its table row cuts short."""
    params = " · ".join(f"{f} {_figure(row.get(f))}" for f in CONFIG_FIELDS)
    facts = [f"finish: **{row['finish_reason']}**",
             f"tokens (reasoning / answer): {_figure(row.get('reasoning_tokens'))} / "
             f"{_figure(row.get('answer_tokens'))}",
             f"latency: {_figure(row.get('latency_ms'))} ms"]
    if row.get("cost_usd") is not None:
        facts.append(f"cost: {usd(row['cost_usd'])}")
    if row.get("truncated_in_reasoning"):
        facts.append("⚠️ the budget ran out inside the reasoning")
    elif row["finish_reason"] == "length":
        facts.append("⚠️ the answer was cut off at max_new_tokens")
    if row.get("checks_total"):
        facts.append(f"checks: {checks_cell(row)} passed"
                     + (f" — failed: {safe_markdown(row['checks_failed'])}" if row.get("checks_failed") else ""))
    if row.get("planning_phrases"):
        facts.append(f"planning phrases: {safe_markdown(row['planning_phrases'])}")
    if row.get("error"):
        facts.append(f"**Error:** {safe_markdown(row['error'])}")
    head = f"## Configuration {row['config']} · repeat {row['repeat']}\n\n{params}\n\n" + " · ".join(facts)
    reasoning, answer = row.get("reasoning") or "", row.get("answer") or ""
    return (head, in_language(reasoning_md(reasoning), part_language(reasoning)),
            in_language(safe_markdown(answer), part_language(answer)) or "_(empty answer)_")


def spaced(name: str) -> str:
    """A column or metric name as the tables and the chart show it ("max new tokens"): headers
    wrap at words, not inside one; the CSV keeps the names."""
    return name.replace("_", " ")


def metric_choices(costed: bool) -> list[tuple[str, str]]:
    """The chart's metrics, (shown, name), with the cost when the app has prices."""
    return [(spaced(m), m) for m in [*METRICS, *(["cost_usd"] if costed else [])]]


def results_frame(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The runs, one per row. Of the parameters, only those that differ between runs: the others
    are the same in every row (the configurations table and the CSV hold them all). Answers and
    errors are cut short (a row's details show them whole). Without a run, no table: an empty one
    is a row of headers squeezed into one another."""
    columns = ["config", "repeat", *varying_fields(rows), *RESULT_FIGURES]
    if priced(rows):
        columns.insert(columns.index("latency_ms") + 1, "cost_usd")
    if any(r.get("checks_total") for r in rows):
        columns.insert(columns.index("finish_reason"), "checks")
        rows = [{**r, "checks": checks_cell(r)} for r in rows]
    rows = [{**r, "answer": cell_text(r.get("answer"), ANSWER_CELL), "error": cell_text(r.get("error"), ANSWER_CELL)}
            for r in rows]  # in full in a row's details and the CSV
    headers = [spaced(c) for c in columns]
    return gr.update(value=pd.DataFrame(rows, columns=columns).set_axis(headers, axis=1),
                     column_widths=[RESULT_WIDTHS.get(c, "110px") for c in columns], visible=bool(rows))


def summary_frame(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The per-configuration table, shown once some configuration has more than one run (with
    one run each it would repeat the results table)."""
    repeated = any(r["repeat"] > 1 for r in rows)
    if not repeated:
        return gr.update(visible=False)
    frame = pd.DataFrame(config_summary(rows))
    return gr.update(value=frame.set_axis([spaced(c) for c in frame.columns], axis=1), visible=True)


def describe_run(path: Path) -> str:
    """A saved run's prompt (shortened) and engine, from its first row, for the list of runs."""
    row = first_row(path)
    prompt = " ".join((row.get("prompt") or "").split())
    if not prompt:
        return ""
    short = prompt if len(prompt) <= 48 else prompt[:47] + "…"
    return f"“{short}”" + (f" on {row['engine']}" if row.get("engine") else "")


def metric_figure(rows: list[dict[str, Any]], metric: str, param: str) -> go.Figure:
    fig = go.Figure()
    points = [(r[param], r[metric], r["config"]) for r in rows
              if r.get(metric) is not None and r.get(param) is not None]
    if points:
        # Each point names its configuration (the colour alone would need a legend)
        fig.add_trace(go.Scatter(x=[p[0] for p in points], y=[p[1] for p in points], mode="markers+text",
                                 marker={"size": 11, "color": [p[2] for p in points], "colorscale": "Viridis",
                                         # a grey edge: Viridis' first colour is near-black on a dark page
                                         "line": {"width": 1, "color": "#9ca3af"}},
                                 text=[f"#{p[2]}" for p in points], textposition="top center",
                                 hovertext=[f"config {p[2]}" for p in points], name=spaced(metric)))
    fig.update_layout(title=f"{spaced(metric)} against {spaced(param)}", xaxis_title=spaced(param),
                      yaxis_title=spaced(metric),
                      template="plotly_white", height=360, margin={"l": 50, "r": 20, "t": 50, "b": 40})
    return fig
