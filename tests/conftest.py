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


@pytest.fixture(scope="session")
def serve_url(demo_model_dir):
    """`transformers serve` on the demo model: a real OpenAI-compatible server on loopback."""
    from tests.serve import transformers_serve

    with transformers_serve(demo_model_dir) as url:
        yield url


@pytest.fixture(scope="session")
def running_app(demo_model_dir, tmp_path_factory):
    """The real app on loopback, System B on the demo model (costed at $0.80 an hour), System A
    unconfigured."""
    import app as app_module
    from tests.serve import free_port
    from workbench.settings import Settings

    os.environ.pop("DEEPSEEK_API_KEY", None)
    settings = Settings(model=str(demo_model_dir), port=free_port(),
                        results_dir=tmp_path_factory.mktemp("runs"), system_b_hourly_usd=0.80)
    demo, url, _, services = app_module.launch(settings)
    yield url.rstrip("/"), services
    demo.close()
    services.local.close()


from tests.ui.pages import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through playwright (playwright cannot download browsers here)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: scripts/test.sh installs it with apt-get")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _close_browser_contexts(request):
    """After each test that drove the browser, close every context it left open: a page left on an
    app that has since stopped keeps its renderer busy beside the rest of the suite."""
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()


@pytest.fixture()
def page(browser, running_app):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.goto(running_app[0])
    pg.wait_for_selector("#chat-question textarea", timeout=30000)
    yield pg
    context.close()
