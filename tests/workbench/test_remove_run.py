"""A saved run taken off the lists: its file moved aside whole, its name kept from new runs."""

from __future__ import annotations

import pytest

from tests.ui.pages import saved_run_both_answered
from workbench.batch_run import BatchResumeError, BatchRun
from workbench.batch_store import REMOVED, latest_records, remove_run, removed_runs, restore_run, run_file, saved_runs
from workbench.compare import Comparator, Experiment
from workbench.run_files import save_as_run
from workbench.verdicts import latest_verdicts, record_verdict, verdicts_file


def test_a_removed_run_leaves_the_lists_whole_and_its_name_is_not_taken_again(tmp_path):
    saved_run_both_answered(tmp_path, "typo-run", ["e-0", "e-1"])
    saved_run_both_answered(tmp_path, "kept", ["e-0"])
    records = latest_records(run_file(tmp_path, "typo-run"))
    record_verdict(verdicts_file(tmp_path), records[0], "A better", run="typo-run")
    there = remove_run(tmp_path, "typo-run")
    assert there.parent == tmp_path / REMOVED and there.name.startswith("batch-typo-run.")
    assert latest_records(there) == records, "moved whole"
    assert [r.name for r in saved_runs(tmp_path)] == ["kept"]
    assert len(latest_verdicts(verdicts_file(tmp_path), "typo-run")) == 1  # its verdicts stay
    with pytest.raises(BatchResumeError, match="'typo-run' is the name of a removed run"):
        BatchRun(Comparator(None, None), [Experiment("e-0", "Question 0?")], run_file(tmp_path, "typo-run"))
    # a file opened under its name is saved under another one
    assert save_as_run(records, tmp_path, "typo-run") == ("typo-run-2", False)
    with pytest.raises(FileNotFoundError, match="no saved run is named 'typo-run'"):
        remove_run(tmp_path, "typo-run")
    # another name that starts the same is free
    BatchRun(Comparator(None, None), [Experiment("e-0", "Question 0?")], run_file(tmp_path, "typo"))


def test_a_removed_run_is_listed_and_put_back_whole_under_its_name(tmp_path):
    saved_run_both_answered(tmp_path, "night", ["e-0", "e-1"])
    records = latest_records(run_file(tmp_path, "night"))
    first = remove_run(tmp_path, "night")
    saved_run_both_answered(tmp_path, "other", ["e-0"])
    second = remove_run(tmp_path, "other")
    listed = removed_runs(tmp_path)
    assert [path for _, path in listed] == [second, first]  # the last removed first
    assert listed[1][0].startswith("night · removed 20") and listed[1][0].endswith(" UTC · 2 experiments")
    assert restore_run(tmp_path, first) == "night"
    assert latest_records(run_file(tmp_path, "night")) == records and [r.name for r in saved_runs(tmp_path)] == [
        "night"]
    assert [path for _, path in removed_runs(tmp_path)] == [second]
    with pytest.raises(FileNotFoundError):
        restore_run(tmp_path, first)  # gone from removed/
    saved_run_both_answered(tmp_path, "other", ["e-9"])  # written by hand meanwhile
    with pytest.raises(FileExistsError, match="a run named 'other' is on the lists already"):
        restore_run(tmp_path, second)
    with pytest.raises(FileNotFoundError, match="not a removed run"):
        restore_run(tmp_path, run_file(tmp_path, "night"))
