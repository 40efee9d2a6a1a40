"""End to end through the running app: N gradio_client users streaming from the /chat endpoint.

    python bench/app_e2e.py [--users 4] [--tokens 256] [--rounds 3] [--repeats 3] [--engine-process]
                            [--cpu-threads N]

Each user asks `rounds` questions back to back; the engine's own aggregate tokens/s is measured
the same way (N threads, `rounds` requests each) in the same run, and the ratio compared. The two
measurements alternate `repeats` times and the best of each counts, so that a burst of noise
on a shared machine does not decide the ratio.

Where the machine's CPU goes is printed too: the users' process (on a real deployment the users
are elsewhere), the server process per token, and the idle server. With --engine-process the
server process is the web layer alone (System B runs in a child), so its CPU per token is the
web layer's cost; without it, it includes the model's threads.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import DEMO, emit, run_together
from concurrency import QUESTIONS

IDLE_S = 5.0


def _params(tokens: int) -> dict:
    return {"temperature": 0, "max_new_tokens": tokens, "min_new_tokens": tokens}


def clients(url: str, users: int, tokens: int, rounds: int) -> None:
    """Client side, in its own process as real users are: prints {"tokens", "wall", "cpu"}."""
    import ssl

    import certifi
    from gradio_client import Client

    params = json.dumps(_params(tokens))
    # gradio_client opens two new httpx clients per request; given `ssl_verify=True` each loads the
    # certificate store again (30-35 ms of CPU, taken from the server's cores since the users share
    # its machine here). One context built once verifies the same way and costs nothing per request.
    certificates = ssl.create_default_context(cafile=certifi.where())
    pool = [Client(url, verbose=False, ssl_verify=certificates) for _ in range(users)]

    def user(i: int) -> int:
        total = 0
        for r in range(rounds):
            out = pool[i].predict(QUESTIONS[(i + r) % len(QUESTIONS)], "System B · local model", "", params, "",
                                  api_name="/chat")
            total += out["stats"]["reasoning_tokens"] + out["stats"]["content_tokens"]
        return total

    cpu = time.process_time()
    results, wall = run_together(users, user)
    print(json.dumps({"tokens": sum(results), "wall": wall, "cpu": time.process_time() - cpu}))


def engine_rate(engine, users: int, tokens: int, rounds: int) -> tuple[float, float]:
    """Aggregate tokens/s of N threads streaming straight from the engine, and the CPU seconds spent per token."""
    from engines.base import ChatRequest, GenerationParams, collect

    params = GenerationParams(**_params(tokens))

    def user(i: int) -> int:
        return sum(collect(engine.stream(ChatRequest.single(QUESTIONS[(i + r) % len(QUESTIONS)], params=params)))
                   .stats.output_tokens for r in range(rounds))

    cpu = time.process_time()
    results, wall = run_together(users, user)
    return sum(results) / wall, (time.process_time() - cpu) / sum(results)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cpu-threads", type=int, default=0,
                        help="System B's CPU threads, as the app's --cpu-threads (0 = every core)")
    parser.add_argument("--engine-process", action="store_true",
                        help="serve System B from its own process (the app's --engine-process); the engine "
                             "directly is then a second copy of the model loaded in this process")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        clients(args.client, args.users, args.tokens, args.rounds)
        return

    import app as app_module
    from tests.serve import free_port
    from workbench.settings import Settings

    settings = Settings(model=str(DEMO), port=free_port(), results_dir=Path(tempfile.mkdtemp()),
                        engine_process=args.engine_process, cpu_threads=args.cpu_threads)
    demo, url, _, services = app_module.launch(settings)
    engine = services.local
    threads = services.local.health()["cpu_threads"]
    if args.engine_process:  # the app's model is in another process: time the same engine here, in-process
        from engines.local import LocalEngine, LocalModelConfig
        engine = LocalEngine(LocalModelConfig(model=str(DEMO), cpu_threads=args.cpu_threads))
    try:
        engine_rate(engine, 1, 16, 1)  # warm-up
        engine_rate(services.local, 1, 16, 1)
        cpu = time.process_time()
        time.sleep(IDLE_S)
        idle_cores = (time.process_time() - cpu) / IDLE_S  # what the idle server costs the machine
        direct_runs, app_runs, client_cores = [], [], []
        server_cpu = {"engine": [], "app": []}  # this process's CPU seconds per token, every thread of it
        for _ in range(args.repeats):  # interleaved: machine noise hits both alike
            rate, cpu_per_token = engine_rate(engine, args.users, args.tokens, args.rounds)
            direct_runs.append(rate)
            server_cpu["engine"].append(cpu_per_token)
            cpu = time.process_time()
            proc = subprocess.run([sys.executable, __file__, "--client", url, "--users", str(args.users),
                                   "--tokens", str(args.tokens), "--rounds", str(args.rounds)],
                                  capture_output=True, text=True, timeout=1200)
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            app_runs.append(result["tokens"] / result["wall"])
            server_cpu["app"].append((time.process_time() - cpu) / result["tokens"])
            client_cores.append(result["cpu"] / result["wall"])  # the users share this machine's cores
        direct, through_app = max(direct_runs), max(app_runs)
    finally:
        demo.close()
        services.local.close()
        engine.close()
    ratio = through_app / direct
    emit("app_e2e", {"engine_process": args.engine_process,
                     "users": args.users, "tokens_each": args.tokens, "rounds": args.rounds,
                     "cpu_threads": threads,
                     "engine_runs_tok_s": [round(r, 1) for r in direct_runs],
                     "app_runs_tok_s": [round(r, 1) for r in app_runs],
                     "engine_tok_s": round(direct, 1), "app_tok_s": round(through_app, 1),
                     "server_cpu_ms_per_token": {k: [round(v * 1000, 2) for v in runs]
                                                 for k, runs in server_cpu.items()},
                     "client_cores_used": [round(c, 2) for c in client_cores],
                     "idle_server_cores": round(idle_cores, 3),
                     "ratio": round(ratio, 3), "target": ">= 0.90"},
         [["path", f"best aggregate tok/s, {args.users} users x {args.rounds} requests of {args.tokens} tokens"],
          ["engine directly", f"{direct:.0f}"],
          ["through the app (gradio_client)", f"{through_app:.0f}"],
          ["ratio", f"{ratio:.2f}"],
          ["server CPU ms per token, engine directly",
           " / ".join(f"{v * 1000:.2f}" for v in server_cpu["engine"])],
          ["server CPU ms per token, through the app", " / ".join(f"{v * 1000:.2f}" for v in server_cpu["app"])],
          ["cores the users' process took", " / ".join(f"{c:.2f}" for c in client_cores)],
          ["cores the idle server took", f"{idle_cores:.3f}"]])


if __name__ == "__main__":
    main()
