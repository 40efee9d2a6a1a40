"""`python app.py against RUN OTHER`: the Batch tab's *Set this run against another saved run*
without a browser.

For a nightly job after `python app.py batch --run tuesday`: it reads the results folder (no
model is loaded) and prints how the two runs were set up differently, what their figures and
verdicts say, each system's summary in both, and the answers that changed from OTHER to RUN;
`--changes-out` writes those changes as CSV. `--fail-on-change` ends with status 1 when an
answer changed (a refusal, its language, its checks), to stop a pipeline on a regression.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.batch_store import saved_run_file, saved_runs
from workbench.export import aligned, write_csv
from workbench.runs_against import set_against
from workbench.saved import unwritable
from workbench.settings import add_results_dir


def build_against_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py against", description="Set a saved batch run against another over the experiments both "
        "hold (the Batch tab's Set this run against another saved run, headless).")
    parser.add_argument("run", help="the run to read (after)")
    parser.add_argument("other", help="the run to set it against (before)")
    parser.add_argument("--changes-out", type=Path, default=None, metavar="FILE.csv",
                        help="write the answers that changed, experiment by experiment, as CSV")
    parser.add_argument("--fail-on-change", action="store_true",
                        help="exit with status 1 when an answer changed (refused, its language, its checks)")
    add_results_dir(parser, "batch runs and verdicts")
    return parser


def run_against(argv: list[str]) -> int:
    """Exit status 0 with the comparison printed; 1 with --fail-on-change when an answer changed;
    2 for bad arguments (a run that is not saved, the run itself, runs with no experiment in common)."""
    parser = build_against_parser()
    args = parser.parse_args(argv)
    for name in (args.run, args.other):
        if saved_run_file(args.results_dir, name) is None:
            listed = ", ".join(r.name for r in saved_runs(args.results_dir)[:10]) or "none"
            parser.error(f"no saved run named {name!r} in {args.results_dir} (saved: {listed})")
    if args.run == args.other:
        parser.error(f"that is the run {args.run!r} itself: name another one")
    if args.changes_out is not None and (problem := unwritable(args.changes_out.parent)):
        parser.error(f"--changes-out: {args.changes_out.parent} cannot be written ({problem})")
    try:
        found = set_against(args.results_dir, (args.run, args.other))
    except ValueError as exc:
        parser.error(str(exc))
    print(f"Run {args.run} against run {args.other}:\n")
    print("\n".join(f"- {line}" for line in found.lines))
    print("\n" + aligned([found.columns, *([("—" if v is None else str(v)) for v in row] for row in found.summary)]))
    changed = f"{len(found.changes)} answer{'s' if len(found.changes) != 1 else ''} changed"
    print(f"\n{changed} from {args.other} to {args.run}" + (":" if found.changes else "."))
    for row in found.changes:
        print(f"- {row['experiment']} · System {row['system']} · {row['what changed']}: {row['before']} → "
              f"{row['after']}")
    if args.changes_out is not None:
        write_csv(found.named_changes(), args.changes_out, bom=True)
        print(f"-> {args.changes_out}")
    if args.fail_on_change and found.changes:
        print(f"Failing: {changed} (--fail-on-change).", file=sys.stderr)
        return 1
    return 0
