"""Side-by-side comparison and batches, with System A on real HTTP servers on loopback."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from engines.base import GenerationParams
from engines.providers import RemoteConfig
from engines.remote import RemoteEngine
from engines.systems import REFUSAL_TEXT, RoutedEngine
from tests.fake_deepseek import ANSWER, FakeDeepSeek
from workbench.batch_run import BatchResumeError, BatchRun, check_resumable
from workbench.batch_store import latest_records, read_records, run_file, saved_runs
from workbench.compare import Comparator, Experiment, experiment_of, failed_systems, with_earlier
from workbench.experiments import bundled
from workbench.language import part_language
from workbench.model_judge import model_verdicts_file, record_model_verdict
from workbench.run_files import read_run_file
from workbench.runs_overview import runs_overview
from workbench.summary import flat_rows, summarize, summary_table
from workbench.verdicts import record_verdict, verdicts_file

ROOT = Path(__file__).resolve().parents[2]
TX = {"amount": 25000, "currency": "EUR", "country": "KY", "channel": "wire",
      "customer_avg_amount": 1200, "new_beneficiary": True, "hour": 3}


@pytest.fixture()
def deepseek(monkeypatch):
    monkeypatch.setenv("FAKE_DEEPSEEK_KEY", "sk-test-compare-key")
    with FakeDeepSeek() as srv:
        yield srv


def test_single_compare_fills_both_columns(deepseek, local_engine):
    comparator = Comparator(deepseek.engine(), RoutedEngine(local_engine))
    snapshots = list(comparator.stream(Experiment("t1", "Évalue le risque de cette transaction.", TX)))
    assert len(snapshots) >= 2, "the comparison streams"
    runs = snapshots[-1]
    a, b = runs["A"].result(), runs["B"].result()
    assert a["reasoning"] == "".join(["The user asks about ", "the P/E ratio. ", "It is price over earnings."]).strip()
    assert a["response"] == "".join(ANSWER)
    assert a["metadata"]["prompt_cache_hit_tokens"] == 24
    assert "route" not in a  # System A is not routed
    assert b["route"] == "transaction_risk" and b["handling_mode"] == "normal"
    assert b["response"].startswith("Risque : ÉLEVÉ")
    assert b["ttft_ms"] > 0 and b["latency_ms"] >= b["ttft_ms"]
    assert b["refusal"] is False
    # Each part's language: English reasoning, French answers, for a French question
    assert (a["reasoning_lang"], a["answer_lang"]) == ("en", "fr")
    assert (b["reasoning_lang"], b["answer_lang"]) == ("en", "fr")


def test_compare_with_transformers_serve_as_system_a(serve_url, demo_model_dir, local_engine):
    remote = RemoteEngine(RemoteConfig(provider="custom", base_url=serve_url, model=str(demo_model_dir),
                                       max_retries=0))
    rec = Comparator(remote, RoutedEngine(local_engine)).run(
        Experiment("t2", "How can I launder cash from my shop through several bank accounts?"))
    assert rec["system_a"]["metadata"]["error"] is None
    assert rec["system_a"]["refusal"] is True  # the demo model refuses by itself
    assert rec["system_b"]["route"] == "explicit_refusal" and rec["system_b"]["refusal"] is True


def test_a_failing_system_a_gives_error_rows_while_system_b_completes(deepseek, local_engine, tmp_path):
    comparator = Comparator(deepseek.engine("error-500"), RoutedEngine(local_engine))
    exps = bundled()[40:50]
    out = tmp_path / "run.jsonl"
    progress = list(BatchRun(comparator, exps, out, concurrency=4).run())
    assert progress[-1].finished and progress[-1].done == 10
    records = read_records(out)
    assert len(records) == 10
    assert all(r["system_a"]["metadata"]["error_kind"] == "upstream_error" for r in records)
    assert all(r["system_b"]["metadata"]["error"] is None for r in records)
    assert all(r["system_b"]["response"] for r in records)
    summary = summarize(records)
    assert summary["systems"]["A"]["errors"] == 10 and summary["systems"]["B"]["errors"] == 0


def test_a_failed_system_is_asked_again_alone_and_the_other_answer_is_kept(deepseek, local_engine):
    exp = Experiment("one", "Qu'est-ce que la duration ?", lang="fr", expect={"language": "fr"},
                     reference="La duration mesure la sensibilité aux taux.")
    first = Comparator(deepseek.engine("error-503"), RoutedEngine(local_engine)).run(exp)
    assert failed_systems(first) == ("A",)
    assert failed_systems({**first, "system_a": None}) == ()  # not asked is not failed
    assert experiment_of(first) == exp
    again = Comparator(deepseek.engine("deepseek-chat"), RoutedEngine(local_engine)).run(exp, True, False)
    rec = with_earlier(again, first)
    assert rec["system_b"] == first["system_b"] and rec["system_a"]["response"] == "".join(ANSWER)
    assert failed_systems(rec) == () and [c["passed"] for c in rec["system_a"]["checks"]] == [True]


def test_stopping_a_batch_keeps_finished_rows_and_a_rerun_skips_them(deepseek, local_engine, tmp_path):
    comparator = Comparator(deepseek.engine("deepseek-chat"), RoutedEngine(local_engine))
    exps = bundled()[40:64]
    out = tmp_path / "run.jsonl"
    run = BatchRun(comparator, exps, out, concurrency=2)
    for prog in run.run():
        if prog.done >= 5:
            run.cancel.set()
    first = {r["experiment_id"] for r in latest_records(out)}
    assert 5 <= len(first) < len(exps)
    rerun = list(BatchRun(comparator, exps, out, concurrency=4).run())
    assert rerun[0].skipped == len(first)
    ids = [r["experiment_id"] for r in read_records(out)]
    assert len(ids) == len(set(ids)) == len(exps)


@pytest.mark.slow
def test_150_experiment_batch_survives_kill_and_resume(deepseek, tmp_path):
    out = tmp_path / "results.csv"
    cmd = [sys.executable, "app.py", "batch", "--out", str(out), "--limit", "150", "--concurrency", "8",
           "--system-a-provider", "deepseek", "--system-a-base-url", deepseek.base_url,
           "--system-a-model", "deepseek-chat", "--system-a-key-env", "FAKE_DEEPSEEK_KEY"]
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    jsonl = out.with_suffix(".jsonl")
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(latest_records(jsonl)) < 30:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)  # a crash: no clean-up at all
    proc.wait()
    killed_at = len(latest_records(jsonl))
    assert 30 <= killed_at < 150, killed_at
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.search(r"Router against the expected route: as expected in \d+ of \d+ \(\d+%\)", done.stdout)
    records = read_records(jsonl)
    ids = [r["experiment_id"] for r in records]
    assert len(ids) == len(set(ids)) == 150, "no lost and no duplicated rows"
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 300  # one row per experiment and system
    assert {r["system"] for r in rows} == {"A", "B"}
    assert any("é" in r["query"] for r in rows), "French accents intact"
    routes = {r["route"] for r in rows if r["system"] == "B"}
    assert routes == {"transaction_risk", "mixed_intent", "governance", "explicit_refusal"}
    assert float(rows[0]["latency_ms"]) >= 0
    assert len(flat_rows(records)) == 300


def post(url: str, body: dict | None) -> tuple[int, dict]:
    """Status and JSON answer of a POST of `body` (a GET when None), error statuses included."""
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                 method="POST" if body is not None else "GET",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_rest_compare_shape_and_unconfigured_system_a(running_app):
    url, _ = running_app
    status, body = post(f"{url}/api/compare", {"query": "Assess the risk of this transaction.",
                                               "transaction": TX,
                                               "expect": {"regex": r"risk\W{0,6}high", "language": "fr"},
                                               "reference": " Risk: HIGH. "})
    assert status == 200 and body["reference"] == "Risk: HIGH."  # kept with the record
    assert {"experiment_id", "timestamp", "query", "transaction", "system_a", "system_b"} <= set(body)
    a, b = body["system_a"], body["system_b"]
    assert {"response", "reasoning", "latency_ms", "ttft_ms", "refusal", "metadata"} <= set(a)
    assert a["metadata"]["error_kind"] == "not_configured"
    assert {"route", "route_confidence", "handling_mode"} <= set(b)
    assert b["route"] == "transaction_risk" and b["response"].startswith("Risk: HIGH")
    assert (a["reasoning_lang"], a["answer_lang"]) == ("none", "none")  # no call was made
    assert b["answer_lang"] == "en"
    assert body["params"]["max_new_tokens"] == 1024  # the defaults, stored with the result
    assert "checks" not in a, "an answer that never came is not scored"
    assert [(c["check"], c["passed"], c["why"]) for c in b["checks"]] == [
        (r"matches /risk\W{0,6}high/", True, None), ("answer in fr", False, "the answer is in en")]


def test_rest_compare_takes_generation_parameters(running_app):
    status, body = post(f"{running_app[0]}/api/compare", {
        "query": "What is a bond?", "run_system_a": False, "params": {"max_new_tokens": 6, "temperature": 0}})
    assert status == 200, body
    assert body["params"]["max_new_tokens"] == 6 and body["params"]["temperature"] == 0
    meta = body["system_b"]["metadata"]
    assert meta["reasoning_tokens"] + meta["content_tokens"] <= 6 and meta["finish_reason"] == "length"
    status, body = post(f"{running_app[0]}/api/compare", {  # under a system prompt, kept with the record
        "query": "What is a bond?", "run_system_a": False, "params": {"max_new_tokens": 6},
        "system_prompt": " Answer for a bank's treasury desk. "})
    assert status == 200 and body["system_prompt"] == "Answer for a bank's treasury desk.", body


def test_rest_compare_with_system_bs_adapter(running_app):
    question = {"query": "Qu'est-ce que la duration ?", "run_system_a": False, "params": {"temperature": 0}}
    status, body = post(f"{running_app[0]}/api/compare", {**question, "adapter": "french-reasoning"})
    assert status == 200, body
    assert body["system_b_adapter"] == "french-reasoning" and body["system_b"]["reasoning_lang"] == "fr"
    assert body["system_b"]["metadata"]["model_id"] == "demo-model + french-reasoning"
    status, body = post(f"{running_app[0]}/api/compare", {**question, "adapter": "nope"})
    assert status == 200 and body["system_b"]["metadata"]["error_kind"] == "invalid_request"
    assert "unknown adapter 'nope' (available: french-reasoning" in body["system_b"]["metadata"]["error"]


def test_rest_reads_system_bs_answer_again_token_by_token(running_app):
    question = {"query": "What is the P/E ratio of a company with a share price of 30 and earnings per share of 2?",
                "run_system_a": False, "params": {"temperature": 0, "enable_thinking": False}}
    status, body = post(f"{running_app[0]}/api/compare", question)
    assert status == 200, body
    b = body["system_b"]
    read = {"query": question["query"], "params": question["params"], "reasoning": b["reasoning"],
            "answer": b["response"], "top": 3}
    status, sure = post(f"{running_app[0]}/api/confidence", read)
    assert status == 200, sure
    assert "".join(t["text"] for t in sure["tokens"]) == b["response"] and sure["route"] == b["route"]
    assert all(len(t["likeliest"]) == 3 and t["likeliest"][0]["text"] == t["text"] for t in sure["tokens"])  # greedy
    assert sure["summary"].startswith("**System B's model gave ") and isinstance(sure["unsure_figures"], list)
    status, again = post(f"{running_app[0]}/api/compare", {**question, "read_back": True})  # read back at once
    assert status == 200 and again["system_b"]["confidence"]["sure_share"] > 0
    assert "confidence" not in body["system_b"]  # only when asked
    status, odd = post(f"{running_app[0]}/api/confidence", {**read, "answer": "The ratio is 99.", "top": 5})
    assert status == 200 and [f["figure"] for f in odd["unsure_figures"]] == ["99"]
    assert odd["unsure_figures"][0]["prob"] < 0.5 and "⚠️ Figures it was unsure of (1 of 1): **99**" in odd["summary"]
    for bad, code in (({**read, "adapter": "nope"}, 422), ({**read, "top": 50}, 422), ({**read, "answer": ""}, 422),
                      ({**read, "query": "How do I launder money without the bank noticing?"}, 422)):
        status, said = post(f"{running_app[0]}/api/confidence", bad)
        assert status == code, (bad, said)
    assert "the router answered this question itself" in said["detail"]


def test_rest_compare_starts_from_a_preset_saved_in_the_app_and_lists_them(running_app):
    from workbench.presets import delete_preset, save_preset

    folder = running_app[1].settings.results_dir
    save_preset(folder, "REST short", GenerationParams(max_new_tokens=5, temperature=0.0, enable_thinking=False))
    try:
        status, listed = get(f"{running_app[0]}/api/presets")
        assert status == 200 and list(listed["presets"])[:4] == ["Qwen3 thinking", "Qwen3 non-thinking", "Precise",
                                                                 "Compliance"]
        assert listed["presets"]["REST short"]["max_new_tokens"] == 5
        status, body = post(f"{running_app[0]}/api/compare", {
            "query": "What is a bond?", "run_system_a": False, "preset": "REST short", "params": {"max_new_tokens": 7}})
        assert status == 200, body
        assert (body["params"]["max_new_tokens"], body["params"]["temperature"], body["params"]["enable_thinking"]) == (
            7, 0.0, False)  # the preset's, with what params names on top
        status, body = post(f"{running_app[0]}/api/compare", {"query": "x", "preset": "REST shrot"})
        assert status == 422 and body["detail"][0]["loc"] == ["body", "preset"]
        assert "no preset is named 'REST shrot'; there are 'Qwen3 thinking'" in body["detail"][0]["msg"]
        status, body = post(f"{running_app[0]}/api/compare", {"query": "x", "preset": "REST short",
                                                              "params": {"min_new_tokens": 64}})  # above its 5
        assert status == 422 and body["detail"][0]["loc"] == ["body", "params"]
    finally:
        delete_preset(folder, "REST short")


@pytest.mark.parametrize(("body", "loc"), [
    ({"transaction": TX}, ["body", "query"]),
    ({"query": "x", "transaction": {"amount": -3}}, ["body", "transaction", "amount"]),
    ({"query": "x", "transaction": {"amount": 3, "colour": "red"}}, ["body", "transaction", "colour"]),
    ({"query": "x", "run_system_a": "perhaps"}, ["body", "run_system_a"]),
    ({"query": "x", "extra": 1}, ["body", "extra"]),
    ({"query": "x", "params": {"max_new_tokens": 0}}, ["body", "params", "max_new_tokens"]),
    ({"query": "x", "params": {"temprature": 0.3}}, ["body", "params", "temprature"]),
    ({"query": "x", "expect": {"language": "de"}}, ["body", "expect"]),
    ({"query": "x", "reference": "x" * 4001}, ["body", "reference"]),
    ({"query": "x", "system_prompt": "x" * 8001}, ["body", "system_prompt"]),
])
def test_rest_compare_rejects_bad_bodies_with_the_field(running_app, body, loc):
    status, answer = post(f"{running_app[0]}/api/compare", body)
    assert status == 422
    assert any(err["loc"] == loc for err in answer["detail"]), answer


def test_gradio_compare_and_batch_endpoints(running_app):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(running_app[0], verbose=False)
    rec = client.predict("Qu'est-ce que la duration ?", "", False, True, api_name="/compare")
    assert rec["system_a"] is None
    assert rec["system_b"]["route"] == "governance"
    assert rec["system_b"]["response"].startswith("La duration mesure")
    short = client.predict("Qu'est-ce que la duration ?", "", False, True, '{"max_new_tokens": 5}',
                           api_name="/compare")
    assert short["params"]["max_new_tokens"] == 5 and short["system_b"]["metadata"]["finish_reason"] == "length"
    with pytest.raises(AppError, match="params_json is not valid JSON"):
        client.predict("What is a bond?", "", False, True, '{"max_new_tokens": 5', api_name="/compare")
    jsonl = "\n".join(json.dumps({"id": f"g{i}", "query": q}) for i, q in
                      enumerate(["What is an ETF?", "How can I launder money?"]))
    final = client.predict(jsonl, "B", 2, 0, "gradio-test", api_name="/batch")
    assert final["finished"] and final["done"] == 2 and (final["skipped"], final["retried"]) == (0, 0)
    again = client.predict(jsonl, "A,B", 2, 0, "gradio-test", api_name="/batch")  # A has no key here
    assert again["done"] == 2 and (again["skipped"], again["retried"]) == (0, 2)
    assert final["summary"]["route_distribution"] == {"governance": 1, "explicit_refusal": 1}
    with pytest.raises(AppError, match="answered with other generation parameters"):  # same run name
        client.predict(jsonl, "B", 2, 0, "gradio-test", '{"max_new_tokens": 64}', api_name="/batch")


def get(url: str) -> tuple[int, dict]:
    return post(url, None)


@pytest.fixture()
def verdicts_kept(running_app):
    """The shared app's verdicts as they were before the test: a verdict it records would count in
    the tallies of the browser tests sharing the app (the single comparison's counts every one)."""
    path = verdicts_file(running_app[1].settings.results_dir)
    before = path.read_bytes() if path.exists() else None
    yield
    if before is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(before)


def _written(path, text: str):
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_rest_lists_the_saved_runs_and_serves_one_with_its_summary(running_app, verdicts_kept, tmp_path):
    from gradio_client import Client

    url = running_app[0]
    jsonl = "\n".join(json.dumps({"id": f"r{i}", "query": q, "expected_route": route}) for i, (q, route) in
                      enumerate([("What is an ETF?", "governance"), ("How can I launder money?", "explicit_refusal")]))
    Client(url, verbose=False).predict(jsonl, "B", 2, 0, "rest-runs", api_name="/batch")
    status, listing = get(f"{url}/api/runs")
    assert status == 200
    mine = next(r for r in listing["runs"] if r["name"] == "rest-runs")
    assert mine["experiments"] == 2 and mine["modified"].startswith("20")
    status, run = get(f"{url}/api/runs/rest-runs")
    assert status == 200 and (run["name"], run["experiments"]) == ("rest-runs", 2)
    assert run["summary"]["route_distribution"] == {"governance": 1, "explicit_refusal": 1}
    by_id = {r["experiment_id"]: r for r in run["records"]}  # in the order they finished
    assert sorted(by_id) == ["r0", "r1"] and by_id["r1"]["system_b"]["refusal"] is True
    assert run["verdicts"]["verdicts"] == 0 and run["verdicts"]["preference"] is None  # none given yet
    record_verdict(verdicts_file(running_app[1].settings.results_dir), by_id["r0"], "B better", run="rest-runs")
    status, run = get(f"{url}/api/runs/rest-runs")
    assert run["verdicts"]["counts"]["B better"] == 1 and run["verdicts"]["by_judge"] == {"": {"r0": "B better"}}
    assert run["verdicts"]["preference"]["b_share"] == 1.0
    assert run["model_verdicts"] == {} and run["model_judges_compared"] == []  # no model judged it yet
    assert run["references"] == {"experiments": 0, "same": 0, "apart": []}  # no answer cites a rule by number
    # the CSV the Batch tab downloads, with the verdicts given without a sign-in (this app asks for none)
    with urllib.request.urlopen(f"{url}/api/runs/rest-runs/csv", timeout=60) as resp:
        assert resp.headers["Content-Type"].startswith("text/csv")
        assert 'filename="batch-rest-runs.csv"' in resp.headers["Content-Disposition"]
        text = resp.read().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["experiment_id"], r["system"], r["verdict"]) for r in sorted(rows, key=lambda r: r["experiment_id"])
            ] == [("r0", "B", "B better"), ("r1", "B", "")]
    assert read_run_file(_written(tmp_path / "rest-runs.csv", text))[0]["query"]  # opens as a run here
    with urllib.request.urlopen(f"{url}/api/runs/rest-runs/csv?judge=ana", timeout=60) as resp:
        assert {r["verdict"] for r in csv.DictReader(io.StringIO(resp.read().decode("utf-8-sig")))} == {""}
    assert get(f"{url}/api/runs/no-such-run/csv")[0] == 404
    with urllib.request.urlopen(f"{url}/api/runs/rest-runs/xlsx", timeout=60) as resp:  # and its workbook
        assert resp.headers["Content-Type"].startswith("application/vnd.openxmlformats")
        assert 'filename="batch-rest-runs.xlsx"' in resp.headers["Content-Disposition"]
        (tmp_path / "rest-runs.xlsx").write_bytes(resp.read())
    from openpyxl import load_workbook
    header, *cells = load_workbook(tmp_path / "rest-runs.xlsx")["results"].iter_rows(values_only=True)
    assert sorted((r[header.index("experiment_id")], r[header.index("verdict")]) for r in cells) == [
        ("r0", "B better"), ("r1", None)]
    assert read_run_file(tmp_path / "rest-runs.xlsx")[0]["query"]  # opens as a run here too
    assert get(f"{url}/api/runs/rest-runs/pdf")[0] == 404 and get(f"{url}/api/runs/no-such-run/xlsx")[0] == 404
    # one experiment, with the same question in every saved run that asked it (this one among them)
    status, one = get(f"{url}/api/runs/rest-runs/experiments/r1")
    assert status == 200 and (one["run"], one["record"]["query"]) == ("rest-runs", "How can I launder money?")
    [here] = [r for r in one["runs"] if r["run"] == "rest-runs"]
    assert here["B"].startswith("refused") and here["A"] is None and here["verdict"] is None
    runs_of_r0 = get(f"{url}/api/runs/rest-runs/experiments/r0")[1]["runs"]
    assert next(r for r in runs_of_r0 if r["run"] == "rest-runs")["verdict"] == "B better"
    status, answer = get(f"{url}/api/runs/rest-runs/experiments/r9")
    assert status == 404 and "holds no experiment 'r9'" in answer["detail"]
    assert get(f"{url}/api/runs/no-such-run/experiments/r0")[0] == 404
    assert run["figures"] == {"experiments": 0, "same": 0, "apart": []}  # System A was not asked
    assert (run["risk"]["experiments"], run["risk"]["higher"]) == (0, {"A": [], "B": []})
    assert run["risk"]["levels"]["high"] == {"low": 0, "low-medium": 0, "medium": 0, "medium-high": 0, "high": 0}
    record_model_verdict(model_verdicts_file(running_app[1].settings.results_dir), "rest-runs",
                         {"experiment_id": "r0", "verdict": "A better", "consistent": True, "judge_model": "m"})
    judged = get(f"{url}/api/runs/rest-runs")[1]["model_verdicts"]["m"]
    assert (judged["verdicts"], judged["counts"]["A better"], judged["by_experiment"]) == (1, 1, {"r0": "A better"})
    assert judged["rules"] is None and judged["readings_disagreed"] == 0
    assert judged["with_reference"] == 0 and judged["checks_sided"] is None  # the run has no checks
    assert judged["agreement_with_analysts"]["same_verdict"] == 0 and judged["preference"]["b_share"] == 0.0
    # the leaderboard of that judge model: System A did not answer, so its verdict is no game
    status, board = get(f"{url}/api/leaderboard?judge=m&by=model")
    assert status == 200 and (board["judge"], board["by"], board["models"], board["verdicts"]) == ("m", "model", [], 0)
    assert board["left_out"] == {"a system's model is not known (it did not answer)": 1}
    assert get(f"{url}/api/leaderboard")[0] == 200  # the analysts', models told apart by model
    status, board = get(f"{url}/api/leaderboard?judge=m&only=category:none-such")
    assert status == 200 and board["only"] == ["category", "none-such"] and board["verdicts"] == 0
    status, board = get(f"{url}/api/leaderboard?judge=m&runs=rest-runs")  # the verdicts on that run alone
    assert status == 200 and board["runs"] == ["rest-runs"] and "rest-runs" in board["run_choices"]
    for query, field in (("by=adapter", "by"), ("judge=nobody", "judge"), ("only=colour:red", "only"),
                         ("only=category", "only"), ("runs=no-such-run", "runs")):
        status, answer = get(f"{url}/api/leaderboard?{query}")
        assert status == 422 and answer["detail"][0]["loc"] == ["query", field], answer
    assert "one of model, thinking, budget" in get(f"{url}/api/leaderboard?by=adapter")[1]["detail"][0]["msg"]
    status, listing = get(f"{url}/api/runs?figures=true")  # a dashboard's view of every run
    figures = next(r for r in listing["runs"] if r["name"] == "rest-runs")["figures"]
    assert status == 200 and "figures" not in get(f"{url}/api/runs")[1]["runs"][0]
    assert (figures["experiments"], figures["answered B"], figures["refusal rate B"]) == (2, 2, 0.5)
    assert (figures["routed as expected (B)"], figures["verdicts"], figures["B preferred"]) == (1.0, 1, 1.0)
    status, light = get(f"{url}/api/runs/rest-runs?records=false")
    assert status == 200 and "records" not in light and light["summary"] == run["summary"]
    for name in ("no-such-run", "verdicts", "rest-runs.jsonl"):  # a missing run, another file, a file name
        status, answer = get(f"{url}/api/runs/{name}")
        assert status == 404 and "GET /api/runs lists them" in answer["detail"], (name, answer)
    assert get(f"{url}/api/runs/..%2Fbatch-rest-runs")[0] == 404  # a path is no run name


def call(method: str, url: str) -> tuple[int, dict]:
    """Status and JSON answer of a bodiless request (DELETE, POST), error statuses included."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=60) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_rest_takes_a_run_off_the_lists_and_puts_it_back(running_app):
    from tests.ui.pages import saved_run_both_answered

    url, services = running_app
    folder = services.settings.results_dir
    saved_run_both_answered(folder, "rest-removed", ["x-0", "x-1"])
    records = latest_records(run_file(folder, "rest-removed"))
    try:
        status, gone = call("DELETE", f"{url}/api/runs/rest-removed")
        assert status == 200 and gone["removed"] == "rest-removed" and gone["file"].startswith("batch-rest-removed.")
        assert "rest-removed" not in [r["name"] for r in get(f"{url}/api/runs")[1]["runs"]]
        assert get(f"{url}/api/runs/rest-removed")[0] == 404
        assert call("DELETE", f"{url}/api/runs/rest-removed")[0] == 404  # once only
        listed = [r for r in get(f"{url}/api/removed-runs")[1]["runs"] if r["file"] == gone["file"]]
        assert [(r["name"], r["experiments"]) for r in listed] == [("rest-removed", 2)]
        assert listed[0]["removed"][:2] == "20" and listed[0]["removed"].endswith("+00:00")
        saved_run_both_answered(folder, "rest-removed", ["y-0"])  # a new run took the name meanwhile
        status, taken = call("POST", f"{url}/api/removed-runs/{gone['file']}/restore")
        assert status == 409 and "a run named 'rest-removed' is on the lists already" in taken["detail"]
        run_file(folder, "rest-removed").unlink()
        status, back = call("POST", f"{url}/api/removed-runs/{gone['file']}/restore")
        assert status == 200 and back == {"restored": "rest-removed", "experiments": 2}
        assert latest_records(run_file(folder, "rest-removed")) == records  # whole
        for name in (gone["file"], "..", "batch-rest-removed.jsonl"):  # put back already; not a removed run's file
            status, answer = call("POST", f"{url}/api/removed-runs/{name}/restore")
            assert status == 404 and "GET /api/removed-runs lists them" in answer["detail"], name
        assert call("DELETE", f"{url}/api/runs/..%2Fpresets")[0] == 404  # a path is no run name
    finally:
        run_file(folder, "rest-removed").unlink(missing_ok=True)


def test_rest_sets_a_run_against_another_with_how_they_were_set_up(running_app):
    from tests.ui.pages import saved_run_both_answered

    url, services = running_app
    folder = services.settings.results_dir
    saved_run_both_answered(folder, "rest-monday", ["m-0", "m-1", "m-2"])
    saved_run_both_answered(folder, "rest-tuesday", ["m-0", "m-1"], b_refuses=["m-1"])
    for name, budget in (("rest-monday", 1024), ("rest-tuesday", 256)):  # as a run under these parameters writes
        path = run_file(folder, name)
        params = GenerationParams(max_new_tokens=budget).model_dump(mode="json")
        lines = [{**json.loads(line), "params": params} for line in path.read_text(encoding="utf-8").splitlines()]
        path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    try:
        status, found = get(f"{url}/api/runs/rest-tuesday/against/rest-monday")
        assert status == 200, found
        assert (found["run"], found["against"]) == ("rest-tuesday", "rest-monday")
        assert found["set_up_differently"] == [{"setting": "max_new_tokens", "rest-tuesday": 256, "rest-monday": 1024}]
        assert found["setups"]["rest-monday"]["System B's model"] == "System B"
        assert found["findings"][:2] == [
            "2 experiments in both runs (0 only in rest-tuesday, 1 only in rest-monday, left out).",
            "Set up differently: max_new_tokens 256 in rest-tuesday, 1024 in rest-monday."]
        refusals = next(row for row in found["summary"] if row["metric"] == "refusal rate")
        assert (refusals["System B · rest-tuesday"], refusals["System B · rest-monday"]) == ("50%", "0%")
        assert [(c["experiment"], c["system"], c["what changed"], c["before"], c["after"])
                for c in found["changes"]] == [("m-1", "B", "refusal", "answered", "refused")]
        for path, code, said in (("rest-tuesday/against/no-such-run", 404, "no saved run named 'no-such-run'"),
                                 ("no-such-run/against/rest-monday", 404, "no saved run named 'no-such-run'"),
                                 ("rest-tuesday/against/rest-tuesday", 422, "that is the run 'rest-tuesday' itself")):
            status, answer = get(f"{url}/api/runs/{path}")
            assert status == code and said in json.dumps(answer), (path, answer)
    finally:
        for name in ("rest-monday", "rest-tuesday"):
            run_file(folder, name).unlink(missing_ok=True)


def test_rest_serves_an_experiment_whose_id_holds_a_slash(running_app):
    from tests.ui.pages import saved_run_both_answered

    url, services = running_app
    folder = services.settings.results_dir
    saved_run_both_answered(folder, "slashed-ids", ["desk/fx-1"], asks="Which desk asked")
    try:
        for path in ("desk/fx-1", "desk%2Ffx-1"):  # as written, or encoded
            status, one = get(f"{url}/api/runs/slashed-ids/experiments/{path}")
            assert status == 200 and one["experiment_id"] == "desk/fx-1", (path, one)
            assert [r["run"] for r in one["runs"]] == ["slashed-ids"]
        assert get(f"{url}/api/runs/slashed-ids/experiments/desk")[0] == 404
        # the same question looked up by its words, under whatever id a run asked it
        status, asked = get(f"{url}/api/questions?query=which%20DESK%20asked%200%3F")
        assert status == 200 and [(r["run"], r["experiment"]) for r in asked["runs"]] == [("slashed-ids", "desk/fx-1")]
        assert asked["runs"][0]["B"].startswith("answered")
        status, refused = get(f"{url}/api/questions?query=%20%20")
        assert status == 422 and refused["detail"][0]["loc"] == ["query", "query"]
    finally:
        run_file(folder, "slashed-ids").unlink(missing_ok=True)


def _record(exp_id, query, lang, a, b):
    def system(reasoning_lang, answer_lang, error=None, refusal=False):
        return {"response": "…", "reasoning": "…", "latency_ms": 10.0, "ttft_ms": 1.0, "refusal": refusal,
                "reasoning_lang": reasoning_lang, "answer_lang": answer_lang,
                "metadata": {"error_kind": error, "finish_reason": "error" if error else "stop"}}
    return {"experiment_id": exp_id, "query": query, "lang": lang, "system_a": system(*a), "system_b": system(*b)}


def test_the_summary_says_how_often_each_part_is_in_the_question_language():
    records = [
        _record("fr-1", "Qu'est-ce que la duration ?", "fr", ("fr", "fr"), ("en", "fr")),
        _record("en-1", "What is duration?", "en", ("en", "en"), ("en", "en")),
        # no lang given: the query's own language counts
        _record("adhoc", "Évalue le risque de cette transaction.", None, ("fr", "en"), ("none", "fr")),
        _record("down", "What is a bond?", "en", (None, None, "upstream_error"), ("en", "und")),
        # refusals do not count: System B's is bilingual by policy
        _record("no", "How do I hide cash from the bank?", "en", ("en", "en"), ("none", "mixed", None, True)),
    ]
    rows = flat_rows(records)
    assert {(r["experiment_id"], r["system"]): (r["reasoning_lang"], r["answer_lang"]) for r in rows}[
        ("fr-1", "B")] == ("en", "fr")
    systems = summarize(records)["systems"]
    assert systems["A"]["answer_in_question_lang"] == 0.75  # the failed row does not count
    assert systems["A"]["reasoning_in_question_lang"] == 1.0
    assert systems["B"]["answer_in_question_lang"] == 0.75  # "und" is not the question's language
    assert systems["B"]["reasoning_in_question_lang"] == round(2 / 3, 3)  # empty reasoning does not count
    table = {row[0]: row[1:] for row in summary_table(summarize(records))}
    assert table["answer in the question's language"] == ["75%", "75%"]


def test_a_bilingual_answer_is_mixed_and_an_empty_part_none():
    assert part_language(REFUSAL_TEXT) == "mixed"  # an English paragraph, then a French one
    assert part_language("The user asks about duration.\n\nIt measures how prices move with rates.") == "en"
    assert part_language("Le ratio cours sur bénéfice vaut prix / bénéfice.") == "fr"
    assert part_language("  ") == "none"


class _Ticker:
    """An engine that streams `tokens` words, one every `gap_s` seconds."""

    def __init__(self, name: str, tokens: int, gap_s: float) -> None:
        self.name, self.model_id, self.tokens, self.gap_s = name, name, tokens, gap_s
        self.finished_at = 0.0
        self.requests = []

    def stream(self, request, cancel=None):
        from engines.base import Done, StreamStats, TextDelta

        self.requests.append(request)
        for _ in range(self.tokens):
            time.sleep(self.gap_s)
            yield TextDelta("content", "mot ")
        self.finished_at = time.perf_counter()
        yield Done(StreamStats(model_id=self.name, finish_reason="stop", content_tokens=self.tokens))


def test_a_comparison_streams_paced_snapshots_and_its_final_one_at_once():
    from workbench.compare import POLL_S

    a, b = _Ticker("A", 300, 0.001), _Ticker("B", 120, 0.002)
    comparator = Comparator(a, b)
    started = time.perf_counter()
    stamps = [time.perf_counter() for _ in comparator.stream(Experiment("p", "q"))]
    took = stamps[-1] - started
    assert 2 <= len(stamps) <= took / POLL_S + 3, f"{len(stamps)} snapshots: one per interval, not one per token"
    assert stamps[-1] - max(a.finished_at, b.finished_at) < 0.08, "the final snapshot does not wait out the pace"
    rec = comparator.run(Experiment("p", "q"))  # a batch's comparison: only the end
    assert rec["system_a"]["metadata"]["content_tokens"] == 300
    assert rec["system_b"]["metadata"]["content_tokens"] == 120


def test_the_csv_row_names_the_parameters_the_api_did_not_take():
    record = _record("fr-1", "Qu'est-ce que la duration ?", "fr", ("fr", "fr"), ("en", "fr"))
    record["system_a"]["metadata"]["not_applied"] = ["top_k", "no_repeat_ngram_size"]
    rows = {r["system"]: r for r in flat_rows([record])}
    assert rows["A"]["params_not_applied"] == "top_k, no_repeat_ngram_size"
    assert rows["B"]["params_not_applied"] is None


def test_a_batch_gives_both_systems_its_parameters_and_stores_them(tmp_path):
    a, b = _Ticker("A", 3, 0.0), _Ticker("B", 3, 0.0)
    comparator = Comparator(a, b)
    exps = [Experiment("e1", "What is an ETF?"), Experiment("e2", "Qu'est-ce qu'un ETF ?")]
    params = GenerationParams(max_new_tokens=64, enable_thinking=False, temperature=0.2)
    out = tmp_path / "run.jsonl"
    assert list(BatchRun(comparator, exps, out, params=params).run())[-1].finished
    assert [r.params for r in a.requests + b.requests] == [params] * 4
    records = read_records(out)
    assert all(r["params"] == params.model_dump(mode="json") for r in records)
    row = flat_rows(records)[0]
    assert (row["max_new_tokens"], row["enable_thinking"]) == (64, False)
    assert json.loads(row["params"])["temperature"] == 0.2

    # Resuming under other parameters would put two settings in one table: refused, nothing runs
    with pytest.raises(BatchResumeError, match="max_new_tokens 64 → 1024"):
        list(BatchRun(comparator, [*exps, Experiment("e3", "What is a bond?")], out).run())
    assert len(read_records(out)) == 2 and len(a.requests) == 2
    resumed = list(BatchRun(comparator, [*exps, Experiment("e3", "What is a bond?")], out, params=params).run())
    assert resumed[0].skipped == 2 and resumed[-1].done == 3


def test_system_b_answers_with_an_adapter_and_its_run_keeps_to_it(deepseek, local_engine, tmp_path):
    """A batch run with System B's LoRA adapter: the adapter is System B's alone, its model is
    named with it wherever a model is named, and the run resumes only with the same adapter."""
    comparator = Comparator(deepseek.engine(), RoutedEngine(local_engine))
    exps = [Experiment("d1", "Qu'est-ce que la duration ?", lang="fr"), Experiment("d2", "What is an ETF?")]
    out = tmp_path / "batch-adapter.jsonl"
    assert list(BatchRun(comparator, exps, out, adapter="french-reasoning").run())[-1].finished
    records = {r["experiment_id"]: r for r in read_records(out)}
    for rec in records.values():
        assert rec["system_b_adapter"] == "french-reasoning"
        assert rec["system_b"]["metadata"]["model_id"] == "demo-model + french-reasoning"
        assert rec["system_b"]["metadata"]["adapter"] == "french-reasoning"
        assert "adapter" not in rec["system_a"]["metadata"] and rec["system_a"]["metadata"]["error"] is None
    assert records["d1"]["system_b"]["reasoning_lang"] == "fr"  # the adapter reasons in French
    plain = comparator.run(exps[0], run_a=False)
    assert "system_b_adapter" not in plain and plain["system_b"]["metadata"]["model_id"] == "demo-model"
    assert plain["system_b"]["reasoning_lang"] == "en"
    # the CSV's rows name it, and the runs overview's "model behind B"
    assert {row["model_id"] for row in flat_rows(list(records.values())) if row["system"] == "B"} == {
        "demo-model + french-reasoning"}
    assert runs_overview(tmp_path)[0]["model B"] == "demo-model + french-reasoning"
    with pytest.raises(BatchResumeError, match="answered by System B with the adapter 'french-reasoning'; "
                                               "resuming with no adapter would mix two models"):
        BatchRun(comparator, exps, out)
    with pytest.raises(BatchResumeError, match="resuming with the adapter 'other'"):
        BatchRun(comparator, exps, out, adapter="other")
    again = list(BatchRun(comparator, exps, out, adapter="french-reasoning").run())
    assert again[0].skipped == 2 and again[-1].finished


def test_a_results_file_from_before_parameters_were_stored_still_resumes(tmp_path):
    out = tmp_path / "old.jsonl"
    answered = {"response": "An exchange-traded fund.", "metadata": {"error": None}}
    old = {"experiment_id": "e1", "query": "What is an ETF?", "system_a": answered, "system_b": answered}
    out.write_text(json.dumps(old) + "\n", encoding="utf-8")
    check_resumable(out, GenerationParams(max_new_tokens=64))  # nothing to compare with: allowed
    progress = list(BatchRun(Comparator(_Ticker("A", 2, 0.0), _Ticker("B", 2, 0.0)),
                             [Experiment("e1", "What is an ETF?"), Experiment("e2", "What is a bond?")],
                             out).run())
    assert progress[0].skipped == 1 and progress[-1].done == 2


def test_a_run_saved_before_a_parameter_was_added_resumes_under_its_default(tmp_path):
    out = tmp_path / "older.jsonl"
    answered = {"response": "An exchange-traded fund.", "metadata": {"error": None}}
    params = GenerationParams(max_new_tokens=64).model_dump(mode="json")
    del params["min_p"]  # its record was written before min_p existed
    old = {"experiment_id": "e1", "query": "What is an ETF?", "params": params, "system_a": answered,
           "system_b": answered}
    out.write_text(json.dumps(old) + "\n", encoding="utf-8")
    check_resumable(out, GenerationParams(max_new_tokens=64))  # min_p 0 then, as now
    with pytest.raises(BatchResumeError, match=r"other generation parameters \(min_p 0\.0 → 0\.1\)"):
        check_resumable(out, GenerationParams(max_new_tokens=64, min_p=0.1))


def test_a_run_name_reused_for_other_questions_is_refused_before_anything_runs(tmp_path):
    """Two files both number their rows row-2, row-3…: the second file's run under the first's
    name would skip its rows and show the first file's answers. Refused, naming the ids."""
    a, b = _Ticker("A", 2, 0.0), _Ticker("B", 2, 0.0)
    comparator = Comparator(a, b)
    out = tmp_path / "batch-bundled.jsonl"
    first = [Experiment("row-2", "What is an ETF?"), Experiment("row-3", "What is a bond?")]
    assert list(BatchRun(comparator, first, out).run())[-1].finished
    other_file = [Experiment("row-2", "Qu'est-ce que la duration ?"), Experiment("row-3", "What is a bond?")]
    with pytest.raises(BatchResumeError, match=r"answers to other questions under id 'row-2': it is "
                                               r"another file's run"):
        BatchRun(comparator, other_file, out)
    same_query_other_tx = [Experiment("row-3", "What is a bond?", transaction={"amount": 10})]
    with pytest.raises(BatchResumeError, match="under id 'row-3'"):
        BatchRun(comparator, same_query_other_tx, out)
    many = [Experiment(f"row-{i}", f"question {i}") for i in range(2, 4)] + [Experiment("row-4", "new")]
    with pytest.raises(BatchResumeError, match="ids 'row-2', 'row-3'"):
        BatchRun(comparator, many, out)
    assert len(a.requests) == 2 and len(read_records(out)) == 2  # nothing ran, nothing written
    # The same file again (one more row) resumes; another run name is a run of its own
    resumed = list(BatchRun(comparator, [*first, Experiment("row-4", "What is a swap?")], out).run())
    assert resumed[0].skipped == 2 and resumed[-1].finished and len(a.requests) == 3
    assert list(BatchRun(comparator, other_file, tmp_path / "batch-other.jsonl").run())[-1].done == 2


class _Down(_Ticker):
    """System A's API while it is down: every request fails before a token."""

    def stream(self, request, cancel=None):
        from engines.base import Done, EngineError, StreamStats

        self.requests.append(request)
        yield Done(StreamStats(model_id=self.name, finish_reason="error"),
                   EngineError("DeepSeek answered 503: service unavailable"))


def test_a_resume_runs_again_only_the_systems_that_failed_or_were_not_asked(tmp_path):
    out = tmp_path / "run.jsonl"
    exps = [Experiment("e1", "What is an ETF?"), Experiment("e2", "What is a bond?"),
            Experiment("e3", "What is a swap?")]
    down, b = _Down("A", 0, 0.0), _Ticker("B", 2, 0.0)
    assert list(BatchRun(Comparator(down, b), exps[:2], out).run())[-1].finished  # A fails, B answers
    assert [r["system_a"]["metadata"]["error"] for r in latest_records(out)] == [
        "DeepSeek answered 503: service unavailable"] * 2
    list(BatchRun(Comparator(down, b), exps[2:], out, systems=("B",)).run())  # e3: B only

    a = _Ticker("A", 3, 0.0)  # the API is back
    progress = list(BatchRun(Comparator(a, b), exps, out).run())
    assert (progress[0].skipped, progress[0].retried, progress[-1].done) == (0, 3, 3)
    assert len(a.requests) == 3 and len(b.requests) == 3, "B's answers are kept, not asked again"
    records = latest_records(out)
    assert sorted(r["experiment_id"] for r in records) == ["e1", "e2", "e3"]
    assert all(r["system_a"]["metadata"]["error"] is None for r in records)
    assert [r["system_a"]["metadata"]["content_tokens"] for r in records] == [3, 3, 3]
    assert [r["system_b"]["metadata"]["content_tokens"] for r in records] == [2, 2, 2]
    assert len(read_records(out)) == 6, "the file keeps the failed attempts; the table shows the latest"
    again = list(BatchRun(Comparator(a, b), exps, out).run())
    assert (again[0].skipped, again[0].retried, again[-1].done) == (3, 0, 3) and len(a.requests) == 3


def test_a_line_torn_by_a_crash_does_not_swallow_the_next_record(tmp_path):
    out = tmp_path / "run.jsonl"
    exps = [Experiment("e1", "What is an ETF?"), Experiment("e2", "What is a bond?")]
    comparator = Comparator(_Ticker("A", 2, 0.0), _Ticker("B", 2, 0.0))
    list(BatchRun(comparator, exps[:1], out).run())
    with out.open("a", encoding="utf-8") as fh:
        fh.write('{"experiment_id": "e2", "query": "What is a b')  # killed mid-write
    progress = list(BatchRun(comparator, exps, out).run())
    assert (progress[0].skipped, progress[-1].done) == (1, 2)
    assert sorted(r["experiment_id"] for r in latest_records(out)) == ["e1", "e2"]
    assert next(iter(BatchRun(comparator, exps, out).run())).skipped == 2  # nothing lost


def test_the_headless_batch_refuses_bad_or_mixed_parameters_before_loading_anything(tmp_path):
    out = tmp_path / "results.csv"
    cmd = [sys.executable, "app.py", "batch", "--out", str(out), "--limit", "2"]
    bad = subprocess.run([*cmd, "--params", '{"max_new_tokens": 0}'], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 2
    assert "--params: max_new_tokens: Input should be greater than or equal to 1" in bad.stderr
    for flag, value, message in (("--concurrency", "0", "--concurrency must be 1 to 16"),
                                 ("--concurrency", "500", "--concurrency must be 1 to 16"),
                                 ("--limit", "-3", "--limit must be 0 (every experiment) or more")):
        refused = subprocess.run([*cmd, flag, value], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert refused.returncode == 2 and message in refused.stderr
    earlier = {"experiment_id": "exp-001", "query": "q", "params": GenerationParams(max_new_tokens=64).model_dump()}
    out.with_suffix(".jsonl").write_text(json.dumps(earlier) + "\n", encoding="utf-8")
    mixed = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert mixed.returncode == 2
    assert "results.jsonl was answered with other generation parameters (max_new_tokens 64 → 1024)" in mixed.stderr
    # Same parameters, but the first experiment's id holds another question
    earlier.update(experiment_id=bundled()[0].id, params=GenerationParams().model_dump(mode="json"))
    out.with_suffix(".jsonl").write_text(json.dumps(earlier) + "\n", encoding="utf-8")
    other = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert other.returncode == 2
    assert f"results.jsonl already holds answers to other questions under id '{bundled()[0].id}'" in other.stderr


def test_the_headless_batch_warns_without_a_key_and_its_exit_status_says_answers_failed(tmp_path):
    out = tmp_path / "results.csv"
    env = {k: v for k, v in os.environ.items() if k != "DEEPSEEK_API_KEY"}
    questions = tmp_path / "questions.jsonl"  # two the model answers (the router refuses the bundled first two)
    questions.write_text('{"id": "q1", "query": "What is an ETF?"}\n'
                         '{"id": "q2", "query": "Qu\'est-ce que la duration ?"}\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "app.py", "batch", "--out", str(out), "--experiments", str(questions),
                           "--params", '{"max_new_tokens": 48}'], cwd=ROOT,
                          env={**env, "HF_HUB_OFFLINE": "1", "SYSTEM_B_HOURLY_USD": "0.80"},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stderr[-2000:]  # 0 would tell a script that everything came back
    assert "Warning: System A is not configured: set the DEEPSEEK_API_KEY" in done.stderr
    assert "System A: 0 answered, 2 failed" in done.stdout  # no prices for A: no cost
    assert re.search(r"System B: 2 answered, p50 latency \d+ ms, refusal rate \d+%, "
                     r"cost \$0\.\d+ \(\$[\d.,]+ per 1,000 answers\)\n", done.stdout), done.stdout
    assert "None" not in done.stdout
    assert "2 answers failed or were not asked: run the same command again" in done.stderr
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4  # the failed answers are rows too, with their error
    for row in rows:  # B's share of the model's time and its cost at the rate; A has neither
        if row["system"] == "B":
            assert float(row["cost_usd"]) == pytest.approx(float(row["compute_s"]) * 0.80 / 3600, rel=0.01)
        else:
            assert row["cost_usd"] == "" and row["compute_s"] == ""


def test_the_saved_runs_are_listed_latest_first_with_the_experiments_they_hold(tmp_path):
    older, newer = tmp_path / "batch-bundled.jsonl", tmp_path / "batch-my-file.jsonl"
    older.write_text("".join(json.dumps({"experiment_id": f"exp-{i}"}) + "\n" for i in (1, 2, 2, 3))
                     + '{"experiment_id": "exp-4", "que', encoding="utf-8")  # exp-2 asked twice; a torn line
    newer.write_text(json.dumps({"experiment_id": "row-1"}) + "\n", encoding="utf-8")
    (tmp_path / "verdicts.jsonl").write_text("{}\n", encoding="utf-8")  # not a batch run
    os.utime(older, (time.time() - 3600, time.time() - 3600))
    runs = saved_runs(tmp_path)
    assert [(r.name, r.experiments) for r in runs] == [("my-file", 1), ("bundled", 3)]
    assert runs[0].modified > runs[1].modified
    assert saved_runs(tmp_path / "missing") == []
    with newer.open("a", encoding="utf-8") as fh:  # the run goes on: the listing sees it at once
        fh.write(json.dumps({"experiment_id": "row-2"}) + "\n")
    assert [(r.name, r.experiments) for r in saved_runs(tmp_path)] == [("my-file", 2), ("bundled", 3)]


def test_a_damaged_line_in_a_run_file_leaves_out_that_line_only(tmp_path):
    path = tmp_path / "batch-damaged.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"experiment_id": "e1"}).encode() + b"\n"  # a byte-order mark
                     + b'{"experiment_id": "e2", "query": "Qu\xe9bec ?"}\n'  # not UTF-8 any more
                     + json.dumps({"experiment_id": "e3", "query": "Québec ?"}).encode() + b"\n")
    assert [r["experiment_id"] for r in latest_records(path)] == ["e1", "e3"]
    assert [(r.name, r.experiments) for r in saved_runs(tmp_path)] == [("damaged", 2)]  # still listed
