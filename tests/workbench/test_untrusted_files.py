"""Files an analyst opens in the app come from anywhere — a colleague's download edited in a
spreadsheet, a nightly job's output, the wrong file. Each reader either refuses a file with a
ValueError that says what is wrong, or gives what the app then shows without failing: a valid
download is taken and its cells overwritten at random (numbers, words, JSON of any shape, empty
cells, nonsense), and what the reader accepts goes through the views that open it."""

from __future__ import annotations

import json
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.export import read_csv, write_csv

pytestmark = pytest.mark.slow

# what a cell may become: what a spreadsheet, a hand edit or another tool puts there
CELLS = st.one_of(
    st.just(""), st.integers(-10**12, 10**12).map(str), st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["true", "false", "TRUE", "yes", "0", "1", "-1", "nan", "inf", "1e400", "null", "None",
                     "A", "B", "C", "en", "fr", "und", "stop", "length", "error", "cancelled", "1 of 2", "; ", "()",
                     "=SUM(A1)", "'=1", "{}", "[]", "[1, 2]", "\"text\"", "{\"a\": 1}", "{\"contains\": 5}",
                     "{\"number\": \"x\"}", "{\"risk\": 3}", "{\"language\": \"de\"}", "[{\"token\": 1}]"]),
    st.text(max_size=30),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                 max_leaves=6).map(json.dumps),
)
# FUZZ_EXAMPLES=2000 searches longer (CI runs the default)
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                        max_size=3),
                           max_leaves=6)


def corrupted(rows: list[dict[str, str]], data: st.DataObject, at_most: int = 6) -> list[dict[str, str]]:
    """The rows with a few cells (any row, any column) overwritten by CELLS."""
    rows = [dict(r) for r in rows]
    columns = list(rows[0])
    for _ in range(data.draw(st.integers(1, at_most), label="cells changed")):
        row = data.draw(st.integers(0, len(rows) - 1), label="row")
        column = data.draw(st.sampled_from(columns), label="column")
        rows[row][column] = data.draw(CELLS, label=f"{column}")
    return rows


def refused_or_shown(read, show, path) -> None:
    """`read(path)` refuses with a ValueError that says something, or what it gives is shown."""
    try:
        opened = read(path)
    except ValueError as exc:
        assert str(exc).strip()
        return
    show(opened)


def finite(value) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


# ---------------------------------------------------------------- a batch run's CSV


@pytest.fixture(scope="module")
def batch_csv_rows(tmp_path_factory) -> list[dict[str, str]]:
    """The rows of a real Batch download: two experiments both systems answered (one with a
    transaction, checks and a reference), read back as text cells."""
    from tests.ui.pages import saved_run_both_answered
    from workbench.batch_store import latest_records, run_file
    from workbench.summary import flat_rows

    folder = tmp_path_factory.mktemp("runs")
    saved_run_both_answered(folder, "night", ["exp-1", "exp-2"], b_refuses=["exp-2"])
    records = latest_records(run_file(folder, "night"))
    records[0].update(transaction={"amount": 25000, "currency": "EUR"}, expect={"contains": ["remote"]},
                      reference="The remote model answers.", category="demo", lang="en",
                      expected_route="transaction_risk")
    path = folder / "night.csv"
    write_csv(flat_rows(records), path, bom=True)
    return read_csv(path)


@given(data=st.data())
@FUZZ
def test_a_batch_csv_edited_anyhow_is_refused_with_a_reason_or_opened(batch_csv_rows, tmp_path, data):
    from ui.batch_view import questions_download, results_view
    from ui.breakdown import breakdown_view
    from workbench.batch_store import latest_records, run_file
    from workbench.breakdown import GROUPINGS
    from workbench.report import report_page, run_report
    from workbench.run_files import read_run_file, save_as_run

    path = tmp_path / f"edited-{data.draw(st.integers(0, 10**9), label='name')}.csv"
    write_csv(corrupted(batch_csv_rows, data), path)

    def show(records):
        name, _ = save_as_run(records, tmp_path, path.stem)
        saved = latest_records(run_file(tmp_path, name))  # opened as the app opens a saved run
        assert saved
        results_view(saved, name, {})
        for by in GROUPINGS:
            breakdown_view({r["experiment_id"]: r for r in saved}, by, name)
        questions_download(saved, name)
        text = run_report(name, saved, {}, {})
        report_page(text, name, saved)

    refused_or_shown(read_run_file, show, path)


# ---------------------------------------------------------------- an FR/EN inspection's CSV


@pytest.fixture(scope="module")
def inspection_rows(tmp_path_factory) -> list[dict[str, str]]:
    """The rows of a real FR/EN download: two calculation pairs and a definition pair, under the
    baseline and strip reasoning, from an engine that reasons in English and answers in French."""
    from engines.base import GenerationParams
    from tests.workbench.test_fren import Scripted
    from workbench.fren import load_probes, run_inspection

    probes = [p for p in load_probes() if p.type == "calculation"][:4] + \
        [p for p in load_probes() if p.type == "definition"][:2]
    engine = Scripted("The user asks for a calculation: 1,000 times 1.1 is 1,100.", "Le résultat est 1 210 euros.")
    rows = list(run_inspection({"System B · local model": engine}, probes, ["baseline", "strip reasoning"],
                               GenerationParams(temperature=0, max_new_tokens=64)))
    path = tmp_path_factory.mktemp("fren") / "inspection.csv"
    write_csv(rows, path, bom=True)
    return read_csv(path)


@given(data=st.data())
@FUZZ
def test_an_inspection_csv_edited_anyhow_is_refused_with_a_reason_or_opened(inspection_rows, tmp_path, data):
    from ui.fren import inspection_view
    from workbench.fren import read_inspection, sorted_rows

    path = tmp_path / "edited.csv"
    write_csv(corrupted(inspection_rows, data), path)
    refused_or_shown(read_inspection, lambda rows: inspection_view(sorted_rows(rows), "Opened", path), path)


# ---------------------------------------------------------------- a Chat conversation's JSON


def mutated(doc, data: st.DataObject, at_most: int = 4):
    """`doc` (parsed JSON) with a few of its values, at any depth, replaced by any JSON value."""
    doc = json.loads(json.dumps(doc))
    for _ in range(data.draw(st.integers(1, at_most), label="values changed")):
        places, todo = [], [doc]
        while todo:
            node = todo.pop()
            for key in (node if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else []):
                places.append((node, key))
                todo.append(node[key])
        if not places:
            break
        node, key = data.draw(st.sampled_from(places), label="where")
        node[key] = data.draw(JSON_VALUES, label="value")
    return doc


@pytest.fixture(scope="module")
def conversation_doc() -> dict:
    """A downloaded conversation: two turns, the second asked side by side, each with its figures."""
    from engines.base import StreamStats
    from workbench.chat import Turn, stats_dict
    from workbench.chat_export import conversation_json

    def turn(question: str, answer: str, engine: str = "System B · local model") -> Turn:
        stats = stats_dict(StreamStats(model_id="demo-model", finish_reason="stop", ttft_s=0.1, total_s=1.2,
                                       reasoning_tokens=12, content_tokens=20))
        return Turn(question=question, engine=engine, params={"temperature": 0, "max_new_tokens": 64},
                    reasoning="The user asks about rates.", answer=answer, running=False,
                    stats={**stats, "reasoning_lang": "en", "answer_lang": "fr"})

    second = turn("Qu'est-ce que la duration ?", "La duration mesure la sensibilité du prix aux taux : 7,5 ans.")
    second.beside = turn("Qu'est-ce que la duration ?", "La duration est de 8 ans.", "System A · remote MoE")
    return json.loads(conversation_json([turn("What is an ETF?", "An ETF is a fund traded on an exchange."),
                                         second]))


@given(data=st.data())
@FUZZ
def test_a_conversation_json_edited_anyhow_is_refused_with_a_reason_or_opened(conversation_doc, tmp_path, data):
    from ui.chat_view import conversation_files, cut_off_in_reasoning, differences_md, render, render_beside
    from workbench.chat_export import read_conversation

    def show(turns):
        render(turns)
        render_beside(turns)
        cut_off_in_reasoning(turns)
        differences_md(turns)
        conversation_files(turns)

    path = tmp_path / "conversation.json"
    path.write_text(json.dumps(mutated(conversation_doc, data)), encoding="utf-8")
    refused_or_shown(lambda p: read_conversation(p.read_bytes()), show, path)


# ---------------------------------------------------------------- what the search found, kept as examples


@pytest.mark.parametrize(("column", "cell", "said"), [
    ("checks_total", "17179869184", "at most 1000 checks"),  # a list that large filled the memory
    ("checks_passed", "3", "no more passed than there are"),
    ("confidence", "1", "confidence is not an answer's reading"),  # failed where the table was drawn
    ("confidence", '{"sure_share": "most"}', "confidence is not an answer's reading"),
    ("params", "[1, 2]", "params is not a JSON object"),  # failed where the run's settings were read
    ("transaction", "25000", "transaction is not a JSON object"),
])
def test_a_batch_csv_cell_that_would_break_the_view_is_refused_by_name(batch_csv_rows, tmp_path, column, cell, said):
    from workbench.run_files import read_run_file

    rows = [dict(r) for r in batch_csv_rows]
    rows[0].update({column: cell, **({"checks_total": "2", "checks_passed": "3"} if column == "checks_passed" else {})})
    path = tmp_path / "edited.csv"
    write_csv(rows, path)
    with pytest.raises(ValueError, match=f"row 2: .*{said}"):
        read_run_file(path)


def test_an_inspection_row_without_its_probe_is_refused_by_name(inspection_rows, tmp_path):
    from workbench.fren import read_inspection

    rows = [dict(r) for r in inspection_rows]
    rows[2]["probe"] = ""  # its answers could not be ordered: the tables failed
    path = tmp_path / "edited.csv"
    write_csv(rows, path)
    with pytest.raises(ValueError, match="row 4: probe is empty"):
        read_inspection(path)


@pytest.mark.parametrize(("place", "value", "said"), [
    (("stats", "total_s"), None, "its figures"),  # the figures line failed to print
    (("stats", "reasoning_tokens"), "12", "its figures"),
    (("stats", "extras"), {"cost_usd": "cheap"}, "its figures"),
    (("route",), {"confidence": 0.9}, "its route"),  # the route line failed
])
def test_a_conversation_whose_figures_would_break_the_chat_is_refused_by_name(conversation_doc, place, value, said):
    from workbench.chat_export import read_conversation

    doc = json.loads(json.dumps(conversation_doc))
    node = doc["turns"][1]["beside"]
    for key in place[:-1]:
        node = node[key]
    node[place[-1]] = value
    with pytest.raises(ValueError, match=f"turn 2 \\(side by side\\): {said}"):
        read_conversation(json.dumps(doc))
