"""Where a results file holds each experiment's latest record: the same records latest_records
reads, found from the start of each line."""

from __future__ import annotations

import json

import pytest

from engines.base import StreamStats
from workbench.batch_store import latest_records, run_file, saved_runs
from workbench.compare import Experiment, SystemRun, record
from workbench.run_index import latest_record, query_words, record_at, record_index


def _rec(exp_id: str, query: str, answer: str) -> dict:
    run = SystemRun("System B", response=answer, done=True,
                    stats=StreamStats(model_id="demo-model", finish_reason="stop", total_s=1.0, content_tokens=5))
    return record(Experiment(id=exp_id, query=query), {"A": SystemRun("System A", skipped=True), "B": run})


def _index_of(path):
    stat = path.stat()
    return record_index(path, stat.st_mtime_ns, stat.st_size)


def test_the_index_finds_the_records_latest_records_reads_whatever_the_lines_hold(tmp_path):
    tricky = 'Qu\'est-ce que le "PER", "timestamp": ? — ratio cours/bénéfice \\ 15'
    first = _rec("pe", tricky, "Le PER vaut 15.")
    lines = [
        json.dumps(first),
        json.dumps(_rec("ebitda", "What is EBITDA?", "Earnings before…"), ensure_ascii=False),
        "\ufeff" + json.dumps(_rec("bom", "What is a bond?", "A loan.")),  # saved again by a spreadsheet tool
        json.dumps({"query": "Keys in another order", "experiment_id": "csv-1", "system_b": None}),  # a CSV opened
        json.dumps([1, 2]),  # JSON, but no record
        json.dumps({"experiment_id": 7, "query": "an id that is no text"}),
        json.dumps(_rec("pe", tricky, "Le PER vaut 15, soit 60 / 4.")),  # the same experiment asked again
        json.dumps(_rec("torn", "Cut short by a crash?", "Never written"))[:60],
    ]
    path = run_file(tmp_path, "mixed")
    path.write_text("\n".join(lines), encoding="utf-8")
    index = _index_of(path)
    latest = latest_records(path)
    assert list(index) == [r["experiment_id"] for r in latest] == ["pe", "ebitda", "bom", "csv-1"]
    assert [record_at(path, at) for _, at in index.values()] == latest  # each id's last line, in full
    assert index["pe"][0] == query_words(tricky) and record_at(path, index["pe"][1])["system_b"]["response"] \
        == "Le PER vaut 15, soit 60 / 4."
    assert [(r.name, r.experiments) for r in saved_runs(tmp_path)] == [("mixed", 4)]


def test_a_file_written_since_is_indexed_again_and_its_words_are_spacing_and_case_free(tmp_path):
    path = run_file(tmp_path, "growing")
    path.write_text(json.dumps(_rec("a", "What  is EBITDA?", "x")) + "\n", encoding="utf-8")
    assert list(_index_of(path)) == ["a"] and _index_of(path)["a"][0] == "what is ebitda?"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(_rec("b", "What is a bond?", "y")) + "\n")
    assert list(_index_of(path)) == ["a", "b"]
    assert query_words(" What is\nEBITDA? ") == query_words("what is ebitda?")


def test_one_experiments_latest_record_is_read_from_its_line(tmp_path):
    path = run_file(tmp_path, "one")
    first, again = _rec("pe", "What is a P/E ratio?", "15."), _rec("pe", "What is a P/E ratio?", "Fifteen.")
    path.write_text(json.dumps(first) + "\n" + json.dumps(again) + "\n", encoding="utf-8")
    assert latest_record(path, "pe") == again == latest_records(path)[0]
    assert latest_record(path, "other") is None
    with pytest.raises(OSError):
        latest_record(run_file(tmp_path, "missing"), "pe")
