"""`python app.py batch`: the Compare tab's batch comparison without a browser.

System A against System B on every experiment of a file, each finished experiment appended to a
JSONL file at once (a crash loses nothing; the same command resumes), then written as CSV. With
`--run NAME` the results are the app's saved batch run NAME: the Batch tab lists it under *Open a
saved run*, its answers are judged there, and *Run batch* under that name resumes it — a nightly
job runs the questions, the analysts judge them in the morning. With `--judge A` a model judges
them first (workbench.model_judge), and the analysts check its verdicts.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import ValidationError
from tqdm import tqdm

from engines.base import GenerationParams, validation_problems
from engines.cost import usd
from workbench.agreement import figures_line, references_line, risk_line
from workbench.batch_run import BatchRun, check_resumable
from workbench.batch_store import latest_records, run_file, safe_run_name
from workbench.breakdown import SLUGS, breakdown, breakdown_columns, experiments_of, parse_only
from workbench.compare import MAX_CONCURRENCY, SYSTEMS, still_to_run
from workbench.confidence import unsure_lines
from workbench.experiments import (
    BUNDLED,
    MAX_SYSTEM_PROMPT_CHARS,
    ExperimentFileError,
    load_experiments,
    with_system_prompt,
)
from workbench.export import write_csv
from workbench.judge_cost import estimate_line, judge_estimate
from workbench.judge_tally import compared_line, judge_tallies, judges_compared
from workbench.model_judge import (
    MAX_RULES_CHARS,
    judge_name,
    judge_run,
    model_columns,
    model_verdicts,
    model_verdicts_file,
)
from workbench.presets import over_preset, unknown_preset
from workbench.report import report_page, run_report
from workbench.run_csv import write_run_workbook
from workbench.saved import unwritable
from workbench.settings import add_arguments, settings_from_args
from workbench.summary import (
    flat_rows,
    paired_checks_line,
    percent_rows,
    refusal_split,
    routing_line,
    summarize,
)
from workbench.verdicts import latest_verdicts, verdicts_file

if TYPE_CHECKING:
    from workbench.services import Services


def build_batch_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py batch", description="Run a batch comparison headless: System A vs System B on "
        "every experiment, results appended to a JSONL file as each finishes (a rerun resumes), "
        "then written as CSV (or an Excel workbook). Give --out, --run or both.")
    parser.add_argument("--experiments", type=Path, default=BUNDLED,
                        help="experiments file (.jsonl, .csv or .xlsx); default: the bundled set")
    parser.add_argument("--out", type=Path, default=None,
                        help="CSV to write, or an Excel workbook when it ends in .xlsx (the CSV's rows on "
                        "its sheet results, the summary on summary); without --run, the JSONL of results "
                        "beside it")
    parser.add_argument("--run", default=None, metavar="NAME",
                        help="keep the results as the app's saved batch run NAME (letters, digits, - and "
                        "_), in the results folder: the Batch tab opens it, its answers are judged "
                        "there, and a run under that name in the tab or here resumes it")
    parser.add_argument("--systems", default="A,B", help="A, B or A,B (default)")
    parser.add_argument("--concurrency", type=int, default=4, help="experiments at once, 1 to 16 (default 4)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N experiments")
    parser.add_argument("--only", default=None, metavar="GROUPING:VALUE",
                        help="only the experiments of one group, e.g. category:risk or language:fr (groupings: "
                        f"{', '.join(SLUGS)}; before --limit)")
    parser.add_argument("--min-pass-rate", type=float, default=None, metavar="SHARE",
                        help="exit with status 4 when a system passed every check of its "
                        "experiments (their `expect`) on fewer than this share of its checked "
                        "answers, 0 to 1 (e.g. 0.95): a gate for a nightly job")
    parser.add_argument("--by", choices=list(SLUGS), default=None,
                        help="also print each system's figures per category, expected route, question "
                        "language or route System B took (as the Batch tab's breakdown)")
    parser.add_argument("--judge", choices=["A", "B"], default=None,
                        help="then have a model judge every experiment both systems answered, as the Batch "
                        "tab's *Judge with a model* does: A, System A's model; B, System B's local model "
                        "(without its router). Needs --run: the verdicts are kept with the saved run")
    parser.add_argument("--judge-rules", default=None, metavar="TEXT",
                        help="house rules told to the judge (--judge) after its instructions, as the Batch tab's "
                        "*House rules* box: the same model under other rules is another judge")
    parser.add_argument("--report", type=Path, default=None, metavar="FILE.md",
                        help="also write the run up in Markdown, as the Batch tab's *Write a report of this run* "
                        "(with --run, with the verdicts given on it); a FILE.html gets it as one web page")
    parser.add_argument("--params", default="{}", metavar="JSON",
                        help='generation parameters for both systems, e.g. \'{"max_new_tokens": 256, '
                        '"enable_thinking": false}\' (default: the app\'s defaults, or --preset\'s)')
    parser.add_argument("--preset", default=None, metavar="NAME",
                        help="start from a parameter preset: a built-in one or one saved in the app (the "
                        "presets.json of --results-dir); --params then changes what it names")
    parser.add_argument("--system-b-adapter", default=None, metavar="NAME",
                        help="the LoRA adapter System B's model answers with: one loaded at start (--adapter "
                        "NAME=PATH, or adapters/ beside the model); the model is then named with it")
    parser.add_argument("--system-prompt", default=None, metavar="TEXT",
                        help="instructions both systems are given before each question (System B's router puts "
                        "its route's own first), for the experiments without a system_prompt of their own")
    parser.add_argument("--read-back", action="store_true",
                        help="read each of System B's answers again with its model: the figures it was unsure "
                        "of go in the CSV (unsure_figures, sure_share, confidence)")
    add_arguments(parser)
    return parser


def _results_file(args: argparse.Namespace, results_dir: Path) -> Path:
    """Where the answers are appended: the saved run's file in the results folder (--run), else
    beside the CSV. ValueError says what is wrong with the flags."""
    if args.run is None:
        if args.out is None:
            raise ValueError("Give --out FILE.csv, --run NAME (a saved run the app opens), or both")
        return args.out.with_suffix(".jsonl")
    if not args.run or safe_run_name(args.run, "") != args.run:
        raise ValueError(f"--run takes a name of letters, digits, - and _ (up to 60), not {args.run!r}")
    if problem := unwritable(results_dir):
        raise ValueError(f"--run: the results folder {results_dir} cannot be written ({problem}); set --results-dir")
    return run_file(results_dir, args.run)


def _params(preset: str | None, params_json: str, results_dir: Path) -> GenerationParams:
    """The run's generation parameters: those --params names over the preset's (built in, or
    saved in the results folder), else over the defaults. ValueError (a pydantic
    ValidationError for --params) says what is wrong."""
    try:
        return over_preset(preset, GenerationParams.model_validate_json(params_json), results_dir)
    except KeyError:
        raise ValueError(f"--preset: {unknown_preset(preset, results_dir)}") from None


def run_batch(argv: list[str]) -> int:
    """Exit status: 0 every answer came back, 2 bad arguments or a refused resume, 3 some answers
    failed (run again to retry them), 4 under --min-pass-rate, 130 stopped with Ctrl-C."""
    args = build_batch_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    settings = settings_from_args(args)
    systems = tuple(s.strip().upper() for s in args.systems.split(",") if s.strip())
    if not systems or set(systems) - {"A", "B"}:
        print("--systems must be A, B or A,B", file=sys.stderr)
        return 2
    try:
        experiments = load_experiments(args.experiments)
    except (ExperimentFileError, OSError) as exc:
        print(f"Cannot use {args.experiments}: {exc}", file=sys.stderr)
        return 2
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        print(f"--concurrency must be 1 to {MAX_CONCURRENCY}", file=sys.stderr)
        return 2
    if args.limit < 0:
        print("--limit must be 0 (every experiment) or more", file=sys.stderr)
        return 2
    if args.min_pass_rate is not None and not 0 <= args.min_pass_rate <= 1:
        print(f"--min-pass-rate takes a share from 0 to 1 (0.95 for 95%), got {args.min_pass_rate:g}",
              file=sys.stderr)
        return 2
    if args.judge and args.run is None:
        print("--judge keeps the model's verdicts with a saved run: give --run NAME too", file=sys.stderr)
        return 2
    if args.judge_rules is not None and not args.judge:
        print("--judge-rules go with --judge A or --judge B", file=sys.stderr)
        return 2
    if len(args.judge_rules or "") > MAX_RULES_CHARS:
        print(f"--judge-rules: at most {MAX_RULES_CHARS} characters", file=sys.stderr)
        return 2
    try:
        group = parse_only(args.only)
    except ValueError as exc:
        print(f"--only takes {exc}, not {args.only!r}", file=sys.stderr)
        return 2
    experiments = experiments_of(experiments, group)
    if not experiments:
        print(f"--only: no experiment of {args.experiments} is in {args.only}", file=sys.stderr)
        return 2
    if args.limit > 0:
        experiments = experiments[: args.limit]
    if len(args.system_prompt or "") > MAX_SYSTEM_PROMPT_CHARS:
        print(f"--system-prompt: at most {MAX_SYSTEM_PROMPT_CHARS} characters", file=sys.stderr)
        return 2
    experiments = with_system_prompt(experiments, args.system_prompt)
    try:
        jsonl = _results_file(args, settings.results_dir)
        params = _params(args.preset, args.params, settings.results_dir)
        check_resumable(jsonl, params, experiments, args.system_b_adapter)
    except ValueError as exc:  # a pydantic ValidationError is one too
        problem = f"--params: {validation_problems(exc)}" if isinstance(exc, ValidationError) else exc
        print(problem, file=sys.stderr)
        return 2
    from workbench.services import build_services  # torch and the engines: only once the arguments hold

    services = build_services(settings)
    if args.system_b_adapter and args.system_b_adapter not in services.local.adapters:
        known = ", ".join(services.local.adapters) or "none: load one with --adapter NAME=PATH"
        print(f"--system-b-adapter: no adapter named {args.system_b_adapter!r} is loaded (loaded: {known})",
              file=sys.stderr)
        services.local.close()
        return 2
    if args.judge == "A" and (problem := services.remote.configuration_problem()):
        print(f"--judge A: {problem}", file=sys.stderr)
        services.local.close()
        return 2
    if "A" in systems and (problem := services.remote.configuration_problem()):
        print(f"Warning: {problem}. System A's answers will be errors, kept so that running the same "
              "command again with a key asks it again; --systems B runs System B alone.", file=sys.stderr)
    run = BatchRun(services.comparator(), experiments, jsonl, concurrency=args.concurrency,
                   systems=systems, params=params, adapter=args.system_b_adapter, read_back=args.read_back)
    bar, rescored = None, 0
    try:
        for prog in run.run():
            rescored = prog.rescored
            if bar is None:
                bar = tqdm(total=prog.total, initial=prog.done, unit="exp", desc="batch")
            else:
                bar.n = prog.done
                bar.refresh()
        if bar is not None:
            bar.close()
            bar = None
        records = latest_records(jsonl, {e.id for e in experiments})
        unjudged = (_judge(services, args.judge, args.run, records, args.concurrency, args.judge_rules)
                    if args.judge else 0)
    except KeyboardInterrupt:
        run.cancel.set()
        print("\nStopped: finished experiments (and verdicts) are kept; run the same command to resume.",
              file=sys.stderr)
        return 130
    finally:
        if bar is not None:
            bar.close()
        services.local.close()
    if rescored:
        print(f"{rescored} experiments finished earlier were scored again under their edited "
              "checks or reference answers (not asked again).")
    status = _report(args, systems, jsonl, records)
    if unjudged:
        print(f"{unjudged} experiments got no verdict from the judge model (said above): run the same command "
              "again to ask it again.", file=sys.stderr)
    return status or (3 if unjudged else 0)


def _judge(services: Services, which: str, run: str, records: list[dict], concurrency: int,
           rules: str | None) -> int:
    """Have System `which`'s model judge the saved run `run` (workbench.model_judge) under the
    house `rules`; print why an experiment got no verdict. Returns how many did not."""
    engine = services.remote if which == "A" else services.local
    path = model_verdicts_file(services.settings.results_dir)
    print(estimate_line(judge_estimate(engine, records, run, model_verdicts(path), rules), run).replace("**", ""),
          flush=True)
    cancel = threading.Event()
    bar, failed = None, 0
    try:
        for prog in judge_run(engine, records, run, path, concurrency, cancel, rules):
            if bar is None:
                bar = tqdm(total=prog.total, unit="exp", desc=f"judge ({judge_name(engine.model_id, rules)})")
            bar.n = prog.judged + prog.failed
            bar.refresh()
            if prog.error:
                tqdm.write(f"No verdict on {prog.error}", file=sys.stderr)
            failed = prog.failed
    except KeyboardInterrupt:
        cancel.set()
        raise
    finally:
        if bar is not None:
            bar.close()
    return failed


def _report(args: argparse.Namespace, systems: tuple[str, ...], jsonl: Path, records: list[dict]) -> int:
    """Write the CSV (when asked for), print what came back, and return the exit status."""
    model_lines, analysts, judged = [], None, None
    if args.run is not None:  # what judge models said of the saved run: in the CSV and the closing lines
        folder = jsonl.parent  # the results folder: a saved run's file is in it
        judged = model_verdicts(model_verdicts_file(folder), args.run)
        shown = model_columns(judged)
        records = [{**r, **shown.get(r["experiment_id"], {})} for r in records]
        analysts = latest_verdicts(verdicts_file(folder), args.run)
        model_lines = [*(f"Model verdicts ({model}): " + tally.replace("\n\n", "\n  ")
                         for model, tally in judge_tallies(judged, records, analysts).items()),
                       *(f"Judge models set against each other: {compared_line(pair)}"
                         for pair in judges_compared(judged))]
    rows, summary = flat_rows(records), summarize(records)
    written = [str(jsonl)]
    if args.out is not None and args.out.suffix.lower() == ".xlsx":
        write_run_workbook(rows, summary, args.out)
        written.insert(0, str(args.out))
    elif args.out is not None:
        write_csv(rows, args.out, bom=True)
        written.insert(0, str(args.out))
    if args.report is not None:
        text = run_report(args.run or jsonl.stem, records, analysts, judged)
        if args.report.suffix.lower() in (".html", ".htm"):
            text = report_page(text, args.run or jsonl.stem, records)
        args.report.write_text(text, encoding="utf-8")
        written.append(str(args.report))
    print(f"{len(records)} experiments, {len(rows)} rows -> {' and '.join(written)}")
    if args.run is not None:
        print(f"Saved as the batch run {args.run!r}: the app's Batch tab opens it (Open a saved run, or the "
              f"app's address followed by ?run={args.run}), and judging its answers happens there.")
    for label, figures in summary["systems"].items():
        if not figures["rows"]:
            continue
        answered = figures["rows"] - figures["errors"]
        line = f"System {label}: {answered} answered"
        if answered:
            line += (f", p50 latency {figures['latency_ms_p50']:.0f} ms, refusal rate "
                     f"{figures['refusal_rate']:.0%}")
        if figures["checked"]:
            line += (f", every check passed on {figures['passed_all_checks']} of {figures['checked']} "
                     f"checked ({figures['checks_pass_rate']:.0%})")
        if figures["cost_usd"] is not None:
            line += (f", cost {usd(figures['cost_usd'])} "
                     f"({usd(figures['cost_per_1000_usd'])} per 1,000 answers)")
        print(line + (f", {figures['errors']} failed" if figures["errors"] else ""))
    if routing := routing_line(summary["routing"]):
        print(f"Router against the expected route: {routing}")
    if split := refusal_split(records):
        print(f"Refusals, where A and B differ: {split}")
    if paired := paired_checks_line(records):
        print(f"Checks, A and B on the same experiments: {paired}")
    if figures_said := figures_line(records):
        print(f"The answers' figures: {figures_said.replace('`', '')}")
    if references_said := references_line(records):
        print(f"The rules and classes they cite by number: {references_said.replace('`', '')}")
    if risk_said := risk_line(records):
        print(f"The risk levels they give: {risk_said.replace('`', '')}")
    for title, unsure in unsure_lines(records):
        print(f"{title}: {unsure.replace('`', '')}")
    for line in model_lines:
        print(line)
    if args.by:
        print(breakdown_text(records, SLUGS[args.by], systems))
    failed = sum(len(still_to_run(rec, systems)) for rec in records)
    if failed:
        print(f"{failed} answers failed or were not asked: run the same command again to ask those "
              "systems again (finished answers are kept).", file=sys.stderr)
        return 3
    if args.min_pass_rate is not None and (short := below_pass_rate(summary, systems, args.min_pass_rate)):
        print(short, file=sys.stderr)
        return 4
    return 0


def breakdown_text(records: list[dict], by: str, systems: tuple[str, ...]) -> str:
    """The breakdown by `by` as a plain table for a terminal: a column per group, a line per
    figure of the systems that were asked."""
    left_out = {f" {key}" for key in SYSTEMS if key not in systems}
    columns = [c for c in breakdown_columns(by) if c[-2:] not in left_out]
    table = pd.DataFrame(percent_rows(breakdown(records, by)), columns=columns, dtype=object).set_index(by).T
    return f"\nBy {by}:\n" + table.where(table.notna(), "—").to_string()


def below_pass_rate(summary: dict, systems: tuple[str, ...], least: float) -> str | None:
    """What falls short of --min-pass-rate, or None when every system run meets it. A system
    with no checked answer falls short: a gate that checked nothing must not pass."""
    short = []
    for label in systems:
        figures = summary["systems"][label]
        if not figures["checked"]:
            short.append(f"System {label} had no answer checked (do the experiments have `expect`?)")
        elif figures["checks_pass_rate"] < least:
            short.append(f"System {label} passed every check on {figures['passed_all_checks']} of "
                         f"{figures['checked']} checked answers ({figures['checks_pass_rate']:.1%})")
    return f"Under --min-pass-rate {least:.0%}: " + "; ".join(short) + "." if short else None
