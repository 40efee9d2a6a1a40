"""The saved runs listed, and one question looked up in every one of them (a batch row's *This
question in the saved runs*), for a results folder of N runs of the bundled experiment set with
answers of a real model's length: the time to list them (each file indexed: workbench.run_index),
a question's first and next lookups, and the memory the index holds against what holding every
run's records would. Prints a JSON line and a table.

    python bench/experiment_lookup.py --runs 60
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from common import emit

from engines.base import GenerationParams, StreamStats
from workbench.batch_store import latest_records, run_file, saved_runs
from workbench.compare import SystemRun, record
from workbench.experiment_runs import experiment_runs
from workbench.experiments import bundled
from workbench.run_index import record_index

WORDS = ("the", "ratio", "is", "15 %", "le", "taux", "de", "rendement", "atteint", "8,2 %", "sur", "2026", "avec",
         "1,200,000", "EUR", "of", "margin", "and", "the", "bond's", "duration", "falls", "as", "rates", "rise")


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def write_runs(folder: Path, runs: int, answer_words: int, reasoning_words: int) -> int:
    """`runs` saved runs of the bundled set, each answer and reasoning of the given lengths;
    returns the bytes written."""
    rng = random.Random(7)
    experiments = bundled()
    for n in range(runs):
        lines = []
        for exp in experiments:
            answers = {key: SystemRun(f"System {key}", response=_text(rng, answer_words),
                                      reasoning=_text(rng, reasoning_words), done=True,
                                      stats=StreamStats(model_id=key, finish_reason="stop", ttft_s=0.1, total_s=2.0,
                                                        content_tokens=answer_words))
                       for key in ("A", "B")}
            lines.append(json.dumps(record(exp, answers, params=GenerationParams())) + "\n")
        run_file(folder, f"run-{n:03d}").write_text("".join(lines), encoding="utf-8")
    return sum(path.stat().st_size for path in folder.glob("batch-*.jsonl"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--answer-words", type=int, default=150)
    parser.add_argument("--reasoning-words", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = write_runs(folder, args.runs, args.answer_words, args.reasoning_words)
        started = time.perf_counter()
        listed = saved_runs(folder)  # as the Batch tab lists them: each file indexed
        listing = time.perf_counter() - started
        records = latest_records(run_file(folder, "run-000"))
        started = time.perf_counter()
        rows = experiment_runs(folder, records[0])
        first = time.perf_counter() - started
        started = time.perf_counter()
        experiment_runs(folder, records[1])
        after = time.perf_counter() - started
        # memory (tracemalloc slows what it watches: not timed): the index, against every record
        record_index.cache_clear()
        index_held = _held(lambda: saved_runs(folder))
        records_held = _held(lambda: [latest_records(path) for path in folder.glob("batch-*.jsonl")])
    assert len(listed) == args.runs and len(rows) == args.runs
    figures = {"runs": args.runs, "folder_mb": round(size / 1e6, 1), "listing_s": round(listing, 3),
               "first_lookup_s": round(first, 3), "next_lookup_s": round(after, 3),
               "index_held_mb": round(index_held / 1e6, 1), "records_held_mb": round(records_held / 1e6, 1),
               "records_to_index": round(records_held / index_held, 1)}
    emit("experiment_lookup", figures, [
        ["runs", "folder MB", "listing s", "first lookup s", "next lookup s", "index held MB",
         "every record held MB"],
        [args.runs, figures["folder_mb"], figures["listing_s"], figures["first_lookup_s"], figures["next_lookup_s"],
         figures["index_held_mb"], f"{figures['records_held_mb']} ({figures['records_to_index']}x)"]])


def _held(make: Callable[[], object]) -> int:
    """The bytes what `make` returns (and the caches it fills) hold once made."""
    tracemalloc.start()
    kept = make()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    return held


if __name__ == "__main__":
    main()
