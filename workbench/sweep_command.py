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

import pandas as pd
from tqdm import tqdm

from engines.base import GenerationParams, param_bounds
from workbench.budget_sweep import SWEEP_STEM, THINKING_MODES, budget_line, completion_table, needed_tokens, write_sweep
from workbench.fren import PROBE_TYPES, SAVED_FOLDER, load_probes, pick_probes
from workbench.saved import saved_name, unwritable
from workbench.services import LOCAL, PIPELINE, REMOTE, build_services
from workbench.settings import add_arguments, settings_from_args

ENGINES = ["local", "pipeline", "remote"]  # System B's model, System B's router + model, System A


def build_sweep_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py sweep", description="Measure the token budget the probe questions need (the FR/EN "
        "tab's budget sweep, headless): one full-length run per question and thinking mode with a fixed "
        "seed, then the completion rate at each budget and the budget that lets 95%% finish.")
    parser.add_argument("--out", type=Path, default=None,
                        help="a copy of the sweep's CSV to write (the tab's Open a sweep CSV… opens it); the "
                        "sweep is saved in the results folder in any case, where the tab lists it")
    parser.add_argument("--engine", choices=ENGINES, default="local",
                        help="local (System B's model, default), pipeline (router + local model) or remote "
                        "(System A)")
    parser.add_argument("--budgets", default="16,32,64,96,128,192,256,384",
                        help="budgets to report, comma-separated (measured up to twice the largest)")
    parser.add_argument("--thinking", default=",".join(THINKING_MODES), help="on, off or on,off (default)")
    parser.add_argument("--types", default=",".join(PROBE_TYPES),
                        help=f"question types, comma-separated (default: {','.join(PROBE_TYPES)})")
    parser.add_argument("--langs", default="en,fr", help="en, fr or en,fr (default)")
    parser.add_argument("--pairs", type=int, default=4, help="topics per type, each an English and a French "
                        "question (default 4)")
    add_arguments(parser)
    return parser


def listed_values(text: str, allowed: list[str], flag: str) -> list[str]:
    """A comma-separated flag's values, in `allowed`'s order; ValueError names any other."""
    given = [v.strip() for v in text.split(",") if v.strip()]
    if not given or (unknown := sorted(set(given) - set(allowed))):
        raise ValueError(f"{flag} takes {', '.join(allowed)} (comma-separated)"
                         + (f", not {', '.join(unknown)}" if given else ""))
    return [v for v in allowed if v in given]


def folders_problem(out: Path | None, saved_dir: Path) -> str | None:
    """Why a headless FR/EN command would write nothing, said before a model loads: an --out
    folder it cannot write in, or a results folder it cannot write in with no --out."""
    if out is not None and unwritable(out.parent):
        return f"--out: {out.parent} is not a folder this can write in"
    if unwritable(saved_dir) and out is None:  # it would be asked and measured for nothing
        return f"The results folder {saved_dir.parent} cannot be written: set --results-dir, or give --out"
    return None


def _shown(table: list[dict]) -> str:
    """The completion table as text: rates as percentages, budgets as they are."""
    return pd.DataFrame([{k: f"{v:.0%}" if isinstance(v, float) else ("—" if v is None else v)
                          for k, v in row.items()} for row in table]).to_string(index=False)


def _write(needs: list[dict], budgets: list[int], saved: Path, out: Path | None) -> str:
    """Save the sweep where the tab lists it, and a copy at `out` when given. Returns where it
    went; a file that cannot be written (a disk that filled up while measuring) is warned about,
    not raised: the table is printed all the same."""
    written = []
    for path in (saved, out):
        if path is None:
            continue
        try:
            write_sweep(needs, budgets, path)
        except OSError as exc:
            print(f"Warning: {path} could not be written ({exc.strerror or exc})", file=sys.stderr)
            continue
        written.append(str(path) + (" (the FR/EN tab's Open a saved sweep lists it)" if path == saved else ""))
    return " and ".join(written) or "nothing written"


def run_sweep(argv: list[str]) -> int:
    """Exit status: 0 measured, 2 bad arguments, 3 no answer could be measured (every one failed),
    130 stopped with Ctrl-C (what was measured is written and shown)."""
    args = build_sweep_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    most = int(param_bounds("max_new_tokens")[1])
    try:
        modes = listed_values(args.thinking, list(THINKING_MODES), "--thinking")
        types = listed_values(args.types, PROBE_TYPES, "--types")
        langs = listed_values(args.langs, ["en", "fr"], "--langs")
        try:
            budgets = sorted({int(b) for b in args.budgets.replace(";", ",").split(",") if b.strip()})
        except ValueError:
            budgets = []
        if not budgets or budgets[0] < 1 or budgets[-1] > most:
            raise ValueError(f"--budgets takes whole numbers from 1 to {most}, comma-separated, not "
                             f"{args.budgets!r}")
        if args.pairs < 1:
            raise ValueError(f"--pairs takes 1 or more, not {args.pairs}")
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    settings = settings_from_args(args)
    saved_dir = settings.results_dir / SAVED_FOLDER
    if problem := folders_problem(args.out, saved_dir):
        print(problem, file=sys.stderr)
        return 2
    probes = pick_probes(load_probes(), types, langs, args.pairs)
    label = dict(zip(ENGINES, (LOCAL, PIPELINE, REMOTE), strict=True))[args.engine]
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
    written = _write(needs, budgets, saved_dir / saved_name(SWEEP_STEM, len(needs)), args.out)
    table = completion_table(needs, budgets)
    measured = f"{len(needs) - len(failed)}" + (f" of {total}" if cancel.is_set() else "")
    print(f"{'Stopped: ' if cancel.is_set() else ''}{label}: {measured} answers measured (full length up to "
          f"{params.max_new_tokens} tokens){f', {len(failed)} failed and left out' if failed else ''}"
          f" -> {written}")
    print(_shown(table))
    print(budget_line(table))
    return 130 if cancel.is_set() else 0
