"""The risk level an answer gives a transaction: low, medium or high (or between two neighbours:
low-medium, medium-high), in English or French.

A transaction question's answer ends in a rating, however each model sets it out: "Risk: HIGH",
"**Risk level:** Medium", "the risk is low", "a high-risk transfer", "Risque : ÉLEVÉ", "niveau de
risque moyen", "une opération à haut risque". Two systems that rate one transaction differently
disagree on the one thing the analyst asked, so the comparison says so (workbench.differences),
a check can ask for a level (`{"risk": "high"}`: workbench.checks) and the CSV keeps each
answer's (`risk_level`).

The rating is the first labelled one ("risk: …", "risque … élevé", "the risk here is …", "the risk
at a moderate level", a verdict's label with a level alone after it: "Overall: 🟠 Medium",
"Classification: LOW", "Level of concern: medium", "Alerte modérée :", "Cotation du dossier :
élevée", a table's "| **Overall** | **Medium** |", or a verb: "I would rate this medium to high",
"Je qualifierais ce risque de moyen"; "the risk is clearly elevated", "the risk appears minimal",
"le risque est jugé modéré"; a RAG status or an alert level given as a colour, "RAG status: Amber",
"Niveau d'alerte : vert", "treat it as an amber alert"; a verdict of "risky"; "Severity: high"; a
JSON value, {"risk_level": "high"}; a heading over its level, "**Risk**" then "Medium."; the end of
the scale, "at the low end of the risk scale"; a coloured dot after a label, "Risk: 🔴"; a line
opening on "Level: medium" or "Niveau : bas"; "I'd put it at medium"; "Niveau de risque retenu :
modéré"; the levels it is not said first, "ni faible ni élevé — moyen"), else the first level put
before "risk" ("high-risk", "a high level of risk") or said of the transaction ("peu risquée",
"highly risky"); an answer that opens on a level alone ("Low. The payment matches the standing
order.", or "Amber.") gives that one; a level negated ("not high risk", "pas élevé", "ce n'est pas
une opération à risque élevé"; the negation's reach ends at a comma or a dash: "not a new payee, low
risk" is low), listed among others ("low, medium or high risk"), asked ("is it high risk?", unless
answered yes at once: "High risk? Yes — …") or rating a place or a class of customers ("a
high-risk jurisdiction", "un pays à risque élevé", "high-risk customers", "les
clients à haut risque") is not one. Two neighbouring levels joined ("Medium-High", "medium to high",
"moyen à élevé", "between low and medium") are one rating between them; the whole scale ("low to
high") is none. A labelled score without a word ("Risk score: 7/10", "Risk rating: 2 out of 5",
"Score de risque : 72/100") is read on the five levels: on a scale of 5 one level a point, on 10 or
100 one a fifth of the scale (7/10 medium-high, 9/10 high), on 3 low, medium, high, and so is a
place on a scale named in words ("On a five-point scale I'd place this at 4", "sur une échelle de 1
à 5… 4", "Risk: 3 (on a 1–5 scale)"); a word beside it ("8/10 (high)") wins. "Moderately high" is
medium-high. Only the answer is read, never the reasoning. Accents, case and curly apostrophes do
not matter (engines.router.fold).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import lru_cache

from engines.router import fold

# in order, the two in-between ratings among them ("Risk: Medium-High", "risque moyen à élevé")
LEVELS = ("low", "low-medium", "medium", "medium-high", "high")
_BETWEEN = {frozenset({"low", "medium"}): "low-medium", frozenset({"medium", "high"}): "medium-high"}

# level words, folded (accents taken out, lower case), by language and the level they mean
_EN = {"low": "low", "minimal": "low", "negligible": "low", "medium": "medium", "med": "medium", "moderate": "medium",
       "intermediate": "medium", "high": "high", "elevated": "high", "critical": "high", "severe": "high"}
_FR = {"faible": "low", "faibles": "low", "bas": "low", "basse": "low", "minime": "low", "negligeable": "low",
       "moyen": "medium", "moyenne": "medium",
       "modere": "medium", "moderee": "medium", "eleve": "high", "elevee": "high", "fort": "high", "forte": "high",
       "critique": "high", "haut": "high", "important": "high", "intermediaire": "medium"}
_LEVEL_OF = {**_EN, **_FR}
_JOINED = {"lowmedium": "low-medium", "mediumhigh": "medium-high"}  # what a range is read as (see _RANGE)
_READ = {**_LEVEL_OF, **_JOINED}


def _words(words: dict[str, str], very: str) -> str:
    """A pattern catching one of `words` (a group), "very" or "très" allowed before it."""
    return f"(?:{very}\\s+)?(" + "|".join(sorted(words, key=len, reverse=True)) + ")"


_ANY = "|".join(sorted(_LEVEL_OF, key=len, reverse=True))
# what may stand between a label and its level — "Risk: **HIGH**", "Risk: 🔴 High", "Risk score: 8/10
# (high)" — but not a sentence's end: "low risk. High amounts…"
_SET_OUT = r"[^\w.!?;\n]{0,8}(?:\d+(?:[.,]\d+)?\s*(?:/|\bout\s+of\b|\bsur\b)\s*\d+[^\w.!?;\n]{0,4})?"
# the levels a rating is not, said before the one it is: "Risque : ni faible ni élevé — moyen"
_NEITHER = r"(?:(?:neither|nor|ni)\s+\w+[^\w.!?;\n]{0,6}){0,2}"
# "Risk: HIGH", "**Risk level:** High", "overall risk is medium", "risk rating - low", "risk of fraud: high"
# (what the risk is of, when a colon or "is" follows it: "risk of a high loss" is no rating)
_LABELLED_EN = re.compile(r"\brisk(?:\s+(?:level|rating|score|assessment|category))?"
                          r"(?:\s+of\s+\w+(?:\s+\w+)?(?=\s*(?::|is\b|=)))?"
                          r"(?:\s+(?:assigned|assessed|given|proposed|retained))?" + _SET_OUT
                          + r"(?:(?:here|overall|in this case|for this \w+)\s+)?"
                          r"(?:(?:is|appears|seems|looks|remains|sits|stands|falls|lies)\s+)?"
                          r"(?:(?:considered|deemed|assessed|judged|rated|viewed)\s+(?:as\s+|to\s+be\s+)?)?"
                          r"(?:(?:clearly|rather|fairly|quite|relatively|"
                          r"probably|likely|definitely|somewhat|to be)\s+)?"
                          r"(?:(?:at|as)\s+(?:an?\s+)?)?"
                          + _SET_OUT + _NEITHER + _words(_EN | _JOINED, "very") + r"\b")
# "Risque : ÉLEVÉ", "niveau de risque moyen", "le risque est faible", "risque global : modéré",
# "risque de blanchiment élevé", "Risque : MEDIUM" (a model mixing languages)
_LABELLED_FR = re.compile(r"\brisque(?:\s+globale?)?(?:\s+(?:de\s+(?:l'|la\s+|le\s+)?|d'|du\s+)\w+)?"
                          r"(?:\s+(?:retenue?|attribuee?|estimee?|evaluee?|jugee?|proposee?|finale?))?" + _SET_OUT
                          + r"(?:(?:est|parait|semble|reste|demeure|se situe|s'etablit|ressort)\s+(?:a\s+)?)?"
                          r"(?:(?:jugee?|estimee?|evaluee?|consideree?|qualifiee?)\s+(?:comme\s+|de\s+)?)?"
                          r"(?:(?:clairement|assez|relativement|probablement|manifestement)\s+)?" + _SET_OUT
                          + _NEITHER + _words(_READ, "(?:tres|plutot|very)") + r"\b")
# "high-risk", "low risk", "à haut risque", "faible risque", "a high level of risk", "peu risquée"
_BEFORE = re.compile(r"\b" + _words(_READ, "(?:very|tres)") + r"[*_]*(?:\s*-\s*|\s+)(?:(?:level|degree)\s+of\s+)?"
                     r"(?:risk|risque)\b")
_RISKY_VERDICT = {"risky": "high", "risquee": "high", "risque": "high"}  # a verdict's word alone: "Verdict — risky."
_RISKY = {"peu": "low", "tres": "high", "highly": "high", "very": "high", **_RISKY_VERDICT}
_RISKY_SAID = re.compile(r"\b(peu|tres|highly|very) (?:risky|risquee?s?)\b")  # "peu risquée", "highly risky"
# "Overall: 🟠 Medium", "Verdict : élevé" — a verdict's label and a level alone after it
# (a table's row too: "| **Overall** | **Medium** |")
_VERDICT_LABELS = "overall|verdict|conclusion|evaluation|assessment|rating|classification|bilan|appreciation|" \
    "score|cotation|notation|severity|gravite|" \
    "level of concern|concern level|concern|alert level|alert|niveau d'alerte|niveau de vigilance|alerte|vigilance"
_VERDICT = re.compile(r"\b(?:overall(?:\s+(?:rating|assessment))?|" + _VERDICT_LABELS + ")"
                      r"(?:\s+(?:du|de la|de l'|des|of the|for the|of this|for this)\s*\w+)?" + _SET_OUT
                      + _words(_READ | _RISKY_VERDICT, "(?:very|tres)")
                      + r"(?=[\s*_]*(?:[.;,:!()|\u2014\u2013-]|\n|$))")
# a rating said with a verb: "I would rate this medium to high", "I'd classify it as low"
_RATED = re.compile(r"(?<!not )(?<!n't )(?<!never )\b(?:rate|rated|classify|classified|grade|graded)\s+"
                    r"(?:(?:this|that|the)\s+(?:transfer|wire|payment|transaction|deposit|withdrawal|one|case)|this|that|it)?"
                    r"\s*(?:as\s+|at\s+)?(?:an?\s+)?" + _words(_READ, "(?:very|tres)")
                    + r"(?=[\s*_]*(?:[.;,:!()|\u2014\u2013-]|\n|$|(?:risk|one|transaction|case)\b))")
# a level it is put at: "I'd put it at medium", "I would place this at high" (not "the low end": _END)
_PUT_AT = re.compile(r"(?<!not )(?<!n't )\b(?:put|puts|place|placed|set|peg|pegged)\s+(?:it|this|that|the risk)\s+at\s+"
                     + _words(_READ, "(?:very|tres)") + r"(?=[\s*_]*(?:[.;,:!()|\u2014\u2013-]|\n|$|risk\b))")
# a rating said with a French verb: "Je qualifierais ce risque de moyen", "on classe cette opération en faible"
_RATED_FR = re.compile(r"\b(?:qualifi|class|evalu|estim|jug|considere)\w*\s+(?:ce|le|cet|cette)\s+(?:risque|operation|"
                       r"virement|paiement|transfert|dossier|depot|retrait)\s+(?:de|d'|comme|en|a)\s+(?:(?:un\s+)?"
                       r"risque\s+)?" + _words(_READ, "(?:tres|plutot)") + r"\b")
# the end of the scale it is put at: "I'd put it at the low end of the scale", "en bas de l'échelle"
_END = re.compile(r"(?:\bat the |\ben )(low|high|bas|haut)(?:er)?(?: end of the (?:(?:risk )?scale|risk range|"
                  r"(?:risk )?spectrum)| de (?:l'|la )(?:echelle|fourchette) de risque| de l'echelle)\b")
# a RAG status, or an alert level, given as a colour: "RAG status: Red", "Niveau d'alerte : vert"
_COLOUR = {"red": "high", "amber": "medium", "green": "low", "rouge": "high", "orange": "medium", "ambre": "medium",
           "vert": "low", "verte": "low"}
_RAG = (r"\b(?:rag|r/a/g)(?:\s+(?:status|rating|score|statut))?|\bstatut\s+rag|\b(?:niveau d'alerte|"
        r"alert (?:level|status)|alerte)")
_RAG_COLOUR = re.compile(r"(?:(?:" + _RAG + ")" + _SET_OUT + r"|\b(?=(?:red|amber|green) (?:alert|status|rating)\b))"
                         r"(" + "|".join(_COLOUR) + r")\b")
# a level given as a coloured dot after a label: "Risk: 🔴", "Risque : 🟠" (a word beside it wins: "Overall: 🟠 Medium")
_DOT = {"\U0001f534": "high", "\U0001f7e0": "medium", "\U0001f7e1": "medium", "\U0001f7e2": "low"}
_DOTTED = re.compile(r"(?:\brisk(?:\s+(?:level|rating|score))?|\brisque|\bniveau de risque|\b(?:" + _VERDICT_LABELS
                     + r"))[^\w.!?;\n\U0001f534\U0001f7e0-\U0001f7e2]{0,6}([" + "".join(_DOT) + r"])"
                     r"(?![^\w.!?;\n]{0,4}(?:(?:very|tres)\s+)?(?:" + _ANY + r")\b)")
# a line that opens on "Level" or "Niveau" and a level: "Niveau : bas. Paiement récurrent…"
_LEVEL_LINE = re.compile(r"(?m)^[\W_]*(?:level|niveau)" + _SET_OUT + _words(_READ, "(?:very|tres)")
                         + r"(?=[\s*_]*(?:[.;,:!()|\u2014\u2013-]|\n|$))")
# the answer's first word a level, said on its own: "Low. The payment matches the standing order."
_LEAD = re.compile(r"^[\W_]*" + _words(_READ | _COLOUR, "(?:very|tres)")
                   + r"(?:\s+(?:risk|risque))?[\s*_]*[.:!\u2014\u2013]")
# a level that rates a place or a sector, not the transaction: "a high-risk jurisdiction", "un pays à
# haut risque", "vers un pays à risque élevé"
_PLACE_AFTER = re.compile(r"^(?:\s*-\s*|\s+)(?:risk|risque)?\s*(?:jurisdiction|countr|sector|industr|area|region|"
                          r"third countr|destination|customers|clients|(?:customer|client) (?:files|segments?|"
                          r"categor|base|relationships|profiles))")
_PLACE_BEFORE = re.compile(r"\b(?:pays|juridictions?|secteurs?|zones?|regions?|jurisdictions?|countr(?:y|ies)|"
                           r"sectors?|clients|clienteles?|dossiers clients|customers)\s+"
                           r"(?:(?:est|sont|is|are|classee?s?|consideree?s?|jugee?s?|considered|rated)\s+){0,2}"
                           r"(?:a|au|de|d'|with|as)?\s*"
                           r"(?:\w+\s+)?$")
# within its sentence: "Is it legitimate? No. Risk: high." rates it high
_NEGATION = r"\b(?:not|no|never|isn't|is not|n'est pas|pas|non|ni|aucun|aucune)[^\w.!?;\n]+"
# the words that may stand between a negation and the level it negates, beyond one word of any kind:
# "n'est pas une opération à risque élevé", "not a particularly high-risk transfer"
_FILLER = r"(?:an?|the|une?|d'une?|de|d'|a|at|en|of|very|tres|particularly|particulierement|especially|really|" \
    r"vraiment|operation|transaction|transfer|wire|payment|deposit|virement|paiement|depot|dossier|case|cas|risk|" \
    r"risque)"
_NEGATED = re.compile(_NEGATION + r"(?:(?:\w+[^\w.!?;,\u2014\u2013\n]+)?|(?:" + _FILLER + r"[^\w.!?;\n]+){0,4})$")
_LISTED = re.compile(r"\b(?:" + _ANY + r")\s*(?:,|/|\bor\b|\bou\b|\bto\b|\ba\b|-)\s*(?:\w+\s*,?\s*)?$")
_AFTER_LISTED = re.compile(r"^\s*(?:,|/|\bor\b|\bou\b|\bto\b|\ba\b|-)\s*(?:very\s+|tres\s+)?(?:" + _ANY
                           + r")\b")

_ASKED = re.compile(r"^[^.!:;\n]*\?")  # the sentence it is in ends in a question mark
# …and the answer says yes at once: "High risk? Yes — the funds leave within a day", "Risque élevé ? Oui"
_ANSWERED = re.compile(r"^[^.!:;\n]*\?[\s*_]*(?:yes|oui|definitely|absolutely|certainly|clearly|indeed|"
                       r"absolument|clairement|tout a fait|sans aucun doute)\b")
# two neighbouring levels joined into one rating: "Medium-High", "medium to high", "moyen à élevé"
# ("a" is "à" folded); "low, medium or high" is a list, and "low to high" spans the whole scale
_RANGE = re.compile(r"\b(" + _ANY + r")\s*(?:[-–/]\s*(?:(?:to|a)\b\s*-?\s*)?|(?:to|a)\b\s*-?\s*)"
                    r"(?:very\s+|tres\s+)?(" + _ANY + r")\b"
                    r"|\b(?:between|entre)\s+(" + _ANY + r")\s+(?:and|et)\s+(" + _ANY + r")\b")


# "Risk score: 7/10", "**Risk rating:** 2 out of 5", "Score de risque : 72/100", "Note de risque : 4 sur 5"
# — a score with no level word beside it (else the word is read: "8/10 (high)")
_SCORE = re.compile(r"(?:\brisk(?:\s+(?:level|rating|score|assessment))?|\b(?:score|note|niveau)\s+de\s+risque"
                    r"|\brisque)[^\w.!?;\n]{0,6}(?:is\s+|est\s+(?:de\s+)?)?[^\w.!?;\n]{0,4}"
                    r"(\d+(?:[.,]\d+)?)\s*(?:/|\bout\s+of\b|\bsur\b)\s*(\d+)\b"
                    r"(?![^\w.!?;\n]{0,8}(?:(?:very|tres)\s+)?(?:" + _ANY + r")\b)")
# a level given as a JSON value: {"risk_level": "high"}, {"niveau_de_risque": "élevé"}
_JSON = re.compile(r"\"(?:risk(?:[_ ]?(?:level|rating|category|assessment))?|(?:niveau_de_)?risque)\"\s*:\s*\""
                   + _words(_READ, "(?:very|tres)") + r"\"")
# a heading, then the level opening the next paragraph: "**Risk**\n\nMedium. The pattern…"
_HEADED = re.compile(r"(?m)^[#*_\s]*(?:risk(?: level| rating)?|risque|niveau de risque)[*_:\s]*\n+[\s*_]*"
                     + _words(_READ, "(?:very|tres)")
                     + r"(?:\s+(?:risk|risque))?(?=[\s*_]*(?:[.;,:!(\u2014\u2013]|\n|$))")
# "moderately high" sits between medium and high; read as that range
_MODERATELY = re.compile(r"\b(?:moderately|moderement) (high|elevated|eleve|elevee|low|faible)\b")  # folded
_SCALES = (3, 5, 10, 100)
_SCALE_WORDS = {"three": "3", "five": "5", "ten": "10", "trois": "3", "cinq": "5", "dix": "10"}
_PLACED = re.compile(r"\b(?:on|sur) (?:a|an|une) (3|5|10|100|three|five|ten)[- ]point (?:risk )?scale\b[^.!?;\n]{0,30}?"
                     r"\b(?:at|as|a)\s+(\d+)\b(?!\s*%)"
                     r"|\bsur une echelle de (?:1|0) a (3|5|10|100)\b[^.!?;\n]{0,30}?\b(?:a|en|note|de)\s+(\d+)\b")
# a labelled score with its scale after it: "Risk: 3 (on a 1–5 scale)", "Risque : 4 (sur une échelle de 1 à 5)"
_SCORE_THEN_SCALE = re.compile(r"\b(?:risk|risque)(?: (?:level|rating|score))?[^\w.!?;\n]{0,6}(\d+)\s*\((?:on a |sur "
                               r"une echelle de )?(?:1|0)\s?(?:[-–]|a|to)\s?(3|5|10|100)(?: scale)?\)")
_WORTH_READING = re.compile("risk|risque|rate|classif|grade|qualifi|\\brag\\b|r/a/g|end of the|de l'echelle|"
                            "point scale|sur une echelle|alert|amber|green|red\\b|moderately|level|niveau|"
                            "(?:put|place|set|peg) (?:it|this) at|"
                            + _VERDICT_LABELS)  # a rating that may be here


def _from_score(score: str, scale: str) -> str | None:
    """The level a score on a scale of 3, 5, 10 or 100 stands for (see the module's docstring);
    None for another scale or a score above it."""
    value, top = Fraction(score.replace(",", ".")), int(scale)
    if top not in _SCALES or value > top:
        return None
    if top == 3:
        return LEVELS[min(4, max(0, 2 * math.ceil(value) - 2))]
    return LEVELS[min(4, max(0, math.ceil(value * 5 / top) - 1))]


def _joined(match: re.Match[str]) -> str:
    """A range of two neighbouring levels as one word the level patterns read ("medium-high" ->
    "mediumhigh"); the whole scale as a word they do not ("low-to-high" -> "lowhigh": no rating);
    one level twice left as it is."""
    first, second = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    pair = frozenset({_LEVEL_OF[first], _LEVEL_OF[second]})
    if len(pair) == 1:
        return match.group(0)
    return _BETWEEN.get(pair, "low-high").replace("-", "")


def _stands(text: str, match: re.Match[str]) -> bool:
    """Whether a level found is the answer's own rating: not negated, not one of a list, not in
    a question ("Is it high risk?")."""
    before, after = text[max(0, match.start(1) - 30):match.start(1)], text[match.end(1):match.end(1) + 60]
    if _PLACE_BEFORE.search(text[max(0, match.start() - 30):match.start()]) or _PLACE_AFTER.match(after):
        return False
    return not (_NEGATED.search(before) or _LISTED.search(before) or _AFTER_LISTED.match(after)
                or (_ASKED.match(after) and not _ANSWERED.match(after)))


@lru_cache(maxsize=4096)  # one answer is read by its comparison's lines, its disagreements and its CSV row
def risk_level(answer: str | None) -> str | None:
    """One of LEVELS ("low", "low-medium", "medium", "medium-high", "high"): the risk level an
    answer gives (see the module's docstring); None when it gives none."""
    text = fold(answer or "").strip()
    if lead := _LEAD.match(_RANGE.sub(_joined, text[:80])):
        return _READ.get(lead.group(1)) or _COLOUR[lead.group(1)]
    if not _WORTH_READING.search(text):
        return None
    text = _RANGE.sub(_joined, _MODERATELY.sub(lambda m: ("low-medium" if m.group(1) in ("low", "faible")
                                                          else "medium-high"), text))
    for pattern in ((_LABELLED_EN, _LABELLED_FR, _VERDICT, _RATED, _RATED_FR, _RAG_COLOUR, _END, _JSON, _HEADED,
                     _DOTTED, _LEVEL_LINE, _PUT_AT),
                    (_BEFORE, _RISKY_SAID)):
        found = [m for p in pattern for m in p.finditer(text) if _stands(text, m)]
        if found:
            word = min(found, key=lambda m: m.start()).group(1)
            return _READ.get(word) or _RISKY.get(word) or _COLOUR.get(word) or _DOT[word]
        if pattern[0] is _LABELLED_EN:  # no level word labelled: a labelled score, before "a high-risk …"
            scores = [m.groups() for m in _SCORE.finditer(text) if not _ASKED.match(text[m.end():m.end() + 60])]
            placed = [[g for g in m.groups() if g] for m in _PLACED.finditer(text)]  # (scale, score)
            scores += [(score, _SCALE_WORDS.get(scale, scale)) for scale, score in placed]
            scores += [m.groups() for m in _SCORE_THEN_SCALE.finditer(text)]
            level = next(filter(None, (_from_score(score, scale) for score, scale in scores)), None)
            if level:
                return level
    return None
