"""How System B's model is set up and loaded: its configuration, the device and threads it runs
on, the LoRA adapters found beside it, and its weights (bf16 on GPU, 4/8-bit through
bitsandbytes); engines.local serves it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch

from engines.base import ConfigurationError
from engines.quantization import Quantization, keep_log_readable, quantization_config

Batching = Literal["continuous", "generate"]


@dataclass
class LocalModelConfig:
    """How to load System B's model."""

    model: str  # Hub id or local directory
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    quantization: Quantization = "none"
    attn_implementation: str | None = None  # e.g. "sdpa", "flash_attention_2"
    adapters: dict[str, str] = field(default_factory=dict)  # name -> directory or Hub id
    discover_adapters: bool = True  # also load <model dir>/adapters/*
    max_batch_size: int = 8  # 1 = plain one-at-a-time generation
    batching: Batching = "continuous"  # or "generate": dynamic batching of model.generate
    cuda_graphs: bool = True  # continuous batching on a GPU: replay decode steps as CUDA graphs
    cpu_threads: int = 0  # on CPU, the model's intra-op threads; 0 = torch's default (every core)
    revision: str | None = None
    hourly_usd: float | None = None  # what the machine costs an hour: each answer gets a cost_usd


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


def find_adapters(cfg: LocalModelConfig) -> dict[str, str]:
    """The adapters loaded at start (name -> folder or Hub id): `adapters/*` beside a local model,
    then those named in the configuration."""
    found = {}
    root = Path(cfg.model) / "adapters"
    if cfg.discover_adapters and root.is_dir():
        for path in sorted(root.iterdir()):
            if (path / "adapter_config.json").is_file():
                found[path.name] = str(path)
    found.update(cfg.adapters)
    return found


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
