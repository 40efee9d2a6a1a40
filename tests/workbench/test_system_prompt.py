"""A system prompt both systems are given in a comparison: asked with, kept with the result, set
against another run, and a run resumed only under the same one."""

from __future__ import annotations

import json

import pytest

from engines.base import Done, StreamStats, TextDelta
from engines.systems import RoutedEngine
from workbench.batch_run import BatchResumeError, BatchRun
from workbench.batch_store import read_records
from workbench.compare import Comparator, Experiment, experiment_of, system_b_request
from workbench.experiments import (
    MAX_SYSTEM_PROMPT_CHARS,
    ExperimentFileError,
    experiment_file,
    load_experiments,
    with_system_prompt,
)
from workbench.export import write_csv
from workbench.run_files import read_run_file
from workbench.summary import flat_rows

HOUSE = "Tu réponds pour l'équipe conformité d'une banque française : cite l'article applicable."


class _Recorder:
    """An engine that answers "ok" and keeps each request it was given."""

    def __init__(self, name: str) -> None:
        self.name = self.model_id = name
        self.requests = []

    def stream(self, request, cancel=None):
        self.requests.append(request)
        yield TextDelta("content", "ok")
        yield Done(StreamStats(model_id=self.name, finish_reason="stop", content_tokens=1))


def test_both_systems_are_given_it_system_b_after_its_route_s_and_the_record_keeps_it(tmp_path):
    a, local = _Recorder("A"), _Recorder("B")
    comparator = Comparator(a, RoutedEngine(local))
    rec = comparator.run(Experiment("e1", "Qu'est-ce que le ratio LCR ?", system_prompt=HOUSE))
    assert a.requests[0].system_prompt == HOUSE  # System A: the instructions alone
    routed = local.requests[0].system_prompt  # System B's model: its route's policy first, then them
    assert routed.endswith("\n\n" + HOUSE) and len(routed) > len(HOUSE) + 2
    assert rec["system_prompt"] == HOUSE
    assert experiment_of(rec).system_prompt == HOUSE  # asked again (Ask System A again) under it
    assert system_b_request(rec).system_prompt == HOUSE  # read back after it, as it was answered
    plain = comparator.run(Experiment("e2", "Qu'est-ce que le ratio LCR ?"))
    assert "system_prompt" not in plain and a.requests[1].system_prompt is None
    # the CSV keeps it on both rows, and a run opened from that CSV has it back
    rows = flat_rows([rec, plain])
    assert [r["system_prompt"] for r in rows] == [HOUSE, HOUSE, None, None]
    write_csv(rows, tmp_path / "run.csv", bom=True)
    back = read_run_file(tmp_path / "run.csv")
    assert [r.get("system_prompt") for r in back] == [HOUSE, None]


def test_a_batch_resumes_only_under_the_system_prompt_it_was_answered_under(tmp_path):
    a, b = _Recorder("A"), _Recorder("B")
    comparator = Comparator(a, b)
    exps = [Experiment("e1", "What is an ETF?"), Experiment("e2", "What is a bond?", system_prompt="Be brief.")]
    out = tmp_path / "batch-house.jsonl"
    assert list(BatchRun(comparator, with_system_prompt(exps, HOUSE), out).run())[-1].finished
    # an experiment's own comes before the run's (the two answered in either order)
    assert {r.question: r.system_prompt for r in a.requests} == {"What is an ETF?": HOUSE,
                                                                 "What is a bond?": "Be brief."}
    assert {r["experiment_id"]: r["system_prompt"] for r in read_records(out)} == {"e1": HOUSE, "e2": "Be brief."}
    with pytest.raises(BatchResumeError, match="answered id 'e1' under another system prompt; resuming would mix"):
        BatchRun(comparator, exps, out)  # the house instructions left out this time
    with pytest.raises(BatchResumeError, match="id 'e1' under another system prompt"):
        BatchRun(comparator, with_system_prompt(exps, "Answer in English."), out)
    assert len(a.requests) == 2  # nothing ran
    again = list(BatchRun(comparator, with_system_prompt(exps, f"  {HOUSE}\n"), out).run())
    assert again[0].skipped == 2 and again[-1].finished
    # every saved run at a glance names what its experiments were told
    from workbench.runs_overview import runs_overview
    assert list(BatchRun(comparator, with_system_prompt(exps[:1], HOUSE), tmp_path / "batch-one.jsonl").run())
    assert list(BatchRun(comparator, exps[:1], tmp_path / "batch-none.jsonl").run())
    assert {row["run"]: row["system prompt"] for row in runs_overview(tmp_path)} == {
        "house": "2 different ones", "one": "“Tu réponds pour l'équipe conformité d'une banque française…”",
        "none": None}


def test_an_experiment_file_may_give_each_question_its_own_and_downloads_keep_it():
    lines = [{"id": "p1", "query": "Qu'est-ce que le CET1 ?", "system_prompt": "  Réponds en une phrase. "},
             {"id": "p2", "query": "Qu'est-ce que le CET1 ?", "system_prompt": "Réponds en détail."},
             {"id": "p3", "query": "What is CET1?"}]
    loaded = load_experiments("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), name="x.jsonl")
    assert [e.system_prompt for e in loaded] == ["Réponds en une phrase.", "Réponds en détail.", None]
    csv_text = "id,query,system_prompt\nc1,What is CET1?,Answer as a risk officer would.\n"
    assert load_experiments(csv_text, name="x.csv")[0].system_prompt == "Answer as a risk officer would."
    for bad, message in [({"query": "q", "system_prompt": ["a"]}, "line 1: system_prompt must be text"),
                         ({"query": "q", "system_prompt": "x" * (MAX_SYSTEM_PROMPT_CHARS + 1)},
                          f"line 1: system_prompt is longer than {MAX_SYSTEM_PROMPT_CHARS} characters"),
                         ({"query": "q", "system": "Be brief."}, "unknown fields system (rename it 'system_prompt')")]:
        with pytest.raises(ExperimentFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
            load_experiments(json.dumps(bad), name="x.jsonl")
    # a question asked under two prompts is two questions to run again, each with its own
    records = [{"experiment_id": e.id, "query": e.query, "system_prompt": e.system_prompt} for e in loaded]
    text, left_out = experiment_file(records)
    again = load_experiments(text, name="again.jsonl")
    assert left_out == 0 and [(e.id, e.system_prompt) for e in again] == [(e.id, e.system_prompt) for e in loaded]


def test_the_headless_batch_gives_it_to_the_experiments_without_their_own(tmp_path, capsys, demo_model_dir):
    from workbench.batch_command import run_batch

    questions = tmp_path / "questions.jsonl"
    questions.write_text('{"id": "q1", "query": "What is an ETF?"}\n'
                         '{"id": "q2", "query": "What is a bond?", "system_prompt": "Be brief."}\n', encoding="utf-8")
    argv = ["--run", "house", "--experiments", str(questions), "--systems", "B", "--params", '{"max_new_tokens": 8}',
            "--model", str(demo_model_dir), "--results-dir", str(tmp_path / "runs")]
    assert run_batch([*argv, "--system-prompt", "x" * (MAX_SYSTEM_PROMPT_CHARS + 1)]) == 2
    assert f"--system-prompt: at most {MAX_SYSTEM_PROMPT_CHARS} characters" in capsys.readouterr().err
    assert run_batch([*argv, "--system-prompt", HOUSE]) == 0
    saved = read_records(tmp_path / "runs" / "batch-house.jsonl")
    assert sorted((r["experiment_id"], r["system_prompt"], r["system_b"]["metadata"]["error"]) for r in saved) == [
        ("q1", HOUSE, None), ("q2", "Be brief.", None)]
    assert run_batch(argv) == 2  # resumed without it: refused, naming why
    assert "answered id 'q1' under another system prompt" in capsys.readouterr().err


def test_the_write_up_and_the_run_report_say_what_both_systems_were_told():
    from ui.comparison_file import comparison_markdown
    from workbench.report import run_report

    comparator = Comparator(_Recorder("A"), _Recorder("B"))
    told = comparator.run(Experiment("e1", "What is an ETF?", system_prompt=HOUSE))
    text = comparison_markdown(told)
    assert "- **System prompt (both systems):**\n\n> Tu réponds pour l'équipe conformité" in text
    assert f"- **System prompt (both systems):** “{HOUSE}”" in run_report("house", [told, told])
    other = comparator.run(Experiment("e2", "What is a bond?", system_prompt="Be brief."))
    plain = comparator.run(Experiment("e3", "What is a swap?"))
    assert "- **System prompts (both systems):** 2 different ones, on 2 of 3 experiments" in run_report(
        "mixed", [told, other, plain])
    assert "System prompt" not in run_report("plain", [plain]) + comparison_markdown(plain)
