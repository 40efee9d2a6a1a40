"""How a run's two systems agree, over all its experiments, in figures and in words.

workbench.differences reads one comparison; these count over a run where both answers state
figures (the same ones or not), cite rules or classes by number, rate a transaction's risk, and
the ways they disagree (refusal, language, risk, checks, completion), for the run's summary, its
report, the REST API and the batch command's last lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from workbench.compare import both_answered
from workbench.differences import answer_levels, disagreements, figures_apart, references_apart
from workbench.risk import LEVELS


def _agreement(records: list[dict[str, Any]], apart_in: Callable[[dict[str, Any]], bool | None]) -> dict[str, Any]:
    """Over the experiments `apart_in` can weigh (not None): their number (`experiments`), how
    many it finds alike (`same`), and the ids of those it finds apart (`apart`, in run order)."""
    said = [(rec["experiment_id"], apart_in(rec)) for rec in records]
    apart = [exp_id for exp_id, is_apart in said if is_apart]
    same = sum(is_apart is False for _, is_apart in said)
    return {"experiments": same + len(apart), "same": same, "apart": apart}


def _agreement_text(found: dict[str, Any], where: str, apart_said: str, shown: int) -> str:
    """_agreement in words: "of 24 experiments where both answers state figures, the same ones in
    18; figures only one states in 6 (e.g. `e3`, `e7`, `e9`, …)"; "" when it weighed none."""
    if not found["experiments"]:
        return ""
    text = (f"of {found['experiments']} experiment{'s' if found['experiments'] != 1 else ''} where both answers "
            f"{where}, the same ones in {found['same']}")
    if apart := found["apart"]:
        text += f"; {apart_said} in {len(apart)} (e.g. {_examples(apart, shown)})"
    return text


def figures_agreement(records: list[dict[str, Any]]) -> dict[str, Any]:
    """How often a run's two answers state the same figures, over the experiments where both
    answered, neither refused and each states a figure: their number (`experiments`), how many
    state the same ones (`same`), and the ids of those where one states a figure the other does
    not (`apart`, in run order)."""
    return _agreement(records, figures_apart)


def references_agreement(records: list[dict[str, Any]]) -> dict[str, Any]:
    """figures_agreement for the rules, standards and classes the answers cite by number
    (references_apart)."""
    return _agreement(records, references_apart)


def figures_line(records: list[dict[str, Any]], shown: int = 3) -> str:
    """figures_agreement in words: "of 24 experiments where both answers state figures, the same
    ones in 18; figures only one states in 6 (e.g. `e3`, `e7`, `e9`, …)"; "" when no experiment
    has two answers with figures."""
    return _agreement_text(figures_agreement(records), "state figures", "figures only one states", shown)


def references_line(records: list[dict[str, Any]], shown: int = 3) -> str:
    """references_agreement in words: "of 12 experiments where both answers cite a rule or a class
    by number, the same ones in 9; ones only one cites in 3 (e.g. `e3`, …)"; "" when none."""
    return _agreement_text(references_agreement(records), "cite a rule or a class by number",
                           "ones only one cites", shown)


def _examples(ids: list[str], shown: int) -> str:
    """The first `shown` experiment ids, as code, "…" after them when there are more."""
    return ", ".join(f"`{e}`" for e in ids[:shown]) + (", …" if len(ids) > shown else "")


def risk_agreement(records: list[dict[str, Any]]) -> dict[str, Any]:
    """How often a run's two answers rate a transaction's risk at the same level, over the
    experiments where both answered, neither refused and each gives a level (workbench.risk):
    their number (`experiments`), how many at the same level (`same`), and the ids of those where
    each system rates it higher than the other (`higher`: {"A": [...], "B": [...]}, in run order),
    and how many A rated at each level and B at each (`levels`: {A's level: {B's level: count}})."""
    rank = {level: i for i, level in enumerate(LEVELS)}
    out: dict[str, Any] = {"experiments": 0, "same": 0, "higher": {"A": [], "B": []},
                           "levels": {a: dict.fromkeys(LEVELS, 0) for a in LEVELS}}
    for rec in records:
        levels = answer_levels(rec["system_a"], rec["system_b"]) if both_answered(rec) else None
        if not levels or None in levels:
            continue
        out["experiments"] += 1
        out["levels"][levels[0]][levels[1]] += 1
        if levels[0] == levels[1]:
            out["same"] += 1
        else:
            out["higher"]["A" if rank[levels[0]] > rank[levels[1]] else "B"].append(rec["experiment_id"])
    return out


def risk_line(records: list[dict[str, Any]], shown: int = 3) -> str:
    """risk_agreement in words: "of 40 experiments where both answers rate the risk, the same
    level in 31; A higher in 6 (e.g. `e3`, `e7`, `e9`, …), B higher in 3 (e.g. `e2`)" — which
    system is the more wary; "" when no experiment has two answers that rate it."""
    found = risk_agreement(records)
    if not found["experiments"]:
        return ""
    text = (f"of {found['experiments']} experiment{'s' if found['experiments'] != 1 else ''} where both answers "
            f"rate the risk, the same level in {found['same']}")
    for key, ids in found["higher"].items():
        if ids:
            text += f"; {key} higher in {len(ids)} (e.g. {_examples(ids, shown)})"
    return text


def disagreement_line(records: list[dict[str, Any]]) -> str:
    """How often a run's two answers disagree, per kind of disagreement: "in 12 of 190 experiments
    both answered: refusal 5 · language 3 · checks 7" ("nowhere, in 3 experiments both
    answered"); "" when no experiment has both answers."""
    both = [rec for rec in records if both_answered(rec)]
    if not both:
        return ""
    found = [disagreements(rec) for rec in both]
    kinds = Counter(kind for kinds_of_one in found for kind in kinds_of_one)
    answered = f"{len(both)} experiment{'s' if len(both) != 1 else ''} both answered"
    if not kinds:
        return f"nowhere, in {answered}"
    return (f"in {sum(bool(k) for k in found)} of {answered}: "
            + " · ".join(f"{kind} {n}" for kind, n in kinds.most_common()))
