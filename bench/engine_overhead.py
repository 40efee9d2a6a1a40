"""Engine overhead: the local engine's stream vs a bare model.generate of the same tokens.

    python bench/engine_overhead.py [--tokens 256] [--runs 5]
"""

from __future__ import annotations

import argparse
import time

import torch
from common import DEMO, emit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(DEMO))
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batching", choices=["continuous", "generate"], default="continuous")
    args = parser.parse_args()

    from engines.base import ChatRequest, GenerationParams, collect
    from engines.local import LocalEngine, LocalModelConfig

    engine = LocalEngine(LocalModelConfig(model=args.model, max_batch_size=1, batching=args.batching))
    params = GenerationParams(temperature=0, max_new_tokens=args.tokens, min_new_tokens=args.tokens)
    request = ChatRequest.single("What is an ETF?", params=params)
    ids = engine.tokenizer(engine.render_prompt(request), return_tensors="pt", add_special_tokens=False)
    model = engine.scheduler.model
    kwargs = {"max_new_tokens": args.tokens, "min_new_tokens": args.tokens, "do_sample": False,
              "pad_token_id": engine.pad_id}
    if engine.adapters:
        kwargs["adapter_names"] = ["__base__"]
    threads = engine.health()["cpu_threads"]
    if threads:  # the bare loop computes on as many threads as the engine's worker
        torch.set_num_threads(threads)

    def bare() -> float:
        started = time.perf_counter()
        with torch.inference_mode():
            out = model.generate(**ids.to(engine.device), **kwargs)
        assert out.shape[1] - ids["input_ids"].shape[1] == args.tokens
        return time.perf_counter() - started

    def streamed() -> float:
        started = time.perf_counter()
        result = collect(engine.stream(request))
        assert result.stats.output_tokens == args.tokens, result.stats
        return time.perf_counter() - started

    bare(), streamed()  # warm-up
    bare_times, engine_times = [], []
    for _ in range(args.runs):  # interleaved, so machine noise hits both alike
        bare_times.append(bare())
        engine_times.append(streamed())
    b, e = min(bare_times), min(engine_times)
    overhead = e / b - 1
    emit("engine_overhead", {"tokens": args.tokens, "batching": args.batching,
                             "cpu_threads": threads, "bare_s": round(b, 4), "engine_s": round(e, 4),
                             "overhead": round(overhead, 4), "target": "<= 0.10"},
         [["path", "best of runs (s)", "tokens/s"],
          ["bare model.generate", f"{b:.3f}", f"{args.tokens / b:.0f}"],
          ["LocalEngine.stream", f"{e:.3f}", f"{args.tokens / e:.0f}"],
          ["overhead", f"{overhead:+.1%}", ""]])
    engine.close()


if __name__ == "__main__":
    main()
