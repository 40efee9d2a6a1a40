"""`python app.py sweep`: the budget sweep headless, on the demo model."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT
from workbench.budget_sweep import SWEEP_STEM, budget_for_all, completion_table, read_sweep
from workbench.fren import SAVED_FOLDER
from workbench.saved import saved_choices
from workbench.sweep_command import run_sweep


def test_the_headless_sweep_prints_the_budgets_and_writes_the_file_the_tab_opens(tmp_path, capsys, demo_model_dir):
    out = tmp_path / "sweep.xlsx"  # a workbook asked for; the saved copy is the tab's CSV
    status = run_sweep(["--out", str(out), "--model", str(demo_model_dir), "--types", "definition",
                        "--pairs", "2", "--budgets", "32,64,128", "--results-dir", str(tmp_path / "runs")])
    printed = capsys.readouterr().out
    assert status == 0
    assert "System B · local model: 8 answers measured (full length up to 256 tokens)" in printed
    [(label, name)] = saved_choices(tmp_path / "runs" / SAVED_FOLDER, SWEEP_STEM, "answers")  # the tab's list
    assert label.endswith(" UTC · 8 answers") and name.endswith("-8.csv")
    saved = tmp_path / "runs" / SAVED_FOLDER / name
    assert f"-> {saved} (the FR/EN tab's Open a saved sweep lists it) and {out}" in printed
    assert read_sweep(saved) == read_sweep(out)
    needs, budgets = read_sweep(out)  # what the FR/EN tab's Open a sweep file… reads
    assert budgets == [32, 64, 128] and len(needs) == 8
    assert {(n["thinking"], n["language"]) for n in needs} == {("on", "en"), ("on", "fr"), ("off", "en"),
                                                               ("off", "fr")}
    assert all(n["engine"] == "System B · local model" for n in needs)
    table = completion_table(needs, budgets)
    on, off = budget_for_all(table, "on"), budget_for_all(table, "off")
    assert off < on
    assert f"finish: {on} new tokens with thinking on, {off} with thinking off" in printed
    assert "exact budget for 95%" in printed and "definition" in printed


@pytest.mark.parametrize(("flags", "message"), [
    (["--thinking", "maybe"], "--thinking takes on, off (comma-separated), not maybe"),
    (["--types", "definition,essay"], "--types takes definition, example, calculation, multipart"),
    (["--langs", ""], "--langs takes en, fr (comma-separated)"),
    (["--budgets", "64,x"], "--budgets takes whole numbers from 1 to 32768, comma-separated, not '64,x'"),
    (["--budgets", "0,64"], "--budgets takes whole numbers from 1 to 32768"),
    (["--pairs", "0"], "--pairs takes 1 or more, not 0"),
])
def test_the_headless_sweep_refuses_bad_flags_before_loading_anything(tmp_path, capsys, flags, message):
    assert run_sweep(["--out", str(tmp_path / "sweep.csv"), *flags]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "sweep.csv").exists()


def test_the_headless_sweep_of_system_a_without_a_key_says_so(tmp_path, capsys, monkeypatch, demo_model_dir):
    monkeypatch.delenv("DEEPSEEK_API_KEY", raising=False)
    status = run_sweep(["--out", str(tmp_path / "sweep.csv"), "--engine", "remote", "--model", str(demo_model_dir),
                        "--results-dir", str(tmp_path / "runs")])
    assert status == 3
    assert "System A is not configured: set the DEEPSEEK_API_KEY environment variable" in capsys.readouterr().err
    # and app.py hands `sweep` to it
    wired = subprocess.run([sys.executable, "app.py", "sweep", "--out", str(tmp_path / "x.csv"), "--pairs", "0"],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert wired.returncode == 2 and "--pairs takes 1 or more" in wired.stderr


def test_a_sweep_stopped_with_ctrl_c_keeps_and_shows_what_it_measured(tmp_path, capsys, monkeypatch, demo_model_dir):
    def two_then_ctrl_c(engine, probes, params, cancel=None, workers=8, thinking=None):
        for probe in probes[:2]:
            yield {"probe": probe.id, "type": probe.type, "language": probe.lang, "thinking": "on", "needed": 40,
                   "reasoning_tokens": 25, "answer_tokens": 14, "finish_reason": "stop", "error": None}
        raise KeyboardInterrupt

    monkeypatch.setattr("workbench.sweep_command.needed_tokens", two_then_ctrl_c)
    out = tmp_path / "sweep.csv"
    status = run_sweep(["--out", str(out), "--model", str(demo_model_dir), "--types", "definition", "--pairs", "2",
                        "--thinking", "on", "--budgets", "32,64", "--results-dir", str(tmp_path / "runs")])
    assert status == 130
    printed = capsys.readouterr().out
    assert "Stopped: System B · local model: 2 of 4 answers measured" in printed
    assert "finish: 40 new tokens with thinking on." in printed
    needs, budgets = read_sweep(out)
    assert len(needs) == 2 and budgets == [32, 64]
    [(label, _)] = saved_choices(tmp_path / "runs" / SAVED_FOLDER, SWEEP_STEM, "answers")
    assert label.endswith(" UTC · 2 answers")  # a stopped sweep is saved too, as the tab saves it


def test_without_out_the_sweep_is_saved_where_the_tab_lists_it_and_a_folder_it_cannot_write_is_refused_first(
        tmp_path, capsys, demo_model_dir):
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    assert run_sweep(["--out", str(blocked / "sweep.csv")]) == 2
    assert f"--out: {blocked} is not a folder this can write in" in capsys.readouterr().err
    assert run_sweep(["--results-dir", str(blocked / "runs")]) == 2
    assert "cannot be written: set --results-dir, or give --out" in capsys.readouterr().err
    runs = tmp_path / "runs"
    status = run_sweep(["--model", str(demo_model_dir), "--types", "calculation", "--pairs", "1", "--thinking", "off",
                        "--langs", "fr", "--budgets", "32,64", "--results-dir", str(runs)])
    assert status == 0
    [(label, name)] = saved_choices(runs / SAVED_FOLDER, SWEEP_STEM, "answers")
    assert label.endswith(" UTC · 1 answer")
    assert f"-> {runs / SAVED_FOLDER / name} (the FR/EN tab's Open a saved sweep lists it)\n" in capsys.readouterr().out
    needs, budgets = read_sweep(runs / SAVED_FOLDER / name)
    assert budgets == [32, 64] and [(n["thinking"], n["language"]) for n in needs] == [("off", "fr")]
