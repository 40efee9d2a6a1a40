"""4/8-bit loading of System B's model through bitsandbytes, and bitsandbytes' log kept readable.

bitsandbytes 0.50 speaks more than it should in two places, both fixed here without hiding
anything that concerns the model as loaded:

- 8-bit: every 8-bit matrix product whose input is not float16 logs "MatMul8bitLt: inputs will be
  cast from … to float16" — once per layer per token (about 250 lines a token for a Qwen3-8B), so
  the app's log is flooded and every token waits on its writes. The first is let through, once
  per process; the rest are dropped.
- Its import (peft imports it whenever it is installed) reaches, on a CPU with AVX512-BF16, for
  a 4-bit kernel on the Hugging Face Hub, and warns when it gets none ("Failed to load CPU
  gemm_4bit_forward"). That kernel serves 4-bit loading on CPU alone: for a model loaded
  otherwise the warning only alarms, and is silenced.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import torch

from engines.base import ConfigurationError

Quantization = Literal["none", "4bit", "8bit"]

CAST_LOGGER = "bitsandbytes.autograd._functions"
CAST_MESSAGE = "inputs will be cast"
# the loggers that speak when bitsandbytes is imported and the Hub's CPU kernel cannot be had
KERNEL_PROBE_LOGGERS = ("bitsandbytes.backends.cpu.ops", "kernels._internals.hf_hub")


class OnceFilter(logging.Filter):
    """Lets the first record whose message holds `text` through, and drops the later ones."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.seen = False

    def filter(self, record: logging.LogRecord) -> bool:
        if self.text not in record.getMessage():
            return True
        if self.seen:
            return False
        self.seen = True
        return True


def keep_log_readable(kind: Quantization) -> None:
    """Set bitsandbytes' loggers for a model loaded as `kind` (see the module's docstring); call
    it before the model (and peft) is loaded. Calling it again adds nothing."""
    if kind != "4bit":
        for name in KERNEL_PROBE_LOGGERS:
            logging.getLogger(name).setLevel(logging.ERROR)
    cast = logging.getLogger(CAST_LOGGER)
    if not any(isinstance(f, OnceFilter) for f in cast.filters):
        cast.addFilter(OnceFilter(CAST_MESSAGE))


def quantization_config(kind: Quantization, device: torch.device) -> Any:
    """transformers' BitsAndBytesConfig for `kind` (None for "none"); a clear error when
    bitsandbytes is not installed."""
    if kind == "none":
        return None
    try:
        import bitsandbytes  # noqa: F401
        from transformers import BitsAndBytesConfig
    except ImportError as exc:
        raise ConfigurationError(
            f"{kind} loading needs bitsandbytes, which is not installed here "
            "(pip install bitsandbytes), or choose quantization 'none'") from exc
    compute = torch.bfloat16 if device.type == "cuda" else torch.float32
    if kind == "4bit":
        return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                  bnb_4bit_compute_dtype=compute)
    return BitsAndBytesConfig(load_in_8bit=True)
