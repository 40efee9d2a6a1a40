"""End to end through the running app: N gradio_client users streaming from the /chat endpoint.

    python bench/app_e2e.py [--users 4] [--tokens 256] [--rounds 3] [--repeats 3]

Each user asks `rounds` questions back to back; the engine's own aggregate tokens/s is measured
the same way (N threads, `rounds` requests each) in the same run, and the ratio compared. The two
measurements alternate `repeats` times and the best of each counts, so that a burst of noise
on a shared machine does not decide the ratio.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import DEMO, emit, run_together
from concurrency import QUESTIONS


def _params(tokens: int) -> dict:
    return {"temperature": 0, "max_new_tokens": tokens, "min_new_tokens": tokens}


def clients(url: str, users: int, tokens: int, rounds: int) -> None:
    """Client side, in its own process as real users are: prints {"tokens", "wall"}."""
    from gradio_client import Client

    params = json.dumps(_params(tokens))
    pool = [Client(url, verbose=False) for _ in range(users)]

    def user(i: int) -> int:
        total = 0
        for r in range(rounds):
            out = pool[i].predict(QUESTIONS[(i + r) % len(QUESTIONS)], "System B · local model", "", params, "",
                                  api_name="/chat")
            total += out["stats"]["reasoning_tokens"] + out["stats"]["content_tokens"]
        return total

    results, wall = run_together(users, user)
    print(json.dumps({"tokens": sum(results), "wall": wall}))


def engine_rate(engine, users: int, tokens: int, rounds: int) -> float:
    from engines.base import ChatRequest, GenerationParams, collect

    params = GenerationParams(**_params(tokens))

    def user(i: int) -> int:
        return sum(collect(engine.stream(ChatRequest.single(QUESTIONS[(i + r) % len(QUESTIONS)], params=params)))
                   .stats.output_tokens for r in range(rounds))

    results, wall = run_together(users, user)
    return sum(results) / wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--torch-threads", type=int, default=0,
                        help="limit the model's CPU threads (0 = torch's default), leaving cores to the web layer")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        clients(args.client, args.users, args.tokens, args.rounds)
        return

    import torch

    import app as app_module
    from tests.serve import free_port
    from workbench.settings import Settings

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    settings = Settings(model=str(DEMO), port=free_port(), results_dir=Path(tempfile.mkdtemp()))
    demo, url, _, services = app_module.launch(settings)
    try:
        engine_rate(services.local, 1, 16, 1)  # warm-up
        direct_runs, app_runs = [], []
        for _ in range(args.repeats):  # interleaved: machine noise hits both alike
            direct_runs.append(engine_rate(services.local, args.users, args.tokens, args.rounds))
            proc = subprocess.run([sys.executable, __file__, "--client", url, "--users", str(args.users),
                                   "--tokens", str(args.tokens), "--rounds", str(args.rounds)],
                                  capture_output=True, text=True, timeout=1200)
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            app_runs.append(result["tokens"] / result["wall"])
        direct, through_app = max(direct_runs), max(app_runs)
    finally:
        demo.close()
        services.local.close()
    ratio = through_app / direct
    emit("app_e2e", {"users": args.users, "tokens_each": args.tokens, "rounds": args.rounds,
                     "torch_threads": torch.get_num_threads(),
                     "engine_runs_tok_s": [round(r, 1) for r in direct_runs],
                     "app_runs_tok_s": [round(r, 1) for r in app_runs],
                     "engine_tok_s": round(direct, 1), "app_tok_s": round(through_app, 1),
                     "ratio": round(ratio, 3), "target": ">= 0.90"},
         [["path", f"best aggregate tok/s, {args.users} users x {args.rounds} requests of {args.tokens} tokens"],
          ["engine directly", f"{direct:.0f}"],
          ["through the app (gradio_client)", f"{through_app:.0f}"],
          ["ratio", f"{ratio:.2f}"]])


if __name__ == "__main__":
    main()
