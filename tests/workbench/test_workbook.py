"""Excel workbooks: what the app writes opens as typed, safe cells; what an analyst gives is read as a CSV's rows."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from workbench.experiments import ExperimentFileError, load_experiments
from workbench.workbook import CUT, MAX_CELL, workbook_rows, write_workbook


def _book(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_cells_keep_their_type_and_text_never_runs_as_a_formula(tmp_path):
    long = "x" * (MAX_CELL + 10)
    rows = [{"id": "e1", "latency_s": 2.5, "tokens": 12, "refusal": True, "params": {"top_k": 20},
             "answer": '=HYPERLINK("http://evil","click")', "note": "bell\x07 gone", "nan": float("nan")},
            {"id": "e2", "answer": long, "refusal": None}]
    path = tmp_path / "run.xlsx"
    write_workbook([("results", ["id", "latency_s", "tokens", "refusal", "params", "answer", "note", "nan"], rows),
                    ("a sheet name longer than Excel allows", ["x"], [])], path)
    book = load_workbook(path)
    assert book.sheetnames == ["results", "a sheet name longer than Excel"]
    sheet = book["results"]
    assert [c.value for c in sheet[1]] == ["id", "latency_s", "tokens", "refusal", "params", "answer", "note", "nan"]
    assert [c.value for c in sheet[2]] == ["e1", 2.5, 12, True, '{"top_k": 20}', '=HYPERLINK("http://evil","click")',
                                           "bell gone", None]
    assert sheet["F2"].data_type == "s"  # stored as text: Excel shows it, never runs it
    assert len(sheet["F3"].value) == MAX_CELL and sheet["F3"].value.endswith(CUT)
    assert sheet["D3"].value is None
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:H3"
    assert sheet["A1"].font.bold and sheet["F3"].alignment.wrap_text  # a long column wraps
    assert sheet.column_dimensions["F"].width == 62 and sheet.column_dimensions["A"].width == 4


def test_a_first_sheet_is_read_as_a_csv_is():
    raw = _book([[None], ["id", "query", None, "lang"], ["e1", "Qu'est-ce que l'EBITDA ?", None, "fr"], [None, None],
                 [12.0, "What is 2+2?", None, None, "stray"], [True, 0.25]])
    header, rows = workbook_rows(raw)
    assert header == ["id", "query", "", "lang"]
    assert rows == [(3, {"id": "e1", "query": "Qu'est-ce que l'EBITDA ?", "lang": "fr"}),
                    (5, {"id": "12", "query": "What is 2+2?", "lang": "", "column E": "stray"}),
                    (6, {"id": "true", "query": "0.25", "lang": ""})]


def test_a_file_that_is_no_workbook_is_refused_with_why():
    with pytest.raises(ValueError, match="not an Excel workbook"):
        workbook_rows(b"id,query\ne1,hello\n")
    with pytest.raises(ValueError, match="not an Excel workbook"):
        workbook_rows(_book([["query"]])[:200])  # cut short in transfer


def test_experiments_from_a_workbook_are_checked_as_a_csv_s():
    good = _book([["id", "query", "lang", "expected_route", "transaction"],
                  ["e1", "Ce virement est-il risqué ?", "fr", "transaction_risk",
                   '{"amount": 9500, "currency": "EUR"}'],
                  [2, "What is a covenant?", "en", None, None]])
    loaded = load_experiments(good, name="questions.XLSX")
    assert [(e.id, e.lang, e.expected_route) for e in loaded] == [("e1", "fr", "transaction_risk"), ("2", "en", None)]
    assert loaded[0].transaction["amount"] == 9500
    with pytest.raises(ExperimentFileError, match=r"no sheet of the workbook has a 'query' column; its first "
                                                  r"sheet's columns: id, Question \(rename it 'query'\)"):
        load_experiments(_book([["id", "Question"], ["e1", "What is a swap?"]]), name="q.xlsx")
    book = Workbook()  # a cover sheet first, the questions on the second
    book.active.append(["Questions for the desk, November"])
    book.create_sheet("questions").append(["query"])
    book["questions"].append(["What is a repo?"])
    out = io.BytesIO()
    book.save(out)
    assert [e.query for e in load_experiments(out.getvalue(), name="desk.xlsx")] == ["What is a repo?"]
    with pytest.raises(ExperimentFileError, match="line 2: a value under column C, which the header row leaves "
                                                  "without a name"):
        load_experiments(_book([["id", "query"], ["e1", "What is a swap?", "a note"]]), name="q.xlsx")
    book = Workbook()  # a cover sheet with other columns, then a sheet whose header Excel capitalised
    book.active.append(["Title", "Owner"])
    book.create_sheet("questions").append(["ID", "Query", " Lang "])
    book["questions"].append(["q1", "What is a repo?", "en"])
    out = io.BytesIO()
    book.save(out)
    assert [(e.id, e.query, e.lang) for e in load_experiments(out.getvalue(), name="desk.xlsx")] == [
        ("q1", "What is a repo?", "en")]
    with pytest.raises(ExperimentFileError, match="line 3: transaction"):
        load_experiments(_book([["query", "transaction"], ["ok", None], ["bad", "{not json"]]), name="q.xlsx")
