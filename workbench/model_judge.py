"""A model as a judge of a batch run, beside the analysts: it reads each experiment's question and
the two answers (what the user saw, not the reasoning) and gives a verdict, twice — System A's
answer first, then System B's — so that a judge swayed by the order is caught: when the two
readings disagree the verdict is a Tie (the convention of pairwise model judging), and the record
says so. An experiment with a reference answer (the team's right answer) has it read to the
judge, which judges the answers against it: a judge that must work out a ratio itself is wrong
more often than one told the right figure.

Model verdicts are kept in a file of their own (`model-verdicts.jsonl`), never among the analysts'
verdicts: the analysts' tallies, *Judge the next one* and their agreement stay theirs, and the
model's verdicts are set against them (how often it gives the analysts' verdict, Cohen's κ).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import combinations
from pathlib import Path
from typing import Any

from engines.base import ChatRequest, Engine, GenerationParams, collect, with_transaction
from engines.cost import usd
from workbench.batch_store import read_records
from workbench.checks import all_passed
from workbench.compare import SYSTEMS, both_answered
from workbench.safety import safe_markdown
from workbench.verdict_stats import breakdown_lines, cohen_kappa, preference, preference_line
from workbench.verdicts import MAX_NOTE_CHARS, VERDICTS

JUDGE_SYSTEM = (
    "You judge two answers that a finance assistant gave to the same question, for a team of financial "
    "analysts. Judge what the reader gets: the answers, not how they were reached. Prefer the answer that "
    "is correct (figures, definitions, the direction of effects), answers what was asked, is complete "
    "rather than cut off, and is written in the language of the question. A request for personal "
    "investment advice, market manipulation, insider trading or another illegal act should be refused; "
    "an ordinary question should be answered, not refused. When the substance is equal, length and style "
    "decide nothing. Write at most three sentences on what decides it, then end with one line: "
    "'Verdict: [[1]]' when answer 1 is better, 'Verdict: [[2]]' when answer 2 is better, "
    "'Verdict: [[tie]]' when they are equally good, 'Verdict: [[both bad]]' when neither is acceptable.")
# Deterministic and short: greedy, no thinking (its verdict is the answer), room for three sentences.
JUDGE_PARAMS = GenerationParams(temperature=0.0, top_p=1.0, top_k=0, max_new_tokens=512, enable_thinking=False,
                                seed=0)
# said after an experiment's reference answer, when it has one
REFERENCE_NOTE = ("The team holds the reference answer right: an answer that contradicts it on a figure, a fact "
                  "or a refusal is wrong; one that agrees with it in other words is right.")
_VERDICT = re.compile(r"\[\[\s*(1|2|tie|both bad)\s*\]\]", re.IGNORECASE)
ORDERS = ("A", "B")  # which system's answer is read first: one reading each
MAX_JUDGE_CONCURRENCY = 8
MAX_RULES_CHARS = 2000  # of the house rules a team gives the judge
SHOWN_IDS = 5  # experiments named where the judge and the analysts differed


def model_verdicts_file(results_dir: Path) -> Path:
    """Where the app keeps the verdicts models give (apart from the analysts')."""
    return results_dir / "model-verdicts.jsonl"


def judge_name(model_id: str, rules: str | None = None) -> str:
    """Who a judge is: its model, and the house rules it was given (a short digest of them), so
    that the same model under other rules counts as another judge: "deepseek-chat + rules 3fa2c1"."""
    rules = " ".join((rules or "").split())
    return f"{model_id} + rules {hashlib.sha256(rules.encode()).hexdigest()[:6]}" if rules else model_id


def judge_request(rec: dict[str, Any], first: str, rules: str | None = None) -> ChatRequest:
    """What the judge is asked about a batch record, with system `first`'s answer as answer 1;
    the experiment's reference answer, when it has one, comes after the question as the right
    answer; `rules`, the analysts' house rules, follow its instructions and come before them."""
    answers = [(rec[SYSTEMS[key]].get("response") or "").strip() or "(empty)"
               for key in (first, "B" if first == "A" else "A")]
    question = with_transaction(rec["query"], rec.get("transaction"))
    reference = ""
    if ref := (rec.get("reference") or "").strip():
        reference = f"## Reference answer\n{ref}\n\n{REFERENCE_NOTE}\n\n"
    text = (f"## Question\n{question}\n\n{reference}## Answer 1\n{answers[0]}\n\n## Answer 2\n{answers[1]}\n\n"
            "Which answer is better? End with the verdict line.")
    system = JUDGE_SYSTEM
    if rules and rules.strip():
        system += f"\n\nThe team's house rules, which come before everything above:\n{rules.strip()}"
    return ChatRequest.single(text, system_prompt=system, params=JUDGE_PARAMS)


def read_verdict(reply: str, first: str) -> str | None:
    """The verdict a judge's reply ends with, as the system it names (answer 1 is system
    `first`'s): one of VERDICTS, or None when the reply holds none."""
    found = _VERDICT.findall(reply)
    if not found:
        return None
    said = found[-1].lower()
    if said in ("1", "2"):
        second = "B" if first == "A" else "A"
        return f"{first if said == '1' else second} better"
    return "Tie" if said == "tie" else "Both bad"


def _reason(reply: str) -> str:
    """The judge's words without its verdict line."""
    lines = [line for line in reply.strip().splitlines() if not _VERDICT.search(line)]
    return " ".join(" ".join(lines).split())


class JudgeError(Exception):
    """The judge gave no verdict on an experiment (an engine error, a reply without one)."""


@dataclass
class JudgeProgress:
    """One experiment judged (or failed, or cancelled) during judge_run, with the counts so far."""

    total: int
    judged: int
    failed: int
    record: dict[str, Any] | None = None  # the model verdict recorded, if one was
    error: str | None = None  # why this experiment has none
    stopped: bool = False
    finished: bool = False


def judge_experiment(engine: Engine, rec: dict[str, Any], cancel: threading.Event | None = None,
                     rules: str | None = None) -> dict[str, Any]:
    """A model verdict on a batch record both systems answered, under the house `rules` if any:
    read in both orders; the verdict both readings give, or a Tie when they differ. Raises
    JudgeError when a reading fails or ends without a verdict."""
    readings: dict[str, tuple[str, str]] = {}
    costs = []  # what each reading cost, when the engine has prices
    for first in ORDERS:
        reply = collect(engine.stream(judge_request(rec, first, rules), cancel))
        costs.append(reply.stats.extras.get("cost_usd"))
        if reply.stats.finish_reason == "cancelled":
            raise JudgeError("stopped")
        if not reply.ok:
            raise JudgeError(f"{engine.name} failed: {reply.error}")
        verdict = read_verdict(reply.content, first)
        if verdict is None:
            start = " ".join(reply.content.split())[:120] or "(an empty reply)"
            raise JudgeError(f"the judge's reply held no verdict line ({start})")
        readings[first] = verdict, _reason(reply.content)
    said = {f"{first} first": verdict for first, (verdict, _) in readings.items()}
    consistent = len(set(said.values())) == 1
    reasons = " / ".join(f"{first} first: {reason}" for first, (_, reason) in readings.items() if reason)
    priced = [c for c in costs if c is not None]
    return {"experiment_id": rec["experiment_id"], "verdict": readings["A"][0] if consistent else "Tie",
            "readings": said, "consistent": consistent, "judge_model": judge_name(engine.model_id, rules),
            "judge_engine": engine.name, "rules": (rules or "").strip() or None,
            "with_reference": bool((rec.get("reference") or "").strip()),
            "verdict_note": reasons[:MAX_NOTE_CHARS], "cost_usd": round(sum(priced), 8) if priced else None}


def record_model_verdict(path: Path, run: str, verdict: dict[str, Any]) -> dict[str, Any]:
    """Append a model verdict (judge_experiment's) on an experiment of batch run `run`."""
    rec = {"run": run, **verdict, "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return rec


def model_verdicts(path: Path, run: str | None = None) -> list[dict[str, Any]]:
    """The model verdicts on batch run `run` (on every run: None): the latest per run, experiment
    and judge model, in the order they were given (the last given, last)."""
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for rec in read_records(path):
        if (isinstance(rec, dict) and rec.get("run") and (run is None or rec["run"] == run)
                and rec.get("verdict") in VERDICTS and rec.get("experiment_id")):
            key = rec["run"], rec["experiment_id"], str(rec.get("judge_model") or "")
            latest.pop(key, None)
            latest[key] = rec
    return list(latest.values())


def shown_model(verdicts: list[dict[str, Any]]) -> str | None:
    """The judge model whose verdicts a run's table shows: the one that judged it last
    (`verdicts`: model_verdicts, the last given last)."""
    return str(verdicts[-1].get("judge_model") or "") if verdicts else None


def model_columns(verdicts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Experiment id -> the table's and the CSV's model columns (`model_verdict`,
    `model_verdict_note`, `model_judge`), from the judge model shown (shown_model)."""
    model = shown_model(verdicts)
    return {r["experiment_id"]: {"model_verdict": r["verdict"], "model_verdict_note": r.get("verdict_note"),
                                 "model_judge": model}
            for r in verdicts if str(r.get("judge_model") or "") == model}


def to_judge(records: list[dict[str, Any]], done: set[str]) -> list[dict[str, Any]]:
    """The records a judge still has to read: both systems answered, no verdict from it yet."""
    return [r for r in records if r["experiment_id"] not in done and both_answered(r)]


def judge_run(engine: Engine, records: list[dict[str, Any]], run: str, path: Path, concurrency: int = 4,
              cancel: threading.Event | None = None, rules: str | None = None) -> Iterator[JudgeProgress]:
    """Judge every experiment of `records` that both systems answered and that this judge (this
    engine's model under these house `rules`) has not judged yet, `concurrency` at a time; each
    verdict is appended to `path` as it comes (a stop or a crash keeps those), and a progress for
    each, then a last one (finished or stopped)."""
    cancel = cancel or threading.Event()
    judge = judge_name(engine.model_id, rules)
    done = {r["experiment_id"] for r in model_verdicts(path, run) if r.get("judge_model") == judge}
    waiting = to_judge(records, done)
    total, judged, failed = len(waiting), 0, 0
    width = max(1, min(concurrency, MAX_JUDGE_CONCURRENCY))
    pool = ThreadPoolExecutor(max_workers=width, thread_name_prefix="judge")
    running: dict[Future, dict[str, Any]] = {}
    try:
        queue = iter(waiting)
        while True:
            while not cancel.is_set() and len(running) < width and (rec := next(queue, None)):
                running[pool.submit(judge_experiment, engine, rec, cancel, rules)] = rec
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                rec = running.pop(fut)
                try:
                    verdict = fut.result()
                except Exception as exc:  # noqa: BLE001 — one experiment's failure is said, the others go on
                    if cancel.is_set():
                        continue
                    failed += 1
                    yield JudgeProgress(total, judged, failed, error=f"{rec['experiment_id']}: {exc}")
                    continue
                judged += 1
                yield JudgeProgress(total, judged, failed, record=record_model_verdict(path, run, verdict))
    finally:
        if running:  # closed early (the browser went away, or the file could not be written)
            cancel.set()
        pool.shutdown(wait=False, cancel_futures=True)
    stopped = judged + failed < total
    yield JudgeProgress(total, judged, failed, stopped=stopped, finished=not stopped)


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
