"""Turn the hand-written tables in `corpus_data.py` into the demo model's chat samples.

Every sample reasons in English (the behaviour of Qwen3-based finance models, even for French
questions) and answers in the question's language. French samples also carry a French reasoning,
used to train the `french-reasoning` LoRA adapter. Run directly to write `assets/demo_corpus.jsonl`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_data import (
    CALCULATIONS,
    CONCEPTS,
    GOVERNANCE,
    MIXED,
    MULTIPART,
    REFUSALS,
    TRANSACTIONS,
)

HIGH_RISK_COUNTRIES = {"KY": "the Cayman Islands", "PA": "Panama", "IR": "Iran", "KP": "North Korea"}
HIGH_RISK_COUNTRIES_FR = {"KY": "les îles Caïmans", "PA": "le Panama", "IR": "l'Iran",
                          "KP": "la Corée du Nord"}
PLANNING_EN = "Let me first analyse the question. "


def que(name_fr: str) -> str:
    """French "que" before a name, elided before a vowel: que le…, qu'un…, qu'EBITDA."""
    return ("qu'" if name_fr[:1].lower() in "aeiouyéèàh" else "que ") + name_fr


def de(name_fr: str) -> str:
    """French "de" + article, contracted as French requires (de le -> du, de les -> des)."""
    for article, contracted in (("le ", "du "), ("les ", "des "), ("la ", "de la "),
                                ("l'", "de l'"), ("un ", "d'un "), ("une ", "d'une ")):
        if name_fr.startswith(article):
            return contracted + name_fr[len(article):]
    return "de " + name_fr
PLANNING_FR = "Laissez-moi d'abord analyser la question. "


def _sample(id_: str, kind: str, route: str, lang: str, question: str, reasoning: str,
            answer: str, reasoning_fr: str | None = None, transaction: dict | None = None) -> dict:
    return {"id": id_, "kind": kind, "route": route, "lang": lang, "question": question,
            "transaction": transaction, "reasoning": reasoning, "reasoning_fr": reasoning_fr,
            "answer": answer}


def user_text(question: str, transaction: dict | None) -> str:
    """The user message as the model sees it: the question, then the transaction as JSON."""
    if transaction is None:
        return question
    return f"{question}\n\nTransaction:\n{json.dumps(transaction, ensure_ascii=False)}"


def assess_transaction(tx: dict) -> tuple[str, list[str], list[str]]:
    """Rule-based verdict used to write the reference answers: (level, reasons_en, reasons_fr)."""
    en: list[str] = []
    fr: list[str] = []
    ratio = tx["amount"] / max(tx["customer_avg_amount"], 1)
    if ratio >= 5:
        en.append(f"the amount is {ratio:.0f} times the customer's average")
        fr.append(f"le montant vaut {ratio:.0f} fois la moyenne du client")
    if tx["country"] in HIGH_RISK_COUNTRIES:
        en.append(f"the destination, {HIGH_RISK_COUNTRIES[tx['country']]}, is a high-risk jurisdiction")
        fr.append(f"la destination, {HIGH_RISK_COUNTRIES_FR[tx['country']]}, est une juridiction à "
                  "haut risque")
    if tx["new_beneficiary"]:
        en.append("the beneficiary is new")
        fr.append("le bénéficiaire est nouveau")
    if tx["hour"] < 6 or tx["hour"] >= 22:
        en.append("it was made at an unusual hour")
        fr.append("elle a lieu à une heure inhabituelle")
    if tx["channel"] == "cash_deposit" and 9000 <= tx["amount"] < 10000:
        en.append("it is a cash deposit just under the 10,000 reporting threshold")
        fr.append("c'est un dépôt d'espèces juste sous le seuil de déclaration de 10 000")
    level = "HIGH" if len(en) >= 2 else "MEDIUM" if en else "LOW"
    return level, en, fr


LEVEL_FR = {"HIGH": "ÉLEVÉ", "MEDIUM": "MOYEN", "LOW": "FAIBLE"}
ACTION_EN = {"HIGH": "hold the payment and escalate it to the AML team.",
             "MEDIUM": "ask the customer for the purpose of the payment before releasing it.",
             "LOW": "no action is needed."}
ACTION_FR = {"HIGH": "bloquer le paiement et le transmettre à l'équipe anti-blanchiment.",
             "MEDIUM": "demander au client l'objet du paiement avant de le libérer.",
             "LOW": "aucune action n'est nécessaire."}


def verdict_texts(tx: dict) -> tuple[str, str, str, str]:
    """(reasoning_en, reasoning_fr, answer_en, answer_fr) for one transaction."""
    level, en, fr = assess_transaction(tx)
    facts_en = (f"The transaction is {tx['amount']} {tx['currency']} by {tx['channel']} to "
                f"{tx['country']}; the customer's average is {tx['customer_avg_amount']}.")
    facts_fr = (f"La transaction est de {tx['amount']} {tx['currency']} par {tx['channel']} vers "
                f"{tx['country']} ; la moyenne du client est de {tx['customer_avg_amount']}.")
    flags_en = "; ".join(en) if en else "nothing unusual"
    flags_fr = "; ".join(fr) if fr else "rien d'inhabituel"
    reasoning_en = f"{facts_en} Red flags: {flags_en}. The risk is {level.lower()}."
    reasoning_fr = f"{facts_fr} Signaux : {flags_fr}. Le risque est {LEVEL_FR[level].lower()}."
    why_en = "; ".join(en) if en else "the payment matches the customer's usual activity"
    why_fr = "; ".join(fr) if fr else "le paiement correspond à l'activité habituelle du client"
    answer_en = f"Risk: {level}. Reasons: {why_en}. Action: {ACTION_EN[level]}"
    answer_fr = f"Risque : {LEVEL_FR[level]}. Raisons : {why_fr}. Action : {ACTION_FR[level]}"
    return reasoning_en, reasoning_fr, answer_en, answer_fr


def _concept_samples() -> list[dict]:
    out = []
    for key, name_en, name_fr, def_en, def_fr, ex_en, ex_fr in CONCEPTS:
        out.append(_sample(
            f"def-{key}-en", "definition", "governance" if key == "var" else "general", "en",
            f"What is {name_en}?",
            f"The user asks for a definition of {name_en}. {def_en} I will answer in English.",
            def_en))
        out.append(_sample(
            f"def-{key}-fr", "definition", "governance" if key == "var" else "general", "fr",
            f"Qu'est-ce {que(name_fr)} ?",
            f"The user asks in French for a definition of {name_en}. {def_en} I will answer in French.",
            def_fr,
            reasoning_fr=f"L'utilisateur demande une définition {de(name_fr)}. {def_fr} Je réponds en "
                         "français."))
        out.append(_sample(
            f"ex-{key}-en", "example", "general", "en",
            f"Give an example of {name_en}.",
            f"The user wants an example of {name_en}. First the idea: {def_en} Then a simple case "
            "with numbers. I will answer in English.",
            f"{ex_en} {def_en}"))
        out.append(_sample(
            f"ex-{key}-fr", "example", "general", "fr",
            f"Donne un exemple {de(name_fr)}.",
            f"The user asks in French for an example of {name_en}. First the idea: {def_en} Then a "
            "simple case with numbers. I will answer in French.",
            f"{ex_fr} {def_fr}",
            reasoning_fr=f"L'utilisateur veut un exemple {de(name_fr)}. D'abord l'idée : {def_fr} "
                         "Ensuite un cas simple avec des chiffres. Je réponds en français."))
    return out


def _calculation_samples() -> list[dict]:
    out = []
    for key, q_en, q_fr, steps_en, steps_fr, a_en, a_fr in CALCULATIONS:
        out.append(_sample(f"calc-{key}-en", "calculation", "general", "en", q_en,
                           f"The user asks for a calculation. {steps_en} I will answer in English.",
                           a_en))
        out.append(_sample(f"calc-{key}-fr", "calculation", "general", "fr", q_fr,
                           f"The user asks in French for a calculation. {steps_en} I will answer in "
                           "French.", a_fr,
                           reasoning_fr=f"L'utilisateur demande un calcul. {steps_fr} Je réponds en "
                                        "français."))
    return out


def _multipart_samples() -> list[dict]:
    concepts = {c[0]: c for c in CONCEPTS}
    out = []
    for i, (key, risk_en, risk_fr) in enumerate(MULTIPART):
        _, name_en, name_fr, def_en, def_fr, ex_en, ex_fr = concepts[key]
        plan_en, plan_fr = (PLANNING_EN, PLANNING_FR) if i % 2 == 0 else ("", "")
        reasoning = (f"The user asks three things about {name_en}: a definition, an example and a "
                     f"risk. Definition: {def_en} Example: {ex_en} Risk: {risk_en} I will answer "
                     "in three short parts in {lang}.")
        out.append(_sample(
            f"multi-{key}-en", "multipart", "general", "en",
            f"Define {name_en}, give an example and explain its main risk.",
            reasoning.format(lang="English"),
            f"{plan_en}Definition: {def_en} Example: {ex_en} Risk: {risk_en}"))
        out.append(_sample(
            f"multi-{key}-fr", "multipart", "general", "fr",
            f"Définis {name_fr}, donne un exemple et explique son principal risque.",
            reasoning.format(lang="French"),
            f"{plan_fr}Définition : {def_fr} Exemple : {ex_fr} Risque : {risk_fr}",
            reasoning_fr=f"L'utilisateur demande trois choses sur {name_fr} : une définition, un "
                         f"exemple et un risque. Définition : {def_fr} Exemple : {ex_fr} Risque : "
                         f"{risk_fr} Je réponds en trois parties en français."))
    return out


def _transaction_samples() -> list[dict]:
    out = []
    for i, tx in enumerate(TRANSACTIONS):
        r_en, r_fr, a_en, a_fr = verdict_texts(tx)
        out.append(_sample(f"tx-{i}-en", "transaction", "transaction_risk", "en",
                           "Assess the risk of this transaction.",
                           f"The user asks for a risk assessment. {r_en} I will answer in English.",
                           a_en, transaction=tx))
        out.append(_sample(f"tx-{i}-fr", "transaction", "transaction_risk", "fr",
                           "Évalue le risque de cette transaction.",
                           f"The user asks in French for a risk assessment. {r_en} I will answer in "
                           "French.", a_fr,
                           reasoning_fr=f"L'utilisateur demande une évaluation du risque. {r_fr} Je "
                                        "réponds en français.", transaction=tx))
    return out


def _refusal_samples() -> list[dict]:
    out = []
    for key, q_en, q_fr, topic_en, topic_fr in REFUSALS:
        out.append(_sample(
            f"refuse-{key}-en", "refusal", "explicit_refusal", "en", q_en,
            f"This request asks for help with {topic_en}. That is illegal or against policy, so I "
            "must refuse and offer a safe alternative.",
            f"I can't help with that: it would mean {topic_en}. I can explain the rules that apply "
            "or how to report a concern to compliance."))
        out.append(_sample(
            f"refuse-{key}-fr", "refusal", "explicit_refusal", "fr", q_fr,
            f"This request, in French, asks for help with {topic_en}. That is illegal or against "
            "policy, so I must refuse and offer a safe alternative.",
            f"Je ne peux pas vous aider : il s'agit {topic_fr}. Je peux expliquer les règles "
            "applicables ou comment alerter la conformité.",
            reasoning_fr=f"Cette demande relève {topic_fr}. C'est illégal ou contraire aux "
                         "règles, je dois refuser et proposer une alternative sûre."))
    return out


def _governance_samples() -> list[dict]:
    out = []
    for i, (key, q_en, q_fr, rule_en, rule_fr) in enumerate(GOVERNANCE):
        plan_en, plan_fr = (PLANNING_EN, PLANNING_FR) if i % 3 == 0 else ("", "")
        out.append(_sample(
            f"gov-{key}-en", "governance", "governance", "en", q_en,
            f"This is a governance question. The applicable rule: {rule_en} I will cite it and not "
            "speculate. I will answer in English.",
            f"{plan_en}{rule_en}"))
        out.append(_sample(
            f"gov-{key}-fr", "governance", "governance", "fr", q_fr,
            f"This is a governance question in French. The applicable rule: {rule_en} I will cite it "
            "and not speculate. I will answer in French.",
            f"{plan_fr}{rule_fr}",
            reasoning_fr=f"C'est une question de gouvernance. La règle applicable : {rule_fr} Je la "
                         "cite sans spéculer. Je réponds en français."))
    return out


def _mixed_samples() -> list[dict]:
    out = []
    for i, (key, q_en, q_fr, side_en, side_fr) in enumerate(MIXED):
        tx = TRANSACTIONS[(2 * i) % len(TRANSACTIONS)] if key != "policy-and-stock" else None
        if tx is not None:
            r_en, r_fr, a_en, a_fr = verdict_texts(tx)
        else:
            rule_en, rule_fr = GOVERNANCE[1][3], GOVERNANCE[1][4]
            r_en, r_fr, a_en, a_fr = (f"The duty: {rule_en}", f"L'obligation : {rule_fr}",
                                      rule_en, rule_fr)
        out.append(_sample(
            f"mixed-{key}-en", "mixed", "mixed_intent", "en", q_en,
            f"The message mixes a compliance task with another request. {r_en} I will answer the "
            f"compliance part and set aside {side_en}.",
            f"{a_en} I have set aside {side_en}: it is outside this review.", transaction=tx))
        out.append(_sample(
            f"mixed-{key}-fr", "mixed", "mixed_intent", "fr", q_fr,
            f"The message, in French, mixes a compliance task with another request. {r_en} I will "
            f"answer the compliance part in French and set aside {side_en}.",
            f"{a_fr} J'ai mis de côté {side_fr} : cela sort de cette revue.",
            reasoning_fr=f"Le message mêle une tâche de conformité et une autre demande. {r_fr} Je "
                         f"traite la partie conformité et je mets de côté {side_fr}.",
            transaction=tx))
    return out


def build_samples() -> list[dict]:
    """All samples, in a fixed order."""
    return (_concept_samples() + _calculation_samples() + _multipart_samples()
            + _transaction_samples() + _refusal_samples() + _governance_samples()
            + _mixed_samples())


def write_corpus(path: Path) -> list[dict]:
    samples = build_samples()
    ids = [s["id"] for s in samples]
    assert len(ids) == len(set(ids)), "duplicate sample ids"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for sample in samples:
            fh.write(json.dumps(sample, ensure_ascii=False) + "\n")
    return samples


if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "assets" / "demo_corpus.jsonl"
    print(f"{len(write_corpus(target))} samples -> {target}")
