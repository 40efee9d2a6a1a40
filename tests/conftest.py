"""Shared fixtures: the bundled demo model and a local engine loaded once per session."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

DEMO_MODEL = ROOT / "assets" / "demo-model"


@pytest.fixture(scope="session")
def demo_model_dir() -> Path:
    assert (DEMO_MODEL / "model.safetensors").is_file(), "run scripts/build_demo_model.py"
    return DEMO_MODEL


@pytest.fixture(scope="session")
def local_engine(demo_model_dir):
    from engines.local import LocalEngine, LocalModelConfig

    engine = LocalEngine(LocalModelConfig(model=str(demo_model_dir)))
    yield engine
    engine.close()
