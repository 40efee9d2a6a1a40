"""A model's tokenizer loaded in the app's own process, to count prompts without the model.

System B's model in a process of its own (engines.process) and System A's model on a provider's
server (engines.remote, with ``--system-a-tokenizer``) both count the prompts they would read —
Chat's prompt gauge, the judge's cost estimate — with their model's tokenizer and chat template,
loaded here once, in the background from the start, and lent to one thread at a time. A tokenizer
that cannot be loaded is not tried again on every count (a Hub id offline would wait on the
network each time): its reason is kept and said.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any

from engines.base import ChatRequest, InvalidRequestError
from engines.prompt import prompt_token_count

log = logging.getLogger(__name__)


class AppTokenizer:
    """The tokenizer of `source` (a Hub id or a folder), loaded in a background thread at once."""

    def __init__(self, source: str, whose: str, revision: str | None = None) -> None:
        self.source = source
        self.whose = whose  # "the model's", "System A's": what its errors name
        self.revision = revision
        self._tokenizer: Any = None
        self._problem: str | None = None
        self._lock = threading.Lock()
        threading.Thread(target=self._quietly_load, name="app-tokenizer", daemon=True).start()

    @property
    def problem(self) -> str | None:
        """Why the tokenizer could not be loaded (None: loaded, or still loading)."""
        return self._problem

    def count(self, request: ChatRequest) -> int:
        """The tokens of the prompt the model reads for `request` (engines.prompt.prompt_token_count).
        InvalidRequestError when the tokenizer cannot be loaded or its chat template refuses it."""
        return prompt_token_count(self.loaded(), request)

    def loaded(self) -> Any:
        """The tokenizer, waiting while it loads. InvalidRequestError when it cannot be loaded."""
        with self._lock:
            if self._tokenizer is None:
                if self._problem is None:
                    self._problem = self._load()
                if self._problem is not None:
                    raise InvalidRequestError(f"{self.whose} tokenizer cannot be loaded in the app: {self._problem}")
            return self._tokenizer

    def _load(self) -> str | None:
        from transformers import AutoTokenizer

        try:
            self._tokenizer = AutoTokenizer.from_pretrained(self.source, revision=self.revision)
        except Exception as exc:  # noqa: BLE001 — a Hub id offline, a folder without a tokenizer, a typo
            log.warning("%s tokenizer (%s) could not be loaded: %s", self.whose, self.source, exc)
            return str(exc) or type(exc).__name__
        return None

    def _quietly_load(self) -> None:
        with contextlib.suppress(InvalidRequestError):
            self.loaded()
