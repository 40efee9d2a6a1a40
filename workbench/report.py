"""A batch run in words: the lines the Batch tab shows under a run's table (routes, refusals,
checks: `findings`) and under its verdict buttons (`run_tally`), and the whole run written up as
one Markdown file for someone who will not open the app (a manager, a model-risk reviewer) —
what was asked and with which settings, the summary per system, the figures per category, those
lines, then the experiments where the answers disagree, each with how they differ. Any Markdown
viewer (GitHub, an IDE, a wiki) shows it as tables; `report_html` gives the same as one web page
for those who open files in a browser (or print them to PDF), with the run's charts."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

import plotly.graph_objects as go
from markdown_it import MarkdownIt

from workbench.agreement import disagreement_line, figures_line, references_line, risk_agreement, risk_line
from workbench.breakdown import breakdown, breakdown_columns
from workbench.charts import run_figures
from workbench.compare import SYSTEMS, both_answered, still_to_run
from workbench.confidence import unsure_lines
from workbench.differences import differences, disagreements
from workbench.judge_tally import judge_lines
from workbench.notation import FORMULA
from workbench.risk import LEVELS
from workbench.safety import safe_markdown
from workbench.summary import (
    SUMMARY_HEADERS,
    flat_rows,
    paired_checks_line,
    percent_rows,
    refusal_split,
    routing_line,
    summarize,
    summary_table,
)
from workbench.verdict_stats import agreement_line, breakdown_lines, preference_line
from workbench.verdicts import tally_line

SHOWN_DISAGREEMENTS = 50  # experiments listed under "Where the answers disagree"


def checks_by_category(summ: dict[str, Any]) -> str:
    """"demo-calculation: A 100%, B 83% · router-dev: B 99%" (the categories whose answers were
    checked; empty when none was)."""
    rates = {label: figures.get("checks_pass_rate_by_category") or {}
             for label, figures in summ["systems"].items()}
    categories = sorted({c for per in rates.values() for c in per})
    return " · ".join(f"{c}: " + ", ".join(f"{label} {per[c]:.0%}" for label, per in rates.items() if c in per)
                      for c in categories)


def findings(records: list[dict[str, Any]], summ: dict[str, Any] | None = None) -> str:
    """What the Batch tab says under a run's table (Markdown): System B's routes, the router
    against the expected routes, how often the two systems agree on refusing (and how they differ),
    where the answers disagree, and the checks by category and on the same experiments. `summ`:
    the records' summary, when it is at hand."""
    summ = summ or summarize(records)
    routes = ", ".join(f"{k}: {v}" for k, v in sorted(summ["route_distribution"].items())) or "—"
    agree = summ["refusal_agreement"]
    text = f"**Routes (System B):** {routes}"
    if routing := routing_line(summ["routing"]):
        text += f"\n\n**Router against the expected route:** {routing}"
    if agree is not None:
        text += f"\n\n**A-vs-B refusal agreement:** {agree:.0%} of {summ['compared_pairs']} pairs"
        if split := refusal_split(records):
            text += f"; where they differ, {split}"
    if disagree := disagreement_line(records):
        text += f"\n\n**Where the answers disagree:** {disagree}"
    if figures := figures_line(records):
        text += f"\n\n**The answers' figures:** {figures}"
    if references := references_line(records):
        text += f"\n\n**The rules and classes they cite by number:** {references}"
    if risk := risk_line(records):
        text += f"\n\n**The risk levels they give:** {risk}"
    for title, unsure in unsure_lines(records):
        text += f"\n\n**{title}:** {unsure}"
    if by_category := checks_by_category(summ):
        text += f"\n\n**Passed every check, by category:** {by_category}"
    if paired := paired_checks_line(records):
        text += f"\n\n**Checks, A and B on the same experiments:** {paired}"
    return text


def run_tally(run: str, records: list[dict[str, Any]], judged: list[dict[str, Any]], models: str = "") -> str:
    """How far the judging of a run has got (Markdown): its verdicts (latest_verdicts of it, every
    judge's) against the experiments both systems answered, then `models`, what judge models said
    of it (workbench.judge_tally.judge_lines)."""
    if not run or not records:
        return ""
    answered = sum(both_answered(r) for r in records)
    if not judged:
        return "\n\n".join(line for line in (
            f"**Verdicts on run `{run}`:** none yet, of {answered} experiments both systems answered — "
            "select a row, or *Judge the next one*.", models) if line)
    lines = [f"**Verdicts on run `{run}`:** {tally_line(judged)}, of {answered} both systems answered.",
             preference_line(judged), agreement_line(judged), *breakdown_lines(judged), models]
    return "\n\n".join(line for line in lines if line)


def _cell(value: Any) -> str:
    """A table cell: text on one line, its pipes escaped; an empty cell for nothing."""
    if value is None:
        return ""
    return " ".join(safe_markdown(str(value)).split()).replace("|", "\\|")


def markdown_table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown (GFM) table."""
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _models(records: list[dict[str, Any]], key: str) -> str:
    """The models a system's answers came from, as the records say."""
    seen = sorted({str(res["metadata"].get("model_id")) for rec in records
                   if (res := rec.get(SYSTEMS[key])) and res.get("metadata", {}).get("model_id")})
    return ", ".join(f"`{m}`" for m in seen) or "—"


def _system_prompts(records: list[dict[str, Any]]) -> list[str]:
    """The report's line on the system prompt both systems were given: the one of every
    experiment, quoted, or how many experiments had one (they had their own); none without."""
    prompts = [rec.get("system_prompt") or None for rec in records]
    given = {p for p in prompts if p}
    if not given:
        return []
    if len(given) == 1 and all(prompts):
        return [f"- **System prompt (both systems):** “{safe_markdown(' '.join(next(iter(given)).split()))}”"]
    return [f"- **System prompts (both systems):** {len(given)} different ones, on {sum(map(bool, prompts))} of "
            f"{len(records)} experiments (in the CSV's system_prompt column)"]


def run_report(name: str, records: list[dict[str, Any]], analysts: list[dict[str, Any]] | None = None,
               models: list[dict[str, Any]] | None = None, written: datetime | None = None) -> str:
    """Run `name` (its `records`) in Markdown, with the verdicts given on it: the analysts'
    (latest_verdicts of the run) and the judge models' (model_verdicts of the run); a run
    never judged (None for both) has no verdicts section."""
    written = written or datetime.now(timezone.utc)
    summ = summarize(records)  # for the summary table and the findings both
    answered = {key: sum(not still_to_run(rec, (key,)) for rec in records) for key in SYSTEMS}
    params = next((rec["params"] for rec in records if rec.get("params")), None)
    parts = [f"# Batch run `{name}`",
             f"*Finance LLM Workbench report, written {written:%Y-%m-%d %H:%M} UTC.*",
             "\n".join([
                 f"- **Experiments:** {len(records)} (System A answered {answered['A']}, System B answered "
                 f"{answered['B']})",
                 f"- **System A:** {_models(records, 'A')} · **System B:** {_models(records, 'B')}",
                 "- **Generation parameters (both systems):** "
                 + (f"`{json.dumps(params, ensure_ascii=False)}`" if params else "not recorded"),
                 *_system_prompts(records)]),
             "## Summary per system",
             markdown_table(SUMMARY_HEADERS, summary_table(summ, against=True))]
    if any(rec.get("category") for rec in records):
        columns = breakdown_columns("category")
        rows = percent_rows(breakdown(records, "category"))
        parts += ["## By category", markdown_table(columns, [[row.get(c) for c in columns] for row in rows])]
    parts += ["## Routes, refusals and checks", findings(records, summ)]
    if (risk := risk_agreement(records))["experiments"]:
        table = risk["levels"]
        given = [level for level in LEVELS  # the levels either system gave, in order
                 if any(table[level].values()) or any(row[level] for row in table.values())]
        parts += ["## Risk levels, A against B",
                  f"The level each answer gives a transaction, where both give one ({risk['experiments']} "
                  f"experiment{'s' if risk['experiments'] != 1 else ''}): a row per System A's level, a column "
                  "per System B's; off the diagonal, they disagree.",
                  markdown_table(["", *(f"B {b}" for b in given)],
                                 [[f"A {a}", *(table[a][b] for b in given)] for a in given])]
    if analysts is not None or models is not None:
        analysts = analysts or []
        parts += ["## Verdicts", run_tally(name, records, analysts, judge_lines(models or [], records, analysts))]
    disagreeing = [rec for rec in records if disagreements(rec)]
    if disagreeing:
        listed = [f"- `{rec['experiment_id']}` — {safe_markdown(' '.join(rec['query'].split())[:160])}\n"
                  + "\n".join(f"  - {line}" for line in differences(rec)) for rec in disagreeing[:SHOWN_DISAGREEMENTS]]
        more = len(disagreeing) - SHOWN_DISAGREEMENTS
        count = f"{len(disagreeing)} experiment{'s' if len(disagreeing) != 1 else ''}"
        parts += [f"## Where the answers disagree ({count})", "\n".join(listed)
                  + (f"\n\n… and {more} more (the run's CSV has them all: `disagree_on`)." if more > 0 else "")]
    return "\n\n".join(parts) + "\n"


REPORT_CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; max-width: 1100px;
       margin: 2em auto; padding: 0 1.5em; }
h1 { font-size: 1.7em; border-bottom: 1px solid #d0d7de; padding-bottom: .3em; }
h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 1px solid #d0d7de; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .8em 0; font-size: .92em; }
th, td { border: 1px solid #d0d7de; padding: .3em .7em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
tr:nth-child(even) td { background: #fafbfc; }
code { font: .88em ui-monospace, "SFMono-Regular", Menlo, monospace; background: #eff1f3; padding: .1em .3em;
       border-radius: 4px; }
blockquote { margin: .6em 0; padding: .1em 1em; border-left: 3px solid #d0d7de; color: #57606a; }
.chart { break-inside: avoid; margin: .5em 0 1em; }
@media screen { table { display: block; max-width: 100%; overflow-x: auto; } }
table:focus-visible { outline: 2px solid #0969da; outline-offset: 2px; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
@media screen and (prefers-color-scheme: dark) {
  body { background: #0d1117; color: #e6edf3; }
  h1, h2, th, td, blockquote { border-color: #3d444d; }
  th { background: #151b23; }
  tr:nth-child(even) td { background: #10151c; }
  code { background: #262c36; }
  blockquote { color: #9198a1; }
  a { color: #4493f8; }
  .chart .main-svg { background: transparent !important; }
  .chart .bglayer .bg, .chart .legend .bg { fill: transparent !important; }
  .chart .infolayer text, .chart .xaxislayer-above text, .chart .yaxislayer-above text,
  .chart .textpoint text { fill: #e6edf3 !important; }
  .chart .gridlayer path, .chart .zerolinelayer path { stroke: rgba(255, 255, 255, 0.12) !important; }
  .chart .modebar-group { background: transparent !important; }
  .chart .modebar-btn path { fill: #9198a1 !important; }
}
"""


def _charts_html(figures: Sequence[go.Figure]) -> str:
    """The figures that have something to draw, as a "Charts" section: plotly.js written once,
    inline, so that the page needs nothing from the network (about 4.8 MB), each chart still
    interactive (hover for the figures) and printed as drawn."""
    drawn = [fig for fig in figures if fig.data]
    if not drawn:
        return ""
    parts = [f'<div class="chart">{fig.to_html(full_html=False, include_plotlyjs=not i, config={"displaylogo": False})}'
             "</div>" for i, fig in enumerate(drawn)]
    return "<h2>Charts</h2>\n" + "\n".join(parts) + "\n"


def _formula_as_code(match: re.Match[str]) -> str:
    """A formula in a write-up's Markdown as a code span, which a web page shows as written: as
    Markdown, `\\[` would lose its backslash and `a * b * c` turn to emphasis. Its text comes
    through safe_markdown, which writes a "<" that could open a tag as an entity, and a code span
    escapes it again: the entity is taken back first."""
    source = html.unescape(match.group(0))
    fence = "`" * (max((len(run) for run in re.findall("`+", source)), default=0) + 1)
    return f"{fence} {source} {fence}"


def report_html(markdown: str, title: str, figures: Sequence[go.Figure] = ()) -> str:
    """A report (run_report's Markdown) as one self-contained web page: its tables as tables,
    styled for the screen and for printing, and the `figures` in a section of their own after the
    first (the summary). Raw HTML in the Markdown (a model's answer quoted in it) is shown as
    text, never run; plotly writes the figures' text as JSON escapes, never as markup; a model's
    formulas are shown as it wrote them (LaTeX, as code). The page follows the reader's colour
    scheme on screen (dark text on white, or light on dark, the charts' text and backdrop with
    it) and prints dark on white whatever the scheme. Its content is the page's main landmark, and
    a table too wide for the screen, which scrolls, takes the keyboard's focus to be scrolled."""
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(FORMULA.sub(_formula_as_code, markdown))
    body = body.replace("<table>", '<table tabindex="0">')  # a wide table scrolls: by keyboard too, once focused
    if charts := _charts_html(figures):
        second = body.find("<h2>", body.find("<h2>") + 1)
        body = body + charts if second < 0 else body[:second] + charts + body[second:]
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{REPORT_CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n"
            "</body>\n</html>\n")


def report_page(markdown: str, name: str, records: list[dict[str, Any]]) -> str:
    """run_report's Markdown of run `name` as a web page, with the run's charts (those the Batch
    tab draws) after its summary."""
    return report_html(markdown, f"Batch run {name}", run_figures(flat_rows(records), summarize(records)))
