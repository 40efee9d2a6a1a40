"""`python app.py inspect`: the FR/EN tab's inspection without a browser.

For a nightly job on a new fine-tune or adapter: it asks the probe questions under the chosen
strategies, prints the strategy × engine matrix (the French questions', as the tab shows it) and
each strategy against the baseline, saves the inspection where the tab saves its own (*Open a
saved inspection* lists it), with a copy at --out if asked — and, with --min-right-figure or
--min-one-language, fails (exit 4) when a strategy falls below the rate asked for.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from pathlib import Path
from typing import Any

from tqdm import tqdm

from engines.base import GenerationParams, param_bounds
from engines.local_config import LocalModelConfig, find_adapters
from workbench.engine_names import LOCAL, PIPELINE, REMOTE
from workbench.export import write_table
from workbench.fren import (
    COST_METRIC,
    SAVED_FOLDER,
    STRATEGIES,
    failures,
    matrix,
    run_inspection,
    shown_matrix,
    sorted_rows,
    strategy_names,
)
from workbench.fren_baseline import BASELINE, every_pair, headline
from workbench.fren_cli import (
    add_probe_arguments,
    folders_problem,
    listed_values,
    probes_from_args,
    text_table,
    write_copies,
)
from workbench.saved import saved_name
from workbench.settings import Settings, add_arguments, settings_from_args

ENGINES = {"local": LOCAL, "pipeline": PIPELINE, "remote": REMOTE}
# the gates: flag -> the matrix metric it holds every strategy and engine to, and over which questions
GATES = {"min_right_figure": ("right figure", None), "min_one_language": ("user sees one language", "fr")}


def build_inspect_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py inspect", description="Ask the FR/EN probe questions under the chosen strategies (the "
        "FR/EN tab's inspection, headless): the language of each part of every answer, whether a "
        "calculation's answer states its right figure, and each strategy against the baseline.")
    parser.add_argument("--out", type=Path, default=None,
                        help="a copy of the inspection to write, a CSV or, named .xlsx, an Excel workbook (the "
                        "tab's Open an inspection file… opens either); the inspection is saved in the results "
                        "folder in any case, where the tab lists it")
    parser.add_argument("--engines", default="local",
                        help="local (System B's model, default), pipeline (router + local model), remote "
                        "(System A), comma-separated")
    parser.add_argument("--strategies", default=",".join(STRATEGIES),
                        help=f"comma-separated, from: {', '.join(STRATEGIES)} (default: all), and NAME adapter "
                        "for any other LoRA adapter loaded at start (--adapter NAME=PATH)")
    add_probe_arguments(parser)
    parser.add_argument("--max-new-tokens", type=int, default=512, help="the budget of every answer (greedy "
                        "decoding; default 512)")
    parser.add_argument("--min-right-figure", type=float, default=None, metavar="RATE",
                        help="exit 4 when a strategy's calculations state their right figure less often than "
                        "this (0 to 1), on any engine")
    parser.add_argument("--min-one-language", type=float, default=None, metavar="RATE",
                        help="exit 4 when, on French questions, the user sees only French less often than this "
                        "(0 to 1) under a strategy, on any engine")
    add_arguments(parser)
    return parser


def gate_failures(rows: list[dict[str, Any]], gates: dict[str, float | None]) -> list[str]:
    """Each strategy and engine under a gate's rate ("right figure of French prefill on System B ·
    local model (every question): 20% < 90%"); empty when every one holds (or none was asked for).
    The baseline is held to them only when it is the one strategy asked."""
    out = []
    # the baseline asked beside other strategies is there to set them against, not held to the rates
    spared = {BASELINE} if len({r["strategy"] for r in rows}) > 1 else set()
    for flag, least in gates.items():
        if least is None:
            continue
        metric, lang = GATES[flag]
        for row in matrix(rows, lang):
            if row["strategy"] not in spared and row.get(metric) is not None and row[metric] < least:
                over = "French questions" if lang == "fr" else "every question"
                out.append(f"{metric} of {row['strategy']} on {row['engine']} ({over}): {row[metric]:.0%} < "
                           f"{least:.0%}")
    return out


def _adapters(settings: Settings) -> list[str]:
    """The adapters System B's model will load (beside the model, and --adapter's), read before it loads."""
    return list(find_adapters(LocalModelConfig(model=settings.model_or_default, adapters=settings.adapters)))


def run_inspect(argv: list[str]) -> int:
    """Exit status: 0 inspected, 2 bad arguments, 3 no answer came (every one failed), 4 a gate
    not met, 130 stopped with Ctrl-C (what finished is written and shown)."""
    args = build_inspect_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    most = int(param_bounds("max_new_tokens")[1])
    gates = {flag: getattr(args, flag) for flag in GATES}
    settings = settings_from_args(args)
    try:
        if not 1 <= args.max_new_tokens <= most:
            raise ValueError(f"--max-new-tokens takes 1 to {most}, not {args.max_new_tokens}")
        for flag, least in gates.items():
            if least is not None and not 0 <= least <= 1:
                raise ValueError(f"--{flag.replace('_', '-')} takes a rate from 0 to 1, not {least}")
        engines = listed_values(args.engines, list(ENGINES), "--engines")
        probes = probes_from_args(args)
        # last: without --model, which model (and so which adapters) is the default asks torch for a GPU
        strategies = listed_values(args.strategies, strategy_names(_adapters(settings)), "--strategies")
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    saved_dir = settings.results_dir / SAVED_FOLDER
    if problem := folders_problem(args.out, saved_dir):
        print(problem, file=sys.stderr)
        return 2
    from workbench.services import build_services  # torch and the engines: only once the arguments hold

    services = build_services(settings)
    chosen = {ENGINES[e]: services.engine(ENGINES[e]) for e in engines}
    params = GenerationParams(temperature=0, max_new_tokens=args.max_new_tokens)
    rows: list[dict[str, Any]] = []
    cancel = threading.Event()
    try:
        with tqdm(total=len(probes) * len(chosen) * len(strategies), unit="answer", desc="inspect") as bar:
            for row in run_inspection(chosen, probes, strategies, params, cancel):
                rows.append(row)
                bar.update()
    except KeyboardInterrupt:  # Ctrl-C: nothing new starts, and what finished is kept
        cancel.set()
    finally:
        services.local.close()
    rows = sorted_rows(rows)
    answered = [r for r in rows if not r.get("error")]
    if not answered:
        why = failures(rows) or ("stopped before any answer" if cancel.is_set() else "no answer")
        print(f"Nothing to show: {why}", file=sys.stderr)
        return 130 if cancel.is_set() else 3
    written = write_copies(lambda path: write_table(rows, path, "answers"), saved_dir / saved_name("fren", len(rows)),
                           args.out)
    table, lang = shown_matrix(rows)
    print(f"{'Stopped: ' if cancel.is_set() else ''}{len(answered)} answers -> {' and '.join(written) or 'nothing'}")
    if note := failures(rows):
        print(note)
    print(f"\n{'French questions' if lang else 'All questions'}:\n{text_table(table, money=(COST_METRIC,))}")
    if pairs := every_pair(rows, lang):
        print(f"\nEach strategy against the baseline, on the same {'French ' if lang else ''}questions "
              f"(exact McNemar test):\n{text_table(pairs)}\n{headline(pairs, 'raise --pairs')}")
    if missed := gate_failures(rows, gates):
        print("\nBelow the rate asked for:\n" + "\n".join(f"- {m}" for m in missed), file=sys.stderr)
        return 4
    return 130 if cancel.is_set() else 0
