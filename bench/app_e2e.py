"""End to end through the running app: N gradio_client users streaming from the /chat endpoint.

    python bench/app_e2e.py [--users 4] [--tokens 128]

Compares the aggregate tokens/s users receive with the engine's own aggregate at the same
concurrency, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import DEMO, emit, run_together


def clients(url: str, users: int, tokens: int) -> None:
    """Client side: N users at once on /chat; prints {"tokens", "wall"}."""
    from concurrency import QUESTIONS
    from gradio_client import Client

    params = json.dumps({"temperature": 0, "max_new_tokens": tokens, "min_new_tokens": tokens})
    pool = [Client(url, verbose=False) for _ in range(users)]

    def user(i: int) -> dict:
        job = pool[i].submit(QUESTIONS[i % len(QUESTIONS)], "System B · local model", "", params, "",
                             api_name="/chat")
        return job.result()

    results, wall = run_together(users, user)
    total = sum(r["stats"]["reasoning_tokens"] + r["stats"]["content_tokens"] for r in results)
    print(json.dumps({"tokens": total, "wall": wall}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        clients(args.client, args.users, args.tokens)
        return

    from concurrency import run_level

    import app as app_module
    from tests.serve import free_port
    from workbench.settings import Settings

    settings = Settings(model=str(DEMO), port=free_port(), results_dir=Path(tempfile.mkdtemp()))
    demo, url, _, services = app_module.launch(settings)
    try:
        run_level(services.local, 1, 16)  # warm-up
        engine_rate = run_level(services.local, args.users, args.tokens)["aggregate_tok_s"]
        # The users run in their own process, as real users do: in this process their SSE
        # parsing would compete with the server and the model for the GIL.
        proc = subprocess.run([sys.executable, __file__, "--client", url, "--users", str(args.users),
                               "--tokens", str(args.tokens)], capture_output=True, text=True, timeout=600)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        app_rate = result["tokens"] / result["wall"]
    finally:
        demo.close()
        services.local.close()
    ratio = app_rate / engine_rate
    emit("app_e2e", {"users": args.users, "tokens_each": args.tokens, "engine_tok_s": round(engine_rate, 1),
                     "app_tok_s": round(app_rate, 1), "ratio": round(ratio, 3), "target": ">= 0.90"},
         [["path", f"aggregate tok/s at {args.users}"],
          ["engine directly", f"{engine_rate:.0f}"],
          ["through the app (gradio_client)", f"{app_rate:.0f}"],
          ["ratio", f"{ratio:.2f}"]])


if __name__ == "__main__":
    main()
