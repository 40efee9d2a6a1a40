"""A judge model's verdicts read together (workbench.model_judge gives them): how often it gave the
analysts' verdict (Cohen's κ), which side it took where the checks took one, its tally per run
beside the analysts', and two judges set against each other — as numbers (REST, the CSV) and as
the lines the Batch tab, the report and the headless command write."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import combinations
from typing import Any

from engines.cost import usd
from workbench.checks import all_passed
from workbench.compare import both_answered
from workbench.safety import safe_markdown
from workbench.verdict_stats import breakdown_lines, cohen_kappa, preference, preference_line
from workbench.verdicts import VERDICTS

SHOWN_IDS = 5  # experiments named where the judge and the analysts differed


def agreement_with(model: list[dict[str, Any]], analysts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """How often the model gave the analysts' verdict on the experiments both judged (a pair per
    analyst's verdict), with Cohen's κ, and the experiments where it gave another (to read again);
    None when no experiment was judged by both."""
    by_model = {r["experiment_id"]: r["verdict"] for r in model}
    both = [r for r in analysts if r["experiment_id"] in by_model]
    pairs = [(by_model[r["experiment_id"]], r["verdict"]) for r in both]
    if not pairs:
        return None
    differed = list(dict.fromkeys(r["experiment_id"] for r in both if by_model[r["experiment_id"]] != r["verdict"]))
    kappa = cohen_kappa(pairs)
    same = sum(a == b for a, b in pairs)
    said: dict[str, Counter] = {}  # the analysts' verdict -> what the model said on those
    for its, analyst in pairs:
        said.setdefault(analyst, Counter())[its] += 1
    return {"pairs": len(pairs), "same_verdict": same, "share": round(same / len(pairs), 4), "differed_on": differed,
            "cohen_kappa": round(kappa, 4) if kappa is not None else None,
            "by_analysts_verdict": {v: {m: said[v][m] for m in VERDICTS if said[v][m]} for v in VERDICTS if v in said}}


def checks_sided(model: list[dict[str, Any]], records: list[dict[str, Any]]) -> dict[str, int] | None:
    """On the experiments where one answer alone passed every check (workbench.checks) — a right
    answer known without an analyst — how often the judge preferred that answer, the one that
    failed, or neither (a Tie, Both bad); None when it judged no such experiment. A judge that
    prefers the failing answer is wrong there, or the checks are."""
    by_id = {r["experiment_id"]: r for r in records}
    counts = Counter()
    for given in model:
        rec = by_id.get(given["experiment_id"])
        if rec is None or not both_answered(rec):
            continue
        a, b = all_passed(rec["system_a"]), all_passed(rec["system_b"])
        if a is None or b is None or a == b:
            continue
        right = "A better" if a else "B better"
        counts["passing" if given["verdict"] == right
               else "failing" if given["verdict"] in VERDICTS[:2] else "neither"] += 1
    return {"experiments": counts.total(), **{k: counts[k] for k in ("passing", "failing", "neither")}} \
        if counts else None


def model_tally(model: list[dict[str, Any]], analysts: list[dict[str, Any]], records: list[dict[str, Any]],
                quote: Callable[[str], str] = str) -> str:
    """One judge model's verdicts on a run in words: each kind, how many of the experiments both
    systems answered (`records`: the run's), how often the two readings disagreed, its house rules
    (the analysts' words, passed through `quote`: escaped for Markdown where it is shown), how often
    System B was preferred, which answer it took where the checks passed only one (checks_sided)
    and how far it agrees with the analysts (`analysts`: their verdicts on the run)."""
    answered = sum(both_answered(r) for r in records)
    counts = Counter(r["verdict"] for r in model)
    shares = " · ".join(f"{v} {counts[v]}" for v in VERDICTS)
    swayed = [r.get("readings") or {} for r in model if not r.get("consistent", True)]
    line = (f"{shares} — {len(model)} of the {answered} experiments both systems answered; its two readings "
            f"(A's answer first, then B's) disagreed on {len(swayed)}, each counted as a Tie")
    # which answer it took when the order swayed it: the first read (a bias for position 1), or the second
    first = sum(r.get("A first") == "A better" and r.get("B first") == "B better" for r in swayed)
    second = sum(r.get("A first") == "B better" and r.get("B first") == "A better" for r in swayed)
    if first or second:
        line += f" (it took the answer read first {first}×, the one read second {second}×)"
    if referenced := sum(bool(r.get("with_reference")) for r in model):
        line += f"; {referenced} of them judged against the experiment's reference answer"
    if costs := [r["cost_usd"] for r in model if r.get("cost_usd") is not None]:
        line += f"; judging them cost {usd(sum(costs))}"
    lines = [line]
    if rules := _rules(model):
        lines.append(f"Its house rules: “{quote(rules)}”")
    if pref := preference_line(model):
        lines.append(pref)
    if sided := checks_sided(model, records):
        lines.append(f"Where one answer alone passed every check ({sided['experiments']} experiments), it preferred "
                     f"that one {sided['passing']}×, the one that failed {sided['failing']}×, neither "
                     f"{sided['neither']}×")
    by_id = {r["experiment_id"]: r for r in records}
    lines += breakdown_lines([{**by_id[r["experiment_id"]], "verdict": r["verdict"]} for r in model
                              if r["experiment_id"] in by_id])
    if (agreed := agreement_with(model, analysts)) is None:
        lines.append("No experiment judged by an analyst too yet: nothing to set it against")
    else:
        kappa = agreed["cohen_kappa"]
        lines.append(f"It gave the analysts' verdict in {agreed['same_verdict']} of {agreed['pairs']} verdicts on "
                     f"the same experiments ({agreed['share']:.0%}"
                     + (f"; Cohen's κ {kappa:.2f})" if kappa is not None else ")") + ": where an analyst said "
                     + "; where ".join(f"{analyst}, it said " + ", ".join(f"{m} {n}" for m, n in said.items())
                                       for analyst, said in agreed["by_analysts_verdict"].items()))
        if differed := agreed["differed_on"]:
            lines[-1] += f" — it differed on {_first_few([quote(i) for i in differed])}"
    return "\n\n".join(lines)


def _rules(given: list[dict[str, Any]]) -> str | None:
    """The house rules one judge's verdicts were given under (None: none)."""
    return next((r["rules"] for r in given if r.get("rules")), None)


def by_model(verdicts: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """A run's model verdicts (model_verdicts) per judge model, in the models' names' order."""
    models: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(verdicts, key=lambda r: str(r.get("judge_model") or "")):
        models.setdefault(str(r.get("judge_model") or ""), []).append(r)
    return models


def model_summary(verdicts: list[dict[str, Any]], analysts: list[dict[str, Any]],
                  records: list[dict[str, Any]]) -> dict[str, Any]:
    """A run's model verdicts as data (GET /api/runs/{name}), per judge (judge_name): its house
    rules, the counts, how many the two readings disagreed on, each experiment's verdict, the
    preference for System B, which answer it took where the checks passed one alone (of the run's
    `records`) and the agreement with the analysts' verdicts (`analysts`)."""
    out = {}
    for model, given in by_model(verdicts).items():
        counts = Counter(r["verdict"] for r in given)
        out[model] = {"rules": _rules(given),
                      "verdicts": len(given), "counts": {v: counts[v] for v in VERDICTS},
                      "readings_disagreed": sum(not r.get("consistent", True) for r in given),
                      "with_reference": sum(bool(r.get("with_reference")) for r in given),
                      "by_experiment": {r["experiment_id"]: r["verdict"] for r in given},
                      "preference": preference(given), "checks_sided": checks_sided(given, records),
                      "agreement_with_analysts": agreement_with(given, analysts)}
    return out


def judge_tallies(verdicts: list[dict[str, Any]], records: list[dict[str, Any]], analysts: list[dict[str, Any]],
                  quote: Callable[[str], str] = str) -> dict[str, str]:
    """Each judge's tally (model_tally) of a run's model verdicts (model_verdicts), by judge;
    `records` are the run's."""
    return {model: model_tally(given, analysts, records, quote) for model, given in by_model(verdicts).items()}


def judges_compared(verdicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each two judges of a run (model_verdicts) set against each other on the experiments both
    judged — the same model with and without house rules says what the rules changed: how often
    they gave the same verdict, Cohen's κ, and each experiment where they differed with the two
    verdicts (the first judge's first, in by_model's order). Pairs that judged nothing in common
    are left out."""
    out = []
    for (one, first), (two, second) in combinations(by_model(verdicts).items(), 2):
        other = {r["experiment_id"]: r["verdict"] for r in second}
        pairs = [(r["experiment_id"], r["verdict"], other[r["experiment_id"]]) for r in first
                 if r["experiment_id"] in other]
        if not pairs:
            continue
        kappa = cohen_kappa([(a, b) for _, a, b in pairs])
        out.append({"judges": [one, two], "both_judged": len(pairs), "same_verdict": sum(a == b for _, a, b in pairs),
                    "cohen_kappa": round(kappa, 4) if kappa is not None else None,
                    "differed": {exp: [a, b] for exp, a, b in pairs if a != b}})
    return out


def compared_line(pair: dict[str, Any], quote: Callable[[str], str] = str) -> str:
    """judges_compared's entry in words (names and ids passed through `quote`)."""
    one, two = (quote(j) for j in pair["judges"])
    kappa = f"; Cohen's κ {pair['cohen_kappa']:.2f}" if pair["cohen_kappa"] is not None else ""
    line = (f"{one} and {two} gave the same verdict on {pair['same_verdict']} of the {pair['both_judged']} "
            f"experiments both judged ({pair['same_verdict'] / pair['both_judged']:.0%}{kappa})")
    if differed := pair["differed"]:
        line += "; they differed on " + _first_few([f"{quote(exp)} ({a} / {b})" for exp, (a, b) in differed.items()])
    return line


def _first_few(items: list[str]) -> str:
    """"a, b, c" — or the first SHOWN_IDS of them "and 4 more"."""
    more = f" and {len(items) - SHOWN_IDS} more" if len(items) > SHOWN_IDS else ""
    return ", ".join(items[:SHOWN_IDS]) + more


def judge_lines(verdicts: list[dict[str, Any]], records: list[dict[str, Any]], analysts: list[dict[str, Any]]) -> str:
    """A run's model verdicts (model_verdicts) in Markdown, a paragraph per judge, then each two
    judges set against each other; empty when none judged it."""
    tallies = [f"**Model verdicts, `{model}`:** {tally}"
               for model, tally in judge_tallies(verdicts, records, analysts, safe_markdown).items()]
    compared = [f"**Judge models set against each other:** {compared_line(pair, _code)}"
                for pair in judges_compared(verdicts)]
    return "\n\n".join([*tallies, *compared])


def _code(text: str) -> str:
    return f"`{text.replace('`', '')}`"
