"""`python app.py leaderboard`: the Batch tab's *Models across every verdict* without a browser.

For a nightly job after `python app.py batch --judge …`: it reads the results folder (no model is
loaded), prints the models' ratings and every two head to head, and writes them as CSV if asked.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.breakdown import SLUGS, parse_only
from workbench.export import aligned, write_csv
from workbench.leaderboard import (
    ANALYSTS,
    GROUPINGS,
    HEAD_TO_HEAD_COLUMNS,
    LEADERBOARD_COLUMNS,
    judges,
    parse_runs,
    runs_problem,
    standings,
)
from workbench.saved import unwritable
from workbench.settings import add_results_dir


def build_leaderboard_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py leaderboard", description="Rate the models from every verdict kept in the results folder "
        "(the Batch tab's Models across every verdict, headless): Bradley-Terry on the Elo scale, with "
        "95%% intervals, and every two models head to head.")
    parser.add_argument("--judge", default=ANALYSTS,
                        help="whose verdicts: analysts (default), checks (the answer that passed every check "
                        "wins, no judge) or a judge model's name, as the tally names it")
    parser.add_argument("--by", choices=list(GROUPINGS), default="model",
                        help="tell models apart by their id (model, default), also their thinking mode (thinking), "
                        "also their token budget (budget)")
    parser.add_argument("--only", default=None, metavar="GROUPING:VALUE",
                        help=f"the experiments of one group alone, e.g. category:risk or language:fr (GROUPING one "
                        f"of {', '.join(SLUGS)})")
    parser.add_argument("--runs", default=None, metavar="RUN,RUN",
                        help="the verdicts on these batch runs alone, comma-separated (single comparisons left out)")
    parser.add_argument("--out", type=Path, default=None, metavar="FILE.csv", help="write the leaderboard as CSV")
    parser.add_argument("--pairs-out", type=Path, default=None, metavar="FILE.csv",
                        help="write every two models head to head as CSV")
    add_results_dir(parser, "batch runs and verdicts")
    return parser


def _table(rows: list[dict], columns: list[str]) -> str:
    """Rows as aligned text columns."""
    return aligned([[str(c) for c in columns],
                    *([("" if row[c] is None else f"{row[c]:.0%}" if "share" in c else str(row[c])) for c in columns]
                      for row in rows)])


def run_leaderboard(argv: list[str]) -> int:
    """Exit status 0 with a leaderboard printed, 2 for bad arguments."""
    parser = build_leaderboard_parser()
    args = parser.parse_args(argv)
    try:
        only = parse_only(args.only)
    except ValueError as exc:
        parser.error(f"--only takes {exc}; not {args.only!r}")
    for flag, path in (("--out", args.out), ("--pairs-out", args.pairs_out)):
        if path is not None and (problem := unwritable(path.parent)):
            parser.error(f"{flag}: {path.parent} cannot be written ({problem})")
    if args.judge not in (known := judges(args.results_dir)):
        parser.error(f"--judge: no verdicts from {args.judge!r} in {args.results_dir}; there are {', '.join(known)}")
    runs = parse_runs(args.runs)
    board = standings(args.results_dir, args.judge, args.by, only, runs)
    if problem := runs_problem(board, runs):
        parser.error(f"--runs: {problem}")
    where = f" on the experiments whose {SLUGS[only[0]]} is {only[1]}" if only else ""
    where += f" in {', '.join(runs)}" if runs else ""
    if not board["models"]:
        print(f"No verdict from {args.judge}{where} between two models in {args.results_dir}.")
    else:
        print(f"{len(board['models'])} models rated from {board['verdicts']} verdicts of {args.judge}{where} "
              f"(told apart by {GROUPINGS[args.by]}; Elo scale, 1,000 the middle):\n")
        print(_table(board["models"], LEADERBOARD_COLUMNS))
        print("\nHead to head:\n")
        print(_table(board["head_to_head"], HEAD_TO_HEAD_COLUMNS))
        if board["groups"] > 1:
            print(f"\n{board['groups']} groups of models never met: ratings compare within a group only "
                  "(the CSV's group column).")
    if board["judged_itself"]:
        print(f"The judge judged its own answers as {', '.join(board['judged_itself'])}: a model tends to prefer "
              "its own; read its ratings against the analysts'.")
    if board["left_out"]:
        print("Left out: " + "; ".join(f"{n} ({why})" for why, n in board["left_out"].items()))
    for path, rows, columns in ((args.out, board["models"], [*LEADERBOARD_COLUMNS, "group"]),
                                (args.pairs_out, board["head_to_head"], HEAD_TO_HEAD_COLUMNS)):
        if path is not None:
            write_csv([{c: row[c] for c in columns} for row in rows], path, bom=True)
            print(f"-> {path}")
    return 0
