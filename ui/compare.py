"""Compare tab: System A vs System B side by side, one query or a whole batch."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import gradio as gr

from engines.base import GenerationParams
from ui.batch_view import (
    TABLE_HEADERS,
    TABLE_WIDTHS,
    progress_md,
    results_frame,
    results_view,
    runs_against,
    saved_run_choices,
)
from ui.common import CHECKS_HINT, download_path, json_box, session_cancel, stopper
from ui.compare_log import LOG_HEADERS, LOG_WIDTHS, VERDICT_PROMPT, cleared, remembered, restored_log, shown_again
from ui.compare_view import (
    answer_md,
    differences_md,
    experiment_md,
    metrics_md,
    reasoning_md,
    stored_result_md,
    system_columns,
)
from ui.params import ORDER, build_param_panel, params_from_json, params_from_values
from workbench.checks import ExpectError, parse_expect
from workbench.compare import (
    MAX_CONCURRENCY,
    SYSTEMS,
    BatchProgress,
    BatchResumeError,
    BatchRun,
    Experiment,
    SystemRun,
    latest_records,
    new_experiment_id,
    record,
    run_file,
    safe_run_name,
    still_to_run,
)
from workbench.experiments import ExperimentFileError, bundled, load_experiments
from workbench.export import write_csv
from workbench.history import MAX_KEPT
from workbench.services import Services
from workbench.summary import flat_rows, summarize
from workbench.transactions import TransactionError, parse_transaction
from workbench.verdicts import VERDICTS, latest_verdicts, record_verdict, tally_line


def start_batch(*args: Any, **kwargs: Any) -> BatchRun:
    """A BatchRun, or a clear error before anything runs when resuming would put another run's
    answers in its table (other parameters, or other questions under the same ids)."""
    try:
        return BatchRun(*args, **kwargs)
    except BatchResumeError as exc:
        raise gr.Error(str(exc)) from None


def ad_hoc_experiment(query: str | None, transaction: str | None, run_a: bool, run_b: bool,
                      expect: str | None = None) -> Experiment:
    """The experiment a single comparison asks (the tab's or the /compare endpoint's inputs, the
    checks as JSON text); gr.Error says what is missing or wrong before anything runs."""
    text = (query or "").strip()
    if not text:
        raise gr.Error("Type a query first.")
    if not (run_a or run_b):
        raise gr.Error("Choose at least one system.")
    try:
        parsed = parse_transaction(transaction)
    except TransactionError as exc:
        raise gr.Error(f"Transaction: {exc}") from None
    try:
        checks = parse_expect(expect)
    except ExpectError as exc:
        raise gr.Error(f"Checks: {exc}") from None
    return Experiment(id=new_experiment_id(), query=text, transaction=parsed, expect=checks)


def with_example(exp: Experiment, example: Experiment | None) -> Experiment:
    """The ad hoc experiment with what the chosen example says of its question (its language,
    expected route, category) while its query and transaction are still the example's; the
    checks are the ones in the box, which picking the example filled in."""
    if example is None or (exp.query, exp.transaction) != (example.query, example.transaction):
        return exp
    return replace(example, id=exp.id, expect=exp.expect)


def unwritten_stops(run: BatchRun, out_path: Path) -> Iterator[BatchProgress]:
    """The batch's progress; a results file that cannot be written (a folder the app may not
    write, a full disk) stops it with an error saying so, the answers written before kept."""
    try:
        yield from run.run()
    except OSError as exc:
        raise gr.Error(f"The batch stopped: its results file {out_path} cannot be written ({exc.strerror or exc}). "
                       "What it wrote before is kept; running it again under this name resumes it.") from None


def run_name_for_file(path: str | None) -> str:
    """The run name an uploaded file suggests: its own name, so that each file's answers go to a
    results file of their own; 'bundled' when the upload is cleared."""
    return safe_run_name(Path(path).stem.replace(" ", "-"), "batch") if path else "bundled"


def build_compare_tab(services: Services, log: gr.BrowserState) -> dict[str, Any]:
    """Lays out the tab and binds it; `log` keeps this browser's single comparisons (see
    ui.compare_log.browser_log). Returns its parameter controls and what the app runs on page
    load."""
    settings = services.settings
    comparator = services.comparator()
    try:
        examples = bundled()
    except (ExperimentFileError, OSError):
        examples = []
    example_choices = [(f"{e.id} · {e.query[:70]}", e.id) for e in examples]
    by_id = {e.id: e for e in examples}

    with gr.Tab("Compare", id="compare"):
        compare_preset, param_controls = build_param_panel(
            "compare", "Generation parameters — both systems, single and batch (stored with each result)",
            columns=3)
        param_list = [param_controls[name] for name in ORDER]
        with gr.Tabs():
            with gr.Tab("Single", id="compare-single"):
                with gr.Row():
                    with gr.Column(scale=3):
                        query = gr.Textbox(label="Query", lines=3, max_length=8000, elem_id="cmp-query",
                                           placeholder="e.g. Évalue le risque de cette transaction.")
                        with gr.Row():
                            run_a = gr.Checkbox(True, label="System A (remote MoE)", elem_id="cmp-run-a")
                            run_b = gr.Checkbox(True, label="System B (router + local)", elem_id="cmp-run-b")
                        with gr.Row():
                            go_btn = gr.Button("Compare", variant="primary", elem_id="cmp-go")
                            stop_btn = gr.Button("Stop", variant="stop", elem_id="cmp-stop")
                    with gr.Column(scale=2):
                        example = gr.Dropdown(example_choices, label="Example from the experiment set",
                                              value=None, elem_id="cmp-example")
                        tx = gr.Code(label="Transaction (optional JSON)", language="json", lines=6,
                                     elem_id="cmp-tx")
                        checks = gr.Code(label="Checks on the answers (optional JSON)", language="json", lines=3,
                                         elem_id="cmp-expect")
                        gr.Markdown(CHECKS_HINT, elem_id="cmp-expect-hint")
                cols = system_columns("cmp")
                diff = gr.Markdown(elem_id="cmp-diff")
                last = gr.State(None)
                verdict_note = gr.Markdown(elem_id="cmp-verdict-note")  # above the buttons it introduces
                with gr.Row():
                    verdict_btns = [gr.Button(v, size="sm", elem_id=f"cmp-verdict-{i}")
                                    for i, v in enumerate(VERDICTS)]
                verdicts_csv = gr.DownloadButton("Download verdicts (CSV)", visible=False, size="sm",
                                                 elem_id="cmp-verdicts-csv")
                with gr.Accordion("Comparisons in this browser", open=True, elem_id="cmp-log-box"):
                    log_table = gr.Dataframe(
                        headers=LOG_HEADERS, max_height=320, column_widths=LOG_WIDTHS,
                        interactive=False, elem_id="cmp-log",
                        label=f"The last {MAX_KEPT} single comparisons run here, newest first, with their "
                              "verdicts (kept across reloads; select a row to show it again above)")
                    with gr.Row():
                        log_csv = gr.DownloadButton("Download these comparisons (CSV)", visible=False, size="sm",
                                                    elem_id="cmp-log-csv")
                        log_clear = gr.Button("Clear the list", size="sm", elem_id="cmp-log-clear")

            with gr.Tab("Batch", id="compare-batch") as batch_tab:
                with gr.Row():
                    with gr.Column(scale=2):
                        upload = gr.File(label="Experiments (.jsonl or .csv; empty = bundled set of "
                                         f"{len(examples)})", file_types=[".jsonl", ".csv", ".json"],
                                         elem_id="batch-file")
                    with gr.Column(scale=3):
                        with gr.Row():
                            systems = gr.CheckboxGroup(["A", "B"], value=["A", "B"], label="Systems",
                                                       elem_id="batch-systems")
                            concurrency = gr.Slider(1, MAX_CONCURRENCY, value=4, step=1, label="Concurrency",
                                                    elem_id="batch-concurrency")
                            limit = gr.Number(0, label="Limit (0 = all)", precision=0, minimum=0,
                                              elem_id="batch-limit")
                        run_name = gr.Textbox("bundled", label="Run name (same name = resume, "
                                              "finished experiments are skipped)", max_length=60,
                                              elem_id="batch-run-name")
                        with gr.Row():
                            batch_go = gr.Button("Run batch", variant="primary", elem_id="batch-go")
                            batch_stop = gr.Button("Stop", variant="stop", elem_id="batch-stop")
                        runs_now = saved_run_choices(settings.results_dir)  # read once for both pickers
                        with gr.Row():
                            saved = gr.Dropdown(runs_now, value=None, label="Open a saved run (runs nothing)",
                                                elem_id="batch-saved")
                            against = gr.Dropdown(runs_now, value=None,
                                                  label="Set this run against another saved run",
                                                  elem_id="batch-against")
                progress = gr.Markdown(elem_id="batch-progress")
                table = gr.Dataframe(headers=TABLE_HEADERS, label="Results (one row per experiment and "
                                     "system; select a row to read both answers in full)", wrap=True,
                                     max_height=420, column_widths=TABLE_WIDTHS, interactive=False,
                                     show_search="filter", pinned_columns=2, elem_id="batch-table")
                batch_records = gr.State({})  # experiment id -> stored record, for the row details
                with gr.Group(visible=False, elem_id="batch-details") as details:
                    details_head = gr.Markdown(elem_id="batch-details-head")
                    details_cols = system_columns("batch-details")
                    details_diff = gr.Markdown(elem_id="batch-details-diff")
                with gr.Row():
                    summary = gr.Dataframe(headers=["metric", "System A", "System B"], label="Summary",
                                           max_height=640, elem_id="batch-summary")  # every row shown
                    routes_md = gr.Markdown(elem_id="batch-routes")
                with gr.Row():
                    plot_latency = gr.Plot(elem_id="batch-plot-latency", show_label=False)
                    plot_refusal = gr.Plot(elem_id="batch-plot-refusal", show_label=False)
                    plot_tokens = gr.Plot(elem_id="batch-plot-tokens", show_label=False)
                download = gr.DownloadButton("Download CSV", visible=False, elem_id="batch-download")
                with gr.Group(visible=False, elem_id="batch-runs") as runs_box:
                    runs_md = gr.Markdown(elem_id="batch-runs-head")
                    runs_df = gr.Dataframe(label="Summary of both runs, over the experiments they share",
                                           max_height=640, elem_id="batch-runs-table")

    # ---------------------------------------------------------------- single

    def pick_example(exp_id: str | None):
        exp = by_id.get(exp_id or "")
        if exp is None:
            return gr.update(), gr.update(), gr.update()
        return exp.query, json_box(exp.transaction), json_box(exp.expect)

    def chosen_params(data: dict) -> GenerationParams:
        return params_from_values({name: data[param_controls[name]] for name in ORDER})

    def compare_ui(data: dict, request: gr.Request) -> Iterator[tuple]:
        """`data`: every input by component (a set of inputs), so the parameters need no argument each."""
        do_a, do_b = data[run_a], data[run_b]
        exp = with_example(ad_hoc_experiment(data[query], data[tx], do_a, do_b, data[checks]),
                           by_id.get(data[example] or ""))
        params = chosen_params(data)
        cancel = session_cancel(services, request, "compare")
        runs: dict[str, SystemRun] = {}
        for runs in comparator.stream(exp, do_a, do_b, cancel, params):
            out = []
            for key in ("A", "B"):
                run = runs[key]
                out += [reasoning_md(run.reasoning), answer_md(run), metrics_md(run)]
            yield (*out, "", gr.update(), "")
        rec = record(exp, runs, params)
        yield (*out, differences_md(rec), rec, VERDICT_PROMPT)


    def give_verdict(verdict: str, rec: dict | None) -> tuple[dict | None, str, Any]:
        if not rec:
            return rec, "Run a comparison first.", gr.update()
        path = settings.results_dir / "verdicts.jsonl"
        try:
            rec = record_verdict(path, rec, verdict)
        except OSError as exc:
            raise gr.Error(f"The verdict could not be recorded: {path} cannot be written "
                           f"({exc.strerror or exc}).") from None
        judged = latest_verdicts(path)
        csv_path = download_path("verdicts")
        write_csv(flat_rows(judged), csv_path, bom=True)
        return (rec, f"Verdict **{verdict}** recorded for `{rec['experiment_id']}`.\n\n"
                     f"All verdicts recorded here: {tally_line(judged)}.",
                gr.update(value=str(csv_path), visible=True))

    outputs = [c for key in ("A", "B") for c in cols[key]] + [diff, last, verdict_note]
    example.change(pick_example, [example], [query, tx, checks], api_visibility="private")
    compare_inputs = {query, tx, checks, run_a, run_b, example, *param_list}
    # a comparison that ended, or a verdict given, goes into this browser's log
    log_out = [log, log_table, log_csv]
    keep = {"fn": remembered, "inputs": [last, log], "outputs": log_out, "api_visibility": "private",
            "queue": False}
    for trigger in (go_btn.click, query.submit):
        trigger(compare_ui, compare_inputs, outputs, api_visibility="private", **services.heavy_event).success(**keep)
    stop_btn.click(stopper(services, "compare"), None, None, api_visibility="private", queue=False)
    for btn, verdict in zip(verdict_btns, VERDICTS, strict=True):
        btn.click(lambda rec, v=verdict: give_verdict(v, rec), [last], [last, verdict_note, verdicts_csv],
                  api_visibility="private").success(**keep)
    log_table.select(shown_again, [log], [query, tx, checks, *outputs], api_visibility="private")
    log_clear.click(cleared, None, log_out, api_visibility="private", queue=False)

    # ---------------------------------------------------------------- batch

    def batch_ui(data: dict, request: gr.Request) -> Iterator[tuple]:
        file, chosen, conc, lim, name = (data[c] for c in (upload, systems, concurrency, limit, run_name))
        if not chosen:
            raise gr.Error("Choose at least one system.")
        params = chosen_params(data)
        try:
            exps = load_experiments(Path(file), max_bytes=settings.max_file_mb * 1024 * 1024) if file else examples
        except ExperimentFileError as exc:
            raise gr.Error(f"Cannot use this file: {exc}") from None
        if lim and int(lim) > 0:
            exps = exps[: int(lim)]
        safe_name = safe_run_name(name, "batch")
        out_path = run_file(settings.results_dir, safe_name)
        cancel = session_cancel(services, request, "batch")
        run = start_batch(comparator, exps, out_path, concurrency=int(conc), systems=tuple(chosen),
                          params=params, cancel=cancel)
        ids = {e.id for e in exps}
        # Rows finished by an earlier run (resume) are read once; new ones arrive with progress.
        done = {r["experiment_id"]: r for r in latest_records(out_path, ids)}
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
                yield (progress_md(prog, state), results_frame(records),
                       gr.update(), gr.update(), gr.update(), gr.update(), gr.update(), gr.update(), dict(done),
                       gr.update(), gr.update())
                continue
            failed = Counter(key for rec in records for key in still_to_run(rec, tuple(chosen)))
            runs = gr.update(choices=saved_run_choices(settings.results_dir))
            yield progress_md(prog, state, failed), *results_view(records, safe_name), dict(done), runs, runs

    def open_run(name: str | None) -> tuple:
        """A saved run's results, as they stood when it last wrote; *Run batch* under its name resumes it."""
        path = run_file(settings.results_dir, safe_run_name(name, ""))
        records = latest_records(path) if name and path.is_file() else []
        if not records:
            raise gr.Error(f"The run {name!r} has no saved results (any more).")
        answered = {key: sum(not still_to_run(rec, (key,)) for rec in records) for key in SYSTEMS}
        counts = ", ".join(f"System {key} answered {n}" for key, n in answered.items())
        status = (f"**Opened run `{name}`** — {len(records)} experiments ({counts}). *Run batch* under this "
                  "name (with the file it used) resumes it.")
        return (status, *results_view(records, safe_run_name(name, "batch")),
                {r["experiment_id"]: r for r in records}, gr.update(), gr.update(), name)

    def set_against(current: str, other: str | None) -> tuple:
        try:
            head, frame = runs_against(settings.results_dir, current, other)
        except ValueError as exc:
            raise gr.Error(str(exc)) from None
        return gr.Group(visible=True), head, frame

    def show_details(records: dict[str, dict], evt: gr.SelectData) -> tuple:
        rec = records.get(str((evt.row_value or [""])[0]))
        if rec is None:  # a row of an earlier run whose records this session no longer holds
            return (gr.update(visible=False), "", *([""] * 6), "")
        out = [part for name in SYSTEMS.values() for part in stored_result_md(rec.get(name))]
        return (gr.update(visible=True), experiment_md(rec), *out, differences_md(rec))

    batch_outputs = [progress, table, summary, routes_md, plot_latency, plot_refusal, plot_tokens, download,
                     batch_records, saved, against]
    table.select(show_details, [batch_records],
                 [details, details_head, *[c for key in ("A", "B") for c in details_cols[key]], details_diff],
                 api_visibility="private")
    upload.change(run_name_for_file, upload, run_name, api_visibility="private", queue=False)
    # a new run or another run opened: the row details and the run-against-run view were of the last one
    hide_both = {"fn": lambda: (gr.update(visible=False),) * 2, "inputs": None, "outputs": [details, runs_box],
                 "api_visibility": "private", "queue": False}
    batch_go.click(**hide_both)
    batch_go.click(batch_ui, {upload, systems, concurrency, limit, run_name, *param_list}, batch_outputs,
                   api_visibility="private", **services.heavy_event)
    batch_stop.click(stopper(services, "batch"), None, None, api_visibility="private", queue=False)
    saved.input(**hide_both)
    saved.input(open_run, [saved], [*batch_outputs, run_name], api_visibility="private")
    batch_tab.select(lambda: [gr.update(choices=saved_run_choices(settings.results_dir))] * 2, None,
                     [saved, against], api_visibility="private")
    against.input(set_against, [run_name, against], [runs_box, runs_md, runs_df], api_visibility="private")
    return {"controls": param_controls, "preset": compare_preset,
            "on_load": {"fn": restored_log, "inputs": [log], "outputs": log_out}}


def api_compare(services: Services):
    comparator = services.comparator()

    def compare(query: str, transaction_json: str = "", run_system_a: bool = True,
                run_system_b: bool = True, params_json: str = "{}", expect_json: str = "") -> dict[str, Any]:
        """Compare one query on both systems (`params_json`: generation parameters for both, as
        for /chat; `expect_json`: checks on the answers, as an experiment's `expect`); returns
        the same record as POST /api/compare."""
        exp = ad_hoc_experiment(query, transaction_json, run_system_a, run_system_b, expect_json)
        return comparator.run(exp, run_system_a, run_system_b, params=params_from_json(params_json))
    return compare


def api_batch(services: Services):
    comparator = services.comparator()
    settings = services.settings

    def batch(experiments_jsonl: str = "", systems: str = "A,B", concurrency: int = 4,
              limit: int = 0, run_name: str = "api", params_json: str = "{}") -> Iterator[dict[str, Any]]:
        """Run a batch (JSONL text, or empty for the bundled set; `params_json` as for /compare);
        streams progress, ends with a summary."""
        params = params_from_json(params_json)
        try:
            exps = load_experiments(experiments_jsonl, name="api.jsonl") if experiments_jsonl.strip() \
                else bundled()
        except ExperimentFileError as exc:
            raise gr.Error(str(exc)) from None
        chosen = tuple(s.strip().upper() for s in systems.split(",") if s.strip())
        if not chosen or set(chosen) - {"A", "B"}:
            raise gr.Error("systems must be A, B or A,B")
        if limit and limit > 0:
            exps = exps[:limit]
        safe_name = safe_run_name(run_name, "api")
        out_path = run_file(settings.results_dir, safe_name)
        run = start_batch(comparator, exps, out_path, concurrency=max(1, min(MAX_CONCURRENCY, int(concurrency))),
                          systems=chosen, params=params)
        for prog in unwritten_stops(run, out_path):
            if prog.finished or prog.stopped:
                records = latest_records(out_path, {e.id for e in exps})
                yield {"done": prog.done, "total": prog.total, "finished": True,
                       "skipped": prog.skipped, "retried": prog.retried,
                       "results_file": out_path.name, "summary": summarize(records)}
            else:
                yield {"done": prog.done, "total": prog.total, "finished": False}
    return batch
