"""write_csv contract: numbers stay numbers, formulas are neutralised, text round-trips."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from workbench.export import read_csv, safe_cell, typed_row, write_csv


def read(path, encoding="utf-8"):
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh))


def test_round_trips_commas_quotes_newlines_and_accents(tmp_path):
    rows = [{"query": 'Évalue "ce" virement, vite\nmerci', "answer": "Risque : ÉLEVÉ; à bloquer"}]
    path = tmp_path / "out.csv"
    write_csv(rows, path)
    assert read(path) == rows


def test_formula_cells_are_neutralised_and_numbers_stay_numbers(tmp_path):
    rows = [{"a": "=HYPERLINK(\"http://evil\",\"x\")", "b": "+1+1", "c": "-2", "d": "@SUM(A1)",
             "e": "\tx", "f": -3.5, "g": 42, "h": True, "i": None, "j": {"k": 1}}]
    path = tmp_path / "out.csv"
    write_csv(rows, path)
    got = read(path)[0]
    assert got["a"].startswith("'=") and got["b"] == "'+1+1" and got["c"] == "'-2"
    assert got["d"] == "'@SUM(A1)" and got["e"] == "'\tx"
    frame = pd.read_csv(path)
    assert frame["f"].dtype.kind == "f" and frame["f"][0] == -3.5
    assert frame["g"].dtype.kind == "i" and frame["g"][0] == 42
    assert got["h"] == "true" and got["i"] == "" and got["j"] == '{"k": 1}'


def test_columns_are_the_union_of_keys_in_order(tmp_path):
    path = tmp_path / "out.csv"
    write_csv([{"a": 1}, {"b": 2, "a": 3}], path)
    assert read(path) == [{"a": "1", "b": ""}, {"a": "3", "b": "2"}]


def test_spreadsheet_variant_has_a_bom_and_reads_back(tmp_path):
    path = tmp_path / "out.csv"
    write_csv([{"q": "déjà"}], path, bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read(path, encoding="utf-8-sig") == [{"q": "déjà"}]


def test_safe_cell_keeps_plain_text():
    assert safe_cell("Risk: HIGH") == "Risk: HIGH"


def test_a_decimal_comma_is_a_point_only_where_a_spreadsheet_in_french_wrote_semicolons(tmp_path):
    french = tmp_path / "french.csv"
    french.write_text("\ufeffq;latency_ms;answer\nQu'est-ce ?;2660,3;12,5\n", encoding="utf-8")
    assert read_csv(french, numbers=["latency_ms"]) == [{"q": "Qu'est-ce ?", "latency_ms": "2660.3", "answer": "12,5"}]
    english = tmp_path / "english.csv"  # a thousands separator, not a decimal comma: left for typed_row to refuse
    english.write_text('q,reasoning_tokens\nWhat?,"1,024"\n', encoding="utf-8")
    [row] = read_csv(english, numbers=["reasoning_tokens"])
    assert row["reasoning_tokens"] == "1,024"
    with pytest.raises(ValueError, match="row 2: reasoning_tokens is '1,024', not a number"):
        typed_row(row, 2, (), {"reasoning_tokens": int})
