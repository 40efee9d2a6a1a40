"""Refusal detection for English and French answers.

A refusal is an answer that declines the request ("I can't help with that", "Je ne peux pas vous
aider"), usually near its start. Phrases that merely mention inability inside a substantive answer
("the bank cannot release the payment until…") do not count: we look at the opening sentences and
at explicit refusal formulas only.
"""

from __future__ import annotations

import re

_PATTERNS = [
    # English
    r"\bI (?:can(?:'|’)?t|cannot|can not|won(?:'|’)t|will not|am not able to|'m not able to"
    r"|am unable to|'m unable to) "
    r"(?:help|assist|provide|do that|comply|support|share|give|write|create|explain how)",
    r"\bI(?:'|’)m sorry,? but I (?:can(?:'|’)?t|cannot|won(?:'|’)t)",
    r"\b(?:I must|I have to|I need to) (?:refuse|decline)",
    r"\bI (?:refuse|decline) to\b",
    r"\bnot (?:able|allowed|permitted) to (?:help|assist) with\b",
    r"\bthis (?:request|would) (?:is|be) (?:illegal|against (?:the )?(?:law|policy))",
    # French
    r"\bje ne (?:peux|pourrai|vais) pas (?:vous |t(?:'|’))?(?:aider|assister|répondre|fournir|faire|rédiger)",
    r"\bje (?:refuse|dois refuser|me vois contraint de refuser)\b",
    r"\bil m(?:'|’)est impossible de (?:vous )?(?:aider|répondre)",
    r"\bje ne suis pas en mesure de (?:vous )?(?:aider|répondre|fournir)",
    r"\bdésolé,? (?:mais )?je ne (?:peux|pourrai) pas",
]
_REFUSAL = re.compile("|".join(_PATTERNS), re.IGNORECASE)
OPENING_CHARS = 400  # refusals state themselves up front


def is_refusal(text: str) -> bool:
    """True when the answer declines the request (English or French)."""
    if not text or not text.strip():
        return False
    opening = text.strip()[:OPENING_CHARS]
    return bool(_REFUSAL.search(opening))
