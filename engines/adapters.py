"""LoRA adapters on System B's model: finding them, loading and unloading them (at start or while
the app runs), and what each one is.

The model object is changed only on the scheduler's worker thread, between two steps
(`Scheduler.add_adapter` / `remove_adapter`); what can be done beforehand — fetching the files,
reading the configuration — is done here, on the caller's thread, so the rows running meanwhile
pause only for the weights to be copied in.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

from engines.base import InvalidRequestError

# peft 0.21 asks transformers 5.2x's deprecated `is_gradient_checkpointing` each time it wraps a
# model, which warned at every start of the app; the call is peft's to change (transformers keeps
# the method until 6, which requirements.txt does not allow)
warnings.filterwarnings("ignore", message="`is_gradient_checkpointing` is deprecated", category=FutureWarning)


class AdapterInUse(InvalidRequestError):
    """An adapter a running or waiting request names cannot be unloaded yet."""


class UnknownAdapter(InvalidRequestError):
    """No adapter of that name is loaded."""


class AdapterChangesOff(InvalidRequestError):
    """The app was started with adapter loading turned off."""


NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
MAX_ADAPTERS = 16  # loaded at once: each one costs memory and a routing hook per layer
ADAPTER_FILES = ["adapter_config.json", "adapter_model.safetensors", "adapter_model.bin", "*.md"]


def default_name(source: str) -> str:
    """A name for an adapter given none: its folder's (or Hub repository's) own, made valid."""
    last = (source or "").strip().rstrip("/").replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", last).lstrip("._-")[:64]


def check_name(name: str, loaded: list[str]) -> str:
    """The name a new adapter is chosen by, or InvalidRequestError saying what is wrong with it."""
    name = (name or "").strip()
    if not NAME.fullmatch(name) or name == "__base__":
        raise InvalidRequestError(f"an adapter's name is 1 to 64 letters, digits, '.', '_' or '-' "
                                  f"(starting with a letter or digit), got {name!r}")
    if name in loaded:
        raise InvalidRequestError(f"an adapter named {name!r} is already loaded: unload it first or pick "
                                  "another name")
    if len(loaded) >= MAX_ADAPTERS:
        raise InvalidRequestError(f"{len(loaded)} adapters are loaded, the most at once: unload one first")
    return name


def adapter_folder(source: str, revision: str | None = None) -> Path:
    """The local folder of an adapter given as a folder on this machine or a Hugging Face Hub id
    (fetched now: its configuration and weights only). InvalidRequestError when it is neither,
    cannot be fetched, or is not a LoRA adapter."""
    source = (source or "").strip()
    if not source:
        raise InvalidRequestError("name the adapter's folder on this machine or its Hub id (owner/name)")
    path = Path(source).expanduser()
    if path.is_dir():
        folder = path
    elif HUB_ID.fullmatch(source) and not path.exists():
        folder = _fetch(source, revision)
    else:
        raise InvalidRequestError(f"{source!r} is neither a folder on this machine nor a Hub id (owner/name)")
    config = folder / "adapter_config.json"
    if not config.is_file():
        raise InvalidRequestError(f"{source!r} holds no adapter_config.json: it is not a peft adapter")
    try:
        kind = json.loads(config.read_text(encoding="utf-8")).get("peft_type")
    except (OSError, ValueError, AttributeError) as exc:
        raise InvalidRequestError(f"{source!r}: adapter_config.json cannot be read ({exc})") from None
    if kind != "LORA":
        raise InvalidRequestError(f"{source!r} is a {kind or 'peft'} adapter; only LoRA adapters can be loaded")
    return folder


def _fetch(hub_id: str, revision: str | None) -> Path:
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(hub_id, revision=revision, allow_patterns=ADAPTER_FILES))
    except Exception as exc:  # noqa: BLE001 - offline, unknown repository, gated, no network: all said to the user
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidRequestError(f"{hub_id!r} is not a folder on this machine and could not be fetched "
                                  f"from the Hugging Face Hub: {reason}") from None


def describe(folder: Path) -> dict[str, Any]:
    """What the adapter's configuration says (rank, alpha, the layers it changes), and the size
    of its weights."""
    try:
        config = json.loads((folder / "adapter_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    targets = config.get("target_modules")
    weights = [path.stat().st_size for path in folder.glob("adapter_model.*") if path.is_file()]
    return {"rank": config.get("r"), "alpha": config.get("lora_alpha"),
            "size_mb": round(sum(weights) / 1e6, 1) if weights else None,
            "target_modules": sorted(targets) if isinstance(targets, list) else targets,
            "base_model": config.get("base_model_name_or_path")}


def deactivate(model: Any) -> None:
    """Leave every LoRA layer with no active adapter: a forward without ``adapter_names`` is the
    base model. peft activates the first adapter it loads; the schedulers name adapters per row,
    and only when a row uses one, so steps of base-model rows skip peft's per-row routing."""
    from peft.tuners.tuners_utils import BaseTunerLayer

    for module in model.modules():
        if isinstance(module, BaseTunerLayer):
            module.set_adapter([], inference_mode=True)


def _settle(model: Any) -> Any:
    """After a change: the wrapper names an adapter it still holds (peft reads it in every
    forward), and no layer applies one unless a row asks."""
    if model.peft_config:
        model.set_adapter(next(iter(model.peft_config)))
    deactivate(model)
    model.eval()
    return model


def attach(model: Any, name: str, folder: Path) -> Any:
    """Load the adapter in `folder` under `name`; returns the model to run from now on (peft
    wraps a plain model on its first adapter). On failure the model is left as it was and the
    error says why (an adapter made for another model has weights of other shapes)."""
    try:
        from peft import PeftConfig, PeftModel
    except ImportError as exc:
        raise InvalidRequestError("LoRA adapters need peft (pip install peft)") from exc
    fresh = not isinstance(model, PeftModel)
    try:
        wrapped = PeftModel(model, PeftConfig.from_pretrained(str(folder)), adapter_name=name) if fresh else model
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise InvalidRequestError(f"the adapter does not fit this model: {_first_line(exc)}") from None
    try:
        wrapped.load_adapter(str(folder), adapter_name=name)
    except Exception as exc:  # noqa: BLE001 - size mismatches, missing files: the model is restored below
        if fresh:
            wrapped.unload()  # the plain model, its LoRA layers taken out again
        else:
            if name in wrapped.peft_config:
                wrapped.delete_adapter(name)
            _settle(wrapped)
        raise InvalidRequestError(f"the adapter does not fit this model: {_first_line(exc)}") from None
    return _settle(wrapped)


def detach(model: Any, name: str) -> Any:
    """Unload one adapter; the last one out gives back the plain model, its layers restored."""
    if list(model.peft_config) == [name]:
        return model.unload()
    model.delete_adapter(name)
    return _settle(model)


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return " ".join(lines[:2])[:400] or type(exc).__name__
