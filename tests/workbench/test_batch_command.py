"""`python app.py batch --run NAME`: a headless batch kept as one of the app's saved runs."""

from __future__ import annotations

import csv
import json

import pytest

from workbench.batch_command import run_batch
from workbench.batch_store import latest_records, run_file, saved_runs


def _questions(tmp_path):
    path = tmp_path / "questions.jsonl"
    path.write_text('{"id": "q1", "query": "What is an ETF?"}\n'
                    '{"id": "q2", "query": "Qu\'est-ce que la duration ?"}\n', encoding="utf-8")
    return path


def test_a_headless_run_under_a_name_is_a_saved_run_the_app_lists_and_resumes(tmp_path, capsys, demo_model_dir):
    runs = tmp_path / "runs"
    argv = ["--run", "nightly", "--experiments", str(_questions(tmp_path)), "--systems", "B",
            "--params", '{"max_new_tokens": 32}', "--model", str(demo_model_dir), "--results-dir", str(runs)]
    assert run_batch(argv) == 0
    printed = capsys.readouterr().out
    saved = run_file(runs, "nightly")
    assert f"2 experiments, 2 rows -> {saved}" in printed
    assert "Saved as the batch run 'nightly': the app's Batch tab opens it" in printed
    assert [(r.name, r.experiments) for r in saved_runs(runs)] == [("nightly", 2)]  # the tab's list
    first = latest_records(saved)
    assert all(not r["system_b"]["metadata"].get("error") and r["params"]["max_new_tokens"] == 32 for r in first)
    assert not list(tmp_path.glob("*.csv")), "no CSV without --out"
    assert "By " not in printed  # no breakdown unless asked for
    # the same command again resumes: nothing is asked again, and --out adds the CSV; --by prints
    # the figures per question language (System B's only: A was not asked)
    out = tmp_path / "nightly.csv"
    assert run_batch([*argv, "--out", str(out), "--by", "language"]) == 0
    printed = capsys.readouterr().out
    assert f"2 experiments, 2 rows -> {out} and {saved}" in printed
    by = printed[printed.index("By question language:"):].splitlines()
    assert by[1].split() == ["question", "language", "en", "fr", "(all)"]
    assert by[2].split() == ["experiments", "1", "1", "2"] and by[3].split() == ["answered", "B", "1", "1", "2"]
    assert not any(line.startswith("answered A") for line in by)
    assert latest_records(saved) == first
    assert len(saved.read_text(encoding="utf-8").splitlines()) == 2
    assert out.read_text(encoding="utf-8-sig").count("\nq") == 2  # a row per experiment for System B
    assert not (tmp_path / "nightly.jsonl").exists(), "the answers stay in the saved run only"
    # the same questions from an Excel workbook, the results written as one: nothing asked again
    from openpyxl import Workbook, load_workbook
    book = Workbook()
    for row in (["id", "query"], ["q1", "What is an ETF?"], ["q2", "Qu'est-ce que la duration ?"]):
        book.active.append(row)
    book.save(tmp_path / "questions.xlsx")
    workbook = tmp_path / "nightly.xlsx"
    at = argv.index("--experiments") + 1
    assert run_batch([*argv[:at], str(tmp_path / "questions.xlsx"), *argv[at + 1:], "--out", str(workbook)]) == 0
    assert f"2 experiments, 2 rows -> {workbook} and {saved}" in capsys.readouterr().out
    assert latest_records(saved) == first
    written = load_workbook(workbook)
    assert written.sheetnames == ["results", "summary"]
    header, *rows = written["results"].iter_rows(values_only=True)
    assert sorted((row[header.index("experiment_id")], row[header.index("system")]) for row in rows) == [
        ("q1", "B"), ("q2", "B")]


@pytest.mark.parametrize(("flags", "message"), [
    ([], "Give --out FILE.csv, --run NAME (a saved run the app opens), or both"),
    (["--run", "night run"], "--run takes a name of letters, digits, - and _ (up to 60), not 'night run'"),
    (["--run", ""], "--run takes a name of letters, digits, - and _"),
])
def test_the_headless_batch_needs_somewhere_to_keep_its_answers(tmp_path, capsys, flags, message):
    assert run_batch(["--systems", "B", "--results-dir", str(tmp_path / "runs"), *flags]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_a_named_run_is_refused_when_it_holds_other_questions_under_the_same_ids(tmp_path, capsys):
    runs = tmp_path / "runs"
    runs.mkdir()
    run_file(runs, "nightly").write_text(json.dumps({"experiment_id": "q1", "query": "What is a bond?"}) + "\n",
                                         encoding="utf-8")
    status = run_batch(["--run", "nightly", "--experiments", str(_questions(tmp_path)), "--systems", "B",
                        "--results-dir", str(runs)])
    assert status == 2
    assert "already holds answers to other questions under id 'q1'" in capsys.readouterr().err


def test_a_named_run_whose_results_folder_cannot_be_written_is_refused_before_loading(tmp_path, capsys):
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    assert run_batch(["--run", "nightly", "--systems", "B", "--results-dir", str(blocked / "runs")]) == 2
    assert f"--run: the results folder {blocked / 'runs'} cannot be written (" in capsys.readouterr().err


def test_the_closing_lines_set_a_and_b_side_by_side_on_the_same_experiments(tmp_path, capsys):
    import argparse

    from tests.workbench.test_checks import _checked_record
    from workbench.batch_command import _report

    refusal = "Je ne peux pas vous aider : cela reviendrait à dissimuler un virement."
    expect = {"contains": "5 pour cent"}
    records = [_checked_record(f"e{i}", "Il est de 5 pour cent.", "Il est de 4 pour cent.", expect) for i in range(6)]
    records.append(_checked_record("e6", "Il est de 5 pour cent.", refusal, expect))
    args = argparse.Namespace(out=None, run=None, by=None, min_pass_rate=None, report=tmp_path / "night.html")
    assert _report(args, ("A", "B"), tmp_path / "r.jsonl", records) == 0
    page = (tmp_path / "night.html").read_text(encoding="utf-8")  # a report named .html is a web page
    assert page.startswith("<!DOCTYPE html>") and "<h1>Batch run <code>r</code></h1>" in page
    printed = capsys.readouterr().out
    assert "Refusals, where A and B differ: B refused 1 that A answered, A 0 that B answered (p = 1" in printed
    assert ("Checks, A and B on the same experiments: on the 7 experiments both answered, every check passed by "
            "both on 0, by A only on 7, by B only on 0, by neither on 0 (exact McNemar test, p = 0.016: unlikely "
            "to be chance)") in printed
    assert ("The answers' figures: of 6 experiments where both answers state figures, the same ones in 0; figures "
            "only one states in 6 (e.g. e0, e1, e2, …)") in printed  # 5 against 4; the refusal set aside
    assert "The risk levels they give" not in printed  # no answer rates a risk
    rated = [_checked_record("t1", "Risk: HIGH.", "Risque : moyen.", {"risk": "high"}),
             _checked_record("t2", "Risk: low.", "Risk: low.", {"risk": "low"})]
    args.report = None
    assert _report(args, ("A", "B"), tmp_path / "t.jsonl", rated) == 0
    assert ("The risk levels they give: of 2 experiments where both answers rate the risk, the same level in 1; "
            "A higher in 1 (e.g. t1)") in capsys.readouterr().out


def test_a_headless_run_is_judged_by_a_model_when_asked(tmp_path, capsys, demo_model_dir):
    from tests.fake_deepseek import FakeDeepSeek
    from workbench.model_judge import judge_name, model_verdicts, model_verdicts_file

    runs, out = tmp_path / "runs", tmp_path / "judged.csv"
    questions = _questions(tmp_path)
    assert run_batch(["--out", str(out), "--judge", "A", "--systems", "B", "--results-dir", str(runs)]) == 2
    assert "--judge keeps the model's verdicts with a saved run: give --run NAME too" in capsys.readouterr().err
    assert run_batch(["--run", "judged", "--judge-rules", "Be strict.", "--results-dir", str(runs)]) == 2
    assert "--judge-rules go with --judge A or --judge B" in capsys.readouterr().err
    with FakeDeepSeek() as server:  # System A: a custom server whose model answers, and judges fairly
        argv = ["--run", "judged", "--experiments", str(questions), "--judge", "A", "--out", str(out),
                "--params", '{"max_new_tokens": 24, "seed": 3}', "--model", str(demo_model_dir),
                "--results-dir", str(runs), "--system-a-provider", "custom", "--system-a-base-url",
                server.base_url, "--system-a-model", "judge"]
        assert run_batch(argv) == 0
        asked = len(server.requests)
        assert asked == 2 + 4  # two answers from System A, then each experiment judged in both orders
        printed = capsys.readouterr().out
        assert run_batch(argv) == 0  # again: nothing asked, nothing judged again
        assert len(server.requests) == asked
        report = tmp_path / "judged.md"
        assert run_batch([*argv, "--judge-rules", "Refuse any tip on a security.", "--report", str(report)]) == 0
        assert len(server.requests) == asked + 4
        printed_again = capsys.readouterr().out
        assert "Its house rules: “Refuse any tip on a security.”" in printed_again
        assert (f"Judge models set against each other: judge and {judge_name('judge', 'Refuse any tip on a security.')}"
                " gave the same verdict on 2 of the 2 experiments both judged") in printed_again
        written = report.read_text(encoding="utf-8")  # the run written up, with both judges' verdicts
        assert written.startswith("# Batch run `judged`") and f"-> {out} and " in printed_again
        assert "**Model verdicts, `judge`:**" in written and "**Judge models set against each other:**" in written
    judged = [r for r in model_verdicts(model_verdicts_file(runs), "judged") if r["judge_model"] == "judge"]
    assert sorted(r["experiment_id"] for r in judged) == ["q1", "q2"]
    assert all(r["judge_model"] == "judge" and r["consistent"] for r in judged)
    assert "Model verdicts (judge): " in printed and "— 2 of the 2 experiments both systems answered" in printed
    assert "Judging run `judged` with `judge` reads 2 experiments (4 readings, about " in printed  # before judging
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))  # the judge that judged last: the one with rules
    assert {r["experiment_id"]: r["model_verdict"] for r in rows} == {r["experiment_id"]: r["verdict"] for r in judged}
    assert {r["model_judge"] for r in rows} == {judge_name("judge", "Refuse any tip on a security.")}


def test_a_headless_run_takes_the_experiments_of_one_group_alone(tmp_path, capsys, demo_model_dir):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"id": "r1", "query": "Risque ?", "category": "risk", "lang": "fr"}\n'
                    '{"id": "g1", "query": "What is governance?", "category": "governance", "lang": "en"}\n'
                    '{"id": "r2", "query": "Risk?", "category": "risk", "lang": "en"}\n', encoding="utf-8")
    runs = tmp_path / "runs"
    argv = ["--run", "risk-only", "--experiments", str(path), "--systems", "B", "--model", str(demo_model_dir),
            "--results-dir", str(runs), "--params", '{"max_new_tokens": 8}']
    assert run_batch([*argv, "--only", "category:risk"]) == 0
    assert sorted(r["experiment_id"] for r in latest_records(run_file(runs, "risk-only"))) == ["r1", "r2"]
    capsys.readouterr()
    assert run_batch([*argv, "--only", "language:en", "--limit", "1", "--run", "en-one"]) == 0
    assert [r["experiment_id"] for r in latest_records(run_file(runs, "en-one"))] == ["g1"]
    capsys.readouterr()
    assert run_batch([*argv, "--only", "colour:red"]) == 2
    assert "--only takes GROUPING:VALUE, GROUPING one of category, expected-route, language, route, not " \
           "'colour:red'" in capsys.readouterr().err
    assert run_batch([*argv, "--only", "category:fraud"]) == 2
    assert "--only: no experiment of" in capsys.readouterr().err


def test_a_headless_run_with_system_bs_adapter(tmp_path, capsys, demo_model_dir):
    runs = tmp_path / "runs"
    argv = ["--run", "fr-adapter", "--experiments", str(_questions(tmp_path)), "--systems", "B",
            "--model", str(demo_model_dir), "--results-dir", str(runs), "--params", '{"max_new_tokens": 16}']
    assert run_batch([*argv, "--system-b-adapter", "nope"]) == 2
    assert ("--system-b-adapter: no adapter named 'nope' is loaded (loaded: french-reasoning)"
            in capsys.readouterr().err)
    assert not run_file(runs, "fr-adapter").exists()
    assert run_batch([*argv, "--system-b-adapter", "french-reasoning"]) == 0
    records = latest_records(run_file(runs, "fr-adapter"))
    assert {r["system_b_adapter"] for r in records} == {"french-reasoning"}
    assert {r["system_b"]["metadata"]["model_id"] for r in records} == {"demo-model + french-reasoning"}
    capsys.readouterr()
    assert run_batch(argv) == 2  # resumed without it: two models in one table
    assert "answered by System B with the adapter 'french-reasoning'" in capsys.readouterr().err


def test_a_headless_run_reads_system_bs_answers_back_and_its_csv_keeps_the_reading(tmp_path, capsys, demo_model_dir):
    from workbench.run_files import read_run_file

    runs, out = tmp_path / "runs", tmp_path / "read.csv"
    argv = ["--run", "read-back", "--experiments", str(_questions(tmp_path)), "--systems", "B", "--out", str(out),
            "--model", str(demo_model_dir), "--results-dir", str(runs), "--params", '{"temperature": 0}', "--read-back"]
    assert run_batch(argv) == 0
    assert "Figures System B's model was unsure of: " in capsys.readouterr().out
    records = latest_records(run_file(runs, "read-back"))
    for rec in records:
        reading = rec["system_b"]["confidence"]
        assert 0 < reading["sure_share"] <= 1 and isinstance(reading["unsure_figures"], list)
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert all(row["unsure_figures"] and row["sure_share"] and json.loads(row["confidence"]) for row in rows)
    reopened = {r["experiment_id"]: r["system_b"]["confidence"] for r in read_run_file(out)}
    assert reopened == {r["experiment_id"]: r["system_b"]["confidence"] for r in records}  # a colleague's CSV too


def test_a_headless_run_keeps_the_figures_system_as_provider_was_unsure_of(tmp_path, capsys, demo_model_dir,
                                                                          monkeypatch):
    from tests.fake_deepseek import FakeDeepSeek
    from workbench.run_files import read_run_file

    monkeypatch.delenv("SYSTEM_A_LOGPROBS", raising=False)
    runs, out = tmp_path / "runs", tmp_path / "lent.csv"
    with FakeDeepSeek() as server:  # its model "figures" writes "12%" at 41%, "15" at 38% beside it
        argv = ["--run", "lent", "--experiments", str(_questions(tmp_path)), "--systems", "A", "--out", str(out),
                "--model", str(demo_model_dir), "--results-dir", str(runs), "--system-a-provider", "custom",
                "--system-a-base-url", server.base_url, "--system-a-model", "figures"]
        assert run_batch(argv) == 0
        assert all(r["body"]["logprobs"] is True for r in server.requests)
    printed = capsys.readouterr().out
    assert ("Figures System A's model was unsure of: 2 of 2 answers with their probabilities have a figure System "
            "A's model was unsure of (the least sure first: q1, q2)") in printed
    records = latest_records(run_file(runs, "lent"))
    for rec in records:  # the reading is kept, not the tokens (a single comparison's, to shade them)
        assert rec["system_a"]["confidence"]["unsure_figures"][0]["figure"] == "12%"
        assert "tokens" not in rec["system_a"]
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [row["unsure_figures"] for row in rows] == ["12% (41%)", "12% (41%)"]
    reopened = {r["experiment_id"]: r["system_a"]["confidence"] for r in read_run_file(out)}
    assert reopened == {r["experiment_id"]: r["system_a"]["confidence"] for r in records}
