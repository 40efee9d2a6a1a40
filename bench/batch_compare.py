"""Batch comparison throughput: 150 experiments at concurrency 1 vs 8 (System B on the demo model).

    python bench/batch_compare.py [--limit 150] [--levels 1,8]

System A is left out (it would measure a remote provider, not this app); System B runs the
router and the local model on every experiment of the bundled set.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import DEMO, emit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(DEMO))
    parser.add_argument("--limit", type=int, default=150)
    parser.add_argument("--levels", default="1,8")
    parser.add_argument("--max-new-tokens", type=int, default=256)
    parser.add_argument("--batching", choices=["continuous", "generate"], default="continuous")
    parser.add_argument("--cpu-threads", type=int, default=0,
                        help="System B's CPU threads, as the app's --cpu-threads (0 = every core)")
    args = parser.parse_args()

    from engines.base import GenerationParams
    from engines.local import LocalEngine, LocalModelConfig
    from engines.providers import RemoteConfig
    from engines.remote import RemoteEngine
    from engines.systems import RoutedEngine
    from workbench.batch_run import BatchRun
    from workbench.compare import Comparator
    from workbench.experiments import bundled

    engine = LocalEngine(LocalModelConfig(model=args.model, batching=args.batching, cpu_threads=args.cpu_threads))
    comparator = Comparator(RemoteEngine(RemoteConfig(provider="custom", model="unused")), RoutedEngine(engine),
                            params=GenerationParams(temperature=0, max_new_tokens=args.max_new_tokens))
    exps = bundled()[: args.limit]
    results = []
    for level in (int(x) for x in args.levels.split(",")):
        out = Path(tempfile.mkdtemp(prefix="bench-")) / "run.jsonl"
        started = time.perf_counter()
        progress = list(BatchRun(comparator, exps, out, concurrency=level, systems=("B",)).run())
        assert progress[-1].finished and progress[-1].done == len(exps)
        results.append((level, time.perf_counter() - started))
    base = results[0][1]
    emit("batch_compare", {"experiments": len(exps), "batching": args.batching,
                           "cpu_threads": engine.health()["cpu_threads"],
                           "seconds": {str(lv): round(s, 2) for lv, s in results},
                           "speedup": {str(lv): round(base / s, 2) for lv, s in results},
                           "target": "concurrency 8 >= 4x faster than 1"},
         [["concurrency", "wall (s)", "experiments/s", "x concurrency 1"],
          *[[lv, f"{s:.1f}", f"{len(exps) / s:.2f}", f"{base / s:.2f}"] for lv, s in results]])
    engine.close()


if __name__ == "__main__":
    main()
