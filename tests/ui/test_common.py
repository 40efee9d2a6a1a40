"""Shared tab helpers: Stop buttons reach their own tab's runs only; download files never collide."""

from __future__ import annotations

import os
import time
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

from ui.common import (
    ANSWER_CELL,
    DOWNLOADS,
    KEEP_DOWNLOADS_S,
    browser_secret,
    cell_text,
    copied_as,
    download_path,
    in_language,
    offered_copy,
    session_cancel,
    stopper,
    table_downloads,
)
from workbench.export import read_csv, write_csv
from workbench.services import Services
from workbench.settings import Settings


def test_each_tab_stops_its_own_runs_only():
    services = Services(settings=Settings(), engines={})
    alice, bob = SimpleNamespace(session_hash="alice"), SimpleNamespace(session_hash="bob")
    batch = session_cancel(services, alice, "batch")
    chat = session_cancel(services, alice, "chat")  # a question asked while the batch runs
    bobs_batch = session_cancel(services, bob, "batch")
    stopper(services, "batch")(alice)
    assert batch.is_set()
    assert not chat.is_set() and not bobs_batch.is_set()


def test_runs_started_together_in_a_tab_share_its_stop_and_the_next_run_starts_afresh():
    services = Services(settings=Settings(), engines={})
    me = SimpleNamespace(session_hash="me")
    inspection, sweep = session_cancel(services, me, "fren"), session_cancel(services, me, "fren")
    stopper(services, "fren")(me)
    assert inspection.is_set() and sweep.is_set()
    assert not session_cancel(services, me, "fren").is_set()
    stopper(services, "tuning")(me)  # a Stop with nothing running is harmless
    assert not session_cancel(services, me, "tuning").is_set()


def test_download_paths_never_collide_and_old_ones_are_removed():
    first, second = download_path("conversation", ".md"), download_path("conversation", ".md")
    assert first != second and first.name.startswith("conversation-") and first.suffix == ".md"
    assert first.parent.parent == DOWNLOADS
    first.write_text("old", encoding="utf-8")
    stale = time.time() - KEEP_DOWNLOADS_S - 60
    os.utime(first.parent, (stale, stale))
    download_path("verdicts", stamped=False)
    assert not first.parent.exists() and second.parent.exists()
    assert download_path("verdicts", stamped=False).name == "verdicts.csv"


def test_a_saved_file_is_offered_for_download_from_where_gradio_serves_files(tmp_path):
    """Gradio serves only files from its temp and working folders: a run saved on a Space's /data
    disk is offered as a copy, under its own name."""
    saved = tmp_path / "tuning-20261123-101500-6.csv"
    saved.write_bytes(b"config,prompt\r\n1,Qu'est-ce que la duration ?\r\n")
    copy = offered_copy(saved)
    assert copy.parent.parent == DOWNLOADS and copy.name == saved.name
    assert copy.read_bytes() == saved.read_bytes()
    assert offered_copy(saved) != copy  # a second opening does not overwrite the first one's file


def test_a_tabs_table_is_offered_as_csv_and_as_a_workbook_whichever_was_opened(tmp_path):
    rows = [{"question": "=1+1", "needed": 40, "share": 0.25, "finished": True},
            {"question": "Quel ratio ?", "needed": None}]
    written = tmp_path / "fren-20261207-101500.csv"
    write_csv(rows, written, bom=True)
    csv_button, book_button = table_downloads(rows, written, "answers")
    assert csv_button == {"__type__": "update", "value": str(written), "visible": True}
    book = Path(book_button["value"])
    assert book.name == "fren-20261207-101500.xlsx" and book.parent.parent == DOWNLOADS
    assert read_csv(book) == read_csv(written)  # the same rows, text formulas kept as text
    from openpyxl import load_workbook
    sheet = load_workbook(book, read_only=True)["answers"]
    assert list(sheet.iter_rows(max_row=2, values_only=True))[1] == ("=1+1", 40, 0.25, True)
    # a workbook opened is offered as itself, and its CSV written from its rows
    csv_button, book_button = table_downloads(rows, book, "answers")
    assert book_button["value"] == str(book) and Path(csv_button["value"]).name == "fren-20261207-101500.csv"
    assert read_csv(csv_button["value"]) == read_csv(written)


def test_a_long_answer_is_one_line_in_a_table_cut_at_a_word():
    answer = ("La duration mesure la sensibilité du prix d'une obligation aux taux.\n\n"
              + "Plus elle est longue, plus le prix varie quand les taux bougent. " * 40)
    cell = cell_text(answer, ANSWER_CELL)
    assert "\n" not in cell and cell.endswith("…") and len(cell) <= ANSWER_CELL + 1
    assert cell.startswith("La duration mesure la sensibilité du prix d'une obligation aux taux. Plus elle")
    assert answer.replace("\n\n", " ").startswith(cell[:-1])  # cut at a word, nothing rewritten
    assert cell_text("Un dividende est la part\ndu bénéfice.", ANSWER_CELL) == "Un dividende est la part du bénéfice."
    assert cell_text("x" * 300, 50) == "x" * 50 + "…"  # no space to cut at
    assert cell_text(None, 50) is None and cell_text(12.5, 50) == 12.5


def test_the_key_for_what_browsers_keep_outlives_a_restart_and_is_its_owners_alone(tmp_path):
    folder = tmp_path / "runs"  # not made yet: the first start makes it
    key = browser_secret(folder)
    assert key and len(key) >= 16
    assert browser_secret(folder) == key  # the next start reads it back
    assert (folder / ".browser-key").stat().st_mode & 0o777 == 0o600
    assert browser_secret(tmp_path / "other") != key


def test_without_a_folder_to_keep_it_in_each_start_makes_its_own_key(tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert browser_secret(blocked) is None  # Gradio then makes a random one, as by default
    assert "not read back after a restart" in caplog.text
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / ".browser-key").write_text("short\n")
    assert browser_secret(tmp_path / "runs") is None


def test_a_french_part_is_marked_french_for_screen_readers_and_nothing_else_is():
    assert in_language("La **marge** est de 12 %.", "fr") == '<div lang="fr">\n\nLa **marge** est de 12 %.\n\n</div>'
    code = "Le calcul :\n\n```python\nmarge = 0.12\n```"
    assert in_language(code, "fr") == f'<div lang="fr">\n\n{code}\n\n</div>'
    # cut off inside a code block: the closing tag would be read as code, so the part stays as it is
    assert in_language("Le calcul :\n\n```python\nmarge = 0.1", "fr") == "Le calcul :\n\n```python\nmarge = 0.1"
    assert in_language("The margin is 12%.", "en") == "The margin is 12%."  # the page's own language
    assert in_language("Le margin est 12%.", "mixed") == "Le margin est 12%."
    assert in_language("", "fr") == ""


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_the_text_a_copy_button_copies_is_held_as_written_in_one_hidden_tag():
    written = ' Le "PER" <b>15</b> & 60/4 \'net\'\r\n\n| a | b |\n\tfin &#10; '
    block = copied_as(written)
    tag, rest = block.split("\n", 1)
    assert rest == "\n"  # one line, then a blank one: an HTML block of its own, passed as it is
    parsed = _Tags()
    parsed.feed(tag)
    assert parsed.tags == [("div", {"class": "copy-text", "title": written.strip(), "hidden": None})]
    assert copied_as(" \n ") == ""  # nothing written: the copy button keeps what the box shows
