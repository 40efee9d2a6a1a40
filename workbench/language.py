"""Language identification of reasoning and answers (English / French).

Built on lingua (its models ship inside the wheel: nothing is downloaded at run time),
restricted to the languages the app supports. Text too short or too evenly mixed to call is
"und". English finance terms inside a French sentence ("le P/E ratio de l'ETF") do not flip it:
lingua weighs every word's n-grams, and French function words dominate.
"""

from __future__ import annotations

import re
from functools import lru_cache

SUPPORTED = ("en", "fr")
MIN_LETTERS = 12  # below this, a call is a guess
MIN_MARGIN = 0.2  # confidence gap between the two languages needed to call one

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH).build()


def language_scores(text: str) -> dict[str, float]:
    """Confidence per supported language (sums to 1 when the text has letters)."""
    from lingua import Language

    names = {Language.ENGLISH: "en", Language.FRENCH: "fr"}
    values = _detector().compute_language_confidence_values(text)
    return {names[v.language]: float(v.value) for v in values if v.language in names}


def detect_language(text: str) -> str:
    """"en", "fr", or "und" when the text is too short or too mixed to call."""
    letters = sum(len(w) for w in _WORD.findall(text or ""))
    if letters < MIN_LETTERS:
        return "und"
    scores = language_scores(text)
    en, fr = scores.get("en", 0.0), scores.get("fr", 0.0)
    if abs(en - fr) < MIN_MARGIN:
        return "und"
    return "en" if en > fr else "fr"
