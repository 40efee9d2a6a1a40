"""Blind judging of a single comparison: the two answers are shown as *left* and *right* in a
random order, and the systems are named only once a verdict is given, so that what the analyst
expects of a remote MoE or of a small local model does not sway the verdict.

The record of a blind comparison says which system was shown on the left (`blind_left`); the
verdict it gets is stored as every other verdict is (`A better`, `B better`, ...), so tallies and
exports need no second vocabulary, and `blind_left` lets them tell blind verdicts apart (and
check that neither side is favoured for being on the left).
"""

from __future__ import annotations

import random
from typing import Any

from workbench.compare import SYSTEMS
from workbench.verdicts import VERDICTS

# the blind buttons, in the order of VERDICTS: the first two name a side, the others need none
BLIND_VERDICTS = ["Left better", "Right better", *VERDICTS[2:]]


def blind_left(rng: random.Random | None = None) -> str:
    """The system shown on the left, drawn at random (`rng` for tests); the other is on the right."""
    return (rng or random.SystemRandom()).choice(list(SYSTEMS))


def other_system(key: str) -> str:
    if key not in SYSTEMS:
        raise ValueError(f"a system is A or B, not {key!r}")
    return "B" if key == "A" else "A"


def is_blind_pending(rec: dict[str, Any] | None) -> bool:
    """A blind comparison not judged yet: its systems are still hidden."""
    return bool(rec and rec.get("blind_left") and not rec.get("verdict"))


def verdict_for(choice: int, rec: dict[str, Any]) -> str:
    """The verdict the button at position `choice` gives `rec`: while `rec` is blind and not yet
    judged, the buttons read left/right and stand for the system on that side; after that (the
    systems named) they read as VERDICTS."""
    if not 0 <= choice < len(VERDICTS):
        raise ValueError(f"no verdict at position {choice}")
    if not is_blind_pending(rec):
        return VERDICTS[choice]
    left = rec["blind_left"]
    return {0: f"{left} better", 1: f"{other_system(left)} better"}.get(choice, VERDICTS[choice])
