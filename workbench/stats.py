"""The two statistics the workbench reports with its counts, so that a count of a few dozen is
not read as more than it says: an interval for a share, and a test for paired outcomes."""

from __future__ import annotations

import math


def wilson_interval(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a share `hits / n` (95% by default): unlike the plain
    p ± z·se it stays inside 0..1 and means something for the few dozen verdicts a person gives."""
    if n <= 0:
        raise ValueError("no trials")
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def mcnemar_p(only_first: int, only_second: int) -> float:
    """The exact (binomial) McNemar test of paired outcomes: how likely a split of the discordant
    pairs at least this uneven would be if neither side were better (two-sided). With a few
    dozen experiments the exact test is the right one; the chi-squared one is not."""
    n = only_first + only_second
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(only_first, only_second) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


BEYOND_CHANCE, MAYBE_CHANCE = "unlikely to be chance", "could be chance"


def chance_reading(p: float) -> str:
    """What a p-value says, on the usual 5% line: BEYOND_CHANCE or MAYBE_CHANCE."""
    return BEYOND_CHANCE if p < 0.05 else MAYBE_CHANCE


def chance_words(p: float) -> str:
    """A p-value in words for analysts: "p = 0.035: unlikely to be chance" or "p = 0.41: could be
    chance"."""
    return f"p = {p:.2g}: {chance_reading(p)}"
