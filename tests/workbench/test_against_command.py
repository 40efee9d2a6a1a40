"""`python app.py against RUN OTHER`: one saved run set against another, headless."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from engines.base import GenerationParams
from tests.ui.pages import saved_run_both_answered
from workbench.against_command import run_against
from workbench.batch_store import run_file
from workbench.export import read_csv
from workbench.settings import ROOT


def _saved(folder, name: str, ids: list[str], budget: int, b_refuses=()) -> None:
    """A saved run as `python app.py batch --run NAME` writes it, under a token budget of `budget`."""
    saved_run_both_answered(folder, name, ids, b_refuses=b_refuses)
    path = run_file(folder, name)
    params = GenerationParams(max_new_tokens=budget).model_dump(mode="json")
    records = [{**json.loads(line), "params": params} for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_a_run_set_against_another_prints_the_setup_the_figures_and_the_changed_answers(tmp_path, capsys):
    _saved(tmp_path, "monday", ["e-0", "e-1", "e-2"], 1024)
    _saved(tmp_path, "tuesday", ["e-0", "e-1"], 256, b_refuses=["e-1"])
    out_csv = tmp_path / "out" / "changes.csv"
    out_csv.parent.mkdir()
    argv = ["tuesday", "monday", "--results-dir", str(tmp_path), "--changes-out", str(out_csv)]
    assert run_against(argv) == 0
    printed = capsys.readouterr().out
    assert "- 2 experiments in both runs (0 only in tuesday, 1 only in monday, left out)." in printed
    assert "- Set up differently: max_new_tokens 256 in tuesday, 1024 in monday." in printed
    assert "System B · tuesday" in printed and "refusal rate" in printed
    assert "1 answer changed from monday to tuesday:\n- e-1 · System B · refusal: answered → refused" in printed
    assert [(r["experiment"], r["what changed"], r["in monday"], r["in tuesday"]) for r in read_csv(out_csv)] == [
        ("e-1", "refusal", "answered", "refused")]
    # a pipeline stops on a regression when asked to; the same run twice has nothing to stop on
    assert run_against([*argv[:4], "--fail-on-change"]) == 1
    assert "Failing: 1 answer changed (--fail-on-change)." in capsys.readouterr().err
    _saved(tmp_path, "wednesday", ["e-0", "e-1"], 256, b_refuses=["e-1"])
    assert run_against(["wednesday", "tuesday", "--results-dir", str(tmp_path), "--fail-on-change"]) == 0
    assert "Set up alike: the same generation parameters, models and system prompt." in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "said"), [
    (["tuesday", "nope"], "no saved run named 'nope'"),
    (["../tuesday", "monday"], "no saved run named '../tuesday'"),
    (["monday", "monday"], "that is the run 'monday' itself"),
    (["monday", "elsewhere"], "share no experiment"),
])
def test_bad_arguments_are_refused_with_the_reason(tmp_path, capsys, argv, said):
    _saved(tmp_path, "monday", ["e-0"], 1024)
    _saved(tmp_path, "tuesday", ["e-0"], 1024)
    saved_run_both_answered(tmp_path, "elsewhere", ["x-9"])
    with pytest.raises(SystemExit) as stop:
        run_against([*argv, "--results-dir", str(tmp_path)])
    assert stop.value.code == 2 and said in capsys.readouterr().err


def test_the_command_runs_from_app_py(tmp_path):
    _saved(tmp_path, "monday", ["e-0"], 1024)
    _saved(tmp_path, "tuesday", ["e-0"], 512)
    done = subprocess.run([sys.executable, str(ROOT / "app.py"), "against", "tuesday", "monday", "--results-dir",
                           str(tmp_path)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Set up differently: max_new_tokens 512 in tuesday, 1024 in monday." in done.stdout
