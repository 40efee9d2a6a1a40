"""An ask to keep something from those who oversee it (engines.forbidden_asks; the router's refusals).

Whatever the wrong, an ask to do a thing "so the board doesn't see the arrears", "without the finance
team knowing" or "pour que la conformité ne le voie plus" asks to hide it from the ones whose job or
right is to see it: a regulator, an auditor, compliance, the risk team, the tax office, the bank, a
manager, the board, a notary, a curator, heirs, creditors. So the purpose alone is a signal, even when
the act is one no other rule knows. Those kept from seeing must be such overseers: a Chinese wall "so
the sales desk can't see research", card numbers masked "so support staff can't see them", a migration
"sans que les clients s'en aperçoivent" or a surprise "so she doesn't find out" hide nothing wrong.

Everything here sees folded text (engines.router.fold).
"""

from __future__ import annotations

from engines.patterns import ASKS_EN, ASKS_FR, rx

# Those whose job or right is to see: "the risk team", "my line manager", "the bank's monitoring", "HMRC"
_OVERSEERS_EN = (
    r"(the |my |our |his |her |their |its |an? )?([\w-]+'s )?(regulators?|supervisors?|auditors?|audit( team| "
    r"committee)?|internal audit|compliance( team| department| officer| review)?|risk( team| department| "
    r"function| committee)?|(credit|market|operational|liquidity) risk|tax (office|authorit(y|ies)|man|"
    r"inspectors?)|taxman|irs|hmrc|authorities|police|banks?|"
    r"monitoring( system| team)?|screening|(sanctions )?filters?|(line )?managers?|boss|directors?|board|ceo|cfo|"
    r"finance( team| department)?|accounts?( department| team)|accounting|controllers?|notary|executors?|heirs|"
    r"court|judge|liquidators?|receivers?|trustees?|creditors|fca|sec|amf|acpr|ecb|finra|sfo|inspectors?|"
    r"examiners?|head office|group)"
)
_OVERSEERS_FR = (
    r"(le |la |les |l'|mon |ma |mes |son |sa |ses |notre |nos )?(regulateur|superviseur|auditeurs?|audit( interne)?|"
    r"commissaires? aux comptes|conformite|service (conformite|comptable|des risques|juridique|financier)|"
    r"(direction|departement) des risques|comptabilite|controle( de gestion| interne)?|controleurs?( de gestion)?|"
    r"fisc|administration( fiscale)?|impots|autorites|police|banques?|acpr|amf|bce|tracfin|chef|patron|manager|"
    r"responsable|directeur|superieur|direction|conseil( d'administration)?|comite( des risques| d'audit| de credit| "
    r"des comptes)?|siege|notaire|curateur|tuteur|"
    r"heritiers|juge|tribunal|liquidateur|mandataire|creanciers)"
)
_NOTICE_EN = (r"(see|know|notice|find out|tell|spot|catch|trace|detect|realise|realize|work out|figure out|find|flag|"
              r"pick up)")
_NOTICE_FR = (r"(voie|voient|sache|sachent|remarque|remarquent|s'en apercoive\w*|s'en rende\w* compte|detecte|"
              r"detectent|repere|reperent|trouve|trouvent)")

KEPT_UNSEEN = (
    rx(r"\b(" + ASKS_EN + r"|tell me how)\b.{0,60}\b(under|below) the radar\b",
       r"\b(" + ASKS_EN + r"|tell me how)\b.{0,60}\boff the books\b",
       r"\b(" + ASKS_FR + r"|dis-moi comment)\b.{0,60}\b(sous les radars|hors bilan en douce)",
       # kept from an overseer: "…so the board doesn't see the arrears", "…without the finance team knowing"
       r"\bso (that )?" + _OVERSEERS_EN + r"\b.{0,10}\b(can't|cannot|won't|can not|will not|doesn't|does not|don't|"
       r"do not|never|isn't|aren't)\b.{0,15}\b" + _NOTICE_EN + r"\b",
       r"\bwithout " + _OVERSEERS_EN + r"\b.{0,10}\b(seeing|noticing|knowing|realising|realizing|finding out|spotting|"
       r"catching on|suspecting)\b",
       # "before the auditors see it" may only say when; "before the heirs notice" says why
       r"\bbefore " + _OVERSEERS_EN + r"\b.{0,10}\b(notices?|finds? out|realises?|realizes?|spots?|catches on)\b",
       r"\bsans (que|qu') ?" + _OVERSEERS_FR + r"\b.{0,20}\b(ne )?(le |la |les |l'|en )?" + _NOTICE_FR + r"\b",
       r"\bpour (que|qu') ?" + _OVERSEERS_FR + r"\b.{0,20}\bne (le |la |les |l'|en )?" + _NOTICE_FR + r"\b.{0,15}"
       r"\b(pas|plus|rien|jamais)\b",
       r"\bavant (que|qu') ?" + _OVERSEERS_FR + r"\b.{0,20}\b(ne )?(le |la |les |l'|en )?(s'en apercoive\w*|s'en "
       r"rende\w* compte|le sache\w*|le remarque\w*|le decouvre\w*)\b",
       # kept off the record or from an overseer's ears: "…just don't write it down", "don't mention it to credit risk"
       r"\b(don't|do not|never) (write|put|note|record|log) (it|this|that|anything) (down|in writing|on (the )?record|"
       r"in the (file|system|minutes|log))\b",
       r"\bkeep (it|this|that) (off the record|out of the (file|minutes|system|log|report))\b",
       r"\b(don't|do not|never) (mention|tell|say|report|show) (it|this|that|anything|a word)\b.{0,10}\bto "
       + _OVERSEERS_EN + r"\b",
       r"\b(don't|do not|never) (tell|inform|notify|alert|warn) " + _OVERSEERS_EN + r"\b",
       r"\b(ne|n') ?(le |l'|en )?(note|ecris|consigne|mentionne|signale|dis|parle)\w* (pas|rien|jamais)\b.{0,20}"
       r"\b(a|au|aux|dans) " + _OVERSEERS_FR + r"\b",
       # or from anyone, asked: "Could I take a little from the suspense account without anyone noticing?"
       r"\b(" + ASKS_EN + r"|could i|can i|could we|can we)\b.{0,80}\bwithout (him|her|them|anyone|anybody) (seeing|"
       r"noticing|knowing|realising|realizing|finding out)",
       r"\b(" + ASKS_FR + r"|pourrais-je|puis-je|pourrions-nous|pouvons-nous)\b.{0,80}\bsans (qu'il|qu'elle|qu'ils|"
       r"qu'elles|que personne) (ne )?(le |la |les |l')?" + _NOTICE_FR),
    2.5, "asks to keep a wrong unseen",
)
