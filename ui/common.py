"""Small helpers shared by the tabs: engine choice and per-session cancel flags."""

from __future__ import annotations

import threading

import gradio as gr

from engines.base import Engine
from workbench.services import LOCAL, Services

BASE_MODEL = "(base model)"


def pick_engine(services: Services, label: str, adapter: str | None = None) -> tuple[Engine, str | None]:
    """The engine for a dropdown label and the adapter to use (only the local model takes one).

    Raises gr.Error for an unknown label, so the message reaches the user, not a traceback.
    """
    try:
        engine = services.engine(label)
    except ValueError as exc:
        raise gr.Error(str(exc)) from None
    chosen = None if adapter in (None, "", BASE_MODEL) or label != LOCAL else adapter
    return engine, chosen


def session_cancel(services: Services, request: gr.Request | None) -> threading.Event:
    """A fresh cancel flag for this browser session; its Stop button sets it."""
    return services.cancel_flag((request.session_hash if request else None) or "anonymous")


def stopper(services: Services):
    """A Stop-button callback: sets the cancel flag of the caller's session."""

    def stop(request: gr.Request) -> None:
        services.cancel((request.session_hash if request else None) or "anonymous")

    return stop
