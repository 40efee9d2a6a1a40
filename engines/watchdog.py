"""A watchdog that closes an HTTP stream at a deadline or when the caller cancels.

A provider that only sends keep-alive comments never yields a chunk, so the reading loop alone
would never get a chance to check the clock or the cancel flag.
"""

from __future__ import annotations

import threading
import time
from typing import Any


class Watchdog:
    """Closes the HTTP stream when the deadline passes or the caller cancels.

    Needed because a provider that only sends keep-alive comments never yields a chunk, so the
    reading loop alone would never get a chance to check the clock.
    """

    def __init__(self, deadline_s: float, cancel: threading.Event | None) -> None:
        self.deadline = time.monotonic() + deadline_s
        self.cancel = cancel
        self.fired: str | None = None
        self._done = threading.Event()
        self._response: Any = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="remote-watchdog")
        self._thread.start()

    def watch(self, response: Any) -> None:
        self._response = response
        if self.fired:
            self._close()

    def _close(self) -> None:
        try:
            if self._response is not None:
                self._response.close()
        except Exception:  # noqa: BLE001 - closing a broken stream may itself fail
            pass

    def cancel_now(self) -> None:
        self.fired = self.fired or "cancelled"
        self._close()

    def _run(self) -> None:
        while not self._done.wait(0.05):
            if self.cancel is not None and self.cancel.is_set():
                self.fired = "cancelled"
            elif time.monotonic() > self.deadline:
                self.fired = "deadline"
            if self.fired:
                self._close()
                return

    def stop(self) -> None:
        self._done.set()
