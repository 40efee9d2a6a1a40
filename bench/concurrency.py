"""Concurrency scaling of the local engine: 1, 2, 4, 8 concurrent streams.

    python bench/concurrency.py [--tokens 128] [--levels 1,2,4,8] [--repeats 3] [--max-batch-size 8]

Aggregate tokens/s, p50/p95 TTFT and tokens/s per stream. The levels run in turn `repeats`
times and each level's best run counts, so that a burst of noise on a shared machine does not
decide a ratio. --max-batch-size 1 measures the plain one-at-a-time path for comparison.
"""

from __future__ import annotations

import argparse

from common import DEMO, emit, pct, run_together

QUESTIONS = ["What is an ETF?", "Qu'est-ce que la duration ?", "What is inflation?",
             "Qu'est-ce qu'un dividende ?", "What is liquidity?", "Qu'est-ce que l'EBITDA ?",
             "What is diversification?", "Qu'est-ce que la valeur en risque ?"]


def run_level(engine, n: int, tokens: int) -> dict:
    from engines.base import ChatRequest, GenerationParams, collect

    params = GenerationParams(temperature=0, max_new_tokens=tokens, min_new_tokens=tokens)
    results, wall = run_together(n, lambda i: collect(engine.stream(
        ChatRequest.single(QUESTIONS[i % len(QUESTIONS)], params=params))))
    total = sum(r.stats.output_tokens for r in results)
    ttfts = [r.stats.ttft_s for r in results]
    return {"streams": n, "aggregate_tok_s": total / wall, "ttft_p50_s": pct(ttfts, 50),
            "ttft_p95_s": pct(ttfts, 95),
            "per_stream_tok_s": sum(r.stats.tokens_per_s or 0 for r in results) / n}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(DEMO))
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--levels", default="1,2,4,8")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-batch-size", type=int, default=8)
    parser.add_argument("--batching", choices=["continuous", "generate"], default="continuous")
    parser.add_argument("--cpu-threads", type=int, default=0,
                        help="System B's CPU threads, as the app's --cpu-threads (0 = every core)")
    args = parser.parse_args()

    from engines.local import LocalEngine, LocalModelConfig

    engine = LocalEngine(LocalModelConfig(model=args.model, max_batch_size=args.max_batch_size,
                                                  batching=args.batching, cpu_threads=args.cpu_threads))
    levels = [int(x) for x in args.levels.split(",")]
    run_level(engine, 1, 16)  # warm-up
    best: dict[int, dict] = {}
    for _ in range(args.repeats):
        for n in levels:
            row = run_level(engine, n, args.tokens)
            if n not in best or row["aggregate_tok_s"] > best[n]["aggregate_tok_s"]:
                best[n] = row
    rows = [best[n] for n in levels]
    base = rows[0]["aggregate_tok_s"]
    figures = {"tokens": args.tokens, "max_batch_size": args.max_batch_size, "batching": args.batching,
               "repeats": args.repeats, "cpu_threads": engine.health()["cpu_threads"],
               "levels": [{k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()} for r in rows],
               "speedup": {str(r["streams"]): round(r["aggregate_tok_s"] / base, 2) for r in rows},
               "targets": "4 streams >= 3.0x, 8 streams >= 5x (CPU, demo model)"}
    table = [["streams", "aggregate tok/s", "x single", "TTFT p50 (s)", "TTFT p95 (s)", "tok/s per stream"]]
    for r in rows:
        table.append([r["streams"], f"{r['aggregate_tok_s']:.0f}", f"{r['aggregate_tok_s'] / base:.2f}",
                      f"{r['ttft_p50_s']:.3f}", f"{r['ttft_p95_s']:.3f}", f"{r['per_stream_tok_s']:.0f}"])
    emit("concurrency", figures, table)
    engine.close()


if __name__ == "__main__":
    main()
