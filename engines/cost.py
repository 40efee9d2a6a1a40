"""What an answer cost, in US dollars, when the user says what each system costs.

System A is billed per token by its provider: input tokens (those its context cache served at a
lower rate apart) and output tokens, reasoning included. System B runs on a machine paid by the
hour: an answer costs the compute time it was given — a decode step shared by eight requests
counts an eighth to each — at that rate. Neither has a default: providers change their prices (and
DeepSeek bills peak and off-peak hours differently), so the user gives the figures they pay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

PRICE_KEYS = ("input", "cached", "output")
PRICES_EXAMPLE = "input=0.28,cached=0.028,output=0.42"


@dataclass(frozen=True)
class TokenPrices:
    """US dollars per million tokens."""

    input: float  # prompt tokens the cache did not serve
    cached: float  # prompt tokens served from the provider's context cache
    output: float  # completion tokens, reasoning included

    def describe(self) -> str:
        return f"input={self.input:g},cached={self.cached:g},output={self.output:g} USD per 1M tokens"


def _price(key: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"the price {key}={value!r} is not a number") from None
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"the price {key}={value!r} must be zero or more")
    return number


def parse_prices(text: str) -> TokenPrices:
    """`input=0.28,cached=0.028,output=0.42` (USD per 1M tokens) as TokenPrices; `cached` may be
    left out (then the input price). Raises ValueError saying what is wrong."""
    given: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in PRICE_KEYS:
            raise ValueError(f"cannot read {part!r} as a price: write {PRICES_EXAMPLE} "
                             "(US dollars per million tokens)")
        if key in given:
            raise ValueError(f"the price {key} is given twice")
        given[key] = _price(key, value.strip())
    missing = [k for k in ("input", "output") if k not in given]
    if missing:
        raise ValueError(f"the prices lack {' and '.join(missing)}: write {PRICES_EXAMPLE} "
                         "(US dollars per million tokens)")
    return TokenPrices(given["input"], given.get("cached", given["input"]), given["output"])


def parse_hourly(text: str) -> float:
    """An hourly rate in US dollars: a number, zero or more (as a price). Raises ValueError."""
    try:
        return _price("hourly", text)
    except ValueError:
        raise ValueError(f"{text!r} is not an amount (a number of US dollars, zero or more)") from None


def token_cost(prices: TokenPrices, prompt_tokens: int, cached_tokens: int,
               completion_tokens: int) -> float:
    """US dollars for one answer: the prompt's cached and uncached tokens and the completion."""
    cached = min(max(cached_tokens, 0), prompt_tokens)
    return round(((prompt_tokens - cached) * prices.input + cached * prices.cached
                  + completion_tokens * prices.output) / 1_000_000, 10)


def time_cost(hourly_usd: float, seconds: float) -> float:
    """US dollars for `seconds` of a machine rented at `hourly_usd` an hour (to a hundred-millionth
    of a dollar: tables show the figure, not float noise)."""
    return round(hourly_usd * seconds / 3600, 8)


def usd(value: float | None) -> str:
    """A cost for people, in fixed notation: three significant figures below $100 (an answer
    costs a fraction of a cent: $0.000312), whole dollars above."""
    if value is None:
        return "—"
    if value >= 100:
        return f"${value:,.0f}"
    if value <= 0:
        return "$0"
    digits = min(10, max(2, 2 - math.floor(math.log10(value))))
    whole, frac = f"{value:.{digits}f}".split(".")
    return f"${whole}.{frac.rstrip('0').ljust(2, '0')}"
