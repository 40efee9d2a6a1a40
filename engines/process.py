"""System B's local engine in a process of its own.

:class:`ProcessEngine` loads the model in a spawned child process and talks to it over a pipe;
the app's process keeps only the web layer and a reader thread that hands each request its
events. The web server then survives the model's process dying (out of memory, a crashed
kernel), and the two can be measured apart; throughput on a 2-core machine did not change
(README "Performance": the interpreter lock was not what limited it). It offers what the app
uses of :class:`LocalEngine`: ``name``, ``model_id``, ``adapters``, ``stream``, ``health``,
``close``, loading or unloading LoRA adapters while it runs, reading an answer again token by
token (``answer_confidence``), and counting a prompt's tokens (``prompt_token_count``,
``context_length``: with the model's tokenizer, loaded in the app too).

If the child dies (killed, out of host memory), running streams end at once with an error that
says so, later requests get the same error, and the rest of the app keeps working.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from engines.app_tokenizer import AppTokenizer
from engines.base import ChatRequest, Done, EngineError, StreamEvent, StreamStats
from engines.local import LocalEngine, LocalFailure, LocalModelConfig

log = logging.getLogger(__name__)

# messages, app -> engine process
STREAM, CANCEL, HEALTH, CLOSE, CALL = "stream", "cancel", "health", "close", "call"
# messages, engine process -> app
READY, FAILED, EVENT, ANSWER = "ready", "failed", "event", "answer"

ROOT = Path(__file__).resolve().parents[1]
HEALTH_TIMEOUT_S = 5.0
ADAPTER_TIMEOUT_S = 1800.0  # fetching an adapter from the Hub, then loading it
CONFIDENCE_TIMEOUT_S = 300.0  # reading an answer again, between decode steps of a busy batch
# what the app may ask of the child's engine, besides streams (LocalEngine's methods)
CALLS = ("load_adapter", "unload_adapter", "answer_confidence")
POLL_S = 0.05  # how often a waiting stream looks at its cancel flag


class ProcessEngine:
    """A :class:`LocalEngine` running in a child process; the same requests, the same events."""

    def __init__(self, cfg: LocalModelConfig, name: str = "System B · local model") -> None:
        # A fresh interpreter (`python -m engines.process`), not a fork: CUDA cannot be used in a
        # forked child, and multiprocessing's spawn would import the app's main module again.
        ours, theirs = socket.socketpair()
        self._process = subprocess.Popen([sys.executable, "-m", "engines.process", str(theirs.fileno())],
                                         pass_fds=[theirs.fileno()], cwd=ROOT)
        theirs.close()
        self._conn = Connection(ours.detach())
        try:
            self._conn.send((cfg, name, logging.getLogger().level))
            kind, info = self._conn.recv()  # waits while the child loads the model
        except (EOFError, OSError):
            code = self._process.wait(10)
            raise LocalFailure(f"the local model's process exited while loading {cfg.model!r} "
                               f"(exit code {code})") from None
        if kind == FAILED:
            self._process.wait(10)
            raise info
        self.cfg = cfg
        self.name = name
        self.model_id: str = info["model_id"]
        self._adapters: list[dict[str, Any]] = info["adapter_list"]
        self._last_health: dict[str, Any] = info["health"]
        self._waiting: dict[int, queue.Queue] = {}  # request id -> its events
        self._ids = itertools.count()
        self._send_lock = threading.Lock()
        self._stopped: str | None = None  # why the child is gone, once it is
        self._closing = False
        self._reader = threading.Thread(target=self._read, name="system-b-engine-reader", daemon=True)
        self._reader.start()
        # The model's tokenizer, loaded here too (the child has it cached): prompts are counted
        # without a round trip to the child, and while it is busy generating.
        self._tokenizer = AppTokenizer(cfg.model, "the model's", cfg.revision)

    # ------------------------------------------------------------ engine protocol

    @property
    def adapters(self) -> list[str]:
        return [a["name"] for a in self._adapters]

    def adapter_list(self) -> list[dict[str, Any]]:
        return [dict(a) for a in self._adapters]

    def load_adapter(self, name: str, source: str) -> dict[str, Any]:
        info = self._call("load_adapter", ADAPTER_TIMEOUT_S, "load the adapter", name, source)
        return next(a for a in self._adapters if a["name"] == info["name"])

    def unload_adapter(self, name: str) -> None:
        self._call("unload_adapter", ADAPTER_TIMEOUT_S, "unload the adapter", name)

    def answer_confidence(self, request: ChatRequest, reasoning: str, answer: str, top: int = 5) -> list[Any]:
        """LocalEngine.answer_confidence, in the child."""
        return self._call("answer_confidence", CONFIDENCE_TIMEOUT_S, "read the answer again", request, reasoning,
                          answer, top)

    def _call(self, method: str, timeout_s: float, doing: str, *args: Any) -> Any:
        """Ask the child's engine to run `method` (one of CALLS) with `args`; its error (a refused
        name, an adapter that does not fit) is raised here as it was there."""
        rid, answers = self._open()
        try:
            self._send((CALL, rid, method, args))
            try:
                answer = answers.get(timeout=timeout_s)
            except queue.Empty:
                raise LocalFailure(f"the local model's process did not {doing} within {timeout_s:.0f} s") from None
        finally:
            self._waiting.pop(rid, None)
        if answer is None:
            raise LocalFailure(self._stopped or "the local model's process is gone")
        outcome, value, listed = answer
        self._adapters = listed
        if outcome == FAILED:
            raise value
        return value

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def stream(self, request: ChatRequest, cancel: threading.Event | None = None) -> Iterator[StreamEvent]:
        started = time.perf_counter()
        rid, events = self._open()
        cancel_sent = False
        try:
            self._send((STREAM, rid, request))
            while True:
                if cancel is not None and cancel.is_set() and not cancel_sent:
                    self._send((CANCEL, rid))
                    cancel_sent = True
                try:
                    event = events.get(timeout=POLL_S)
                except queue.Empty:
                    continue
                if event is None:  # the child went away
                    yield self._failure(started)
                    return
                yield event
                if isinstance(event, Done):
                    return
        except EngineError:
            yield self._failure(started)
        except GeneratorExit:  # the consumer stopped early: free the row in the child at once
            if not cancel_sent:
                self._send_quietly((CANCEL, rid))
            raise
        finally:
            self._waiting.pop(rid, None)

    @property
    def context_length(self) -> int | None:
        """The tokens the model reads at most (None where its config does not say)."""
        return self._last_health.get("context_length")

    def prompt_token_count(self, request: ChatRequest) -> int:
        """The tokens of the prompt the model would read for `request`, counted with its own
        tokenizer in this process (engines.prompt.prompt_token_count). InvalidRequestError when
        the tokenizer cannot be loaded here or its chat template refuses the request."""
        return self._tokenizer.count(request)

    def health(self) -> dict[str, Any]:
        if self._stopped is None:
            rid, answers = self._open()
            try:
                self._send((HEALTH, rid))
                answer = answers.get(timeout=HEALTH_TIMEOUT_S)
                if answer is not None:
                    self._last_health = answer
            except (EngineError, queue.Empty):
                pass  # busy or gone: report what is known
            finally:
                self._waiting.pop(rid, None)
        status = {"status": "failed", "error": self._stopped} if self._stopped else {}
        return {**self._last_health, "process": "own", **status}

    def close(self) -> None:
        self._closing = True
        self._send_quietly((CLOSE,))
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(5)
        self._conn.close()

    # ------------------------------------------------------------ plumbing

    def _open(self) -> tuple[int, queue.Queue]:
        rid = next(self._ids)
        box: queue.Queue = queue.Queue()
        self._waiting[rid] = box
        if self._stopped is not None:
            box.put(None)
        return rid, box

    def _send(self, message: tuple) -> None:
        if self._stopped is not None:
            raise LocalFailure(self._stopped)
        try:
            with self._send_lock:
                self._conn.send(message)
        except (OSError, EOFError, ValueError) as exc:
            raise LocalFailure(self._stopped or f"the local model's process is gone: {exc}") from None

    def _send_quietly(self, message: tuple) -> None:
        with contextlib.suppress(EngineError):
            self._send(message)

    def _read(self) -> None:
        """The only reader of the pipe: hands each event to the request waiting for it."""
        try:
            while True:
                _, rid, payload = self._conn.recv()
                box = self._waiting.get(rid)
                if box is not None:
                    box.put(payload)
        except (EOFError, OSError):
            pass
        try:
            code = self._process.wait(1)
        except subprocess.TimeoutExpired:
            code = None
        if self._closing:
            self._stopped = "the local model was closed"
        else:
            self._stopped = ("the local model's process stopped" + (f" (exit code {code})" if code else "")
                             + ": restart the app to serve System B again")
            log.error(self._stopped)
        for box in list(self._waiting.values()):
            box.put(None)

    def _failure(self, started: float) -> Done:
        stats = StreamStats(self.model_id, "error", total_s=time.perf_counter() - started)
        return Done(stats, LocalFailure(self._stopped or "the local model's process is gone"))


def serve(cfg: LocalModelConfig, name: str, conn: Any, log_level: int = logging.WARNING) -> None:
    """The child process: load the model, then answer the app's messages until told to close
    or until the app goes away. Each request streams from a thread of its own, as in the app."""
    logging.basicConfig(level=log_level)
    try:
        engine = LocalEngine(cfg, name)
    except BaseException as exc:  # noqa: BLE001 - the app shows why loading failed
        conn.send((FAILED, exc if isinstance(exc, EngineError) else LocalFailure(f"{type(exc).__name__}: {exc}")))
        return
    conn.send((READY, {"model_id": engine.model_id, "adapter_list": engine.adapter_list(),
                       "health": engine.health()}))
    send_lock = threading.Lock()
    cancels: dict[int, threading.Event] = {}

    def send(message: tuple) -> None:
        with send_lock:
            conn.send(message)

    def run(rid: int, request: ChatRequest, cancel: threading.Event) -> None:
        try:
            for event in engine.stream(request, cancel):
                send((EVENT, rid, event))
        except (OSError, EOFError):
            cancel.set()  # the app went away
        except Exception as exc:  # a bug here ends this request, not the process
            log.exception("request %s failed", rid)
            send((EVENT, rid, Done(StreamStats(engine.model_id, "error"),
                                   LocalFailure(f"the local model failed: {type(exc).__name__}: {exc}"))))
        finally:
            cancels.pop(rid, None)

    def call(rid: int, method: str, args: tuple) -> None:
        try:
            if method not in CALLS:
                raise LocalFailure(f"the local model's process has no {method!r} to run")
            answer = (READY, getattr(engine, method)(*args), engine.adapter_list())
        except EngineError as exc:
            answer = (FAILED, exc, engine.adapter_list())
        except Exception as exc:  # a bug here ends this call, not the process
            log.exception("%s failed", method)
            answer = (FAILED, LocalFailure(f"{type(exc).__name__}: {exc}"), engine.adapter_list())
        with contextlib.suppress(OSError, EOFError):  # the app went away meanwhile
            send((ANSWER, rid, answer))

    try:
        while True:
            message = conn.recv()
            if message[0] == STREAM:
                _, rid, request = message
                cancels[rid] = threading.Event()
                threading.Thread(target=run, args=(rid, request, cancels[rid]), daemon=True).start()
            elif message[0] == CANCEL:
                event = cancels.get(message[1])
                if event is not None:
                    event.set()
            elif message[0] == CALL:
                threading.Thread(target=call, args=message[1:], daemon=True).start()
            elif message[0] == HEALTH:
                send((ANSWER, message[1], engine.health()))
            elif message[0] == CLOSE:
                break
    except (EOFError, OSError):
        pass  # the app exited
    finally:
        for event in list(cancels.values()):
            event.set()
        engine.close()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the app's to handle; it closes us
    conn = Connection(int(sys.argv[1]))
    cfg, name, log_level = conn.recv()
    serve(cfg, name, conn, log_level)


if __name__ == "__main__":
    main()
