"""A batch row's checks and reference answer, edited in its details and the experiment scored
again (workbench.rescore): a check found wrong on reading the answers — a figure they write
another way, a word too strict — is mended where it was found, nothing is asked again, and the
run's results file keeps the new scores."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from ui.common import CHECKS_HINT, json_box
from ui.compare_view import checks_said, experiment_md, shown_record
from workbench.batch_store import run_file
from workbench.blind import is_blind_pending
from workbench.checks import ExpectError, parse_expect, with_reference_checks
from workbench.experiments import MAX_REFERENCE_CHARS
from workbench.rescore import rescore_experiment


def build_checks_editor() -> dict[str, Any]:
    """Lays out, folded, the checks and reference answer of the experiment shown in a row's details."""
    with gr.Accordion("Checks and reference answer of this experiment (edit them, then score it again)",
                      open=False, elem_id="batch-edit-checks"):
        checks = gr.Code(label="Checks on the answers (JSON)", language="json", lines=3,
                         elem_id="batch-edit-expect")
        gr.Markdown(CHECKS_HINT)
        reference = gr.Textbox(label="Reference answer (read to the judge model)", lines=2,
                               max_length=MAX_REFERENCE_CHARS, elem_id="batch-edit-reference")
        with gr.Row():
            from_reference = gr.Button("Checks from the reference answer (its figures, what it cites, its risk "
                                       "level)", size="sm", elem_id="batch-edit-from-reference")
            rescore = gr.Button("Score this experiment again with these (nothing is asked again; the run keeps "
                                "the new scores)", size="sm", elem_id="batch-rescore")
    return {"checks": checks, "reference": reference, "from_reference": from_reference, "rescore": rescore}


def checks_from_reference(expect_json: str, reference: str) -> Any:
    """The checks in a box, with what the reference answer says that they lack: a number check
    for each figure it states, a cites check for each rule or class it names by number, a risk
    check for the level it gives a transaction (a box update,
    and a message naming what was added; left as it is when there is nothing to add)."""
    if not (reference or "").strip():
        raise gr.Error("Write a reference answer first: each figure it states becomes a number check, each rule "
                       "or class it names by number a cites check, the risk level it gives a transaction a risk "
                       "check.")
    try:
        expect, added = with_reference_checks(expect_json, reference)
    except ExpectError as exc:
        raise gr.Error(f"The checks in the box cannot be read: {exc}.") from None
    if not added:
        gr.Info("The reference answer states no figure and gives no risk level the checks lack, and cites "
                "nothing by number they lack: they are as they were.")
        return gr.skip()
    gr.Info(f"Added from the reference answer: {', '.join(added)}.")
    return json_box(expect)


def bind_checks_editor(edit: dict[str, Any], folder: Path, records: gr.State, run: gr.State, shown: gr.State,
                       shown_parts: list[Any], run_parts: list[Any],
                       run_view: Callable[[list[dict], str, gr.Request], tuple]) -> Any:
    """Binds the editor: `shown` is the record in the row's details, `shown_parts` its head, six
    column parts and how they differ; `run_parts` what `run_view(records, run name, request)`
    fills — the run's table, summary, charts and CSV. Returns the rescore's event, for what
    follows it (the tally, the breakdown)."""
    edit["from_reference"].click(checks_from_reference, [edit["checks"], edit["reference"]], edit["checks"],
                                 api_visibility="private")

    def usable(rec: dict | None, name: str, expect_json: str, reference: str) -> None:
        """Refuses, before anything is written or redrawn, what cannot be scored: no experiment
        shown, a blind one not judged yet, checks that cannot be used, a reference too long."""
        if not rec or not name:
            raise gr.Error("Select a row (or *Judge the next one*) first: its experiment is scored again.")
        if is_blind_pending(rec):
            raise gr.Error("Give your verdict first: which answer passes the checks would tell the systems apart.")
        try:
            parse_expect(expect_json)
        except ExpectError as exc:
            raise gr.Error(f"The checks cannot be used: {exc}.") from None
        if len((reference or "").strip()) > MAX_REFERENCE_CHARS:
            raise gr.Error(f"The reference answer is longer than {MAX_REFERENCE_CHARS:,} characters.")

    def score_again(held: dict[str, dict], name: str, rec: dict, expect_json: str, reference: str,
                    request: gr.Request) -> tuple:
        try:
            new = rescore_experiment(run_file(folder, name), rec["experiment_id"], expect_json, reference)
        except (ExpectError, ValueError) as exc:
            raise gr.Error(f"Not scored again: {exc}.") from None
        except OSError as exc:
            raise gr.Error(f"Not scored again: the run's results file cannot be written "
                           f"({exc.strerror or exc}).") from None
        if new is None:
            gr.Info("Its checks and reference answer are as the run has them: nothing to score again.")
            return (gr.skip(),) * (2 + len(shown_parts) + len(run_parts))
        held = {**held, new["experiment_id"]: new}
        rec = {**rec, **new}  # what the details showed beyond the stored record (a verdict) stays
        parts, differ = shown_record(rec)
        gr.Info(f"{new['experiment_id']} scored again: {checks_said(new)}. The run keeps the new scores.")
        return held, rec, experiment_md(rec), *parts, differ, *run_view(list(held.values()), name, request)

    boxes = [edit["checks"], edit["reference"]]
    return edit["rescore"].click(usable, [shown, run, *boxes], None, api_visibility="private").success(
        score_again, [records, run, shown, *boxes], [records, shown, *shown_parts, *run_parts],
        api_visibility="private")
