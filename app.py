"""Finance LLM Workbench — command-line entry.

    python app.py                 start the web app (see --help for every flag)
    python app.py batch --help    headless batch comparison (added by the Compare tab)
    python app.py sweep --help    headless token-budget sweep (the FR/EN tab's)

Wiring only: parse settings, build the engines once, build the UI, launch.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent
CSS = (ROOT / "assets" / "style.css").read_text(encoding="utf-8")
SHORTCUTS_JS = (ROOT / "assets" / "shortcuts.js").read_text(encoding="utf-8")  # judging keys, run on load


class StartupRefused(SystemExit):
    """A configuration that would be unsafe to serve."""


def build_parser() -> argparse.ArgumentParser:
    from workbench.settings import add_arguments, add_server_arguments

    parser = argparse.ArgumentParser(
        prog="app.py", description="Finance LLM Workbench: compare a remote MoE model (System A) "
        "with a router plus a local finance model (System B).",
        epilog="Secrets come from the environment only: the System A key from the variable named "
               "by --system-a-key-env, basic auth as user:password in WORKBENCH_AUTH.")
    add_arguments(parser)
    add_server_arguments(parser)
    return parser


def build_batch_parser() -> argparse.ArgumentParser:
    from workbench.settings import add_arguments

    parser = argparse.ArgumentParser(
        prog="app.py batch", description="Run a batch comparison headless: System A vs System B on "
        "every experiment, results appended to a JSONL file as each finishes (a rerun resumes), "
        "then written as CSV.")
    parser.add_argument("--experiments", type=Path, default=ROOT / "assets" / "experiments.jsonl",
                        help="experiments file (.jsonl or .csv); default: the bundled set")
    parser.add_argument("--out", type=Path, required=True, help="CSV to write (JSONL beside it)")
    parser.add_argument("--systems", default="A,B", help="A, B or A,B (default)")
    parser.add_argument("--concurrency", type=int, default=4, help="experiments at once, 1 to 16 (default 4)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N experiments")
    parser.add_argument("--min-pass-rate", type=float, default=None, metavar="SHARE",
                        help="exit with status 4 when a system passed every check of its "
                        "experiments (their `expect`) on fewer than this share of its checked "
                        "answers, 0 to 1 (e.g. 0.95): a gate for a nightly job")
    parser.add_argument("--params", default="{}", metavar="JSON",
                        help='generation parameters for both systems, e.g. \'{"max_new_tokens": 256, '
                        '"enable_thinking": false}\' (default: the app\'s defaults)')
    add_arguments(parser)
    return parser


def run_batch(argv: list[str]) -> int:
    from pydantic import ValidationError
    from tqdm import tqdm

    from engines.base import GenerationParams, validation_problems
    from engines.cost import usd
    from workbench.compare import (
        MAX_CONCURRENCY,
        BatchResumeError,
        BatchRun,
        check_resumable,
        latest_records,
        still_to_run,
    )
    from workbench.experiments import ExperimentFileError, load_experiments
    from workbench.export import write_csv
    from workbench.services import build_services
    from workbench.settings import settings_from_args
    from workbench.summary import flat_rows, routing_line, summarize

    args = build_batch_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
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
    if args.limit > 0:
        experiments = experiments[: args.limit]
    jsonl = args.out.with_suffix(".jsonl")
    try:
        params = GenerationParams.model_validate_json(args.params)
        check_resumable(jsonl, params, experiments)
    except ValidationError as exc:
        print(f"--params: {validation_problems(exc)}", file=sys.stderr)
        return 2
    except BatchResumeError as exc:
        print(exc, file=sys.stderr)
        return 2
    services = build_services(settings_from_args(args))
    if "A" in systems and (problem := services.remote.configuration_problem()):
        print(f"Warning: {problem}. System A's answers will be errors, kept so that running the same "
              "command again with a key asks it again; --systems B runs System B alone.", file=sys.stderr)
    run = BatchRun(services.comparator(), experiments, jsonl, concurrency=args.concurrency,
                   systems=systems, params=params)
    bar, rescored = None, 0
    try:
        for prog in run.run():
            rescored = prog.rescored
            if bar is None:
                bar = tqdm(total=prog.total, initial=prog.done, unit="exp", desc="batch")
            else:
                bar.n = prog.done
                bar.refresh()
    except KeyboardInterrupt:
        run.cancel.set()
        print("\nStopped: finished experiments are kept; run the same command to resume.",
              file=sys.stderr)
        return 130
    finally:
        if bar is not None:
            bar.close()
        services.local.close()
    if rescored:
        print(f"{rescored} experiments finished earlier were scored again under their edited "
              "checks (not asked again).")
    records = latest_records(jsonl, {e.id for e in experiments})
    rows = flat_rows(records)
    write_csv(rows, args.out, bom=True)
    summary = summarize(records)
    print(f"{len(records)} experiments, {len(rows)} rows -> {args.out} (and {jsonl})")
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
    failed = sum(len(still_to_run(rec, systems)) for rec in records)
    if failed:
        print(f"{failed} answers failed or were not asked: run the same command again to ask those "
              "systems again (finished answers are kept).", file=sys.stderr)
        return 3
    if args.min_pass_rate is not None and (short := below_pass_rate(summary, systems, args.min_pass_rate)):
        print(short, file=sys.stderr)
        return 4
    return 0


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


def check_exposure(settings) -> None:
    """Refuse a public share link without a password unless explicitly forced."""
    if settings.share and settings.auth() is None and not settings.allow_public_share:
        raise StartupRefused(
            "Refusing to start: --share makes a public link that anyone can use (and spend "
            "System A's credit through). Set WORKBENCH_AUTH=user:password, or pass "
            "--allow-public-share if you really want an open link.")


def remember_missing_modules(*names: str) -> None:
    """Make `import name` fail at once when the package is not installed.

    Gradio wraps every event in a helper that tries `import matplotlib`; without matplotlib each
    attempt searches the whole import path again (Python caches only successful imports): about
    a millisecond per streamed update, 5% of a core under load. A None entry in sys.modules is
    Python's own way of saying "not available"; an installed package is left alone.
    """
    import importlib.util

    for name in names:
        if name not in sys.modules and importlib.util.find_spec(name) is None:
            sys.modules[name] = None  # type: ignore[assignment]


QUEUE_IDLE_POLL_S = 0.01


def calm_queue(demo) -> bool:
    """Gradio's queue loop looks for new events every millisecond while it has none to start
    (`sleep_when_free`, an internal setting): on this 2-core machine that kept an idle app at
    about 7% of a core and woke the process a thousand times a second, competing with System B's
    decode loop for the interpreter lock. Every 10 ms costs a request at most 10 ms more before it
    starts. Returns False, changing nothing, where a Gradio release no longer has the setting."""
    queue = getattr(demo, "_queue", None)
    if queue is None or not isinstance(getattr(queue, "sleep_when_free", None), float):
        return False
    queue.sleep_when_free = max(queue.sleep_when_free, QUEUE_IDLE_POLL_S)
    return True


def launch(settings, services=None):
    """Build and start the app without blocking. Returns (demo, local_url, share_url, services)."""
    import gradio as gr

    remember_missing_modules("matplotlib")

    from ui.app import build_app
    from workbench.rest import rest_routes
    from workbench.services import build_services

    check_exposure(settings)
    services = services or build_services(settings)
    demo = build_app(services)
    demo.queue(default_concurrency_limit=settings.concurrency, max_size=settings.queue_size)
    calm_queue(demo)
    auth = settings.auth()
    _, local_url, share_url = demo.launch(
        server_name=settings.host, server_port=settings.port, share=settings.share,
        auth=auth, app_kwargs={"routes": rest_routes(services, auth)}, prevent_thread_lock=True,
        css=CSS, js=SHORTCUTS_JS, theme=gr.themes.Soft(), max_file_size=f"{settings.max_file_mb}mb",
        run_history=False, show_error=True, footer_links=["api", "settings"], quiet=True)
    return demo, local_url, share_url, services


def serve(settings) -> None:
    demo, local_url, share_url, services = launch(settings)
    print(f"Finance LLM Workbench running at {local_url}", flush=True)
    if share_url:
        print(f"Public share link: {share_url}", flush=True)
    for notice in services.notices:
        print(f"Notice: {notice}", flush=True)
    try:
        demo.block_thread()
    finally:
        services.local.close()


def main(argv: list[str] | None = None) -> None:
    from workbench.settings import settings_from_args

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["batch"]:
        raise SystemExit(run_batch(argv[1:]))
    if argv[:1] == ["sweep"]:
        from workbench.sweep_command import run_sweep

        raise SystemExit(run_sweep(argv[1:]))
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serve(settings_from_args(args))


if __name__ == "__main__":
    main()
