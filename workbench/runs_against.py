"""One saved batch run set against another over the experiments both hold: how they were set up
differently, each system's summary in both, what the verdicts (analysts' and judge models') say
of each, and the answers that changed from the other run to this one — the Batch tab's *Set this
run against another saved run* and `GET /api/runs/{name}/against/{other}`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.batch_store import latest_records, run_file
from workbench.compare import SYSTEMS
from workbench.judge_tally import by_model
from workbench.model_judge import model_verdicts, model_verdicts_file
from workbench.run_changes import CHANGE_COLUMNS, run_changes, run_setup, setup_line
from workbench.summary import compare_runs
from workbench.verdict_stats import runs_verdict_lines
from workbench.verdicts import latest_verdicts, verdicts_file


@dataclass
class RunsAgainst:
    names: tuple[str, str]  # this run, the run it is set against
    lines: list[str]  # what the two runs' figures and verdicts say, a finding each
    columns: list[str]  # of the summary: metric, then System A in each run, System B in each
    summary: list[list[Any]]
    changes: list[dict[str, Any]]  # workbench.run_changes, from the other run (before) to this one (after)
    setups: tuple[dict[str, Any], dict[str, Any]]  # workbench.run_changes.run_setup of each

    @property
    def change_columns(self) -> list[str]:
        """CHANGE_COLUMNS with before and after named by their runs: "in monday", "in tuesday"."""
        named = {"before": f"in {self.names[1]}", "after": f"in {self.names[0]}"}
        return [named.get(c, c) for c in CHANGE_COLUMNS]

    def named_changes(self) -> list[dict[str, Any]]:
        """The changes keyed by change_columns, as their CSV holds them."""
        return [dict(zip(self.change_columns, (row[c] for c in CHANGE_COLUMNS), strict=True)) for row in self.changes]


def set_against(folder: Path, names: tuple[str, str]) -> RunsAgainst:
    """The saved run `names[0]` against the saved run `names[1]` (safe run names, two of them).
    ValueError when they share no experiment (or one holds none)."""
    runs = [latest_records(run_file(folder, n)) for n in names]
    summary, lines = compare_runs(runs[0], runs[1], names)
    lines.insert(1, setup_line(runs[0], runs[1], names))  # after how many experiments both hold
    common = set.intersection(*({r["experiment_id"] for r in run} for run in runs))
    every, models = latest_verdicts(verdicts_file(folder)), model_verdicts(model_verdicts_file(folder))  # read once
    judged = [[r for r in every if r.get("run") == n] for n in names]
    lines += runs_verdict_lines(judged[0], judged[1], names, common)
    by_models = [by_model([r for r in models if r["run"] == n]) for n in names]
    for model in sorted(by_models[0].keys() | by_models[1].keys()):
        lines += runs_verdict_lines(by_models[0].get(model, []), by_models[1].get(model, []), names, common,
                                    f"Verdicts of the judge model `{model}`", "it")
    columns = ["metric", *(f"System {k} · {n}" for k in SYSTEMS for n in names)]
    return RunsAgainst(names, lines, columns, summary, run_changes(runs[1], runs[0]),
                       (run_setup(runs[0]), run_setup(runs[1])))
