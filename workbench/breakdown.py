"""A run's figures group by group — per category, expected route, question language or the route
System B's router took — to see where one system falls behind: a pass rate of 90% overall can
hide a category where System B passes half its checks, or French questions answered in English."""

from __future__ import annotations

from typing import Any

from workbench.compare import Experiment
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


def experiment_groups(rec: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """Which group a comparison's experiment is in under each grouping (category, expected
    route, question language, route System B took), by slug; those it is in none of left out."""
    return tuple((slug, str(value)) for slug, grouping in SLUGS.items() if (value := GROUPINGS[grouping](rec)))


def parse_only(text: str | None) -> tuple[str, str] | None:
    """The group of experiments `text` names ("category:risk": a grouping's slug and a group of
    it) as (slug, value); None for none given. ValueError says what a malformed one lacks."""
    if text is None:
        return None
    slug, _, value = text.partition(":")
    if slug not in SLUGS or not value:
        raise ValueError(f"GROUPING:VALUE, GROUPING one of {', '.join(SLUGS)}")
    return slug, value


def declared_groups(exp: Experiment) -> tuple[tuple[str, str], ...]:
    """experiment_groups of an experiment not asked yet: its category, expected route and
    language (declared, else its question's)."""
    return experiment_groups({"category": exp.category, "expected_route": exp.expected_route, "lang": exp.lang,
                              "query": exp.query})


def experiments_of(experiments: list[Experiment], only: tuple[str, str] | None) -> list[Experiment]:
    """The experiments in the group `only` names (parse_only's; None: all of them)."""
    return experiments if only is None else [e for e in experiments if only in declared_groups(e)]


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
