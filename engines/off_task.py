"""A further ask with nothing of finance in it (engines.router's mixed intent, without a list of subjects).

The router knows many everyday subjects by name ("a pizza", "the weather"), but a new one ("how often to
water a cactus", "a ski resort for February") is as off-task and no list holds them all. So a message is
cut where a further ask joins on — a new sentence, "and then", "also", "by the way", "au fait", "puis" —
and each part after the first is read: an ask (a verb that asks, a question word, a question mark) with
no word of finance or compliance in it, and no word that carries the task on ("it", "an example", "the
next steps", "la synthèse"), is a second, off-task ask when something marks it as everyday — a change of
subject said ("by the way"), the asker's own things ("my kitchen"), a wish for a recommendation, a
practical how-to, a thing to make. A further question on the subject in words no list here holds ("Et
comment fonctionne l'authentification forte ?") has no such mark and stays on the task. The first part
must be about finance for any of this to matter: a message about nothing financial has no task to mix
with.

Everything here sees folded text (engines.router.fold).
"""

from __future__ import annotations

import re

# Stems of finance and compliance words, English and French.
_STEMS = (
    r"risk|fraud|launder|sanction|transfer|transaction|payment|deposit|withdr|account|bank|client|customer|payee|"
    r"beneficiar|amount|money|fund|invest|portfolio|asset|liabilit|equit|stock|bond|loan|credit|debt|mortgage|"
    r"interest|ratio|capital\b|liquidit|leverag|solven|basel|regulat|complian|audit|report|disclos|invoice|ledger|"
    r"budget|revenue|profit|margin|valu|market|trading|trader|trade\b|derivativ|swap|hedg|insur|pension|salar|"
    r"suspic|alert|threshold|polic(y|ies)|procedur|control|governance|escalat|document|evidence|legal|supervis|"
    r"penalt|approv|reject|investigat|counterpart|merchant|exposure|collateral|covenant|default|provision|impair|"
    r"supplier|vendor|procure|contract|insider|manipulat|issuer|coupon|yield|spread|maturit|clearing|settle|"
    r"custod|broker|dividend|earning|ebitda|cash ?flow|goodwill|lease|amorti|depreciat|accrual|reconcil|payroll|"
    r"expense|fee|commission|costs?\b|costing|tax|inflation|currenc|crypto|bitcoin|stablecoin|token|wallet|iban|"
    r"swift|sepa|repo\b|repos\b|ccp|srep|icaap|ilaap|pillar|ucits|priips|aifmd|sfdr|esg|taxonom|csrd|mica\b|kyc|"
    r"aml|pep\b|peps\b|fatf|ofac|tracfin|fincen|whistle|conflict of interest|ethic|code of conduct|"
    r"board(?! games?)|committee|director|officer|manager|outsourc|resilien|incident|cyber|privacy|gdpr|breach|"
    r"inspect|financ|directive|pilier|bale\b|sa-ccr|ccr\b|rwa|psd\d|duration|convexit|titris|securiti[sz]|buffer|coussin|contracycli|"
    r"countercycli|cva\b|dva\b|xva\b|mrel|tlac|frtb|irrbb|ccyb|g-?sib|brrd|mifir|sftr|csdr|eltif|risque|blanchi|"
    r"virement|operation|paiement|depot|retrait|espece|comptes?\b|bancaire|banque|beneficiaire|montant|argent|fonds|"
    r"portefeuille|actif|passif|obligation|prets?\b|dette|hypothe|taux|liquidite|levier|solvabilit|reglement|"
    r"conformite|rapport|declar|impot|fiscal|facture|comptab|bilan|chiffre d'affaires|benefice|perte|valoris|"
    r"marches?\b|negoci|derive|couverture|assuran|retraite|salaire|soupcon|alerte|seuil|plafond|politique|controle|"
    r"gouvernance|conflict|conflit|dirigeant|dossier|justificatif|juridique|regle|regulateur|"
    r"superviseur|amende|bloqu|valid|rejet|enquete|vigilance|contrepartie|exposition|garantie|defaut|depreciation|"
    r"fournisseur|contrat|initie|emetteur|rendement|echeance|compensation|dividende|resultat|amortiss|loyer|frais\b|"
    r"couts?\b|devise|conseil d'administration|comite|responsable|fuite|remunerat|inducement|retrocession"
)
# Stems of the words an analyst goes on with the task in: "an example", "the next steps", "what would worry
# you", "la synthèse", "un tableau".
_TASK_STEMS = (
    r"validat|worr|concern|suspect|(your|ton|votre) (opinion|advice|take)|check|diligen|record|anything|something|"
    r"protect|profile|summar|synthes|memo|article|reference|source|example|detail|step|measure|action plan|"
    r"next step|explanation|overview|checklist|template|tables?\b|chart|graph|timeline|breakdown|difference|"
    r"compar|pros and cons|consequen|deadline|formula|calculat|figure|number|training|program\b|changement|"
    r"trac(e|er|abilit)|explication|apercu|modele|tableau|inquiet|escalad|verifi|exemple|etape|mesure|synthese|"
    r"resume|texte|liste|piece|comparai|consequence|delai|formule|calcul|chiffre|note (pour|au|de synthese)|"
    r"formation|programme|publi|frequen|periodicit|agenda|ordre du jour|minutes|compte rendu|invitation|meeting|"
    r"reunion|slides|deck"
)
# Whole words: short ones, which as stems would match too much.
_WORDS = (
    r"wire|pay|pays|paid|cash|card|cards|share|shares|rate|rates|ifrs|gaap|mifid|emir|dora|psd2?|vat|balance|"
    r"balances|loss|losses|price|prices|option|options|sars?|strs?|flag|flags|limit|limits|file|filing|law|laws|"
    r"rule|rules|fine|fines|score|level|block|freeze|ecl|var|stress|model|models|lcr|nsfr|cet1|mar|"
    r"dsp2|lcb|carte|cartes|action|actions|credit|tva|prix|loi|lois|amf|acpr|niveau|gel|ppe|"
    r"eba|esma|eiopa|ecb|bce|fca|pra|finra|bafin|abe|idd|dda|kid|dic"  # who rules, and what they require
)
FINANCE = re.compile(r"\b(" + _STEMS + r")|(?<![\w'])(" + _WORDS + r")(?![\w'])|[€$£]|\d+ ?(k|m|bn)\b")
# What carries the task on: the asker's own next move ("what should we do?", "par où commencer ?"), a
# judgement of what came before ("Is that a conflict?", "low, medium or high?", "Qu'en penses-tu ?").
_CONTINUES = (
    # the next move asked alone ("what should we do?", "how should I respond first?"), not a thing to do with one's
    # own ("what should I name my boat?")
    r"|\b(what|how|where|when) (should|must) (i|we) \w+( (first|next|now|then|it|this|that|them|about (it|this|"
    r"that)))?\s*[?.!]?$|\bwhat (do|can) (i|we) do\b|\bwhere (do|should) (i|we) "
    r"(start|begin)\b|\bshould (i|we) (do|file|report|escalate|block|freeze|worry|be (worried|concerned)|act|"
    r"respond|check|ask|flag|refuse|reject|accept|approve|proceed|contact|tell|treat|handle)\b|"
    r"^(is|was|are|were) (that|this|it)\b|\bwhat do you (think|make of|say)|"
    r"\b(low|medium|high|faible|moyen|eleve|consistent|coherent|normal|unusual|usual|preoccupant|inquietant|grave|"
    r"serious|acceptable)\b|\b(par ou|comment) (commencer|reagir|proceder|repondre)|"
    r"\b(dois-je|devons-nous|doit-on|faut-il)\b|\bqu'en (dis|penses|pensez)|^(est-ce|c'est)\b"
)
# ...or a word that stands for the task: "explain it", "explique-la", "qui doit la tenir", "comment s'en protéger"
ON_TASK = re.compile(FINANCE.pattern + r"|\b(" + _TASK_STEMS + r")|"
                     r"(?<![\w'])(it|its|them|they|their|one|ones|else|same|these|those|thoughts|"
                     r"view|ca|cela|celui|celle|ceux|s'en|que faire|avis|pense)(?![\w'])|-(le|la|les|lui|leur|en|y)\b|"
                     r"\b(je|tu|il|on|nous|vous|qui|doit|dois|faut|peut|peux) (la|le|les|l'|en)\b" + _CONTINUES)

# Words that say the subject changes; each joins a further ask on too.
_NEW_SUBJECT = r"by the way|btw|au fait|au passage|d'ailleurs|separately|et sinon|sinon"
# Fillers that carry no ask of their own, dropped before a part is read: "while you're at it" is no "it".
_FILLER = re.compile(r"\b(while you're at it|pendant que tu y es|" + _NEW_SUBJECT + r"|unrelated(ly)?|on another "
                     r"note|changing the subject|one more thing|oh|sans rapport|rien a voir)\b[,:]?")

# A word that joins a part on, left at its head when a new sentence starts with it: "? Et comment…"
_LEAD = re.compile(r"^((and|et|also|aussi|then|puis|ensuite|so|alors|after that|afterwards)\b[ ,]*)+")

# Where a further ask joins on. A new sentence or a word that says so may start a verbless question ("Au
# fait, une série à voir ce soir ?"); "plus" or "as well as" adds a thing to the ask ("…, plus a crochet
# pattern for a scarf"); after a bare "and"/"et" only a verb that asks starts one: "the difference
# between market manipulation and insider dealing under MAR?" is one question.
_JOINS = re.compile(  # spaces before a join word bounded: a run of them is no quadratic backtrack
    r"(?P<adds>,?\s{0,4}\b(plus|as well as|along with|together with|ainsi qu'|ainsi que)\b\s*)"
    r"|(?P<strong>(?<=[?.!;:])\s+|,?\s{0,4}\b(and then|then|and also|also|after that|afterwards|et ensuite|ensuite|"
    r"et puis|puis|et aussi|aussi|" + _NEW_SUBJECT + r")\b,?\s*)"
    r"|(?P<weak>,?\s{1,4}\b(and|et)\b,?\s+)")
_ADDED = re.compile(r"^(a|an|some|the|my|one|two|three|un|une|des|le|la|les|mon|ma|mes|quelques)\b")
_ASK_VERB = re.compile(
    r"^(please |s'il te plait,? )?(tell|give|suggest|recommend|help|find|show|explain|teach|write|make|pick|choose|"
    r"name|plan|book|send|translate|proofread|update|draft|order|come up|think of|what|which|where|who|how|when|"
    r"can you|could you|would you|is there|are there|any|do you|will|what's|"
    r"dis|donne|conseill|recommand|aide|trouve|montre|explique|apprends|ecri|fais|choisis|propose|organise|"
    r"reserve|quel|quelle|quels|quelles|ou |qui|comment|quand|peux-tu|pourrais-tu|tu (connais|aurais|as)|as-tu|"
    r"connais-tu|raconte|envoie|tradui|corrige|redige|une? idee|des idees)")


# What makes a finance-free ask an everyday one rather than a further question on the subject (which may
# use a word no list above holds: "Et comment fonctionne l'authentification forte ?"): a change of subject
# said (a _FILLER), the asker's own things, a wish for a recommendation, a practical how-to, a thing to make.
_EVERYDAY_MARK = re.compile(
    r"\b(my|mon|ma|mes)\b|"
    r"\b(recommend|suggest|best|good|nice|favou?rite|ideas?|choose|pick|find me|bon|bonne|bons|bonnes|meilleure?s?|"
    r"idees?|conseill\w*|choisi\w*|trouve-moi|tips?|tricks?|astuces?)\b|"
    r"\bhow (do|can|should|could) (i|we|you)\b|\bhow (often|long|much|many)\b.{0,30}\bto\b|\bhow to\b|"
    r"\bcomment (\w+er|\w+ir|\w+re)\b|\b(quel|quelle|quels|quelles|which|what) [\w-]+ (prendre|choisir|acheter|"
    r"regarder|lire|faire|voir|to (take|choose|buy|watch|read|pick|get|see))\b|\badvice on\b|"
    r"^(please )?(help me|write|draft|plan|book|translate|send|order|make|tell me a|give me a|come up|think of|"
    r"raconte|ecri|redige|tradui|envoie|reserve|organise|planifie|fais|donne-moi (un|une|des)\b)")


# A message that opens with a question on a subject: "Explain…", "How are…", "Qu'est-ce que…", "Résume…"
_QUESTION_ON = re.compile(r"^(please |can you |could you )?(explain|define|describe|summari[sz]e|walk me through|what|"
                          r"how|why|which|tell me about|give me an overview|qu'est-ce|c'est quoi|comment|explique|"
                          r"resume|decris|definis|quel|quelle|quels|quelles|pourquoi|que|qui|combien|quand)\b")


def _said(part: str) -> str:
    """A part without its fillers and the words that join it on: "Oh, and how long…" -> "how long…"."""
    return _LEAD.sub("", _FILLER.sub(" ", part).strip(" ,:—–-"))


def _parts(text: str) -> list[tuple[int, str, str]]:
    """The parts after the first: (where it starts, its text, how it joins on: "adds", "strong" or "weak").
    Joins with nothing between them are one ("? Oh, and how…", "? Et au fait, combien…")."""
    joins = list(_JOINS.finditer(text))
    parts, i = [], 0
    while i < len(joins):
        start, begin, kind = joins[i].start(), joins[i].end(), joins[i].lastgroup
        while i + 1 < len(joins) and not _said(text[joins[i].end():joins[i + 1].start()]):
            i += 1
            kind = "strong" if "strong" in (kind, joins[i].lastgroup) else kind
        end = joins[i + 1].start() if i + 1 < len(joins) else len(text)
        parts.append((start, text[begin:end].strip(), kind))
        i += 1
    return parts


def _asks(part: str, kind: str) -> bool:
    """Whether a part asks something: a verb that asks, a question after a new sentence or a word that says so,
    a thing added to the ask."""
    return bool(_ASK_VERB.search(part) or (kind == "strong" and part.endswith("?"))
                or (kind == "adds" and _ADDED.search(part)))


def off_task_ask(text: str) -> str | None:
    """The first further ask in `text` (folded) with nothing of finance in it, when what comes before it is
    about finance; None otherwise."""
    for start, part, kind in _parts(text):
        said = _said(part)
        # a thing added to the ask with nothing of finance in it is everyday by itself: "…, plus a crochet pattern"
        everyday = kind == "adds" or _FILLER.search(part) or _EVERYDAY_MARK.search(said)
        if len(said.split()) < 3 or not everyday or not _asks(said, kind) or ON_TASK.search(said):
            continue
        return said if FINANCE.search(text[:start]) else None
    return None


def about_finance_before(text: str) -> bool:
    """Whether `text` (folded) opens with a question on finance before a further ask joins on: "Explain
    duration and convexity, then suggest a board game" is a finance question with a second ask, whatever
    the rules of engines.router took the first part for; "Move my meeting with the compliance officer to
    Friday and remind me…" asks no question on finance."""
    parts = _parts(text)
    first = text[:parts[0][0]].strip() if parts else ""
    return bool(_QUESTION_ON.search(first) and FINANCE.search(first))
