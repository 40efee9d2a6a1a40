"""Where the local model hesitated in an answer: its tokens' probabilities, read for the analyst.

engines.confidence gives each token of an answer the probability the model gave it (its own
distribution, before temperature, top-p and the other sampling settings) and the likeliest
tokens at that place. Read token by token that is noise; what matters is where the model was
unsure — a digit of a figure at 41% with another digit at 38% is a figure a second run may well
state otherwise. This module says so in a line (the figures and the words it was least sure of,
with what it weighed instead) and draws the answer with each token shaded by how unsure the model
was of it, its probabilities shown on hovering.
"""

from __future__ import annotations

import html
import re
import statistics
from typing import Any

from engines.base import EngineError
from engines.chances import TokenChance
from engines.systems import RouterAnswered
from workbench.checks import is_number
from workbench.figures import answer_figure_places
from workbench.safety import safe_markdown

UNSURE = 0.5  # a token the model gave less than even odds: another was about as likely, or likelier
SHOWN = 5  # figures, and words, named at most
# (below this probability: the shade drawn), least sure first
SHADES = ((0.25, "#fca5a5"), (0.5, "#fcd34d"), (0.8, "#fef3c7"))


def as_written(text: str) -> str:
    """A token (or any text) as Markdown quotes it: its marks ("**", "_") and tags shown, not obeyed."""
    return re.sub(r"([\\`*_\[\]#|])", r"\\\1", safe_markdown(text.strip() or text))


def _pct(p: float) -> str:
    return f"{p:.0%}" if p >= 0.01 else "<1%"


def _plain(text: str) -> str:
    return text.strip() or text


def _others(chance: TokenChance, most: int = 2, show=as_written) -> str:
    """What else the model weighed at a token's place: "“0” 38%, “7” 9%" (the token itself left
    out), each token written by `show` (quoted for Markdown, or _plain for a tooltip)."""
    said = [f"“{show(text)}” {_pct(p)}" for text, p in chance.likeliest if text != chance.text][:most]
    return ", ".join(said)


def _about(chance: TokenChance) -> str:
    others = _others(chance)
    return f"“{as_written(chance.text)}” at {_pct(chance.prob)}" + (f"; it also weighed {others}" if others else "")


def sure_share(chances: list[TokenChance]) -> float | None:
    """The share of the tokens the model gave even odds or better (None: no tokens)."""
    return round(sum(c.prob >= UNSURE for c in chances) / len(chances), 4) if chances else None


def unsure_figures(chances: list[TokenChance], answer: str) -> list[tuple[str, TokenChance]]:
    """The figures the answer states whose least likely token the model gave less than even odds,
    least sure first: (the figure as written, that token)."""
    found = []
    for figure, start, end in answer_figure_places(answer):
        inside = [c for c in chances if c.start < end and c.start + len(c.text) > start and c.text.strip()]
        if inside and (least := min(inside, key=lambda c: c.prob)).prob < UNSURE:
            found.append((figure.text, least))
    return sorted(found, key=lambda pair: pair[1].prob)


def unsure_words(chances: list[TokenChance], answer: str) -> list[TokenChance]:
    """The word tokens outside figures the model gave less than even odds, least sure first."""
    in_figures = [(start, end) for _, start, end in answer_figure_places(answer)]
    words = [c for c in chances if c.prob < UNSURE and any(ch.isalpha() for ch in c.text)
             and not any(c.start < end and c.start + len(c.text) > start for start, end in in_figures)]
    return sorted(words, key=lambda c: c.prob)


READ_BACK = "its own probabilities, before temperature, top-p and the other sampling settings"
WRITTEN = "as its provider reported them while it wrote"  # System A's logprobs


def confidence_summary(chances: list[TokenChance], answer: str, who: str = "The model", how: str = READ_BACK) -> str:
    """How sure `who` was of the answer, in a few lines (Markdown): its share of tokens at even odds
    or better, the figures and the words it was least sure of with what it weighed instead. `how`:
    whose probabilities they are (READ_BACK, an answer read again; WRITTEN, a provider's logprobs)."""
    if not chances:
        return f"{who} wrote no answer to read."
    sure = sum(c.prob >= UNSURE for c in chances)
    whole = chances[-1].start + len(chances[-1].text) >= len(answer.rstrip())  # else its first tokens (MAX_TOKENS)
    which = "the answer's" if whole else "the first"
    lines = [f"**{who} gave {sure:,} of {which} {len(chances):,} tokens ({sure / len(chances):.0%}) even odds "
             f"or better** (median {_pct(statistics.median(c.prob for c in chances))}; {how})."]
    figures = unsure_figures(chances, answer)
    stated = answer_figure_places(answer)
    if figures:
        named = " · ".join(f"**{as_written(text)}** ({_about(c)})" for text, c in figures[:SHOWN])
        more = f" and {len(figures) - SHOWN} more" if len(figures) > SHOWN else ""
        lines.append(f"⚠️ Figures it was unsure of ({len(figures)} of {len(stated)}): {named}{more} — a second run "
                     "may well state them otherwise.")
    elif stated:
        lines.append(f"It was sure of every figure it states ({len(stated)}: each token at even odds or better).")
    words = unsure_words(chances, answer)
    if words:
        lines.append("Words it hesitated on most: " + " · ".join(_about(c) for c in words[:SHOWN]) + ".")
    return "\n\n".join(lines)


def _shade(prob: float) -> str | None:
    return next((colour for below, colour in SHADES if prob < below), None)


def confidence_html(chances: list[TokenChance], answer: str, legend: bool = True) -> str:
    """The answer with each token shaded by how unsure the model was of it (none at 80% or more),
    its probability and the likeliest tokens in its tooltip; text between tokens kept as written;
    the shades' legend above it (`legend`: not above a second answer under the first)."""
    out, at = [], 0
    for c in chances:
        if c.start > at:
            out.append(html.escape(answer[at:c.start]))
        others = _others(c, 4, _plain)
        tip = _pct(c.prob) + (f" · also: {others}" if others else "")
        colour = _shade(c.prob)
        style = f' style="background:{colour};color:#111"' if colour else ""
        out.append(f'<span class="tok" title="{html.escape(tip, quote=True)}"{style}>{html.escape(c.text)}</span>')
        at = c.start + len(c.text)
    out.append(html.escape(answer[at:]))
    above = token_legend() if legend else ""
    return f'{above}<div class="token-answer" style="white-space:pre-wrap;line-height:1.7">{"".join(out)}</div>'


def token_legend() -> str:
    """What the shades of confidence_html mean (HTML)."""
    shades = " ".join(f'<span style="background:{colour};color:#111;padding:0 4px">under {below:.0%}</span>'
                      for below, colour in SHADES)
    return (f'<div class="token-legend">Shaded by the model\'s probability of each token: {shades} '
            "(hover a token for its probability and what else the model weighed)</div>")


def packed(chances: list[TokenChance] | tuple[TokenChance, ...]) -> list[list[Any]]:
    """The tokens as a record keeps them, small for a browser's storage (workbench.history keeps
    them for its newest comparisons): [text, start, probability, [[token, probability], …three
    likeliest]] each."""
    return [[c.text, c.start, round(c.prob, 4), [[t, round(p, 4)] for t, p in c.likeliest[:3]]] for c in chances]


def unpacked(data: Any, answer: str) -> list[TokenChance] | None:
    """The tokens `packed` kept, checked against the answer they belong to (a record that came back
    from a browser may be anything): None where they are not that answer's."""
    try:
        chances = [TokenChance(str(text), int(start), float(prob), tuple((str(t), float(p)) for t, p in top))
                   for text, start, prob, top in data]
    except (TypeError, ValueError):
        return None
    if not chances or any(answer[c.start:c.start + len(c.text)] != c.text or not 0 <= c.prob <= 1 for c in chances):
        return None
    return chances


def chances_json(chances: list[TokenChance]) -> list[dict[str, Any]]:
    """The tokens as JSON (the REST route's answer)."""
    return [c.as_dict() for c in chances]


def read_back(rec: dict[str, Any], engine: Any, request: Any) -> dict[str, Any]:
    """A comparison's record with how sure System B's model was of its answer (`engine`: System
    B's pipeline; `request`: what it was asked, workbench.compare.system_b_request) under
    `system_b.confidence`: {"sure_share", "unsure_figures": [{"figure", "prob", "instead"}]}, or
    {"error"} where it could not be read. Left as it is where System B gave no answer, or its
    router answered itself (no model wrote it)."""
    b = rec.get("system_b")
    if not b or b["metadata"].get("error") or not (b.get("response") or "").strip():
        return rec
    try:
        chances = engine.answer_confidence(request, b.get("reasoning") or "", b["response"])
    except RouterAnswered:
        return rec
    except EngineError as exc:
        b["confidence"] = {"error": str(exc)}
        return rec
    if chances:
        b["confidence"] = reading(chances, b["response"])
    return rec


def reading(chances: list[TokenChance], answer: str) -> dict[str, Any]:
    """What is kept of an answer read back (a batch record's `confidence`): {"sure_share",
    "unsure_figures": [{"figure", "prob", "instead"}]}, the least sure figure first."""
    return {"sure_share": sure_share(chances),
            "unsure_figures": [{"figure": text, "prob": round(c.prob, 4),
                                "instead": [[t, round(p, 4)] for t, p in c.likeliest if t != c.text][:2]}
                               for text, c in unsure_figures(chances, answer)]}


def is_reading(value: Any) -> bool:
    """Whether `value` has the shape `reading` gives (or {"error": text}): what a results file
    from elsewhere must hold to be shown as one."""
    def number(x: Any) -> bool:  # a probability
        return is_number(x) and 0 <= x <= 1

    def figure(f: Any) -> bool:
        return (isinstance(f, dict) and isinstance(f.get("figure"), str) and number(f.get("prob"))
                and isinstance(f.get("instead", []), list)
                and all(isinstance(i, list) and len(i) == 2 and isinstance(i[0], str) and number(i[1])
                        for i in f.get("instead", [])))

    if not isinstance(value, dict):
        return False
    if "error" in value:
        return isinstance(value["error"], str)
    figures = value.get("unsure_figures", [])
    return number(value.get("sure_share")) and isinstance(figures, list) and all(map(figure, figures))


def unsure_cell(res: dict[str, Any] | None) -> str | None:
    """A system's answer's unsure figures as a table cell: "15 (41%) · 1,210 (33%)", "none" when it
    was sure of every one, None where its answer was not read back."""
    confidence = (res or {}).get("confidence")
    if not confidence or "error" in confidence:
        return None
    figures = confidence.get("unsure_figures") or []
    return " · ".join(f"{f['figure']} ({_pct(f['prob'])})" for f in figures) or "none"


def unsure_line(res: dict[str, Any] | None) -> str | None:
    """The same in words, with what the model weighed instead (a row's details)."""
    confidence = (res or {}).get("confidence")
    if not confidence:
        return None
    if "error" in confidence:
        return f"not read back: {confidence['error']}"
    figures = confidence.get("unsure_figures") or []
    if not figures:
        return f"none ({confidence['sure_share']:.0%} of its tokens at even odds or better)"
    said = []
    for f in figures:
        instead = ", ".join(f"“{as_written(t)}” {_pct(p)}" for t, p in f.get("instead") or [])
        also = f"; it also weighed {instead}" if instead else ""
        said.append(f"**{as_written(f['figure'])}** ({_pct(f['prob'])}{also})")
    return " · ".join(said)


def unsure_lines(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """For each system with answers read back or given with their probabilities: ("Figures System
    A's model was unsure of", read_back_line's line) — a run's report and `batch`'s closing lines."""
    return [(f"Figures System {key}'s model was unsure of", line) for key in ("A", "B")
            if (line := read_back_line(records, system=f"system_{key.lower()}"))]


def read_back_line(records: list[dict[str, Any]], shown: int = 3, system: str = "system_b") -> str | None:
    """How many of a run's answers of `system` read back (System B's) or given with their
    probabilities (System A's) had a figure the model was unsure of, and the least sure first
    (Markdown); None where there were none."""
    read = [(rec["experiment_id"], c) for rec in records
            if (c := ((rec.get(system) or {}).get("confidence"))) and "error" not in c]
    if not read:
        return None
    unsure = sorted(((min(f["prob"] for f in c["unsure_figures"]), exp_id) for exp_id, c in read
                     if c.get("unsure_figures")))
    if system == "system_b":
        answers = "answer read back has" if len(read) == 1 else "answers read back have"
        whose = "System B's model"
    else:
        answers = "answer with its probabilities has" if len(read) == 1 else "answers with their probabilities have"
        whose = "System A's model"
    said = f"{len(unsure)} of {len(read)} {answers} a figure {whose} was unsure of"
    if unsure:
        said += " (the least sure first: " + ", ".join(f"`{exp_id}`" for _, exp_id in unsure[:shown]) + ")"
    return said
