"""The tuning tab's configuration table and saved-run list: what a person types becomes parameters, or a clear error."""

from __future__ import annotations

import gradio as gr
import pandas as pd
import pytest

from ui.tuning_view import configs_from_table, default_configs, describe_run
from workbench.export import write_csv
from workbench.tuning import CONFIG_FIELDS


def table(**cells) -> pd.DataFrame:
    frame = default_configs().astype(object)
    for key, value in cells.items():
        frame.loc[1, key] = value
    return frame


def test_typed_cells_become_parameters_and_empty_rows_are_skipped():
    frame = table(temperature="0.3", top_k="40", enable_thinking="no", seed="")
    frame.loc[2] = [None] * len(CONFIG_FIELDS)  # a row added and left empty
    first, second = configs_from_table(frame)
    assert (second.temperature, second.top_k, second.enable_thinking, second.seed) == (0.3, 40, False, None)
    assert first.enable_thinking is True
    french = configs_from_table(table(temperature="0,7", repetition_penalty=" 1,1 "))[1]  # as French writes them
    assert (french.temperature, french.repetition_penalty) == (0.7, 1.1)


@pytest.mark.parametrize(("cells", "message"), [
    ({"temperature": "abc"}, "Configuration 2: temperature is 'abc', not a number"),
    ({"top_k": "2.5"}, "Configuration 2: top_k is '2.5': it takes a whole number"),
    ({"max_new_tokens": "1,000"}, "Configuration 2: max_new_tokens is '1,000', not a number"),  # not 1 token
    ({"max_new_tokens": "inf"}, "Configuration 2: max_new_tokens is 'inf', not a finite number"),
    ({"enable_thinking": "ture"}, "Configuration 2: enable_thinking is 'ture': write true or false"),
    ({"temperature": "9"}, "Configuration 2: temperature"),  # out of range: pydantic names the bound
])
def test_a_bad_cell_names_its_row_and_column(cells, message):
    with pytest.raises(gr.Error) as err:
        configs_from_table(table(**cells))
    assert message in err.value.message


def test_a_saved_run_is_described_by_its_prompt_and_engine(tmp_path):
    long_prompt = "Explique la différence entre la duration de Macaulay et la duration modifiée, avec un exemple"
    path = tmp_path / "tuning-20261123-101500-4.csv"
    write_csv([{"config": 1, "prompt": long_prompt + "\n", "engine": "System B · local model"}], path, bom=True)
    assert describe_run(path) == "“Explique la différence entre la duration de Mac…” on System B · local model"
    old = tmp_path / "tuning-20261122-101500-4.csv"  # downloaded before runs recorded their prompt
    write_csv([{"config": 1, "answer": "…"}], old)
    assert describe_run(old) == ""
    broken = tmp_path / "tuning-20261121-101500-4.csv"
    broken.write_bytes(b"\xff\xfe\x00garbage")
    assert describe_run(broken) == ""


def test_the_results_show_a_cost_column_only_for_a_priced_run():
    from tests.workbench.test_tuning import _run
    from ui.tuning_view import results_frame, run_details

    unpriced = results_frame([_run(1, 1), _run(2, 1, max_new_tokens=32)])["value"]
    assert "cost usd" not in unpriced.columns
    priced_rows = [_run(1, 1, cost_usd=0.0002), _run(2, 1, max_new_tokens=32, cost_usd=0.00005)]
    columns = list(results_frame(priced_rows)["value"].columns)
    assert columns[columns.index("latency ms") + 1] == "cost usd"  # headers wrap at words
    assert "truncated in reasoning" in columns and not any("_" in c for c in columns)
    assert "cost: $0.0002" in run_details(priced_rows[0])[0]
    assert "cost:" not in run_details(_run(1, 1))[0]


def test_the_results_table_shows_only_once_there_are_runs():
    from tests.workbench.test_tuning import _run
    from ui.tuning_view import results_frame

    assert results_frame([])["visible"] is False  # a stopped run that finished none: no empty headers
    shown = results_frame([_run(1, 1)])
    assert shown["visible"] is True and len(shown["value"]) == 1


def test_a_long_answer_is_cut_short_in_the_results_and_whole_in_its_details():
    from tests.workbench.test_tuning import _run
    from ui.tuning_view import results_frame, run_details

    answer = "La duration mesure la sensibilité du prix aux taux. " * 60
    row = _run(1, 1, answer=answer, error=None)
    cell = results_frame([row])["value"].iloc[0]["answer"]
    assert cell.endswith("…") and len(cell) < 300 and answer.startswith(cell[:-1])
    assert answer.strip() in run_details(row)[2]  # the selected row's answer, in full
