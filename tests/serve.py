"""Start real servers on loopback for tests: `transformers serve`, and the app in its own process."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _server(cmd: list[str], ready_url: str, workdir: str, env: dict[str, str],
            timeout_s: float) -> Iterator[subprocess.Popen]:
    """Run `cmd` until `ready_url` answers; stop it afterwards. Its output goes to workdir/server.log."""
    log_path = Path(workdir) / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(ready_url, timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{cmd[0]} did not start:\n" + log_path.read_text()[-3000:]) from None
                time.sleep(0.5)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def transformers_serve(model_dir: Path, *extra: str, timeout_s: float = 120) -> Iterator[str]:
    """Yield the base URL (…/v1) of a running server (extra: more CLI options); stop it afterwards."""
    beside = Path(sys.executable).parent / "transformers"  # the venv's, even when not activated
    exe = str(beside) if beside.exists() else shutil.which("transformers")
    if exe is None:
        raise RuntimeError("the transformers CLI is not installed (pip install 'transformers[serving]')")
    port = free_port()
    cache = tempfile.mkdtemp(prefix="hf-cache-")  # /v1/models fails without a cache directory
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_HUB_CACHE=cache, HF_HOME=cache)
    try:
        with _server([exe, "serve", str(model_dir), *extra, "--host", "127.0.0.1", "--port", str(port)],
                     f"http://127.0.0.1:{port}/health", cache, env, timeout_s):
            yield f"http://127.0.0.1:{port}/v1"
    finally:
        shutil.rmtree(cache, ignore_errors=True)


@contextmanager
def app_process(model_dir: Path, *extra: str, timeout_s: float = 180) -> Iterator[tuple[str, int]]:
    """`python app.py` on loopback in its own process, as users run it: yields (url, pid)."""
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="app-")
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    env.pop("DEEPSEEK_API_KEY", None)
    cmd = [sys.executable, str(ROOT / "app.py"), "--model", str(model_dir), "--host", "127.0.0.1",
           "--port", str(port), "--results-dir", workdir, *extra]
    url = f"http://127.0.0.1:{port}"
    try:
        with _server(cmd, url + "/api/health", workdir, env, timeout_s) as proc:
            yield url, proc.pid
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
