"""The router's patterns: each signal one regular expression over folded text (engines.router.fold)."""

from __future__ import annotations

import re


def rx(*parts: str) -> re.Pattern[str]:
    """One pattern that matches any of `parts` (each a pattern over folded text)."""
    return re.compile("|".join(parts))


# a first-person ask to do something ("how can I", "help me", "je veux")
ASKS_EN = r"how (do|can|could|should) (i|we)|how to|help (me|us)|show (me|us)|teach me|(best |a |another )?ways? to|" \
    r"(a |the )?(method|trick|tips?) (to|for)|tell me how|i want to|we want to|i need to|we need to|" \
    r"i have to|we have to|let's|is there (a|any) way to|any way to|(wants|asked|told|needs) (me|us) to"
ASKS_FR = r"comment|aide[- ]moi|aidez[- ]nous|je veux|on veut|je dois|on doit|(un|le) moyen (de|d')|" \
    r"(veut|demande|exige) (que je|qu'on|que nous)|m'a demande (de|d')|" \
    r"(une|la|des) (meilleure |bonne |plus simple |plus sure )?(methode|technique|astuce|facon|maniere|" \
    r"combine)s? (pour|de|d')"
# an order or an ask, where a sentence starts: "Tell the bank…", "please book…", "help me put…"
ORDER_EN = r"(^|[.;:!?]\s*|\bplease |\bjust |\b(" + ASKS_EN + r") )"
# where a French order starts a sentence: "Ajoute…", "… . Coche…", "merci de …"
ORDER_FR = r"(^|[.;:!?]\s*|\bmerci de )"
# up to 40 characters that hold no verb of one who detects, prevents or reports a wrong
GAP_EN = r"(?:(?!\b(?:detect|prevent|spot|identif|monitor|report|flag|investigat|recogni|surveil|catch|stop|avoid|" \
    r"combat|fight|tackle|deter|mitigat|escalat|explain|not to|never|don't|do not|against|remind|forbid|prohibit|" \
    r"ban\b|warn)).){0,40}"
GAP_FR = r"(?:(?!\b(?:detect|preven|repere|identifi|surveill|signal|lutt|empech|evit|combat|declar|explique|" \
    r"ne pas|jamais|interdi|rappel|contre|mettre en garde)).){0,40}"
