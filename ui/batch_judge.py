"""Judging a batch run in the Compare tab: a row's details (both answers side by side) with
verdict buttons, and *Judge the next one* walking through the experiments both systems answered
that have no verdict yet, blind if asked (workbench.blind). Verdicts are kept with the run's
name, counted under the table and shown in its *verdict* column and the run's CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from ui.batch_checks import build_checks_editor
from ui.batch_view import results_frame, run_downloads
from ui.common import json_box
from ui.compare_view import column_frame, experiment_md, shown_record, system_columns
from ui.comparison_file import build_comparison_files, comparison_files
from ui.experiment_runs import build_experiment_runs, experiment_runs_view
from ui.judging import VIEW_SIZE, give_verdict, judge_of, verdict_prompt
from ui.leaderboard import EVERY, only_of, only_options
from ui.links import WHOLE_LINK, link_query, linked
from ui.model_judge import bind_model_judge, build_model_judge, estimate_of, model_said
from workbench.blind import blind_left, is_blind_pending
from workbench.breakdown import SLUGS, experiment_groups
from workbench.differences import disagreements
from workbench.judge_tally import judge_lines
from workbench.leaderboard import only_choices
from workbench.model_judge import model_verdicts, model_verdicts_file
from workbench.report import run_tally
from workbench.run_csv import table_verdicts, verdict_columns, with_verdicts
from workbench.services import Services
from workbench.verdicts import (
    MAX_NOTE_CHARS,
    VERDICTS,
    by_experiment,
    latest_verdicts,
    next_to_judge,
    run_verdicts,
    verdicts_file,
)


def build_batch_judging(services: Services, table: gr.Dataframe, records: gr.State,
                        run: gr.State) -> dict[str, Any]:
    """Lays out the judging controls and the row details under the batch table, and binds them:
    `records` holds the shown run's records (experiment id -> record), `run` its name. Returns
    the details group (hidden when another run is shown), what binds the verdict buttons once
    the run's download buttons are laid out, and what refreshes the tally."""
    folder = services.settings.results_dir
    path = verdicts_file(folder)

    def tally_of(held: dict[str, dict], name: str, judged: list[dict[str, Any]] | None = None,
                 models: list[dict[str, Any]] | None = None) -> str:
        """The tally under the table: the analysts' verdicts (`judged`), then the judge models'
        (`models`), each read when not given."""
        if not name or not held:
            return ""
        judged = latest_verdicts(path, name) if judged is None else judged
        models = model_verdicts(model_verdicts_file(folder), name) if models is None else models
        return run_tally(name, list(held.values()), judged, judge_lines(models, list(held.values()), judged))

    with gr.Row(equal_height=True):
        next_btn = gr.Button("Judge the next one (an experiment without a verdict; key N)", size="sm",
                             elem_id="batch-judge-next")
        blind = gr.Checkbox(False, label="Blind: answers as left and right, systems named after the verdict",
                            elem_id="batch-judge-blind")
        disagreeing = gr.Checkbox(False, label="Disagreements first: where one refused, answered in another "
                                  "language, passed its checks or finished alone, then where their figures differ",
                                  elem_id="batch-judge-disagree")
        unsure_first = gr.Checkbox(False, label="Where the judge model was unsure first: its two readings "
                                   "disagreed", elem_id="batch-judge-unsure")
        only = gr.Dropdown([(EVERY, EVERY)], value=EVERY, label="Judge only the experiments of",
                           elem_id="batch-judge-only")
    tally = gr.Markdown(elem_id="batch-judge-tally")
    by_model = build_model_judge(services)
    shown = gr.State(None)  # the record in the details, as shown (blind or not)
    with gr.Group(visible=False, elem_id="batch-details") as details:
        head = gr.Markdown(elem_id="batch-details-head", elem_classes=["detail-title"])
        with gr.Row(equal_height=True):
            to_single = gr.Button("Ask it again in Single", size="sm", scale=1, elem_id="batch-to-single")
            link_btn = gr.Button("Link to this experiment", size="sm", scale=1, elem_id="batch-link-btn")
            link = gr.Textbox(label="Link: opens this run and this experiment's details in the app", scale=4,
                              buttons=["copy"], interactive=False, elem_id="batch-link")
        cols, titles = system_columns("batch-details")
        diff = gr.Markdown(elem_id="batch-details-diff")
        edit = build_checks_editor()
        note = gr.Markdown(elem_id="batch-verdict-note")
        why = gr.Textbox(label="Why (optional; kept with your verdict and in the CSV)", max_length=MAX_NOTE_CHARS,
                         elem_id="batch-verdict-why")
        with gr.Row():
            buttons = [gr.Button(v, size="sm", elem_id=f"batch-verdict-{i}") for i, v in enumerate(VERDICTS)]
        with gr.Row():
            write_up, write_up_md, write_up_page = build_comparison_files("batch")
        elsewhere = build_experiment_runs()
    runs_of = [elsewhere["note"], elsewhere["table"]]  # this question in the saved runs
    col_parts = [c for key in ("A", "B") for c in cols[key]]
    frame = [titles["A"], titles["B"], *buttons[:2]]
    write_ups = [write_up_md, write_up_page]  # of the experiment shown: hidden when another is
    view_out = [details, head, *col_parts, diff, shown, note, why, *frame, edit["checks"], edit["reference"], link,
                *runs_of, *write_ups]
    nothing = (gr.skip(),) * len(view_out)

    def view(rec: dict[str, Any], run_name: str, is_blind: bool, judge: str | None) -> tuple:
        if is_blind:
            rec = {**rec, "blind_left": blind_left()}
        parts, differ = shown_record(rec)
        judged = run_verdicts(path, run_name, judge).get(rec["experiment_id"])
        prompt = verdict_prompt(rec, judged)
        if judged:  # the model's verdict once the analyst's is given, so that it does not sway them
            prompt += model_said(table_verdicts(folder, run_name, {}).get(rec["experiment_id"]))
        return (gr.update(visible=True), experiment_md(rec), *parts, differ, rec, prompt, "",
                *column_frame(is_blind), json_box(rec.get("expect")), rec.get("reference") or "", "",
                *experiment_runs_view(folder, rec, run_name, judge), *[gr.update(visible=False)] * 2)

    def show_row(held: dict[str, dict], run_name: str, evt: gr.SelectData, request: gr.Request) -> tuple:
        rec = held.get(str((evt.row_value or [""])[0]))
        if rec is None:  # a row of an earlier run whose records this session no longer holds
            return (gr.update(visible=False), *nothing[1:])
        return view(rec, run_name, False, judge_of(request))

    def show_next(held: dict[str, dict], run_name: str, current: dict | None, is_blind: bool,
                  first_disagreements: bool, first_unsure: bool, group: str, request: gr.Request) -> tuple:
        if not held:
            raise gr.Error("Run a batch or open a saved run first.")
        judge = judge_of(request)  # the next one this analyst has not judged
        wanted = only_of(group)
        of = f"run {run_name!r}" + (f" whose {SLUGS[wanted[0]]} is {wanted[1]!r}" if wanted else "")
        rows = [r for r in held.values() if wanted is None or wanted in experiment_groups(r)]
        models = model_verdicts(model_verdicts_file(folder), run_name) if first_unsure else []
        if first_unsure and not models:
            gr.Info("No judge model has judged this run yet (Judge with a model): nothing to put first.")
        unsure = {r["experiment_id"] for r in models if not r.get("consistent", True)}
        rec = next_to_judge(rows, set(run_verdicts(path, run_name, judge)),
                            (current or {}).get("experiment_id"), first_disagreements, unsure)
        if rec is None:
            gr.Info(f"Every experiment of {of} that both systems answered has your verdict.")
            return nothing
        if models and rec["experiment_id"] not in unsure:
            gr.Info("None left where the judge model was unsure (where its two readings disagreed): this is the "
                    "next one in run order.")
        elif first_disagreements and not disagreements(rec):
            gr.Info("No disagreement left to judge: the answers still without your verdict agree on refusal, "
                    "language, checks and completion.")
        return view(rec, run_name, is_blind, judge)

    def give(choice: int, rec: dict | None, run_name: str, held: dict[str, dict], judge: str | None,
             said_why: str) -> tuple:
        if not rec:
            return rec, "Select a row or *Judge the next one* first.", *[gr.skip()] * (VIEW_SIZE + 9)
        rec, said, shown_view = give_verdict(choice, rec, path, run_name, judge, said_why)
        # read once: everyone's verdicts for the tally, this judge's for the table and the run's CSV,
        # and the judge models' for both
        judged, models = latest_verdicts(path, run_name), model_verdicts(model_verdicts_file(folder), run_name)
        mine = verdict_columns(by_experiment(judged, judge), models)
        said += model_said(mine.get(rec["experiment_id"]))
        rows = list(held.values())
        return (rec, said, *shown_view, tally_of(held, run_name, judged, models),
                results_frame(rows, mine), "", *run_downloads(rows, run_name, mine),
                *experiment_runs_view(folder, rec, run_name, judge),  # its verdict there; a blind one's shown
                *[gr.update(visible=False)] * 2)  # a write-up of it is out of date

    def button(choice: int) -> Callable[..., tuple]:
        def clicked(rec: dict | None, run_name: str, held: dict[str, dict], said_why: str,
                    request: gr.Request) -> tuple:  # typed: Gradio hands in the request
            return give(choice, rec, run_name, held, judge_of(request), said_why)
        return clicked

    def show_linked(held: dict[str, dict], run_name: str, request: gr.Request) -> tuple:
        """The experiment the page's address names (?run=…&experiment=…), once its run is open."""
        wanted_run, wanted = linked(request)
        if not wanted or wanted_run is None or not held:
            return nothing
        rec = held.get(wanted)
        if rec is None:
            gr.Warning(f"Run {run_name!r} holds no experiment {wanted!r}: the link's run is open, not that experiment.")
            return nothing
        return view(rec, run_name, False, judge_of(request))

    wanted = gr.State(None)  # the experiment to show once the run opened from a *saved runs* table is open

    def show_wanted(held: dict[str, dict], run_name: str, exp_id: str | None, request: gr.Request) -> tuple:
        """The experiment `exp_id` of the run opened from a *This question in the saved runs*
        table (a row's details' or Single's), shown in the details."""
        rec = held.get(exp_id or "")
        return nothing if rec is None else view(rec, run_name, False, judge_of(request))

    def write_shown(rec: dict | None, run_name: str, request: gr.Request) -> tuple:
        """The experiment shown written up, with the verdict this analyst gave it and the judge
        model's (ui.comparison_file)."""
        if rec and not is_blind_pending(rec):
            mine = run_verdicts(path, run_name, judge_of(request))
            [rec] = with_verdicts([rec], table_verdicts(folder, run_name, mine))
        return comparison_files(rec, run_name)

    private = {"api_visibility": "private"}
    write_up.click(write_shown, [shown, run], write_ups, **private)
    table.select(show_row, [records, run], view_out, **private)
    link_btn.click(lambda name, rec: link_query(name, (rec or {}).get("experiment_id")), [run, shown], link,
                   **private, queue=False).then(None, link, link, js=WHOLE_LINK)
    next_btn.click(show_next, [records, run, shown, blind, disagreeing, unsure_first, only], view_out, **private)

    def bind_verdicts(downloads: list[gr.DownloadButton]) -> None:
        """Bind the verdict buttons; `downloads`, the run's CSV and workbook (laid out below the
        details), are written again with each verdict."""
        for choice, btn in enumerate(buttons):
            btn.click(button(choice), [shown, run, records, why],
                      [shown, note, *col_parts, diff, *frame, tally, table, why, *downloads, *runs_of, *write_ups],
                      **private)
        bind_model_judge(services, by_model, records, run, table, tally, downloads, tally_of)

    estimate = estimate_of(services)

    def refresh(held: dict[str, dict] | None, run_name: str, label: str, rules: str, group: str) -> tuple:
        """The run shown changed: its tally, what judging it with a model would cost (the model
        verdicts read once for both), and the groups of its experiments to judge alone (the one
        chosen kept while the run has it)."""
        every = model_verdicts(model_verdicts_file(folder))
        groups = only_options(only_choices(experiment_groups(r) for r in (held or {}).values()))
        kept = group if group in [value for _, value in groups] else EVERY
        return (tally_of(held, run_name, None, [v for v in every if v["run"] == run_name]),
                estimate(held, run_name, label, rules, every), gr.update(choices=groups, value=kept))

    return {"details": details, "bind_verdicts": bind_verdicts, "shown": shown, "head": head,
            "show_linked": {"fn": show_linked, "inputs": [records, run], "outputs": view_out, **private},
            "columns": col_parts, "diff": diff, "edit": edit, "elsewhere": elsewhere["table"], "to_single": to_single,
            "wanted": wanted,
            "show_wanted": {"fn": show_wanted, "inputs": [records, run, wanted], "outputs": view_out, **private},
            "refresh": {"fn": refresh, "inputs": [records, run, by_model["engine"], by_model["rules"], only],
                        "outputs": [tally, by_model["estimate"], only], "queue": False, **private}}
