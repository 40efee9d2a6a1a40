"""The figures an answer states, read as people write them in English and in French, so that a
check can ask whether an answer states a figure without a regex per way of writing it:

    15 · 15.0 · 15,00 · -3.2 · −3,2          a decimal point or a decimal comma (a sign before a
    –3.2% · -$45.2m                          currency is the figure's; an en dash written as a minus
                                             is one, not a range's: 2020–2024)
    1,234,567.5 · 1 234 567,5 · 1.234.567,5  thousands grouped by commas, spaces (also no-break and
                                             narrow no-break ones), points or apostrophes
    5 % · 5% · 5 pour cent · 5 percent · 5pc a percentage: 5, and 0.05 ("c.5%": circa 5%)
    25 bp · 25 bps · 25 points de base       basis points: 25, and 0.25 (%) and 0.0025
    1.2 million · 1,2 Md€ · 3bn · 250k       a scale word: 1.2, and 1,200,000 (also $5MM, 3.5 mln,
                                             2 Mio., 4 Mrd., 1.1 bln, 12,4 MEUR, 850 KEUR)
    (3.4)% · | (1,234) |                     a loss in brackets: -3.4, -1,234 (not an aside:
                                             "rose (3.4%)")
    €12.5m · EUR 2.4bn · 14 M€ · US$5m       a currency sign or code, before or after, is written
                                             with the figure (its value is the number's)
    23:00 · 23h00 · 11 pm · 15 mars 2024     a time of day, a date: one figure each
                                             (workbench.dates_times)

A figure whose one separator can be read both ways ("1,234", "1.500": a thousands separator in
English, a decimal one in French) means either. A figure inside a word ("Q3", "H1") is no figure.
What an answer states (answer_figures, unshared, stated_figures) leaves out a numbered list's
markers and the numbers that are part of a name ("IFRS 9", "the CAC 40": workbench.named_numbers).
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import NamedTuple

from workbench import units
from workbench.dates_times import dates_and_times
from workbench.named_numbers import blank_names

_NUMBER = re.compile(r"""
    (?:(?<![\w.,'])|(?<=\bc\.)|(?<=\bC\.))                 # not inside a word or another figure; "c.5%" (circa)
    (?P<sign>[-−–](?=\d))?                                 # a minus, or an en dash written as one ("–3.2%")
    (?P<int>\d{1,3}(?P<sep>[ ,.'])\d{3}(?:(?P=sep)\d{3})*|\d+)   # grouped thousands, or plain digits
    (?:(?P<dec>[.,])(?P<frac>\d+))?
    (?!\d|[.,]\d)
""", re.VERBOSE)
_PERCENT = re.compile(units.PERCENT, re.IGNORECASE)
_BASIS_POINTS = re.compile(units.BASIS_POINTS, re.IGNORECASE)
_SCALE = re.compile(units.SCALE, re.IGNORECASE)
_RANGE = re.compile(r"\s?[-–]\s?|\s(?:to|à)\s|\s(?P<and>and|et)\s", re.IGNORECASE)
_BETWEEN = re.compile(r"\b(?:between|entre)\s$", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """A figure as the answer writes it, and every value it can stand for."""

    text: str
    values: tuple[float, ...]
    stated: float  # the value it plainly states: scaled by its scale word, a percentage as written
    also: tuple[float, ...] = ()  # what else it states without being it: a date's day and year
    exact: bool = False  # a date or a time: never the same as another rounded (15 and 16 March)
    days: tuple[float, ...] = ()  # a date's day without its year: 315 for 15 March 2024 and for 15 March

    @property
    def yearless(self) -> bool:
        """A day written without its year ("15 March", "31/12")."""
        return bool(self.days) and self.days == self.values


def stated_figures(text: str) -> list[int | float | str]:
    """The figures `text` states, each once, in order, as a number check on an answer that must
    agree with it asks for them: a value (a whole one as an integer; "The P/E ratio is 15, i.e. 60
    / 4" gives 15, 60 and 4), a date or a time of day as written ("due 17 January 2025, 23:00"
    gives "17 January 2025" and "23:00": that day or hour however written, not a 17 or a 2025); a
    numbered list's markers and a name's number, "IFRS 9", give none."""
    stated = ((f.text if f.exact else f.stated) for f, _, _ in _answer_figures(text))
    return [v if isinstance(v, str) or not v.is_integer() else int(v) for v in dict.fromkeys(stated)]


def figure_of(text: str) -> Figure | None:
    """The one figure `text` writes ("€1.2bn", "12,5 %", "15 March 2024", "17:30"); None for none or
    more than one."""
    found = distinct_figures(text)
    return found[0] if len(found) == 1 else None


def _readings(m: re.Match[str]) -> list[float]:
    """What the digits of a match can mean: one value, or two for an ambiguous separator."""
    whole, sep, frac = m["int"], m["sep"], m["frac"]
    sign = -1.0 if m["sign"] else 1.0
    grouped = whole.replace(sep, "") if sep else whole
    value = float(grouped + (f".{frac}" if frac else ""))
    readings = [value]
    if sep in (",", ".") and whole.count(sep) == 1 and frac is None:  # "1,234": 1234, or 1.234 in French
        readings.append(float(whole.replace(sep, ".")))
    return [sign * r for r in readings]


def _normalized(text: str) -> tuple[str, list[int]]:
    """`text` with each character in its NFKC form (no-break spaces become spaces, a curly
    apostrophe a straight one), and for each character of that the index in `text` it came from
    (one more at the end)."""
    out, origin = [], []
    for i, char in enumerate(text):
        norm = char if char.isascii() else unicodedata.normalize("NFKC", char).replace("’", "'")  # ASCII is NFKC
        out.append(norm)
        origin += [i] * len(norm)
    return "".join(out), [*origin, len(text)]


def _unit(norm: str, at: int) -> tuple[str, float, int] | None:
    """The unit written at `at`, right after a number: ("scale", its factor, its length),
    ("percent", 1, its length), ("basis points", 1, its length); None for none."""
    after = norm[at:at + 24]
    if scale := _SCALE.match(after):
        return "scale", units.SCALES[scale[1].lower().rstrip("s")], scale.end()
    if percent := _PERCENT.match(after):
        return "percent", 1.0, percent.end()
    if basis := _BASIS_POINTS.match(after):
        return "basis points", 1.0, basis.end()
    return None


def _range_end(norm: str, m: re.Match[str]) -> int | None:
    """Where the range the number `m` opens ends, its other number written: "1.2-1.5", "5 to 7",
    "between 3 and 4" ("and" only after "between" or "entre": "in 2023 and 2.5bn" is no range);
    None when `m` opens none."""
    joined = _RANGE.match(norm, m.end())
    if not joined or (joined["and"] and not _BETWEEN.search(norm, max(0, m.start() - 9), m.start())):
        return None
    other = _NUMBER.match(norm, joined.end())
    return other.end() if other else None


_CURRENCY_BEFORE = re.compile(r"(?:(?<![\w$€£])[€$£]|\b(?:EUR|USD|GBP|CHF|JPY|US\$) ?)$")
_TABLE_CELL_OPENS = re.compile(r"\|[ \t]*$")
_TABLE_CELL_CLOSES = re.compile(r"[ \t]*\|")


def _signed(norm: str, at: int) -> bool:
    """Whether a minus (or an en dash written as one) stands right before `at`, not inside a word
    or after a figure ("-$45.2m", not "€10k–$12k")."""
    return at > 0 and norm[at - 1] in "-−–" and not (at > 1 and (norm[at - 2].isalnum() or norm[at - 2] in ".,'"))


def _bracketed_negative(norm: str, m: re.Match[str]) -> bool:
    """Whether the number `m` is in brackets as a loss is in accounts: a unit right after the
    bracket ("(3.4)%", "(12)bp") or the bracket alone in a table's cell ("| (1,234) |"); not an
    aside ("revenue (2024)", "a rise (3.4%)")."""
    if m["sign"] or not (m.start() and norm[m.start() - 1] == "(" and norm.startswith(")", m.end())):
        return False
    if _PERCENT.match(norm, m.end() + 1) or _BASIS_POINTS.match(norm, m.end() + 1):
        return True
    return bool(_TABLE_CELL_OPENS.search(norm, max(0, m.start() - 12), m.start() - 1)
                and _TABLE_CELL_CLOSES.match(norm, m.end() + 1))


def placed_figures(text: str) -> list[tuple[Figure, int, int]]:
    """Every figure stated in `text`, in order, with where it is written in `text` (start, end)."""
    norm, origin = _normalized(text)
    whole = dates_and_times(norm)
    out = [(Figure(f.written, f.values, f.values[0], f.also, exact=True, days=f.days), origin[f.start], origin[f.end])
           for f in whole]
    starts = [f.start for f in whole]
    for m in _NUMBER.finditer(norm):
        at = bisect.bisect_right(starts, m.start()) - 1  # the last date or time starting at or before it
        if at >= 0 and m.start() < whole[at].end:
            continue  # a part of a date or a time
        values = _readings(m)
        start, end = m.start(), m.end()
        if _bracketed_negative(norm, m):  # "(3.4)%", a table's "| (1,234) |": written as accountants write a loss
            values, start, end = [-v for v in values], start - 1, end + 1
        if currency := _CURRENCY_BEFORE.search(norm, max(0, start - 5), start):
            start = currency.start()  # "€12.5m", "USD 310 million": the currency is the figure's
            if not m["sign"] and _signed(norm, start):  # "-$45.2m", "–€12m": the sign before the currency
                values, start = [-v for v in values], start - 1
        stated = values[0]
        unit = _unit(norm, end)
        if unit:
            end += unit[2]
        elif (other := _range_end(norm, m)) is not None:  # "1.2-1.5bn", "5 to 7 %": the first figure's unit too
            unit = _unit(norm, other)
        if unit and unit[0] == "scale":
            values += [v * unit[1] for v in values]
            stated *= unit[1]
        elif unit and unit[0] == "percent":
            values += [v / 100 for v in values]
        elif unit:  # "25 bp" is "0,25 %" in the other answer
            values += [v / 100 for v in values] + [v / 10_000 for v in values]
        written = norm[start:end].rstrip()
        out.append((Figure(written, tuple(dict.fromkeys(values)), stated), origin[start], origin[start + len(written)]))
    return sorted(out, key=lambda placed: placed[1]) if whole else out


def figures(text: str) -> list[Figure]:
    """Every figure stated in `text`, in order."""
    return [f for f, _, _ in placed_figures(text)]


def same_figure(stated: float, expected: float, tolerance: float = 0.0) -> bool:
    """Whether `stated` is `expected`, within `tolerance` of it (a fraction: 0.01 is 1%); with
    none, equal but for float noise (15.00 is 15; 15.2 is not)."""
    return math.isclose(stated, expected, rel_tol=max(tolerance, 1e-9), abs_tol=1e-12)


def among(stated: list[Figure], expected: float, tolerance: float = 0.0) -> bool:
    """Whether one of the figures `stated` (a text's figures) is `expected`, within `tolerance`. A
    date states its day and its year, not the number it is kept as (15 March: not 315)."""
    return any(same_figure(v, expected, tolerance) for f in stated for v in ((*f.also,) if f.days else
                                                                            (*f.values, *f.also)))


def states_figure(stated: list[Figure], wanted: Figure, tolerance: float = 0.0) -> bool:
    """Whether one of the figures `stated` is `wanted` (a figure_of): a date the same day and a time
    the same hour, however written (a day written without its year is that day in any year), any
    other figure its value within `tolerance`."""
    if not wanted.exact:
        return among(stated, wanted.stated, tolerance)
    for f in stated:
        if not f.exact or bool(f.days) != bool(wanted.days):
            continue
        if set(f.values) & set(wanted.values) or (
                (f.yearless or wanted.yearless) and set(f.days) & set(wanted.days)):
            return True
    return False


def states(text: str, expected: float, tolerance: float = 0.0) -> bool:
    """Whether `text` states the figure `expected` (within `tolerance`), however it writes it."""
    return among(figures(text), expected, tolerance)


ROUNDING = 0.005  # two answers' figures this close are one figure rounded two ways (8.16% and 8.2%)
# "1. " or "2) " starting a line; [ \t], not \s: \s* ran over every newline that followed from each
# line's start, and an answer of 60,000 newlines took 32 s
_LIST_MARKER = re.compile(r"^([ \t]*)\d{1,2}[.)](?=\s)", re.MULTILINE)


@lru_cache(maxsize=4096)
def _answer_figures(text: str) -> tuple[tuple[Figure, int, int], ...]:
    """placed_figures of an answer, a numbered list's markers and the numbers that are part of a
    name left out; read once per answer (a run's table, summary and CSV all set its two answers'
    figures against each other)."""
    blanked = _LIST_MARKER.sub(lambda m: m[1] + " " * (len(m[0]) - len(m[1])), text)  # places kept
    return tuple(placed_figures(blank_names(blanked)))


def answer_figure_places(text: str) -> list[tuple[Figure, int, int]]:
    """The figures an answer states with where each is written (start, end), in order (a numbered
    list's markers are no figures)."""
    return list(_answer_figures(text))


def _distinct(placed: tuple[tuple[Figure, int, int], ...]) -> list[Figure]:
    """The figures of `placed`, each written form once (the first), in order."""
    seen: dict[str, Figure] = {}
    for f, _, _ in placed:
        seen.setdefault(f.text, f)
    return list(seen.values())


def distinct_figures(text: str) -> list[Figure]:
    """The figures an answer states, each written form once, in order (a numbered list's markers
    are no figures)."""
    return _distinct(_answer_figures(text))


def answer_figures(text: str) -> list[str]:
    """The figures an answer states, as it writes them, each once, in order (a numbered list's
    markers are no figures)."""
    return [f.text for f in distinct_figures(text)]


class _Said(NamedTuple):
    """What an answer's figures state, to look another answer's figures up in."""

    values: list[float]  # every value they can stand for, without its sign, each once, sorted
    days: frozenset[float]  # the days its dates fall on, without their years
    bare_days: frozenset[float]  # those of its days written without their years


def _said(placed: tuple[tuple[Figure, int, int], ...]) -> _Said:
    return _Said(sorted({abs(v) for f, _, _ in placed for v in (*f.values, *f.also)}),
                 frozenset(d for f, _, _ in placed for d in f.days),
                 frozenset(d for f, _, _ in placed if f.yearless for d in f.days))


def _stated_in(f: Figure, said: _Said) -> bool:
    """Whether the other answer (`said`) states the figure `f`, or it rounded another way (within
    ROUNDING). Only the values near each of f's are looked at: a value within ROUNDING of v lies
    within ROUNDING·|v|/(1 − ROUNDING) of it. A date or a time is only itself: 15 and 16 March
    2024 are 0.00005% apart as day numbers; but a day written without its year is the same day
    written with one ("15 March", "15 March 2025"; not 15 March 2025 and 15 March 2026). A sign is
    the words' business: "-3.2%" and "fell 3.2%", "a loss of €50m" and "-50m", state one figure."""
    if f.days and set(f.days) & (said.days if f.yearless else said.bare_days):
        return True
    values = said.values
    rounding = 0.0 if f.exact else ROUNDING
    for v in map(abs, f.values):
        reach = rounding * abs(v) / (1 - rounding) + 1e-9 * abs(v) + 1e-12
        start = bisect.bisect_left(values, v - reach)
        for w in values[start:bisect.bisect_right(values, v + reach)]:
            if same_figure(v, w, rounding) and not _years_apart(v, w):
                return True
    return bool(rounding) and _rounded_to_fewer(abs(f.stated), values)  # as written: not 2% read as 0.02


def _decimals(x: float) -> int:
    """The decimals a value is written with (1.85: 2; 1.9: 1; 15.0: 0), up to 6 (7: more)."""
    return next((d for d in range(7) if math.isclose(round(x, d), x, rel_tol=1e-9, abs_tol=1e-12)), 7)


def _among_values(x: float, values: list[float]) -> bool:
    """Whether `x` is one of the sorted `values`, but for float noise."""
    at = bisect.bisect_left(values, x - 1e-9 * x - 1e-12)
    return at < len(values) and values[at] <= x + 1e-9 * x + 1e-12


def _rounded_to_fewer(v: float, values: list[float]) -> bool:
    """Whether `v`, written with decimals, and one of the other answer's `values` written with
    decimals too are one figure, the less precise the other rounded (half up or half to even):
    1.85 and 1.9 (or 1.8), 4.75 and 4.8; not 4.5 and 4.75, nor 2.4 and 2 (a whole number is a
    figure of its own). Each look-up is a bisection: no answer's figures are read pairwise."""
    written = _decimals(v)
    if not 1 <= written <= 6:
        return False
    half = 0.5 * 10 ** -written  # a value more precise than v that rounds to it lies within half a unit of v's
    start = bisect.bisect_left(values, v - half - 1e-9 * v)
    if any(not w.is_integer() for w in values[start:bisect.bisect_right(values, v + half + 1e-9 * v)]):
        return True
    exact = Decimal(repr(v))
    return any(_among_values(float(exact.quantize(Decimal(10) ** -fewer, rounding=way)), values)
               for fewer in range(1, written) for way in (ROUND_HALF_UP, ROUND_HALF_EVEN))


def _years_apart(v: float, w: float) -> bool:
    """Two different years (2024 and 2025 are 0.05% apart, within ROUNDING, yet no one rounds a year)."""
    return v != w and all(x.is_integer() and 1900 <= x <= 2100 for x in (v, w))


@lru_cache(maxsize=4096)
def _unshared(first: str, second: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    placed_one, placed_two = _answer_figures(first), _answer_figures(second)
    one, two = _distinct(placed_one), _distinct(placed_two)
    said_one, said_two = _said(placed_one), _said(placed_two)
    return (tuple(f.text for f in one if not _stated_in(f, said_two)),
            tuple(f.text for f in two if not _stated_in(f, said_one)),
            tuple(f.text for f in one if _stated_in(f, said_two)))


def unshared(first: str, second: str) -> tuple[list[str], list[str], list[str]]:
    """The figures of two answers, as each writes them, each once: those `first` states that
    `second` does not, those `second` states that `first` does not, and those both state (as
    `first` writes them). A figure the other states rounded counts as stated (within ROUNDING of
    it, or written with decimals and rounded to fewer: 1.85 and 1.9; two years never), or with the
    other sign (the words may carry it: "fell 3.2%", "-3.2%"); a numbered list's
    markers are no figures. Worked out once per pair of answers."""
    only_first, only_second, both = _unshared(first, second)
    return list(only_first), list(only_second), list(both)


def unshared_places(first: str, second: str) -> list[tuple[int, int]]:
    """Where `first` writes a figure that `second` does not state (start, end in `first`), as
    unshared() tells them: each place, a figure written twice marked twice."""
    said = _said(_answer_figures(second))
    return [(start, end) for f, start, end in _answer_figures(first) if not _stated_in(f, said)]
