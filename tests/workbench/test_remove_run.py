"""A saved run taken off the lists: its file moved aside whole, its name kept from new runs."""

from __future__ import annotations

import pytest

from tests.ui.pages import saved_run_both_answered
from workbench.compare import (
    REMOVED,
    BatchResumeError,
    BatchRun,
    Comparator,
    Experiment,
    latest_records,
    remove_run,
    run_file,
    saved_runs,
)
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
