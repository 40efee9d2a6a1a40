"""Text of a file given to the app, in the encodings the spreadsheets analysts use save it in.

Excel saves "CSV UTF-8" with a byte-order mark, but its plain "CSV" (on Windows, in French "CSV
(séparateur : point-virgule)") in the Windows code page — Windows-1252 in Western Europe, where
"é" is one byte that is not UTF-8 — and its "Unicode text" in UTF-16. Each is read as itself, so
a French question list saved the usual way is not refused for its accents. A file that is no
text (a workbook renamed .csv, a PDF) is refused with what it looks like.
"""

from __future__ import annotations

import codecs

WINDOWS = "cp1252"
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# what a file that is not text starts with, by what it is
_MAGIC = ((b"PK\x03\x04", "a zip archive — an Excel workbook (.xlsx) is one: give it its .xlsx name, "
           "or save it as CSV"),
          (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls): save it as .xlsx or CSV"),
          (b"%PDF", "a PDF"))


class NotText(ValueError):
    """The bytes are not text in any encoding the app reads; the message says what they look like."""


def decode_text(raw: bytes) -> tuple[str, str]:
    """The text of `raw` and the encoding it was read in: UTF-8 (byte-order mark or not), UTF-16
    with its byte-order mark, else Windows-1252. NotText for bytes that are not text."""
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise NotText(f"the file is not text: it is {what}")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise NotText(f"the file starts as {encoding} text but is not (bad byte at position "
                              f"{exc.start})") from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw:  # UTF-16 without its mark, or a binary file: Windows-1252 would read anything
        raise NotText("the file is not text (it holds NUL bytes): save it as UTF-8 CSV or JSONL")
    try:
        return raw.decode(WINDOWS), WINDOWS
    except UnicodeDecodeError as exc:  # the five bytes Windows-1252 leaves undefined
        raise NotText(f"the file is neither UTF-8 nor Windows-1252 text (bad byte at position {exc.start}): "
                      "save it as UTF-8 and give it again") from None

