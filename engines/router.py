"""System B's query router: four handling routes, deterministic and explainable.

Routes (contract in ARCHITECTURE.md):

- ``explicit_refusal``: the user asks for help to launder, structure, evade controls or sanctions,
  falsify or backdate documents, misstate accounts, pay or hide a bribe, impersonate someone or
  use their identity, deceive an auditor or a regulator, run a fraud scheme, manipulate a market,
  trade on inside information, hide assets from creditors, take over accounts, leak data, override
  the risk judgement, or get away with a wrong ("...without getting caught"). Checked first: a
  forbidden ask wins over everything else; a question about such a wrong ("How can we prevent
  spoofing?", "What counts as inside information under MAR?", "How do criminals launder money
  through real estate?") is no ask to commit it, unless the message also asks to act ("help me
  do the same", an order, "the best way to").
- ``mixed_intent``: a risk or compliance task plus a second, different ask in the same message:
  a verb that starts a task of its own ("...and write a poem"; not "...and recommend whether to
  escalate", whose object is the task's), or one that may go on with the task ("...and give me")
  followed by an everyday subject; an everyday word in the task itself ("a wire to a wedding
  planner") is none.
- ``transaction_risk``: assess a given transaction (fraud, AML, anomaly against history).
- ``governance``: policy, regulation, approvals, controls, audit, record-keeping, model governance,
  and general finance questions — no transaction judgement asked.

Each signal is a regular expression over accent-folded, lower-cased text (English and French),
with a weight and a short reason shown to the analyst. Confidence is a logistic function of the
margin between the winning route's score and the runner-up, so a query that only weakly matches
gets a low confidence. A query takes about 0.2 ms to classify.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

ROUTES = ("transaction_risk", "mixed_intent", "governance", "explicit_refusal")


@dataclass(frozen=True)
class RouteDecision:
    route: str
    confidence: float
    reasons: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"route": self.route, "confidence": round(self.confidence, 3),
                "reasons": list(self.reasons), "scores": dict(self.scores)}


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes, spell out ligatures: "Évalue l’opération" ->
    "evalue l'operation", "sœur" -> "soeur"."""
    text = text.replace("’", "'").replace("`", "'").replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae")
    text = unicodedata.normalize("NFKD", text.replace("Æ", "AE"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts))


# a first-person ask to do something ("how can I", "help me", "je veux")
_ASKS_EN = r"how (do|can|could|should) (i|we)|how to|help (me|us)|show (me|us)|teach me|(best |a |another )?ways? to|" \
          r"(a |the )?(method|trick|tips?) (to|for)|tell me how|i want to|we want to|i need to|we need to|" \
          r"i have to|we have to|let's|is there (a|any) way to|any way to"
_ASKS_FR = r"comment|aide[- ]moi|aidez[- ]nous|je veux|on veut|je dois|on doit|(un|le) moyen (de|d')|" \
           r"(une|la|des) (meilleure |bonne |plus simple |plus sure )?(methode|technique|astuce|facon|maniere|" \
           r"combine)s? (pour|de|d')"
# up to 40 characters that hold no verb of one who detects, prevents or reports a wrong
_GAP_EN = r"(?:(?!\b(?:detect|prevent|spot|identif|monitor|report|flag|investigat|recogni|surveil|catch|stop|avoid|" \
          r"combat|fight|tackle|deter|mitigat|escalat|explain)).){0,40}"
_GAP_FR = r"(?:(?!\b(?:detect|preven|repere|identifi|surveill|signal|lutt|empech|evit|combat|declar|explique)).){0,40}"

# (pattern, weight, reason) — patterns see folded text.
REFUSAL = [
    # verb forms only: "money laundering" as a noun belongs to risk assessments
    (_rx(r"\blaunder(s|ed)?\b", r"\bblanchi(r|ss)", r"\bclean (the |my |this )?(dirty |black )?(money|cash)",
         r"\bwash (the |my )?(money|cash)", r"\bnettoyer (l'|de l')?argent", r"\bdirty (money|cash)",
         r"\bargent (sale|noir)", r"\b(drug|criminal|stolen|illegal|bribe) (money|cash|proceeds|funds)",
         r"\blooks? like (a |an )?(legitimate|legit|clean|normal|consulting|business|genuine)\b",
         r"\b(argent|fonds|gains) (de la drogue|illegaux|voles|du trafic)",
         r"\bpasser pour (des|un|une) (honoraires|revenus|facture)",
         # "a plan to layer €300k through three exchanges"
         r"\b(" + _ASKS_EN + r"|plan to|give me|show me)\b.{0,40}\blayer(ing)?\b.{0,30}(\d|€|\$|£|money|funds|cash|"
         r"proceeds)"), 3.0,
         "asks for help laundering money"),
    (_rx(r"\b(split|break up|divide|structure|smurf)\w*\b.{0,60}\b(deposit|cash|payment|transfer)s?",
         r"\b(decoup(?!age)|fractionn(?!ement)|divis(?!ion))\w*\b.{0,60}\b(depot|especes|versement|virement)",
         r"\b(below|under|sous) (the |le )?(reporting |declaration )?(threshold|seuil)",
         r"\b(avoid|escape|dodge|without)\b.{0,30}\b(report|declar|flag|detect)",
         r"\b(ne (le )?declare pas|sans (etre )?declar|eviter (la|une) declaration)",
         # "Explique-moi comment faire passer du liquide sans le déclarer"; not "Peut-on transporter 5 000 € sans
         # les déclarer ?", a question on the rule
         r"\b(" + _ASKS_FR + r")\b.{0,80}\bsans (le |les |la |l')?(declarer|signaler)",
         r"\b(" + _ASKS_EN + r")\b.{0,80}\bwithout (declaring|reporting) (it|them|the cash|the money|the funds)"), 2.5,
         "asks how to avoid reporting (structuring)"),
    (_rx(r"\b(evade|circumvent|get around|bypass|dodge|skirt)\b.{0,40}\b(sanction|asset freeze|embargo)",
         r"\bsanction\w*\b.{0,60}\b(without|undetected|noticing|hide)",
         r"\b(contourn|echapp|evit)\w*\b.{0,40}\b(sanction|gel des avoirs|embargo)",
         r"\bsanctionne\w*\b.{0,60}\bsans (que|etre)",
         r"\bpays sanctionne\w*\b.{0,50}\bsans"), 3.0, "asks to evade sanctions"),
    (_rx(r"\b(" + _ASKS_EN + r"|write|draft|make)\b" + _GAP_EN + r"\bbackdat",
         r"\b(i need|we need|i want|we want|get me|give me|prepare|produce|create|can you (make|write|draft|do))\b"
         r".{0,40}\bbackdated\b",
         r"\b(il me faut|il nous faut|j'ai besoin d'|fais-moi|prepare-moi|redige-moi)\b.{0,40}\bantidate",
         r"\b(" + _ASKS_FR + r"|ecris|redige|fais)\b" + _GAP_FR + r"\bantidat",
         r"\b(fake|forge|falsif|fabricat|doctor|counterfeit|made[- ]up|invented|bogus|phony|phoney|sham)\w*\b.{0,40}"
         r"\b(invoice|document|statement|"
         r"record|contract|payslip|receipt|id\b|passport|bill|certificate|proof|letter|date|signature)",
         r"\b(fausse?s?|faux|falsifi|antidat|fabriqu|bidon|invente|trafique)\w*\b.{0,40}\b(facture|document|releve|"
         r"contrat|bulletin|justificatif|piece|attestation|certificat|date|signature|fiche|lettre|bilan|avis|"
         r"passeport|carte d'identite)"), 3.0,
     "asks to falsify documents"),
    (_rx(r"\b(pass|fool|trick|beat|get past|get around|bypass|circumvent|sidestep|skirt|cheat|game)\w*\b.{0,15}"
         r"\b(the )?(kyc|aml|compliance|"
         r"fraud|sanctions?) (check|control|screening|review|system)",
         r"\b(kyc|aml|compliance|fraud) (check|control|screening|review)s? "
         r"(pass|succeed)",
         r"\b(word|phrase|describe|label|name|write|disguise|format|reference)\w*\b.{0,60}"
         r"\bso (that )?.{0,40}\b(screening|monitoring|filter|software|system|algorithm|alerts?|compliance)\b.{0,15}"
         r"\b(miss(es)?|overlooks?|ignores?|(won't|doesn't|don't|can't|cannot|never|does not|will not) (catch|"
         r"flag|detect|spot|pick|notice|see))\b",
         r"\b(formul|libell|redig|decri|present|nomm|deguis)\w*\b.{0,60}"
         r"\bpour (que|qu')\b.{0,40}\b(filtrage|logiciel|systeme|controle|alerte|conformite)s?\b.{0,20}"
         r"\b(ne (le |la |les |l')?(voie|detecte|repere|signale|bloque)|rate|laisse passer)",
         r"\b(passer|tromper|contourner|dejouer)\w*\b.{0,15}\b(le|les|la)? ?"
         r"(controle|kyc|filtrage|verification)",
         r"\b(" + _ASKS_EN + r")\b.{0,60}\bwithout (going through |doing |passing |any |a |the )*(kyc|id checks?|"
         r"identity (checks?|verification)|aml checks?|verification)",
         r"\b(" + _ASKS_FR + r")\b.{0,60}\bsans (passer par |faire |aucun |aucune )?(le |de |les )?(kyc|controle "
         r"d'identite|verification d'identite|controles? lcb)"),
     2.5, "asks to defeat a control"),
    # "make the auditor believe", or an ask to mislead one; not "what happens if a firm misleads the regulator?"
    (_rx(r"\b(" + _ASKS_EN + r"|write|draft)\b" + _GAP_EN + r"\b(mislead|deceive|fool|trick|lie to)\b.{0,12}"
         r"\b(the |our )?(auditors?|regulators?|examiners?|inspectors?|supervisors?)",
         r"\b(make|makes|making) (the |our )?(auditors?|regulators?|examiners?|inspectors?) (believe|think)",
         r"\bfai\w* croire\b.{0,20}\b(a l'|aux? |au )(auditeur|commissaire|regulateur|controleur|inspecteur|"
         r"superviseur|acpr|amf)",
         r"\b(" + _ASKS_FR + r"|redige|ecris)\b" + _GAP_FR + r"\b(tromper|induire en erreur|berner|mentir a)\b"
         r".{0,12}\b(l'|les |le |la )?(auditeur|commissaire|regulateur|controleur|inspecteur|superviseur|acpr|amf)"),
     3.0, "asks to deceive an auditor or a regulator"),
    # a first-person ask to manipulate, not one to detect or prevent it ("How can we prevent spoofing?")
    (_rx(r"\b(" + _ASKS_EN + r")\b" + _GAP_EN + r"\b(spoof(ing)? (the |our |my )?(orders?|bids?|book|market)"
         r"|wash[- ]trad\w* (the |our |my |these |those )?(shares?|stocks?|tokens?|coins?)"
         r"|pump (up |and dump )?(the |our |my )?(price|stock|shares?|token|coin)|ramp (up )?(the )?(price|stock)"
         r"|manipulat\w* (the |a |its |their )?(share |stock |closing |market )?(price|market|stock|rate|benchmark|"
         r"fixing|index)|corner the market|push (up )?the (share |stock )?price)",
         r"\b(push|pump|ramp|drive|prop) (up )?(the )?(share |stock )?price (up )?\b.{0,30}"
         r"\bbefore (i|we) (sell|dump|exit|unload)",
         r"\b(" + _ASKS_FR + r")\b" + _GAP_FR + r"\b(manipuler (le |les |un |l')?(cours|marche|prix|indice|taux)"
         r"|faire monter (artificiellement )?le cours|gonfler (artificiellement )?le cours|passer des ordres fictifs)"),
     3.0, "asks to manipulate a market"),
    # an ask to misstate accounts, not a question on how auditors find it
    (_rx(r"\b(" + _ASKS_EN + r")\b" + _GAP_EN + r"\b(inflate|overstate|pad|fudge|massage|dress up|window-dress|"
         r"manipulate|bury|understate|hide) (the |our |my |its |these |this |that )?([\w-]+'s |q[1-4] |reported )?"
         r"(revenue|sales|turnover|earnings|profits?|"
         r"results|books|numbers|figures|accounts|losses|liabilities|debts?|inventory|stock|assets|receivables|"
         r"margins?)",
         r"\bcook(ing)? the books", r"\b(maquill|trafiqu|truqu)\w* (les |nos |ses )?(comptes|bilans?|chiffres)",
         r"\b(write|draft|prepare|word|phrase)\w*\b.{0,60}\b(hides?|hiding|conceals?|masks?|buries|bury|obscures?)\b"
         r".{0,25}\b(loss|losses|drawdown|deficit|liabilit\w*|debts?|impairment|write-?downs?)\b",
         r"\b(redige|ecris|prepare|formule)\w*\b.{0,60}\b(cache|masque|dissimule|minimise)\w*\b.{0,25}"
         r"\b(pertes?|deficit|dettes?|depreciation)",
         r"\b(" + _ASKS_FR + r")\b" + _GAP_FR + r"\b(gonfler|surevaluer|enjoliver|manipuler|minorer|"
         r"sous-evaluer|cacher|dissimuler) (artificiellement )?(le |les |la |nos |notre |ses |son )?(chiffre "
         r"d'affaires|ca|resultats?|comptes|benefices?|pertes|dettes|bilan|chiffres|revenus|stocks|inventaire|"
         r"actifs|creances|marges?)",
         # "how do I make the missing €40k look like a timing difference?"
         r"\b(make|making)\b.{0,40}\b(missing|shortfall|loss|losses|gap|hole|deficit|theft|fraud|bribe|kickback|"
         r"cash|funds|money|payment|transfer)\b.{0,30}\b(look|appear|seem) (like|as|legitimate|normal)",
         r"\bfaire (passer|croire)\b.{0,40}\b(manque|trou|ecart|perte|detournement)\b"), 3.0,
     "asks to misstate the accounts"),
    (_rx(r"\b(" + _ASKS_EN + r")\b" + _GAP_EN + r"\b(bribe|pay off|grease|kick ?back|backhander|pay (a |the |some )?"
         r"(customs |tax |government |public |local |port |city |police )?(official|officer|inspector|minister|judge|"
         r"civil servant|clerk|customs))",
         r"\b(record|book|enter|show|present|disguise|pass|invoice)\w*\b.{0,40}\b(as|like) (a |an )?(consulting|"
         r"advisory|marketing|commission|service|introduction) (fee|payment|expense|invoice|cost)",
         r"\b(" + _ASKS_FR + r")\b" + _GAP_FR + r"\b(soudoyer|corrompre|graisser la patte|verser (un |des )?"
         r"pots?-de-vin|payer (un |le |les |des )?(douanier|fonctionnaire|agent public|inspecteur|juge|ministre|elu))",
         r"\b(comptabilis|enregistr|present|deguis|fai\w* passer|facture)\w*\b.{0,40}\b(comme|en|pour) (des |un |une )?"
         r"(honoraires|frais|commission|prestation)s? (de )?(conseil|consulting|service|marketing)"), 3.0,
     "asks to pay or hide a bribe"),
    (_rx(r"\b(write|draft|compose|send|create|craft|make)\w*\b.{0,60}\b(pretend\w* to be|posing as|impersonat\w*)\b",
         r"\b(so (that )?(i|we) can|to|help (me|us)|how (do|can) (i|we))\s+phish\b",
         r"\b(create|make|build|set up|open)\w*\b.{0,10}\bfake (linkedin |social media |online |twitter |x )?(profile|"
         r"account|persona|identity)",
         r"\b(write|draft|compose|send|create|craft|make|build)\w*\b.{0,30}\b(phishing|spoofed) (email|e-mail|message|"
         r"sms|text|page|site|website)",
         r"\b(ecri|redig|envo|compos|cree|fabriqu|fai)\w*\b.{0,60}\b(en (me |te |se |nous )?faisant passer pour|"
         r"usurp\w*)",
         r"\b(ecri|redig|envo|compos|cree|fabriqu|fai)\w*\b.{0,30}\b(e-?mail|message|sms|page|site) de phishing",
         r"\bin (my \w+'s|someone else's|somebody else's|another person's|his|her|their) name\b.{0,80}"
         r"\bwithout (him |her |them |their |his )?(knowing|knowledge|consent|permission|telling)",
         r"\b(under|with|using) (a |an )?(fake|false|made[- ]up|assumed|invented|borrowed|stolen) (name|identity)",
         r"\b(sous|avec) (un |une )?(faux nom|fausse identite|nom d'emprunt|identite d'emprunt|autre identite)",
         r"\bau nom (de|d') (ma|mon|mes|quelqu'un|un tiers|une autre personne|un autre)\b.{0,80}"
         r"\bsans (qu'(il|elle|ils|elles) le (sache|sachent)|son accord|leur accord|son consentement|le lui dire)"),
     3.0, "asks to impersonate someone or use their identity"),
    # "tell me how to keep mine under the radar", "...sans qu'il voie que le bénéficiaire est mon associé"
    (_rx(r"\b(" + _ASKS_EN + r"|tell me how)\b.{0,60}\b(under|below) the radar\b",
         r"\b(" + _ASKS_EN + r"|tell me how)\b.{0,60}\boff the books\b",
         r"\b(" + _ASKS_FR + r"|dis-moi comment)\b.{0,60}\b(sous les radars|hors bilan en douce)",
         r"\b(" + _ASKS_EN + r")\b.{0,80}\bwithout (him|her|them|anyone|anybody|my boss|my manager) (seeing|noticing|"
         r"knowing|realising|realizing|finding out)",
         r"\b(" + _ASKS_FR + r")\b.{0,80}\bsans (qu'il|qu'elle|qu'ils|qu'elles|que personne|que mon (chef|patron|"
         r"manager)) (ne )?(le |la |les |l')?(voie|voient|sache|sachent|remarque|remarquent|s'en apercoive\w*|"
         r"s'en rende\w* compte|detecte|repere)"), 2.5, "asks to keep a wrong unseen"),
    (_rx(r"\b(" + _ASKS_EN + r"|explain how)\b.{0,60}\b(receive|collect|pay|hide|channel|route|pocket)\b.{0,20}"
         r"\b(kickbacks?|bribes?|backhanders?|secret commissions?)",
         r"\b(" + _ASKS_EN + r"|explain how)\b.{0,40}\b(set up|create|use|open)\b.{0,20}\bshell compan(y|ies)\b.{0,40}"
         r"\b(to|so)\b.{0,20}\b(hide|receive|collect|channel|launder|pocket|keep)",
         r"\b(" + _ASKS_FR + r")\b.{0,60}\b(encaisser|verser|payer|recevoir|cacher|toucher|faire transiter)\b.{0,20}"
         r"\b(des |les |de )?(commissions? occultes?|retro-?commissions?|dessous-de-table|pots?-de-vin)",
         r"\b(" + _ASKS_FR + r")\b.{0,40}\b(monter|creer|utiliser|ouvrir)\b.{0,20}\bsocietes? ecrans?\b.{0,40}"
         r"\bpour\b.{0,20}\b(cacher|encaisser|dissimuler|faire transiter|blanchir|toucher|recevoir)"), 3.0,
     "asks to take or hide kickbacks"),
    # a wrong described, then "help me do the same": the ask is to copy it
    (_rx(r"\b(launder\w*|fraudsters?|evad\w*|evasion|structuring|smurf\w*|brib\w*|forg(e|es|ed|ing|ery)|falsif\w*|"
         r"fake\w*|embezzl\w*|scam\w*|spoof\w*|manipulat\w*|insider trading|ponzi)\b.{0,200}"
         r"\b(help (me|us)|show (me|us) how to|teach (me|us) (how )?to|i want to|we want to|i'd like to|"
         r"so (that )?(i|we) can) (do|copy|replicate|try|pull off|repeat) (the same|it|that|this|them)\b",
         r"\b(blanchi\w*|fraudeurs?|contourn\w*|corrupt\w*|falsifi\w*|escroc\w*|escroq\w*|detourn\w*|delit d'initie)"
         r"\b.{0,200}"
         r"\b(aide[- ]moi a|aidez[- ]nous a|montre[- ]moi comment|je veux|on veut|pour que je puisse) (faire|copier|"
         r"reproduire|refaire) (pareil|de meme|la meme chose|comme eux|ca)\b"), 2.5,
     "asks to copy a wrong it describes"),
    # "...how do I do it without getting caught?": whatever "it" is, the ask is to get away with it
    (_rx(r"\b(" + _ASKS_EN + r")\b.{0,80}\bwithout (getting|being) (caught|found out|detected|noticed|flagged|traced)",
         r"\b(comment (je|j'|on|nous|puis-je|pourrais-je|faire|le faire|"
         r"(?!les |des |le |la |un |une )\w+(er|ir|re)\b)|aide[- ]moi|aidez[- ]nous|je veux|on veut|(un|le) moyen)\b"
         r".{0,80}\bsans (me faire|nous faire|se faire|etre) (prendre|pris|attrap\w*|pinc\w*|"
         r"reper\w*|coinc\w*|detect\w*|remarqu\w*)"), 2.5, "asks how to get away with a wrong"),
    (_rx(r"\b(" + _ASKS_EN + r"|explain)\b" + _GAP_EN + r"\b(run|set up|start|launch|operate|build)\w*\b.{0,20}"
         r"\b(ponzi|pyramid scheme|pump[- ]and[- ]dump|boiler room|advance[- ]fee)",
         r"\b(" + _ASKS_FR + r")\b" + _GAP_FR + r"\b(monter|lancer|organiser|mettre en place|faire tourner)\b.{0,20}"
         r"\b(ponzi|pyramid|systeme pyramidal|chaine de ponzi)"), 3.0, "asks to run a fraud scheme"),
    # an ask to use it, not a question on it ("What counts as inside information under MAR?")
    (_rx(r"\b(" + _ASKS_EN + r")\b" + _GAP_EN + r"\b(use|using|act on|acting on|trade on|trading on|profit from|"
         r"make money (on|from|with)|cash in on|benefit from)\b.{0,25}\b(insider|inside|non-?public) (information|"
         r"info|tip|knowledge)",
         r"\b((i|we) (have|got|received|heard|was given|were given)|(gave|passed|slipped|sent|told) (me|us))\b.{0,20}"
         r"\b(an? |some )?(insider|inside) (info|information|tip)\b.{0,80}\b(buy|sell|trade|short|options|position|"
         r"shares|stock|profit|cash in|make money)",
         r"\bwith (this|that|my|our|an?|the) (insider|inside) (info|information|tip|knowledge)\b.{0,60}"
         r"\b(buy|sell|trade|short|options|position|shares|stock)",
         r"\b(" + _ASKS_FR + r")\b" + _GAP_FR + r"\b(utiliser|profiter|exploiter|trader|jouer|miser)\w*\b.{0,30}"
         r"\b(informations? privilegiees?|tuyaux?|infos? d'initie)",
         r"\b(j'ai|on a|nous avons|j'ai eu|j'ai recu|on m'a donne)\b.{0,20}\b(une |des |un )?(informations? "
         r"privilegiees?|infos? privilegiees?|tuyaux?)\b.{0,80}\b(achet|vend|bourse|actions|position)",
         r"\b(buy|sell|trade|short|options?|shares|stock)\b.{0,60}\b(before|ahead of) (the )?(news|announcement|deal|"
         r"buyback|merger|takeover) (comes out|is out|is announced|is made public|goes public|breaks)\b",
         r"\b(will|is going to|plans to) announce\b.{0,80}\b(should|can|do) (i|we)\b.{0,30}\b(buy|sell|trade|short)",
         r"\b(va|vont) annoncer\b.{0,80}\b(dois-je|faut-il|devrais-je|puis-je)\b.{0,30}\b(acheter|vendre)",
         # one who knows a bid is coming: "buy the target's shares before the takeover is announced"
         r"\b(buy|sell|short|trade)\b.{0,60}\b(before|ahead of) the (takeover|merger|acquisition|bid|buyout|tender "
         r"offer) (is )?(announce|made public|goes public)",
         r"\b(achet|vend|shorter)\w*\b.{0,60}\bavant (l'annonce|que soit annonce\w*) (de l'opa|de la fusion|du "
         r"rachat|de l'offre|de l'acquisition|de l'ope)",
         r"\bbefore (it is|it's|they are|they're|"
         r"the (results|news) (are|is)) (made )?public\b",
         r"\b(leaked|early|advance|non-?public)\b.{0,40}\b(earnings|results|numbers|figures)\b.{0,60}"
         r"\b(trade|buy|sell|position|options)", r"\btrade on (non-?public|inside)",
         r"\b(friend|contact|someone|source|cousin|brother|sister|colleague|buddy)\b.{0,40}\b(told|tipped|"
         r"said|let slip|mentioned|informed)\b.{0,60}\b(merger|acquisition|takeover|buyout|bid|deal|earnings|"
         r"results|acquired|bought out|taken over|merging)\b.{0,80}\b(buy|sell|trade|short|stock|shares|options|"
         r"position)",
         r"\b(ami|amie|contact|quelqu'un|cousin|frere|soeur|collegue|pote)\b.{0,40}\b(m'a (dit|confie|"
         r"informe|prevenu|souffle|appris))\b.{0,60}\b(fusion\w*|rachat|rachete\w*|acquisition|acquise?|opa|offre|"
         r"resultats)\b.{0,80}"
         r"\b(achet|vend|actions|bourse|position)",
         # an insider trading ahead of the firm's own figures: "buy my own company's shares before our results"
         r"\b(buy|sell|short)\b.{0,60}\b(before|ahead of) (our|my company's|the company's|my firm's) (results|earnings|"
         r"figures|announcement)",
         r"\b(achet|vend)\w*\b.{0,60}\b(ma propre|notre|mon entreprise|ma societe)\b.{0,40}\bavant (nos|la publication "
         r"de nos|l'annonce de nos) (resultats|comptes|chiffres)",
         r"\bavant (leur |sa |la )?publication\b.{0,60}"
         r"\b(profit|achet|vend|bourse|trad)"), 3.0, "asks to trade on inside information"),
    (_rx(r"\b(get(ting)? into|access(ing)?|log(ging)? ?in(to)?|break(ing)? into|hack(ing)?|take over|"
         r"taking over|hijack(ing)?)\b.{0,40}\b(another|someone|"
         r"other|a different|my ex|his|her|their)\b.{0,30}\b(account|banking|login)",
         # customers' passwords a firm kept, used to log in as them
         r"\b(log\w*\s?in(to)?|access\w*|us(e|es|ing)|with)\b.{0,60}\b(passwords?|credentials|login details|pins?)\b"
         r".{0,15}\b(we|i) (stored|saved|kept|collected|harvested|captured|have on file)\b",
         r"\b(entrer|acceder|me connecter|pirater|prendre le controle)\b.{0,40}\b(compte|banque en "
         r"ligne|espace)\b.{0,30}\b(autre|quelqu'un|d'un client|de mon|de ma)",
         r"\b(compte|espace)\b.{0,20}\bd'un autre client",
         r"\b(use|using|with|steal|get|obtain|guess|crack|utiliser|avec|voler|obtenir|deviner|recuperer)\b.{0,12}"
         r"\b(password|passcode|pin|credentials|login details|mot de passe|code secret|identifiants)\b.{0,20}"
         r"\b(of a|of another|of my|of our|d'un|d'une|de mon|de ma|du|de notre|from a)\b.{0,10}"
         r"\b(client|customer|user|colleague|voisin|collegue)"), 3.0, "asks to take over an account"),
    (_rx(r"\b(export|send|give|leak|share|dump|extract|email|forward)\b.{0,40}\b(client|customer|"
         r"employee|user)s?\b.{0,30}\b(list|data|balance|record|file|detail|address|iban)",
         r"\b(export|envo|donn|partag|extrai|transmet|fuit)\w*\b.{0,50}\b(liste|donnees|fichier|"
         r"soldes|coordonnees)\b.{0,30}\b(clients?|salaries|employes)",
         r"\b(clients?|customers?|employees?|salaries)\b.{0,60}\b(gmail|hotmail|yahoo|personal (e-?mail|"
         r"address|account)|private (e-?mail|address)|boite perso|adresse perso|mail perso)",
         r"\b(home )?(addresses|phone numbers|emails|adresses|numeros)\b.{0,15}\b(of|de|des)\b.{0,25}"
         r"\b(clients|customers)",
         r"\b(give|send|tell|read|show|get|donne|envoie|dis|lis|montre|trouve)\w*\b.{0,30}\b(card number|"
         r"cvv|cvc|pin\b|security code|numero de (la )?carte|cryptogramme|code (secret|confidentiel|pin)|"
         r"mot de passe|password|credentials|login details|identifiants|codes d'acces)\b.{0,50}"
         r"\b(client|customer|user|holder|titulaire)"), 2.5,
         "asks to leak personal or internal data"),
    (_rx(r"\b(ignore|override|bypass|disregard|forget)\b.{0,30}\b(your|the|all)?\s*(risk|compliance|"
         r"aml|kyc)?\s*(rules|controls|policy|policies|instructions|judgement|judgment|checks)",
         r"\b(delete|remove|clear|close|dismiss|suppress)\b.{0,20}\b(the |this )?(alert|flag|alarm|case)\b",
         r"\b(supprime|efface|ferme|classe sans suite)\w*\b.{0,20}\b(l'|cette |le )?(alerte|signalement)",
         # "mark this alert as a false positive and close it, the client is the CEO's cousin"
         r"(^|[.;:!?]\s*|\bplease |\bjust |\bcan you |\bhelp me )(mark|classify|flag|label|close|clear|treat)\b.{0,30}"
         r"\bfalse positive\b.{0,80}\b(friend|cousin|brother|"
         r"sister|relative|family|ceo|director|boss|vip|favou?r|important client|don't (bother|check|look))",
         r"(^|[.;:!?]\s*|\bmerci de |\bpeux-tu |\baide-moi a )(classe|marque|clos|ferme|traite)r?\b.{0,30}"
         r"\bfaux positif\b.{0,80}\b(ami|cousin|frere|soeur|famille|"
         r"pdg|directeur|patron|vip|service)",
         r"\b(mark|classify|rate|flag|label)\b.{0,40}\b(as )?(low|no) risk\b.{0,60}\b(flagged|"
         r"suspicious|alert|anyway|regardless|no need to (look|check|review)|don't (bother|look|check)|"
         r"as a favou?r|friend of)",
         r"\b(ignore|oublie|contourne|desactive)\w*\b.{0,30}\b(tes|les|vos)?\s*(regles|controles|"
         r"consignes|instructions|procedures)",
         r"\b(classe|note|marque)\w*\b.{0,40}\b(en )?risque faible\b.{0,60}\b(signale|suspect|alerte|"
         r"quand meme|malgre|pas besoin de (regarder|verifier|l'examiner)|c'est un ami|un ami d)"), 2.5,
     "asks to override the risk judgement"),
    (_rx(r"\b(hide|conceal|disguise|obscure)\b.{0,40}\b(origin|source|beneficiar|owner|funds|money|"
         r"transaction|income|earnings|profits|revenue)", r"\b(cacher|dissimuler|masquer|camoufler)\b.{0,40}"
         r"\b(origine|provenance|beneficiaire|fonds|argent|revenus|gains|benefices)",
         r"\b(hide|conceal|keep)\b.{0,40}\bfrom (the )?(tax|irs|hmrc|revenue|authorities|regulator)",
         r"\b(cacher|dissimuler)\b.{0,40}\b(au fisc|aux impots|a l'administration|aux autorites)",
         # assets kept from those a court sends to collect them
         r"\b(" + _ASKS_EN + r")\b" + _GAP_EN + r"\b(hide|conceal|stash|squirrel away)\b.{0,40}\bfrom (the |my |"
         r"our |his |her )?(liquidators?|receivers?|administrators?|creditors|bankruptcy (trustee|court)|trustee|"
         r"bailiffs?)",
         r"\b(" + _ASKS_FR + r")\b" + _GAP_FR + r"\b(cacher|dissimuler|planquer|soustraire)\b.{0,40}\b(au |aux |du |"
         r"des |a mes |a nos )(liquidateur|"
         r"mandataire|administrateur judiciaire|creanciers|huissiers?)",
         r"\b(evade|dodge)\b.{0,15}\btax(es)?\b", r"\b(frauder|tromper) le fisc",
         r"\b(echapper|soustraire)\b.{0,10}\b(a l'impot|au fisc|aux impots)",
         # for the purpose: "so no one can trace it"; not "we cannot trace the origin of these funds"
         r"\b(so|so that|in order that)\b.{0,20}\b(no one|nobody|cannot|can't|won't|couldn't)\b.{0,12}"
         r"\b(trace|track|link|follow)(d|ed)?\b",
         r"\b(pour (que|qu')|afin (que|qu'))\b.{0,20}\b(ne (puisse|pourra|peut)|personne ne)\b.{0,20}"
         r"\b(retracer|tracer|remonter|suivre)\b",
         r"\b(so|so that|without)\b.{0,30}\b(tax|authorit|police|regulator|bank|compliance|audit|review|"
         r"screening|monitoring|examiner|supervisor|inspector)\w*\b.{0,25}"
         r"\b(never|not|doesn't|don't|won't|cannot|can't|does not|will not) (see|notice|know|find|trace|spot|catch|"
         r"detect|pick up|realise|realize)",
         # "...so they don't find the missing stock", "without the bank noticing"
         r"\b(auditors?|regulators?|examiners?|inspectors?|compliance|tax (office|authorit\w*)|police|bank)\b.{0,15}"
         r"\bso (that )?(they|he|she|it) (don't|doesn't|won't|can't|never|do not|will not) (find|see|notice|spot|"
         r"discover|catch|realise|realize|know)",
         r"\bwithout (the |our |their |my |any )?(bank|tax|authorit\w*|police|regulators?|compliance|auditors?|"
         r"screening|monitoring|supervisors?|examiners?|irs|hmrc)\b.{0,15}\b(noticing|knowing|finding out|seeing|"
         r"spotting|catching|detecting|flagging|realising|realizing)",
         r"\bpour (que|qu')\b.{0,10}\b(le fisc|les impots|l'administration|les autorites|la banque|la police|"
         r"la conformite|le controle|l'auditeur|les auditeurs|le regulateur|le commissaire|l'inspecteur)\b.{0,25}"
         r"\bne\b.{0,10}\b(voie|voient|sache|sachent|remarque|trouve|detecte|repere)",
         r"\b(hid(e|es|ing)|conceal\w*|mask\w*|obscur\w*|disguis\w*)\b.{0,10}\bwho (really |actually |ultimately |"
         r"truly )?(owns|controls|"
         r"is behind)",
         r"\b(cacher|dissimuler|masquer)\b.{0,10}\bqui (possede|detient|controle|est derriere)",
         r"\b(so|so that)\b.{0,10}\b(the )?(real|true|ultimate|beneficial) owners?\b.{0,10}\b(stays?|remains?|is kept|"
         r"are kept) (anonymous|hidden|secret|unknown)",
         r"\bpour (que|qu')\b.{0,10}\b(le )?(vrai|veritable|reel) (proprietaire|beneficiaire)\b.{0,20}"
         r"\b(reste|demeure)\w* (anonyme|cache|secret|inconnu)",
         r"\bsans que (le fisc|les autorites|la banque|la police|la conformite)\b.{0,20}\b(voie|sache|"
         r"remarque|trouve)"), 2.5, "asks to conceal funds or ownership"),
]

TRANSACTION = [
    (_rx(r"\b(this|the following|that|attached|below) (transaction|transfer|wire|payment|"
         r"card payment|deposit|withdrawal|operation)",
         r"\b(this|these|the following|attached|below) (card |account )?(activity|purchases|transactions|transfers|"
         r"payments|movements|flows|deposits|withdrawals|spending)\b",
         r"\b(ces|cette|cet) (activite|achats|transactions|operations|mouvements|flux|depots|retraits|virements|"
         r"paiements)\b",
         r"\b(cette|cet|la|le|ce) (transaction|virement|transfert|paiement|operation|depot|retrait)\b",
         r"\b(client|customer|account holder)\b.{0,20}\b(made|sent|received|deposited|withdrew|wired|transferred"
         r"|paid)\b.{0,40}\b(deposit|payment|transfer|wire|withdrawal|transaction|cash)",
         r"\bclient\b.{0,20}\b(a|ont) (fait|effectue|envoye|recu|depose|retire|vire|verse)\b"),
     2.0,
     "refers to a specific transaction"),
    # "flag anything unusual"; not the noun: "the red flags of trade-based laundering"
    (_rx(r"\b(assess|evaluate|rate|score|check|review|analy[sz]e|screen|flag(?!s\b))\w*\b.{0,40}\b(risk(?!"
         r" (appetite|management|framework|committee|policy|culture|register|tolerance))|fraud|unusual|odd\b|"
         r"suspicious(?! activity report)|laundering|aml)", r"\b(risk|fraud)\w* (of|for|in)\b.{0,30}\b(transaction|"
         r"transfer|wire|payment)",
         r"\b(evalue|analyse|verifie|controle|note|examine)\w*\b.{0,40}\b(risque|fraude|suspect|"
         r"blanchiment)", r"\brisque (de|d'une?|du|pour) .{0,30}(transaction|virement|paiement)"),
     2.0, "asks for a risk or fraud assessment"),
    (_rx(r"\b(is|does) (this|it|that)\b.{0,30}\b(suspicious|fraudulent|legit|normal|unusual|risky)",
         r"\b(est-ce|ce) .{0,30}(suspect|frauduleu|normal|inhabituel)",
         r"\b(is|could) (this|it|that) (be )?(structuring|smurfing|layering|money laundering|a (money )?mule|"
         r"a scam|fraud)", r"\b(est-ce|s'agit-il d'un|s'agit-il de) (du |un |une )?(fractionnement|"
         r"schtroumpfage|blanchiment|mule|escroquerie|fraude)",
         r"\bsuspicious activity(?! reports?)|\bred flags?\b|\banomal", r"\bsignaux d'alerte|\banormal|"
         r"\bsuspect(?!e?s? de soupcon)"),
     1.5, "asks whether activity is suspicious"),
    (_rx(r"\b(customer|client)'?s? (history|average|usual|profile|pattern)",
         r"\b(historique|habitudes|moyenne|profil) (du|de ce|de la) client"), 1.0,
     "compares with the customer's history"),
    (_rx(r"\bamount\b|\bmontant\b|\beur\b|\busd\b|€|\$"), 0.5, "mentions amounts"),
]

GOVERNANCE = [
    (_rx(r"\bpolic(y|ies)\b", r"\bpolitique", r"\bregulat", r"\breglement", r"\bdirective",
         r"\brequirements?\b", r"\bguidelines?\b", r"\blignes directrices", r"\borientations de l'",
         r"\brules?\b", r"\bregles?\b",
         r"\bcompliance (requirement|rule|framework|programme|program)",
         r"\bexigence", r"\bobligation"), 1.5, "asks about policy or regulation"),
    (_rx(r"\bapprov", r"\bsign[- ]?off", r"\bvalidat", r"\bcommittee", r"\bcomite",
         r"\bfour[- ]eyes", r"\bquatre yeux", r"\bsegregation of duties", r"\bseparation des taches"),
     1.5, "asks about approvals or controls"),
    (_rx(r"\baudit", r"\brecord[- ]?keeping", r"\bretention", r"\bretain", r"\bkeep (the )?records",
         r"\bconserv", r"\barchiv", r"\btrace", r"\bpiste d'audit", r"\bdocument(ation|er)\b"), 1.5,
     "asks about audit or record-keeping"),
    (_rx(r"\bmodel (risk|governance|validation|inventory)", r"\bgouvernance", r"\bgovernance",
         r"\b(risque|validation) de(s)? modele", r"\bai act\b", r"\bsr ?11-7",
         r"\b(language|scoring|credit) model", r"\bmodele (de|d') (langage|score|notation)"), 1.5,
     "asks about model governance"),
    # the signs of a wrong in general, no transaction to judge: "the typical red flags of trade-based laundering"
    (_rx(r"\b(typical|common|main|key|usual|classic|known|standard|most frequent)\b.{0,15}\b(red flags|warning signs|"
         r"indicators|typolog\w*|signs|patterns|schemes)", r"\btypologies?\b",
         r"\b(signaux d'alerte|indicateurs|indices|schemas)\b.{0,10}\b(typiques|courants|principaux|classiques|"
         r"frequents|habituels)", r"\b(principaux|grands) (signaux d'alerte|indicateurs|schemas)"), 1.5,
     "asks about the signs of a wrong in general"),
    # how often a control runs is a policy question, even of a "risk assessment" or a "high-risk customer"
    (_rx(r"\bhow (often|frequently)\b", r"\bat what (frequency|interval)", r"\ba quelle (frequence|periodicite)",
         r"\btous les combien", r"\bperiodicite\b"), 2.0, "asks how often a control runs"),
    (_rx(r"\brisk (appetite|management framework|framework|committee|culture|tolerance)", r"\bthe board\b",
         r"\bboard of directors", r"\bappetit (pour le|au) risque", r"\bconseil d'administration",
         r"\bicaap\b", r"\bilaap\b", r"\bcadre de gestion des risques"), 1.5, "asks about risk governance"),
    (_rx(r"\bkyc\b", r"\baml\b", r"\blcb-?ft\b", r"\bmifid", r"\bgdpr\b", r"\brgpd\b", r"\bdora\b",
         r"\bbasel", r"\bbale\b", r"\bfatf\b", r"\bgafi\b", r"\bsanctions? (list|screening|regime)",
         r"\bdue diligence", r"\bvigilance", r"\bbest execution", r"\bmeilleure execution",
         r"\bcontrols?\b", r"\bcontroles?\b", r"\bprocedure", r"\bcr[rd]\b", r"\bemir\b", r"\bsolvency",
         r"\bifrs", r"\blarge exposures?", r"\bgrands risques", r"\bpsd2\b", r"\bdsp2\b", r"\bmica\b",
         r"\b(suspicious (activity|transaction)|currency transaction) reports?\b", r"\bdeclarations? de soupcon",
         r"\btracfin\b", r"\bfincen\b", r"\bliquidity coverage", r"\bnet stable funding", r"\blcr\b",
         r"\bnsfr\b", r"\bleverage ratio", r"\bratio de (levier|liquidite)", r"\bcet ?1\b",
         r"\b(eba|esma|eiopa|ecb|bce|acpr|amf|fca|pra|finra|bafin|fsb|bis|bri)\b", r"\boutsourcing\b",
         r"\bexternalisation\b", r"\bpeps?\b", r"\btravel rule\b", r"\bpolitically exposed",
         r"\bpolitiquement expose", r"\bgel des avoirs", r"\basset freeze", r"\bembargo", r"\bsars?\b",
         r"\bstrs?\b"), 1.0,
     "names a regulatory framework"),
    (_rx(r"\bwhat (is|are|does)\b", r"\bhow (often|long|much|many)\b", r"\bwho (must|should|can)\b",
         r"\bexplain\b", r"\bdefine\b", r"\bqu'est-ce", r"\bcombien\b", r"\bquel(le)?s? (est|sont)",
         r"\bexplique", r"\bdefini", r"\bqui doit\b", r"\ba quelle frequence"), 0.5,
     "asks for an explanation"),
]

# what a verb writes when it is the task's own write-up: "summarise it", "draft a short note for the file"
_OWN_WRITE_UP_EN = (r"(?!\s+(it|this|that|them|these|those|the (findings|assessment|analysis|case|results?|answer|"
                    r"above|rationale)|(a |an |the )?(short |brief |quick |one-line )?(note|summary|memo|report|sar|"
                    r"str|rationale|justification|narrative|recap|write-?up|escalation)s?)\b)")
_OWN_WRITE_UP_FR = (r"(?!\s*-(la|le|les)\b|\s+(la|le|les) (synthese|analyse|conclusion|resultat|dossier)|\s+(une |la |"
                    r"un |le )?(courte |breve |petite )?(note|synthese|declaration|justification|conclusion|resume|"
                    r"rapport|memo|compte rendu)s?\b)")

# what a verb that may start a task of its own does when it goes on with this one: recommend whether
# to escalate, suggest the documents to ask for, send the article cited, translate the invoice to check
_SAME_TASK_EN = (r"(?!\s+(me |us )?(whether|if|how to (proceed|escalate|respond|handle|treat)|what (to do|to ask|"
                 r"to request|action|measures?|documents?|controls?|further|else|next)|which (actions?|measures?|"
                 r"documents?|controls?|options?|level|rating|escalation|route|checks?)|next steps|an? (action|"
                 r"measure|course|rating|level|escalation|control|mitigation|sar|str)|the (action|measures?|next|risk|"
                 r"level|rating|escalation|documents?|controls?|mitigations?|article|reference|source|text|link|rule|"
                 r"regulation|policy|summary|report|analysis|checklist|sar|str|findings)|(further |additional |"
                 r"enhanced |extra )?(documents|checks|controls|measures|due diligence|mitigations|steps|actions|"
                 r"questions|evidence)|(the |this |its |their |his |her )?(beneficiary's |client's |customer's |"
                 r"supplier's )?(invoice|contract|statement|document|wire instructions|payment reference)s?)\b)")
_SAME_TASK_FR = (r"(?!(-moi|-nous)?\s+(si|s'il|(quelle|quel|quelles|quels) (mesures?|actions?|documents?|"
                 r"justificatifs?|controles?|suites?|niveau)|comment (proceder|reagir|escalader|traiter)|"
                 r"les prochaines etapes|(une|des|la|les|"
                 r"le|l') ?(mesures?|actions?|controles?|diligences?|suites?|niveau|note|escalade|vigilance|"
                 r"justificatifs?|documents?|pieces?|texte|article|reference|source|lien|regle|synthese|liste|"
                 r"facture|contrat|releve|declaration)|(cette|ce) (facture|document|releve|contrat))\b)")

# Everyday subjects no compliance task is about (not words it uses too: "third party", a "cat bond",
# a "running balance", the "gaming" sector, a sanctions "régime", a "weekend" transfer).
_EVERYDAY_EN = r"restaurant|dinner|lunch|breakfast|cook|cooking|recipe|bake|baking|cake|pizza|pasta|dessert|cocktail|" \
    r"movie|film|series|tv show|netflix|podcast|song|lyrics|book to read|novel|gym|workout|jogging|marathon|fitness|" \
    r"yoga|holiday|vacation|hotel|road trip|plan a trip|itinerary|sightseeing|this weekend|things to do|wedding|" \
    r"birthday|weather|football|soccer|rugby|tennis|golf|champions league|world cup|premier league|nba|nfl|" \
    r"formula 1|olympics|horoscope|puppy|kitten|my (new )?(dog|cat|pet)|gaming laptop|laptop|video game|" \
    r"smartphone|headphones|guitar|piano|violin|knitting|gardening|fix my car|repair my car|my cv|my resume|" \
    r"cover letter|my homework|my essay|menu|vegetarian|vegan|meal plan|" \
    r"horses? (racing|race|should|to bet|to back)|derby|bet on|board game|bottle of wine|good wine|wine for|mascot"
_EVERYDAY_FR = r"restaurant|diner|dejeuner|cuisin\w*|recette|gateau|mayonnaise|crepes?|pizza|pates|dessert|cocktail|" \
    r"film|serie|netflix|podcast|chanson|paroles|livre a lire|roman|salle de sport|musculation|footing|" \
    r"course a pied|jogging|marathon|yoga|vacances|hotel|road trip|itineraire|ce week-end|idees de sortie|quel temps|" \
    r"mariage|anniversaire|meteo|temps qu'il fera|foot|football|rugby|tennis|golf|ligue des champions|" \
    r"coupe du monde|ligue 1|jeux olympiques|horoscope|chiot|chaton|mon (chien|chat)|ordinateur portable|" \
    r"jeu video|smartphone|guitare|piano|violon|tricot|jardinage|ma voiture|quel cheval|paris sportifs|parier|" \
    r"mon cv|mon curriculum|lettre de motivation|mes devoirs|ma dissertation|menu|vegetarien|vegan|vegetalien|" \
    r"cadeau|pot de depart|" \
    r"jeu de societe|bouteille de vin|bon vin|mascotte|serie policiere"

# a word that joins a further ask on, and up to 25 characters before its verb
_THEN_EN = r"\b(and|then|also|plus|as well)\b.{0,25}"
_THEN_FR = r"\b(et|puis|aussi|ensuite|egalement)\b.{0,25}"

# A second, different ask joined to the first one.
SECOND_ASK = [
    # A verb that starts a task of its own: "...and write a poem", "...puis réserve un vol" — not one whose
    # object is the task's own write-up: "...and summarise it", "...and draft a short note for the file"
    (_rx(_THEN_EN + r"\b(send|recommend|suggest|book|translate|create|buy|sell|order|plan|remind|update)\b"
         + _SAME_TASK_EN,
         _THEN_EN + r"\b(write|draft|compose|summari[sz]e)\b" + _OWN_WRITE_UP_EN,
         _THEN_FR + r"\b(envoie|recommande|conseille|propose|suggere|reserve|traduis|cree|achete|vend|planifie|"
         r"rappelle|mets a jour)\w*" + _SAME_TASK_FR,
         _THEN_FR + r"\b(ecri|redige|compose|resume)\w*" + _OWN_WRITE_UP_FR,
         # a change to an account: "...and raise my card limit", "...puis change le mot de passe du client"
         _THEN_EN + r"\b(raise|increase|change|lower|reset|update)\b.{0,30}"
         r"\b(limit|password|pin|overdraft|address)",
         _THEN_FR + r"\b(augmente|change|baisse|reinitialise|mets a jour)\b.{0,30}"
         r"\b(plafond|mot de passe|code|decouvert|adresse)"), 2.0,
     "adds a second, different request"),
    # A verb that may as well go on with the same task ("...and give me the risk level"): off-task only
    # with an off-task subject after it. "tell me if it is fraudulent" continues the task; "tell me
    # which stock" may not.
    (_rx(_THEN_EN + r"\b(tell me (?!if|whether)|give me|make|help me|find me|proofread|correct|fix|polish)\b",
         _THEN_FR + r"\b(dis-moi (?!si|s'il)|donne|fais|aide-moi|trouve|corrige|relis|reecris|"
         r"explique-moi comment|apprends-moi)",
         r"\b(write|tell|give|send|find|make|suggest|recommend)( me)? (also|too|as well)\b",
         r"\b(donne|ecris|dis|fais|propose|envoie|trouve|conseille|recommande)(-moi)? (aussi|egalement|en plus)\b"),
     1.0, "adds a further request"),
    # A second question on an everyday subject: "..., and what should I cook for dinner?" (not words
    # a compliance question uses too: a name "match", capital "flight", "gift" policies, "vol" as theft)
    (_rx(r"\b((and|also|then),? (what|which|where|who|how|can you|could you|will|is|are|do|does|should|any)|"
         r"by the way|btw|on another note|one more thing|on a different note|after that|afterwards|oh,? and|"
         r"incidentally|unrelated(ly)?|while you're at it)\b.{0,60}\b(" + _EVERYDAY_EN + r")\b",
         r"\b((et|puis|aussi),? (quel|quelle|quels|quelles|ou|comment|qu'|que|peux-tu)|au fait|rien a voir|"
         r"autre chose|au passage|d'ailleurs|et sinon|sinon|pendant que tu y es|petite question)\b.{0,60}"
         r"\b(" + _EVERYDAY_FR + r")\b"), 2.0,
     "asks a second, off-task question"),
    (_rx(r"\b(poem|joke|story|email|e-mail|letter|note(?! de)|tweet|stock tip|which stock|card limit|credit limit|"
         r"password|newsletter|" + _EVERYDAY_EN + r")\b",
         r"\b(the )?(match|game) (last night|yesterday|tonight)", r"\b(gift|present) (idea|for my)",
         r"\b(poeme|blague|histoire|courriel|e-mail|mail|lettre|quelle action|plafond|mot de passe|tweet|"
         r"" + _EVERYDAY_FR + r")\b",
         r"\b(le|du) match (d'hier|de ce soir|de demain)", r"\bidees? de cadeau", r"\bcadeau (pour|d'anniv)"),
     1.5,
     "the second ask is off-task"),
]

# A question about a wrong, asked to understand, teach or handle it: how others commit it, what it
# is, what it costs, whether it is allowed, what to do when a customer asks for it.
_OTHERS = r"(the )?(criminals?|fraudsters?|scammers?|(money )?launderers?|terrorists?|insiders?|employees?|staff|" \
    r"customers?|clients?|people|firms?|companies|banks?|traders?|they|someone|somebody|bad actors?|criminal " \
    r"(groups?|networks?)|gangs?|cartels?|kleptocrats?|mules?|sanctioned (\w+ )?(countries|states|entities|firms))"
ABOUT_A_WRONG = _rx(
    r"\bhow (do|does|did|can|could|would|might|are|is) " + _OTHERS + r"\b",
    r"\bhow (does|do|did) (a|an|the|this|these) [^.?!]{0,50}\bwork\b",
    r"\bwhat (is|are) (the )?(penalt|sanction|fine|punishment|consequence|legal|offen[cs]e|difference|definition|"
    r"meaning|rules?|signs?|red flags?|typolog|techniques|methods|risks? of)\w*",
    r"\bwhat (is|are) (a |an )?(structuring|smurfing|layering|money laundering|window dressing|[\w-]+ fraud|"
    r"money mules?|[\w-]+ scheme)\b",
    r"\bwhat (happens|happened) (if|when|to)\b", r"\bwhat are the (consequences|risks|penalties)\b",
    r"\bhow (can|do|should|could) (we|i|banks?|the bank|a bank|analysts?|auditors?|compliance) (best )?(detect|spot|"
    r"identify|prevent|stop|catch|monitor|flag|recogni[sz]e|find|investigate|tell)\b",
    r"\b(we|our \w+|the bank|audit|auditors|compliance|the regulator) (found|discovered|identified|uncovered|"
    r"detected|noticed|caught)\b",
    r"\bcomment (detecter|reperer|identifier|prevenir|empecher|lutter|surveiller)",
    r"\bcomment (peut-on|pouvons-nous|la banque peut-elle|les banques peuvent-elles) (detecter|reperer|identifier|"
    r"prevenir|empecher|surveiller)",
    r"\bque se passe-t-il (si|quand|lorsque)\b",
    r"\bwhy (is|are|do|does)\b", r"\b(is it|is this|are they|would it be) (legal|illegal|allowed|permitted|lawful|"
    r"an offen[cs]e|a crime)\b",
    r"\bwhat should (we|i|the bank|a bank|the analyst) do\b", r"\bhow (should|do|can) (we|i|the bank|a bank|banks) "
    r"(respond|react|handle|deal with|treat|reply|answer)\b",
    r"\b(for|in) (our|a|the) (training|awareness|course|workshop|presentation|deck|module)",
    r"\bcomment (les|des|un|une|le|la) [\w'-]+ (\w+ )?(utilisent|font|procedent|operent|blanchissent|contournent|"
    r"fonctionnent|s'y prennent|recrutent)", r"\bcomment fonctionne", r"\bqu'est-ce (que|qu'|qui)",
    r"\bquel(le)?s? (est|sont) (la |les |le |l')?(peines?|sanctions?|amendes?|difference|definition|regles?|signes|"
    r"signaux|techniques|methodes|typologies|risques)", r"\bpourquoi\b",
    r"\b(est-il|est-ce) (legal|illegal|interdit|autorise|permis)\b",
    r"\b(que faire|comment (reagir|repondre|traiter|gerer)|que doit faire)\b",
    r"\b(observe|releve|decrit|identifie)\w* par (le |la |l')?(gafi|fatf|tracfin|acpr|amf|eba|fincen)",
    r"\b(pour|dans) (notre|une|la) (formation|sensibilisation|presentation)")
# A first-person ask to act, which a question's framing does not excuse ("What is the best way to
# launder money?", "How do criminals do it? Show me how")
_DOING = _rx(r"\bhow (do|can|could|would) (i|we)\b(?! (respond|react|handle|deal|treat|reply|answer|report|escalate|"
             r"detect|spot|prevent|stop))",
             r"\bhow should (i|we)\b(?! (respond|react|handle|deal|treat|reply|answer|report|escalate|proceed))",
             r"\b(help (me|us)|show (me|us)|teach (me|us)|tell me how|walk me through|i want to|we want to|"
             r"i need to|we need to|i'd like to|i would like to|let's|is there (a|any) way|any way to|"
             r"(best|easiest|safest|quickest|cheapest|simplest) way|can you (write|draft|make|create|prepare|produce|"
             r"give me)|what (do|would) you (suggest|recommend|advise))\b",
             # an order: "Route it through Kazakhstan so compliance doesn't notice; what's the risk?"
             r"(^|[.;:!?]\s*)(route|move|send|wire|split|book|record|draft|write|make|create|forge|fake|hide|"
             r"set up|open|transfer|structure|prepare|change|delete|remove|mark|find me|get me|give me|fais|redige|"
             r"ecris|cree|cache|envoie|vire|decoupe|ouvre|supprime|efface|marque|trouve-moi|donne-moi)\b",
             # "...anyway, draft one for me"
             r"\b(draft|write|make|create|prepare|produce|do)\b.{0,12}\bfor (me|us)\b",
             r"\b(redige|ecris|fais|prepare|fabrique)[- ]?(moi|nous|la|le|les|en)?\b.{0,12}\b(pour (moi|nous))\b",
             r"\b(aide[- ]moi|aidez[- ]nous|je veux|on veut|je voudrais|tu me conseilles|vous me conseillez|"
             r"comment (je|j'|puis-je|pourrais-je|faire pour|"
             r"on peut|peut-on|pouvons-nous)|explique[- ]moi comment|dis[- ]moi comment|montre[- ]moi|un moyen de|"
             r"la meilleure (facon|methode|maniere))")


def _score(text: str, table) -> tuple[float, list[str]]:
    total, reasons = 0.0, []
    for pattern, weight, reason in table:
        if pattern.search(text):
            total += weight
            reasons.append(reason)
    return total, reasons


def _confidence(margin: float, evidence: float) -> float:
    """Logistic in the margin, damped when there is little evidence at all."""
    base = 1.0 / (1.0 + math.exp(-1.3 * margin))
    damp = 1.0 - math.exp(-evidence / 1.5)
    return round(max(0.25, min(0.99, 0.25 + (base - 0.25) * damp)), 3)


def _second_ask(text: str) -> tuple[float, list[str]]:
    """The score of a second ask: the joined asks (SECOND_ASK but its last), and an off-task subject
    after the first of them — "a wedding planner" in the task itself ("Check this wire to a wedding
    planner and give me the risk level") is no second ask."""
    joined, table = SECOND_ASK[:-1], SECOND_ASK[-1:]
    second, reasons = _score(text, joined)
    starts = [m.start() for pattern, _, _ in joined if (m := pattern.search(text))]
    if starts:
        off, off_reasons = _score(text[min(starts):], table)
        second, reasons = second + off, reasons + off_reasons
    return second, reasons


def classify(query: str, transaction: dict | None = None) -> RouteDecision:
    """Route a query (and optional transaction) to one of the four routes."""
    text = fold(query or "")
    refusal, r_reasons = _score(text, REFUSAL)
    tx, t_reasons = _score(text, TRANSACTION)
    gov, g_reasons = _score(text, GOVERNANCE)
    second, s_reasons = _second_ask(text)
    if refusal and ABOUT_A_WRONG.search(text) and not _DOING.search(text):
        refusal, r_reasons = 0.0, []  # a question about the wrong, not an ask to commit it
        g_reasons.insert(0, "asks about a wrong, not to commit one")
        gov += 1.0
    if transaction:
        tx += 2.5
        t_reasons.insert(0, "a transaction is attached")
    task = max(tx, gov)
    # A mixed request needs a real compliance task *and* a second ask with an off-task object or
    # verb; two risk questions joined by "and" stay one route.
    mixed = (second + min(task, 3.0)) if (second >= 2.0 and task >= 1.5) else 0.0
    scores = {"explicit_refusal": refusal * 1.6, "mixed_intent": mixed,
              "transaction_risk": tx, "governance": gov + 0.5}  # governance is the default
    route = max(scores, key=lambda k: scores[k])
    # Precedence, in order: a clear forbidden ask is refused whatever else the message says;
    # a compliance task with a second, off-task ask is mixed, however strong the task.
    if refusal >= 2.5:
        route = "explicit_refusal"
    elif mixed:
        route = "mixed_intent"
    top = scores[route]
    runner_up = max(v for k, v in scores.items() if k != route)
    reasons = {"explicit_refusal": r_reasons, "transaction_risk": t_reasons,
               "governance": g_reasons or ["no transaction or forbidden request: general/governance"],
               "mixed_intent": [*s_reasons, *(t_reasons if tx >= gov else g_reasons)[:2]]}[route]
    confidence = _confidence(top - runner_up, top)
    return RouteDecision(route=route, confidence=confidence, reasons=reasons[:4],
                         scores={k: round(v, 2) for k, v in scores.items()})
