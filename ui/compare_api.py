"""Compare's named API endpoints (`/compare` and `/batch`, called with gradio_client), and a batch
started and run in the UI's terms: a run that cannot resume, or a results file that cannot be
written, ends in an error the page shows, what was written before kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from ui.compare_single import ad_hoc_experiment
from ui.params import params_from_json
from workbench.batch_run import BatchProgress, BatchResumeError, BatchRun
from workbench.batch_store import latest_records, run_file, safe_run_name
from workbench.compare import MAX_CONCURRENCY
from workbench.experiments import (
    ExperimentFileError,
    bundled,
    load_experiments,
    system_prompt_problem,
    with_system_prompt,
)
from workbench.services import Services
from workbench.summary import summarize


def start_batch(*args: Any, **kwargs: Any) -> BatchRun:
    """A BatchRun, or a clear error before anything runs when resuming would put another run's
    answers in its table (other parameters, or other questions under the same ids)."""
    try:
        return BatchRun(*args, **kwargs)
    except BatchResumeError as exc:
        raise gr.Error(str(exc)) from None


def unwritten_stops(run: BatchRun, out_path: Path) -> Iterator[BatchProgress]:
    """The batch's progress; a results file that cannot be written (a folder the app may not
    write, a full disk) stops it with an error saying so, the answers written before kept."""
    try:
        yield from run.run()
    except OSError as exc:
        raise gr.Error(f"The batch stopped: its results file {out_path} cannot be written ({exc.strerror or exc}). "
                       "What it wrote before is kept; running it again under this name resumes it.") from None


def api_compare(services: Services):
    comparator = services.comparator()

    def compare(query: str, transaction_json: str = "", run_system_a: bool = True,
                run_system_b: bool = True, params_json: str = "{}", expect_json: str = "",
                adapter: str = "", system_prompt: str = "") -> dict[str, Any]:
        """Compare one query on both systems (`params_json`: generation parameters for both, as
        for /chat; `expect_json`: checks on the answers, as an experiment's `expect`; `adapter`:
        the LoRA adapter System B's model answers with, empty for none; `system_prompt`: the
        instructions both are given, empty for none); returns the same record as POST /api/compare."""
        exp = ad_hoc_experiment(query, transaction_json, run_system_a, run_system_b, expect_json, system_prompt)
        return comparator.run(exp, run_system_a, run_system_b, params=params_from_json(params_json),
                              adapter=adapter.strip() or None)
    return compare


def api_batch(services: Services):
    comparator = services.comparator()
    settings = services.settings

    def batch(experiments_jsonl: str = "", systems: str = "A,B", concurrency: int = 4,
              limit: int = 0, run_name: str = "api", params_json: str = "{}",
              adapter: str = "", system_prompt: str = "") -> Iterator[dict[str, Any]]:
        """Run a batch (JSONL text, or empty for the bundled set; `params_json`, `adapter` and
        `system_prompt` — given to the experiments without their own — as for /compare); streams
        progress, ends with a summary."""
        params = params_from_json(params_json)
        try:
            exps = load_experiments(experiments_jsonl, name="api.jsonl") if experiments_jsonl.strip() \
                else bundled()
        except ExperimentFileError as exc:
            raise gr.Error(str(exc)) from None
        chosen = tuple(s.strip().upper() for s in systems.split(",") if s.strip())
        if not chosen or set(chosen) - {"A", "B"}:
            raise gr.Error("systems must be A, B or A,B")
        if limit and limit > 0:
            exps = exps[:limit]
        if problem := system_prompt_problem(system_prompt):
            raise gr.Error(problem)
        exps = with_system_prompt(exps, system_prompt)
        safe_name = safe_run_name(run_name, "api")
        out_path = run_file(settings.results_dir, safe_name)
        run = start_batch(comparator, exps, out_path, concurrency=max(1, min(MAX_CONCURRENCY, int(concurrency))),
                          systems=chosen, params=params, adapter=adapter.strip() or None)
        for prog in unwritten_stops(run, out_path):
            if prog.finished or prog.stopped:
                records = latest_records(out_path, {e.id for e in exps})
                yield {"done": prog.done, "total": prog.total, "finished": True,
                       "skipped": prog.skipped, "retried": prog.retried,
                       "results_file": out_path.name, "summary": summarize(records)}
            else:
                yield {"done": prog.done, "total": prog.total, "finished": False}
    return batch
