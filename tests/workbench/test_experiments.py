"""Experiment files: bundled set, uploads, and errors that name the bad rows."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from workbench.experiments import ExperimentFileError, bundled, experiment_file, load_experiments


def test_bundled_set_covers_routes_and_languages():
    exps = bundled()
    assert len(exps) >= 150
    assert set(Counter(e.expected_route for e in exps)) == {
        "transaction_risk", "mixed_intent", "governance", "explicit_refusal"}
    assert set(Counter(e.lang for e in exps)) == {"en", "fr"}
    assert sum(1 for e in exps if e.transaction) >= 40
    assert len({e.id for e in exps}) == len(exps)


def test_a_reference_answer_comes_from_either_format_and_the_demo_questions_have_theirs():
    jsonl = ('{"id": "r1", "query": "P/E at 60 with earnings of 4?", "reference": "  The P/E ratio is 15. "}\n'
             '{"id": "r2", "query": "What is VaR?", "reference": ""}\n')
    assert [e.reference for e in load_experiments(jsonl.encode(), name="set.jsonl")] == ["The P/E ratio is 15.", None]
    csv_text = 'id,query,reference\nr1,"P/E at 60, earnings 4?","15, i.e. 60 / 4"\nr2,What is VaR?,\n'
    assert [e.reference for e in load_experiments(csv_text.encode(), name="set.csv")] == ["15, i.e. 60 / 4", None]
    with pytest.raises(ExperimentFileError, match="line 1: reference must be text"):
        load_experiments(b'{"query": "P/E?", "reference": 15}\n', name="set.jsonl")
    with pytest.raises(ExperimentFileError, match="line 1: reference is longer than 4000 characters"):
        load_experiments(json.dumps({"query": "P/E?", "reference": "x" * 4001}).encode(), name="set.jsonl")
    demo = {e.id: e.reference for e in bundled() if e.category and e.category.startswith("demo-")}
    assert len(demo) == 30 and all(demo.values())
    assert "12,5" in demo["exp-demo-calc-roe-fr"]


def test_csv_upload_with_transaction_column():
    text = 'id,query,transaction\nx1,"Assess this, please","{""amount"": 12}"\nx2,What is VaR?,\n'
    exps = load_experiments(text.encode(), name="set.csv")
    assert [e.id for e in exps] == ["x1", "x2"]
    assert exps[0].transaction == {"amount": 12} and exps[1].transaction is None


def test_a_csv_saved_by_a_spreadsheet_in_french_uses_semicolons_and_is_read_the_same():
    text = ('\ufeffid;query;lang;transaction\nx1;"Évalue ceci, merci";fr;"{""amount"": 12.5}"\n'
            "x2;Qu'est-ce que la VaR ?;fr;\n")
    exps = load_experiments(text.encode(), name="questions.csv")
    assert [(e.id, e.query, e.lang) for e in exps] == [("x1", "Évalue ceci, merci", "fr"),
                                                         ("x2", "Qu'est-ce que la VaR ?", "fr")]
    assert exps[0].transaction == {"amount": 12.5}
    with pytest.raises(ExperimentFileError, match="line 2: transaction"):  # JSON keeps its decimal point
        load_experiments(text.replace("12.5", "12,5").encode(), name="questions.csv")


def test_wrong_csv_columns_are_named():
    with pytest.raises(ExperimentFileError, match="needs a 'query' column; found columns: question"):
        load_experiments(b"question\nhello\n", name="x.csv")
    with pytest.raises(ExperimentFileError, match="unknown CSV columns: colour"):
        load_experiments(b"query,colour\nhello,red\n", name="x.csv")


def test_a_question_with_an_unquoted_delimiter_is_refused_not_cut_short():
    """A comma in a question a person typed into a CSV by hand, unquoted, splits it in two: the
    loader read the first half as the question and dropped the rest without a word."""
    with pytest.raises(ExperimentFileError, match=r"^1 bad row: line 3: 2 cells where the header has 1 column: a cell "
                                                  r"holding a comma must be in double quotes$"):
        load_experiments(b"query\nWhat is a bond?\nWhat is 1,000 times 2?\n", name="x.csv")
    with pytest.raises(ExperimentFileError, match="line 2: 3 cells where the header has 2 columns: a cell holding a "
                                                  "semicolon"):  # the last, empty, is no cell too many
        load_experiments(b"id;query\ne1;Prix : 1;5 ou 2 ?;\n", name="x.csv")
    quoted = load_experiments(b'query,lang\n"What is 1,000 times 2?",en\n', name="x.csv")
    assert [(e.query, e.lang) for e in quoted] == [("What is 1,000 times 2?", "en")]


def test_columns_cased_or_spaced_otherwise_are_taken_and_two_for_one_refused():
    loaded = load_experiments(b"ID,Query, Expected_Route ,LANG\ne1,What is a swap?,governance,en\n", name="x.csv")
    assert [(e.id, e.query, e.expected_route, e.lang) for e in loaded] == [
        ("e1", "What is a swap?", "governance", "en")]
    assert [e.query for e in load_experiments(b'{"Query": "What is a swap?"}\n', name="x.jsonl")] == ["What is a swap?"]
    with pytest.raises(ExperimentFileError, match=r"^the CSV's columns Query and query both stand for "
                                                  r"'query': keep one$"):
        load_experiments(b"Query,query\nWhat is a swap?,x\n", name="x.csv")
    with pytest.raises(ExperimentFileError, match="line 1: fields query and QUERY both stand for 'query'"):
        load_experiments(b'{"query": "a", "QUERY": "b"}\n', name="x.jsonl")


def test_a_spreadsheets_emptied_last_columns_are_left_out():
    """A spreadsheet saves a column once typed in and then emptied as empty cells under an empty
    header name: the loader refused the file for an 'unknown column' with no name."""
    loaded = load_experiments(b"query;lang;;\nQu'est-ce qu'un swap ?;fr;;\nWhat is a bond?;en\n", name="x.csv")
    assert [(e.query, e.lang) for e in loaded] == [("Qu'est-ce qu'un swap ?", "fr"), ("What is a bond?", "en")]
    with pytest.raises(ExperimentFileError, match=r"^1 bad row: line 3: a value under column C, which the header row "
                                                  r"leaves without a name$"):
        load_experiments(b"query,lang,\nWhat is a bond?,en,\nWhat is a swap?,en,see desk\n", name="x.csv")


def test_a_column_named_another_way_is_named_with_the_one_it_likely_stands_for():
    with pytest.raises(ExperimentFileError, match=r"found columns: Prompt \(rename it 'query'\), Langue \(rename it "
                                                  r"'lang'\)\. Allowed"):
        load_experiments(b"Prompt,Langue\nhello,fr\n", name="x.csv")
    with pytest.raises(ExperimentFileError, match=r"columns: Expected Answer \(rename it 'reference'\), colour, "
                                                  r"expected_routes \(rename it 'expected_route'\)\. Allowed"):
        load_experiments(b"query,expected_routes,colour,Expected Answer\nhi,governance,red,x\n", name="x.csv")
    with pytest.raises(ExperimentFileError, match=r"^1 bad row: line 1: unknown fields question \(rename it "
                                                  r"'query'\)$"):
        load_experiments(b'{"question": "hi"}\n', name="x.jsonl")


def test_bad_rows_are_named_with_their_line():
    lines = [json.dumps({"id": "a", "query": "ok"}), "{not json", json.dumps({"id": "a", "query": "dup"}),
             json.dumps({"id": "c", "query": ""}), json.dumps({"id": "d", "query": "q", "transaction": {"amount": -1}})]
    with pytest.raises(ExperimentFileError) as info:
        load_experiments("\n".join(lines), name="x.jsonl")
    msg = str(info.value)
    assert "4 bad rows" in msg
    assert "line 2: not valid JSON" in msg
    assert "line 3: duplicate id 'a'" in msg
    assert "line 4: 'query' is missing" in msg
    assert "line 5: transaction: amount" in msg


def test_a_file_not_text_oversize_and_too_many_rows_are_refused():
    with pytest.raises(ExperimentFileError, match="it holds NUL bytes"):
        load_experiments(b'{"query": "caf\xe9"}\x00\x01', name="x.jsonl")
    with pytest.raises(ExperimentFileError, match="limit is 1 MB"):
        load_experiments(b"x" * (1024 * 1024 + 10), name="x.jsonl", max_bytes=1024 * 1024)
    many = "\n".join(json.dumps({"query": f"q{i}"}) for i in range(10_001))
    with pytest.raises(ExperimentFileError, match="10001 experiments; the limit is 5000"):
        load_experiments(many, name="x.jsonl")


def test_comparisons_become_an_experiment_file_each_question_once_with_its_latest_checks():
    records = [{"experiment_id": "adhoc-1", "query": "Qu'est-ce que la duration d'une obligation ?",
                "expect": {"contains": "taux"}, "system_a": {}},
               {"experiment_id": "adhoc-2", "query": "Assess this wire.", "transaction": {"amount": 25000},
                "expected_route": "transaction_risk", "reference": "Risk: HIGH."},
               {"experiment_id": "adhoc-3", "query": "Qu'est-ce que la duration d'une obligation ?",
                "expect": {"contains": "sensibilité"}, "reference": "La sensibilité du prix aux taux."},
               {"experiment_id": "adhoc-4", "query": "Assess this wire.", "transaction": {"amount": 99}},
               {"experiment_id": "adhoc-5", "query": "Edited in the browser", "expect": {"contain": "x"}},
               {"experiment_id": "adhoc-6", "query": None}]
    text, left_out = experiment_file(records)
    assert left_out == 2  # checks that would not load, and no question at all
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines == [  # in the order last asked; the same question asked again is one experiment
        {"id": "adhoc-2", "query": "Assess this wire.", "transaction": {"amount": 25000}, "lang": "en",
         "expected_route": "transaction_risk", "reference": "Risk: HIGH."},
        {"id": "adhoc-3", "query": "Qu'est-ce que la duration d'une obligation ?", "lang": "fr",
         "expect": {"contains": "sensibilité"}, "reference": "La sensibilité du prix aux taux."},
        {"id": "adhoc-4", "query": "Assess this wire.", "transaction": {"amount": 99}, "lang": "en"}]
    back = load_experiments(text.encode(), name="my-questions.jsonl")
    assert [(e.id, e.reference) for e in back] == [("adhoc-2", "Risk: HIGH."),
                                                   ("adhoc-3", "La sensibilité du prix aux taux."), ("adhoc-4", None)]
    assert experiment_file([]) == ("", 0)
    twice = [{"experiment_id": "r-1", "query": "What is VaR?"}, {"experiment_id": "r-2", "query": "What is VaR?"}]
    assert experiment_file(twice)[0].count("\n") == 1  # asked again: one question
    assert [e.id for e in load_experiments(experiment_file(twice, by_question=False)[0].encode(), "run.jsonl")] == [
        "r-1", "r-2"]  # a batch's question asked twice on purpose stays twice
