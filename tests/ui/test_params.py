"""Generation controls: built from GenerationParams, and bad values become a clear gr.Error."""

from __future__ import annotations

import gradio as gr
import pytest

from engines.base import GenerationParams
from ui.params import (
    ORDER,
    build_param_controls,
    control_values,
    params_from_values,
    params_summary,
    preset_values,
)


def test_controls_take_labels_ranges_and_help_from_the_model():
    with gr.Blocks():
        controls = build_param_controls(prefix="t")
    assert list(controls) == ORDER
    temp = controls["temperature"]
    assert temp.label == "Temperature" and temp.minimum == 0 and temp.maximum == 2
    assert temp.info == GenerationParams.model_fields["temperature"].description
    assert controls["enable_thinking"].elem_id == "t-enable_thinking"


@pytest.mark.parametrize(("values", "words"), [
    ({"temperature": 7}, "temperature"),
    ({"seed": -4}, "seed"),
    ({"seed": "-4"}, "seed: '-4' is not a whole number"),
    ({"seed": "4.5"}, "seed: '4.5' is not a whole number"),
    ({"seed": str(2**32)}, "seed"),
    ({"min_new_tokens": 500, "max_new_tokens": 100}, "min_new_tokens (500) cannot exceed"),
    ({"stop": "a\nb\nc\nd\ne"}, "stop"),
])
def test_out_of_range_values_from_the_ui_name_the_field(values, words):
    with pytest.raises(gr.Error, match="Invalid generation parameters") as info:
        params_from_values(values)
    assert words in str(info.value)


def test_presets_map_to_control_values():
    values = dict(zip(ORDER, preset_values("Precise"), strict=True))
    assert values["temperature"] == 0.3 and values["max_new_tokens"] == 150 and values["no_repeat_ngram_size"] == 3


def test_an_empty_seed_box_means_random_sampling():
    """Gradio's number box cannot be empty (it shows and sends 0, which seeded every request and
    made each run alone): the seed is a text box, empty by default."""
    with gr.Blocks():
        seed = build_param_controls(prefix="t")["seed"]
    assert isinstance(seed, gr.Textbox) and seed.value == ""
    assert params_from_values({"seed": ""}).seed is None
    assert params_from_values({"seed": "  "}).seed is None
    assert params_from_values({"seed": " 42 "}).seed == 42
    assert params_from_values({"seed": 7}).seed == 7  # an API's JSON number


def test_control_values_show_a_seed_as_text_and_round_trip():
    values = dict(zip(ORDER, preset_values("Compliance"), strict=True))
    assert values["seed"] == "0"
    params = GenerationParams(seed=None, stop=["###", "END"], max_new_tokens=99)
    shown = dict(zip(ORDER, control_values(params), strict=True))
    assert shown["seed"] == "" and shown["stop"] == "###\nEND"
    assert params_from_values(shown) == params


def test_the_summary_line_says_what_the_next_request_uses():
    assert params_summary(GenerationParams(), "Qwen3 thinking") == (
        "**Qwen3 thinking**: temperature 0.6 · top-p 0.95 · top-k 20 · up to 1024 new tokens · thinking on · "
        "random seed")
    greedy = GenerationParams(temperature=0, seed=3, stop=["x"], min_new_tokens=5, no_repeat_ngram_size=3,
                              enable_thinking=False)
    assert params_summary(greedy, "Custom") == (
        "**Custom**: greedy · up to 1024 new tokens · thinking off · seed 3 · at least 5 tokens · "
        "no repeated 3-grams · 1 stop string")
    assert params_summary(GenerationParams(min_p=0.05), "Custom").startswith(
        "**Custom**: temperature 0.6 · top-p 0.95 · top-k 20 · min-p 0.05 · up to")
