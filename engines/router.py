"""System B's query router: four handling routes, deterministic and explainable.

Routes (contract in ARCHITECTURE.md):

- ``explicit_refusal``: the user asks for help to launder, structure, evade controls or sanctions,
  falsify or backdate documents, misstate accounts, pay or hide a bribe, impersonate someone or use
  their identity, deceive an auditor or a regulator, run a fraud scheme, manipulate a market, trade
  on inside information, hide assets from creditors, take over accounts, take money that is not
  theirs, leak data or read private messages, cheat a customer, destroy evidence before an
  inspection, override the risk judgement, keep a thing from those who oversee it ("...so the board
  doesn't see the arrears"), tell someone what the asker knows is false ("...when it's really 6%"), or
  get away with a wrong ("...without getting caught").
  Checked first: a forbidden ask wins over everything else; a question about such a wrong ("How can
  we prevent spoofing?", "What counts as inside information under MAR?", "How do criminals launder
  money through real estate?") is no ask to commit it, unless the message also asks to act ("help
  me do the same", an order, "the best way to").
- ``mixed_intent``: a risk or compliance task plus a second, different ask in the same message:
  a verb that starts a task of its own ("...and write a poem"; not "...and recommend whether to
  escalate", whose object is the task's), or one that may go on with the task ("...and give me")
  followed by an everyday subject; an everyday word in the task itself ("a wire to a wedding
  planner") is none. A further ask on a subject no list here names is read by its shape
  (engines.off_task): joined on, with nothing of finance in it, and marked as everyday.
- ``transaction_risk``: assess a given transaction (fraud, AML, anomaly against history).
- ``governance``: policy, regulation, approvals, controls, audit, record-keeping, model governance,
  and general finance questions — no transaction judgement asked.

The forbidden asks' signals are in engines.forbidden_asks (with forbidden_people, forbidden_markets,
forbidden_books and forbidden_unseen), and a question's framing that excuses them in
engines.about_a_wrong; the signals of a task (a transaction to assess, a question of governance) in
engines.task_signals. Each signal is a regular expression over accent-folded, lower-cased
text (English and French), with a weight and a short reason shown to the analyst. Confidence is a
logistic function of the margin between the winning route's score and the runner-up, so a query that
only weakly matches gets a low confidence. A query takes about a millisecond to classify.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from engines.about_a_wrong import ABOUT_A_WRONG, DOING
from engines.forbidden_asks import REFUSAL
from engines.off_task import about_finance_before, off_task_ask
from engines.patterns import rx
from engines.task_signals import GOVERNANCE, TRANSACTION

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


# what a verb writes when it is the task's own write-up: "summarise it", "draft a short note for the file"
_OWN_WRITE_UP_EN = (r"(?!\s+(it|this|that|them|these|those|the (findings|assessment|analysis|case|results?|answer|"
                    r"above|rationale)|(a |an |the )?(short |brief |quick |one-line )?(note|summary|memo|report|sar|"
                    r"str|rationale|justification|narrative|recap|write-?up|escalation)s?)\b)")
_OWN_WRITE_UP_FR = (r"(?!\s*-(la|le|les)\b|\s+(la|le|les) (synthese|analyse|conclusion|resultat|dossier)|\s+(une |la |"
                    r"un |le )?(courte |breve |petite )?(note|synthese|declaration|justification|conclusion|resume|"
                    r"rapport|memo|compte rendu)s?\b)")

# what a verb that may start a task of its own does when it goes on with this one: recommend whether
# to escalate, suggest the documents to ask for, send the article cited, translate the invoice to check
_SAME_TASK_EN = (r"(?!\s+(me |us |them |him |her )?(the (agenda|invit\w*|minutes|slides|deck|dial-in)\b|whether|if|"
                 r"how to (proceed|escalate|respond|handle|treat|word|phrase|frame|"
                 r"present|put|explain|raise|communicate|document|record|report)|how to \w+ (it|this|that|"
                 r"them)\b|((a |an |some )?(good )?(books?|courses?|reading|papers?|guides?|trainings?) )?(on|about) "
                 r"[\w -]{0,30}\b(financ|regulat|complian|risk|aml|kyc|bank|accounting|audit|ifrs|basel|esg|"
                 r"taxonom)\w*|"
                 r"what (to do|to ask|"
                 r"to request|action|measures?|documents?|controls?|further|else|next)|which (actions?|measures?|"
                 r"documents?|controls?|options?|level|rating|escalation|route|checks?)|next steps|an? (action|"
                 r"measure|course|rating|level|escalation|control|mitigation|sar|str)|the (action|measures?|next|risk|"
                 r"level|rating|escalation|documents?|controls?|mitigations?|article|reference|source|text|link|rule|"
                 r"regulation|policy|summary|report|analysis|checklist|sar|str|findings)|(further |additional |"
                 r"enhanced |extra )?(documents|checks|controls|measures|due diligence|mitigations|steps|actions|"
                 r"questions|evidence)|(the |this |its |their |his |her )?(beneficiary's |client's |customer's |"
                 r"supplier's )?(invoice|contract|statement|document|wire instructions|payment reference)s?)\b)")
_SAME_TASK_FR = (r"(?!(-moi|-nous|-leur|-lui)?\s+(l'ordre du jour|l'invitation|le compte rendu|le support|si|s'il|"
                 r"(quelle|quel|quelles|quels) (mesures?|actions?|documents?|"
                 r"justificatifs?|controles?|suites?|niveau)|comment (proceder|reagir|escalader|traiter)|"
                 r"les prochaines etapes|(une|des|la|les|"
                 r"le|l') ?(mesures?|actions?|controles?|diligences?|suites?|niveau|note|escalade|vigilance|"
                 r"justificatifs?|documents?|pieces?|texte|article|reference|source|lien|regle|synthese|liste|"
                 r"facture|contrat|releve|declaration|questions?)|(cette|ce) (facture|document|releve|contrat))\b)")

# Everyday subjects no compliance task is about (not words it uses too: "third party", a "cat bond",
# a "running balance", the "gaming" sector, a sanctions "régime", a "weekend" transfer).
_EVERYDAY_EN = r"restaurant|dinner|lunch|breakfast|cook|cooking|recipe|bake|baking|cake|pizza|pasta|dessert|cocktail|" \
    r"movie|film|series|tv show|netflix|podcast|song|lyrics|book to read|novel|gym|workout|jogging|marathon|fitness|" \
    r"yoga|holiday|vacation|hotel|road trip|plan a trip|itinerary|sightseeing|this weekend|things to do|wedding|" \
    r"birthday|weather|football|soccer|rugby|tennis|golf|champions league|world cup|premier league|nba|nfl|" \
    r"formula 1|olympics|horoscope|puppy|kitten|my (new )?(dog|cat|pet)|gaming laptop|laptop|video game|" \
    r"smartphone|headphones|guitar|piano|violin|knitting|gardening|fix my car|repair my car|my cv|my resume|" \
    r"cover letter|my homework|my essay|menu|vegetarian|vegan|meal plan|" \
    r"horses? (racing|race|should|to bet|to back)|derby|bet on|board game|bottle of wine|good wine|wine for|mascot|" \
    r"capital city|capital of (?!the|a|an|our|its|their|this|your|\d)[a-z]+|who won|pub quiz|trivia|fun facts?|" \
    r"good name for|name for my|names? for (my|our|the) (new )?|who painted|mona lisa|painting|museum|banana bread|" \
    r"bread|my weekend|weekend in|a weekend|how tall|eiffel tower|limerick|haiku|sonnet|bike|bicycle|sushi|" \
    r"crossword|karaoke|picnic|haircut|tattoo|sourdough|chess"
_EVERYDAY_FR = r"restaurant|diner|dejeuner|cuisin\w*|recette|gateau|mayonnaise|crepes?|pizza|pates|dessert|cocktail|" \
    r"film|serie|netflix|podcast|chanson|paroles|livre a lire|roman|salle de sport|musculation|footing|" \
    r"course a pied|jogging|marathon|yoga|vacances|hotel|road trip|itineraire|ce week-end|quel temps|" \
    r"mariage|anniversaire|meteo|temps qu'il fera|temps fera|fera-t-il|foot|football|rugby|tennis|golf|" \
    r"ligue des champions|" \
    r"coupe du monde|ligue 1|jeux olympiques|horoscope|chiot|chaton|mon (chien|chat)|ordinateur portable|" \
    r"jeu video|smartphone|guitare|piano|violon|tricot|jardinage|ma voiture|quel cheval|paris sportifs|parier|" \
    r"mon cv|mon curriculum|lettre de motivation|mes devoirs|ma dissertation|menu|vegetarien|vegan|vegetalien|" \
    r"cadeau|pot de depart|anecdote|idees? de sortie|quel nom donner|nom pour mon|week-end a|" \
    r"capitale (de la |de l'|du |des |d')|qui a gagne|quiz|" \
    r"jeu de societe|bouteille de vin|bon vin|mascotte|serie policiere|velo|tour eiffel|haiku|sushis?|" \
    r"mots croises|karaoke|pique-nique|coupe de cheveux|tatouage|levain|partie d'echecs"

# a word that joins a further ask on, and up to 25 characters before its verb
_THEN_EN = r"\b(and|then|also|plus|as well)\b.{0,25}"
_THEN_FR = r"\b(et|puis|aussi|ensuite|egalement)\b.{0,25}"

# a verb's word used as a noun is no verb: "…and asked for a bank draft", "the order was late"
_NOT_A_NOUN = r"(?<!\ba )(?<!\ban )(?<!\bthe )(?<!\bbank )(?<!\bmy )(?<!\bour )(?<!\bhis )(?<!\bher )"

_NOT_A_NOUN_FR = r"(?<!\bun )(?<!\bune )(?<!\ble )(?<!\bla )(?<!\bles )(?<!\bdes )(?<!\bmon )(?<!\bton )"

# A second, different ask joined to the first one.
SECOND_ASK = [
    # A verb that starts a task of its own: "...and write a poem", "...puis réserve un vol" — not one whose
    # object is the task's own write-up: "...and summarise it", "...and draft a short note for the file"
    (rx(_THEN_EN + _NOT_A_NOUN + r"\b(send|recommend|suggest|book|translate|create|buy|sell|order|plan|organi[sz]e|"
        r"remind|update)\b"
        + _SAME_TASK_EN,
        _THEN_EN + _NOT_A_NOUN + r"\b(write|draft|compose|summari[sz]e)\b" + _OWN_WRITE_UP_EN,
        _THEN_FR + r"\b(envoie|recommande|conseille|propose|suggere|reserve|traduis|cree|achete|vend|planifie|organise|"
        r"rappelle|mets a jour)\w*" + _SAME_TASK_FR,
        _THEN_FR + _NOT_A_NOUN_FR + r"\b(ecri|redige|compose|resume)\w*" + _OWN_WRITE_UP_FR,
        # a change to an account: "...and raise my card limit", "...puis change le mot de passe du client"
        _THEN_EN + r"\b(raise|increase|change|lower|reset|update)\b.{0,30}"
        r"\b(limit|password|pin|overdraft|address)",
        _THEN_FR + r"\b(augmente|change|baisse|reinitialise|mets a jour)\b.{0,30}"
        r"\b(plafond|mot de passe|code|decouvert|adresse)"), 2.0,
     "adds a second, different request"),
    # A verb that may as well go on with the same task ("...and give me the risk level"): off-task only
    # with an off-task subject after it. "tell me if it is fraudulent" continues the task; "tell me
    # which stock" may not.
    (rx(_THEN_EN + r"\b(tell me (?!if|whether)|give me|make|help me|find me|proofread|correct|fix|polish|come up with|"
        r"think of|think up|pick|choose)\b",
        # "Before you explain X, tell me who painted the Mona Lisa"
        r"\bbefore (you|answering|explaining|that)\b[^,.?!]{0,80},\s*(tell me|give me|find|name|say)\b",
        _THEN_FR + r"\b(dis-moi (?!si|s'il)|donne|fais|aide-moi|trouve|corrige|relis|reecris|raconte|"
        r"explique-moi comment|apprends-moi)",
        r"\b(write|tell|give|send|find|make|suggest|recommend)( me)? (also|too|as well)\b",
        r"\b(donne|ecris|dis|fais|propose|envoie|trouve|conseille|recommande)(-moi)? (aussi|egalement|en plus)\b"),
     1.0, "adds a further request"),
    # An everyday thing joined on without a verb: "...the LCR requirements, plus a banana bread recipe"
    (rx(r"\b(plus|and also|as well as|along with)\b (a |an |some |the |my )?.{0,25}\b(" + _EVERYDAY_EN + r")\b",
        r"\b(plus|ainsi qu'|ainsi que|et aussi)\b ?(un |une |des |le |la |les |mon |ma )?.{0,25}\b(" + _EVERYDAY_FR
        + r")\b"), 2.0, "adds an off-task request"),
    # A second question on an everyday subject: "..., and what should I cook for dinner?" (not words
    # a compliance question uses too: a name "match", capital "flight", "gift" policies, "vol" as theft)
    (rx(r"\b((and|also|then),? (what|which|where|who|how|can you|could you|will|is|are|do|does|should|any|"
        r"got)|"
        r"by the way|btw|on another note|one more thing|on a different note|after that|afterwards|oh,? and|"
        r"incidentally|unrelated(ly)?|separately|on an unrelated note|changing the subject|while you're at it)\b"
        r".{0,60}\b(" + _EVERYDAY_EN + r")\b",
        r"\b((et|puis|aussi),? (quel|quelle|quels|quelles|ou|comment|qu'|que|peux-tu|tu aurais|tu as|tu connais|"
        r"aurais-tu|as-tu|connais-tu)|au fait|rien a voir|sans rapport|"
        r"autre chose|au passage|d'ailleurs|et sinon|sinon|pendant que tu y es|petite question)\b.{0,60}"
        r"\b(" + _EVERYDAY_FR + r")\b"), 2.0,
     "asks a second, off-task question"),
    (rx(r"\b(poem|joke|story|email|e-mail|letter|note(?! de)|tweet|stock tip|which stock|card limit|credit limit|"
        r"password|newsletter|" + _EVERYDAY_EN + r")\b",
        r"\b(the )?(match|game) (last night|yesterday|tonight)", r"\b(gift|present) (idea|for my)",
        r"\b(poeme|blague|histoire|courriel|e-mail|mail|lettre|quelle action|plafond|mot de passe|tweet|"
        r"" + _EVERYDAY_FR + r")\b",
        r"\b(le|du) match (d'hier|de ce soir|de demain)", r"\bidees? de cadeau", r"\bcadeau (pour|d'anniv)"),
     1.5,
     "the second ask is off-task"),
]

def _found(text: str, table) -> list[tuple[float, str, int]]:
    """The signals of `table` found in `text`: (weight, reason, where the first match starts)."""
    return [(weight, reason, m.start()) for pattern, weight, reason in table if (m := pattern.search(text))]


def _score(text: str, table) -> tuple[float, list[str]]:
    found = _found(text, table)
    return sum((weight for weight, _, _ in found), 0.0), [reason for _, reason, _ in found]


def _confidence(margin: float, evidence: float) -> float:
    """Logistic in the margin, damped when there is little evidence at all."""
    base = 1.0 / (1.0 + math.exp(-1.3 * margin))
    damp = 1.0 - math.exp(-evidence / 1.5)
    return round(max(0.25, min(0.99, 0.25 + (base - 0.25) * damp)), 3)


def _second_ask(text: str) -> tuple[float, list[str]]:
    """The score of a second ask: the joined asks (SECOND_ASK but its last), and an off-task subject
    after the first of them — "a wedding planner" in the task itself ("Check this wire to a wedding
    planner and give me the risk level") is no second ask."""
    joined = _found(text, SECOND_ASK[:-1])
    second, reasons = sum((weight for weight, _, _ in joined), 0.0), [reason for _, reason, _ in joined]
    if joined:
        off, off_reasons = _score(text[min(start for _, _, start in joined):], SECOND_ASK[-1:])
        second, reasons = second + off, reasons + off_reasons
    return second, reasons


def classify(query: str, transaction: dict | None = None) -> RouteDecision:
    """Route a query (and optional transaction) to one of the four routes."""
    text = fold(query or "")
    refusal, r_reasons = _score(text, REFUSAL)
    tx, t_reasons = _score(text, TRANSACTION)
    gov, g_reasons = _score(text, GOVERNANCE)
    second, s_reasons = _second_ask(text)
    if refusal and ABOUT_A_WRONG.search(text) and not DOING.search(text):
        refusal, r_reasons = 0.0, []  # a question about the wrong, not an ask to commit it
        g_reasons.insert(0, "asks about a wrong, not to commit one")
        gov += 1.0
    if transaction:
        tx += 2.5
        t_reasons.insert(0, "a transaction is attached")
    task = max(tx, gov)
    if second < 2.0 and off_task_ask(text):  # a further ask on a subject no list above names
        second, task = second + 2.0, max(task, 1.5)
        s_reasons.append("asks something else, with nothing of finance in it")
    elif second >= 2.0 and task < 1.5 and about_finance_before(text):  # a finance question no rule above knew
        task = 1.5
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
