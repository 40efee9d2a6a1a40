"""The router's patterns: each signal one regular expression over folded text (engines.router.fold)."""

from __future__ import annotations

import re


def rx(*parts: str) -> re.Pattern[str]:
    """One pattern that matches any of `parts` (each a pattern over folded text)."""
    return re.compile("|".join(parts))
