"""Load, queue bounds and secrets, against the real app on loopback."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

import app as app_module
from tests.fake_deepseek import FakeDeepSeek
from tests.serve import app_process, free_port
from workbench.settings import Settings

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

# question -> how its (demo model) answer starts: a wrong start means a mixed-up session
KNOWN = {
    "What is an ETF?": "An ETF is an exchange-traded fund",
    "Qu'est-ce que la duration ?": "La duration mesure",
    "What is a dividend?": "A dividend is the part of its profit",
    "How can I launder cash through my shop?": "I can't help with that request",
}
LOAD_SECONDS = float(os.environ.get("WORKBENCH_LOAD_SECONDS", "90"))
MEMORY_GROWTH_BOUND = 0.05


def test_sixteen_users_no_failure_no_mix_up(demo_model_dir):
    """The app in its own process, as users run it; its memory alone is measured.

    gradio_client (2.x) has a race of its own: the server closes a client's event stream as soon
    as its last request completes, and a request the client sends in that instant is put on the
    stream being closed, so that `predict` raises an empty CancelledError though the server runs
    the request (once in 501 requests, under this load on 2 cores). Those are counted apart, and
    must stay rare; every other failure fails the test."""
    from concurrent.futures import CancelledError

    from gradio_client import Client

    served, failures, mixups, races = [0], [], [], [0]
    lock = threading.Lock()
    questions = list(KNOWN)

    def user(url: str, n: int, deadline: float) -> None:
        client = Client(url, verbose=False)
        i = n
        while time.monotonic() < deadline:
            q = questions[i % len(questions)]
            i += 1
            try:
                if i % 2:
                    engine = "System B · router + local model" if "launder" in q else "System B · local model"
                    out = client.predict(q, engine, "", json.dumps({"temperature": 0}), "", api_name="/chat")
                    answer, error = out["answer"], out["error"]
                else:
                    rec = client.predict(q, "", False, True, api_name="/compare")
                    answer, error = rec["system_b"]["response"], rec["system_b"]["metadata"]["error"]
            except CancelledError:  # the client's own race (above): the user asks again
                with lock:
                    races[0] += 1
                continue
            except Exception as exc:  # noqa: BLE001 - every failure is counted, none may happen
                with lock:
                    failures.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                served[0] += 1
                if error:
                    failures.append(error)
                elif not answer.startswith(KNOWN[q]) and not (i % 2 == 0 and "launder" in q):
                    mixups.append((q, answer[:80]))

    with app_process(demo_model_dir) as (url, pid):
        server = psutil.Process(pid)
        deadline = time.monotonic() + LOAD_SECONDS
        threads = [threading.Thread(target=user, args=(url, n, deadline)) for n in range(16)]
        for t in threads:
            t.start()
        samples = []
        while any(t.is_alive() for t in threads):
            samples.append(server.memory_info().rss)
            time.sleep(1)
        for t in threads:
            t.join()
    quarters = [samples[int(i * (len(samples) - 1) / 4)] / 1e6 for i in range(5)]
    half, end = samples[len(samples) // 2], max(samples[-3:])
    growth = (end - half) / half
    print(f"\nload: {served[0]} requests by 16 users in {LOAD_SECONDS:.0f} s, {len(failures)} failures, "
          f"{len(mixups)} mix-ups, "
          f"{races[0]} client stream races; server RSS by quarters: {', '.join(f'{q:.0f}' for q in quarters)} MB; "
          f"growth over the second half {growth:+.1%}")
    assert failures == []
    assert mixups == []
    assert served[0] >= 32
    assert races[0] <= max(1, served[0] // 100), f"{races[0]} requests lost to the client's stream race"
    # Memory stable: the first half warms every cache up (batch shapes, Gradio's session
    # stores); after that the server's RSS must not keep climbing.
    assert growth <= MEMORY_GROWTH_BOUND, f"server RSS grew {growth:+.1%} over the second half"


@pytest.fixture()
def tight_app(demo_model_dir):
    settings = Settings(model=str(demo_model_dir), port=free_port(), concurrency=1, queue_size=2,
                        results_dir=Path(tempfile.mkdtemp()))
    demo, url, _, services = app_module.launch(settings)
    yield url
    demo.close()
    services.local.close()


def test_past_the_queue_bound_users_are_told_busy_not_left_hanging(tight_app):
    from gradio_client import Client

    params = json.dumps({"temperature": 0.6, "max_new_tokens": 400, "min_new_tokens": 400})
    clients = [Client(tight_app, verbose=False) for _ in range(6)]
    jobs = [c.submit("What is an ETF?", "System B · local model", "", params, "", api_name="/chat")
            for c in clients]
    outcomes = []
    started = time.monotonic()
    for job in jobs:
        try:
            job.result(timeout=120)
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the rejection is what we look for
            outcomes.append(str(exc))
    assert time.monotonic() - started < 120
    busy = [o for o in outcomes if o != "ok"]
    assert outcomes.count("ok") >= 1
    assert busy, outcomes
    assert all("queue is full" in o.lower() for o in busy), busy


SECRET = "sk-LEAKCHECK-9f8e7d6c5b4a3210"


def test_the_api_key_appears_in_no_output(demo_model_dir, tmp_path, monkeypatch, caplog, capfd):
    from gradio_client import Client

    from workbench.batch_run import BatchRun
    from workbench.batch_store import read_records
    from workbench.export import write_csv
    from workbench.summary import flat_rows

    monkeypatch.setenv("LEAK_CHECK_KEY", SECRET)
    caplog.set_level(logging.DEBUG)
    outputs: list[str] = []
    with FakeDeepSeek() as fake:
        settings = Settings(model=str(demo_model_dir), port=free_port(), results_dir=tmp_path,
                            system_a_provider="custom", system_a_base_url=fake.base_url,
                            system_a_model="error-401", system_a_key_env="LEAK_CHECK_KEY")
        demo, url, _, services = app_module.launch(settings)
        try:
            for path in ("/api/health", "/api/health?check_remote=true", "/", "/config",
                         "/gradio_api/info"):
                with urllib.request.urlopen(url.rstrip("/") + path, timeout=30) as resp:
                    outputs.append(resp.read().decode("utf-8", "replace"))
            client = Client(url, verbose=False)
            outputs.append(json.dumps(client.predict("What is an ETF?", "System A · remote MoE", "", "{}", "",
                                                     api_name="/chat")))
            outputs.append(json.dumps(client.predict("What is an ETF?", "", True, True, api_name="/compare")))
            out = tmp_path / "leak.jsonl"
            list(BatchRun(services.comparator(), [], out).run())
            from workbench.experiments import bundled

            list(BatchRun(services.comparator(), bundled()[:4], out, concurrency=2).run())
            csv_path = tmp_path / "leak.csv"
            write_csv(flat_rows(read_records(out)), csv_path)
            outputs += [out.read_text(encoding="utf-8"), csv_path.read_text(encoding="utf-8")]
            assert fake.requests and fake.requests[0]["headers"]["authorization"] == f"Bearer {SECRET}"
        finally:
            demo.close()
            services.local.close()
    captured = capfd.readouterr()
    outputs += [captured.out, captured.err, caplog.text, repr(services.remote), str(services.health())]
    assert "401" in outputs[5] and "LEAK_CHECK_KEY" in outputs[5], "the error names the variable"
    for text in outputs:
        assert SECRET not in text
        assert "9f8e7d6c5b4a" not in text
