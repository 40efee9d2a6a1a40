"""Generation controls built from `GenerationParams`: labels, ranges and help come from its fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gradio as gr
from pydantic import ValidationError

from engines.base import GenerationParams, param_bounds, validation_problems
from workbench.presets import (
    CUSTOM,
    MAX_NAME,
    all_presets,
    apply_preset,
    delete_preset,
    matching_preset,
    save_preset,
)

# Slider tops for fields whose valid range is wider than a slider can show usefully.
UI_MAX = {"max_new_tokens": 4096, "min_new_tokens": 1024, "top_k": 200}
STEP = {"temperature": 0.05, "top_p": 0.01, "min_p": 0.01, "repetition_penalty": 0.01}
ORDER = ["temperature", "top_p", "top_k", "min_p", "max_new_tokens", "min_new_tokens",
         "repetition_penalty", "no_repeat_ngram_size", "seed", "enable_thinking", "stop"]


def build_param_controls(defaults: GenerationParams | None = None, prefix: str = "param",
                         names: list[str] | None = None) -> dict[str, gr.components.Component]:
    """One control per field (`names`, default all), in a stable order. Call inside a Blocks context."""
    defaults = defaults or GenerationParams()
    controls: dict[str, gr.components.Component] = {}
    for name in names or ORDER:
        info = GenerationParams.model_fields[name]
        label, help_text = info.title or name, info.description
        value = getattr(defaults, name)
        elem = {"elem_id": f"{prefix}-{name}"}
        if name == "enable_thinking":
            controls[name] = gr.Checkbox(value=value, label=label, info=help_text, **elem)
        elif name == "seed":  # a text box: Gradio's number box cannot be empty (it shows and sends 0)
            controls[name] = gr.Textbox(value=_seed_text(value), label=label, info=help_text,
                                        placeholder="random", lines=1, max_lines=1, **elem)
        elif name == "stop":
            controls[name] = gr.Textbox(value="\n".join(value), label=label, info=help_text,
                                        lines=1, max_lines=4, placeholder="one per line", **elem)
        else:
            lo, hi = param_bounds(name)
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
    data["seed"] = _seed_value(data.get("seed"))
    for name in ("top_k", "max_new_tokens", "min_new_tokens", "no_repeat_ngram_size"):
        if data.get(name) is not None:
            data[name] = int(data[name])
    try:
        return GenerationParams(**data)
    except ValidationError as exc:
        raise gr.Error(f"Invalid generation parameters — {validation_problems(exc)}") from None


def _seed_text(seed: int | None) -> str:
    return "" if seed is None else str(seed)


def _seed_value(seed: Any) -> int | None:
    """The seed box's text (or an API's number) as a seed; empty = None (random)."""
    if seed is None or (isinstance(seed, str) and not seed.strip()):
        return None
    text = str(seed).strip()
    if not text.isdigit():
        raise gr.Error(f"Invalid generation parameters — seed: {text!r} is not a whole number from 0 "
                       f"to {2**32 - 1}; leave it empty for random sampling")
    return int(text)


def control_values(params: GenerationParams) -> list[Any]:
    """What each control shows for these parameters, in ORDER."""
    shown = {"stop": "\n".join(params.stop), "seed": _seed_text(params.seed)}
    return [shown.get(n, getattr(params, n)) for n in ORDER]


def preset_values(name: str, folder: Path | None = None) -> list[Any]:
    """Control values, in ORDER, for a preset, built in or saved in `folder`."""
    try:
        return control_values(apply_preset(name, folder=folder))
    except KeyError:
        raise gr.Error(f"No preset is named {name!r} any more (deleted since this page listed it).") from None


def preset_choices(folder: Path | None = None) -> list[str]:
    """The preset menu: the built-in presets, those saved in `folder`, then Custom."""
    return [*all_presets(folder), CUSTOM]


def params_from_json(text: str | None) -> GenerationParams:
    """Parameters sent to an API endpoint as a JSON object ("" or "{}" = the defaults)."""
    try:
        values = json.loads(text or "{}")
    except json.JSONDecodeError as exc:
        raise gr.Error(f"params_json is not valid JSON: {exc}") from None
    if not isinstance(values, dict):
        raise gr.Error("params_json must be a JSON object")
    return params_from_values(values)


def build_param_panel(prefix: str, label: str = "Generation parameters", columns: int = 1,
                      folder: Path | None = None) -> tuple[gr.Dropdown, dict[str, gr.components.Component]]:
    """A folded panel: a preset menu and one control per parameter (ids `{prefix}-params`,
    `{prefix}-preset`, `{prefix}-<field>`), spread over `columns`. Choosing a preset fills the
    controls; touching a control turns the preset to Custom. With a results `folder`, the
    parameters set can be saved there as a named preset (and a saved one deleted): every panel
    offers it from the next time it is unfolded."""
    defaults = GenerationParams()
    default_preset = matching_preset(defaults)
    controls: dict[str, gr.components.Component] = {}
    per_column = -(-len(ORDER) // columns)
    with gr.Accordion(label, open=False, elem_id=f"{prefix}-params") as panel:
        preset = gr.Dropdown(preset_choices(folder), value=default_preset, label="Preset",
                             elem_id=f"{prefix}-preset")
        with gr.Row():
            for start in range(0, len(ORDER), per_column):
                with gr.Column(min_width=240):
                    controls.update(build_param_controls(defaults, prefix, ORDER[start:start + per_column]))
        if folder is not None:
            name = gr.Textbox(label="Save these parameters as a preset named", max_length=MAX_NAME,
                              info="Offered in Chat and Compare to everyone using the app",
                              placeholder="e.g. FR concise, thinking off", elem_id=f"{prefix}-preset-name")
            with gr.Row():
                save = gr.Button("Save preset", size="sm", elem_id=f"{prefix}-preset-save")
                delete = gr.Button("Delete the chosen preset", size="sm", elem_id=f"{prefix}-preset-delete")
    summary = gr.Markdown(params_summary(defaults, default_preset), elem_id=f"{prefix}-params-summary")
    control_list = [controls[name] for name in ORDER]
    preset.input(lambda name: preset_values(name, folder) if name != CUSTOM else [gr.update()] * len(ORDER),
                 [preset], control_list, api_visibility="private")
    for control in control_list:
        control.input(lambda: CUSTOM, None, preset, api_visibility="private")

    def summarize(name: str, *values: Any) -> str:
        try:
            return params_summary(params_from_values(dict(zip(ORDER, values, strict=True))), name)
        except gr.Error as exc:
            return f"⚠️ {exc.message}"

    gr.on([c.change for c in [preset, *control_list]], summarize, [preset, *control_list], summary,
          api_visibility="private", queue=False)
    if folder is not None:
        bind_saving(folder, panel, preset, name, save, delete, control_list)
    return preset, controls


def bind_saving(folder: Path, panel: gr.Accordion, preset: gr.Dropdown, name: gr.Textbox, save: gr.Button,
                delete: gr.Button, control_list: list[gr.components.Component]) -> None:
    """The panel's saved presets: listed again when it is unfolded, saved from its controls under
    the name typed, deleted."""
    panel.expand(lambda: gr.update(choices=preset_choices(folder)), None, preset, api_visibility="private",
                 queue=False)

    def saved(typed: str, *values: Any) -> tuple:
        params = params_from_values(dict(zip(ORDER, values, strict=True)))
        clean, replaced = kept_as_preset(folder, typed, params)
        gr.Info(f"Preset {clean!r} {'replaced' if replaced else 'saved'}: offered in Chat and Compare to everyone "
                "using the app.")
        return gr.update(choices=preset_choices(folder), value=clean), ""

    def deleted(chosen: str) -> Any:
        changing_presets("deleted", folder, delete_preset, folder, chosen)
        gr.Info(f"Preset {chosen!r} deleted; the parameters it set stay in the controls.")
        return gr.update(choices=preset_choices(folder), value=CUSTOM)

    save.click(saved, [name, *control_list], [preset, name], api_visibility="private")
    delete.click(deleted, [preset], [preset], api_visibility="private")


def kept_as_preset(folder: Path, typed: str, params: GenerationParams) -> tuple[str, bool]:
    """`params` saved as the preset named `typed` (its spaces tidied, as save_preset keeps it):
    the name and whether it replaced a preset of that name; gr.Error says why it was not saved."""
    clean = " ".join((typed or "").split())
    return clean, changing_presets("saved", folder, save_preset, folder, clean, params)


def changing_presets(done: str, folder: Path, change: Any, *args: Any) -> Any:
    """`change(*args)` on the saved presets in `folder` (save_preset, delete_preset), its refusals
    and a folder that cannot be written said as what was not `done` ("saved")."""
    try:
        return change(*args)
    except ValueError as exc:
        raise gr.Error(f"Not {done}: {exc}.") from None
    except OSError as exc:
        raise gr.Error(f"Not {done}: the results folder {folder} cannot be written ({exc.strerror or exc}).") from None


def params_summary(params: GenerationParams, preset: str) -> str:
    """One line saying what the next request will use, readable with the panel folded."""
    sampling = ["greedy"] if params.greedy else [
        f"temperature {params.temperature:g}", f"top-p {params.top_p:g}", f"top-k {params.top_k or 'off'}",
        *([f"min-p {params.min_p:g}"] if params.min_p else [])]
    parts = [*sampling, f"up to {params.max_new_tokens} new tokens",
             f"thinking {'on' if params.enable_thinking else 'off'}",
             f"seed {params.seed}" if params.seed is not None else "random seed"]
    if params.min_new_tokens:
        parts.append(f"at least {params.min_new_tokens} tokens")
    if params.repetition_penalty != 1.0:
        parts.append(f"repetition penalty {params.repetition_penalty:g}")
    if params.no_repeat_ngram_size:
        parts.append(f"no repeated {params.no_repeat_ngram_size}-grams")
    if params.stop:
        parts.append(f"{len(params.stop)} stop string{'s' if len(params.stop) > 1 else ''}")
    return f"**{preset}**: " + " · ".join(parts)
