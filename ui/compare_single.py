"""Compare's Single tab: one query (and transaction) to both systems side by side, how they
differ, verdicts (blind or not), and the log of the comparisons run in this browser."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from engines.base import GenerationParams
from ui.adapters import chosen_adapter, menu_value
from ui.answer_confidence import answer_confidence_view, build_answer_confidence
from ui.batch_checks import checks_from_reference
from ui.common import BASE_MODEL, CHECKS_HINT, download_path, json_box, session_cancel, stopper, then_either
from ui.compare_log import LOG_EMPTY, LOG_HEADERS, LOG_WIDTHS, cleared, remembered, restored_log, shown_again
from ui.compare_view import (
    BLIND_PROMPT,
    BLIND_WAITING,
    answer_md,
    checks_said,
    column_frame,
    metrics_md,
    reasoning_md,
    shown_record,
    stored_result_md,
    system_columns,
)
from ui.comparison_file import build_comparison_files, comparison_files
from ui.experiment_runs import build_experiment_runs, question_runs_view
from ui.judging import VERDICT_PROMPT, VIEW_SIZE, give_verdict, judge_of
from ui.model_judge import judge_choices, judged_single
from ui.params import ORDER, control_values
from ui.single_examples import EXAMPLE_LABEL, FROM_FILE, example_choices, with_example
from workbench.blind import blind_left, is_blind_pending
from workbench.checks import ExpectError, parse_expect, rechecked
from workbench.compare import (
    SYSTEMS,
    Experiment,
    SystemRun,
    experiment_of,
    failed_systems,
    new_experiment_id,
    record,
    with_earlier,
)
from workbench.experiment_runs import QUESTION_COLUMNS
from workbench.experiments import MAX_REFERENCE_CHARS, system_prompt_problem
from workbench.export import write_csv
from workbench.history import MAX_KEPT
from workbench.model_judge import MAX_RULES_CHARS
from workbench.presets import CUSTOM
from workbench.services import LOCAL, REMOTE, Services
from workbench.transactions import TransactionError, parse_transaction
from workbench.verdict_stats import agreement_line, preference_line
from workbench.verdicts import MAX_NOTE_CHARS, VERDICTS, latest_verdicts, tally_line, verdict_rows, verdicts_file

# what stands where a comparison shows until one is run or picked
NO_COMPARISON_YET = ("*Compare* asks both systems the query: their reasoning, answers and figures show here side by "
                     "side, with how they differ and your verdict (or select a comparison in the list below).")


def retry_label(rec: dict | None) -> Any:
    """The button that asks again the systems of the comparison shown that failed or were
    stopped: hidden when none did."""
    keys = failed_systems(rec)
    if not keys:
        return gr.update(visible=False)
    return gr.update(visible=True, value=f"Ask {'both systems' if len(keys) == 2 else f'System {keys[0]}'} again")


def ad_hoc_experiment(query: str | None, transaction: str | None, run_a: bool, run_b: bool,
                      expect: str | None = None, system_prompt: str | None = None) -> Experiment:
    """The experiment a single comparison asks (the tab's or the /compare endpoint's inputs, the
    checks as JSON text, the system prompt both systems are given); gr.Error says what is missing
    or wrong before anything runs."""
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
    return Experiment(id=new_experiment_id(), query=text, transaction=parsed, expect=checks,
                      system_prompt=checked_system_prompt(system_prompt))


def checked_system_prompt(value: str | None) -> str | None:
    """The system prompt typed in Compare's box (None for none); gr.Error when it cannot be used."""
    if problem := system_prompt_problem(value):
        raise gr.Error(problem[0].upper() + problem[1:] + ".")
    return (value or "").strip() or None


def carried_to_single(rec: dict[str, Any] | None) -> tuple:
    """A batch run's experiment (its record) put in Single's boxes — query, transaction, checks,
    reference answer — with no example picked, and kept (what it says of its question goes with
    the comparison, as an example's does: with_example), and the system prompt it was asked
    under in Compare's (none: emptied)."""
    if not rec:
        raise gr.Error("Select a row or *Judge the next one* first.")
    exp = experiment_of(rec)
    gr.Info(f"{exp.id} is in Single's boxes: set the parameters if you like, then Compare asks it again.")
    return exp.query, json_box(exp.transaction), json_box(exp.expect), exp.reference or "", None, exp, \
        exp.system_prompt or ""


def chat_to_single(services: Services, history: list[Any]) -> tuple:
    """Chat's last question put in Single's boxes (no transaction, checks or reference: a question
    asked in Chat has none), and the system prompt, parameters and System B's adapter it was asked
    with in Compare's controls: Single's boxes and the system prompt (as carried_to_single), the
    controls in ORDER, the preset (Custom) and the adapter menu."""
    if not history:
        raise gr.Error("Ask a question in Chat first.")
    last = history[-1]
    try:
        params = GenerationParams(**(last.params or {}))
    except (TypeError, ValueError):
        params = GenerationParams()
    adapter = last.adapter if last.engine == LOCAL and last.adapter else BASE_MODEL
    alone = " Compare asks it without the conversation before it." if len(history) > 1 else ""
    told = " and system prompt" if last.system_prompt else ""
    on = ("" if adapter == BASE_MODEL
          else f", System B with the adapter {adapter}" if adapter in services.local.adapters
          else f" (System B's adapter {adapter} is not loaded now: the base model answers)")
    gr.Info(f"Chat's last question is in Single's box, under the parameters{told} it was asked with{on}.{alone} "
            "Compare asks both systems.")
    return (last.question, "", "", "", None, None, last.system_prompt or "", *control_values(params), CUSTOM,
            menu_value(services, adapter))


def build_single_tab(services: Services, log: gr.BrowserState, examples: list[Experiment],
                     param_controls: dict[str, Any], chosen_params: Callable[[dict], GenerationParams],
                     b_adapter: gr.Dropdown, system_box: gr.Textbox) -> dict[str, Any]:
    """Lays out the Single tab (inside the Compare tab's tabs) and binds it: `examples` fill the
    example picker, `param_controls` are the Compare tab's parameters, read by `chosen_params`,
    `b_adapter` its menu of System B's adapter, `system_box` its system prompt;
    `log` keeps this browser's comparisons (ui.compare_log.browser_log). Returns what the app runs
    on page load (the log read back: `on_load`), and the example picker with the session's
    examples from an uploaded file (`example`, `file_examples`: offered_examples fills them)."""
    settings = services.settings
    comparator = services.comparator()
    by_id = {e.id: e for e in examples}

    def example_of(value: str | None, mine: list[Experiment] | None) -> Experiment | None:
        if (value or "").startswith(FROM_FILE):
            return next((e for e in mine or [] if FROM_FILE + e.id == value), None)
        return by_id.get(value or "")
    param_list = [param_controls[name] for name in ORDER]

    with gr.Tab("Single", id="compare-single"):
        # this session's experiments from the file uploaded under Batch (made in the tab: Tabs hold tabs alone)
        file_examples = gr.State([])
        # a batch run's experiment brought here from its row (*Ask it again in Single*): what it says of
        # its question (language, expected route, category) while the query is still its own
        carried = gr.State(None)
        with gr.Row():
            with gr.Column(scale=3):
                query = gr.Textbox(label="Query", lines=3, max_length=8000, elem_id="cmp-query",
                                   placeholder="e.g. Évalue le risque de cette transaction. "
                                               "(Shift+Enter compares; Enter starts a new line)")
                with gr.Row():
                    roomy = {"elem_classes": ["roomy-check"]}  # on a phone, two to a line (assets/style.css)
                    run_a = gr.Checkbox(True, label="System A (remote MoE)", elem_id="cmp-run-a", **roomy)
                    run_b = gr.Checkbox(True, label="System B (router + local)", elem_id="cmp-run-b", **roomy)
                    blind = gr.Checkbox(False, label="Blind: systems named after my verdict", elem_id="cmp-blind",
                                        **roomy)
                with gr.Row():
                    go_btn = gr.Button("Compare", variant="primary", elem_id="cmp-go")
                    stop_btn = gr.Button("Stop", variant="stop", elem_id="cmp-stop")
                    retry_btn = gr.Button("Ask again the system that failed", visible=False, elem_id="cmp-retry")
            with gr.Column(scale=2):
                example = gr.Dropdown(example_choices(examples), label=EXAMPLE_LABEL, value=None,
                                      elem_id="cmp-example")
                tx = gr.Code(label="Transaction (optional JSON)", language="json", lines=6,
                             elem_id="cmp-tx")
                checks = gr.Code(label="Checks on the answers (optional JSON)", language="json", lines=3,
                                 elem_id="cmp-expect")
                gr.Markdown(CHECKS_HINT, elem_id="cmp-expect-hint")
                with gr.Row():
                    from_reference = gr.Button("Checks from the reference answer (its figures, what it cites, "
                                               "its risk level)", size="sm", elem_id="cmp-expect-from-reference")
                    rescore_btn = gr.Button("Score the comparison shown again with these checks (nothing is "
                                            "asked again)", size="sm", elem_id="cmp-rescore")
        # a comparison shown: both columns, how they differ, how sure each model was and the verdict
        # buttons — hidden, and a line said instead, until one is run or picked from the list
        waiting = gr.Markdown(NO_COMPARISON_YET, elem_id="cmp-waiting")
        with gr.Column(visible=False, elem_id="cmp-shown") as shown_box:
            cols, titles = system_columns("cmp")
            diff = gr.Markdown(elem_id="cmp-diff")
            sure = build_answer_confidence("cmp", "How sure was each model of its answer? (token by token)",
                                           "Read the answers token by token")
            last = gr.State(None)
            verdict_note = gr.Markdown(elem_id="cmp-verdict-note")  # above the buttons it introduces
            why = gr.Textbox(label="Why (optional; kept with your verdict and in the CSV)", max_length=MAX_NOTE_CHARS,
                             elem_id="cmp-verdict-why")
            with gr.Row():
                verdict_btns = [gr.Button(v, size="sm", elem_id=f"cmp-verdict-{i}")
                                for i, v in enumerate(VERDICTS)]
        with gr.Row(equal_height=True):
            judge_with = gr.Dropdown(judge_choices(services), value=REMOTE, label="Judge model", scale=1,
                                     min_width=220, elem_id="cmp-judge-engine")
            reference = gr.Textbox(label="Reference answer it judges against (optional; an example's own is "
                                         "filled in)", lines=2, max_length=MAX_REFERENCE_CHARS, scale=2,
                                   min_width=280, elem_id="cmp-reference", placeholder="e.g. The P/E ratio is 15.")
            rules = gr.Textbox(label="House rules for the judge model (optional)", lines=2, scale=2,
                               min_width=280, max_length=MAX_RULES_CHARS, elem_id="cmp-judge-rules",
                               placeholder="e.g. A risk assessment must name the risk level.")
        judge_btn = gr.Button("Ask the judge model (it reads both answers, in both orders)", size="sm",
                              elem_id="cmp-judge")
        model_note = gr.Markdown(elem_id="cmp-model-verdict")
        verdicts_csv = gr.DownloadButton("Download verdicts (CSV)", visible=False, size="sm",
                                         elem_id="cmp-verdicts-csv")
        with gr.Row():
            write_up, write_up_md, write_up_page = build_comparison_files("cmp")
        elsewhere = build_experiment_runs("cmp-elsewhere", QUESTION_COLUMNS)  # this question in the saved runs
        with gr.Accordion("Comparisons in this browser", open=True, elem_id="cmp-log-box"):
            log_none = gr.Markdown(LOG_EMPTY, elem_id="cmp-log-none")
            with gr.Column(visible=False, elem_id="cmp-log-area") as log_area:
                log_table = gr.Dataframe(
                    headers=LOG_HEADERS, max_height=420, column_widths=LOG_WIDTHS, wrap=True,
                    interactive=False, elem_id="cmp-log",
                    label=f"The last {MAX_KEPT} single comparisons run here, newest first, with their "
                          "verdicts (kept across reloads; select a row to show it again above)")
                with gr.Row():
                    log_csv = gr.DownloadButton("Download these comparisons (CSV)", visible=False, size="sm",
                                                elem_id="cmp-log-csv")
                    log_xlsx = gr.DownloadButton("Download them as Excel", visible=False, size="sm",
                                                 elem_id="cmp-log-xlsx")
                    log_questions = gr.DownloadButton("Download their questions (an experiment file for Batch)",
                                                      visible=False, size="sm", elem_id="cmp-log-experiments")
                    log_clear = gr.Button("Clear the list", size="sm", elem_id="cmp-log-clear")

    def pick_example(exp_id: str | None, mine: list[Experiment] | None):
        """The example's query, transaction, checks and reference answer in the boxes, and its system
        prompt in Compare's when it has one (an analyst's own stays for an example without)."""
        exp = example_of(exp_id, mine)
        if exp is None:
            return (gr.update(),) * 5
        return (exp.query, json_box(exp.transaction), json_box(exp.expect), exp.reference or "",
                exp.system_prompt or gr.update())

    def compare_ui(data: dict, request: gr.Request) -> Iterator[tuple]:
        """`data`: every input by component (a set of inputs), so the parameters need no argument each.
        Blind, nothing is shown until both systems have finished (see workbench.blind)."""
        do_a, do_b = data[run_a], data[run_b]
        if data[blind] and not (do_a and do_b):
            raise gr.Error("A blind comparison needs both systems: tick System A and System B.")
        exp = with_example(ad_hoc_experiment(data[query], data[tx], do_a, do_b, data[checks], data[system_box]),
                           example_of(data[example], data[file_examples]) or data[carried])
        yield from streamed(exp, do_a, do_b, chosen_params(data), session_cancel(services, request, "compare"),
                            blind_left() if data[blind] else None, adapter=chosen_adapter(data[b_adapter]))

    def retry_ui(rec: dict | None, request: gr.Request) -> Iterator[tuple]:
        """The systems of the comparison shown that failed or were stopped, asked again under the
        parameters it ran under; the other system's answer stays, and the verdict is asked again."""
        keys = failed_systems(rec)
        if not rec or not keys:
            raise gr.Error("No system of the comparison shown failed: there is nothing to ask again.")
        params = GenerationParams(**rec["params"]) if rec.get("params") else None
        left = rec["blind_left"] if is_blind_pending(rec) else None
        yield from streamed(experiment_of(rec), "A" in keys, "B" in keys, params,
                            session_cancel(services, request, "compare"), left, rec, rec.get("system_b_adapter"))

    def streamed(exp: Experiment, do_a: bool, do_b: bool, params: GenerationParams | None,
                 cancel: Any, left: str | None, earlier: dict | None = None,
                 adapter: str | None = None) -> Iterator[tuple]:
        """The columns as the systems asked answer (blind: `left` is the system shown on the left,
        and nothing shows until both have finished), then the finished comparison; `earlier`, a
        comparison whose answers of the systems not asked now stay (shown as they were);
        `adapter`, System B's LoRA adapter."""
        frame = column_frame(bool(left))
        if left:
            yield ("", BLIND_WAITING, "", "", BLIND_WAITING, "", "", None, "", *frame)  # no verdict yet
        runs: dict[str, SystemRun] = {}
        out: list[str] = []
        for runs in comparator.stream(exp, do_a, do_b, cancel, params, adapter):
            if left:
                continue
            out = []
            for key, name in SYSTEMS.items():
                run = runs[key]
                out += (stored_result_md(earlier.get(name)) if run.skipped and earlier else
                        [reasoning_md(run.reasoning), answer_md(run), metrics_md(run)])
            yield (*out, "", gr.update(), "", *frame)
            frame = [gr.skip()] * 4  # set once
        rec = with_earlier(record(exp, runs, params, adapter), earlier)
        if left:
            rec["blind_left"] = left
            failed = any(run.error is not None and run.error.kind != "cancelled" for run in runs.values())
            prompt = BLIND_PROMPT + (" _(one answer failed: its error may say which system it is)_" if failed else "")
            yield (*shown_record(rec)[0], "", rec, prompt, *frame)
        else:  # shown as when opened again: the figures only one answer states marked, a French part marked French
            columns, differ = shown_record(rec)
            yield (*columns, differ, rec, VERDICT_PROMPT, *frame)

    def verdict_ui(choice: int, rec: dict | None, said_why: str, request: gr.Request) -> tuple:
        if not rec:
            return rec, "Run a comparison first.", gr.update(), *[gr.skip()] * (VIEW_SIZE + 1)
        path = verdicts_file(settings.results_dir)
        rec, said, view = give_verdict(choice, rec, path, judge=judge_of(request), note=said_why)
        judged = latest_verdicts(path)
        csv_path = download_path("verdicts")
        write_csv(verdict_rows(judged), csv_path, bom=True)
        more = "".join(f" {line}." for line in (preference_line(judged), agreement_line(judged)) if line)
        return (rec, f"{said}\n\nAll verdicts recorded here: {tally_line(judged)}.{more}",
                gr.update(value=str(csv_path), visible=True), *view, "")

    def verdict_button(choice: int) -> Callable[..., tuple]:
        def give(rec: dict | None, said_why: str, request: gr.Request) -> tuple:  # typed: Gradio hands in the request
            return verdict_ui(choice, rec, said_why, request)
        return give

    col_parts = [c for key in ("A", "B") for c in cols[key]]
    col_frame = [titles["A"], titles["B"], *verdict_btns[:2]]
    outputs = [*col_parts, diff, last, verdict_note, *col_frame]
    example.change(pick_example, [example, file_examples], [query, tx, checks, reference, system_box],
                   api_visibility="private")
    compare_inputs = {query, tx, checks, run_a, run_b, blind, example, file_examples, carried, b_adapter, system_box,
                      *param_list}
    # a comparison that ended, or a verdict given, goes into this browser's log
    log_out = [log, log_none, log_area, log_table, log_csv, log_xlsx, log_questions]
    keep = {"fn": remembered, "inputs": [last, log], "outputs": log_out, "api_visibility": "private",
            "queue": False}
    # another comparison shown: a reason typed for the last one, the judge model's verdict or System B's
    # answer read token by token is not this one's (a verdict, a judge or checks scored again keep them)
    forget_why = {"fn": lambda: ("", "", "", ""), "inputs": None,
                  "outputs": [why, model_note, sure["summary"], sure["tokens"]], "api_visibility": "private",
                  "queue": False}
    # shown as a comparison starts; after it, or another one picked in the list, only where there is one
    show = {"fn": lambda: (gr.update(visible=False), gr.update(visible=True)), "inputs": None,
            "outputs": [waiting, shown_box], "api_visibility": "private", "queue": False}
    shown_if = {**show, "fn": lambda rec: (gr.update(visible=not rec), gr.update(visible=bool(rec))), "inputs": last}
    for trigger in (go_btn.click, query.submit):
        trigger(**forget_why)
        trigger(**show)
        asked = trigger(compare_ui, compare_inputs, outputs, api_visibility="private", **services.heavy_event)
        asked.success(**keep)
        then_either(asked, **shown_if)  # a refused query too
    stop_btn.click(stopper(services, "compare"), None, None, api_visibility="private", queue=False)
    retry_btn.click(**forget_why)
    retry_btn.click(retry_ui, [last], outputs, api_visibility="private", **services.heavy_event).success(**keep)
    last.change(retry_label, last, retry_btn, api_visibility="private", queue=False)

    def saved_runs_of(rec: dict | None, request: gr.Request) -> tuple:
        """The comparison shown's question in the saved runs (once shown: blind, once judged)."""
        return question_runs_view(services.settings.results_dir, rec, judge_of(request))

    last.change(saved_runs_of, last, [elsewhere["note"], elsewhere["table"]], api_visibility="private")
    # token by token, of the comparison shown (another one shown clears it: forget_why)
    sure["button"].click(lambda rec: answer_confidence_view(services, rec), last, [sure["summary"], sure["tokens"]],
                         api_visibility="private", **services.heavy_event)
    # a write-up is of the comparison shown as it was: another one, or a verdict given since, hides it
    write_ups = [write_up_md, write_up_page]
    last.change(lambda: [gr.update(visible=False)] * 2, None, write_ups, api_visibility="private", queue=False)
    write_up.click(comparison_files, last, write_ups, api_visibility="private")
    for choice, btn in enumerate(verdict_btns):
        btn.click(verdict_button(choice), [last, why],
                  [last, verdict_note, verdicts_csv, *col_parts, diff, *col_frame, why],
                  api_visibility="private").success(**keep)

    def rescore(rec: dict | None, expect_json: str) -> tuple:
        """The comparison shown, its answers scored under the checks in the box now (written after
        the answers were read, or mended: a figure written another way), in its columns, *How they
        differ* and this browser's list."""
        if not rec:
            raise gr.Error("Run a comparison first (or select one in the list below): the checks score its answers.")
        if is_blind_pending(rec):
            raise gr.Error("Give your verdict first: which answer passes the checks would tell the systems apart.")
        try:
            rec = rechecked(rec, expect_json)
        except ExpectError as exc:
            raise gr.Error(f"The checks cannot be used: {exc}.") from None
        columns, differ = shown_record(rec)
        gr.Info(f"Scored again: {checks_said(rec)}.")
        return rec, *columns, differ

    rescore_btn.click(rescore, [last, checks], [last, *col_parts, diff], api_visibility="private").success(**keep)

    from_reference.click(checks_from_reference, [checks, reference], checks, api_visibility="private")

    def ask_judge(rec: dict | None, label: str, ref: str, house: str, request: gr.Request) -> tuple:
        return judged_single(services, rec, label, session_cancel(services, request, "compare"), ref, house)

    judge_btn.click(ask_judge, [last, judge_with, reference, rules], [last, model_note], api_visibility="private",
                    **services.heavy_event).success(**keep)
    log_table.select(**forget_why)
    log_table.select(shown_again, [log], [query, tx, checks, reference, system_box, *outputs],
                     api_visibility="private").then(**shown_if)
    log_clear.click(cleared, None, log_out, api_visibility="private", queue=False)
    return {"on_load": {"fn": restored_log, "inputs": [log], "outputs": log_out}, "example": example,
            "file_examples": file_examples, "carry": [query, tx, checks, reference, example, carried, system_box],
            "elsewhere": elsewhere["table"]}
