"""FR/EN tab views: the budget chart's axis, the list of saved inspections."""

from __future__ import annotations

import os

from ui.fren import MATRIX_COLUMNS, describe_inspection, matrix_columns
from ui.fren_sweep import budget_figure, percent_cells
from workbench.export import write_csv
from workbench.fren import COST_METRIC, STRATEGIES


def test_budgets_spanning_orders_of_magnitude_get_a_log_axis():
    row = {"thinking": "on", "language": "fr", "≤64": 0.35, "≤128": 1.0, "≤256": 1.0, "≤20000": 1.0}
    wide = budget_figure([row], [64, 128, 256, 20000])
    assert wide.layout.xaxis.type == "log"  # 64 and 128 were squeezed into one pixel next to 20000
    assert budget_figure([row], [64, 128, 256]).layout.xaxis.type in (None, "linear")
    assert list(wide.layout.xaxis.tickvals) == [64, 128, 256, 20000]  # ticks at the budgets asked for
    assert [round(y) for y in wide.data[0].y] == [35, 100, 100, 100]


def test_the_budget_chart_draws_thinking_off_dashed_and_each_language_in_its_colour():
    curves = [{"thinking": thinking, "language": lang, "≤64": 0.5} for thinking in ("on", "off")
              for lang in ("en", "fr", "und")]
    lines = budget_figure(curves, [64]).data
    assert [trace.name for trace in lines] == [  # English first: drawn underneath the others
        "English questions · thinking on", "English questions · thinking off", "French questions · thinking on",
        "other questions · thinking on", "French questions · thinking off", "other questions · thinking off"]
    assert [trace.line.dash for trace in lines] == ["solid", "dash", "solid", "solid", "dash", "dash"]
    assert lines[0].line.color == lines[1].line.color != lines[2].line.color  # a colour per language


def test_french_and_english_lines_that_lie_on_each_other_both_show():
    same = {"thinking": "on", "≤32": 0.25, "≤64": 1.0}
    figure = budget_figure([{**same, "language": "fr"}, {**same, "language": "en"}], [32, 64])
    english, french = figure.data
    assert list(english.y) == list(french.y)  # one line over the other
    assert english.line.width > french.line.width and english.marker.size > french.marker.size
    assert english.marker.symbol.endswith("-open") and not french.marker.symbol.endswith("-open")
    assert english.opacity < 1  # the French line shows through on top of it
    assert figure.layout.hovermode == "x unified"  # a budget's hover lists both


def test_a_saved_inspection_is_described_by_its_engines_and_strategies(tmp_path):
    def saved(name, pairs):
        path = tmp_path / name
        write_csv([{"probe": f"p{i}", "engine": engine, "strategy": strategy}
                   for i, (engine, strategy) in enumerate(pairs)], path, bom=True)
        return path

    every = saved("every.csv", [("System B · local model", s) for s in STRATEGIES])
    assert describe_inspection(every) == "System B · local model · every strategy"
    two = saved("two.csv", [("System B · local model", "thinking off"), ("System A · remote MoE", "baseline"),
                            ("System B · local model", "baseline")])
    assert describe_inspection(two) == "System A · remote MoE, System B · local model · baseline, thinking off"
    three = saved("three.csv", [("System B · local model", s) for s in list(STRATEGIES)[:3]])
    assert describe_inspection(three) == "System B · local model · 3 strategies"
    assert describe_inspection(tmp_path / "gone.csv") == ""
    (tmp_path / "empty.csv").write_text("probe,engine,strategy\n", encoding="utf-8")
    assert describe_inspection(tmp_path / "empty.csv") == ""
    # the file changed since it was last read: read again (the list is cached per version of a file)
    write_csv([{"probe": "p1", "engine": "System A · remote MoE", "strategy": "baseline"}], three, bom=True)
    os.utime(three, ns=(1, 1))
    assert describe_inspection(three) == "System A · remote MoE · baseline"


def test_the_matrix_shows_costs_in_dollars_only_when_it_has_them():
    priced = [{"strategy": "baseline", "engine": "System B", "answers": 3, "completed": 1.0, COST_METRIC: 0.5}]
    assert matrix_columns(priced) == [*MATRIX_COLUMNS, COST_METRIC]
    shown = percent_cells(priced, money=(COST_METRIC,))[0]
    assert shown["completed"] == "100%" and shown[COST_METRIC] == "$0.50"
    assert matrix_columns([{k: v for k, v in priced[0].items() if k != COST_METRIC}]) == MATRIX_COLUMNS


def test_a_saved_sweep_is_described_by_its_engine_and_thinking_modes(tmp_path):
    from ui.fren_sweep import describe_sweep

    path = tmp_path / "budget-sweep.csv"
    write_csv([{"thinking": "off", "type": "definition"}, {"thinking": "(per question)"},
               *({"engine": "System B · local model", "probe": f"p{i}", "thinking": mode}
                 for i, mode in enumerate(["off", "on"]))], path, bom=True)
    assert describe_sweep(path) == "System B · local model · thinking on and off"
    one = tmp_path / "one.csv"
    write_csv([{"engine": "System A · remote MoE", "probe": "p1", "thinking": "off"}], one, bom=True)
    assert describe_sweep(one) == "System A · remote MoE · thinking off"
    legacy = tmp_path / "legacy.csv"  # saved before sweeps named their engine and modes
    write_csv([{"probe": "p1", "lang": "fr"}], legacy, bom=True)
    assert describe_sweep(legacy) == ""


def test_every_answer_shows_the_start_of_long_texts_and_keeps_the_rest():
    from ui.fren import ROW_HEADERS, answers_frame

    answer = "Le rendement à l'échéance est le taux qui égalise le prix et les flux actualisés. " * 30
    row = {"probe": "fr-ytm", "engine": "System B · local model", "strategy": "baseline",
           "question": "Qu'est-ce que le rendement à l'échéance ?", "answer": answer, "error": None}
    shown = answers_frame([row])
    assert list(shown.columns) == ROW_HEADERS
    cell = shown.iloc[0]["answer"]
    assert cell.endswith("…") and len(cell) < 300 and answer.startswith(cell[:-1])
    assert shown.iloc[0]["question"] == row["question"] and row["answer"] == answer  # the row itself untouched
