"""`python app.py sweep`: the FR/EN tab's token-budget sweep without a browser.

For an engineer choosing max_new_tokens for a model (a new fine-tune, another quantisation): it
measures what each probe question needs, with thinking on and off, prints the completion table
and the budgets that let 95% of each question type and language finish, and saves the sweep
where the tab saves its own (*Open a saved sweep* lists it), with a copy at --out if asked.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from pathlib import Path

from tqdm import tqdm

from engines.base import GenerationParams, param_bounds
from workbench.budget_sweep import SWEEP_STEM, THINKING_MODES, budget_line, completion_table, needed_tokens, write_sweep
from workbench.engine_names import LOCAL, PIPELINE, REMOTE
from workbench.fren import SAVED_FOLDER
from workbench.fren_cli import (
    add_probe_arguments,
    folders_problem,
    listed_values,
    probes_from_args,
    text_table,
    write_copies,
)
from workbench.saved import saved_name
from workbench.settings import add_arguments, settings_from_args

ENGINES = ["local", "pipeline", "remote"]  # System B's model, System B's router + model, System A


def build_sweep_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py sweep", description="Measure the token budget the probe questions need (the FR/EN "
        "tab's budget sweep, headless): one full-length run per question and thinking mode with a fixed "
        "seed, then the completion rate at each budget and the budget that lets 95%% finish.")
    parser.add_argument("--out", type=Path, default=None,
                        help="a copy of the sweep to write, a CSV or, named .xlsx, an Excel workbook (the tab's "
                        "Open a sweep file… opens either); the sweep is saved in the results folder in any case, "
                        "where the tab lists it")
    parser.add_argument("--engine", choices=ENGINES, default="local",
                        help="local (System B's model, default), pipeline (router + local model) or remote "
                        "(System A)")
    parser.add_argument("--budgets", default="16,32,64,96,128,192,256,384",
                        help="budgets to report, comma-separated (measured up to twice the largest)")
    parser.add_argument("--thinking", default=",".join(THINKING_MODES), help="on, off or on,off (default)")
    add_probe_arguments(parser)
    add_arguments(parser)
    return parser


def run_sweep(argv: list[str]) -> int:
    """Exit status: 0 measured, 2 bad arguments, 3 no answer could be measured (every one failed),
    130 stopped with Ctrl-C (what was measured is written and shown)."""
    args = build_sweep_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    most = int(param_bounds("max_new_tokens")[1])
    try:
        modes = listed_values(args.thinking, list(THINKING_MODES), "--thinking")
        probes = probes_from_args(args)
        try:
            budgets = sorted({int(b) for b in args.budgets.replace(";", ",").split(",") if b.strip()})
        except ValueError:
            budgets = []
        if not budgets or budgets[0] < 1 or budgets[-1] > most:
            raise ValueError(f"--budgets takes whole numbers from 1 to {most}, comma-separated, not "
                             f"{args.budgets!r}")
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    settings = settings_from_args(args)
    saved_dir = settings.results_dir / SAVED_FOLDER
    if problem := folders_problem(args.out, saved_dir):
        print(problem, file=sys.stderr)
        return 2
    label = dict(zip(ENGINES, (LOCAL, PIPELINE, REMOTE), strict=True))[args.engine]
    from workbench.services import build_services  # torch and the engines: only once the arguments hold

    services = build_services(settings)
    if args.engine == "remote" and (problem := services.remote.configuration_problem()):
        print(f"{problem}.", file=sys.stderr)
        services.local.close()
        return 3
    params = GenerationParams(temperature=0, max_new_tokens=min(budgets[-1] * 2, most))
    needs, total, cancel = [], len(probes) * len(modes), threading.Event()
    try:
        with tqdm(total=total, unit="answer", desc="sweep") as bar:
            for need in needed_tokens(services.engine(label), probes, params, cancel, thinking=modes):
                needs.append({"engine": label, **need})
                bar.update()
    except KeyboardInterrupt:  # Ctrl-C: nothing new starts, and what was measured is kept
        cancel.set()
    finally:
        services.local.close()
    failed = [n for n in needs if n["error"]]
    if len(failed) == len(needs):
        reason = failed[0]["error"] if failed else "stopped before any answer" if cancel.is_set() else "no question"
        print(f"{label} could not answer: {reason}", file=sys.stderr)
        return 130 if cancel.is_set() and not failed else 3
    written = " and ".join(write_copies(lambda path: write_sweep(needs, budgets, path),
                                        saved_dir / saved_name(SWEEP_STEM, len(needs)), args.out,
                                        "Open a saved sweep")) or "nothing written"
    table = completion_table(needs, budgets)
    measured = f"{len(needs) - len(failed)}" + (f" of {total}" if cancel.is_set() else "")
    print(f"{'Stopped: ' if cancel.is_set() else ''}{label}: {measured} answers measured (full length up to "
          f"{params.max_new_tokens} tokens){f', {len(failed)} failed and left out' if failed else ''}"
          f" -> {written}")
    print(text_table(table))
    print(budget_line(table))
    return 130 if cancel.is_set() else 0
