import codecs

import pytest

from workbench.export import read_csv
from workbench.textfile import NotText, decode_text

FRENCH = "id;query\nq1;Quelle est la différence entre l'EBITDA et l'EBIT ? — « marge » 12,5 €\n"


@pytest.mark.parametrize(("raw", "encoding"), [
    (FRENCH.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "utf-8-sig"),
    (FRENCH.encode("utf-16"), "utf-16"),  # a spreadsheet's "Unicode text": with its byte-order mark
    (FRENCH.encode("utf-16-be"), None),  # no mark: NUL bytes, refused rather than misread
    (FRENCH.encode("cp1252"), "cp1252"),  # Excel's plain CSV on a French Windows
])
def test_each_encoding_a_spreadsheet_saves_in_is_read_as_itself(raw, encoding):
    if encoding is None:
        with pytest.raises(NotText, match="NUL bytes"):
            decode_text(raw)
        return
    assert decode_text(raw) == (FRENCH, encoding)


@pytest.mark.parametrize(("raw", "message"), [
    (b"PK\x03\x04\x14\x00rest", "an Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1", r"old Excel workbook \(.xls\)"),
    (b"%PDF-1.7\n", "a PDF"),
    (b"query\n\x81\x8d", "neither UTF-8 nor Windows-1252"),  # bytes Windows-1252 leaves undefined
    (codecs.BOM_UTF16_LE + b"\x00\xd8", "starts as utf-16"),  # a lone surrogate
])
def test_bytes_that_are_no_text_are_refused_with_what_they_look_like(raw, message):
    with pytest.raises(NotText, match=message):
        decode_text(raw)


def test_a_results_csv_saved_again_by_a_french_spreadsheet_reads_as_written(tmp_path):
    path = tmp_path / "results.csv"
    path.write_bytes("experiment_id;query;latency_s\ne1;Qu'est-ce qu'une créance douteuse ?;2,5\n".encode("cp1252"))
    assert read_csv(path, numbers=["latency_s"]) == [
        {"experiment_id": "e1", "query": "Qu'est-ce qu'une créance douteuse ?", "latency_s": "2.5"}]
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(ValueError, match=r"Excel workbook.*\(is it a CSV\?\)"):
        read_csv(path)
