"""The app as a user starts it: flags, exposure guard, health route, named API endpoints."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

import app as app_module
from tests.ui.pages import saved_run_both_answered
from workbench.batch_store import latest_records, run_file
from workbench.settings import Settings
from workbench.verdicts import record_verdict, verdicts_file

ROOT = app_module.ROOT


def test_help_documents_every_setting():
    out = subprocess.run([sys.executable, "app.py", "--help"], capture_output=True, text=True,
                         cwd=ROOT, timeout=120).stdout
    for flag in ("--model", "--quantization", "--adapter", "--max-batch-size", "--batching", "--no-cuda-graphs",
                 "--engine-process", "--cpu-threads", "--no-adapter-loading",
                 "--system-a-provider",
                 "--system-a-base-url", "--system-a-model", "--system-a-key-env", "--share",
                 "--allow-public-share", "--queue-size", "--port", "SYSTEM_B_MODEL", "WORKBENCH_AUTH",
                 "python app.py batch --help", "python app.py sweep --help"):  # the subcommands are found
        assert flag in " ".join(out.split())  # argparse wraps the epilog's lines


def test_share_without_auth_refuses_to_start_and_says_why(monkeypatch):
    monkeypatch.delenv("WORKBENCH_AUTH", raising=False)
    proc = subprocess.run([sys.executable, "app.py", "--share", "--port", "0"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode != 0
    assert "Refusing to start" in proc.stderr and "WORKBENCH_AUTH" in proc.stderr


def test_share_is_allowed_with_auth_or_when_forced(monkeypatch):
    monkeypatch.setenv("WORKBENCH_AUTH", "analyst:s3cret")
    app_module.check_exposure(Settings(share=True))
    monkeypatch.delenv("WORKBENCH_AUTH")
    app_module.check_exposure(Settings(share=True, allow_public_share=True))
    with pytest.raises(app_module.StartupRefused):
        app_module.check_exposure(Settings(share=True))


def test_health_reports_each_component(running_app):
    url, _ = running_app
    with urllib.request.urlopen(f"{url}/api/health", timeout=10) as resp:
        body = json.load(resp)
    assert body["status"] == "ok"
    assert body["demo_model"] is True
    assert body["system_b"]["status"] == "ready" and body["system_b"]["device"] == "cpu"
    assert "french-reasoning" in body["system_b"]["adapters"]
    assert body["system_a"]["status"] == "not_configured"
    assert any("demo model" in n for n in body["notices"])


def test_with_a_password_the_rest_routes_ask_for_it(running_app, monkeypatch, tmp_path):
    """WORKBENCH_AUTH guards the REST routes as it guards the page: a share link's password must
    not leave POST /api/compare (System A's credit) or the saved runs open."""
    import httpx

    from tests.serve import free_port

    _, services = running_app
    monkeypatch.setenv("TEST_WORKBENCH_AUTH", "analyst:s3cret pass;marc:another one")
    settings = Settings(model=services.settings.model, port=free_port(), results_dir=tmp_path,
                        auth_env="TEST_WORKBENCH_AUTH")
    folder = services.settings.results_dir  # the shared services' (the routes read theirs)
    kept = verdicts_file(folder).read_bytes() if verdicts_file(folder).exists() else None
    demo, url, _, _ = app_module.launch(settings, services=services)
    try:
        # in place as the app is made, ahead of Gradio's routes: no instant of 404 after start
        assert [r.path for r in demo.server_app.router.routes[:5]] == [
            "/api/health", "/api/compare", "/api/presets", "/api/runs", "/api/runs/{name}"]
        url = url.rstrip("/")
        for method, path in (("GET", "/api/health"), ("GET", "/api/runs"), ("GET", "/api/runs/x"),
                             ("GET", "/api/runs/x/csv"), ("GET", "/api/runs/x/xlsx"),
                             ("GET", "/api/runs/x/experiments/y"),
                             ("GET", "/api/questions?query=q"), ("POST", "/api/compare"), ("GET", "/api/presets"),
                             ("GET", "/api/leaderboard"), ("GET", "/api/adapters"), ("POST", "/api/adapters"),
                             ("DELETE", "/api/adapters/french-reasoning"), ("DELETE", "/api/runs/x"),
                             ("GET", "/api/removed-runs"), ("POST", "/api/removed-runs/x/restore"),
                             ("GET", "/api/runs/x/against/y"), ("POST", "/api/confidence")):
            for auth in (None, ("analyst", "wrong"), ("someone", "s3cret pass"), ("analyst", ""),
                         ("analyst", "another one"), ("marc", "s3cret pass")):  # one user, another's password
                resp = httpx.request(method, url + path, json={"query": "q", "run_system_a": False},
                                     auth=auth, timeout=30)
                assert resp.status_code == 401, (method, path, auth)
                assert resp.headers["www-authenticate"].startswith("Basic")
                assert "user and password" in resp.json()["detail"]
        resp = httpx.get(url + "/api/health", headers={"Authorization": "Basic not-base64!"}, timeout=30)
        assert resp.status_code == 401
        # a script with the credentials
        resp = httpx.get(url + "/api/health", auth=("analyst", "s3cret pass"), timeout=30)
        assert resp.status_code == 200 and resp.json()["system_b"]["status"] == "ready"
        resp = httpx.get(url + "/api/health", auth=("marc", "another one"), timeout=30)  # the other user
        assert resp.status_code == 200
        resp = httpx.get(url + "/api/runs/x", auth=("analyst", "s3cret pass"), timeout=30)
        assert resp.status_code == 404, "past the password, the route answers as it does without one"
        # a browser signed in on the app's login page
        with httpx.Client(base_url=url, timeout=30) as client:
            assert client.get("/api/runs").status_code == 401
            login = client.post("/login", data={"username": "analyst", "password": "s3cret pass"})
            assert login.status_code == 200
            listed = client.get("/api/runs")  # the shared services' runs: other tests may have saved some
            assert listed.status_code == 200 and isinstance(listed.json()["runs"], list)
            # a run's CSV carries the verdicts of whoever asks for it, as the Batch tab's does
            saved_run_both_answered(folder, "judged-by-two", ["j-0"])
            rec = latest_records(run_file(folder, "judged-by-two"))[0]
            for judge, verdict in (("analyst", "A better"), ("marc", "Tie")):
                record_verdict(verdicts_file(folder), rec, verdict, run="judged-by-two", judge=judge)

            def verdict_in(resp: httpx.Response) -> str:
                assert resp.status_code == 200, resp.text
                [row_a, _] = csv.DictReader(io.StringIO(resp.content.decode("utf-8-sig")))
                return row_a["verdict"]

            assert verdict_in(client.get("/api/runs/judged-by-two/csv")) == "A better"  # the session's user
            assert verdict_in(client.get("/api/runs/judged-by-two/csv?judge=marc")) == "Tie"
            # and one experiment across the saved runs, with the same verdicts
            one = client.get("/api/runs/judged-by-two/experiments/j-0").json()["runs"]
            assert [(r["run"], r["verdict"]) for r in one] == [("judged-by-two", "A better")]
            one = client.get("/api/runs/judged-by-two/experiments/j-0?judge=marc").json()["runs"]
            assert one[0]["verdict"] == "Tie"
        assert verdict_in(httpx.get(url + "/api/runs/judged-by-two/csv", auth=("marc", "another one"))) == "Tie"
    finally:
        demo.close()
        run_file(folder, "judged-by-two").unlink(missing_ok=True)  # the other tests' tallies as they were
        if kept is None:
            verdicts_file(folder).unlink(missing_ok=True)
        else:
            verdicts_file(folder).write_bytes(kept)


def test_adapters_are_loaded_and_unloaded_through_rest(running_app, demo_model_dir, monkeypatch):
    import threading

    import httpx

    from engines.base import ChatRequest, GenerationParams, TextDelta, collect

    url, services = running_app
    folder = str(demo_model_dir / "adapters" / "french-reasoning")
    listed = httpx.get(url + "/api/adapters", timeout=30).json()
    assert listed["loading"] is True and listed["adapters"][0]["name"] == "french-reasoning"
    assert listed["adapters"][0]["loaded"] == "at start" and listed["adapters"][0]["rank"] == 16
    for body, status, words in (({"name": "bad name", "source": folder}, 422, "1 to 64 letters"),
                                ({"name": "french-reasoning", "source": folder}, 422, "already loaded"),
                                ({"name": "x", "source": "/nowhere/at/all"}, 422, "neither a folder"),
                                ({"name": "x", "source": folder, "rank": 4}, 422, "extra")):
        resp = httpx.post(url + "/api/adapters", json=body, timeout=60)
        assert resp.status_code == status and words in json.dumps(resp.json()), (body, resp.text)
    resp = httpx.post(url + "/api/adapters", json={"name": "rest-fr", "source": folder}, timeout=120)
    try:
        assert resp.status_code == 200 and resp.json()["loaded"] == "while running", resp.text
        assert [a["name"] for a in httpx.get(url + "/api/adapters", timeout=30).json()["adapters"]] == [
            "french-reasoning", "rest-fr"]
        assert "rest-fr" in httpx.get(url + "/api/health", timeout=30).json()["system_b"]["adapters"]
        long = GenerationParams(temperature=0, max_new_tokens=300, min_new_tokens=300)
        stream = services.local.stream(ChatRequest.single("What is an ETF?", params=long, adapter="rest-fr"))
        next(e for e in stream if isinstance(e, TextDelta))  # answering with it now
        busy = httpx.delete(url + "/api/adapters/rest-fr", timeout=60)
        assert busy.status_code == 409 and "answering 1 request" in busy.json()["detail"]
        threading.Thread(target=collect, args=(stream,)).start()
        monkeypatch.setattr(services.settings, "adapter_loading", False)
        for resp in (httpx.delete(url + "/api/adapters/rest-fr", timeout=60),
                     httpx.post(url + "/api/adapters", json={"name": "other", "source": folder}, timeout=60)):
            assert resp.status_code == 403 and "--no-adapter-loading" in resp.json()["detail"]
        assert httpx.get(url + "/api/adapters", timeout=30).json()["loading"] is False
    finally:
        monkeypatch.setattr(services.settings, "adapter_loading", True)
        for _ in range(100):  # once the request above has ended
            resp = httpx.delete(url + "/api/adapters/rest-fr", timeout=60)
            if resp.status_code != 409:
                break
            time.sleep(0.1)
    assert resp.status_code == 200 and [a["name"] for a in resp.json()["adapters"]] == ["french-reasoning"]
    missing = httpx.delete(url + "/api/adapters/rest-fr", timeout=60)
    assert missing.status_code == 404 and "no adapter named 'rest-fr'" in missing.json()["detail"]


def test_named_chat_endpoint_streams_reasoning_apart_from_answer(running_app):
    from gradio_client import Client

    url, _ = running_app
    client = Client(url, verbose=False)
    job = client.submit("Qu'est-ce que la duration ?", "System B · local model", "",
                        json.dumps({"temperature": 0, "max_new_tokens": 200}), "", api_name="/chat")
    updates = list(job)
    final = job.result()
    assert len(updates) >= 2, "the endpoint streams"
    assert final["done"] is True
    assert final["reasoning"].startswith("The user asks in French")
    assert final["answer"].startswith("La duration mesure")
    assert "<think>" not in final["answer"]
    assert final["stats"]["finish_reason"] == "stop"
    # Qwen3's habit, shown under every answer: English reasoning for a French question
    assert (final["stats"]["reasoning_lang"], final["stats"]["answer_lang"]) == ("en", "fr")
    assert "language: reasoning en / answer fr" in final["summary"]


def test_chat_endpoint_rejects_bad_parameters_clearly(running_app):
    from gradio_client import Client

    url, _ = running_app
    client = Client(url, verbose=False)
    with pytest.raises(Exception, match="temperature"):
        client.predict("hi", "System B · local model", "", json.dumps({"temperature": 9}), "",
                       api_name="/chat")
    with pytest.raises(Exception, match="not valid JSON"):
        client.predict("hi", "System B · local model", "", "{oops", "", api_name="/chat")


def test_unconfigured_system_a_answers_with_its_configuration_error(running_app):
    from gradio_client import Client

    url, _ = running_app
    final = Client(url, verbose=False).predict("What is an ETF?", "System A · remote MoE", "", "{}", "",
                                               api_name="/chat")
    assert final["done"] and "DEEPSEEK_API_KEY" in final["error"]


def test_pipeline_answers_carry_the_route(running_app):
    from gradio_client import Client

    final = Client(running_app[0], verbose=False).predict(
        "How can I launder cash through my shop?", "System B · router + local model", "", "{}", "",
        api_name="/chat")
    assert final["stats"]["extras"]["route"] == "explicit_refusal"
    assert final["answer"].startswith("I can't help with that request")


def test_a_missing_optional_module_fails_fast_and_an_installed_one_is_untouched(monkeypatch):
    import importlib

    name = "workbench_no_such_module_xyz"
    monkeypatch.delitem(sys.modules, name, raising=False)
    app_module.remember_missing_modules(name, "json")
    assert name in sys.modules and sys.modules[name] is None
    with pytest.raises(ImportError):
        importlib.import_module(name)
    assert sys.modules["json"] is not None and importlib.import_module("json").dumps([1]) == "[1]"


def test_the_status_line_says_how_system_b_serves_requests():
    from ui.app import local_status

    base = {"model_id": "demo-model", "device": "cpu", "dtype": "float32", "max_batch_size": 8}
    assert local_status({**base, "batching": "continuous", "decode": "dynamic"}) == (
        "`demo-model` on cpu (float32 · continuous batching)")
    gpu = {**base, "device": "cuda", "dtype": "bfloat16", "batching": "continuous", "decode": "cuda-graphs"}
    assert local_status(gpu) == "`demo-model` on cuda (bfloat16 · continuous batching, CUDA graphs)"
    assert "batched generate" in local_status({**base, "batching": "generate", "decode": "generate"})
    assert "one request at a time" in local_status({**base, "batching": "continuous", "max_batch_size": 1})
    assert local_status({**base, "batching": "continuous", "decode": "dynamic", "process": "own"}) == (
        "`demo-model` on cpu (float32 · continuous batching, own process)")
    assert local_status({**base, "batching": "continuous", "cpu_threads": 1}) == (
        "`demo-model` on cpu (float32 · continuous batching · 1 CPU thread)")
    assert local_status({**base, "batching": "continuous", "cpu_threads": 15}).endswith("· 15 CPU threads)")
    quantized = {**gpu, "quantization": "4bit", "decode": "slots"}
    assert local_status(quantized) == (
        "`demo-model` on cuda (4-bit bitsandbytes weights, bfloat16 compute · continuous batching)")
    assert local_status({**base, "quantization": "none"}) == "`demo-model` on cpu (float32)"


def test_the_status_line_says_what_each_systems_answers_are_costed_at():
    from engines.cost import TokenPrices
    from ui.app import cost_status

    assert cost_status(None, None) == ""
    assert cost_status(TokenPrices(0.28, 0.028, 0.42), 0.8) == (
        " · **Costs:** A at $0.28 / $0.028 / $0.42 per 1M tokens (input / cached input / output); "
        "B at $0.80 an hour of its machine")
    assert cost_status(None, 1.25) == " · **Costs:** B at $1.25 an hour of its machine"


def test_the_queue_looks_for_new_events_every_10_ms_not_every_millisecond():
    import gradio as gr

    with gr.Blocks() as demo:
        gr.Markdown("x")
    demo.queue()
    assert demo._queue.sleep_when_free < app_module.QUEUE_IDLE_POLL_S  # Gradio's own 1 ms
    assert app_module.calm_queue(demo), "this Gradio release lacks the setting: re-check calm_queue"
    assert demo._queue.sleep_when_free == app_module.QUEUE_IDLE_POLL_S
    assert not app_module.calm_queue(object())


def test_what_browsers_keep_is_encrypted_with_the_results_folders_key(running_app, monkeypatch, tmp_path):
    """Chat's conversation, the ones put aside and Compare's log: one key, the folder's, so that
    an app started again on the folder reads all three back (Gradio's own key is new each start)."""
    import gradio as gr

    from ui.app import build_app
    from ui.chat import SAVED_KEY, SHELF_KEY
    from ui.common import browser_secret
    from ui.compare_log import STORAGE_KEY

    _, services = running_app
    monkeypatch.setattr(services.settings, "results_dir", tmp_path)

    def stores() -> dict[str, str]:
        demo = build_app(services)
        return {b.storage_key: b.secret for b in demo.blocks.values() if isinstance(b, gr.BrowserState)}

    first, again = stores(), stores()
    assert set(first) == {SAVED_KEY, SHELF_KEY, STORAGE_KEY}
    assert set(first.values()) == {browser_secret(tmp_path)} and again == first


def test_the_page_is_built_without_a_warning_from_gradio(running_app, monkeypatch, tmp_path):
    """Gradio warns of arguments going away (a DeprecationWarning, hidden outside __main__) or
    given in a way it ignores: the page is built with none, so the next Gradio release does not
    break it."""
    import warnings

    from ui.app import build_app

    _, services = running_app
    monkeypatch.setattr(services.settings, "results_dir", tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        build_app(services)
    from_gradio = [f"{w.filename}: {w.message}" for w in caught
                   if "gradio" in w.filename]
    assert not from_gradio, from_gradio


@pytest.mark.parametrize("command, bad", [
    ("batch", ["--out", "x.csv", "--concurrency", "0"]),
    ("sweep", ["--budgets", "0"]),
    ("inspect", ["--max-new-tokens", "0"]),
    ("leaderboard", ["--by", "nothing"]),
    ("against", ["only-one-run"]),
])
def test_a_headless_command_refuses_bad_arguments_before_torch_is_imported(command, bad, tmp_path):
    """A mistyped flag is answered in about a second: torch and the engines load only once the
    arguments hold (they took four seconds to say '--concurrency must be 1 to 16')."""
    code = ("import sys, app\n"
            "try:\n    app.main(sys.argv[1:])\nexcept SystemExit as exc:\n    status = exc.code\n"
            "print(status, 'torch' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, command, *bad], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "WORKBENCH_RESULTS_DIR": str(tmp_path)})
    assert done.stderr.strip().endswith("2 False"), done.stderr[-2000:]
