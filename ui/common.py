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


def _key(request: gr.Request | None, scope: str) -> str:
    return f"{(request.session_hash if request else None) or 'anonymous'}/{scope}"


def session_cancel(services: Services, request: gr.Request | None, scope: str) -> threading.Event:
    """The cancel flag of this browser session's runs in `scope` (a tab's runs); its Stop sets it."""
    return services.cancel_flag(_key(request, scope))


def stopper(services: Services, scope: str):
    """A Stop-button callback: stops the caller's session's runs in `scope`, and nothing else."""

    def stop(request: gr.Request) -> None:
        services.cancel(_key(request, scope))

    return stop
