"""Earlier Chat conversations, kept by the analyst's browser beside the one on screen.

*New conversation* puts the one on screen aside (newest first) instead of forgetting it; picking
one of those brings it back on screen, and the one that was there goes aside in its place, so a
conversation is on the shelf or on screen, never both. The shelf lives in the browser's storage
(a few MB an origin, shared with the Compare log and the conversation on screen), so it keeps at
most :data:`MAX_KEPT` conversations and :data:`MAX_CHARS` characters of them: past that the oldest
are let go, and the caller is told which. What comes back from the browser is checked before it
is used, as every stored turn is.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from workbench.chat import Turn, restored_turns, saved_turns

MAX_KEPT = 30
MAX_CHARS = 1_500_000  # ~2 MB once the browser has encrypted it: room left for the rest of the page's storage
TITLE_CHARS = 60


@dataclass
class Shelved:
    """One conversation put aside: its turns, named by its first question."""

    id: str
    title: str
    saved_at: float  # when it was put aside (seconds since the epoch)
    turns: list[Turn]

    @property
    def label(self) -> str:
        when = time.strftime("%d %b %H:%M UTC", time.gmtime(self.saved_at)).lstrip("0")
        n = len(self.turns)
        return f"{self.title} · {n} question{'s' if n > 1 else ''} · {when}"

    def data(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "saved_at": self.saved_at, "turns": saved_turns(self.turns)}


def title_of(turns: list[Turn]) -> str:
    """The first question, on one line and cut at a word near :data:`TITLE_CHARS` characters."""
    text = " ".join(turns[0].question.split()) if turns else ""
    if len(text) <= TITLE_CHARS:
        return text or "(no question)"
    head = text[:TITLE_CHARS + 1]  # one more: a space just past the limit ends a whole word
    cut = head.rsplit(" ", 1)[0] if " " in head.strip() else text[:TITLE_CHARS]
    return cut.rstrip(" ,;:") + "…"


def shelf_from(data: Any) -> list[Shelved]:
    """The shelf the browser kept, newest first; an entry that is not a conversation (tampered
    with, or from another version) is skipped, as is one with no finished turn."""
    out: list[Shelved] = []
    seen: set[str] = set()
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, dict):
            continue
        ident, title, saved_at = item.get("id"), item.get("title"), item.get("saved_at")
        if not isinstance(ident, str) or not ident or ident in seen or not isinstance(title, str) \
                or not isinstance(saved_at, int | float) or isinstance(saved_at, bool):
            continue
        turns = restored_turns(item.get("turns"))
        if turns:
            seen.add(ident)
            out.append(Shelved(ident, title, float(saved_at), turns))
    return out


def shelf_data(shelf: list[Shelved]) -> list[dict[str, Any]]:
    """The shelf as the browser keeps it."""
    return [entry.data() for entry in shelf]


def put_aside(shelf: list[Shelved], turns: list[Turn], now: float | None = None,
              ) -> tuple[list[Shelved], list[Shelved]]:
    """A new shelf with the finished turns of `turns` first (nothing added when there are none),
    and the conversations let go to keep it within its limits (oldest first dropped).

    ValueError when the conversation alone is past :data:`MAX_CHARS`: it cannot be kept, and
    putting it aside would lose it."""
    finished = [t for t in turns if t.done]
    if not finished:
        return list(shelf), []
    entry = Shelved(secrets.token_hex(6), title_of(finished), time.time() if now is None else now, finished)
    size = _chars(entry)
    if size > MAX_CHARS:
        raise ValueError(f"it is too large for the browser to keep ({size / 1e6:.1f} million characters, "
                         f"{MAX_CHARS / 1e6:.1f} at most)")
    kept, dropped, total = [entry], [], size
    for other in shelf:
        other_size = _chars(other)
        if len(kept) < MAX_KEPT and total + other_size <= MAX_CHARS:
            kept.append(other)
            total += other_size
        else:
            dropped.append(other)
    return kept, dropped


def take(shelf: list[Shelved], ident: str) -> tuple[list[Shelved], Shelved | None]:
    """The shelf without conversation `ident`, and that conversation (None when it is not there)."""
    found = next((entry for entry in shelf if entry.id == ident), None)
    return [entry for entry in shelf if entry.id != ident], found


def choices(shelf: list[Shelved]) -> list[tuple[str, str]]:
    """The shelf as menu choices (label, id), newest first."""
    return [(entry.label, entry.id) for entry in shelf]


def _chars(entry: Shelved) -> int:
    return len(json.dumps(entry.data(), ensure_ascii=False))
