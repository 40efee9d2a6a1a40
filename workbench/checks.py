"""Checks on answers, written with the experiment: what a right answer must (or must not) say.

An experiment's `expect` is a JSON object whose keys are checks on the answer (the reasoning is
not checked: what the user reads is the answer):

    contains       text or list   each appears in the answer
    contains_any   list           at least one appears
    not_contains   text or list   none appears
    regex          text           the pattern matches somewhere (Python syntax)
    number         figure or list each figure is stated, however written (15 · 15,00 · 1 234,5 ·
                                  5 % for 5 or 0.05 · 1,2 Md€ for 1.2 or 1.2e9: workbench.figures);
                                  {"value": 15.27, "tolerance": 0.01} allows 1% either way; a figure
                                  as written: "15 March 2024" is that day (15/03/2024, March 15,
                                  2024), "17:30" that hour (17h30, 5:30 pm), "€1.2bn" 1.2e9
    cites          text or list   each rule, standard or class named with a number is cited, however
                                  written ("Article 9" · "l'article 9" · "art. 9"; "IFRS 9"; "Stage 3":
                                  workbench.references; "Article 8" does not cite Article 9)
    refusal        true / false   the answer is (true) or is not (false) a refusal
    risk           "low" / "medium" / "high"
                                  the risk level the answer gives a transaction ("Risk: HIGH",
                                  "a high-risk transfer", "Risque : ÉLEVÉ": workbench.risk)
    language       "en" / "fr"    the answer's language
    reasoning_language "en" / "fr" the reasoning's language (an answer without reasoning fails it)
    complete       true           the answer ended by itself, not at the token budget
    max_tokens     number         at most this many tokens generated, reasoning and answer
    max_latency_ms number         the whole answer took at most this long
    max_cost_usd   number         the answer cost at most this (US dollars; without prices set,
                                  an answer has no cost and fails it)

Text is compared with case, accents and curly apostrophes ignored ("ÉLEVÉ" matches "élevé"), and
so is a regex ("risque\\W{0,6}élevé" matches "Risque : ELEVE"). A system that failed is not
scored: its answer is missing, not wrong. `apply_checks(record)` adds each system's results under
`checks`, so the stored record (JSONL, REST) says what passed without re-running anything.
"""

from __future__ import annotations

import copy
import json
import math
import re
import unicodedata
from typing import Any

from engines.cost import usd
from workbench.figures import Figure, figure_of, figures, stated_figures, states_figure
from workbench.language import SUPPORTED
from workbench.references import cited, cites, name_keys
from workbench.risk import LEVELS, risk_level

CHECKS = ("contains", "contains_any", "not_contains", "regex", "number", "cites", "refusal", "risk", "language",
          "reasoning_language", "complete", "max_tokens", "max_latency_ms", "max_cost_usd")
SHOWN_FIGURES = 5  # of the answer's, named when a number check fails
MAX_TEXT = 500  # characters in one expected text or pattern


def _plain(text: str) -> str:
    """Accents and curly apostrophes taken out, case kept (a regex's `\\S` must stay `\\S`)."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _found(text: str, answer: str) -> bool:
    return _plain(text).casefold() in answer


class ExpectError(ValueError):
    """An `expect` object that cannot be used; `problems` lists each reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _texts(key: str, value: Any, problems: list[str], single: bool = True) -> list[str]:
    items = [value] if single and isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) and v.strip() for v in items):
        what = "a text or a list of texts" if single else "a list of texts"
        problems.append(f"{key} takes {what}, none empty")
        return []
    if any(len(v) > MAX_TEXT for v in items):
        problems.append(f"{key}: a text is longer than {MAX_TEXT} characters")
    return [v.strip() for v in items]


def is_number(value: Any) -> bool:
    """Whether a value read from JSON is a finite number (not a bool, which Python counts as one)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _figures(value: Any, problems: list[str]) -> list[float | dict[str, float]]:
    """A number check's figures: a number, {"value", "tolerance"} or a list of those, as a list
    (a figure with a tolerance — a fraction of it — as {"value", "tolerance"}, one without as
    itself)."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, str):
            if len(item) > MAX_TEXT or not (figure := figure_of(item)):
                problems.append(f"number: {item.strip()[:60]!r} is not one figure (write it as an answer would: "
                                '"€1.2bn", "12,5 %", "15 March 2024", "17:30")')
                return []
            out.append(item.strip())
            continue
        figure = {"value": item} if is_number(item) else item
        if not isinstance(figure, dict) or set(figure) - {"value", "tolerance"} or not is_number(figure.get("value")):
            problems.append('number takes a figure, {"value": 15.27, "tolerance": 0.01}, a figure as written '
                            '("15 March 2024") or a list of those')
            return []
        tolerance = figure.get("tolerance", 0)
        if not is_number(tolerance) or not 0 <= tolerance < 1:
            problems.append("number: a tolerance is a fraction of the figure, from 0 to below 1 (0.01 is 1%)")
            return []
        out.append({"value": figure["value"], "tolerance": tolerance} if tolerance else figure["value"])
    if not out:
        problems.append("number takes at least one figure")
    return out


def number_figure(item: float | str | dict[str, float]) -> tuple[Figure, float]:
    """A number check's item (as parse_expect keeps it: a value, a figure as written, or a value with
    its tolerance) as (figure, tolerance)."""
    if isinstance(item, str):
        return figure_of(item), 0.0
    value, tolerance = (item["value"], item["tolerance"]) if isinstance(item, dict) else (item, 0.0)
    return Figure(_shown(value), (value,), value), tolerance


def _shown(value: float) -> str:
    """A figure for a check's name: 15, 12.5, 1,234,567."""
    return f"{int(value):,}" if float(value).is_integer() and abs(value) < 1e15 else f"{value:,}"


def parse_expect(value: Any) -> dict[str, Any] | None:
    """The checks of an experiment, validated: a dict, a JSON text of one (a CSV cell), or
    nothing (None, "", {}). Raises ExpectError naming each bad check."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ExpectError([f"not valid JSON ({exc.msg})"]) from None
    if not isinstance(value, dict):
        raise ExpectError(["expected a JSON object of checks, e.g. {\"contains\": \"5%\"}"])
    problems: list[str] = []
    unknown = sorted(set(value) - set(CHECKS))
    if unknown:
        problems.append(f"unknown checks {', '.join(unknown)} (known: {', '.join(CHECKS)})")
    out: dict[str, Any] = {}
    for key in ("contains", "not_contains"):
        if key in value:
            out[key] = _texts(key, value[key], problems)
    if "contains_any" in value:
        out["contains_any"] = _texts("contains_any", value["contains_any"], problems, single=False)
    if "regex" in value:
        pattern = value["regex"]
        if not isinstance(pattern, str) or not pattern.strip() or len(pattern) > MAX_TEXT:
            problems.append(f"regex takes a pattern of 1 to {MAX_TEXT} characters")
        else:
            try:
                re.compile(_plain(pattern), re.IGNORECASE)
                out["regex"] = pattern
            except re.error as exc:
                problems.append(f"regex is not a valid pattern ({exc})")
    if "number" in value:
        out["number"] = _figures(value["number"], problems)
    if "cites" in value:
        names = _texts("cites", value["cites"], problems)
        if unread := [n for n in names if not name_keys(n)]:
            problems.append(f"cites: {_quoted(unread)} names no rule, standard or class with a number "
                            '(e.g. "Article 9", "IFRS 9", "Stage 3", "L.561-15")')
        elif names:
            out["cites"] = names
    if "refusal" in value:
        if not isinstance(value["refusal"], bool):
            problems.append("refusal takes true or false")
        else:
            out["refusal"] = value["refusal"]
    if "risk" in value:
        level = value["risk"].strip().lower() if isinstance(value["risk"], str) else None
        if level not in LEVELS:
            problems.append(f"risk takes one of {', '.join(LEVELS)}")
        else:
            out["risk"] = level
    if "complete" in value:
        if value["complete"] is not True:
            problems.append("complete takes true (leave it out to allow an answer cut off)")
        else:
            out["complete"] = True
    for key in ("language", "reasoning_language"):
        if key in value:
            if value[key] not in SUPPORTED:
                problems.append(f"{key} takes one of {', '.join(SUPPORTED)}")
            else:
                out[key] = value[key]
    for key, what in (("max_tokens", "a whole number of tokens above 0"),
                      ("max_latency_ms", "a number of milliseconds above 0"),
                      ("max_cost_usd", "an amount of US dollars above 0")):
        if key in value:
            limit = value[key]
            if not is_number(limit) or not limit > 0 or (key == "max_tokens" and not float(limit).is_integer()):
                problems.append(f"{key} takes {what}")
            else:
                out[key] = int(limit) if key == "max_tokens" else limit
    if problems:
        raise ExpectError(problems)
    return out or None


def _quoted(texts: list[str]) -> str:
    return ", ".join(f"'{t}'" for t in texts)


def score(expect: dict[str, Any], result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each check of `expect` on one system's stored result: {"check", "passed", "why"} (why:
    what the answer did instead, for a failed check; None for a passed one). `expect` as written
    or as parse_expect gives it ("contains": "x" is ["x"])."""
    expect = parse_expect(expect) or {}
    answer = _plain(result.get("response") or "").casefold()
    meta = result.get("metadata") or {}
    out = []

    def add(check: str, passed: bool, why: str) -> None:
        out.append({"check": check, "passed": passed, "why": None if passed else why})

    for text in expect.get("contains", []):
        add(f"contains '{text}'", _found(text, answer), "not in the answer")
    if texts := expect.get("contains_any"):
        add(f"contains one of {_quoted(texts)}", any(_found(t, answer) for t in texts), "none in the answer")
    for text in expect.get("not_contains", []):
        add(f"does not contain '{text}'", not _found(text, answer), "in the answer")
    if "regex" in expect:
        add(f"matches /{expect['regex']}/", re.search(_plain(expect["regex"]), answer, re.IGNORECASE) is not None,
            "no match in the answer")
    if wanted := expect.get("number"):
        stated = figures(result.get("response") or "")
        shown = " · ".join(f.text for f in stated[:SHOWN_FIGURES]) + (
            f" and {len(stated) - SHOWN_FIGURES} more" if len(stated) > SHOWN_FIGURES else "")
        for item in wanted:
            figure, tolerance = number_figure(item)
            within = f" (±{tolerance * 100:g}%)" if tolerance else ""
            add(f"states {figure.text}{within}", states_figure(stated, figure, tolerance),
                f"its figures: {shown}" if stated else "no figure in the answer")
    if names := expect.get("cites"):
        said = cited(result.get("response") or "")
        for name in names:
            add(f"cites {name}", cites(result.get("response") or "", name),
                f"it cites {', '.join(said[:SHOWN_FIGURES])}" if said else "it cites no rule or class by number")
    if "refusal" in expect:
        refused = bool(result.get("refusal"))
        add("is a refusal" if expect["refusal"] else "is not a refusal", refused == expect["refusal"],
            "it answered" if expect["refusal"] else "it refused")
    if "risk" in expect:
        given = risk_level(result.get("response"))
        add(f"rates the risk {expect['risk']}", given == expect["risk"],
            f"it rates it {given}" if given else "no risk level in the answer")
    if "language" in expect:
        lang = result.get("answer_lang")
        add(f"answer in {expect['language']}", lang == expect["language"], f"the answer is in {lang}")
    if "reasoning_language" in expect:
        lang = result.get("reasoning_lang")
        add(f"reasoning in {expect['reasoning_language']}", lang == expect["reasoning_language"],
            "no reasoning" if lang in (None, "none") else f"the reasoning is in {lang}")
    if expect.get("complete"):
        finish = meta.get("finish_reason")
        add("complete", finish == "stop",
            "cut off inside its reasoning" if meta.get("truncated_in_reasoning") else f"finish: {finish}")
    if "max_tokens" in expect:
        reasoning, content = meta.get("reasoning_tokens") or 0, meta.get("content_tokens") or 0
        add(f"within {expect['max_tokens']:,} tokens", reasoning + content <= expect["max_tokens"],
            f"{reasoning + content:,} tokens ({reasoning:,} reasoning)")
    if "max_latency_ms" in expect:
        latency = result.get("latency_ms")
        add(f"within {expect['max_latency_ms']:g} ms", latency is not None and latency <= expect["max_latency_ms"],
            f"took {latency:g} ms" if latency is not None else "no timing")
    if "max_cost_usd" in expect:
        cost = meta.get("cost_usd")
        add(f"costs at most {usd(expect['max_cost_usd'])}", cost is not None and cost <= expect["max_cost_usd"],
            f"cost {usd(cost)}" if cost is not None else "no cost recorded (no prices set)")
    return out


def scored(result: dict[str, Any] | None) -> bool:
    """Whether a system's result can be checked: it answered (a failure or a stop is not scored)."""
    if not result:
        return False
    meta = result.get("metadata") or {}
    return not meta.get("error") and meta.get("finish_reason") != "cancelled"


def apply_checks(rec: dict[str, Any]) -> dict[str, Any]:
    """Put each system's check results under `checks` in a comparison record, from the record's
    `expect` (removing stale ones when it has none); returns the record."""
    expect = rec.get("expect")
    for name in ("system_a", "system_b"):
        res = rec.get(name)
        if not res:
            continue
        if expect and scored(res):
            res["checks"] = score(expect, res)
        else:
            res.pop("checks", None)
    return rec


def rechecked(rec: dict[str, Any], expect: Any) -> dict[str, Any]:
    """A copy of a comparison record scored under other checks (`expect` as parse_expect takes
    it: none takes the checks away), its answers as they are — nothing is asked again. Raises
    ExpectError for checks that cannot be used."""
    rec = copy.deepcopy(rec)
    rec["expect"] = parse_expect(expect)
    return apply_checks(rec)


def with_reference_checks(expect: Any, reference: str) -> tuple[dict[str, Any], list[str]]:
    """Checks (`expect` as parse_expect takes it) with what the reference answer says that they lack: a
    `number` check for each figure it states ("The P/E ratio is 15, i.e. 60 / 4" gives 15, 60 and
    4), a `cites` check for each rule, standard or class it names with a number ("Stage 3 under IFRS
    9" gives Stage 3 and IFRS 9) and a `risk` check for the level it gives a transaction ("Risk:
    HIGH"; a risk check there already is kept as it is); and what was added, as the checks are named
    ("states 60", "cites Stage 3", "rates the risk high"; none: the checks as they were). Raises
    ExpectError for checks that cannot be read."""
    current = parse_expect(expect) or {}
    have = current.get("number", [])
    known = {number_figure(item)[0].values for item in have}
    new = [(item, figure) for item in stated_figures(reference or "")
           if (figure := number_figure(item)[0]).values not in known]
    found = [item for item, _ in new]
    added = [f"states {figure.text}" for _, figure in new]
    out = {**current, "number": [*have, *found]} if found else dict(current)
    named = current.get("cites", [])
    named_keys = {key for name in named for key in name_keys(name)}
    new_names = [name for name in cited(reference or "") if not set(name_keys(name)) <= named_keys]
    if new_names:
        out["cites"] = [*named, *new_names]
        added += [f"cites {name}" for name in new_names]
    if "risk" not in out and (level := risk_level(reference)):
        out["risk"] = level
        added.append(f"rates the risk {level}")
    return out, added


def passed(res: dict[str, Any] | None) -> tuple[int, int] | None:
    """(checks passed, checks) of a system's result; None when it was not checked."""
    checks = (res or {}).get("checks")
    if not checks:
        return None
    return sum(c["passed"] for c in checks), len(checks)


def all_passed(res: dict[str, Any] | None) -> bool | None:
    """Whether a system's result passed every one of its checks; None when it was not checked."""
    score = passed(res)
    return None if score is None else score[0] == score[1]


def check_columns(checks: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The table/CSV columns of an answer's check results: `checks_passed`, `checks_total` and
    `checks_failed` (the failed ones with what the answer did); None each when not checked."""
    if not checks:
        return {"checks_passed": None, "checks_total": None, "checks_failed": None}
    return {"checks_passed": sum(c["passed"] for c in checks), "checks_total": len(checks),
            "checks_failed": "; ".join(failures({"checks": checks})) or None}


def checks_cell(row: dict[str, Any]) -> str | None:
    """"2 of 3" for a row with check columns (a table cell; the CSV keeps the two numbers)."""
    return f"{row['checks_passed']} of {row['checks_total']}" if row.get("checks_total") else None


def failures(res: dict[str, Any] | None) -> list[str]:
    """The failed checks of a result, each with what the answer did: "answer in fr (the answer is in en)"."""
    return [f"{c['check']} ({c['why']})" for c in (res or {}).get("checks") or [] if not c["passed"]]
