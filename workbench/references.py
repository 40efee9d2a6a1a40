"""The rules, standards, articles and classes an answer cites by a name with a number, and those
only one of two answers cites: one answer classes a loan "Stage 2", the other "Stage 3"; one
cites "Article 8" of SFDR, the other "Article 9"; one "IFRS 9", the other "IAS 39". Their
numbers are no figures (workbench.named_numbers), so the figures do not tell such answers apart;
these do.

A name is one however it is written: "Article 8", "article 8", "art. 8" and "l'article 8" are one,
"Articles 8 and 9" are two, "L.561-15" and "L 561-15" one, "fonds propres de catégorie 1" and
"Tier 1 capital" one, "DSP 2", "PSD 2" and "PSD2" one, "Regulation (EU) No 575/2013" and
"575/2013" one; "Stages 1–3" and "Stages 1, 2 and 3" are the same three; the paragraph of an
article just cited is part of it ("l'article 4, paragraphe 1" cites Article 4). COVID-19 is a name
with a number, no rule: not cited.
"""

from __future__ import annotations

import re
from functools import lru_cache

from workbench.named_numbers import JOINED_STANDARDS, PLURALS, named

# a name's word, as it may be written (lower case), and the word it is compared by
_WORDS = {
    "article": "article", "articles": "article", "art.": "article",
    "recommendation": "recommendation", "recommendations": "recommendation", "recommandation": "recommendation",
    "recommandations": "recommendation", "rule": "rule", "rules": "rule", "règle": "rule", "règles": "rule",
    "section": "section", "sections": "section", "paragraph": "paragraph", "paragraphs": "paragraph",
    "paragraphe": "paragraph", "paragraphes": "paragraph", "alinéa": "paragraph", "alinéas": "paragraph",
    "annex": "annex", "annexes": "annex", "annexe": "annex", "chapter": "chapter", "chapters": "chapter",
    "chapitre": "chapter", "chapitres": "chapter", "tier": "tier", "tiers": "tier", "category": "tier",
    "categories": "tier", "catégorie": "tier", "catégories": "tier", "stage": "stage", "stages": "stage",
    "stade": "stage", "stades": "stage",
    "pillar": "pillar", "pillars": "pillar", "pilier": "pillar", "piliers": "pillar", "level": "level",
    "niveau": "level", "dsp": "psd", "opcvm": "ucits", "principle": "principle", "principles": "principle",
    "principe": "principle", "principes": "principle", "schedule": "schedule", "schedules": "schedule",
}
# a paragraph or a point of the article just cited, its part: "l'article 4, paragraphe 1, point 39"
_PART_OF = re.compile(r"^,?\s{0,2}$")
_WORD_NUMBERS = re.compile(r"^(?P<word>\D+?)\s+(?P<numbers>\d.*)$")
_NUMBER = re.compile(r"\d+")
_JOINED = re.compile(r"^(" + JOINED_STANDARDS + r")(\d)")
_RANGE = re.compile(r"^(\d+)\s?(?:[–-]|to|à)\s?(\d+)$")  # "1–3", "8 to 10": each of them
_LONGEST_RANGE = 20
_ACT = re.compile(r"^(?:no\.?|n°|nº)\s?", re.IGNORECASE)  # "No 575/2013" is 575/2013
_CODE = re.compile(r"^(?P<book>[LRD])\.?\s?(?P<rest>\d.*)$", re.IGNORECASE)  # "L 561-15" is L.561-15


def _keys(written: str) -> list[str]:
    """What one name written in an answer is compared by: one key a name ("article 8"), or one
    a number for several named at once ("Articles 8 and 9": "article 8", "article 9")."""
    text = " ".join(written.split()).lower().replace("c.f.r.", "cfr").replace("u.s.c.", "usc")
    text = _JOINED.sub(r"\1 \2", text)  # "AMLD5" is AMLD 5
    if _ACT.match(text):
        return [_ACT.sub("", text)]
    if code := _CODE.match(written.strip()):
        return [f"{code['book'].upper()}.{code['rest'].replace(' ', '')}"]
    if found := _WORD_NUMBERS.match(text):
        word = _WORDS.get(found["word"], found["word"])
        if (span := _RANGE.match(found["numbers"])) and 0 < int(span[2]) - int(span[1]) <= _LONGEST_RANGE:
            return [f"{word} {n}" for n in range(int(span[1]), int(span[2]) + 1)]
        if not re.search(r"[/.§-]", found["numbers"]):
            return [f"{word} {int(n)}" for n in _NUMBER.findall(found["numbers"])]
        return [f"{word} {found['numbers']}"]
    return [text.replace("§ ", "§")]



_ARTICLES = {word for word, kind in _WORDS.items() if kind == "article"}  # "article", "articles", "art."
_PARTS = {word for word, kind in _WORDS.items() if kind == "paragraph"}  # "paragraphe", "alinéa"…


def _as_cased(word: str, like: str) -> str:
    """`word` with the first letter's case of `like` ("article", "Articles": "Article")."""
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


@lru_cache(maxsize=4096)
def _placed(text: str) -> tuple[tuple[str, str, int, int], ...]:
    """(key, as written, start, end) of each name `text` cites, in order; "Articles 8 and 9" gives
    two keys, each placed over the whole of it."""
    out = []
    article_end = -1
    for written, start, end in named(text):
        if written.lower() == "covid-19":
            continue  # a name with a number, but no rule, standard or class
        if written.split()[0].lower() in _PARTS and article_end >= 0 and _PART_OF.match(text[article_end:start]):
            article_end = end  # "l'article 4, paragraphe 1": the article's paragraph, no name of its own
            continue
        article_end = end if written.split()[0].lower() in _ARTICLES else -1
        keys = _keys(written)
        word = written.split()[0]
        for key in keys:
            single = PLURALS.get(word.lower())
            if len(keys) == 1 and single is None:
                shown = written
            else:  # "Articles 8 and 9": "Article 8", "Article 9"
                shown = f"{_as_cased(single or word, word)} {key.rsplit(' ', 1)[1]}"
            out.append((key, shown, start, end))
    return tuple(out)


def _cited(text: str) -> tuple[tuple[str, str], ...]:
    """(key, as the answer first writes it) of each name `text` cites, each once, in order."""
    seen: dict[str, str] = {}
    for key, shown, _, _ in _placed(text):
        seen.setdefault(key, shown)
    return tuple(seen.items())


def cited(text: str) -> list[str]:
    """The names with a number an answer cites, as it first writes each, in order."""
    return [shown for _, shown in _cited(text)]


def uncited(first: str, second: str) -> tuple[list[str], list[str], list[str]]:
    """The names with a number two answers cite, as each writes them: those only `first` cites,
    those only `second` cites, and those both cite (as `first` writes them)."""
    one, two = dict(_cited(first)), dict(_cited(second))
    return ([shown for key, shown in one.items() if key not in two],
            [shown for key, shown in two.items() if key not in one],
            [shown for key, shown in one.items() if key in two])


def uncited_places(first: str, second: str) -> list[tuple[int, int]]:
    """Where `first` cites a name that `second` does not (start, end in `first`), each place once
    ("Articles 8 and 9" once, when the other cites neither or only one)."""
    theirs = {key for key, _, _, _ in _placed(second)}
    return list(dict.fromkeys((start, end) for key, _, start, end in _placed(first) if key not in theirs))


def name_keys(text: str) -> list[str]:
    """What the names with a number in `text` are compared by, each once ("art. 8" and "Article
    8" give one); none when `text` cites none."""
    return list(dict(_cited(text)))


def cites(text: str, name: str) -> bool:
    """Whether `text` cites every name with a number that `name` holds, however each is written
    ("l'article 9" cites "Article 9"; "Article 8" does not)."""
    wanted, found = name_keys(name), set(name_keys(text))
    return bool(wanted) and all(key in found for key in wanted)
