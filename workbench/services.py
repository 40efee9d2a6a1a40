"""Build the engines the app offers from Settings, once, at start-up."""

from __future__ import annotations

import logging
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engines.adapters import AdapterChangesOff
from engines.base import Engine, EngineError
from engines.local import LocalEngine, LocalModelConfig
from engines.process import ProcessEngine
from engines.providers import RemoteConfig
from engines.remote import RemoteEngine
from engines.systems import RoutedEngine
from workbench.compare import Comparator
from workbench.engine_names import LOCAL, PIPELINE, REMOTE
from workbench.kept_adapters import forget_adapter, keep_adapter, kept_adapters
from workbench.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["LOCAL", "PIPELINE", "REMOTE", "Services", "build_services"]


@dataclass
class Services:
    """Everything the UI and the REST routes need, built once."""

    settings: Settings
    engines: dict[str, Engine]
    notices: list[str] = field(default_factory=list)
    _cancels: dict[str, threading.Event] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def local(self) -> LocalEngine | ProcessEngine:
        return self.engines[LOCAL]  # type: ignore[return-value]

    @property
    def remote(self) -> RemoteEngine:
        return self.engines[REMOTE]  # type: ignore[return-value]

    @property
    def pipeline(self) -> RoutedEngine:
        return self.engines[PIPELINE]  # type: ignore[return-value]

    def comparator(self) -> Comparator:
        """System A (remote, no routing) against System B (router + local model)."""
        return Comparator(self.remote, self.pipeline)

    @property
    def heavy_event(self) -> dict[str, Any]:
        """Event settings for everything that generates: one shared pool of `concurrency` slots,
        so the app serves that many requests at once and queues the rest (up to the queue bound)."""
        return {"concurrency_limit": self.settings.concurrency, "concurrency_id": "generation"}

    def engine(self, label: str) -> Engine:
        try:
            return self.engines[label]
        except KeyError:
            raise ValueError(f"unknown engine {label!r}; choose one of {', '.join(self.engines)}") from None

    def engine_choices(self) -> list[tuple[str, str]]:
        """(display label, value) pairs; an unconfigured System A says so in its label."""
        out = []
        for label, engine in self.engines.items():
            shown = label
            if isinstance(engine, RemoteEngine) and not engine.configured:
                shown = f"{label} (not configured)"
            out.append((shown, label))
        return out

    def load_adapter(self, name: str, source: str) -> dict[str, Any]:
        """Load a LoRA adapter into System B's model while the app runs (an InvalidRequestError when
        refused: loading turned off, a bad name, an adapter that cannot be found or does not fit),
        and keep it in the results folder, so that the next start loads it again (`kept`: whether
        it could be kept)."""
        self._adapter_changes_allowed()
        info = self.local.load_adapter(name, source)
        return {**info, "kept": keep_adapter(self.settings.results_dir, info["name"], info["source"])}

    def unload_adapter(self, name: str) -> None:
        self._adapter_changes_allowed()
        self.local.unload_adapter(name)
        forget_adapter(self.settings.results_dir, name)

    def _adapter_changes_allowed(self) -> None:
        if not self.settings.adapter_loading:
            raise AdapterChangesOff("loading and unloading adapters is turned off on this app "
                                      "(--no-adapter-loading): the adapters loaded at start are the ones offered")

    def cancel_flag(self, key: str) -> threading.Event:
        """The cancel flag for what `key` (a browser session and one tab) runs now.

        Runs started under one key share the flag until its Stop sets it; the next run then
        gets a fresh one. Keys keep tabs apart: a question asked in Chat while a batch runs
        must not take over the batch's Stop button.
        """
        with self._lock:
            flag = self._cancels.get(key)
            if flag is None or flag.is_set():
                flag = self._cancels[key] = threading.Event()
            return flag

    def cancel(self, key: str) -> None:
        with self._lock:
            flag = self._cancels.get(key)
        if flag is not None:
            flag.set()

    def health(self) -> dict[str, Any]:
        return {"status": "ok", "demo_model": self.settings.uses_demo_model,
                "system_b": self.local.health(), "system_a": self.remote.health(),
                "notices": self.notices}


def results_folder_problem(folder: Path) -> str | None:
    """Why nothing could be saved in the results folder, or None when a file can be written there."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return (f"The results folder {folder} cannot be written ({exc.strerror or exc}): a batch cannot run "
                "(it saves each answer as it comes), and verdicts, FR/EN inspections and tuning runs are not "
                "kept. Start with --results-dir (or WORKBENCH_RESULTS_DIR) naming a folder the app can write.")
    return None


def load_kept_adapters(local: LocalEngine | ProcessEngine, folder: Path) -> list[str]:
    """Load again the adapters loaded while the app last ran (kept in the results folder); one that
    cannot be loaded is said in a notice and no longer kept, and the app starts without it."""
    notices = []
    for name, source in kept_adapters(folder).items():
        if name in local.adapters:
            continue  # loaded at start already, under that name
        try:
            local.load_adapter(name, source)
        except EngineError as exc:
            forget_adapter(folder, name)
            notices.append(f"The LoRA adapter {name!r} ({source}), loaded while the app last ran, could not be "
                           f"loaded again: {exc}. It is no longer kept: load it again under Generation tuning "
                           "once it can be.")
    return notices


def build_services(settings: Settings) -> Services:
    notices = list(settings.problems)
    model = settings.model_or_default
    if settings.uses_demo_model:
        notices.append("No GPU found: System B runs the bundled demo model (a tiny model trained "
                       "for this workbench, not a finance advisor). Start with --model to use "
                       "a real one.")
    engine = ProcessEngine if settings.engine_process else LocalEngine
    local = engine(LocalModelConfig(
        model=model, device=settings.device, quantization=settings.quantization,  # type: ignore[arg-type]
        attn_implementation=settings.attn_implementation, adapters=settings.adapters,
        max_batch_size=settings.max_batch_size, batching=settings.batching,  # type: ignore[arg-type]
        cuda_graphs=settings.cuda_graphs, cpu_threads=settings.cpu_threads,
        hourly_usd=settings.system_b_hourly_usd))
    remote = RemoteEngine(RemoteConfig(
        provider=settings.system_a_provider, base_url=settings.system_a_base_url,
        model=settings.system_a_model, api_key_env=settings.system_a_key_env,
        deadline_s=settings.system_a_deadline_s, prices=settings.system_a_prices,
        tokenizer=settings.system_a_tokenizer, context_length=settings.system_a_context,
        logprobs=settings.system_a_logprobs))
    problem = remote.configuration_problem()
    if problem:
        notices.append(problem + ". System B still works.")
    if problem := results_folder_problem(settings.results_dir):
        notices.append(problem)
    if settings.adapter_loading:
        notices += load_kept_adapters(local, settings.results_dir)
    for notice in notices:
        log.warning(notice)
    pipeline = RoutedEngine(local, refuse_calls_model=settings.refuse_calls_model, name=PIPELINE)
    return Services(settings=settings, engines={LOCAL: local, PIPELINE: pipeline, REMOTE: remote},
                    notices=notices)
