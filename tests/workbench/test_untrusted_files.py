"""Files an analyst opens in the app come from anywhere — a colleague's download edited in a
spreadsheet, a nightly job's output, the wrong file. Each reader either refuses a file with a
ValueError that says what is wrong, or gives what the app then shows without failing: a valid
download is taken and its cells overwritten at random (numbers, words, JSON of any shape, empty
cells, nonsense), and what the reader accepts goes through the views that open it."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.export import read_csv, write_csv

pytestmark = pytest.mark.slow

# any JSON value: what a hand edit or another tool may put where the app wrote an object
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                        max_size=3),
                           max_leaves=6)
# what a cell may become: what a spreadsheet, a hand edit or another tool puts there
CELLS = st.one_of(
    st.just(""), st.integers(-10**12, 10**12).map(str), st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["true", "false", "TRUE", "yes", "0", "1", "-1", "nan", "inf", "1e400", "null", "None",
                     "A", "B", "C", "en", "fr", "und", "stop", "length", "error", "cancelled", "1 of 2", "; ", "()",
                     "=SUM(A1)", "'=1", "{}", "[]", "[1, 2]", "\"text\"", "{\"a\": 1}", "{\"contains\": 5}",
                     "{\"number\": \"x\"}", "{\"risk\": 3}", "{\"language\": \"de\"}", "[{\"token\": 1}]"]),
    st.text(max_size=30),
    JSON_VALUES.map(json.dumps),
)
# FUZZ_EXAMPLES=2000 searches longer (CI runs the default)
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


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


def as_downloaded(rows: list[dict], path) -> list[dict[str, str]]:
    """`rows` as a tab's download holds them (written with its byte-order mark), read back as text."""
    write_csv(rows, path, bom=True)
    return read_csv(path)


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
    return as_downloaded(flat_rows(records), folder / "night.csv")


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
    return as_downloaded(rows, tmp_path_factory.mktemp("fren") / "inspection.csv")


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


# ---------------------------------------------------------------- a tuning run's CSV


@pytest.fixture(scope="module")
def tuning_rows(tmp_path_factory) -> list[dict[str, str]]:
    """The rows of a real Generation tuning download: two configurations, twice each, with checks."""
    from engines.base import GenerationParams
    from tests.workbench.test_fren import Scripted
    from workbench.tuning import mark_determinism, run_configs

    engine = Scripted("Let me first compute 1,000 times 1.1.", "The result is 1,210 euros.")
    configs = [GenerationParams(temperature=0.2, max_new_tokens=64), GenerationParams(temperature=0.9, top_k=5)]
    rows = mark_determinism(list(run_configs(engine, "Calculate 1,000 euros at 10% for 2 years.", configs,
                                             repeats=2, expect={"number": 1210})))
    return as_downloaded(rows, tmp_path_factory.mktemp("tuning") / "tuning.csv")


@given(data=st.data())
@FUZZ
def test_a_tuning_csv_edited_anyhow_is_refused_with_a_reason_or_opened(tuning_rows, tmp_path, data):
    from ui.tuning_view import METRICS, config_row, metric_figure, results_frame, summary_frame
    from workbench.checks import parse_expect
    from workbench.tuning import SWEEPABLE, configs_of, read_tuning_run, suggestion

    def read(path):  # what the tab reads before it shows anything (its ValueErrors are refusals)
        rows = sorted(read_tuning_run(path), key=lambda r: (r["config"], r["repeat"]))
        for params in configs_of(rows):
            config_row(params)
        parse_expect(rows[0].get("expect"))
        return rows

    def show(rows):
        summary_frame(rows)
        results_frame(rows)
        suggestion(rows)
        for metric in METRICS:
            for param in SWEEPABLE:
                metric_figure(rows, metric, param)

    path = tmp_path / "edited.csv"
    write_csv(corrupted(tuning_rows, data), path)
    refused_or_shown(read, show, path)


def test_a_tuning_row_without_its_repeat_is_refused_by_name(tuning_rows, tmp_path):
    from workbench.tuning import read_tuning_run

    rows = [dict(r) for r in tuning_rows]
    rows[0]["repeat"] = ""  # the runs could not be ordered: opening failed
    path = tmp_path / "edited.csv"
    write_csv(rows, path)
    with pytest.raises(ValueError, match="row 2: repeat is '', not 1 to 5"):
        read_tuning_run(path)


# ---------------------------------------------------------------- a budget sweep's CSV


@pytest.fixture(scope="module")
def sweep_rows(tmp_path_factory) -> list[dict[str, str]]:
    """The rows of a budget sweep download (its table, then a row per question and mode), from
    answers as needed_tokens gives them: one cut off, one failed."""
    from workbench.budget_sweep import write_sweep

    def need(probe: str, lang: str, thinking: str, needed: int | None, error: str | None = None) -> dict:
        return {"probe": probe, "type": "definition", "language": lang, "thinking": thinking, "needed": needed,
                "reasoning_tokens": (needed or 64) // 2 if thinking == "on" else 0, "answer_tokens": 20,
                "finish_reason": "error" if error else "stop" if needed else "length", "error": error}

    needs = [need("def-pe-en", "en", "on", 70), need("def-pe-fr", "fr", "on", 81), need("def-pe-en", "en", "off", 28),
             need("def-pe-fr", "fr", "off", None), need("def-etf-fr", "fr", "on", None, "System A is not configured")]
    path = tmp_path_factory.mktemp("sweep") / "sweep.csv"
    write_sweep(needs, [16, 32, 64, 128], path)
    return read_csv(path)


@given(data=st.data())
@FUZZ
def test_a_sweep_csv_edited_anyhow_is_refused_with_a_reason_or_opened(sweep_rows, tmp_path, data):
    from ui.fren_sweep import budget_figure
    from workbench.budget_sweep import budget_line, budgets_found, completion_table, read_sweep

    def show(opened):
        needs, budgets = opened
        if all(n.get("error") for n in needs):  # the tab says so, and shows nothing
            return
        table = completion_table(needs, budgets)
        budgets_found(table)
        budget_line(table)
        budget_figure(completion_table(needs, budgets, by=("thinking", "language")), budgets)

    path = tmp_path / "edited.csv"
    write_csv(corrupted(sweep_rows, data), path)
    refused_or_shown(read_sweep, show, path)


# ---------------------------------------------------------------- an experiment file (JSONL or CSV)


@pytest.fixture(scope="module")
def experiment_lines() -> list[dict]:
    """Experiments of the bundled set, as their file holds them: with transactions, checks,
    references, categories and expected routes among them."""
    from workbench.experiments import BUNDLED

    lines = [json.loads(line) for line in BUNDLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    picked = [e for e in lines if e.get("transaction")][:2] + [e for e in lines if e.get("expect")][:2] + \
        [e for e in lines if e.get("reference")][:2]
    assert len(picked) == 6
    return picked


def offered(experiments) -> None:
    """What the Batch and Single tabs do with an uploaded file's experiments before running them."""
    from ui.batch_tab import group_options
    from ui.single_examples import example_choices
    from workbench.compare import Experiment

    assert all(isinstance(e, Experiment) and isinstance(e.query, str) and e.query.strip() for e in experiments)
    group_options(experiments)
    example_choices([], experiments, "mine.jsonl")


@given(data=st.data())
@FUZZ
def test_an_experiment_jsonl_edited_anyhow_is_refused_with_a_reason_or_read(experiment_lines, tmp_path, data):
    from workbench.experiments import load_experiments

    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(json.dumps(mutated(e, data, at_most=2)) for e in experiment_lines), encoding="utf-8")
    refused_or_shown(load_experiments, offered, path)


@given(data=st.data())
@FUZZ
def test_an_experiment_csv_edited_anyhow_is_refused_with_a_reason_or_read(experiment_lines, tmp_path, data):
    from workbench.experiments import load_experiments

    rows = [{"id": e["id"], "query": e["query"],
             "transaction": json.dumps(e["transaction"]) if e.get("transaction") else "",
             "expect": json.dumps(e["expect"]) if e.get("expect") else "", "reference": e.get("reference") or "",
             "category": e.get("category") or "", "expected_route": e.get("expected_route") or "",
             "lang": e.get("lang") or ""} for e in experiment_lines]
    path = tmp_path / "mine.csv"
    write_csv(corrupted(rows, data), path)
    refused_or_shown(load_experiments, offered, path)


def test_an_experiment_whose_route_is_not_text_is_refused_by_name(experiment_lines, tmp_path):
    from workbench.experiments import ExperimentFileError, load_experiments

    path = tmp_path / "mine.jsonl"
    lines = [dict(e) for e in experiment_lines]
    lines[1]["expected_route"] = ["governance"]  # failed looking it up among the routes
    lines[2]["category"] = {"name": "risk"}
    path.write_text("\n".join(json.dumps(e) for e in lines), encoding="utf-8")
    with pytest.raises(ExperimentFileError, match="line 2: expected_route must be text; line 3: category must be text"):
        load_experiments(path)
