"""Named parameter presets offered next to the generation controls: the built-in ones, and those
the team saves (`presets.json` in the results folder, shared by everyone using the app, as its
runs are: a setting found in Generation tuning, named once and picked by anyone in Chat and
Compare, or by `python app.py batch --preset`)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engines.base import GenerationParams
from workbench.saved import read_json_object, write_json

log = logging.getLogger(__name__)

CUSTOM = "Custom"
MAX_NAME = 40
MAX_SAVED = 100

PRESETS: dict[str, dict] = {
    "Qwen3 thinking": {"temperature": 0.6, "top_p": 0.95, "top_k": 20, "min_p": 0.0, "enable_thinking": True,
                       "repetition_penalty": 1.0, "no_repeat_ngram_size": 0},
    "Qwen3 non-thinking": {"temperature": 0.7, "top_p": 0.8, "top_k": 20, "min_p": 0.0, "enable_thinking": False,
                           "repetition_penalty": 1.0, "no_repeat_ngram_size": 0},
    "Precise": {"temperature": 0.3, "top_p": 0.85, "top_k": 40, "max_new_tokens": 150,
                "no_repeat_ngram_size": 3, "repetition_penalty": 1.0},
    "Compliance": {"temperature": 0.1, "top_p": 0.9, "top_k": 20, "seed": 0,
                   "repetition_penalty": 1.0, "no_repeat_ngram_size": 0},
}

_writing = threading.Lock()  # one save or deletion at a time reads and rewrites the file


def presets_file(folder: Path) -> Path:
    return folder / "presets.json"


def saved_presets(folder: Path | None) -> dict[str, dict[str, Any]]:
    """The presets saved in the results `folder` (name -> every parameter), in the order saved; a
    file that cannot be read, or an entry that is not a valid set of parameters, is left out (and
    logged), never an error: the built-in presets still work."""
    if folder is None:
        return {}
    path = presets_file(folder)
    data = read_json_object(path, "only the built-in presets are offered")
    out = {}
    for name, values in data.items():
        try:
            out[name] = GenerationParams(**values).model_dump(mode="json")
        except (TypeError, ValidationError):
            log.warning("The saved preset %r in %s is not a valid set of parameters: left out.", name, path)
    return out


def all_presets(folder: Path | None = None) -> dict[str, dict[str, Any]]:
    """The built-in presets, then those saved in `folder`."""
    return {**PRESETS, **saved_presets(folder)}


def preset_name_problem(name: str) -> str | None:
    """Why `name` cannot name a saved preset, or None."""
    if not name:
        return "give the preset a name"
    if len(name) > MAX_NAME:
        return f"a preset's name has at most {MAX_NAME} characters"
    if name in PRESETS or name == CUSTOM:
        return f"{name!r} is a built-in preset's name; choose another"
    return None


def save_preset(folder: Path, name: str, params: GenerationParams) -> bool:
    """Keep `params` as the preset `name` (stripped) in `folder`; True when it replaced one of that
    name. Raises ValueError for a name that cannot be used (preset_name_problem) or one too many,
    OSError when the file cannot be written (it is replaced whole, never left half written)."""
    name = " ".join((name or "").split())
    if problem := preset_name_problem(name):
        raise ValueError(problem)
    with _writing:
        saved = saved_presets(folder)
        replaced = name in saved
        if not replaced and len(saved) >= MAX_SAVED:
            raise ValueError(f"{MAX_SAVED} presets are saved already; delete one first")
        saved[name] = params.model_dump(mode="json")
        _write(folder, saved)
    return replaced


def delete_preset(folder: Path, name: str) -> None:
    """Remove the saved preset `name`. Raises ValueError for a built-in or unknown one, OSError
    when the file cannot be written."""
    if name in PRESETS or name == CUSTOM:
        raise ValueError(f"{name!r} is built in: it cannot be deleted")
    with _writing:
        saved = saved_presets(folder)
        if name not in saved:
            raise ValueError(f"no saved preset is named {name!r} (any more)")
        del saved[name]
        _write(folder, saved)


def _write(folder: Path, saved: dict[str, dict[str, Any]]) -> None:
    write_json(presets_file(folder), saved)


def apply_preset(name: str, base: GenerationParams | None = None, folder: Path | None = None) -> GenerationParams:
    """The base parameters with the preset's values filled in (a saved preset's are all of them).
    Raises KeyError for a preset that is neither built in nor saved in `folder`."""
    base = base or GenerationParams()
    presets = all_presets(folder)
    if name not in presets:
        raise KeyError(f"unknown preset {name!r}")
    return base.model_copy(update=presets[name])


def unknown_preset(name: str | None, folder: Path | None = None) -> str:
    """What is said of a preset name that names none (over_preset's KeyError): the names there are."""
    return f"no preset is named {name!r}; there are {', '.join(repr(known) for known in all_presets(folder))}"


def over_preset(name: str | None, given: GenerationParams, folder: Path | None = None) -> GenerationParams:
    """The parameters `given` sets (those it was made with, not its defaults) over the preset
    `name`'s (built in or saved in `folder`; none: `given` as it is). Raises KeyError for an
    unknown preset, pydantic's ValidationError for a mix that is not valid."""
    if name is None:
        return given
    base = apply_preset(name, folder=folder)
    return GenerationParams.model_validate({**base.model_dump(), **given.model_dump(exclude_unset=True)})


def matching_preset(params: GenerationParams, folder: Path | None = None) -> str:
    """The preset these parameters equal (on the preset's own fields), else "Custom"."""
    for name, values in all_presets(folder).items():
        if all(getattr(params, k) == v for k, v in values.items()):
            return name
    return CUSTOM
