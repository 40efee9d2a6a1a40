"""A run's figures group by group — per category, expected route, question language or the route
System B's router took — to see where one system falls behind: a pass rate of 90% overall can
hide a category where System B passes half its checks, or French questions answered in English."""

from __future__ import annotations

from typing import Any

from workbench.differences import question_language
from workbench.summary import FIGURE_COLUMNS, summarize, system_figures

NONE = "(none)"  # an experiment that does not say (no category, no expected route)
ALL = "(all)"  # the last row: every experiment
# what a breakdown groups by (as the Batch tab names it) -> the group of a record
GROUPINGS = {
    "category": lambda rec: rec.get("category"),
    "expected route": lambda rec: rec.get("expected_route"),
    "question language": question_language,
    "route System B took": lambda rec: (rec.get("system_b") or {}).get("route"),
}

# the same groupings as one word, for the headless batch's --by and GET /api/runs/{name}?by=
SLUGS = {"category": "category", "expected-route": "expected route", "language": "question language",
         "route": "route System B took"}


def breakdown_columns(by: str) -> list[str]:
    """The columns of a breakdown by `by`: the group, its experiments, each system's figures."""
    return [by, "experiments", *FIGURE_COLUMNS]


def breakdown(records: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """One row per group of `by` (a key of GROUPINGS), the largest first, then a row for all of
    them: the experiments in it and each system's figures as a run's summary gives them (refusal
    rate, checks passed, answers in the question's language, cut off in the reasoning, median
    latency). Raises ValueError for an unknown grouping."""
    if by not in GROUPINGS:
        raise ValueError(f"no breakdown by {by!r}: choose one of {', '.join(GROUPINGS)}")
    groups: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        groups.setdefault(str(GROUPINGS[by](rec) or NONE), []).append(rec)
    order = sorted(groups, key=lambda name: (name == NONE, -len(groups[name]), name))
    rows = [{by: name, "experiments": len(groups[name]), **system_figures(summarize(groups[name]))} for name in order]
    if len(rows) > 1:
        rows.append({by: ALL, "experiments": len(records), **system_figures(summarize(records))})
    return rows
