"""*Judge with a model*, under a batch run's verdicts (workbench.model_judge): an engine reads every
experiment both systems answered, in both orders; its verdicts fill the table's *model verdict*
column and the run's CSV, and the tally under the table sets them against the analysts'."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from engines.base import Engine
from engines.cost import usd
from ui.batch_view import results_frame, run_downloads
from ui.common import session_cancel, stopper
from ui.judging import judge_of
from workbench.blind import is_blind_pending
from workbench.compare import both_answered
from workbench.experiments import MAX_REFERENCE_CHARS
from workbench.judge_cost import estimate_line, judge_estimate
from workbench.model_judge import (
    JUDGE_PARAMS,
    JUDGE_SYSTEM,
    MAX_JUDGE_CONCURRENCY,
    MAX_RULES_CHARS,
    REFERENCE_NOTE,
    JudgeError,
    JudgeProgress,
    judge_experiment,
    judge_name,
    judge_run,
    model_verdicts,
    model_verdicts_file,
)
from workbench.run_csv import verdict_columns
from workbench.safety import safe_markdown
from workbench.services import PIPELINE, REMOTE, Services
from workbench.verdicts import run_verdicts, verdicts_file

EXPLAIN = (
    "A model reads each experiment's question and the two answers (not the reasoning) twice: System A's "
    "answer first, then System B's. Its verdict stands when both readings give it; when they differ it "
    "counts as a Tie — a judge swayed by the order the answers came in is guessing. Its verdicts are kept "
    "apart from the analysts' (in `model-verdicts.jsonl`): they fill the *model verdict* column and the CSV, "
    "and the lines under the table say how often it gave the analysts' verdict. Experiments it has judged "
    "are not asked again. An experiment with a reference answer (the `reference` column of its file: the "
    "answer your team holds right) has it read to the judge, which judges against it. A model judging its own "
    "answers tends to prefer them: System A is no neutral referee of System A against System B — read its "
    "verdicts against the analysts'.")
SHOWN_ERRORS = 5


def model_said(shown: dict[str, Any] | None) -> str:
    """What the judge model said of a comparison (a record, or table_verdicts' entry, with its
    model_verdict, model_verdict_note and model_judge), said once the analyst has given their own
    verdict; empty when no model judged it."""
    if not shown or not shown.get("model_verdict"):
        return ""
    why = f" (“{safe_markdown(shown['model_verdict_note'])}”)" if shown.get("model_verdict_note") else ""
    return f" The judge model `{shown['model_judge']}` said **{shown['model_verdict']}**{why}."


def judge_engine(services: Services, label: str) -> Engine:
    """The engine `label` names, or a clear error when it cannot judge (System A without a key)."""
    engine = services.engine(label)
    if problem := getattr(engine, "configuration_problem", lambda: None)():
        raise gr.Error(f"{label} cannot judge: {problem}")
    return engine


def judged_single(services: Services, rec: dict[str, Any] | None, label: str, cancel: threading.Event,
                  reference: str | None = None, rules: str | None = None) -> tuple[dict[str, Any], str]:
    """A single comparison (Compare's Single tab) judged by the model `label` names, as a batch
    experiment is, against `reference` (the right answer, kept in the record; none: judged on its
    own) under the house `rules`: the record with its model_verdict, model_verdict_note and
    model_judge (so that the browser's log and its CSV keep them), and the sentence saying it.
    Nothing is written to the model verdicts' file: that one holds batch runs'."""
    if not rec:
        raise gr.Error("Run a comparison first.")
    if is_blind_pending(rec):
        raise gr.Error("Give your verdict first: the judge model's verdict would name the systems.")
    if not both_answered(rec):
        raise gr.Error("The judge model reads both answers: run the comparison with both systems, both answering.")
    if len(rules or "") > MAX_RULES_CHARS:
        raise gr.Error(f"The house rules are {len(rules or '')} characters long; the limit is {MAX_RULES_CHARS}.")
    if len(reference or "") > MAX_REFERENCE_CHARS:
        raise gr.Error(f"The reference answer is {len(reference or '')} characters long; the limit is "
                       f"{MAX_REFERENCE_CHARS}.")
    rec = {**rec, "reference": (reference or "").strip() or None}
    try:
        said = judge_experiment(judge_engine(services, label), rec, cancel, rules)
    except JudgeError as exc:
        raise gr.Error(f"The judge model gave no verdict: {exc}.") from None
    rec = {**rec, "model_verdict": said["verdict"], "model_verdict_note": said["verdict_note"],
           "model_judge": said["judge_model"]}
    against = " It judged against the reference answer." if rec["reference"] else ""
    cost = f" Its two readings cost {usd(said['cost_usd'])}." if said.get("cost_usd") is not None else ""
    return rec, model_said(rec).strip() + against + cost


def judge_choices(services: Services) -> list[tuple[str, str]]:
    """The engines that can judge: the models themselves (System B's router would route, and
    perhaps refuse, the judging prompt)."""
    return [(shown, label) for shown, label in services.engine_choices() if label != PIPELINE]


def progress_line(run: str, model: str, prog: JudgeProgress, errors: list[str], cost: float | None = None) -> str:
    """Where judging a run stands, and at its end what it did (and what it cost, `cost`, when the
    judge has prices: while it runs, or once stopped, with what the rest would cost at the rate
    of those judged so far)."""
    counts = f"{prog.judged} of {prog.total} judged" + (f", {prog.failed} failed" if prog.failed else "")
    if cost is not None:
        counts += f", cost {usd(cost)}"
        left = prog.total - prog.judged - prog.failed
        if prog.judged and left > 0 and not prog.finished:
            counts += f" (about {usd(cost / prog.judged * left)} more for the {left} left, at this rate)"
    if prog.finished and not prog.total:
        line = f"Every experiment of run `{run}` that both systems answered has a verdict from `{model}` already."
    elif prog.finished:
        line = f"**Judged run `{run}` with `{model}`:** {counts}."
    elif prog.stopped:
        line = f"**Stopped judging run `{run}` with `{model}`:** {counts}; *Judge this run* goes on with the rest."
    else:
        line = f"Judging run `{run}` with `{model}`: {counts}…"
    if errors:
        line += "\n\n" + "\n".join(f"- {e}" for e in errors[:SHOWN_ERRORS])
        if len(errors) > SHOWN_ERRORS:
            line += f"\n- … and {len(errors) - SHOWN_ERRORS} more"
    return line


def build_model_judge(services: Services) -> dict[str, Any]:
    """Lays out the accordion; returns what bind_model_judge binds."""
    with gr.Accordion("Judge with a model", open=False, elem_id="batch-model-judge") as box:
        gr.Markdown(EXPLAIN)
        with gr.Accordion("What the judge is told", open=False, elem_id="batch-model-judge-prompt"):
            gr.Markdown(f"> {JUDGE_SYSTEM}\n\nThen your house rules, if any, said to come before all of that; then "
                        "the question (with its transaction); the experiment's reference answer when it has one, "
                        f"followed by “{REFERENCE_NOTE}”; then *Answer 1* and *Answer 2*. Greedy decoding, "
                        f"thinking off, up to {JUDGE_PARAMS.max_new_tokens} new tokens.")
        rules = gr.Textbox(label="House rules (optional): what your team holds a right answer to, told to the judge "
                           "after its instructions and before them in weight — the same model under other rules "
                           "is another judge", lines=2, max_length=MAX_RULES_CHARS, elem_id="batch-model-judge-rules",
                           placeholder="e.g. An answer that names a security to buy is wrong, however well argued.")
        with gr.Row(equal_height=True):
            engine = gr.Dropdown(judge_choices(services), value=REMOTE, label="Judge",
                                 elem_id="batch-model-judge-engine")
            width = gr.Slider(1, MAX_JUDGE_CONCURRENCY, value=4, step=1, label="Experiments at once",
                              elem_id="batch-model-judge-width")
            go = gr.Button("Judge this run", variant="primary", elem_id="batch-model-judge-run")
            stop = gr.Button("Stop", elem_id="batch-model-judge-stop")
        estimate = gr.Markdown(elem_id="batch-model-judge-estimate")
        status = gr.Markdown(elem_id="batch-model-judge-status")
    return {"box": box, "engine": engine, "rules": rules, "width": width, "go": go, "stop": stop,
            "estimate": estimate, "status": status}


def estimate_of(services: Services) -> Callable[..., str]:
    """What judging the run shown (its records, its name) with the engine `label` names under
    the house `rules` would read and cost (workbench.judge_cost), said before it starts;
    `verdicts`, every run's model verdicts, when they have been read already."""
    path = model_verdicts_file(services.settings.results_dir)

    def estimate(held: dict[str, dict] | None, run_name: str, label: str, rules: str,
                 verdicts: list[dict[str, Any]] | None = None) -> str:
        if not held or not run_name or label not in services.engines or len(rules or "") > MAX_RULES_CHARS:
            return ""
        given = model_verdicts(path) if verdicts is None else verdicts
        return estimate_line(judge_estimate(services.engine(label), list(held.values()), run_name, given, rules),
                             run_name)
    return estimate


def bind_model_judge(services: Services, parts: dict[str, Any], records: gr.State, run: gr.State,
                     table: gr.Dataframe, tally: gr.Markdown, downloads: list[gr.DownloadButton],
                     tally_of: Callable[..., str]) -> None:
    """*Judge this run* judges the run shown (`records`, `run`); when it ends, the run shown then
    (another may have been opened meanwhile) is shown again with the verdicts in its table, its
    CSV and workbook (`downloads`) and the tally (`tally_of(records, run, judged, models)`)."""
    folder = services.settings.results_dir
    path = model_verdicts_file(folder)

    def judge(held: dict[str, dict], run_name: str, label: str, rules: str, width: float,
              request: gr.Request) -> Iterator[str]:
        if not held or not run_name:
            raise gr.Error("Run a batch or open a saved run first.")
        if not any(both_answered(r) for r in held.values()):
            raise gr.Error(f"No experiment of run {run_name} has answers from both systems, and the judge reads "
                           "both: run the batch again with both systems (the one that failed is asked again).")
        engine = judge_engine(services, label)
        cancel = session_cancel(services, request, "model-judge")
        errors: list[str] = []
        cost, last = None, 0.0
        name = judge_name(engine.model_id, rules)
        try:
            for prog in judge_run(engine, list(held.values()), run_name, path, int(width), cancel, rules):
                errors += [prog.error] if prog.error else []
                if prog.record is not None and prog.record.get("cost_usd") is not None:
                    cost = (cost or 0.0) + prog.record["cost_usd"]
                final = prog.finished or prog.stopped
                if final or time.perf_counter() - last >= 0.5:
                    last = time.perf_counter()
                    yield progress_line(run_name, name, prog, errors, cost)
        except OSError as exc:
            raise gr.Error(f"The model's verdicts could not be recorded: {path} cannot be written "
                           f"({exc.strerror or exc}).") from None

    def shown_again(held: dict[str, dict], run_name: str, request: gr.Request) -> tuple:
        if not held or not run_name:
            return (gr.skip(),) * 4
        rows = list(held.values())
        models = model_verdicts(path, run_name)  # read once, for the table and the tally
        shown = verdict_columns(run_verdicts(verdicts_file(folder), run_name, judge_of(request)), models)
        return (results_frame(rows, shown), tally_of(held, run_name, None, models),
                *run_downloads(rows, run_name, shown))

    # what judging would read and cost: when the accordion opens, another judge or other rules are
    # picked, and once a judging ends (the run shown changing is the tally's refresh: batch_judge)
    ahead = {"fn": estimate_of(services), "inputs": [records, run, parts["engine"], parts["rules"]],
             "outputs": parts["estimate"], "api_visibility": "private", "queue": False}
    parts["box"].expand(**ahead)
    parts["engine"].change(**ahead)
    parts["rules"].blur(**ahead)
    judged = parts["go"].click(judge, [records, run, parts["engine"], parts["rules"], parts["width"]],
                               parts["status"], api_visibility="private", **services.heavy_event)
    # however it ended: a judging stopped by an error (its file unwritable) keeps the verdicts given
    # before it, and the table shows them (Gradio runs a `then` only after a success)
    for ended in (judged.then, judged.failure):
        ended(shown_again, [records, run], [table, tally, *downloads], api_visibility="private").then(**ahead)
    parts["stop"].click(stopper(services, "model-judge"), None, None, api_visibility="private", queue=False)
