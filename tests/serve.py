"""Start `transformers serve` on the demo model, on loopback, for tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def transformers_serve(model_dir: Path, timeout_s: float = 120) -> Iterator[str]:
    """Yield the base URL (…/v1) of a running server; stop it afterwards."""
    exe = shutil.which("transformers")
    if exe is None:
        raise RuntimeError("the transformers CLI is not installed (pip install 'transformers[serving]')")
    port = free_port()
    cache = tempfile.mkdtemp(prefix="hf-cache-")  # /v1/models fails without a cache directory
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_HUB_CACHE=cache, HF_HOME=cache)
    log_path = Path(cache) / "serve.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([exe, "serve", str(model_dir), "--host", "127.0.0.1", "--port",
                                 str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("transformers serve did not start:\n"
                                       + log_path.read_text()[-3000:]) from None
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(cache, ignore_errors=True)
