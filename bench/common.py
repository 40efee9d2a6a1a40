"""Shared helpers for the benchmarks: machine description, percentiles, output."""

from __future__ import annotations

import json
import os
import platform
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
DEMO = ROOT / "assets" / "demo-model"


def machine() -> str:
    try:
        import torch

        gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    except ImportError:
        gpu = None
    # The model's own threads are a figure of each benchmark ("cpu_threads"): the engine's worker
    # sets them, not this process's main thread.
    return (f"{platform.machine()} {os.cpu_count()} cores"
            + (f", {gpu}" if gpu else ", no GPU"))


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def emit(name: str, figures: dict, table: list[list]) -> None:
    """One JSON line (machine-readable), then a human table."""
    print(json.dumps({"bench": name, "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
                      "machine": machine(), **figures}))
    widths = [max(len(str(row[i])) for row in table) for i in range(len(table[0]))]
    for n, row in enumerate(table):
        print("  ".join(str(cell).rjust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def run_together(n: int, task: Callable[[int], object]) -> tuple[list, float]:
    """Run task(0) … task(n-1) on n threads released at the same moment: (results, wall seconds)."""
    results: list = [None] * n
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = task(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - started
