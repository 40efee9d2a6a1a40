"""Generation-tuning tab: one prompt, up to 8 parameter configurations side by side."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from engines.base import GenerationParams
from ui.adapters import build_adapter_panel, menu_value
from ui.common import (
    BASE_MODEL,
    CHECKS_HINT,
    FORMULAS,
    download_path,
    json_box,
    offered_copy,
    pick_engine,
    session_cancel,
    stopper,
    table_downloads,
)
from ui.params import ORDER, control_values, kept_as_preset
from ui.saved import Picks, open_controls, saved_path, uploaded_path
from ui.tuning_view import (
    RESULT_FIGURES,
    config_row,
    configs_from_table,
    default_configs,
    describe_run,
    metric_choices,
    metric_figure,
    results_frame,
    run_details,
    spaced,
    summary_frame,
)
from workbench.checks import ExpectError, parse_expect
from workbench.export import write_csv
from workbench.presets import CUSTOM, MAX_NAME, apply_preset
from workbench.safety import safe_markdown
from workbench.saved import save_copy, saved_choices
from workbench.services import LOCAL, Services
from workbench.tuning import (
    CONFIG_FIELDS,
    MAX_CONFIGS,
    SWEEPABLE,
    configs_of,
    grid,
    mark_determinism,
    parse_values,
    read_tuning_run,
    rechecked_runs,
    run_configs,
    suggestion,
)


def build_tuning_tab(services: Services, targets: dict[str, dict[str, Any]], tabs: gr.Tabs) -> dict[str, Any]:
    """`targets`: the tabs a configuration can be copied to (tab id -> its `controls` and `preset`).
    Returns its adapter menu and the adapters panel, for the app to keep every adapter menu in step."""
    local = services.local
    saved_dir = services.settings.results_dir / "tuning"
    picks = Picks()  # one opening per pick of the saved-runs menu

    def listed() -> list[tuple[str, str]]:
        return saved_choices(saved_dir, "tuning", "runs", describe_run)

    with gr.Tab("Generation tuning", id="tuning") as tab:
        with gr.Row():
            with gr.Column(scale=3):
                prompt = gr.Textbox(label="Prompt", lines=3, max_length=8000, elem_id="tune-prompt",
                                    value="Qu'est-ce que la duration ?")
                system = gr.Textbox(label="System prompt", lines=2, max_length=8000, elem_id="tune-system")
                checks = gr.Code(label="Checks on the answer (optional JSON)", language="json", lines=2,
                                 elem_id="tune-expect")
                gr.Markdown(CHECKS_HINT)
                rescore = gr.Button("Score the runs shown again with these checks (nothing is run again)",
                                    size="sm", elem_id="tune-rescore")
            with gr.Column(scale=2):
                engine = gr.Dropdown(services.engine_choices(), value=LOCAL, label="Engine",
                                     elem_id="tune-engine")
                adapter = gr.Dropdown([BASE_MODEL, *local.adapters], value=BASE_MODEL,
                                      label="LoRA adapter (System B)", elem_id="tune-adapter")
                repeats = gr.Slider(1, 5, value=1, step=1, label="Repeat each configuration N times "
                                    "(different seeds)", elem_id="tune-repeats")
        adapters_panel = build_adapter_panel(services)
        with gr.Accordion("Grid sweep", open=True):
            with gr.Row():
                x_field = gr.Dropdown(SWEEPABLE, value="temperature", label="Parameter 1", elem_id="tune-x")
                x_values = gr.Textbox("0.2, 0.9", label="Values", elem_id="tune-x-values")
                y_field = gr.Dropdown(["(none)", *SWEEPABLE], value="max_new_tokens", label="Parameter 2",
                                      elem_id="tune-y")
                y_values = gr.Textbox("64, 256", label="Values", elem_id="tune-y-values")
                fill = gr.Button("Fill configurations", elem_id="tune-fill")
        configs = gr.Dataframe(default_configs(), headers=CONFIG_FIELDS, interactive=True,
                               label=f"Configurations (up to {MAX_CONFIGS} rows; edit cells or add rows)",
                               row_count=2, elem_id="tune-configs")
        with gr.Row():
            run = gr.Button("Run configurations", variant="primary", elem_id="tune-run")
            stop = gr.Button("Stop", variant="stop", elem_id="tune-stop")
        saved, upload = open_controls(listed(), "tuning run", "Open a tuning file…", "tune",
                                      info="Every run is saved when it ends (a stopped one too). Opening one "
                                           "runs nothing: it shows the results and fills in the prompt and "
                                           "configurations")
        status = gr.Markdown("*Run configurations* asks the prompt once per configuration (and repeat): each "
                             "run's figures show here, one row each, with a chart of a figure against a "
                             "parameter below.", elem_id="tune-status")
        summary = gr.Dataframe(label="Per configuration (means over its finished repeats)", visible=False,
                               elem_id="tune-summary")
        results = gr.Dataframe(headers=["config", "repeat", *(f.replace("_", " ") for f in RESULT_FIGURES)],
                               wrap=True, max_height=420, visible=False,
                               label="Results (select a row to read its reasoning and answer in full)",
                               elem_id="tune-results")
        with gr.Group(visible=False, elem_id="tune-details") as details:
            details_head = gr.Markdown(elem_id="tune-details-head", elem_classes=["detail-title"])
            with gr.Row():
                with gr.Column():
                    gr.Markdown("**Reasoning**")
                    details_reasoning = gr.Markdown(elem_id="tune-details-reasoning", latex_delimiters=FORMULAS)
                with gr.Column():
                    gr.Markdown("**Answer**")
                    details_answer = gr.Markdown(elem_id="tune-details-answer", latex_delimiters=FORMULAS)
        rows_state = gr.State([])
        # which figure the chart draws against which parameter: shown with the chart, once there are runs
        with gr.Row(visible=False, elem_id="tune-chart-choice") as chart_choice:
            costed = services.settings.system_a_prices is not None or services.settings.system_b_hourly_usd is not None
            metric = gr.Dropdown(metric_choices(costed), value="reasoning_share", label="Metric", elem_id="tune-metric")
            param = gr.Dropdown([(spaced(f), f) for f in CONFIG_FIELDS], value="temperature", label="against",
                                elem_id="tune-param")
        plot = gr.Plot(elem_id="tune-plot", show_label=False, visible=False)  # shown with a run's runs
        with gr.Row():
            download = gr.DownloadButton("Download CSV", visible=False, elem_id="tune-download")
            download_xlsx = gr.DownloadButton("Download as Excel", visible=False, elem_id="tune-download-xlsx")
            use_row = gr.Number(1, label="Configuration #", precision=0, minimum=1, maximum=MAX_CONFIGS,
                                elem_id="tune-use-row")
            use = gr.Button("Use in Chat", elem_id="tune-use")
            use_compare = gr.Button("Use in Compare", elem_id="tune-use-compare")
        with gr.Row(equal_height=True):
            preset_name = gr.Textbox(label="Save configuration # as a preset named", max_length=MAX_NAME,
                                     placeholder="e.g. FR concise, thinking off", scale=3,
                                     info="Offered in Chat and Compare to everyone using the app",
                                     elem_id="tune-preset-name")
            save_preset_btn = gr.Button("Save as a preset", scale=1, elem_id="tune-preset-save")

    def fill_grid(xf: str, xv: str, yf: str, yv: str) -> pd.DataFrame:
        try:
            xs = parse_values(xv, xf)
            ys = parse_values(yv, yf) if yf and yf != "(none)" else None
            params = grid(apply_preset("Qwen3 thinking"), xf, xs, yf if ys else None, ys)
        except ValueError as exc:
            raise gr.Error(str(exc)) from None
        return pd.DataFrame([config_row(p) for p in params], columns=CONFIG_FIELDS)

    def run_all(text: str, sys_prompt: str, expect_json: str, label: str, adapter_name: str, reps: float,
                table: pd.DataFrame, metric_name: str, param_name: str, request: gr.Request) -> Iterator[tuple]:
        if not (text or "").strip():
            raise gr.Error("Type a prompt first.")
        try:
            expect = parse_expect(expect_json)
        except ExpectError as exc:
            raise gr.Error(f"Checks: {exc}") from None
        params = configs_from_table(table)
        eng, chosen = pick_engine(services, label, adapter_name)
        cancel = session_cancel(services, request, "tuning")
        # each row says what it answered, so that a saved run opens with its prompt and engine
        asked = {"engine": label, "adapter": chosen or "", "prompt": text.strip(), "system_prompt": sys_prompt or "",
                 "expect": json.dumps(expect, ensure_ascii=False) if expect else ""}
        rows: list[dict[str, Any]] = []
        total = len(params) * int(reps)
        started = time.perf_counter()
        for row in run_configs(eng, text.strip(), params, int(reps), sys_prompt or None, chosen, cancel,
                               expect=expect):
            rows.append({**row, **asked})
            rows.sort(key=lambda r: (r["config"], r["repeat"]))
            yield (f"Running — {len(rows)}/{total} done", summary_frame(rows),
                   results_frame(rows),
                   rows, gr.update(), gr.update(), gr.update(), gr.update(), gr.update(), gr.update())
        mark_determinism(rows)
        path = download_path("tuning")
        write_csv(rows, path, bom=True)
        # a run stopped before any answer leaves nothing to open again
        not_kept = save_copy(path, saved_dir, len(rows)) if rows else ""
        took = f"{time.perf_counter() - started:.1f} s"
        state = (f"Stopped — {sum(r['finish_reason'] != 'cancelled' for r in rows)} of {total} runs finished in "
                 f"{took}" if cancel.is_set() else f"Finished — {len(rows)} runs in {took}")
        if failed := [r["error"] for r in rows if r["error"]]:
            state += f". ⚠️ {len(failed)} failed, e.g. {failed[0]}"
        yield (*shown(rows, path, metric_name, param_name, state + not_kept), gr.update(choices=listed()))

    def shown(rows: list[dict[str, Any]], path: Path, metric_name: str, param_name: str, state: str) -> tuple:
        """status (`state`, and the configuration to use), summary, results, rows, plot and its choice
        of figure and parameter, the downloads (`path`, the CSV just written or the file opened, and
        its twin) and the configuration number of a finished or opened run (the suggested one, when
        there is one: Use in Chat and Save as a preset take it)."""
        suggested = suggestion(rows)
        return (state + (f"\n\n{suggested[1]}" if suggested else ""), summary_frame(rows), results_frame(rows), rows,
                gr.update(value=metric_figure(rows, metric_name, param_name), visible=bool(rows)),
                gr.update(visible=bool(rows)), *table_downloads(rows, path, "runs"),
                suggested[0] if suggested else gr.update())

    def open_saved(name: str | None, metric_name: str, param_name: str, request: gr.Request) -> Any:
        if picks.again(request, name):  # the menu's second input for one pick
            return gr.skip()
        return opened(*saved_path(saved_dir, "tuning", name, "tuning run"), metric_name, param_name)

    def open_upload(file: str | None, metric_name: str, param_name: str) -> tuple:
        return opened(*uploaded_path(file), metric_name, param_name)

    def opened(path: Path, what: str, metric_name: str, param_name: str) -> tuple:
        """A saved run shown as it ended, its prompt and configurations back in the inputs."""
        try:
            rows = sorted(read_tuning_run(path), key=lambda r: (r["config"], r["repeat"]))
            table = pd.DataFrame([config_row(p) for p in configs_of(rows)], columns=CONFIG_FIELDS)
            expect_box = json_box(parse_expect(rows[0].get("expect")))  # a hand-edited check: ExpectError
        except ValueError as exc:  # a hand-edited file: a bad cell, or parameters out of range
            raise gr.Error(f"{path.name} cannot be opened: {exc}.") from None
        first = rows[0]
        label, adapter_name = first.get("engine"), first.get("adapter") or BASE_MODEL
        on = f" on {label}" + (f" · {adapter_name}" if adapter_name != BASE_MODEL else "") if label else ""
        state = (f"**Opened {what}** — {len(rows)} runs of {len(table)} configurations{on}. "
                 "*Run configurations* runs them again.")
        if adapter_name not in (BASE_MODEL, *local.adapters):
            state += (f" The adapter {safe_markdown(adapter_name)} is not loaded now: load it under *LoRA "
                      "adapters* to run them again with it.")
        asked = "prompt" in first  # a CSV downloaded before runs recorded their prompt has none
        return (*shown(rows, offered_copy(path), metric_name, param_name, state), gr.update(),
                first.get("prompt") or gr.update(),
                first.get("system_prompt") or "" if asked else gr.update(),
                expect_box if asked else gr.update(),
                label if label in services.engines else gr.update(),
                menu_value(services, adapter_name) if adapter_name in (BASE_MODEL, *local.adapters) else gr.update(),
                max(r["repeat"] for r in rows), table)

    def score_again(rows: list[dict[str, Any]] | None, expect_json: str, metric_name: str,
                    param_name: str) -> tuple:
        """The runs shown, scored under the checks in the box now: the tables, the chart and the CSV
        (the saved run keeps the checks it ran under)."""
        if not rows:
            raise gr.Error("Run configurations or open a saved run first: the checks score its answers.")
        try:
            expect = parse_expect(expect_json)
        except ExpectError as exc:
            raise gr.Error(f"Checks: {exc}") from None
        rows = rechecked_runs(rows, expect)
        path = download_path("tuning")
        write_csv(rows, path, bom=True)
        scored = [r for r in rows if r.get("checks_total")]
        said = (f"{sum(r['checks_passed'] == r['checks_total'] for r in scored)} of {len(scored)} finished runs "
                "passed every check" if scored else "no checks now")
        return shown(rows, path, metric_name, param_name, f"**Scored again** under the checks in the box: {said}. "
                     "The CSV below has these checks; the saved run keeps those it ran under.")

    def show_details(rows: list[dict[str, Any]], evt: gr.SelectData) -> tuple:
        """The run of the selected row (found by its configuration and repeat: the table may be sorted)."""
        picked = (evt.row_value or [None, None])[:2]
        row = next((r for r in rows if [r["config"], r["repeat"]] == picked), None)
        if row is None:
            return gr.update(visible=False), "", "", ""
        return gr.update(visible=True), *run_details(row)

    def replot(rows: list[dict[str, Any]], metric_name: str, param_name: str):
        return metric_figure(rows, metric_name, param_name) if rows else gr.update()

    def use_in(tab: str):
        """Copy the chosen configuration into a tab's parameter controls and open that tab."""

        def copy(table: pd.DataFrame, number: float) -> list[Any]:
            return [*control_values(chosen(table, number)[0]), CUSTOM, gr.Tabs(selected=tab)]

        return copy

    def chosen(table: pd.DataFrame, number: float) -> tuple[GenerationParams, int]:
        """The configuration numbered `number` in the table, and its number."""
        params = configs_from_table(table)
        index = int(number or 1)
        if not 1 <= index <= len(params):
            raise gr.Error(f"Choose a configuration between 1 and {len(params)}.")
        return params[index - 1], index

    def save_as_preset(table: pd.DataFrame, number: float, name: str) -> str:
        params, index = chosen(table, number)
        clean, replaced = kept_as_preset(services.settings.results_dir, name, params)
        gr.Info(f"Configuration {index} {'replaced' if replaced else 'saved as'} the preset {clean!r}: offered in "
                "Chat and Compare to everyone using the app.")
        return ""

    save_preset_btn.click(save_as_preset, [configs, use_row, preset_name], [preset_name], api_visibility="private")
    fill.click(fill_grid, [x_field, x_values, y_field, y_values], [configs], api_visibility="private")
    outputs = [status, summary, results, rows_state, plot, chart_choice, download, download_xlsx, use_row, saved]
    hide_details = {"fn": lambda: gr.update(visible=False), "inputs": None, "outputs": [details],
                    "api_visibility": "private", "queue": False}
    run.click(**hide_details)
    run.click(run_all, [prompt, system, checks, engine, adapter, repeats, configs, metric, param], outputs,
              api_visibility="private", **services.heavy_event)
    rescore.click(**hide_details)
    rescore.click(score_again, [rows_state, checks, metric, param], outputs[:-1], api_visibility="private")
    saved.input(**hide_details)
    saved.input(open_saved, [saved, metric, param],
                [*outputs, prompt, system, checks, engine, adapter, repeats, configs], api_visibility="private")
    upload.upload(**hide_details)
    upload.upload(open_upload, [upload, metric, param],
                  [*outputs, prompt, system, checks, engine, adapter, repeats, configs], api_visibility="private")
    tab.select(lambda: gr.update(choices=listed()), None, [saved],
               api_visibility="private")
    results.select(show_details, [rows_state], [details, details_head, details_reasoning, details_answer],
                   api_visibility="private")
    stop.click(stopper(services, "tuning"), None, None, api_visibility="private", queue=False)
    for control in (metric, param):
        control.change(replot, [rows_state, metric, param], [plot], api_visibility="private")
    for button, tab in ((use, "chat"), (use_compare, "compare")):
        target = targets[tab]
        button.click(use_in(tab), [configs, use_row], [*(target["controls"][n] for n in ORDER), target["preset"], tabs],
                     api_visibility="private")
    return {"adapter": adapter, "adapters": adapters_panel}
