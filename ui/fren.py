"""FR/EN behaviour tab: language of reasoning and answer, strategies, and the token budget."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd
import plotly.graph_objects as go

from engines.base import GenerationParams
from ui.common import (
    ANSWER_CELL,
    QUESTION_CELL,
    cell_text,
    download_path,
    offered_copy,
    session_cancel,
    stopper,
    table_downloads,
)
from ui.fren_sweep import build_sweep_section, percent_cells
from ui.saved import Picks, open_controls, saved_path, uploaded_path
from workbench.export import write_csv
from workbench.fren import (
    COST_METRIC,
    MATRIX_METRICS,
    PROBE_TYPES,
    SAVED_FOLDER,
    STRATEGIES,
    Probe,
    custom_probes,
    failures,
    load_probes,
    pick_probes,
    read_inspection,
    run_inspection,
    shown_matrix,
    sorted_rows,
    strategies_in,
    strategy_names,
    transcript_html,
)
from workbench.fren_baseline import PAIR_COLUMNS, every_pair, headline
from workbench.safety import safe_markdown
from workbench.saved import column_values, save_copy, saved_choices
from workbench.services import LOCAL, Services

ROW_COLUMNS = ["probe", "type", "engine", "strategy", "question_lang", "reasoning_lang", "answer_lang",
               "reasoning_tokens", "answer_tokens", "reasoning_share", "finish_reason", "truncated_in_reasoning",
               "answer_matches_question", "user_sees_one_language", "right_figure", "question", "answer", "error"]
ROW_HEADERS = [c.replace("_", " ") for c in ROW_COLUMNS]  # the CSV keeps the column names
# a probe's id (calc-compound-interest-en) and an engine on one line; the texts wide enough to read
ROW_WIDTHS = {"probe": "250px", "engine": "210px", "question": "260px", "answer": "420px", "error": "200px"}
PLOT_METRICS = ["answer in question's language", "reasoning in question's language", "user sees one language",
                "mean reasoning share", "cut off in reasoning", "right figure"]


# what the status line says before an inspection is run or opened
NOTHING_INSPECTED = ("*Run inspection* asks the questions chosen above of each engine under each strategy, or open a "
                     "saved inspection: the matrix per strategy and engine, its chart and every answer show here.")


def describe_inspection(path: Path) -> str:
    """A saved inspection's engines and strategies, for the list of inspections: "System B ·
    local model · every strategy", "System A · remote MoE, System B · local model · baseline,
    thinking off"."""
    engines = sorted(column_values(path, "engine"))  # System A before System B
    strategies = strategies_in(column_values(path, "strategy"))
    if not engines or not strategies:
        return ""
    adapters = [name for name in strategies if name not in STRATEGIES]  # a LoRA adapter's, beyond the built-in ones
    which = (", ".join(["every strategy", *adapters]) if set(STRATEGIES) <= set(strategies)
             else ", ".join(strategies) if len(strategies) <= 2 else f"{len(strategies)} strategies")
    return f"{', '.join(engines)} · {which}"


MATRIX_COLUMNS = ["strategy", "engine", "answers", *MATRIX_METRICS]
PAIR_WIDTHS = {"outcome": "170px", "engine": "160px", "strategy": "160px", "questions": "100px", "better": "80px",
               "worse": "80px", "p": "60px", "difference": "190px"}  # every column in view


def matrix_columns(table: list[dict[str, Any]]) -> list[str]:
    """The matrix's columns: the cost per 1,000 answers too when its answers have costs (what
    thinking off or a French prefill saves, in dollars)."""
    return MATRIX_COLUMNS + ([COST_METRIC] if any(COST_METRIC in row for row in table) else [])


def answers_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """*Every answer*: question, answer and error cut short (the transcript shows a selected answer
    in full; the CSV holds every text)."""
    cut = {"question": QUESTION_CELL, "answer": ANSWER_CELL, "error": ANSWER_CELL}
    shown = [{**r, **{c: cell_text(r.get(c), n) for c, n in cut.items()}} for r in rows]
    return pd.DataFrame(shown, columns=ROW_COLUMNS).set_axis(ROW_HEADERS, axis=1)


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


def inspection_view(rows: list[dict[str, Any]], state: str, path: Path) -> tuple:
    """What the tab shows of an inspection's rows (just run, or opened from a file): the status
    (`state`, then its failures and the strategies against the baseline), the matrix, the
    baseline table, the chart, every answer, the transcript, the CSV at `path` (or the workbook
    opened) and its twin, and the rows."""
    table, lang = shown_matrix(rows)
    questions = "French questions" if lang else "All questions"
    if note := failures(rows):
        state += f". ⚠️ {note}."
    pairs = every_pair(rows, lang)
    if pairs:
        said = safe_markdown(headline(pairs, "raise *Probe pairs per type*"))
        state += f"\n\n**Against the baseline:** {said}"
    return (state,
            gr.update(value=pd.DataFrame(percent_cells(table, money=(COST_METRIC,)), columns=matrix_columns(table)),
                      label=f"Strategy × engine × metric ({questions})"),
            gr.update(value=pd.DataFrame(pairs, columns=PAIR_COLUMNS), visible=bool(pairs),
                      label=f"Each strategy against the baseline, on the same {'French ' if lang else ''}"
                            "questions: on how many the outcome holds under each, and the exact McNemar "
                            "test of the questions it changed"),
            matrix_figure(table, questions), answers_frame(rows), transcript_html(rows),
            *table_downloads(rows, path, "answers"), rows)


def build_fren_tab(services: Services, targets: dict[str, dict[str, Any]]) -> None:
    """`targets`: the tabs whose max_new_tokens the budget sweep's answer can be copied to (tab
    id -> its `controls` and `preset`)."""
    probes = load_probes()
    engine_choices = services.engine_choices()
    saved_dir = services.settings.results_dir / SAVED_FOLDER
    picks = Picks()  # one opening per pick of the saved-inspections menu

    def listed() -> list[tuple[str, str]]:
        return saved_choices(saved_dir, "fren", "answers", describe_inspection)

    def pick(chosen_types: list[str], chosen_langs: list[str], per_type: float, extra: str) -> list[Probe]:
        return pick_probes(probes, chosen_types, chosen_langs, int(per_type)) + custom_probes(extra)

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
                strategies = gr.CheckboxGroup(strategy_names(services.local.adapters), value=list(STRATEGIES),
                                              label="Strategies", elem_id="fren-strategies",
                                              info="An adapter loaded under Generation tuning is offered as "
                                                   "NAME adapter: does the new fine-tune reason in French?")
                budget = gr.Slider(16, 4096, value=512, step=16, label="max_new_tokens for the inspection",
                                   elem_id="fren-budget")
        with gr.Row():
            go_btn = gr.Button("Run inspection", variant="primary", elem_id="fren-go")
            stop = gr.Button("Stop", variant="stop", elem_id="fren-stop")
        saved, upload = open_controls(listed(), "inspection", "Open an inspection file…", "fren")
        status = gr.Markdown(NOTHING_INSPECTED, elem_id="fren-status")
        # what an inspection shows, shown with one (run or opened), hidden while none is
        with gr.Column(visible=False, elem_id="fren-results") as results:
            matrix_df = gr.Dataframe(headers=MATRIX_COLUMNS, label="Strategy × engine × metric (French questions)",
                                     elem_id="fren-matrix")
            pairs_df = gr.Dataframe(headers=PAIR_COLUMNS, visible=False, wrap=True, elem_id="fren-baseline",
                                    column_widths=[PAIR_WIDTHS.get(c, "95px") for c in PAIR_COLUMNS])
            plot = gr.Plot(elem_id="fren-plot", show_label=False)
            rows_df = gr.Dataframe(headers=ROW_HEADERS, label="Every answer", wrap=True, max_height=420,
                                   column_widths=[ROW_WIDTHS.get(c, "110px") for c in ROW_COLUMNS],
                                   show_search="filter", pinned_columns=1, elem_id="fren-rows")
            with gr.Accordion("Transcript, coloured by detected language (blue EN, green FR, amber both); "
                              "select an answer above to see its own", open=False, elem_id="fren-transcript-box") \
                    as transcript_box:
                transcript = gr.HTML(elem_id="fren-transcript")
            rows_state = gr.State([])
            with gr.Row():
                download = gr.DownloadButton("Download CSV", visible=False, elem_id="fren-download")
                download_xlsx = gr.DownloadButton("Download as Excel", visible=False, elem_id="fren-download-xlsx")
        sweeps, listed_sweeps = build_sweep_section(services, targets, saved_dir, pick, [types, langs, count, custom])

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
                yield (f"Running — {len(rows)}/{total}", gr.update(), gr.update(), gr.update(),
                       answers_frame(rows), gr.update(), gr.update(), gr.update(), rows, gr.update(), gr.update())
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
        """Every output of an inspection, for its rows (just run, or opened from a file): the
        results shown where it has answers. With the rows, not in a step after them: a mouse pick
        in the saved inspections sends two inputs, the second answered at once with gr.skip()
        (ui.saved.Picks), and Gradio ran a step after the pick once only, after the second,
        reading no rows yet: one opening in four left the results hidden under its status."""
        return (*inspection_view(rows, state, path), gr.update(choices=listed()), gr.update(visible=bool(rows)))

    def open_saved(name: str | None, request: gr.Request) -> Any:
        if picks.again(request, name):  # the menu's second input for one pick
            return gr.skip()
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


    shown = [status, matrix_df, pairs_df, plot, rows_df, transcript, download, download_xlsx, rows_state, saved,
             results]
    # the results show as an inspection starts, and stay only where it (or the one opened) has answers:
    # after a refused one too (Gradio runs a `failure` step after an error, and no `then`)
    with_answers = {"fn": lambda rows: gr.update(visible=bool(rows)), "inputs": rows_state, "outputs": results,
                    "api_visibility": "private", "queue": False}
    go_btn.click(lambda: gr.update(visible=True), None, results, api_visibility="private", queue=False)
    for event in (go_btn.click(inspect, [types, langs, count, custom, engines, strategies, budget], shown,
                               api_visibility="private", **services.heavy_event),
                  saved.input(open_saved, [saved], shown, api_visibility="private"),
                  upload.upload(open_upload, [upload], shown, api_visibility="private")):
        event.failure(**with_answers)
    def offered_strategies(chosen: list[str]) -> dict[str, Any]:
        """The strategies as the adapters loaded now make them (one may have been loaded or unloaded
        since the page opened), those ticked kept ticked."""
        names = strategy_names(services.local.adapters)
        return gr.update(choices=names, value=[name for name in chosen or [] if name in names])

    tab.select(offered_strategies, [strategies], [strategies], api_visibility="private", queue=False)
    tab.select(lambda: (gr.update(choices=listed()), gr.update(choices=listed_sweeps())), None, [saved, sweeps],
               api_visibility="private")
    rows_df.select(show_answer, [rows_state], [transcript, transcript_box], api_visibility="private")
    stop.click(stopper(services, "fren"), None, None, api_visibility="private", queue=False)
