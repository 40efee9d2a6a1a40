"""How System A and System B differ on one comparison, in a few plain lines.

The figures are all in each system's column already; an analyst reading two tables side by side
still has to find what disagrees. These lines put the disagreements first (one refused, an answer
not in the question's language, a budget that ran out inside the reasoning, the experiment's checks
each answer failed, the figures one answer states and the other does not, the rules, standards and
classes one cites by number and the other does not, the figures a model was unsure of, the risk
level each gives a transaction, a route other than the expected one) and then the size of the
differences in speed and length.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engines.cost import usd
from engines.systems import NO_MODEL_CALL
from workbench.checks import all_passed, failures, passed
from workbench.compare import both_answered
from workbench.confidence import unsure_cell
from workbench.figures import unshared
from workbench.language import SUPPORTED, part_language
from workbench.references import uncited
from workbench.risk import risk_level

LANGUAGE_NAMES = {"en": "English", "fr": "French", "mixed": "both languages"}
SAME_WITHIN = 0.10  # two timings closer than this share of the slower are "about the same"


def question_language(rec: dict[str, Any]) -> str:
    """The experiment's declared language, else the query's detected one ("und" when unclear)."""
    lang = rec.get("lang")
    return lang if lang in SUPPORTED else part_language(rec.get("query") or "")


def _faster(label: str, a: float | None, b: float | None, unit_ms: bool,
            names: tuple[str, str] = ("A", "B")) -> str | None:
    """"first token: B sooner by 46 ms (434 vs 480 ms)", or about the same; None without both."""
    if not a or not b:
        return None

    def show(ms: float) -> str:
        return f"{ms:.0f} ms" if unit_ms else f"{ms / 1000:.2f} s"

    pair = f"{names[0]} {show(a)}, {names[1]} {show(b)}"
    if abs(a - b) <= SAME_WITHIN * max(a, b):
        return f"{label}: about the same ({pair})"
    quick, slow = names if a < b else names[::-1]
    ratio = max(a, b) / min(a, b)
    return f"{label}: {quick} {ratio:.1f}× sooner than {slow} ({pair})"


def _share(meta: dict[str, Any]) -> str:
    share = meta.get("reasoning_share")
    return f", {share:.0%} reasoning" if share is not None else ""


def differences(rec: dict[str, Any], names: tuple[str, str] = ("A", "B")) -> list[str]:
    """Lines comparing the two systems' results in a stored comparison record (markdown-free
    text; the caller renders it), calling them `names`. Empty when fewer than two systems ran."""
    name_a, name_b = names
    a, b = rec.get("system_a"), rec.get("system_b")
    if not a or not b:
        return []
    meta_a, meta_b = a.get("metadata") or {}, b.get("metadata") or {}
    failed = {key: meta.get("error_kind") for key, meta in ((name_a, meta_a), (name_b, meta_b))
              if meta.get("error") and meta.get("error_kind") != "cancelled"}
    if len(failed) == 2:
        return ["Neither system answered: nothing to compare."]
    if failed:
        (key, kind), = failed.items()
        how = "is not configured" if kind == "not_configured" else "failed"
        checks = _checks(a, b, names)  # the one answer there is still meets its checks or not
        return [f"{key} {how}; only {name_b if key == name_a else name_a} answered.", *([checks] if checks else [])]

    lines = []
    if a.get("refusal") != b.get("refusal"):
        refused, answered = (name_a, name_b) if a.get("refusal") else (name_b, name_a)
        lines.append(f"{refused} refused, {answered} answered.")
    elif a.get("refusal"):
        lines.append("Both refused.")

    asked = question_language(rec)
    if asked in SUPPORTED:
        off = [f"{key}'s {part} is in {LANGUAGE_NAMES.get(res[field], res[field])}"
               for key, res in ((name_a, a), (name_b, b))
               for part, field in (("answer", "answer_lang"), ("reasoning", "reasoning_lang"))
               if res.get(field) not in (None, "none", "und", asked)
               and not (part == "answer" and res.get("refusal"))]  # refusal wording is policy
        if off:
            lines.append(f"The question is in {LANGUAGE_NAMES[asked]}; " + ", ".join(off) + ".")

    for key, meta in ((name_a, meta_a), (name_b, meta_b)):
        if meta.get("finish_reason") == "cancelled":
            lines.append(f"{key} was stopped before the end: its figures are partial.")
        elif (room := context_room(meta)) is not None:
            inside = " inside its reasoning (its answer is missing or cut short)" if meta.get(
                "truncated_in_reasoning") else ""
            lines.append(f"{key} filled the model's context{inside}: the prompt left {room:,} "
                         "tokens for the answer, fewer than its budget; a shorter prompt, not a larger budget, "
                         "gives it more room.")
        elif meta.get("truncated_in_reasoning"):
            lines.append(f"{key}'s token budget ran out inside its reasoning: its answer is missing "
                         "or cut short.")
        elif meta.get("finish_reason") == "length":
            lines.append(f"{key} stopped at its token budget.")

    if line := _checks(a, b, names):
        lines.append(line)
    if line := _figures(a, b, names):
        lines.append(line)
    if line := _references(a, b, names):
        lines.append(line)
    if line := _unsure(a, b, names):
        lines.append(line)
    if line := _risk(a, b, names):
        lines.append(line)

    route, expected = b.get("route"), rec.get("expected_route")
    if route and expected and route != expected:
        lines.append(f"{name_b}'s router chose {route}; the experiment expects {expected}.")

    canned = next((key for key, meta in ((name_a, meta_a), (name_b, meta_b)) if meta.get("model_id") == NO_MODEL_CALL),
                  None)
    if canned:  # a policy answer takes no time: "8000× sooner" would compare a lookup with a model
        other, res = (name_b, b) if canned == name_a else (name_a, a)
        line = f"Timing: {canned}'s answer came from its router's policy, without a model call"
        if res.get("latency_ms"):
            line += f"; {other}'s model finished in {res['latency_ms'] / 1000:.2f} s"
        lines.append(line + ".")
    else:
        for line in (_faster("First token", a.get("ttft_ms"), b.get("ttft_ms"), unit_ms=True, names=names),
                     _faster("Finished", a.get("latency_ms"), b.get("latency_ms"), unit_ms=False, names=names)):
            if line:
                lines.append(line + ".")
    lines.append(f"Tokens: {name_a} {meta_a.get('reasoning_tokens', 0) + meta_a.get('content_tokens', 0)}"
                 f"{_share(meta_a)}; {name_b} {meta_b.get('reasoning_tokens', 0) + meta_b.get('content_tokens', 0)}"
                 f"{_share(meta_b)}.")
    if (cost := _cost(meta_a, meta_b, names)) is not None:
        lines.append(cost)
    return lines


def _cost(meta_a: dict[str, Any], meta_b: dict[str, Any], names: tuple[str, str]) -> str | None:
    """"Cost: A 11.9× B's (A $0.00031, B $0.000026)." when both have a cost; None otherwise."""
    a, b = meta_a.get("cost_usd"), meta_b.get("cost_usd")
    if a is None or b is None:
        return None
    pair = f"{names[0]} {usd(a)}, {names[1]} {usd(b)}"
    if not a or not b:
        free = "both free" if not a and not b else f"{names[0] if not a else names[1]}'s was free"
        return f"Cost: {free} ({pair})."
    if abs(a - b) <= SAME_WITHIN * max(a, b):
        return f"Cost: about the same ({pair})."
    dear, cheap = names if a > b else names[::-1]
    return f"Cost: {dear} {max(a, b) / min(a, b):.1f}× {cheap}'s ({pair})."


def _listed(texts: list[str], most: int = 6) -> str:
    return ", ".join(texts[:most]) + (f" and {len(texts) - most} more" if len(texts) > most else "")


_Apart = tuple[list[str], list[str], list[str]]  # what only the first says, what only the second, what both


def _figures_of(a: dict[str, Any], b: dict[str, Any]) -> _Apart | None:
    """unshared() of two answers; None when one refused (a refusal states no result to weigh)."""
    if a.get("refusal") or b.get("refusal"):
        return None
    return unshared(a.get("response") or "", b.get("response") or "")


def _references_of(a: dict[str, Any], b: dict[str, Any]) -> _Apart | None:
    """uncited() of two answers; None when one refused."""
    if a.get("refusal") or b.get("refusal"):
        return None
    return uncited(a.get("response") or "", b.get("response") or "")


def _apart(rec: dict[str, Any], read: Callable[[dict[str, Any], dict[str, Any]], _Apart | None]) -> bool | None:
    """Whether one of a comparison's two answers says something of `read`'s kind the other does
    not (True) or they say the same (False); None unless both answered, neither refused and each
    says one."""
    found = read(rec["system_a"], rec["system_b"]) if both_answered(rec) else None
    if not found or not (found[0] or found[2]) or not (found[1] or found[2]):
        return None  # one answer (or both) says none: nothing to set against
    return bool(found[0] or found[1])


def figures_apart(rec: dict[str, Any]) -> bool | None:
    """Whether one of a comparison's two answers states a figure the other does not (True) or
    they state the same ones (False); None unless both answered, neither refused and each states
    a figure."""
    return _apart(rec, _figures_of)


def references_apart(rec: dict[str, Any]) -> bool | None:
    """Whether one of a comparison's two answers cites a rule, a standard or a class by number
    that the other does not (True: "Stage 2" and "Stage 3") or they cite the same ones (False);
    None unless both answered, neither refused and each cites one."""
    return _apart(rec, _references_of)


def _figures(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str]) -> str | None:
    """"Figures: only A states 15%, 3.2; only B states 12.5%." — the figures of two answers
    (reasoning aside) that the other does not state, as each writes them; "Figures: both state
    the same (15, 60, 4)." when neither states one the other lacks; None when an answer refused
    or neither states a figure."""
    return _apart_line("Figures", "state", _figures_of(a, b), names)


def _apart_line(title: str, verb: str, found: _Apart | None, names: tuple[str, str]) -> str | None:
    """"{title}: only A {verb}s …; only B {verb}s … (both {verb} …)." of what two answers say
    (_figures_of, _references_of); "{title}: both {verb} the same (…)." when neither says one the
    other lacks; None when an answer refused or neither says one."""
    if found is None:
        return None
    only_a, only_b, both = found
    if not (only_a or only_b):
        return f"{title}: both {verb} the same ({_listed(both)})." if both else None
    said = [f"only {key} {verb}s {_listed(texts)}" for key, texts in zip(names, (only_a, only_b), strict=True)
            if texts]
    return f"{title}: " + "; ".join(said) + (f" (both {verb} {_listed(both, 3)})" if both else "") + "."


def _references(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str]) -> str | None:
    """"References: only A cites Article 8; only B cites Article 9." — the rules, standards and
    classes named with a number (workbench.references) that one answer cites and the other does
    not: numbers no figure compares ("Stage 2" against "Stage 3"); "References: both cite the same
    (IFRS 9)." when neither cites one the other lacks; None when an answer refused or neither cites
    one."""
    return _apart_line("References", "cite", _references_of(a, b), names)


def _unsure(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str]) -> str | None:
    """"Unsure figures: A 12% (41%); B none." — the figures each model gave a token of at less than
    even odds, for the answers whose probabilities are known (System A's lent by its provider,
    System B's read back in a batch); None unless one of them names a figure."""
    cells = [(key, cell) for key, res in zip(names, (a, b), strict=True) if (cell := unsure_cell(res)) is not None]
    if not any(cell != "none" for _, cell in cells):
        return None
    return "Unsure figures (a second run may state them otherwise): " + "; ".join(
        f"{key} {cell}" for key, cell in cells) + "."


def context_room(meta: dict[str, Any]) -> int | None:
    """The tokens the prompt left an answer that the model's context ended (finish `length` with
    System B's `context_room`); None where its budget, or its own end, ended it."""
    return meta.get("context_room") if meta.get("finish_reason") == "length" else None


def answer_risk(res: dict[str, Any]) -> str | None:
    """The risk level a system's answer gives a transaction (workbench.risk); None when it gives
    none or refused (a refusal rates nothing)."""
    return None if res.get("refusal") else risk_level(res.get("response"))


def answer_levels(a: dict[str, Any], b: dict[str, Any]) -> tuple[str | None, str | None] | None:
    """answer_risk of each answer; None when one refused."""
    if a.get("refusal") or b.get("refusal"):
        return None
    return answer_risk(a), answer_risk(b)


def _risk(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str]) -> str | None:
    """"Risk level: A rates it medium, B high." — the level each answer gives a transaction;
    "both rate it high" when they agree, "only B rates it (high)" when one gives none; None when
    neither does or one refused."""
    levels = answer_levels(a, b)
    if not levels or levels == (None, None):
        return None
    if levels[0] == levels[1]:
        return f"Risk level: both rate it {levels[0]}."
    if None in levels:
        key, level = (names[0], levels[0]) if levels[0] else (names[1], levels[1])
        return f"Risk level: only {key} rates it ({level})."
    return f"Risk level: {names[0]} rates it {levels[0]}, {names[1]} {levels[1]}."


def _checks(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str]) -> str | None:
    """"Checks passed: A 3 of 3; B 2 of 3, failed: answer in fr (the answer is in en)." for the
    answers that were checked; None when none was."""
    parts = []
    for key, res in zip(names, (a, b), strict=True):
        if (score := passed(res)) is None:
            continue
        failed = failures(res)
        parts.append(f"{key} {score[0]} of {score[1]}" + (f", failed: {'; '.join(failed)}" if failed else ""))
    return "Checks passed: " + "; ".join(parts) + "." if parts else None


def disagreements(rec: dict[str, Any]) -> list[str]:
    """What the two systems' answers disagree on, for the judging order (the ones to read first):
    "refusal" (one refused), "language" (one answered in the question's language, the other did
    not; refusals aside), "risk" (they rate a transaction's risk differently: workbench.risk),
    "checks" (one passed every check, the other did not) and "completion" (one was cut off at its
    token budget). Empty unless both answered."""
    if not both_answered(rec):
        return []
    a, b = rec["system_a"], rec["system_b"]
    kinds = []
    if bool(a.get("refusal")) != bool(b.get("refusal")):
        kinds.append("refusal")
    elif (not a.get("refusal") and (asked := question_language(rec)) in SUPPORTED
          and (a.get("answer_lang") == asked) != (b.get("answer_lang") == asked)):
        kinds.append("language")
    if (levels := answer_levels(a, b)) and None not in levels and levels[0] != levels[1]:
        kinds.append("risk")
    scores = {all_passed(a), all_passed(b)}
    if None not in scores and len(scores) == 2:
        kinds.append("checks")
    if len({(r.get("metadata") or {}).get("finish_reason") == "length" for r in (a, b)}) == 2:
        kinds.append("completion")
    return kinds


def differ_on(kinds: list[str], apart: bool | None, cites_apart: bool | None = None) -> str | None:
    """What two answers differ on, in a table cell: the kinds they disagree on (disagreements),
    "figures" when one states a figure the other does not (figures_apart) and "references" when
    one cites by number what the other does not (references_apart) — "refusal, figures", so that
    a table's filter box finds them; None when nothing."""
    return ", ".join([*kinds, *(["figures"] if apart else []), *(["references"] if cites_apart else [])]) or None
