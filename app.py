"""Finance LLM Workbench — command-line entry.

    python app.py                       start the web app (see --help for every flag)
    python app.py batch --help          headless batch comparison (the Compare tab's Batch)
    python app.py sweep --help          headless token-budget sweep (the FR/EN tab's)
    python app.py inspect --help        headless FR/EN inspection, with gates for a nightly job
    python app.py leaderboard --help    the models rated from every verdict kept (the Batch tab's)
    python app.py against --help        one saved run set against another (the Batch tab's)

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
# run on load: the judging keys, a notice when another tab changes what the browser keeps, mends
# to Gradio's markup for screen readers and keyboards, and copy buttons that copy a model's text as written
PAGE_JS = "() => {\n" + "".join(f"({(ROOT / 'assets' / name).read_text(encoding='utf-8').strip()})();\n"
                                 for name in ("shortcuts.js", "other_tab.js", "accessible.js", "copy_text.js")) + "}"


class StartupRefused(SystemExit):
    """A configuration that would be unsafe to serve."""


def build_parser() -> argparse.ArgumentParser:
    from workbench.settings import add_arguments, add_server_arguments

    parser = argparse.ArgumentParser(
        prog="app.py", description="Finance LLM Workbench: compare a remote MoE model (System A) "
        "with a router plus a local finance model (System B).",
        epilog="Secrets come from the environment only: the System A key from the variable named "
               "by --system-a-key-env, basic auth as user:password in WORKBENCH_AUTH. Headless work: "
               "'python app.py batch --help' (a batch comparison), 'python app.py sweep --help' (the "
               "token-budget sweep), 'python app.py inspect --help' (the FR/EN inspection), 'python app.py "
               "leaderboard --help' (the models rated from every verdict), 'python app.py against --help' "
               "(one saved run set against another).")
    add_arguments(parser)
    add_server_arguments(parser)
    return parser


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
    remember_missing_modules("matplotlib")

    from starlette.middleware import Middleware

    from ui.app import build_app
    from ui.theme import workbench_theme
    from workbench.compression import PageCompression
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
        auth=auth, prevent_thread_lock=True,
        app_kwargs={"routes": rest_routes(services, auth), "middleware": [Middleware(PageCompression)]},
        css=CSS, js=PAGE_JS, theme=workbench_theme(), max_file_size=f"{settings.max_file_mb}mb",
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
        from workbench.batch_command import run_batch

        raise SystemExit(run_batch(argv[1:]))
    if argv[:1] == ["sweep"]:
        from workbench.sweep_command import run_sweep

        raise SystemExit(run_sweep(argv[1:]))
    if argv[:1] == ["inspect"]:
        from workbench.inspect_command import run_inspect

        raise SystemExit(run_inspect(argv[1:]))
    if argv[:1] == ["leaderboard"]:
        from workbench.leaderboard_command import run_leaderboard

        raise SystemExit(run_leaderboard(argv[1:]))
    if argv[:1] == ["against"]:
        from workbench.against_command import run_against

        raise SystemExit(run_against(argv[1:]))
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serve(settings_from_args(args))


if __name__ == "__main__":
    main()
