"""4/8-bit loading through bitsandbytes (engines.quantization), on CPU with the demo model: it
loads, keeps its LoRA adapter and answers; and bitsandbytes' log stays readable."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engines.base import ChatRequest, GenerationParams, collect
from engines.local import LocalEngine, LocalModelConfig
from engines.quantization import CAST_LOGGER, KERNEL_PROBE_LOGGERS, OnceFilter, keep_log_readable

pytest.importorskip("bitsandbytes")

ROOT = Path(__file__).resolve().parents[2]
LAYERS = {"4bit": "Linear4bit", "8bit": "Linear8bitLt"}


@pytest.fixture
def loggers_restored():
    """bitsandbytes' loggers as they were before the test (keep_log_readable sets them)."""
    kept = {name: (logging.getLogger(name).level, list(logging.getLogger(name).filters))
            for name in (*KERNEL_PROBE_LOGGERS, CAST_LOGGER)}
    yield
    for name, (level, filters) in kept.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.filters[:] = filters


@pytest.mark.parametrize("kind", ["4bit", "8bit"])
def test_a_quantized_model_loads_keeps_its_adapter_and_answers(demo_model_dir, kind, caplog, loggers_restored):
    engine = LocalEngine(LocalModelConfig(model=str(demo_model_dir), quantization=kind, device="cpu"))
    try:
        layers = {type(m).__name__ for m in engine.model.modules()}
        assert LAYERS[kind] in layers, f"no {LAYERS[kind]} layer: the model was not loaded in {kind}"
        assert engine.adapters == ["french-reasoning"]
        params = GenerationParams(temperature=0, max_new_tokens=60)
        with caplog.at_level(logging.WARNING, logger=CAST_LOGGER):
            for adapter in (None, "french-reasoning"):
                done = collect(engine.stream(ChatRequest.single("What is an ETF?", params=params, adapter=adapter)))
                assert done.reasoning.strip(), f"{kind} with adapter {adapter}: no reasoning"
                assert done.stats.reasoning_tokens + done.stats.content_tokens > 10
        health = engine.health()
    finally:
        engine.close()
    casts = [r for r in caplog.records if "will be cast" in r.getMessage()]
    assert len(casts) <= 1, f"{len(casts)} cast warnings for two answers: the log would be flooded"
    assert health["quantization"] == kind and health["status"] == "ready"


def test_the_once_filter_lets_other_messages_through(loggers_restored):
    kept = OnceFilter("inputs will be cast")
    record = lambda msg: logging.LogRecord(CAST_LOGGER, logging.WARNING, __file__, 1, msg, None, None)  # noqa: E731
    assert kept.filter(record("MatMul8bitLt: inputs will be cast from float32 to float16"))
    assert not kept.filter(record("MatMul8bitLt: inputs will be cast from float32 to float16"))
    assert kept.filter(record("something else went wrong"))


@pytest.mark.parametrize("kind", ["none", "8bit"])
def test_the_hub_kernel_probe_is_quiet_unless_loading_in_4bit(loggers_restored, kind):
    for name in KERNEL_PROBE_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)
    keep_log_readable("4bit")  # the CPU 4-bit kernel then matters: its warning stays
    assert all(logging.getLogger(name).level == logging.NOTSET for name in KERNEL_PROBE_LOGGERS)
    keep_log_readable(kind)
    keep_log_readable(kind)  # again: the cast filter is not added twice
    assert all(logging.getLogger(name).level == logging.ERROR for name in KERNEL_PROBE_LOGGERS)
    assert sum(isinstance(f, OnceFilter) for f in logging.getLogger(CAST_LOGGER).filters) == 1


def test_loading_without_quantization_prints_no_warning(demo_model_dir):
    """On a CPU with AVX512-BF16 (this project's machines) importing bitsandbytes warns that the
    Hub's 4-bit CPU kernel could not be fetched, which a model loaded without quantization never
    uses; and peft warned of a transformers method it calls (engines.adapters). The log of a
    start holds neither."""
    code = ("import logging; logging.basicConfig(level=logging.INFO)\n"
            "from engines.local import LocalEngine, LocalModelConfig\n"
            f"LocalEngine(LocalModelConfig(model={str(demo_model_dir)!r}, device='cpu')).close()\n"
            "import sys; print('bitsandbytes' in sys.modules)")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=300, check=True)
    assert out.stdout.strip().endswith("True"), "bitsandbytes was not imported: the check would prove nothing"
    assert "loaded" in out.stderr  # the engine's own log goes through
    assert "gemm_4bit_forward" not in out.stderr and "publisher trust" not in out.stderr, out.stderr[-2000:]
    assert "Warning" not in out.stderr, out.stderr[-2000:]
