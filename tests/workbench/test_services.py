"""What the app says at start-up about where it keeps results."""

from __future__ import annotations

from workbench.services import results_folder_problem


def test_a_results_folder_that_cannot_be_written_is_named_with_the_reason_and_the_fix(tmp_path):
    assert results_folder_problem(tmp_path / "runs") is None
    assert (tmp_path / "runs").is_dir() and list((tmp_path / "runs").iterdir()) == []  # the probe file is gone
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    problem = results_folder_problem(blocked / "runs")
    assert problem.startswith(f"The results folder {blocked / 'runs'} cannot be written (Not a directory)")
    assert "--results-dir" in problem and "a batch cannot run" in problem
