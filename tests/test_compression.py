"""The running app sends its page and its other uncompressed responses gzipped to a browser that
accepts it (workbench.compression), and leaves Gradio's own compression and its streams alone."""

from __future__ import annotations

import gzip
import json
import time
import uuid

import brotli
import httpx
import pytest

from workbench.compression import handled_by_gradio


def fetch(url: str, accept: str) -> httpx.Response:
    """The response as it came over the wire (httpx decodes nothing read with iter_raw)."""
    with httpx.stream("GET", url, headers={"Accept-Encoding": accept}, timeout=60) as resp:
        resp.raw = b"".join(resp.iter_raw())
    return resp


@pytest.mark.parametrize("path", ["/", "/config"])
def test_the_page_and_its_configuration_come_gzipped(running_app, path):
    url, _ = running_app
    plain = fetch(url + path, "identity")
    assert plain.headers.get("content-encoding") is None
    packed = fetch(url + path, "gzip, deflate, br, zstd")  # what chromium asks for
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    assert gzip.decompress(packed.raw) == plain.raw  # the same page
    # the page carries every component of the four tabs: hundreds of KB, a tenth of it gzipped
    assert len(plain.raw) > 200_000 and len(packed.raw) * 5 < len(plain.raw)


def test_gradio_keeps_compressing_its_own_files_and_nothing_is_compressed_twice(running_app):
    url, _ = running_app
    assert handled_by_gradio("/theme.css") and not handled_by_gradio("/")
    plain = fetch(url + "/theme.css", "identity")
    packed = fetch(url + "/theme.css", "gzip, deflate, br, zstd")
    assert packed.headers["content-encoding"] == "br"  # Gradio's Brotli, ours not laid over it
    assert brotli.decompress(packed.raw) == plain.raw
    small = fetch(url + "/api/health", "gzip")  # a small body is not worth it
    assert small.headers.get("content-encoding") is None and json.loads(small.raw)["status"]


def test_an_answer_still_streams_to_a_client_that_accepts_gzip(running_app):
    """Gradio's queue streams each answer as server-sent events: they must reach the browser as
    they are written, not held back to be compressed together."""
    url, _ = running_app
    config = httpx.get(url + "/config", timeout=60).json()
    fn_index = next(i for i, dep in enumerate(config["dependencies"]) if dep.get("api_name") == "chat")
    session = uuid.uuid4().hex
    params = json.dumps({"temperature": 0, "max_new_tokens": 200})
    joined = httpx.post(url + "/gradio_api/queue/join", timeout=60,
                        json={"data": ["Qu'est-ce que la duration ?", "System B · local model", "", params, ""],
                              "fn_index": fn_index, "session_hash": session, "event_data": None, "trigger_id": None})
    assert joined.status_code == 200, joined.text
    arrivals = []
    with httpx.stream("GET", url + "/gradio_api/queue/data", params={"session_hash": session}, timeout=120,
                      headers={"Accept-Encoding": "gzip, deflate, br"}) as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        assert resp.headers.get("content-encoding") is None
        for line in resp.iter_lines():
            if line.startswith("data:"):
                msg = json.loads(line[5:]).get("msg")
                arrivals.append((msg, time.perf_counter()))
                if msg == "process_completed":
                    break
    updates = [at for msg, at in arrivals if msg == "process_generating"]
    assert len(updates) >= 3 and arrivals[-1][0] == "process_completed", arrivals
    # the first words came while the model was still writing (held back, all would come at once)
    assert arrivals[-1][1] - updates[0] > 0.1, arrivals
