"""Times of day and dates in an answer, each read as one figure however it is written, so that two
answers giving the same hour or day each their own way state the same figure (workbench.figures):

    23:00 · 23h00 · 23 h · 11 pm                 a time: its hour on the 24-hour clock, 23
    23:30 · 23 h 30 · 11:30 pm                   the minutes as a fraction of the hour, 23.5
    15/03/2024 · 15.03.2024 · 2024-03-15         a date: one value for the day, 20240315
    15 March 2024 · March 15, 2024 · 15 mars 2024
    15/03 · 15 March · March 15 · 15 mars         a day without its year: 315 (a month's day)

A numeric date whose day and month can be read both ways (03/04/2024) means either. A day written
without its year is the same day written with one (15 March, 15 March 2025: workbench.figures). A
date also states its day and its year, which count for another answer's figures ("in 2024") and for
a number check, but do not make two different days one. A day without its year is taken only where
it cannot be a figure: two digits each side of a slash after a word that leads to a date ("on
31/12", "au 31/12", "by 03/15": not a score of 12/20, nor 24/7, 3/4 or 60/40), or a month's name
("15 March"; "May" with its capital only: "15 may be").
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5,
    "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12, "déc": 12,
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH = "(?P<month>" + _MONTH_NAMES + r")\.?"
_MONTH_CASED = "(?P<month>(?-i:May)|(?!may\\b)(?:" + _MONTH_NAMES + r"))\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:er|st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?![\d])"
_NO_YEAR = r"(?!,?\s+(?:19|20)\d\d)"  # a year after it makes the longer date, found by its own pattern
_DATES = [
    re.compile(r"(?<![\w.,'/-])(?P<year>(?:19|20)\d\d)-(?P<a>[01]?\d)-(?P<b>[0-3]?\d)(?![\w/-]|[.,]\d)"),  # ISO
    re.compile(r"(?<![\w.,'/-])(?P<a>[0-3]?\d)(?P<sep>[/.-])(?P<b>[0-3]?\d)(?P=sep)" + _YEAR + r"(?![/-]|[.,]\d)"),
    re.compile(r"(?<![\w.,'])" + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR, re.IGNORECASE),
    re.compile(r"(?<![\w.,'])" + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR, re.IGNORECASE),
    # without a year: "31/12", "15 March", "March 15", "1er avril" ("may" is a month with its capital only)
    re.compile(r"\b(?:on|by|from|until|till|before|after|as of|as at|due|deadline|date|cut-?off|year-end|closing|le|du|"
               r"au|depuis|avant le|après le|jusqu'au|d'ici le|dès le|échéance|clôture|arrêté)\s*:?\s+(?:the\s+)?"
               r"(?P<date>(?P<a>[0-3]\d)/(?P<b>[0-3]\d))(?![\w/]|[.,]\d)", re.IGNORECASE),
    re.compile(r"(?<![\w.,'])" + _DAY + r"\s+" + _MONTH_CASED + r"(?!\w)" + _NO_YEAR, re.IGNORECASE),
    re.compile(r"(?<![\w.,'])" + _MONTH_CASED + r"\s+" + _DAY + r"(?![\d\w])" + _NO_YEAR, re.IGNORECASE),
]
# "23:00", "23h30", "23 h 30", "11:30 pm", "11 pm": the minutes are no figure of their own
_TIME = re.compile(r"(?<![\w.,':])(?:(?P<h>[01]?\d|2[0-3])\s?(?::|h\s?)(?P<m>[0-5]\d)(?![\d:])"
                   r"|(?P<h12>1[0-2]|0?[1-9])(?=\s?[ap]\.?m\b))(?:\s?(?P<half>[ap])\.?m\b\.?)?", re.IGNORECASE)


class Found(NamedTuple):
    written: str
    values: tuple[float, ...]  # what it stands for
    also: tuple[float, ...]  # what else it states: a date's day and year
    start: int
    end: int
    days: tuple[float, ...] = ()  # a date's day without its year (315 for 15 March 2024 and for 15 March)


def _day(year: int, month: int, day: int) -> float | None:
    try:
        date(year, month, day)
    except ValueError:
        return None
    return float(year * 10_000 + month * 100 + day)


def _date(m: re.Match[str]) -> Found | None:
    year = int(m["year"]) if "year" in m.re.groupindex else None
    if "month" in m.re.groupindex:
        readings = [(_MONTHS[m["month"].lower()], int(m["day"]))]
    elif m.re is _DATES[0]:
        readings = [(int(m["a"]), int(m["b"]))]
    else:  # day/month in Europe, month/day in the United States
        readings = [(int(m["b"]), int(m["a"])), (int(m["a"]), int(m["b"]))]
    # a day without its year: its month and day (315 for 15 March), checked against a leap year
    days = [(code if year else code % 10_000, day) for month, day in readings
            if (code := _day(year or 2000, month, day)) is not None]
    if not days:
        return None
    values = tuple(dict.fromkeys(code for code, _ in days))
    also = tuple(dict.fromkeys([float(day) for _, day in days] + ([float(year)] if year else [])))
    start, end = m.span("date") if "date" in m.re.groupindex else m.span()  # the date, not what leads to it
    written = m.string[start:end].rstrip(" .")
    return Found(written, values, also, start, start + len(written), tuple(dict.fromkeys(v % 10_000 for v in values)))


def _time(m: re.Match[str]) -> Found | None:
    hour, minutes, half = int(m["h"] or m["h12"]), int(m["m"] or 0), (m["half"] or "").lower()
    if half and hour > 12:
        return None  # "23:00 pm": its numbers are read as written
    clock = hour % 12 + (12 if half == "p" else 0) if half else hour
    values = tuple(dict.fromkeys((clock + minutes / 60, hour + minutes / 60)))
    written = m[0].rstrip()
    return Found(written, values, (), m.start(), m.start() + len(written))


def dates_and_times(text: str) -> list[Found]:
    """The dates and times of day in `text`, in order, none overlapping another."""
    found = [f for pattern in _DATES for m in pattern.finditer(text) if (f := _date(m))]
    found += [f for m in _TIME.finditer(text) if (f := _time(m))]
    out: list[Found] = []
    for f in sorted(found, key=lambda f: (f.start, -f.end)):
        if not out or f.start >= out[-1].end:
            out.append(f)
    return out
