"""Numbers that are part of a name, no figure of their own: an answer that cites "IFRS 9" or "the
CAC 40" states no 9 and no 40, and the other answer does not differ from it by leaving them out.

    Article 8 · art. 9 · FATF Recommendation 16 · Articles 8 and 9     an article, a rule, a section
    Stages 1, 2 and 3 · Stages 1–3 · Articles 8 to 10 · Articles 8, 9  several of them
    L.561-15 · R. 561-38 · (EU) 2016/679 · 2014/65/EU · No 575/2013    a code's article, an act
    IFRS 9 · IAS 39 · AMLD 6 · Tier 1 · Stage 2 · Pillar 2 · Level 3   a standard, a tier, a stage
    BCBS 239 · Principle 7 · Schedule 2                                a standard's principle, a schedule
    AMLD5 · PSD2 · IFRS9                                               a standard joined to its number
    CAC 40 · S&P 500 · FTSE 100 · Nikkei 225                           an index
    10-K · 8-K · 20-F · COVID-19                                       a filing, the pandemic
    31 CFR 1010.311 · 12 U.S.C. 1829b · § 5318                         a United States code's section
    paragraph 5.5.3 · section 4.2                                      a paragraph numbered in parts

The number after such a word is a name's only when it is whole and no unit follows it: "Tier 1
capital" names a tier, "stage 2%" states a figure. "Level" is a name with a capital only ("Level 3
assets"), "niveau" after "de" or "en" only ("actifs de niveau 3", "classé en niveau 2"): a "level 3" or
"niveau 3" in running text may be a score.
"""

from __future__ import annotations

import re

from workbench import units

_WORDS = (
    r"articles?|art\.|recommendations?|recommandations?|rules?|règles?|sections?|paragraphs?|paragraphes?|alinéas?|"
    r"annex(?:es)?|annexes?|chapters?|chapitres?|tiers?|stages?|stades?|pillars?|piliers?|categor(?:y|ies)|"
    r"catégories?|principles?|principes?|(?-i:Schedules?)|ifrs|ias|ifric|asc|amld|psd|dsp|crd|crr|mifid|ucits|opcvm|"
    r"bcbs|"
    r"cac|dax|mdax|sbf|ftse|s&p|stoxx|nasdaq|nikkei|russell|ibex|asx|tsx|bel|psi|nifty"
)
# a plural name word and its singular: what follows it is a list even without "and" ("Articles 8, 9, 10")
PLURALS = {"articles": "article", "recommendations": "recommendation", "recommandations": "recommandation",
           "rules": "rule", "règles": "règle", "sections": "section", "paragraphs": "paragraph",
           "paragraphes": "paragraphe", "alinéas": "alinéa", "annexes": "annex", "chapters": "chapter",
           "chapitres": "chapitre", "stages": "stage", "stades": "stade", "pillars": "pillar", "piliers": "pilier",
           "categories": "category", "catégories": "catégorie", "tiers": "tier", "principles": "principle",
           "principes": "principe"}
_PLURALS = "|".join(PLURALS) + "|(?-i:Levels)"
# the standards written joined to their number too: "AMLD5", "PSD2"
JOINED_STANDARDS = "ifrs|ias|ifric|amld|psd|dsp|crd|crr|ucits|opcvm"
_NAMED = re.compile(
    r"(?<![\w.,])(?:" + _PLURALS + r")\s+\d{1,4}(?:,\s?\d{1,4})+(?:,?\s(?:and|et|or|ou|&)\s\d{1,4})?"
    r"(?![\d.,]?\d|" + units.ANY + ")"
    r"|(?<![\w.,])(?:" + _WORDS + r"|(?-i:Level)|(?<=de |en )niveau)\s+\d{1,4}"
    # more of them: "Articles 8 and 9", "Stages 1, 2 and 3", "Stages 1–3", "Articles 8 to 10" (a
    # comma only in a list that "and" or "or" ends: "Article 8, 12 months after" states 12)
    r"(?:(?:,\s?\d{1,4})*,?\s(?:and|et|or|ou|&)\s\d{1,4}|\s?[–-]\s?\d{1,4}|\s(?:to|à)\s\d{1,4})?"
    r"(?![\d.,]?\d|" + units.ANY + ")"
    # a standard's paragraph or a section numbered in parts: "paragraph 5.5.3" of IFRS 9, "section 4.2"
    r"|(?<![\w.,])(?:paragraphs?|paragraphes?|sections?)\s+\d{1,3}(?:\.\d{1,3}){1,3}(?![\d.,]?\d|" + units.ANY + ")"
    r"|(?<![\w.])(?-i:[LRD])\.?\s?\d{1,4}(?:-\d+)+"  # a French code's article: L.561-15
    r"|(?<![\w./])(?:19|20)\d\d/(?:\d{3,4}|\d{1,2}/(?:EU|UE|CE|EC|EEC|CEE))(?![\w/])"  # an act: 2016/679, 2014/65/EU
    r"|(?:\bNo\.?|n°|nº)\s?\d{1,4}/(?:19|20)\d\d(?![\w/])"  # an act: No 575/2013
    r"|(?<![\w-])(?:10|8|6|20|40)-[KQF]\b"  # a filing: 10-K
    r"|(?<![\w.,])\d{1,2}\s(?:CFR|C\.F\.R\.|U\.S\.C\.|USC)\s?(?:§+\s?)?\d+(?:\.\d+)*"  # US code: 31 CFR 1010.311
    r"|§+\s?\d+(?:\.\d+)*"  # a section: § 1010.311
    r"|(?<![\w.])(?:" + JOINED_STANDARDS + r")\d{1,2}\b"  # joined to its number: AMLD5, PSD2
    r"|\bcovid-19\b",
    re.IGNORECASE)


def blank_names(text: str) -> str:
    """`text` with each number that is part of a name written over with spaces (every other
    character in its place)."""
    return _NAMED.sub(lambda m: " " * len(m[0]), text)


def named(text: str) -> list[tuple[str, int, int]]:
    """The names with a number in `text`, as it writes them, with where (start, end), in order
    ("IFRS 9", "Articles 8 and 9", "L.561-15")."""
    return [(m[0], m.start(), m.end()) for m in _NAMED.finditer(text)]
