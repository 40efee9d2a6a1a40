"""Named parameter presets offered next to the generation controls."""

from __future__ import annotations

from engines.base import GenerationParams

CUSTOM = "Custom"

PRESETS: dict[str, dict] = {
    "Qwen3 thinking": {"temperature": 0.6, "top_p": 0.95, "top_k": 20, "enable_thinking": True,
                       "repetition_penalty": 1.0, "no_repeat_ngram_size": 0},
    "Qwen3 non-thinking": {"temperature": 0.7, "top_p": 0.8, "top_k": 20, "enable_thinking": False,
                           "repetition_penalty": 1.0, "no_repeat_ngram_size": 0},
    "Precise": {"temperature": 0.3, "top_p": 0.85, "top_k": 40, "max_new_tokens": 150,
                "no_repeat_ngram_size": 3, "repetition_penalty": 1.0},
    "Compliance": {"temperature": 0.1, "top_p": 0.9, "top_k": 20, "seed": 0,
                   "repetition_penalty": 1.0, "no_repeat_ngram_size": 0},
}


def apply_preset(name: str, base: GenerationParams | None = None) -> GenerationParams:
    """The base parameters with the preset's values filled in."""
    base = base or GenerationParams()
    if name not in PRESETS:
        raise KeyError(f"unknown preset {name!r}")
    return base.model_copy(update=PRESETS[name])


def matching_preset(params: GenerationParams) -> str:
    """The preset these parameters equal (on the preset's own fields), else "Custom"."""
    for name, values in PRESETS.items():
        if all(getattr(params, k) == v for k, v in values.items()):
            return name
    return CUSTOM
