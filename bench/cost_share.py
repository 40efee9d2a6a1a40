"""What System B's answers cost alone and batched: the compute-time shares behind `cost_usd`.

    python bench/cost_share.py [--streams 8] [--tokens 128] [--hourly 0.80] [--batching continuous]

The same questions one at a time, then all at once. Per request the engine counts each forward
pass's time divided among the rows that shared it (`compute_s`); an answer's cost is that share
at the hourly rate. Checks that the shares of requests run together add up to no more than the
wall time (nothing is counted twice), and prints the cost per answer both ways: batching should
make answers cheaper by about its throughput gain.
"""

from __future__ import annotations

import argparse

from common import DEMO, emit, run_together

QUESTIONS = ["What is an ETF?", "Qu'est-ce que la duration ?", "What is a dividend?", "What is inflation?",
             "Qu'est-ce qu'un dividende ?", "What is liquidity?", "What is a bond?", "Qu'est-ce que l'inflation ?"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(DEMO))
    parser.add_argument("--streams", type=int, default=8)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--hourly", type=float, default=0.80, help="US dollars an hour")
    parser.add_argument("--batching", choices=["continuous", "generate"], default="continuous")
    args = parser.parse_args()

    from engines.base import ChatRequest, GenerationParams, collect
    from engines.local import LocalEngine, LocalModelConfig

    engine = LocalEngine(LocalModelConfig(model=args.model, batching=args.batching, hourly_usd=args.hourly,
                                          max_batch_size=max(args.streams, 1)))
    params = GenerationParams(temperature=0, max_new_tokens=args.tokens, min_new_tokens=args.tokens)
    questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(args.streams)]

    def ask(i: int):
        return collect(engine.stream(ChatRequest.single(questions[i], params=params))).stats

    ask(0)  # warm-up
    alone = [ask(i) for i in range(args.streams)]
    together, wall = run_together(args.streams, ask)
    shares_alone = sum(s.extras["compute_s"] for s in alone)
    shares_together = sum(s.extras["compute_s"] for s in together)
    cost_alone = sum(s.extras["cost_usd"] for s in alone) / args.streams
    cost_together = sum(s.extras["cost_usd"] for s in together) / args.streams
    emit("cost_share", {
        "streams": args.streams, "tokens": args.tokens, "hourly_usd": args.hourly, "batching": args.batching,
        "alone_compute_s": round(shares_alone, 3), "alone_total_s": round(sum(s.total_s for s in alone), 3),
        "together_compute_s": round(shares_together, 3), "together_wall_s": round(wall, 3),
        "shares_over_wall": round(shares_together / wall, 3),
        "cost_per_answer_alone_usd": round(cost_alone, 8), "cost_per_answer_together_usd": round(cost_together, 8),
        "cheaper_together": round(cost_alone / cost_together, 2)},
        [["run", "compute shares (s)", "time (s)", "cost per answer"],
         ["one at a time", f"{shares_alone:.2f}", f"{sum(s.total_s for s in alone):.2f} (sum of answers)",
          f"${cost_alone:.6f}"],
         [f"{args.streams} together", f"{shares_together:.2f}", f"{wall:.2f} (wall)", f"${cost_together:.6f}"],
         ["ratio", "", f"shares/wall {shares_together / wall:.0%}", f"{cost_alone / cost_together:.2f}x cheaper"]])
    engine.close()


if __name__ == "__main__":
    main()
