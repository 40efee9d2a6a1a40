"""System B's model as configured (LocalModelConfig) and the LoRA adapters found beside it, apart
from engines.local_load, which loads them, so that a command can check its arguments without
importing torch."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from engines.quantization import Quantization

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
