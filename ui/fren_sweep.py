"""The FR/EN tab's token-budget sweep: the completion rate at each max_new_tokens, per thinking
mode, question type and language, measured (workbench.budget_sweep), saved and opened again, and
copied into Chat's and Compare's parameters."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd
import plotly.graph_objects as go

from engines.base import GenerationParams, param_bounds
from engines.cost import usd
from ui.common import download_path, offered_copy, pick_engine, session_cancel, table_downloads
from ui.saved import Picks, open_controls, saved_path, uploaded_path
from workbench.budget_sweep import (
    SWEEP_STEM,
    THINKING_MODES,
    budget_line,
    budgets_found,
    completion_table,
    needed_tokens,
    read_sweep,
    sweep_rows,
    write_sweep,
)
from workbench.fren import Probe
from workbench.presets import CUSTOM
from workbench.saved import column_values, save_copy, saved_choices
from workbench.services import LOCAL, Services

MAX_BUDGET = int(param_bounds("max_new_tokens")[1])


def percent_cells(table: list[dict[str, Any]], money: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The rates of a table (floats between 0 and 1) as percentages, for display; counts and
    budgets (whole numbers) stay as they are, the `money` columns are shown in dollars. The CSV
    downloads keep the fractions."""
    return [{k: usd(v) if k in money else f"{v:.0%}" if isinstance(v, float) else v for k, v in row.items()}
            for row in table]


def describe_sweep(path: Path) -> str:
    """A saved sweep's engine and thinking modes, for the list of sweeps: "System B · local
    model · thinking on and off"."""
    engines, modes = column_values(path, "engine"), column_values(path, "thinking")
    modes = [m for m in THINKING_MODES if m in modes]
    if not engines or not modes:
        return ""
    return f"{', '.join(engines)} · thinking {' and '.join(modes)}"


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


def build_sweep_section(services: Services, targets: dict[str, dict[str, Any]], saved_dir: Path,
                        pick: Callable[..., list[Probe]], picked_by: list[Any]) -> tuple[gr.Dropdown, Callable]:
    """The sweep's controls and results, laid out where it is called (inside the FR/EN tab), and
    their events. `pick(*values of picked_by)`: the questions the tab's type, language, count and
    own-question controls choose. Returns the list of saved sweeps and what fills it, for the
    tab to refresh when it is opened."""
    engine_choices = services.engine_choices()

    def listed_sweeps() -> list[tuple[str, str]]:
        return saved_choices(saved_dir, SWEEP_STEM, "answers", describe_sweep)

    gr.Markdown("## Token budget sweep\nOne full-length run per question (fixed seed) gives the tokens "
                "each answer needs; an answer completes under a budget exactly when it needs no more.",
                elem_classes=["section-title"])
    with gr.Row():
        sweep_engine = gr.Dropdown(engine_choices, value=LOCAL, label="Engine", elem_id="sweep-engine")
        budgets_box = gr.Textbox("16, 32, 64, 96, 128, 192, 256, 384", label="Budgets to report",
                                 elem_id="sweep-budgets")
        sweep_thinking = gr.CheckboxGroup(list(THINKING_MODES), value=list(THINKING_MODES), label="Thinking",
                                          info="Both: what thinking costs in budget", elem_id="sweep-thinking")
        sweep_btn = gr.Button("Run budget sweep", elem_id="sweep-go")
    sweeps, sweep_upload = open_controls(listed_sweeps(), "sweep", "Open a sweep file…", "sweep")
    sweep_status = gr.Markdown(elem_id="sweep-status")
    # Hidden until a sweep has run: its columns are the budgets asked for
    sweep_df = gr.Dataframe(label="Completion rate by thinking, question type and language, at each budget",
                            visible=False, elem_id="sweep-table")
    sweep_plot = gr.Plot(visible=False, elem_id="sweep-plot", show_label=False)
    with gr.Row():
        sweep_download = gr.DownloadButton("Download sweep CSV", visible=False, elem_id="sweep-download")
        sweep_download_xlsx = gr.DownloadButton("Download sweep as Excel", visible=False,
                                                elem_id="sweep-download-xlsx")
        sweep_use = gr.Button(visible=False, elem_id="sweep-use")
        sweep_use_off = gr.Button(visible=False, elem_id="sweep-use-off")
    sweep_budget = gr.State(None)  # the budgets Use… copies: thinking mode -> max_new_tokens

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
        unchanged = (gr.update(),) * 8
        for need in needed_tokens(engine, picked, params, cancel, thinking=modes):
            needs.append(need)
            if time.perf_counter() - last > 0.5:
                last = time.perf_counter()
                yield f"Measuring — {len(needs)}/{total} answers", *unchanged
        failed = [n for n in needs if n["error"]]
        hidden = gr.update(visible=False)
        if needs and len(failed) == len(needs):
            yield (f"⚠️ {label} could not answer: {failed[0]['error']}", *(hidden,) * 6, None, gr.update())
            return
        needs = [{"engine": label, **n} for n in needs]  # as the file keeps them
        path = download_path(SWEEP_STEM)
        write_sweep(needs, budgets, path)
        measured = len(needs) - len(failed)
        state = (f"Stopped — measured {measured} of {total} answers" if cancel.is_set()
                 else f"Measured {measured} answers")
        state += f" (full length up to {params.max_new_tokens} tokens)."
        if failed:
            state += f" {len(failed)} failed and are left out: {failed[0]['error'].rstrip('.')}."
        if not measured:
            yield state, *(hidden,) * 6, None, gr.update()
            return
        not_kept = save_copy(path, saved_dir, len(needs)).removeprefix(". ")
        yield *sweep_shown(needs, budgets, state + (f" {not_kept}." if not_kept else ""), path), \
            gr.update(choices=listed_sweeps())

    def sweep_shown(needs: list[dict[str, Any]], budgets: list[int], state: str, path: Path) -> tuple:
        """The sweep's outputs for its answers (just measured, or opened from a file): status,
        table, chart, the downloads (`path`, the CSV just written or the file opened, and its twin),
        the Use buttons and the budgets they copy."""
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
        return (state, gr.update(value=pd.DataFrame(percent_cells(table)), visible=True),
                gr.update(value=budget_figure(curves, budgets), visible=True),
                *table_downloads(sweep_rows(needs, table), path, SWEEP_STEM), use("on"), use("off"), found)

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

    picks = Picks()  # one opening per pick of the saved-sweeps menu

    def open_saved_sweep(name: str | None, request: gr.Request) -> Any:
        if picks.again(request, name):  # the menu's second input for one pick
            return gr.skip()
        return open_sweep(*saved_path(saved_dir, SWEEP_STEM, name, "sweep"))

    def use_budget(found: dict[str, int | None] | None, mode: str) -> list[Any]:
        """A measured budget into Chat's and Compare's max_new_tokens, with thinking as measured
        (their presets turn Custom)."""
        if not found or found.get(mode) is None:
            raise gr.Error("Run a budget sweep first.")
        gr.Info(f"max_new_tokens = {found[mode]} with thinking {mode} in Chat and Compare.")
        return [found[mode], THINKING_MODES[mode], CUSTOM] * len(targets)

    swept = [sweep_status, sweep_df, sweep_plot, sweep_download, sweep_download_xlsx, sweep_use, sweep_use_off,
             sweep_budget]
    sweep_btn.click(sweep, [sweep_engine, budgets_box, sweep_thinking, *picked_by],
                    [*swept, sweeps], api_visibility="private", **services.heavy_event)
    sweeps.input(open_saved_sweep, [sweeps], swept, api_visibility="private")
    sweep_upload.upload(lambda file: open_sweep(*uploaded_path(file)), [sweep_upload], swept,
                        api_visibility="private")
    copied_to = [c for t in targets.values()
                 for c in (t["controls"]["max_new_tokens"], t["controls"]["enable_thinking"], t["preset"])]
    sweep_use.click(lambda found: use_budget(found, "on"), [sweep_budget], copied_to, api_visibility="private")
    sweep_use_off.click(lambda found: use_budget(found, "off"), [sweep_budget], copied_to, api_visibility="private")
    return sweeps, listed_sweeps
