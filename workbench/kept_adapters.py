"""The LoRA adapters loaded while the app ran, kept in the results folder (`adapters.json`: name ->
folder or Hub id) so that the next start loads them again: a Space restarts when it sleeps or
is updated, and a team that loaded its new fine-tune yesterday expects it there today."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from workbench.saved import read_json_object, write_json

log = logging.getLogger(__name__)

_writing = threading.Lock()  # one change at a time reads and rewrites the file


def kept_file(folder: Path) -> Path:
    return folder / "adapters.json"


def kept_adapters(folder: Path) -> dict[str, str]:
    """The adapters kept in `folder`, in the order loaded; a file that cannot be read, or an entry
    that is not a name and a source, is left out (and logged), never an error."""
    data = read_json_object(kept_file(folder), "no adapter is loaded again")
    return {name: source for name, source in data.items() if isinstance(source, str) and source.strip()}


def keep_adapter(folder: Path, name: str, source: str) -> bool:
    """Keep an adapter just loaded, for the next start; False when the folder cannot be written
    (the adapter is loaded all the same, until the app stops)."""
    return _change(folder, lambda kept: {**kept, name: source})


def forget_adapter(folder: Path, name: str) -> bool:
    """An adapter unloaded is not loaded again at the next start."""
    return _change(folder, lambda kept: {k: v for k, v in kept.items() if k != name})


def _change(folder: Path, change) -> bool:
    with _writing:
        kept = kept_adapters(folder)
        changed = change(kept)
        if changed == kept:
            return True
        try:
            write_json(kept_file(folder), changed)
        except OSError as exc:
            log.warning("The adapters loaded could not be kept in %s (%s): the next start will not load them "
                        "again.", folder, exc)
            return False
        return True
