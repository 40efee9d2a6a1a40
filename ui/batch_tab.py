"""Compare › Batch: a whole experiment file asked of both systems (bounded concurrency, rows as
they finish, resumable by name), saved runs opened, removed and put back, run against run, the
run's summary, breakdown, charts, report and link, and the judging of its rows (ui.batch_judge)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from engines.base import GenerationParams
from ui.adapters import chosen_adapter
from ui.batch_checks import bind_checks_editor
from ui.batch_judge import build_batch_judging
from ui.batch_runs import CONFIRM_REMOVAL, SavedRuns
from ui.batch_view import (
    TABLE_HEADERS,
    TABLE_WIDTHS,
    progress_md,
    questions_download,
    results_frame,
    results_view,
    saved_run_choices,
)
from ui.breakdown import breakdown_view, build_breakdown
from ui.common import session_cancel, stopper, then_either
from ui.compare_api import start_batch, unwritten_stops
from ui.compare_single import carried_to_single, checked_system_prompt
from ui.experiment_runs import picked_question, picked_run
from ui.leaderboard import EVERY, build_leaderboard, only_of, only_options
from ui.links import WHOLE_LINK, linked
from ui.runs_overview import build_runs_overview, overview_view
from ui.single_examples import offered_examples
from workbench.batch_store import (
    latest_records,
    run_file,
    safe_run_name,
    saved_run_file,
)
from workbench.breakdown import SLUGS, declared_groups, experiments_of
from workbench.compare import MAX_CONCURRENCY, Experiment, still_to_run
from workbench.experiments import ExperimentFileError, load_experiments, with_system_prompt
from workbench.leaderboard import only_choices
from workbench.services import Services
from workbench.summary import SUMMARY_HEADERS

# what the place of a run's results says while no run is shown
NO_RUN_YET = ("*Run batch* asks every experiment of the file (or of the bundled set), or open a saved run: "
              "its rows, verdicts, summary, charts and downloads show here.")


def run_name_for_file(path: str | None) -> str:
    """The run name an uploaded file suggests: its own name, so that each file's answers go to a
    results file of their own; 'bundled' when the upload is cleared."""
    return safe_run_name(Path(path).stem.replace(" ", "-"), "batch") if path else "bundled"


def group_options(experiments: list[Experiment]) -> list[tuple[str, str]]:
    """The groups of a set of experiments to run alone, as the dropdown offers them."""
    return only_options(only_choices(declared_groups(e) for e in experiments))


def build_batch_tab(services: Services, examples: list[Experiment], single: dict[str, Any], param_list: list[Any],
                    chosen_params: Callable[[dict], GenerationParams], b_adapter: gr.Dropdown,
                    system_box: gr.Textbox, inner_tabs: gr.Tabs, tabs: gr.Tabs) -> Callable[[gr.Blocks], None]:
    """Lays out the Batch tab inside Compare's `inner_tabs` and binds it: `examples` the bundled
    experiments, `single` what build_single_tab returned (an uploaded file's questions are offered
    there; a row's experiment is asked again there), `param_list` and `chosen_params` the
    parameter panel's controls and the parameters they set, `b_adapter` System B's adapter menu,
    `system_box` the system prompt of the experiments without their own, `tabs` the app's.
    Returns `bind_link(demo)`, which opens the run a page's link names (ui.links)."""
    settings = services.settings
    comparator = services.comparator()
    kept = SavedRuns(settings.results_dir)  # the saved runs' handlers
    with gr.Tab("Batch", id="compare-batch") as batch_tab:
        with gr.Row():
            with gr.Column(scale=2):
                upload = gr.File(label="Experiments (.jsonl, .csv or an Excel .xlsx; empty = bundled set of "
                                 f"{len(examples)})", file_types=[".jsonl", ".csv", ".json", ".xlsx"],
                                 elem_id="batch-file")
            with gr.Column(scale=3):
                with gr.Row():
                    systems = gr.CheckboxGroup(["A", "B"], value=["A", "B"], label="Systems",
                                               elem_id="batch-systems")
                    concurrency = gr.Slider(1, MAX_CONCURRENCY, value=4, step=1, label="Concurrency",
                                            elem_id="batch-concurrency")
                    limit = gr.Number(0, label="Limit (0 = all)", precision=0, minimum=0,
                                      elem_id="batch-limit")
                    only = gr.Dropdown(group_options(examples), value=EVERY, scale=2, min_width=220,
                                       label="Only the experiments of", elem_id="batch-only")
                run_name = gr.Textbox("bundled", label="Run name (same name = resume, "
                                      "finished experiments are skipped)", max_length=60,
                                      elem_id="batch-run-name")
                read_back = gr.Checkbox(False, label="Read System B's answers again: the figures its model "
                                        "was unsure of (a tenth to a twentieth of the time an answer takes)",
                                        elem_id="batch-read-back")
                with gr.Row():
                    batch_go = gr.Button("Run batch", variant="primary", elem_id="batch-go")
                    batch_stop = gr.Button("Stop", variant="stop", elem_id="batch-stop")
                runs_now = saved_run_choices(settings.results_dir)  # read once for both pickers
                with gr.Row():
                    saved = gr.Dropdown(runs_now, value=None, label="Open a saved run (runs nothing)",
                                        min_width=240, elem_id="batch-saved")  # a run's name, whole
                    against = gr.Dropdown(runs_now, value=None,
                                          label="Set this run against another saved run",
                                          min_width=240, elem_id="batch-against")
                open_file = gr.UploadButton("Open a run's results file (.csv, .xlsx or .jsonl)…", size="sm",
                                            file_types=[".csv", ".xlsx", ".jsonl"], elem_id="batch-open-file")
                with gr.Accordion("Runs removed from the lists", open=False,
                                  elem_id="batch-removed") as removed_box:
                    removed = gr.Dropdown([], value=None, label="A removed run, the last removed first",
                                          elem_id="batch-removed-pick")
                    restore_btn = gr.Button("Put it back on the lists (and open it)", size="sm",
                                            elem_id="batch-restore")
        overview = build_runs_overview()
        build_leaderboard(settings.results_dir)
        progress = gr.Markdown(NO_RUN_YET, elem_id="batch-progress")
        # what a run shows — its rows, the verdicts given on them, its summary, breakdown, charts and
        # downloads — shown with a run (a batch started, a run opened), hidden while none is
        with gr.Column(visible=False, elem_id="batch-run-area") as run_area:
            table = gr.Dataframe(headers=TABLE_HEADERS, label="Results (one row per experiment and "
                                 "system; select a row to read both answers in full)", wrap=True,
                                 max_height=600, column_widths=TABLE_WIDTHS, interactive=False,
                                 show_search="filter", pinned_columns=2, elem_id="batch-table")
            batch_records = gr.State({})  # experiment id -> stored record, for the row details
            shown_run = gr.State("")  # the name of the run they belong to
            judging = build_batch_judging(services, table, batch_records, shown_run)
            with gr.Row():
                summary = gr.Dataframe(headers=SUMMARY_HEADERS, label="Summary", wrap=True,
                                       column_widths=["40%", "20%", "20%", "20%"],  # B against A in view
                                       max_height=640, elem_id="batch-summary")  # every row shown
                routes_md = gr.Markdown(elem_id="batch-routes")
            by_group = build_breakdown()
            with gr.Row():
                plot_latency = gr.Plot(elem_id="batch-plot-latency", show_label=False)
                plot_refusal = gr.Plot(elem_id="batch-plot-refusal", show_label=False)
                plot_tokens = gr.Plot(elem_id="batch-plot-tokens", show_label=False)
            with gr.Row():
                download = gr.DownloadButton("Download CSV", visible=False, elem_id="batch-download")
                workbook = gr.DownloadButton("Download as Excel", visible=False, elem_id="batch-download-xlsx")
                questions = gr.DownloadButton("Download its questions (an experiment file, to run again)",
                                              visible=False, elem_id="batch-download-questions")
                report_btn = gr.Button("Write a report of this run", elem_id="batch-report")
                report = gr.DownloadButton("Download the report (Markdown)", visible=False,
                                           elem_id="batch-report-download")
                report_web = gr.DownloadButton("Download the report (web page)", visible=False,
                                                elem_id="batch-report-html")
                run_link_btn = gr.Button("Link to this run", elem_id="batch-run-link-btn")
                remove_btn = gr.Button("Remove this run from the lists…", variant="stop",
                                       elem_id="batch-remove")
            run_link = gr.Textbox(label="Link: opens this run in the app's Batch tab", buttons=["copy"],
                                  interactive=False, visible=False, elem_id="batch-run-link")
        with gr.Group(visible=False, elem_id="batch-runs") as runs_box:
            runs_md = gr.Markdown(elem_id="batch-runs-head")
            runs_df = gr.Dataframe(label="Summary of both runs, over the experiments they share",
                                   max_height=640, elem_id="batch-runs-table")
            changes_df = gr.Dataframe(label="What changed, experiment by experiment", wrap=True,
                                      max_height=420, show_search="filter", interactive=False,
                                      column_widths=["190px", "75px", "140px", "220px", "220px", "260px"],
                                      elem_id="batch-runs-changes")
            changes_csv = gr.DownloadButton("Download these changes (CSV)", visible=False, size="sm",
                                            elem_id="batch-runs-changes-csv")

    # ---------------------------------------------------------------- what it does

    def batch_ui(data: dict, request: gr.Request) -> Iterator[tuple]:
        file, chosen, conc, lim, name = (data[c] for c in (upload, systems, concurrency, limit, run_name))
        if not chosen:
            raise gr.Error("Choose at least one system.")
        params = chosen_params(data)
        try:
            exps = load_experiments(Path(file), max_bytes=settings.max_file_mb * 1024 * 1024) if file else examples
        except ExperimentFileError as exc:
            raise gr.Error(f"Cannot use this file: {exc}") from None
        if group := only_of(data[only]):
            exps = experiments_of(exps, group)
            if not exps:
                raise gr.Error(f"No experiment of this file is in {SLUGS[group[0]]} {group[1]!r}.")
        if lim and int(lim) > 0:
            exps = exps[: int(lim)]
        exps = with_system_prompt(exps, checked_system_prompt(data[system_box]))
        safe_name = safe_run_name(name, "batch")
        out_path = run_file(settings.results_dir, safe_name)
        cancel = session_cancel(services, request, "batch")
        run = start_batch(comparator, exps, out_path, concurrency=int(conc), systems=tuple(chosen),
                          params=params, cancel=cancel, adapter=chosen_adapter(data[b_adapter]),
                          read_back=bool(data[read_back]))
        ids = {e.id for e in exps}
        # Rows finished by an earlier run (resume) are read once; new ones arrive with progress.
        done = {r["experiment_id"]: r for r in latest_records(out_path, ids)}
        verdicts = kept.verdicts(safe_name, request)  # on a resumed run (read again at the end)
        last_ui = 0.0
        for prog in unwritten_stops(run, out_path):
            if prog.record is not None:
                done[prog.record["experiment_id"]] = prog.record
            now = time.perf_counter()
            final = prog.finished or prog.stopped
            if not final and now - last_ui < 0.5:
                continue
            last_ui = now
            records = list(done.values())
            state = "Finished" if prog.finished else "Stopped" if prog.stopped else "Running"
            if not final:
                yield (progress_md(prog, state), results_frame(records, verdicts),
                       *[gr.update()] * 7, dict(done),
                       safe_name, gr.update(), gr.update())
                continue
            failed = Counter(key for rec in records for key in still_to_run(rec, tuple(chosen)))
            verdicts = kept.verdicts(safe_name, request)  # with those given while it ran
            runs = gr.update(choices=saved_run_choices(settings.results_dir))
            yield (progress_md(prog, state, failed), *results_view(records, safe_name, verdicts), dict(done),
                   safe_name, runs, runs)

    def open_listed(request: gr.Request, evt: gr.SelectData) -> tuple:
        """The run of the row selected in *Every saved run at a glance*, opened below it."""
        name = str((evt.row_value or [""])[0] or "")
        return *kept.opened(name, request, f"**Opened run `{name}`** — "), gr.Accordion(open=False)

    def open_elsewhere(shown: dict | None, request: gr.Request, evt: gr.SelectData) -> tuple:
        """The run of the row selected in a batch row's *This question in the saved runs*, opened
        at the same experiment (judging's show_wanted then shows it), with what was shown of the
        last run (but the details) hidden."""
        name = picked_run(evt)
        if name is None:
            gr.Info("That is the run shown: its details are above.")
            return (gr.skip(),) * (len(batch_outputs) + len(hidden) + 1)
        return (*kept.opened(name, request, f"**Opened run `{name}`** at the experiment shown — "),
                *(gr.update(visible=False) for _ in hidden[1:]), (shown or {}).get("experiment_id"))

    def open_from_single(request: gr.Request, evt: gr.SelectData) -> tuple:
        """The run and experiment of the row selected in Single's *This question in the saved
        runs*, opened under Batch (judging's show_wanted then shows the experiment)."""
        name, exp_id = picked_question(evt)
        return (*kept.opened(name, request, f"**Opened run `{name}`** at `{exp_id}`, asked in Single too — "),
                *(gr.update(visible=False) for _ in hidden), exp_id, gr.Tabs(selected="compare-batch"))

    def open_linked(request: gr.Request) -> tuple:
        """The run the page's address names (?run=NAME), opened in this tab as *Open a saved run*
        opens it; nothing happens without one, and a run this app does not hold is said."""
        name, _ = linked(request)
        skipped = (gr.skip(),) * (len(batch_outputs) + 3)
        if name is None:
            return skipped
        if saved_run_file(settings.results_dir, name) is None:
            gr.Warning(f"The page's link names the run {name!r}, which this app does not hold (any more).")
            return skipped
        return (*kept.opened(name, request, f"**Opened run `{name}` from the page's link** — "),
                gr.Tabs(selected="compare"), gr.Tabs(selected="compare-batch"))

    # the overview is read again when opened, when the tab is, and when a batch ends (cached per run file)
    refresh_overview = {"fn": lambda: overview_view(settings.results_dir), "inputs": None,
                        "outputs": [overview["table"], overview["download"], overview["note"]],
                        "api_visibility": "private"}

    def breakdown_and_questions(held: dict[str, dict] | None, by: str, name: str) -> tuple:
        return (*breakdown_view(held, by, name),
                questions_download(list((held or {}).values()), name or "run", by_question=False))

    # the breakdown and the questions' file follow the run shown (after a batch ends, a run is
    # opened); another grouping picked redraws the breakdown alone
    refresh_breakdown = {"fn": breakdown_and_questions, "inputs": [batch_records, by_group["by"], shown_run],
                         "outputs": [by_group["table"], by_group["download"], questions], "api_visibility": "private"}
    regroup = {**refresh_breakdown, "fn": breakdown_view, "outputs": [by_group["table"], by_group["download"]]}
    batch_outputs = [progress, table, summary, routes_md, plot_latency, plot_refusal, plot_tokens, download, workbook,
                     batch_records, shown_run, saved, against]

    show_run_area = {"fn": lambda held: gr.update(visible=bool(held)), "inputs": batch_records, "outputs": run_area,
                     "api_visibility": "private", "queue": False}

    def then_shown(event: Any, *after: dict[str, Any]) -> Any:
        """`event`, which shows a run (a batch ended, a run opened, scored again…), followed by what
        follows the run shown — its tally and what judging it would cost, its breakdown and its
        questions' file — then the steps `after` (each an event's keywords), one after another. What a
        run shows is shown first, however the event ended: a run opened, hidden: none left (the run
        shown was removed, or a batch was refused)."""
        chain = then_either(event, **show_run_area).then(**judging["refresh"]).then(**refresh_breakdown)
        for step in after:
            chain = chain.then(**step)
        return chain
    upload.change(run_name_for_file, upload, run_name, api_visibility="private", queue=False)
    def file_chosen(path: str | None) -> tuple:
        """The file uploaded (or cleared), read once: its experiments offered as examples under
        Single (one question of it tried first) and its groups to run alone (none for a file that
        cannot be read: Run batch says what is wrong with it)."""
        mine, picker = offered_examples(path, examples)
        return mine, picker, gr.update(choices=group_options(mine if path else examples), value=EVERY)

    upload.change(file_chosen, upload, [single["file_examples"], single["example"], only], api_visibility="private")
    # a new run or another run opened: the row details and the run-against-run view were of the last one
    # (and a report written of the last one)
    hidden = [judging["details"], runs_box, report, report_web, run_link]
    hide_both = {"fn": lambda: tuple(gr.update(visible=False) for _ in hidden), "inputs": None, "outputs": hidden,
                 "api_visibility": "private", "queue": False}
    batch_go.click(**hide_both)
    batch_go.click(lambda: gr.update(visible=True), None, run_area, api_visibility="private", queue=False)
    then_shown(batch_go.click(batch_ui, {upload, systems, concurrency, limit, only, run_name, b_adapter, system_box,
                                         read_back, *param_list},
                              batch_outputs, api_visibility="private", **services.heavy_event), refresh_overview)
    judging["bind_verdicts"]([download, workbook])
    batch_stop.click(stopper(services, "batch"), None, None, api_visibility="private", queue=False)
    saved.input(**hide_both)
    then_shown(saved.input(kept.open, [saved], [*batch_outputs, run_name], api_visibility="private"))
    batch_tab.select(lambda: [gr.update(choices=saved_run_choices(settings.results_dir))] * 2, None,
                     [saved, against], api_visibility="private")
    open_file.upload(**hide_both)
    then_shown(open_file.upload(kept.open_file, [open_file], [*batch_outputs, run_name],
                                api_visibility="private"), refresh_overview)
    overview["box"].expand(**refresh_overview)
    batch_tab.select(**refresh_overview)
    overview["table"].select(**hide_both)
    then_shown(overview["table"].select(open_listed, None, [*batch_outputs, run_name, overview["box"]],
                                        api_visibility="private"))
    # the experiment shown, asked again in Single under the parameters set now
    judging["to_single"].click(carried_to_single, judging["shown"], single["carry"], api_visibility="private"
                               ).success(lambda: gr.Tabs(selected="compare-single"), None, inner_tabs,
                                                    api_visibility="private", queue=False)
    # another run opened at the same experiment: the details stay, showing it from that run
    then_shown(judging["elsewhere"].select(open_elsewhere, judging["shown"],
                                           [*batch_outputs, run_name, *hidden[1:], judging["wanted"]],
                                           api_visibility="private"), judging["show_wanted"])
    then_shown(single["elsewhere"].select(open_from_single, None,
                                          [*batch_outputs, run_name, *hidden, judging["wanted"], inner_tabs],
                                          api_visibility="private"), judging["show_wanted"])
    by_group["by"].input(**regroup)
    then_shown(bind_checks_editor(judging["edit"], settings.results_dir, batch_records, shown_run, judging["shown"],
                                  [judging["head"], *judging["columns"], judging["diff"]], batch_outputs[1:9],
                                  lambda held, name, request: results_view(held, name, kept.verdicts(name, request))),
               refresh_overview)
    report_btn.click(kept.report, [batch_records, shown_run], [report, report_web], api_visibility="private")
    against.input(kept.against, [run_name, against], [runs_box, runs_md, runs_df, changes_df, changes_csv],
                  api_visibility="private")
    remove_btn.click(**hide_both)
    relist_removed = {"fn": kept.removed_choices, "inputs": None, "outputs": removed, "api_visibility": "private"}
    then_shown(remove_btn.click(kept.remove, [shown_run, run_name], [*batch_outputs, run_name],
                                api_visibility="private", js=CONFIRM_REMOVAL),
               refresh_overview, relist_removed)
    removed_box.expand(**relist_removed, queue=False)
    restore_btn.click(**hide_both)
    then_shown(restore_btn.click(kept.restore, [removed], [*batch_outputs, run_name, removed],
                                 api_visibility="private"), refresh_overview)
    run_link_btn.click(kept.link, shown_run, run_link, api_visibility="private", queue=False).then(
        None, run_link, run_link, js=WHOLE_LINK)

    def bind_link(demo: gr.Blocks) -> None:
        then_shown(demo.load(open_linked, None, [*batch_outputs, run_name, tabs, inner_tabs], api_visibility="private"),
                   judging["show_linked"])

    return bind_link
