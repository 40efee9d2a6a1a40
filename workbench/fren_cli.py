"""What the headless FR/EN commands (`python app.py sweep`, `python app.py inspect`) share: the
probe flags and their reading, the check of the folders they write to before a model loads, the
saving of their CSV where the tab lists it (and a copy at --out), and their tables as text."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from engines.cost import usd
from workbench.fren import PROBE_TYPES, Probe, load_probes, pick_probes
from workbench.saved import unwritable


def add_probe_arguments(parser: argparse.ArgumentParser) -> None:
    """--types, --langs and --pairs: which probe questions are asked."""
    parser.add_argument("--types", default=",".join(PROBE_TYPES),
                        help=f"question types, comma-separated (default: {','.join(PROBE_TYPES)})")
    parser.add_argument("--langs", default="en,fr", help="en, fr or en,fr (default)")
    parser.add_argument("--pairs", type=int, default=4, help="topics per type, each an English and a French "
                        "question (default 4)")


def listed_values(text: str, allowed: list[str], flag: str) -> list[str]:
    """A comma-separated flag's values, in `allowed`'s order; ValueError names any other."""
    given = [v.strip() for v in text.split(",") if v.strip()]
    if not given or (unknown := sorted(set(given) - set(allowed))):
        raise ValueError(f"{flag} takes {', '.join(allowed)} (comma-separated)"
                         + (f", not {', '.join(unknown)}" if given else ""))
    return [v for v in allowed if v in given]


def probes_from_args(args: argparse.Namespace) -> list[Probe]:
    """The probe questions add_probe_arguments' flags pick; ValueError says what is wrong."""
    types = listed_values(args.types, PROBE_TYPES, "--types")
    langs = listed_values(args.langs, ["en", "fr"], "--langs")
    if args.pairs < 1:
        raise ValueError(f"--pairs takes 1 or more, not {args.pairs}")
    return pick_probes(load_probes(), types, langs, args.pairs)


def folders_problem(out: Path | None, saved_dir: Path) -> str | None:
    """Why a headless FR/EN command would write nothing, said before a model loads: an --out
    folder it cannot write in, or a results folder it cannot write in with no --out."""
    if out is not None and unwritable(out.parent):
        return f"--out: {out.parent} is not a folder this can write in"
    if unwritable(saved_dir) and out is None:  # it would be asked and measured for nothing
        return f"The results folder {saved_dir.parent} cannot be written: set --results-dir, or give --out"
    return None


def write_copies(write: Callable[[Path], None], saved: Path, out: Path | None,
                 listed_by: str | None = None) -> list[str]:
    """`write` the file where the tab lists it (`saved`; named with the tab's `listed_by` control,
    when given) and at `out` when given. Returns where it went; a file that cannot be written (a
    disk that filled up while asking) is warned about, not raised: the tables are printed all the
    same."""
    written = []
    for path in (saved, out):
        if path is None:
            continue
        try:
            write(path)
        except OSError as exc:
            print(f"Warning: {path} could not be written ({exc.strerror or exc})", file=sys.stderr)
            continue
        written.append(str(path) + (f" (the FR/EN tab's {listed_by} lists it)" if listed_by and path == saved
                                    else ""))
    return written


def text_table(table: list[dict[str, Any]], money: tuple[str, ...] = ()) -> str:
    """Rows of figures as text: rates as percentages, the `money` columns in dollars, nothing as —."""
    def cell(key: str, value: Any) -> Any:
        if value is None:
            return "—"
        if key in money:
            return usd(value)
        return f"{value:.0%}" if isinstance(value, float) else value
    return pd.DataFrame([{k: cell(k, v) for k, v in row.items()} for row in table]).to_string(index=False)
