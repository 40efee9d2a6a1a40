"""Generation controls built from `GenerationParams`: labels, ranges and help come from its fields."""

from __future__ import annotations

from typing import Any

import gradio as gr
from pydantic import ValidationError

from engines.base import GenerationParams
from workbench.presets import CUSTOM, PRESETS, apply_preset

# Slider tops for fields whose valid range is wider than a slider can show usefully.
UI_MAX = {"max_new_tokens": 4096, "min_new_tokens": 1024, "top_k": 200}
STEP = {"temperature": 0.05, "top_p": 0.01, "repetition_penalty": 0.01}
ORDER = ["temperature", "top_p", "top_k", "max_new_tokens", "min_new_tokens",
         "repetition_penalty", "no_repeat_ngram_size", "seed", "enable_thinking", "stop"]


def _bounds(name: str) -> tuple[float | None, float | None]:
    lo = hi = None
    for meta in GenerationParams.model_fields[name].metadata:
        lo = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else lo
        lo = getattr(meta, "gt", None) if getattr(meta, "gt", None) is not None else lo
        hi = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else hi
    return lo, hi


def build_param_controls(defaults: GenerationParams | None = None,
                         prefix: str = "param") -> dict[str, gr.components.Component]:
    """One control per field, in a stable order. Call inside a Blocks context."""
    defaults = defaults or GenerationParams()
    controls: dict[str, gr.components.Component] = {}
    for name in ORDER:
        info = GenerationParams.model_fields[name]
        label, help_text = info.title or name, info.description
        value = getattr(defaults, name)
        elem = {"elem_id": f"{prefix}-{name}"}
        if name == "enable_thinking":
            controls[name] = gr.Checkbox(value=value, label=label, info=help_text, **elem)
        elif name == "seed":
            controls[name] = gr.Number(value=value, label=label, info=help_text, precision=0,
                                       minimum=0, **elem)
        elif name == "stop":
            controls[name] = gr.Textbox(value="\n".join(value), label=label, info=help_text,
                                        lines=1, max_lines=4, placeholder="one per line", **elem)
        else:
            lo, hi = _bounds(name)
            hi = min(hi, UI_MAX.get(name, hi)) if hi is not None else UI_MAX.get(name)
            is_int = info.annotation is int
            step = 1 if is_int else STEP.get(name, 0.01)
            controls[name] = gr.Slider(minimum=lo if lo is not None else 0, maximum=hi, step=step,
                                       value=value, label=label, info=help_text, **elem)
    return controls


def params_from_values(values: dict[str, Any]) -> GenerationParams:
    """Validated parameters from control values; raises gr.Error with the field at fault."""
    data = dict(values)
    stop = data.get("stop") or ""
    data["stop"] = [s for s in (stop.splitlines() if isinstance(stop, str) else stop) if s]
    seed = data.get("seed")
    data["seed"] = None if seed in (None, "") else int(seed)
    for name in ("top_k", "max_new_tokens", "min_new_tokens", "no_repeat_ngram_size"):
        if data.get(name) is not None:
            data[name] = int(data[name])
    try:
        return GenerationParams(**data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'parameters'}: {e['msg']}"
                             for e in exc.errors())
        raise gr.Error(f"Invalid generation parameters — {problems}") from None


def preset_values(name: str) -> list[Any]:
    """Control values, in ORDER, for a preset (the Custom choice changes nothing)."""
    params = apply_preset(name)
    return [("\n".join(params.stop) if n == "stop" else getattr(params, n)) for n in ORDER]


PRESET_CHOICES = [*PRESETS, CUSTOM]
