"""Runs a tab saves: listed newest first, opened by name only, and a folder that cannot be
written costs the copy, not the results."""

from __future__ import annotations

import gradio as gr
import pytest

from ui.compare_api import unwritten_stops
from ui.saved import Picks, saved_path, uploaded_path
from workbench.batch_run import BatchProgress
from workbench.saved import save_copy, saved_choices, saved_file


def test_a_saved_run_is_listed_newest_first_and_opened_only_by_a_name_of_its_own(tmp_path):
    folder = tmp_path / "tuning"
    for stamp, rows in (("20261122-090000", 4), ("20261123-101500", 6)):
        download = tmp_path / f"tuning-{stamp}.csv"
        download.write_text("config,repeat\n", encoding="utf-8")
        assert save_copy(download, folder, rows) == ""
    (folder / "notes.csv").write_text("x\n", encoding="utf-8")  # not one of the tab's files
    assert saved_choices(folder, "tuning", "runs") == [
        ("2026-11-23 10:15:00 UTC · 6 runs", "tuning-20261123-101500-6.csv"),
        ("2026-11-22 09:00:00 UTC · 4 runs", "tuning-20261122-090000-4.csv")]
    path, when = saved_file(folder, "tuning", "tuning-20261122-090000-4.csv")
    assert path == folder / "tuning-20261122-090000-4.csv" and when.hour == 9
    for name in ("notes.csv", "../tuning-20261122-090000.csv", "fren-20261122-090000-4.csv", None,
                 "tuning-20261124-000000-1.csv"):  # another tab's, outside the folder, gone
        assert saved_file(folder, "tuning", name) is None
    assert saved_choices(tmp_path / "missing", "tuning", "runs") == []


def test_a_folder_that_cannot_be_written_is_said_in_the_status_and_nothing_is_raised(tmp_path):
    download = tmp_path / "fren-20261123-101500.csv"
    download.write_text("probe\n", encoding="utf-8")
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    warning = save_copy(download, blocked / "fren", 3)
    assert warning.startswith(". ⚠️ Not saved in ") and "download the CSV to keep it" in warning
    assert download.is_file()  # what the user downloads is still there


class _FailsAfterOne:
    def run(self):
        yield BatchProgress(total=3, done=1, skipped=0)
        raise OSError(28, "No space left on device")


def test_a_batch_whose_results_file_cannot_be_written_stops_with_an_error_that_says_so(tmp_path):
    out = tmp_path / "batch-big.jsonl"
    progress = unwritten_stops(_FailsAfterOne(), out)
    assert next(progress).done == 1  # what ran before is shown
    with pytest.raises(gr.Error, match=r"its results file .*batch-big.jsonl cannot be written "
                                       r"\(No space left on device\)\. What it wrote before is kept"):
        next(progress)


def test_a_saved_file_opens_by_its_name_and_a_gone_or_foreign_one_is_refused(tmp_path):
    (tmp_path / "budget-sweep-20261203-112000-8.csv").write_text("probe\n", encoding="utf-8")
    path, words = saved_path(tmp_path, "budget-sweep", "budget-sweep-20261203-112000-8.csv", "sweep")
    assert path == tmp_path / "budget-sweep-20261203-112000-8.csv"
    assert words == "the sweep of 2026-12-03 11:20:00 UTC"
    for name in ("budget-sweep-20261203-112500-8.csv", "fren-20261203-112000-8.csv", "../x.csv", None):
        with pytest.raises(gr.Error, match="That saved sweep is no longer there"):
            saved_path(tmp_path, "budget-sweep", name, "sweep")
    assert uploaded_path(str(path)) == (path, path.name)
    with pytest.raises(gr.Error, match="No file came with the upload"):
        uploaded_path(None)


def test_one_pick_of_a_saved_file_opens_it_once(monkeypatch):
    """Gradio's menu sends its input twice for one pick with the mouse: the second ask, same page
    and same file within the window, is a repeat; another file, another page or a later pick is not."""
    from types import SimpleNamespace

    from ui import saved

    now = [100.0]
    monkeypatch.setattr(saved.time, "monotonic", lambda: now[0])
    picks = Picks(window_s=2.0)
    page, other_page = SimpleNamespace(session_hash="a"), SimpleNamespace(session_hash="b")
    assert not picks.again(page, "fren-1.csv")
    assert picks.again(page, "fren-1.csv")  # the menu's second input
    assert not picks.again(other_page, "fren-1.csv")  # another analyst opens it too
    assert not picks.again(page, "fren-2.csv")
    now[0] += 2.5
    assert not picks.again(page, "fren-2.csv")  # picked again later: opened again
    assert not picks.again(None, "fren-2.csv") and not picks.again(None, "fren-2.csv")  # from code: always


def test_what_a_saved_file_menu_opens_is_shown_by_the_pick_itself_not_a_step_after_it(running_app, monkeypatch,
                                                                                      tmp_path):
    """A mouse pick sends the menu's input twice and the second is answered with gr.skip()
    (Picks). Gradio runs a step chained after the pick once only, and at times after the
    skipped one, before the file is read: FR/EN's results stayed hidden under the status of the
    inspection just opened. So such a menu's event shows everything itself, FR/EN's results
    area included, and nothing is chained after it (but a step after a refused file)."""
    from ui.app import build_app

    _, services = running_app
    monkeypatch.setattr(services.settings, "results_dir", tmp_path)
    config = build_app(services).get_config_file()
    names = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
    opening = {names[target]: dep for dep in config["dependencies"] for target, event in dep["targets"]
               if event == "input" and names.get(target) in ("fren-saved", "sweep-saved", "tune-saved")}
    assert set(opening) == {"fren-saved", "sweep-saved", "tune-saved"}
    assert "fren-results" in [names.get(output) for output in opening["fren-saved"]["outputs"]]
    after = {dep["trigger_after"] for dep in config["dependencies"] if not dep["trigger_only_on_failure"]}
    assert [menu for menu, dep in opening.items() if dep["id"] in after] == []
