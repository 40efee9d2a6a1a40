"""A small HTTP server on loopback that speaks DeepSeek's streaming chat-completions format.

The request's ``model`` picks the behaviour, so one server covers every case:

- ``deepseek-reasoner``: ``reasoning_content`` deltas, then ``content``, then usage with cache hits
- ``deepseek-chat``: content only (with usage)
- ``think-in-content``: a ``<think>…</think>`` block inside ``content`` split across chunks
- ``error-401`` / ``error-402`` / ``error-422`` / ``error-429`` / ``error-500`` / ``error-503``
- ``flaky-503``: 503 on the first request of each distinct prompt, then a normal answer
- ``drop``: a few chunks, then the connection is cut mid-stream
- ``stall``: one chunk, then only keep-alive comments, forever
- ``context``: HTTP 400 with DeepSeek's context-length message
- ``figures``: an answer stating figures, one of them ("12") written at 41% with "15" at 38%
- ``no-logprobs``: HTTP 400 when logprobs are asked for, else as ``deepseek-chat``
- ``formula``: an answer with formulas as DeepSeek writes them (``\\[ … \\]``, ``\\( … \\)``),
  split across chunks, dollar amounts, an "&" and a "<"
- ``judge``: a judge's reply (workbench.model_judge) preferring the answer that says "right"
  (or, given a reference answer, the one that holds it)
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from engines.providers import RemoteConfig
from engines.remote import RemoteEngine

REASONING = ["The user asks about ", "the P/E ratio. ", "It is price over earnings."]
ANSWER = ["Le ratio ", "cours sur bénéfice ", "vaut prix / bénéfice."]


FIGURES = ["Revenue rose ", "12% to ", "1,210 million."]
FORMULA = ["The modified duration is\n\n\\[\nD_{mod} = \\frac{D_{mac}}", "{1 + y}\n\\]\n\nso with \\( D_{mac} = 7",
           ".2 \\) it is lower, for a fee of $5 and $10 a trade on the S&P 500 (P/E < 25)."]
# the tokens written with less than even odds: (its probability, the likelier or nearly as likely other)
UNSURE = {"12": (0.41, ("15", 0.38))}


def logprobs(piece: str) -> dict[str, Any]:
    """A chunk's `logprobs` for `piece`, its tokens the words and spaces in it: each at 95% but
    those in UNSURE."""
    items = []
    for token in re.findall(r"\s*[^\s%]+|%|\s+", piece):
        prob, (other, other_prob) = UNSURE.get(token, (0.95, ("the", 0.03)))
        top = sorted([(token, prob), (other, other_prob)], key=lambda pair: -pair[1])
        items.append({"token": token, "logprob": math.log(prob), "bytes": list(token.encode()),
                      "top_logprobs": [{"token": t, "logprob": math.log(p), "bytes": list(t.encode())}
                                       for t, p in top]})
    return {"content": items}


def chunk(model: str, delta: dict[str, Any] | None = None, finish: str | None = None,
          usage: dict[str, Any] | None = None, probs: bool = False) -> dict[str, Any]:
    """One streamed chunk; `probs`: with the logprobs of its content's tokens."""
    body: dict[str, Any] = {"id": "chatcmpl-test", "object": "chat.completion.chunk",
                            "created": 1, "model": model,
                            "choices": [] if delta is None and finish is None else [
                                {"index": 0, "delta": delta or {}, "finish_reason": finish}]}
    if probs and (delta or {}).get("content"):
        body["choices"][0]["logprobs"] = logprobs(delta["content"])
    if usage is not None:
        body["usage"] = usage
    return body


USAGE = {"prompt_tokens": 30, "completion_tokens": 9, "total_tokens": 39,
         "prompt_cache_hit_tokens": 24, "prompt_cache_miss_tokens": 6,
         "completion_tokens_details": {"reasoning_tokens": 5}}


def _judgement(prompt: str) -> list[str]:
    """A fair judge's reply, in two pieces: the answer that says "right" wins wherever it stands;
    when the prompt holds a reference answer, the answer that holds the reference's first line
    wins instead. A prompt that is no judging (the model asked as System A) gets the usual answer."""
    if "## Answer 1" not in prompt:
        return ANSWER
    marker = "right"
    if "## Reference answer\n" in prompt:
        marker = prompt.split("## Reference answer\n", 1)[1].split("\n", 1)[0].strip()
    one, two = prompt.split("## Answer 1", 1)[1].split("## Answer 2", 1)
    pick = {(True, False): "1", (False, True): "2", (True, True): "tie"}.get((marker in one, marker in two),
                                                                           "both bad")
    return [f"Answer {pick} states the right figure.", f"\nVerdict: [[{pick}]]"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeDeepSeek  # type: ignore[assignment]

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def _json(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._json(status, {"error": {"message": message, "type": "test", "code": status}}, headers)

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _raw(self, text: str) -> None:
        data = text.encode()
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _event(self, body: dict[str, Any] | str) -> None:
        payload = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        self._raw(f"data: {payload}\n\n")
        time.sleep(self.server.delay_s)

    def _end(self) -> None:
        self._event("[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def do_GET(self) -> None:  # /v1/models for reachability checks
        if self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": "deepseek-chat", "object": "model"}]})
        else:
            self._error(404, "not found")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        self.server.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()},
                                     "body": body})
        model = body.get("model", "")
        if model.startswith("error-"):
            status = int(model.split("-")[1])
            headers = {"Retry-After": "7"} if status == 429 else None
            messages = {401: "Authentication Fails, Your api key: ****abcd is invalid",
                        402: "Insufficient Balance", 422: "Invalid temperature",
                        429: "Rate Limit Reached", 500: "Server Error",
                        503: "Server Overloaded"}
            self._error(status, messages.get(status, "error"), headers)
            return
        if model == "no-logprobs" and body.get("logprobs"):
            self._error(400, "logprobs is not supported by this model")
            return
        if model == "context":
            self._error(400, "This model's maximum context length is 65536 tokens. However, you "
                             "requested 70000 tokens.")
            return
        if model == "flaky-503":
            prompt = json.dumps(body.get("messages"))
            if prompt not in self.server.seen:
                self.server.seen.add(prompt)
                self._error(503, "Server Overloaded")
                return
        self._start_stream()
        if model == "deepseek-reasoner":
            self._event(chunk(model, {"role": "assistant", "content": None, "reasoning_content": ""}))
            for piece in REASONING:
                self._event(chunk(model, {"content": None, "reasoning_content": piece}))
            for piece in ANSWER:
                self._event(chunk(model, {"content": piece, "reasoning_content": None}))
            self._event(chunk(model, {"content": ""}, finish="stop"))
            self._event(chunk(model, usage=USAGE))
        elif model == "think-in-content":
            for piece in ["<thi", "nk>Reason ", "in content</th", "ink>\n\nThe answer."]:
                self._event(chunk(model, {"content": piece}, probs=bool(body.get("logprobs"))))
            self._event(chunk(model, {}, finish="stop"))
        elif model == "judge":
            for piece in _judgement(body["messages"][-1]["content"]):
                self._event(chunk(model, {"content": piece}))
            self._event(chunk(model, {}, finish="stop"))
        elif model == "drop":
            for piece in ANSWER[:2]:
                self._event(chunk(model, {"content": piece}))
            self.wfile.write(b"ff\r\ndata: {\"trunc")  # half a chunk, then the line goes dead
            self.wfile.flush()
            self.close_connection = True
            return
        elif model == "stall":
            self._event(chunk(model, {"content": "Working"}))
            try:
                while not self.server.stopping.is_set():
                    self._raw(": keep-alive\n\n")
                    time.sleep(0.1)
            except OSError:  # the client gave up: that is the point
                pass
            self.close_connection = True
            return
        else:
            finish = "length" if body.get("max_tokens", 99) < 3 else "stop"
            pieces = {"figures": FIGURES, "formula": FORMULA}.get(model, ANSWER)
            for piece in pieces[: max(1, min(3, body.get("max_tokens", 3)))]:
                self._event(chunk(model, {"content": piece}, probs=bool(body.get("logprobs"))))
            self._event(chunk(model, {}, finish=finish))
            usage = dict(USAGE, completion_tokens=3, completion_tokens_details={"reasoning_tokens": 0})
            self._event(chunk(model, usage=usage))
        self._end()


KEY_ENV = "FAKE_DEEPSEEK_KEY"  # the variable the tests put this server's API key in


class FakeDeepSeek(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, delay_s: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.delay_s = delay_s
        self.requests: list[dict[str, Any]] = []
        self.seen: set[str] = set()
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-stream (a cancelled request, a timeout test) is expected
        here; anything else is printed as usual."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def engine(self, model: str = "deepseek-reasoner", **overrides: Any) -> RemoteEngine:
        """System A on this server: DeepSeek's preset, the key from KEY_ENV, no retries unless asked."""
        settings = {"max_retries": 0, **overrides}
        return RemoteEngine(RemoteConfig(provider="deepseek", base_url=self.base_url, model=model,
                                         api_key_env=KEY_ENV, **settings))

    def __enter__(self) -> FakeDeepSeek:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
