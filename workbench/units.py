"""The units written right after a number: one list for reading the figures an answer states
(workbench.figures) and for telling a name's number from a figure (workbench.named_numbers:
"Tier 1 capital" names a tier, "Tier 1 at 14%" states 14%, "stage 2%" states 2%).

    %  · pour cent · per cent · percent · pc            a percentage
    bp · bps · pb · basis points · points de base       basis points
    k · m · mn · mm · mln · mio · bn · bln · md · mrd · a scale word, a currency sign before it
    tn · thousand · million · billion · milliard …      ("€2bn" after a number) or a currency
                                                        code run into it (12,4 MEUR, 850 KEUR)
"""

from __future__ import annotations

PERCENT = r"\s?(?:%|pour\s?cent|per\s?cent|percent|pc\b)"
BASIS_POINTS = r"\s?(?:bps?|pbs?|basis\s+points?|points?\s+de\s+base)\b"
_SCALE_WORDS = r"k|thousands?|milles?|mn|mm|mln|mio|m|millions?|bn|bln|billions?|mds?|mrd|milliards?|tn|trillions?"
_SCALE_ENDS = r"(?:(?:eur|usd|gbp|chf|jpy)\b|[€$£]|\b)"  # "12,4 MEUR", "1,2 Md€": the currency is the figure's
SCALE = r"\s?(?:[€$£]\s?)?(" + _SCALE_WORDS + ")" + _SCALE_ENDS  # the scale word its one group
SCALES = {"k": 1e3, "thousand": 1e3, "mille": 1e3, "mn": 1e6, "mm": 1e6, "mln": 1e6, "mio": 1e6, "m": 1e6,
          "million": 1e6, "bn": 1e9, "bln": 1e9, "billion": 1e9, "md": 1e9, "mrd": 1e9, "milliard": 1e9, "tn": 1e12,
          "trillion": 1e12}  # a scale word, without its plural's s, and its factor
# any unit, or a currency sign, right after a number (SCALE's group unused; compile with re.IGNORECASE)
ANY = r"(?:" + PERCENT + "|" + BASIS_POINTS + "|" + SCALE + r"|\s?[€$£])"
