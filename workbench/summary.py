"""Flatten comparison records into table rows, and summarise a batch per system."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import numpy as np

from engines.cost import usd
from workbench.checks import all_passed, check_columns
from workbench.compare import SYSTEMS, both_answered, refusal_of, still_to_run
from workbench.confidence import unsure_cell
from workbench.differences import (
    answer_risk,
    differences,
    disagreements,
    figures_apart,
    question_language,
    references_apart,
)
from workbench.language import SUPPORTED
from workbench.stats import chance_words, mcnemar_p

LABEL = {"system_a": "A", "system_b": "B"}
# A system's figures as the run overview and the breakdowns show them, a column per figure and
# system ("refusal rate A", "refusal rate B"): (figure, the summary's key; None: answers given)
SYSTEM_FIGURES = [("answered", None), ("refusal rate", "refusal_rate"), ("passed every check", "checks_pass_rate"),
                  ("answer in question's language", "answer_in_question_lang"),
                  ("cut off in reasoning", "truncated_in_reasoning"), ("latency p50 ms", "latency_ms_p50")]
FIGURE_COLUMNS = [f"{name} {key}" for name, _ in SYSTEM_FIGURES for key in SYSTEMS]
# fractions: tables show them as percentages, CSVs keep them
SHARES = {"refusal rate", "passed every check", "answer in question's language", "routed as expected (B)",
          "same figures", "same risk level", "B preferred", "B preferred (judge model)"}


def share_column(column: str) -> bool:
    """Whether a column of those tables holds a fraction ("refusal rate A")."""
    return column in SHARES or column.removesuffix(" A").removesuffix(" B") in SHARES


def percent_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of figures as people read them: the fractions of share columns as percentages
    ("38%"); CSVs keep the fractions."""
    return [{c: f"{v:.0%}" if share_column(c) and isinstance(v, float) else v for c, v in row.items()}
            for row in rows]


def system_figures(summ: dict[str, Any]) -> dict[str, Any]:
    """summarize()'s figures for both systems under FIGURE_COLUMNS; a system that gave no answer
    has its count of answers (0) and no other figure (not "0 cut off in the reasoning")."""
    row = {}
    for name, key in SYSTEM_FIGURES:
        for system in SYSTEMS:
            figures = summ["systems"][system]
            answered = figures["rows"] - figures["errors"]
            row[f"{name} {system}"] = answered if key is None else figures.get(key) if answered else None
    return {column: row[column] for column in FIGURE_COLUMNS}


def flat_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per experiment and system, the columns analysts filter on."""
    rows = []
    for rec in records:
        params = rec.get("params") or {}  # the same for both systems
        differ = " | ".join(differences(rec)) or None  # per experiment, repeated on both rows
        disagree = ", ".join(disagreements(rec)) or None  # to filter on in a spreadsheet
        apart = figures_apart(rec)  # one answer states a figure the other does not (None: nothing to weigh)
        cites_apart = references_apart(rec)  # one cites a rule or a class by number the other does not
        for name in SYSTEMS.values():
            res = rec.get(name)
            if not res:
                continue
            meta = res.get("metadata", {})
            rows.append({
                "experiment_id": rec["experiment_id"], "timestamp": rec.get("timestamp"),
                "system": LABEL[name], "query": rec["query"], "lang": rec.get("lang"),
                "reasoning_lang": res.get("reasoning_lang"), "answer_lang": res.get("answer_lang"),
                "category": rec.get("category"),
                "expected_route": rec.get("expected_route"), "route": res.get("route"),
                "route_confidence": res.get("route_confidence"),
                "handling_mode": res.get("handling_mode"),
                "route_reasons": "; ".join(res.get("route_reasons") or []) or None,
                "response": res.get("response"),
                "reference": rec.get("reference"),  # the team's right answer (the model judge reads it)
                "reasoning": res.get("reasoning"),
                "refusal": refusal_of(res),
                # the risk level the answer gives a transaction (workbench.risk; None: it gives none)
                "risk_level": answer_risk(res),
                # System B's answer read back by its model (workbench.confidence): the figures it was
                # unsure of ("15 (41%)", "none"), its share of tokens at even odds or better, and the
                # whole reading (JSON) for a run opened from this CSV
                "unsure_figures": unsure_cell(res),
                "sure_share": (res.get("confidence") or {}).get("sure_share"),
                "confidence": json.dumps(res["confidence"], ensure_ascii=False) if res.get("confidence") else None,
                "latency_ms": res.get("latency_ms"),
                "ttft_ms": res.get("ttft_ms"), "tokens_per_s": meta.get("tokens_per_s"),
                "reasoning_tokens": meta.get("reasoning_tokens"),
                "content_tokens": meta.get("content_tokens"),
                "reasoning_share": meta.get("reasoning_share"),
                "finish_reason": meta.get("finish_reason"),
                "truncated_in_reasoning": meta.get("truncated_in_reasoning"),
                "model_id": meta.get("model_id"),
                "cache_hit_tokens": meta.get("prompt_cache_hit_tokens"),
                "compute_s": meta.get("compute_s"), "cost_usd": meta.get("cost_usd"),
                "params_not_applied": ", ".join(meta.get("not_applied") or []) or None,
                "enable_thinking": params.get("enable_thinking"), "max_new_tokens": params.get("max_new_tokens"),
                "params": json.dumps(params, ensure_ascii=False) if params else None,
                "error_kind": meta.get("error_kind"), "error": meta.get("error"),
                "how_they_differ": differ, "disagree_on": disagree, "figures_apart": apart,
                "references_apart": cites_apart,
                **check_columns(res.get("checks")),
                # the checks as written (JSON): a run opened from this CSV scores them again exactly
                "expect": json.dumps(rec["expect"], ensure_ascii=False) if rec.get("expect") else None,
                # when they were scored again, edited after the answers came (workbench.rescore)
                "rescored_at": rec.get("rescored_at"),
                "transaction": rec.get("transaction"),
                # the instructions both systems were given before the question (None: none)
                "system_prompt": rec.get("system_prompt"), "verdict": rec.get("verdict"),
                "verdict_note": rec.get("verdict_note"),
                # a verdict given without knowing which answer was which system's (workbench.blind)
                "verdict_blind": bool(rec.get("blind_left")) if rec.get("verdict") else None,
                # a judge model's verdict (workbench.model_judge), and the model
                "model_verdict": rec.get("model_verdict"), "model_verdict_note": rec.get("model_verdict_note"),
                "model_judge": rec.get("model_judge"),
            })
    return rows


def _pct(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if values else None


def _same_language(rows: list[dict[str, Any]], part: str) -> float | None:
    """Share of rows whose `part` ("answer_lang" or "reasoning_lang") is in the question's
    language: the experiment's `lang`, else the query's detected one. Refusals (their wording is
    policy: System B's is bilingual), rows without that part and rows whose question's language
    cannot be told do not count."""
    same = []
    for r in rows:
        if r["refusal"]:
            continue
        asked = question_language(r)
        if asked in SUPPORTED and r.get(part) not in (None, "none"):
            same.append(r[part] == asked)
    return round(sum(same) / len(same), 3) if same else None


def _costs(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What a system's answers cost, when it has prices: in all, and per 1,000 answers. Every
    answer that was billed counts, failed ones too (a provider bills what it sent before the
    error); None without prices."""
    costs = [r["cost_usd"] for r in rows if r.get("cost_usd") is not None]
    if not costs:
        return {"cost_usd": None, "cost_per_1000_usd": None}
    total = float(sum(costs))
    return {"cost_usd": round(total, 6), "cost_per_1000_usd": round(total / len(costs) * 1000, 4)}


def _checks(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """How many answers that were checked passed every one of their checks (answers without
    checks, failed and stopped ones are not counted)."""
    checked = [(r.get("category"), r["checks_passed"] == r["checks_total"]) for r in rows if r.get("checks_total")]
    every = sum(ok for _, ok in checked)
    by_category: dict[str, list[bool]] = {}
    for category, ok in checked:
        if category:
            by_category.setdefault(category, []).append(ok)
    return {"checked": len(checked), "passed_all_checks": every if checked else None,
            "checks_pass_rate": round(every / len(checked), 3) if checked else None,
            "checks_pass_rate_by_category": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_category.items())}}


def summarize(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-system latency/TTFT/throughput/refusals, routes, and A-vs-B refusal agreement."""
    rows = flat_rows(records)
    per_system: dict[str, Any] = {}
    for label in ("A", "B"):
        mine = [r for r in rows if r["system"] == label]
        ok = [r for r in mine if not r["error_kind"]]
        lat = [r["latency_ms"] for r in ok if r["latency_ms"] is not None]
        ttft = [r["ttft_ms"] for r in ok if r["ttft_ms"] is not None]
        tps = [r["tokens_per_s"] for r in ok if r["tokens_per_s"]]
        by_route: dict[str, list[bool]] = {}
        for r in ok:
            key = r["route"] or r["expected_route"] or "unknown"
            by_route.setdefault(key, []).append(bool(r["refusal"]))
        per_system[label] = {
            "rows": len(mine), "errors": len(mine) - len(ok),
            "latency_ms_mean": round(float(np.mean(lat)), 1) if lat else None,
            "latency_ms_p50": _pct(lat, 50), "latency_ms_p95": _pct(lat, 95),
            "ttft_ms_mean": round(float(np.mean(ttft)), 1) if ttft else None,
            "ttft_ms_p50": _pct(ttft, 50), "ttft_ms_p95": _pct(ttft, 95),
            "tokens_per_s_mean": round(float(np.mean(tps)), 1) if tps else None,
            "refusal_rate": round(sum(r["refusal"] for r in ok) / len(ok), 3) if ok else None,
            "refusal_rate_by_route": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_route.items())},
            "truncated_in_reasoning": sum(bool(r["truncated_in_reasoning"]) for r in ok),
            "answer_in_question_lang": _same_language(ok, "answer_lang"),
            "reasoning_in_question_lang": _same_language(ok, "reasoning_lang"),
            **_costs(mine), **_checks(ok),
        }
    routes = Counter(r["route"] for r in rows if r["system"] == "B" and r["route"])
    both = [(rec["system_a"], rec["system_b"]) for rec in records
            if rec.get("system_a") and rec.get("system_b")
            and not rec["system_a"]["metadata"].get("error_kind")
            and not rec["system_b"]["metadata"].get("error_kind")]
    agreement = (round(sum(a["refusal"] == b["refusal"] for a, b in both) / len(both), 3)
                 if both else None)
    return {"experiments": len(records), "systems": per_system, "route_distribution": dict(routes),
            "refusal_agreement": agreement, "compared_pairs": len(both), "routing": _routing(rows)}


def _routing(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """System B's router against the experiments' expected routes: how many it routed as
    expected, of how many that say one, and the misroutes as "expected → given" counts."""
    pairs = [(r["expected_route"], r["route"]) for r in rows
             if r["system"] == "B" and r.get("expected_route") and r.get("route")]
    misrouted = Counter(f"{want} → {got}" for want, got in pairs if want != got)
    matched = len(pairs) - sum(misrouted.values())
    return {"matched": matched, "with_expected": len(pairs),
            "match_rate": round(matched / len(pairs), 3) if pairs else None,
            "misrouted": dict(misrouted.most_common())}


def routing_line(routing: dict[str, Any]) -> str:
    """"as expected in 148 of 150 (99%); misrouted: governance → mixed_intent 2" (empty when no
    experiment System B answered says which route it expects)."""
    if not routing["with_expected"]:
        return ""
    line = f"as expected in {routing['matched']} of {routing['with_expected']} ({routing['match_rate']:.0%})"
    if routing["misrouted"]:
        line += "; misrouted: " + ", ".join(f"{pair} {n}" for pair, n in routing["misrouted"].items())
    return line


def priced(summary: dict[str, Any]) -> bool:
    """Whether a summary has a cost for either system (prices were set when it ran)."""
    return any(s.get("cost_usd") is not None for s in summary["systems"].values())


def checked(summary: dict[str, Any]) -> bool:
    """Whether either system has answers checked against their experiments' `expect`."""
    return any(s.get("checked") for s in summary["systems"].values())


SUMMARY_HEADERS = ["metric", "System A", "System B", "B against A"]
RATIO_METRICS = {"latency_ms_mean", "latency_ms_p50", "latency_ms_p95", "ttft_ms_mean", "ttft_ms_p50",
                 "ttft_ms_p95", "tokens_per_s_mean", "cost_usd", "cost_per_1000_usd"}  # B's as a multiple of A's


def _against(key: str, a: Any, b: Any, shares: set[str]) -> str | None:
    """B's figure against A's: a multiple ("0.46×") for times, speeds and costs, a difference in
    percentage points ("+12 pts") for rates; None where either is missing or it means nothing."""
    if a is None or b is None:
        return None
    if key in RATIO_METRICS:
        return f"{b / a:.2f}×" if a else None
    if key in shares:
        points = round((b - a) * 100)
        return f"{points:+d} pts" if points else "0 pts"
    return None


def summary_table(summary: dict[str, Any], costs: bool | None = None,
                  checks: bool | None = None, against: bool = False) -> list[list[Any]]:
    """Rows for a small display table: metric, A, B (and with `against`, B's figure against A's,
    SUMMARY_HEADERS). The cost rows come when `costs`, the checks row when `checks` (by default:
    when the summary has a cost, has checked answers)."""
    metrics = [("rows", "rows"), ("errors", "errors"), ("latency mean (ms)", "latency_ms_mean"),
               ("latency p50 (ms)", "latency_ms_p50"), ("latency p95 (ms)", "latency_ms_p95"),
               ("TTFT mean (ms)", "ttft_ms_mean"), ("TTFT p50 (ms)", "ttft_ms_p50"),
               ("TTFT p95 (ms)", "ttft_ms_p95"), ("tokens/s mean", "tokens_per_s_mean"),
               ("refusal rate", "refusal_rate"), ("cut off in reasoning", "truncated_in_reasoning"),
               ("answer in the question's language", "answer_in_question_lang"),
               ("reasoning in the question's language", "reasoning_in_question_lang")]
    if checked(summary) if checks is None else checks:
        metrics.insert(2, ("passed every check", "checks_pass_rate"))
    if priced(summary) if costs is None else costs:
        metrics += [("cost", "cost_usd"), ("cost per 1,000 answers", "cost_per_1000_usd")]
    shares = {"refusal_rate", "answer_in_question_lang", "reasoning_in_question_lang", "checks_pass_rate"}
    money = {"cost_usd", "cost_per_1000_usd"}
    sys_ = summary["systems"]

    def shown(key: str, value: Any, system: dict[str, Any]) -> Any:
        if value is None:
            return value
        if key == "checks_pass_rate":
            return f"{value:.0%} of {system['checked']}"  # short: the table is narrow
        return f"{value:.0%}" if key in shares else usd(value) if key in money else value

    return [[label, shown(key, sys_["A"].get(key), sys_["A"]), shown(key, sys_["B"].get(key), sys_["B"]),
             *([_against(key, sys_["A"].get(key), sys_["B"].get(key), shares)] if against else [])]
            for label, key in metrics]


def compare_runs(first: list[dict[str, Any]], second: list[dict[str, Any]],
                 names: tuple[str, str]) -> tuple[list[list[Any]], list[str]]:
    """Two batch runs over the experiments they both hold: the summary table with a column per
    system and run (metric, A·first, A·second, B·first, B·second), and lines counting, per system,
    the experiments whose refusal or answer language changed from one run to the other.
    Raises ValueError when the runs share no experiment."""
    by_id = [{r["experiment_id"]: r for r in run if isinstance(r.get("experiment_id"), str)} for run in (first, second)]
    common = sorted(by_id[0].keys() & by_id[1].keys())
    if not common:
        raise ValueError(f"the runs {names[0]!r} and {names[1]!r} share no experiment")
    summaries = [summarize([run[i] for i in common]) for run in by_id]
    costs, checks = any(priced(s) for s in summaries), any(checked(s) for s in summaries)
    tables = [summary_table(s, costs, checks) for s in summaries]
    rows = [[metric, a1, a2, b1, b2] for (metric, a1, b1), (_, a2, b2) in zip(*tables, strict=True)]
    lines = [f"{len(common)} experiments in both runs"
             + (f" ({len(by_id[0]) - len(common)} only in {names[0]}, {len(by_id[1]) - len(common)} only in "
                f"{names[1]}, left out)" if len(common) < max(len(by_id[0]), len(by_id[1])) else "") + "."]
    for key, field in SYSTEMS.items():
        pairs = [(by_id[0][i][field], by_id[1][i][field]) for i in common
                 if not still_to_run(by_id[0][i], (key,)) and not still_to_run(by_id[1][i], (key,))]
        if not pairs:
            continue
        refusal = [(x["refusal"], y["refusal"]) for x, y in pairs if x.get("refusal") != y.get("refusal")]
        language = sum(x.get("answer_lang") != y.get("answer_lang") for x, y in pairs)
        now_refused = sum(1 for _, y in refusal if y)
        which = (f" ({now_refused} refused only in {names[1]}, {len(refusal) - now_refused} only in {names[0]}; "
                 f"{chance_words(mcnemar_p(now_refused, len(refusal) - now_refused))})" if refusal else "")
        lines.append(f"System {key}, {len(pairs)} answered in both: refusal changed on {len(refusal)}{which}; "
                     f"the answer's language changed on {language}{_check_changes(pairs, names)}.")
    return rows, lines


def refusal_split(records: list[dict[str, Any]]) -> str:
    """Where the two systems differ on refusing the same question, which one refused and whether
    that split could be chance: "B refused 12 that A answered, A 3 that B answered (p = 0.035:
    unlikely to be chance)"; "" when they never differ (or no experiment has both answers)."""
    pairs = [(bool(rec["system_a"].get("refusal")), bool(rec["system_b"].get("refusal")))
             for rec in records if both_answered(rec)]
    only_a, only_b = pairs.count((True, False)), pairs.count((False, True))
    if not only_a + only_b:
        return ""
    return (f"B refused {only_b} that A answered, A {only_a} that B answered "
            f"({chance_words(mcnemar_p(only_a, only_b))})")


def paired_checks_line(records: list[dict[str, Any]]) -> str:
    """The two systems' checks on the same experiments (those both answered and had checked):
    how many both passed, only A, only B, neither, and whether the split between only A and
    only B could be chance (exact McNemar test); "" when no experiment has both answers checked."""
    pairs = []
    for rec in records:
        if not both_answered(rec):
            continue
        outcome = tuple(all_passed(rec[field]) for field in SYSTEMS.values())
        if None not in outcome:
            pairs.append(outcome)
    if not pairs:
        return ""
    only_a, only_b = pairs.count((True, False)), pairs.count((False, True))
    line = (f"on the {len(pairs)} experiments both answered, every check passed by both on "
            f"{pairs.count((True, True))}, by A only on {only_a}, by B only on {only_b}, by neither on "
            f"{pairs.count((False, False))}")
    return line + (f" (exact McNemar test, {chance_words(mcnemar_p(only_a, only_b))})" if only_a + only_b else "")


def _check_changes(pairs: list[tuple[dict[str, Any], dict[str, Any]]], names: tuple[str, str]) -> str:
    """"; every check passed in 1st only on 2, in 2nd only on 5" over the answers checked in both
    runs; empty when none was."""
    outcomes = [(all_passed(x), all_passed(y)) for x, y in pairs]
    both_checked = [pair for pair in outcomes if None not in pair]
    if not both_checked:
        return ""
    lost = sum(x and not y for x, y in both_checked)
    gained = sum(y and not x for x, y in both_checked)
    line = (f"; of {len(both_checked)} checked in both, every check passed only in {names[0]} on {lost}, "
            f"only in {names[1]} on {gained}")
    return line + (f" ({chance_words(mcnemar_p(lost, gained))})" if lost + gained else "")
