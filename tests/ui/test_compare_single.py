"""The Single tab's example picker: the bundled set, and the file uploaded under Batch first; and
a batch run's experiment brought into Single from its row."""

from __future__ import annotations

import json

import gradio as gr
import pytest

from ui.compare_single import ad_hoc_experiment, carried_to_single
from ui.single_examples import EXAMPLE_LABEL, FROM_FILE, example_choices, offered_examples, with_example
from workbench.compare import Experiment


def test_the_uploaded_files_experiments_come_first_and_never_pass_for_bundled_ones():
    bundled = [Experiment(id="exp-1", query="What is an ETF?")]
    mine = [Experiment(id="exp-1", query="Quel est le ratio de liquidité ?")]  # the same id, another question
    assert example_choices(bundled, mine, "set.csv") == [
        ("set.csv · exp-1 · Quel est le ratio de liquidité ?", FROM_FILE + "exp-1"),
        ("exp-1 · What is an ETF?", "exp-1")]
    assert example_choices(bundled) == [("exp-1 · What is an ETF?", "exp-1")]


def test_a_file_offers_its_experiments_and_one_that_is_not_an_experiment_file_offers_nothing(tmp_path):
    bundled = [Experiment(id="exp-1", query="What is an ETF?")]
    good = tmp_path / "mine.jsonl"
    good.write_text(json.dumps({"id": "m-1", "query": "What is duration?"}) + "\n", encoding="utf-8")
    kept, picker = offered_examples(str(good), bundled)
    assert [e.id for e in kept] == ["m-1"] and picker["label"] == "Example from your file mine.jsonl (1) or the " \
        "experiment set"
    assert picker["choices"][0] == ("mine.jsonl · m-1 · What is duration?", "file:m-1")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    for path in (str(bad), None, str(tmp_path / "gone.jsonl")):
        kept, picker = offered_examples(path, bundled)
        assert kept == [] and picker["choices"] == [("exp-1 · What is an ETF?", "exp-1")]
        assert picker["label"] == EXAMPLE_LABEL


def test_a_batch_runs_experiment_fills_singles_boxes_and_its_question_keeps_what_the_run_knew_of_it():
    rec = {"experiment_id": "risk-7", "query": "Évalue le risque de cette transaction.", "lang": "fr",
           "transaction": {"amount": 9500, "currency": "EUR"}, "expected_route": "risk_assessment",
           "category": "risk", "expect": {"contains": "élevé"}, "reference": "Risque élevé.",
           "system_prompt": "Réponds comme l'équipe LCB-FT.", "system_a": None, "system_b": None}
    query, tx, checks, reference, example, carried, system = carried_to_single(rec)
    assert query == rec["query"] and json.loads(tx) == rec["transaction"]
    assert json.loads(checks) == {"contains": "élevé"} and reference == "Risque élevé." and example is None
    assert system == "Réponds comme l'équipe LCB-FT."  # in Compare's box: asked again as it was asked
    # asked as it is, the comparison keeps the experiment's language, expected route and category,
    # under the system prompt in the box (emptied there: none)
    asked = with_example(ad_hoc_experiment(query, tx, True, True, checks, system), carried)
    assert (asked.lang, asked.expected_route, asked.category) == ("fr", "risk_assessment", "risk")
    assert asked.system_prompt == system
    assert with_example(ad_hoc_experiment(query, tx, True, True, checks, ""), carried).system_prompt is None
    with pytest.raises(gr.Error, match="System_prompt is longer than 8000 characters"):
        ad_hoc_experiment(query, tx, True, True, checks, "x" * 8001)
    assert asked.id != "risk-7" and asked.expect == {"contains": ["élevé"]}
    # the query edited: another question, which the run's expected route no longer describes
    edited = with_example(ad_hoc_experiment("Évalue le risque.", tx, True, True, checks), carried)
    assert edited.expected_route is None and edited.category is None
    with pytest.raises(gr.Error, match="Select a row"):
        carried_to_single(None)


def test_chats_last_question_goes_to_single_under_the_parameters_and_adapter_it_was_asked_with(monkeypatch):
    from types import SimpleNamespace

    from engines.base import GenerationParams
    from ui.compare_single import chat_to_single
    from ui.params import ORDER
    from workbench.chat import Turn
    from workbench.presets import CUSTOM
    from workbench.services import LOCAL, REMOTE

    said: list[str] = []
    monkeypatch.setattr(gr, "Info", said.append)
    services = SimpleNamespace(local=SimpleNamespace(adapters=["fr-v2"]))
    asked = GenerationParams(max_new_tokens=256, enable_thinking=False, temperature=0.2).model_dump(mode="json")
    first = Turn("What is an ETF?", REMOTE, params=asked)
    last = Turn("Et en français ?", LOCAL, adapter="fr-v2", params=asked, system_prompt="Be brief.")
    out = chat_to_single(services, [first, last])
    assert out[:7] == ("Et en français ?", "", "", "", None, None, "Be brief.")  # its system prompt in the box
    controls = dict(zip(ORDER, out[7:7 + len(ORDER)], strict=True))
    assert (controls["max_new_tokens"], controls["enable_thinking"], controls["temperature"]) == (256, False, 0.2)
    assert out[7 + len(ORDER)] == CUSTOM and out[-1]["value"] == "fr-v2" and "fr-v2" in out[-1]["choices"]
    assert "under the parameters and system prompt it was asked with, System B with the adapter fr-v2" in said[0]
    assert "without the conversation before it." in said[0]
    assert chat_to_single(services, [first])[6] == ""  # asked without one: the box emptied
    # asked of System A alone, or with an adapter unloaded since: the base model in Compare
    assert chat_to_single(services, [first])[-1]["value"] == "(base model)" and "Compare asks it" not in said[2]
    gone = Turn("What is duration?", LOCAL, adapter="old", params=asked)
    assert chat_to_single(services, [gone])[-1]["value"] == "(base model)"
    assert "adapter old is not loaded now" in said[3]
    with pytest.raises(gr.Error, match="Ask a question in Chat first"):
        chat_to_single(services, [])
