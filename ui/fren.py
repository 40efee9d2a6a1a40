"""FR/EN behaviour tab: language of reasoning and answer, strategies, and the token budget."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd
import plotly.graph_objects as go

from engines.base import GenerationParams, param_bounds
from engines.cost import usd
from ui.common import download_path, offered_copy, pick_engine, session_cancel, stopper
from ui.saved import open_controls, saved_path, uploaded_path
from workbench.export import write_csv
from workbench.fren import (
    COST_METRIC,
    MATRIX_METRICS,
    PROBE_TYPES,
    SAVED_FOLDER,
    STRATEGIES,
    SWEEP_STEM,
    THINKING_MODES,
    Probe,
    budget_line,
    budgets_found,
    completion_table,
    custom_probes,
    failures,
    load_probes,
    matrix,
    needed_tokens,
    pick_probes,
    read_inspection,
    read_sweep,
    run_inspection,
    sorted_rows,
    transcript_html,
    write_sweep,
)
from workbench.presets import CUSTOM
from workbench.saved import column_values, save_copy, saved_choices
from workbench.services import LOCAL, Services

ROW_COLUMNS = ["probe", "type", "engine", "strategy", "question_lang", "reasoning_lang", "answer_lang",
               "reasoning_tokens", "answer_tokens", "reasoning_share", "finish_reason", "truncated_in_reasoning",
               "answer_matches_question", "user_sees_one_language", "question", "answer", "error"]
ROW_HEADERS = [c.replace("_", " ") for c in ROW_COLUMNS]  # the CSV keeps the column names
MAX_BUDGET = int(param_bounds("max_new_tokens")[1])
PLOT_METRICS = ["answer in question's language", "reasoning in question's language", "user sees one language",
                "mean reasoning share", "cut off in reasoning"]


def describe_inspection(path: Path) -> str:
    """A saved inspection's engines and strategies, for the list of inspections: "System B ·
    local model · every strategy", "System A · remote MoE, System B · local model · baseline,
    thinking off"."""
    engines = sorted(column_values(path, "engine"))  # System A before System B
    strategies = [name for name in STRATEGIES if name in column_values(path, "strategy")]
    if not engines or not strategies:
        return ""
    which = ("every strategy" if len(strategies) == len(STRATEGIES) else ", ".join(strategies)
             if len(strategies) <= 2 else f"{len(strategies)} strategies")
    return f"{', '.join(engines)} · {which}"


def _percent(table: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rates of a table (floats between 0 and 1) as percentages, for display; counts and
    budgets (whole numbers) stay as they are, costs are shown in dollars. The CSV downloads keep
    the fractions."""
    return [{k: usd(v) if k == COST_METRIC else f"{v:.0%}" if isinstance(v, float) else v
             for k, v in row.items()} for row in table]


def describe_sweep(path: Path) -> str:
    """A saved sweep's engine and thinking modes, for the list of sweeps: "System B · local
    model · thinking on and off"."""
    engines, modes = column_values(path, "engine"), column_values(path, "thinking")
    modes = [m for m in THINKING_MODES if m in modes]
    if not engines or not modes:
        return ""
    return f"{', '.join(engines)} · thinking {' and '.join(modes)}"


MATRIX_COLUMNS = ["strategy", "engine", "answers", *MATRIX_METRICS]


def matrix_columns(table: list[dict[str, Any]]) -> list[str]:
    """The matrix's columns: the cost per 1,000 answers too when its answers have costs (what
    thinking off or a French prefill saves, in dollars)."""
    return MATRIX_COLUMNS + ([COST_METRIC] if any(COST_METRIC in row for row in table) else [])


def _rows_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=ROW_COLUMNS).set_axis(ROW_HEADERS, axis=1)


def matrix_figure(rows: list[dict[str, Any]], questions: str = "French questions") -> go.Figure:
    """Bars per metric, grouped by strategy and, within a strategy, by engine."""
    fig = go.Figure()
    x = [[r["strategy"] for r in rows], [r["engine"].removeprefix("System ") for r in rows]]
    for metric in PLOT_METRICS:
        fig.add_trace(go.Bar(x=x, y=[(r[metric] or 0) * 100 for r in rows], name=metric))
    fig.update_layout(title=f"{questions}: strategy × metric (%)", barmode="group", yaxis_range=[0, 100],
                      template="plotly_white", height=380, margin={"l": 50, "r": 20, "t": 50, "b": 40},
                      legend={"orientation": "h", "y": -0.25})
    return fig


LANGUAGE_NAMES = {"fr": "French", "en": "English"}
LANGUAGE_COLOURS = {"fr": "#16a34a", "en": "#2563eb"}  # as the transcript colours them
# English drawn wide, pale and with open rings, French narrow and solid on top: where French and
# English questions complete alike the two lines lie on each other, and both must still show
LANGUAGE_STROKES = {"en": (6, 0.45, "circle-open", 13), "fr": (2, 1.0, "circle", 7)}
OTHER_STROKE = (3, 0.8, "diamond", 8)


def budget_figure(curves: list[dict[str, Any]], budgets: list[int]) -> go.Figure:
    """A line per question language and thinking mode (`curves`: completion_table grouped by
    both, every question type together): thinking off dashed, each language its colour and
    stroke, so that lines lying on each other both show; hovering a budget lists every line."""
    fig = go.Figure()
    for row in sorted(curves, key=lambda r: r["language"] != "en"):  # the wide English lines underneath
        lang, thinking = row["language"], row["thinking"]
        width, opacity, symbol, size = LANGUAGE_STROKES.get(lang, OTHER_STROKE)
        name = f"{LANGUAGE_NAMES.get(lang, 'other')} questions · thinking {thinking}"
        fig.add_trace(go.Scatter(
            x=budgets, y=[row[f"≤{b}"] * 100 for b in budgets], mode="lines+markers", name=name, opacity=opacity,
            line={"color": LANGUAGE_COLOURS.get(lang, "#a16207"), "width": width,
                  "dash": "solid" if thinking == "on" else "dash"},
            marker={"symbol": symbol, "size": size, "line": {"width": 2}},
            hovertemplate=f"{name}: %{{y:.0f}}%<extra></extra>"))
    fig.add_hline(y=95, line_dash="dot", annotation_text="95%")
    # budgets usually double from one to the next: on a log axis each gets its own room, and one
    # large budget no longer squeezes the others against the left edge
    wide = len(budgets) > 1 and budgets[-1] / budgets[0] >= 8
    fig.update_layout(title="Answers completed vs max_new_tokens", xaxis_title="max_new_tokens", hovermode="x unified",
                      yaxis_title="% completed", yaxis_range=[0, 102], template="plotly_white", height=360,
                      margin={"l": 50, "r": 20, "t": 50, "b": 40})
    if wide:  # ticks at the budgets asked for, not at log decades' 2, 3… 9
        fig.update_xaxes(type="log", tickvals=budgets, ticktext=[str(b) for b in budgets])
    return fig


def build_fren_tab(services: Services, targets: dict[str, dict[str, Any]]) -> None:
    """`targets`: the tabs whose max_new_tokens the budget sweep's answer can be copied to (tab
    id -> its `controls` and `preset`)."""
    probes = load_probes()
    engine_choices = services.engine_choices()
    saved_dir = services.settings.results_dir / SAVED_FOLDER

    def listed() -> list[tuple[str, str]]:
        return saved_choices(saved_dir, "fren", "answers", describe_inspection)

    def listed_sweeps() -> list[tuple[str, str]]:
        return saved_choices(saved_dir, SWEEP_STEM, "answers", describe_sweep)

    with gr.Tab("FR/EN behaviour", id="fren") as tab:
        gr.Markdown("Which language does each part of an answer use, and what does the reasoning cost? "
                    "Probe questions come in English/French pairs on the same topics.")
        with gr.Row():
            with gr.Column(scale=3):
                types = gr.CheckboxGroup(PROBE_TYPES, value=PROBE_TYPES, label="Question types", elem_id="fren-types")
                langs = gr.CheckboxGroup(["en", "fr"], value=["en", "fr"], label="Languages",
                                         elem_id="fren-langs")
                count = gr.Slider(1, len(probes) // 2, value=4, step=1, label="Probe pairs per type",
                                  elem_id="fren-count")
                custom = gr.Textbox(label="Your own questions (one per line, optional)", lines=2,
                                    max_length=4000, elem_id="fren-custom",
                                    info="Their language is detected; start a line with fr: or en: to set it "
                                         "(a question too short to tell is not counted for language matches).")
            with gr.Column(scale=3):
                engines = gr.CheckboxGroup(engine_choices, value=[LOCAL], label="Engines", elem_id="fren-engines")
                strategies = gr.CheckboxGroup(list(STRATEGIES), value=list(STRATEGIES), label="Strategies",
                                              elem_id="fren-strategies")
                budget = gr.Slider(16, 4096, value=512, step=16, label="max_new_tokens for the inspection",
                                   elem_id="fren-budget")
        with gr.Row():
            go_btn = gr.Button("Run inspection", variant="primary", elem_id="fren-go")
            stop = gr.Button("Stop", variant="stop", elem_id="fren-stop")
        saved, upload = open_controls(listed(), "inspection", "Open an inspection CSV…", "fren")
        status = gr.Markdown(elem_id="fren-status")
        matrix_df = gr.Dataframe(headers=MATRIX_COLUMNS, label="Strategy × engine × metric (French questions)",
                                 elem_id="fren-matrix")
        plot = gr.Plot(elem_id="fren-plot", show_label=False)
        rows_df = gr.Dataframe(headers=ROW_HEADERS, label="Every answer", wrap=True, max_height=380,
                               column_widths=[{"question": "260px", "answer": "340px", "error": "200px"}
                                              .get(c, "110px") for c in ROW_COLUMNS], show_search="filter",
                               pinned_columns=1, elem_id="fren-rows")
        with gr.Accordion("Transcript, coloured by detected language (blue EN, green FR, amber both); "
                          "select an answer above to see its own", open=False, elem_id="fren-transcript-box") \
                as transcript_box:
            transcript = gr.HTML(elem_id="fren-transcript")
        rows_state = gr.State([])
        download = gr.DownloadButton("Download CSV", visible=False, elem_id="fren-download")

        gr.Markdown("### Token budget sweep\nOne full-length run per question (fixed seed) gives the tokens "
                    "each answer needs; an answer completes under a budget exactly when it needs no more.")
        with gr.Row():
            sweep_engine = gr.Dropdown(engine_choices, value=LOCAL, label="Engine", elem_id="sweep-engine")
            budgets_box = gr.Textbox("16, 32, 64, 96, 128, 192, 256, 384", label="Budgets to report",
                                     elem_id="sweep-budgets")
            sweep_thinking = gr.CheckboxGroup(list(THINKING_MODES), value=list(THINKING_MODES), label="Thinking",
                                              info="Both: what thinking costs in budget", elem_id="sweep-thinking")
            sweep_btn = gr.Button("Run budget sweep", elem_id="sweep-go")
        sweeps, sweep_upload = open_controls(listed_sweeps(), "sweep", "Open a sweep CSV…", "sweep")
        sweep_status = gr.Markdown(elem_id="sweep-status")
        # Hidden until a sweep has run: its columns are the budgets asked for
        sweep_df = gr.Dataframe(label="Completion rate by thinking, question type and language, at each budget",
                                visible=False, elem_id="sweep-table")
        sweep_plot = gr.Plot(visible=False, elem_id="sweep-plot", show_label=False)
        with gr.Row():
            sweep_download = gr.DownloadButton("Download sweep CSV", visible=False, elem_id="sweep-download")
            sweep_use = gr.Button(visible=False, elem_id="sweep-use")
            sweep_use_off = gr.Button(visible=False, elem_id="sweep-use-off")
        sweep_budget = gr.State(None)  # the budgets Use… copies: thinking mode -> max_new_tokens

    def pick(chosen_types: list[str], chosen_langs: list[str], per_type: float, extra: str) -> list[Probe]:
        return pick_probes(probes, chosen_types, chosen_langs, int(per_type)) + custom_probes(extra)

    def inspect(chosen_types, chosen_langs, per_type, extra, chosen_engines, chosen_strategies, max_tokens,
                request: gr.Request) -> Iterator[tuple]:
        picked = pick(chosen_types, chosen_langs, per_type, extra)
        if not picked:
            raise gr.Error("Choose at least one question type and language, or type a question.")
        if not chosen_engines or not chosen_strategies:
            raise gr.Error("Choose at least one engine and one strategy.")
        engs = {label: services.engine(label) for label in chosen_engines}
        params = GenerationParams(temperature=0, max_new_tokens=int(max_tokens))
        cancel = session_cancel(services, request, "fren")
        rows: list[dict[str, Any]] = []
        total = len(picked) * len(engs) * len(chosen_strategies)
        started, last = time.perf_counter(), 0.0
        for row in run_inspection(engs, picked, chosen_strategies, params, cancel):
            rows.append(row)
            if time.perf_counter() - last > 0.5:
                last = time.perf_counter()
                yield (f"Running — {len(rows)}/{total}", gr.update(), gr.update(),
                       _rows_frame(rows), gr.update(), gr.update(), rows, gr.update())
        rows = sorted_rows(rows)
        path = download_path("fren")
        write_csv(rows, path, bom=True)
        # a run stopped before any answer leaves nothing to open again
        not_kept = save_copy(path, saved_dir, len(rows)) if rows else ""
        took = f"{time.perf_counter() - started:.1f} s"
        state = (f"Stopped — {len(rows)} of {total} answers finished in {took}; the tables cover those"
                 if cancel.is_set() else f"Finished — {len(rows)} answers in {took}")
        if unknown := [p.question for p in picked if p.lang not in ("en", "fr")]:
            state += (f". ⚠️ The language of {len(unknown)} of your questions could not be told (e.g. "
                      f"{unknown[0]!r}): their answers are not counted for language matches; start the "
                      "line with fr: or en:")
        yield show(rows, state + not_kept, path)

    def show(rows: list[dict[str, Any]], state: str, path: Path) -> tuple:
        """Every output of an inspection, for its rows (just run, or opened from a file)."""
        table, questions = matrix(rows, "fr"), "French questions"
        if not table:  # no French question answered: every question counts
            table, questions = matrix(rows, None), "All questions"
        if note := failures(rows):
            state += f". ⚠️ {note}."
        return (state,
                gr.update(value=pd.DataFrame(_percent(table), columns=matrix_columns(table)),
                          label=f"Strategy × engine × metric ({questions})"),
                matrix_figure(table, questions), _rows_frame(rows), transcript_html(rows),
                gr.update(value=str(path), visible=True), rows,
                gr.update(choices=listed()))

    def open_saved(name: str | None) -> tuple:
        return opened(*saved_path(saved_dir, "fren", name, "inspection"))

    def open_upload(file: str | None) -> tuple:
        return opened(*uploaded_path(file))

    def opened(path: Path, what: str) -> tuple:
        state = f"Opened {what}"
        try:
            rows = sorted_rows(read_inspection(path))
        except ValueError as exc:
            raise gr.Error(f"{path.name} cannot be opened: {exc}.") from None
        engines_used = ", ".join(sorted({r["engine"] for r in rows}))
        return show(rows, f"{state} — {len(rows)} answers ({engines_used})", offered_copy(path))

    def show_answer(rows: list[dict[str, Any]], evt: gr.SelectData) -> tuple:
        """The transcript of the answer selected in *Every answer* (the table may be filtered, so
        the row is found by its probe, engine and strategy, not by its position)."""
        values = dict(zip(ROW_COLUMNS, evt.row_value or [], strict=False))
        key = ("probe", "engine", "strategy")
        row = next((r for r in rows if all(r[k] == values.get(k) for k in key)), None)
        if row is None:
            return gr.update(), gr.update()
        return transcript_html([row]), gr.Accordion(open=True)

    def sweep(label: str, budgets_text: str, modes: list[str], chosen_types, chosen_langs, per_type, extra,
              request: gr.Request) -> Iterator[tuple]:
        try:
            budgets = sorted({int(b) for b in budgets_text.replace(";", ",").split(",") if b.strip()})
        except ValueError:
            raise gr.Error("Budgets must be whole numbers separated by commas.") from None
        if not budgets or budgets[0] < 1 or budgets[-1] > MAX_BUDGET:
            raise gr.Error(f"Give budgets between 1 and {MAX_BUDGET}.")
        if not modes:
            raise gr.Error("Choose thinking on, off or both.")
        picked = pick(chosen_types, chosen_langs, per_type, extra)
        if not picked:
            raise gr.Error("Choose at least one question type and language.")
        engine, _ = pick_engine(services, label)
        cancel = session_cancel(services, request, "fren")
        # room above the largest budget, so that "needs more than every budget" is measured too
        params = GenerationParams(temperature=0, max_new_tokens=min(budgets[-1] * 2, MAX_BUDGET))
        modes = [m for m in THINKING_MODES if m in modes]  # thinking on first, however they were ticked
        total = len(picked) * len(modes)
        needs: list[dict[str, Any]] = []
        last = 0.0
        unchanged = (gr.update(),) * 7
        for need in needed_tokens(engine, picked, params, cancel, thinking=modes):
            needs.append(need)
            if time.perf_counter() - last > 0.5:
                last = time.perf_counter()
                yield f"Measuring — {len(needs)}/{total} answers", *unchanged
        failed = [n for n in needs if n["error"]]
        hidden = gr.update(visible=False)
        if needs and len(failed) == len(needs):
            yield (f"⚠️ {label} could not answer: {failed[0]['error']}", hidden, hidden, hidden, hidden, hidden, None,
                   gr.update())
            return
        path = download_path(SWEEP_STEM)
        write_sweep([{"engine": label, **n} for n in needs], budgets, path)
        measured = len(needs) - len(failed)
        state = (f"Stopped — measured {measured} of {total} answers" if cancel.is_set()
                 else f"Measured {measured} answers")
        state += f" (full length up to {params.max_new_tokens} tokens)."
        if failed:
            state += f" {len(failed)} failed and are left out: {failed[0]['error'].rstrip('.')}."
        if not measured:
            yield state, hidden, hidden, hidden, hidden, hidden, None, gr.update()
            return
        not_kept = save_copy(path, saved_dir, len(needs)).removeprefix(". ")
        yield *sweep_shown(needs, budgets, state + (f" {not_kept}." if not_kept else ""), path), \
            gr.update(choices=listed_sweeps())

    def sweep_shown(needs: list[dict[str, Any]], budgets: list[int], state: str, path: Path) -> tuple:
        """The sweep's outputs for its answers (just measured, or opened from a file): status,
        table, chart, download, the Use buttons and the budgets they copy."""
        hidden = gr.update(visible=False)
        table = completion_table(needs, budgets)
        found = budgets_found(table)
        state += " " + budget_line(table)
        if None in found.values():
            state += " Try larger budgets."

        def use(mode: str) -> dict[str, Any]:
            if found.get(mode) is None:
                return hidden
            return gr.update(value=f"Use max_new_tokens = {found[mode]} with thinking {mode} in Chat and Compare",
                             visible=True)

        curves = completion_table(needs, budgets, by=("thinking", "language"))
        return (state, gr.update(value=pd.DataFrame(_percent(table)), visible=True),
                gr.update(value=budget_figure(curves, budgets), visible=True),
                gr.update(value=str(path), visible=True), use("on"), use("off"), found)

    def open_sweep(path: Path, what: str) -> tuple:
        state = f"Opened {what}"
        try:
            needs, budgets = read_sweep(path)
        except ValueError as exc:
            raise gr.Error(f"{path.name} cannot be opened: {exc}.") from None
        if all(n.get("error") for n in needs):
            raise gr.Error(f"{path.name} holds no measured answer: every one failed ({needs[0]['error']}).")
        engines = ", ".join(sorted({n.get("engine") or "" for n in needs} - {""})) or "engine not recorded"
        return sweep_shown(needs, budgets, f"{state} — {len(needs)} answers ({engines}).", offered_copy(path))

    def open_saved_sweep(name: str | None) -> tuple:
        return open_sweep(*saved_path(saved_dir, SWEEP_STEM, name, "sweep"))

    def use_budget(found: dict[str, int | None] | None, mode: str) -> list[Any]:
        """A measured budget into Chat's and Compare's max_new_tokens, with thinking as measured
        (their presets turn Custom)."""
        if not found or found.get(mode) is None:
            raise gr.Error("Run a budget sweep first.")
        gr.Info(f"max_new_tokens = {found[mode]} with thinking {mode} in Chat and Compare.")
        return [found[mode], THINKING_MODES[mode], CUSTOM] * len(targets)


    shown = [status, matrix_df, plot, rows_df, transcript, download, rows_state, saved]
    go_btn.click(inspect, [types, langs, count, custom, engines, strategies, budget], shown,
                 api_visibility="private", **services.heavy_event)
    saved.input(open_saved, [saved], shown, api_visibility="private")
    upload.upload(open_upload, [upload], shown, api_visibility="private")
    tab.select(lambda: (gr.update(choices=listed()), gr.update(choices=listed_sweeps())), None, [saved, sweeps],
               api_visibility="private")
    rows_df.select(show_answer, [rows_state], [transcript, transcript_box], api_visibility="private")
    stop.click(stopper(services, "fren"), None, None, api_visibility="private", queue=False)
    swept = [sweep_status, sweep_df, sweep_plot, sweep_download, sweep_use, sweep_use_off, sweep_budget]
    sweep_btn.click(sweep, [sweep_engine, budgets_box, sweep_thinking, types, langs, count, custom],
                    [*swept, sweeps], api_visibility="private", **services.heavy_event)
    sweeps.input(open_saved_sweep, [sweeps], swept, api_visibility="private")
    sweep_upload.upload(lambda file: open_sweep(*uploaded_path(file)), [sweep_upload], swept,
                        api_visibility="private")
    copied_to = [c for t in targets.values()
                 for c in (t["controls"]["max_new_tokens"], t["controls"]["enable_thinking"], t["preset"])]
    sweep_use.click(lambda found: use_budget(found, "on"), [sweep_budget], copied_to, api_visibility="private")
    sweep_use_off.click(lambda found: use_budget(found, "off"), [sweep_budget], copied_to, api_visibility="private")
