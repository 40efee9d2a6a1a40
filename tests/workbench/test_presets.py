"""Parameter presets: the built-in ones, and those the team saves in the results folder."""

from __future__ import annotations

import json

import pytest

from engines.base import GenerationParams
from workbench.batch_command import run_batch
from workbench.batch_store import latest_records, run_file
from workbench.presets import (
    CUSTOM,
    MAX_SAVED,
    PRESETS,
    all_presets,
    apply_preset,
    delete_preset,
    matching_preset,
    presets_file,
    save_preset,
    saved_presets,
)


def test_a_saved_preset_is_listed_after_the_built_in_ones_applied_and_recognised(tmp_path):
    concise = GenerationParams(temperature=0.2, max_new_tokens=300, enable_thinking=False, stop=["###"], seed=7)
    assert save_preset(tmp_path, "  FR   concise ", concise) is False  # spaces tidied
    assert list(all_presets(tmp_path)) == [*PRESETS, "FR concise"]
    assert apply_preset("FR concise", folder=tmp_path) == concise  # every parameter, not a few
    assert matching_preset(concise, tmp_path) == "FR concise"
    assert matching_preset(concise) == CUSTOM  # without the folder, only the built-in ones
    assert matching_preset(apply_preset("Precise"), tmp_path) == "Precise"
    with pytest.raises(KeyError):
        apply_preset("FR concise")
    # saved again under the same name: replaced, in its place
    save_preset(tmp_path, "Long", GenerationParams(max_new_tokens=2048))
    assert save_preset(tmp_path, "FR concise", concise.model_copy(update={"temperature": 0.0})) is True
    assert list(saved_presets(tmp_path)) == ["FR concise", "Long"]
    assert apply_preset("FR concise", folder=tmp_path).temperature == 0.0
    delete_preset(tmp_path, "FR concise")
    assert list(saved_presets(tmp_path)) == ["Long"]
    assert not list(tmp_path.glob(".*.part")), "written whole, then moved in place"


@pytest.mark.parametrize(("name", "message"), [
    ("", "give the preset a name"), ("   ", "give the preset a name"),
    ("x" * 41, "at most 40 characters"), ("Precise", "'Precise' is a built-in preset's name"),
    (CUSTOM, "'Custom' is a built-in preset's name"),
])
def test_a_name_that_cannot_name_a_preset_is_refused_and_nothing_written(tmp_path, name, message):
    with pytest.raises(ValueError, match=message):
        save_preset(tmp_path, name, GenerationParams())
    assert not presets_file(tmp_path).exists()


def test_built_in_and_unknown_presets_are_not_deleted_and_the_number_saved_is_bounded(tmp_path):
    with pytest.raises(ValueError, match="'Precise' is built in"):
        delete_preset(tmp_path, "Precise")
    with pytest.raises(ValueError, match="no saved preset is named 'Gone'"):
        delete_preset(tmp_path, "Gone")
    presets_file(tmp_path).write_text(json.dumps({f"p{i}": {} for i in range(MAX_SAVED)}), encoding="utf-8")
    with pytest.raises(ValueError, match=f"{MAX_SAVED} presets are saved already; delete one first"):
        save_preset(tmp_path, "one more", GenerationParams())
    save_preset(tmp_path, "p3", GenerationParams(top_k=5))  # replacing one still works
    assert apply_preset("p3", folder=tmp_path).top_k == 5


def test_a_broken_presets_file_leaves_the_built_in_ones_and_a_bad_entry_is_left_out(tmp_path, caplog):
    presets_file(tmp_path).write_text("{not json", encoding="utf-8")
    assert all_presets(tmp_path) == PRESETS
    assert "cannot be read" in caplog.text
    presets_file(tmp_path).write_text(json.dumps({"ok": {"top_k": 3}, "hot": {"temperature": 9},
                                                  "odd": {"colour": "red"}, "list": [1]}), encoding="utf-8")
    assert list(saved_presets(tmp_path)) == ["ok"]
    assert "'hot'" in caplog.text and "'odd'" in caplog.text
    assert saved_presets(None) == {} and saved_presets(tmp_path / "none") == {}


def _questions(tmp_path):
    path = tmp_path / "questions.jsonl"
    path.write_text('{"id": "q1", "query": "What is an ETF?"}\n', encoding="utf-8")
    return path


def test_a_headless_batch_runs_under_a_saved_preset_with_params_on_top(tmp_path, capsys, demo_model_dir):
    runs = tmp_path / "runs"
    save_preset(runs, "Nightly", GenerationParams(temperature=0.0, max_new_tokens=40, enable_thinking=False))
    argv = ["--run", "preset-run", "--experiments", str(_questions(tmp_path)), "--systems", "B",
            "--model", str(demo_model_dir), "--results-dir", str(runs)]
    assert run_batch([*argv, "--preset", "Nightly", "--params", '{"max_new_tokens": 24}']) == 0
    params = latest_records(run_file(runs, "preset-run"))[0]["params"]
    assert (params["temperature"], params["max_new_tokens"], params["enable_thinking"]) == (0.0, 24, False)
    capsys.readouterr()
    assert run_batch([*argv, "--preset", "Nightl"]) == 2
    assert "--preset: no preset is named 'Nightl'; there are 'Qwen3 thinking'" in capsys.readouterr().err
    assert run_batch([*argv, "--preset", "Nightly", "--params", '{"min_new_tokens": 64}']) == 2  # above its 40
    assert "--params:" in capsys.readouterr().err
