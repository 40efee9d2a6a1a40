"""How System B's model is loaded: the device and threads it runs on and its weights (bf16 on
GPU, 4/8-bit through bitsandbytes), as engines.local_config configures it; engines.local serves
it."""

from __future__ import annotations

from typing import Any

import torch

from engines.base import ConfigurationError
from engines.local_config import LocalModelConfig
from engines.quantization import keep_log_readable, quantization_config


def cpu_threads_for(requested: int, device: torch.device) -> int | None:
    """The intra-op threads System B's worker thread computes on; None = torch's own setting.

    Only on CPU, only when asked: decode steps run as fast on fewer threads (a small model's
    products are too small to split, a large model's are bound by memory) and leave cores to the
    web server, while prefills and large batches are faster on every core. README "Performance"
    has the measured trade-off.
    """
    if requested < 0:
        raise ConfigurationError(f"cpu threads must be 0 (torch's default) or more, not {requested}")
    if device.type != "cpu" or not requested:
        return None
    return requested


def pick_device(requested: str) -> torch.device:
    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(requested)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigurationError(f"device {requested!r} was asked for but no CUDA GPU is visible")
    return device


def load_weights(cfg: LocalModelConfig, device: torch.device, dtype: torch.dtype) -> tuple[Any, Any, bool]:
    """The tokenizer and the model (in eval mode, on `device`) that `cfg` names, and whether its
    weights were quantized; ConfigurationError when they cannot be loaded."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    keep_log_readable(cfg.quantization)  # before bitsandbytes is first imported (peft imports it)
    try:
        tokenizer = AutoTokenizer.from_pretrained(cfg.model, revision=cfg.revision)
        kwargs: dict[str, Any] = {"dtype": dtype, "revision": cfg.revision}
        quant = quantization_config(cfg.quantization, device)
        if quant is not None:
            kwargs["quantization_config"] = quant
            kwargs["device_map"] = {"": device.index or 0} if device.type == "cuda" else {"": "cpu"}
        if cfg.attn_implementation:
            kwargs["attn_implementation"] = cfg.attn_implementation
        model = AutoModelForCausalLM.from_pretrained(cfg.model, **kwargs)
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"could not load model {cfg.model!r}: {exc}") from exc
    if quant is None:
        model.to(device)
    model.eval()
    return tokenizer, model, quant is not None
