"""`python app.py inspect`: the FR/EN inspection headless, on the demo model, with its gates."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from workbench.fren import SAVED_FOLDER, matrix, read_inspection
from workbench.inspect_command import gate_failures, run_inspect
from workbench.saved import saved_choices


def _argv(tmp_path, demo_model_dir, *flags: str) -> list[str]:
    return ["--model", str(demo_model_dir), "--types", "calculation", "--pairs", "2",
            "--results-dir", str(tmp_path / "runs"), *flags]


def test_the_headless_inspection_prints_the_matrix_and_saves_what_the_tab_opens(tmp_path, capsys, demo_model_dir):
    out = tmp_path / "fren.xlsx"  # a workbook asked for; the saved copy is the tab's CSV
    assert run_inspect(_argv(tmp_path, demo_model_dir, "--strategies", "baseline,French prefill",
                             "--out", str(out), "--min-right-figure", "0.05")) == 0
    printed = capsys.readouterr().out
    [(label, name)] = saved_choices(tmp_path / "runs" / SAVED_FOLDER, "fren", "answers")  # the tab's list
    assert label.endswith(" UTC · 8 answers")
    saved = tmp_path / "runs" / SAVED_FOLDER / name
    assert f"8 answers -> {saved} and {out}" in printed
    rows = read_inspection(out)  # what the tab's Open an inspection file… reads
    assert matrix(rows) == matrix(read_inspection(saved)) and {r["strategy"] for r in rows} == {
        "baseline", "French prefill"}
    assert "French questions:" in printed and "right figure" in printed
    # set against the baseline, as the tab does: a row per outcome, and what the table says
    assert "Each strategy against the baseline, on the same French questions (exact McNemar test):" in printed
    [figure] = [line for line in printed.splitlines() if "right figure" in line and "French prefill" in line]
    assert re.search(r"System B · local model\s+French prefill\s+\d+\s+\d+", figure)
    assert "No strategy differs from the baseline" in printed or "Unlikely to be chance: " in printed


def test_a_strategy_under_the_rate_asked_for_fails_the_run(tmp_path, capsys, demo_model_dir):
    assert run_inspect(_argv(tmp_path, demo_model_dir, "--strategies", "baseline", "--min-right-figure", "1")) == 0
    capsys.readouterr()
    # the demo model loses calculations when its reasoning is forced into French (measured: 1 of 4 right)
    assert run_inspect(_argv(tmp_path, demo_model_dir, "--strategies", "baseline,French prefill",
                             "--min-right-figure", "0.9")) == 4
    missed = capsys.readouterr().err
    assert ("Below the rate asked for:\n- right figure of French prefill on System B · local model (every "
            "question): ") in missed
    assert "baseline on" not in missed


def test_an_inspection_no_engine_could_answer_says_why_and_app_py_hands_inspect_to_it(tmp_path, capsys,
                                                                                     monkeypatch, demo_model_dir):
    monkeypatch.delenv("DEEPSEEK_API_KEY", raising=False)
    assert run_inspect(_argv(tmp_path, demo_model_dir, "--engines", "remote", "--strategies", "baseline")) == 3
    assert "Nothing to show: 4 answers failed and are left out (System A · remote MoE: 4, e.g." in (
        capsys.readouterr().err)
    assert list((tmp_path / "runs" / SAVED_FOLDER).glob("fren-*.csv")) == []  # nothing saved
    wired = subprocess.run([sys.executable, "app.py", "inspect", "--out", str(tmp_path / "x.csv"), "--pairs", "0"],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert wired.returncode == 2 and "--pairs takes 1 or more" in wired.stderr


def test_the_gates_hold_each_strategy_and_engine_to_their_rate():
    def row(strategy: str, probe: str, right: bool, sees_one: bool, lang: str = "fr") -> dict:
        return {"probe": probe, "engine": "B", "strategy": strategy, "question_lang": lang, "error": None,
                "answer_matches_question": True, "reasoning_matches_question": sees_one,
                "user_sees_one_language": sees_one, "reasoning_share": 0.5, "truncated_in_reasoning": False,
                "finish_reason": "stop", "right_figure": right}
    rows = [row("baseline", "c1", True, False), row("baseline", "c2", True, False, lang="en"),
            row("thinking off", "c1", False, True), row("thinking off", "c2", True, True, lang="en")]
    assert gate_failures(rows, {"min_right_figure": 0.9, "min_one_language": None}) == [
        "right figure of thinking off on B (every question): 50% < 90%"]
    assert gate_failures(rows, {"min_right_figure": None, "min_one_language": 0.5}) == []  # the baseline is spared
    alone = [r for r in rows if r["strategy"] == "baseline"]  # …unless it is the one strategy asked
    assert gate_failures(alone, {"min_right_figure": None, "min_one_language": 0.5}) == [
        "user sees one language of baseline on B (French questions): 0% < 50%"]
    assert gate_failures(rows, {"min_right_figure": None, "min_one_language": None}) == []


@pytest.mark.parametrize(("flags", "message"), [
    (["--engines", "local,gpt"], "--engines takes local, pipeline, remote (comma-separated), not gpt"),
    (["--strategies", "baseline,French"], "--strategies takes baseline, thinking off"),
    (["--min-right-figure", "90"], "--min-right-figure takes a rate from 0 to 1, not 90.0"),
    (["--max-new-tokens", "0"], "--max-new-tokens takes 1 to 32768, not 0"),
    (["--pairs", "0"], "--pairs takes 1 or more, not 0"),
])
def test_the_headless_inspection_refuses_bad_flags_before_loading_anything(tmp_path, capsys, flags, message):
    assert run_inspect(["--out", str(tmp_path / "fren.csv"), *flags]) == 2
    assert message in capsys.readouterr().err


def test_an_adapter_loaded_at_start_is_a_strategy_of_its_own(tmp_path, capsys, demo_model_dir):
    folder = str(demo_model_dir / "adapters" / "french-reasoning")
    assert run_inspect(_argv(tmp_path, demo_model_dir, "--strategies", "baseline,nope adapter")) == 2
    refused = capsys.readouterr().err
    assert "--strategies takes baseline" in refused and "french-reasoning adapter" in refused
    assert "not nope adapter" in refused
    assert run_inspect(_argv(tmp_path, demo_model_dir, "--adapter", f"fr2={folder}", "--langs", "fr",
                             "--strategies", "baseline,fr2 adapter")) == 0
    printed = capsys.readouterr().out
    assert "fr2 adapter" in printed
    [saved] = (tmp_path / "runs" / SAVED_FOLDER).glob("fren-*.csv")
    assert {r["strategy"] for r in read_inspection(saved)} == {"baseline", "fr2 adapter"}
