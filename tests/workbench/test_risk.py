"""The risk level an answer gives a transaction, however it sets it out, in English or French."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.risk import risk_level

ASSETS = Path(__file__).resolve().parents[2] / "assets"


@pytest.mark.parametrize(("answer", "level"), [
    ("Risk: HIGH. Reasons: the amount is 14× the customer's average.", "high"),
    ("**Risk level:** Medium — ask for the invoice.", "medium"),
    ("The overall risk is low: a routine card payment.", "low"),
    ("Risk rating - moderate", "medium"),
    ("Risk (HIGH)", "high"),
    ("This is a high-risk transfer to a new beneficiary.", "high"),
    ("It carries a very high risk of fraud.", "high"),
    ("A low risk payment, in line with the customer's habits.", "low"),
    ("Risque : ÉLEVÉ. Raisons : le montant est inhabituel.", "high"),
    ("Risque : FAIBLE", "low"),
    ("Niveau de risque moyen : demander un justificatif.", "medium"),
    ("Le risque est faible.", "low"),
    ("Le risque global : modéré.", "medium"),
    ("Une opération à haut risque.", "high"),
    ("Risque important de blanchiment.", "high"),
    ("Risque : MEDIUM. Raisons : le montant vaut 32 fois la moyenne.", "medium"),  # a model mixing languages
    ("The risk of fraud is high: the beneficiary is new.", "high"),
    ("Risk of money laundering: low.", "low"),
    ("## Assessment\n\n**Overall risk: High**\n\n- Panama is a high-risk jurisdiction.", "high"),
    ("Ce virement présente un risque de blanchiment élevé.", "high"),
    ("Risque de fraude : faible.", "low"),
    ("Niveau de risque : **Élevé** 🔴", "high"),
    ("Risk: 🔴 High", "high"),
    ("**Risk score:** 8/10 (high)", "high"),
    # what the second unseen set taught
    ("The risk looks clearly elevated: a new payee and a 2 am transfer.", "high"),
    ("Overall the risk seems minimal.", "low"),
    ("Concern level: HIGH — escalate.", "high"),
    ("Niveau d'alerte : faible.", "low"),
    ("Vigilance renforcée ? Non. Alerte élevée : le client est sous sanctions.", "high"),
    ("Le risque paraît clairement élevé.", "high"),
    ("Is the payment legitimate? No. Risk: high.", "high"),  # a "no" in the sentence before negates nothing
    # what the third unseen set taught
    ("RAG status: Amber. Ask for the invoice.", "medium"),
    ("R/A/G rating — RED", "high"),
    ("Statut RAG : vert.", "low"),
    ("Alert level: green.", "low"),
    ("Risk score: 72/100 (high).", "high"),
    ("Score: 20/100 (low) — routine.", "low"),
    ("Cotation du dossier : élevée.", "high"),
    ("On classe cette opération en risque faible.", "low"),
    ("Le risque est jugé modéré.", "medium"),
    ("The risk is considered low given the history.", "low"),
    ("Risque intermédiaire, à surveiller.", "medium"),
    ("It sits at the high end of the risk scale.", "high"),
    ("Je placerais ce virement en bas de l'échelle de risque.", "low"),
])
def test_the_rating_is_read_however_it_is_set_out(answer, level):
    assert risk_level(answer) == level


@pytest.mark.parametrize(("answer", "level"), [
    ("**Risk Level: MEDIUM-HIGH**", "medium-high"),
    ("Risk: Medium to High. Reasons: a new beneficiary abroad.", "medium-high"),
    ("The risk is moderate to high.", "medium-high"),
    ("Risk: Medium–High (7/10)", "medium-high"),
    ("A medium-to-high risk transfer.", "medium-high"),
    ("Risk level: low/medium", "low-medium"),
    ("A low- to medium-risk client.", "low-medium"),
    ("Risque : moyen à élevé.", "medium-high"),
    ("Niveau de risque : modéré-élevé", "medium-high"),
    ("Risque faible à moyen.", "low-medium"),
    ("I would place it between medium and high risk.", "medium-high"),
    ("Le risque se situe entre faible et moyen.", "low-medium"),
    ("Risk somewhere between low and high, depending on the documents.", None),
])
def test_a_rating_between_two_neighbouring_levels_is_read_as_one(answer, level):
    assert risk_level(answer) == level


@pytest.mark.parametrize(("answer", "level"), [
    # the first labelled rating wins over a level named in passing before it
    ("This is not a high-risk transfer. Risk: low.", "low"),
    ("A high-risk country, but Risk: medium overall.", "medium"),
    # a sentence ends between "risk" and the next level: that level is not the rating
    ("The customer is low risk. High amounts are usual for them.", "low"),
])
def test_the_answer_own_rating_is_the_one_read(answer, level):
    assert risk_level(answer) == level


@pytest.mark.parametrize("answer", [
    None, "", "An ETF is a fund traded on an exchange.",
    "Score this transfer: low, medium or high risk? It depends on the customer.",  # the question's options
    "Risk: low to high, depending on the counterparty.",  # the whole scale: no rating
    "Risk: low-to-high depending on the counterparty.",
    "Risque : faible à élevé selon la contrepartie.",
    "Not a medium-high risk transfer.",
    "Le risque n'est pas élevé.",  # negated, no level said
    "Is it high risk? I cannot say without the customer's history.",
    "Market risk and credit risk are the two main kinds.",
    "It runs the risk of a high loss if the rate moves.",  # what the risk is of, not a rating
    "There are several red flags: the amount and the country.",  # a red flag is no RAG status
    "Red flags: none. Green light to release the payment.",
    "The price sits at the high end of its range.",  # a range, not the risk scale
    # a class of customers, not the transaction (the demo model's KYC answer was read "high")
    "The KYC policy requires a review of high-risk customer files at least once a year.",
    "High-risk customers need enhanced due diligence.",
    "Les clients à haut risque font l'objet d'une revue annuelle.",
])
def test_an_answer_without_one_level_gives_none(answer):
    assert risk_level(answer) is None


@pytest.mark.parametrize(("answer", "level"), [
    ("Risk score: 7/10. Reasons: a new beneficiary abroad.", "medium-high"),
    ("**Risk Score:** 9/10", "high"),
    ("**Risk score: 2/10**", "low"),
    ("Risk score: 5 / 10", "medium"),
    ("Risk rating: 2 out of 5", "low-medium"),
    ("Risk rating: 4 out of 5 — escalate.", "medium-high"),
    ("Risk: 3/5", "medium"),
    ("Risk score: 72/100", "medium-high"),
    ("Risk score is 3.5/10", "low-medium"),
    ("Risk level: 2/3", "medium"),
    ("Score de risque : 8/10", "medium-high"),
    ("Note de risque : 1 sur 5", "low"),
    ("Niveau de risque : 100/100", "high"),
    # a word beside the score is the rating, whatever the score would give
    ("**Risk score:** 8/10 (high)", "high"),
    ("Risk score: 6/10 — low for this customer.", "low"),
    # a labelled score is the answer's rating, not a level named in passing before it
    ("Panama is a high-risk jurisdiction. Risk score: 4/10.", "low-medium"),
])
def test_a_labelled_score_without_a_word_is_read_on_the_five_levels(answer, level):
    assert risk_level(answer) == level


@pytest.mark.parametrize("answer", [
    "Risk score: 12/10",  # above its scale
    "Risk score: 3/7",  # a scale not read
    "Is the risk score 8/10? Only with the customer's history.",
    "Credit score: 720/850, a low default probability.",  # not a risk score
])
def test_a_score_that_is_not_a_rating_gives_none(answer):
    assert risk_level(answer) is None


@pytest.mark.parametrize("name", sorted(p.name for p in ASSETS.glob("risk_*.jsonl")))
def test_the_labelled_sets_of_answers_as_models_set_them_out(name):
    rows = [json.loads(line) for line in (ASSETS / name).open(encoding="utf-8")]
    assert len(rows) >= 30 and sum(r["level"] is None for r in rows) >= 2
    misses = [(r["level"], risk_level(r["answer"]), r["answer"]) for r in rows if risk_level(r["answer"]) != r["level"]]
    assert len(misses) <= len(rows) // 20, misses


# what each labelled set found unread or misread, in words of its own
RATINGS_TAUGHT = [
    # the first set's: unread
    ("Overall rating: 2 out of 5 (low).", "low"),
    ("Risk score: 4 out of 5", "medium-high"),
    ("The risk in this case is low.", "low"),
    ("We would rate the risk as high.", "high"),
    ("Overall assessment: 🟢 Low", "low"),
    ("Verdict : élevé.", "high"),
    # a level that rates a place, not the transaction
    ("The wire goes to a high-risk jurisdiction, but the overall risk is low.", "low"),
    ("Virement vers un pays à haut risque ; risque global : moyen.", "medium"),
    ("The payment goes to a high-risk country.", None),
    ("Le virement part vers un pays à risque élevé.", None),
    # a verdict's label with something other than a level after it
    ("Assessment: high amount, new payee.", None),
    ("Overall, this looks fine.", None),
    # the second set's: unread
    ("I'd classify it as medium risk: the payee is known but the amount is not.", "medium"),
    ("We rate this transfer low to medium.", "low-medium"),
    ("I would not rate this as high: the payee is known.", None),
    ("Classification : ÉLEVÉ.", "high"),
    ("This wire carries a low degree of risk.", "low"),
    ("| Factor | Level |\n|---|---|\n| Country | High |\n| **Overall** | **Low** |", "low"),
    ("Un virement très risqué, à bloquer.", "high"),
    ("Highly risky: escalate it today.", "high"),
    ("Not very risky overall.", None),
    ("The risk is negligible.", "low"),
    ("Le risque est minime.", "low"),
    ("Medium — the amount is twice the average.", "medium"),
    ("Élevé : ne pas exécuter.", "high"),
    ("Low volumes make this hard to judge without the history.", None),  # a level word, not said alone
    ("Rate limits apply to this API.", None),
    # the fifth set's: unread or misread
    ("Verdict: risky. Hold the payment.", "high"),
    ("Verdict: not risky.", None),
    ("On a ten-point scale I'd put it at 8.", "medium-high"),
    ("Sur une échelle de 1 à 5, je le note à 2.", "low-medium"),
    ("On a five-point scale the risk sits at 2% of assets.", None),  # a share, not a place on the scale
    ("We should handle this as an amber alert.", "medium"),
    ("There is one red flag: the round amount.", None),
    ("Green: the payee and the amount match the contract.", "low"),
    ("Orange is the customer's mobile operator; the payment is routine.", None),
    ("Il ne s'agit pas d'un virement à risque élevé. Risque : faible.", "low"),
    ("This is not a particularly high-risk transfer; risk: medium.", "medium"),
    # the sixth set's: unread or misread
    ('{"risk_rating": "medium", "next_step": "request the invoice"}', "medium"),
    ('{"niveau_de_risque": "faible"}', "low"),
    ("## Risk level\n\nHigh — escalate today.", "high"),
    ("## Risk\n\nLow volumes make it hard to judge without the history.", None),  # a word, not a level alone
    ("The risk here is moderately low.", "low-medium"),
    ("Risque modérément élevé.", "medium-high"),
    ("Risk: 4 (on a 1–5 scale).", "medium-high"),
    ("Risk: 7 (on a 1–3 scale).", None),  # above its scale
    ("Gravité : faible.", "low"),
    # the seventh set's: unread or misread
    ("We give it a **medium** risk rating.", "medium"),
    ("Risk: med (documented supplier).", "medium"),
    ("Not a new payee, low risk.", "low"),  # the negation ends at the comma
    ("Not low risk: the amount is ten times the average.", None),
    ("Is it high risk? Yes: the beneficiary was opened last week.", "high"),
    ("Is it high risk? No.", None),  # asked, and answered no
    ("Risque faible ? Absolument.", "low"),
    ("The risk is not high; I'd put it at low.", "low"),
    ("We set it at high priority for the review team.", None),  # a priority, not a risk level
    ("Risk level: 🟢", "low"),
    ("Rating 🟡 — the payee is new.", "medium"),
    ("🔴 No red flags found.", None),  # a dot under no label
    ("The client's country is high-risk, but the payment itself is low risk.", "low"),
    ("Le secteur est classé à haut risque ; risque de l'opération : faible.", "low"),
    ("Risk: neither low nor high — medium.", "medium"),
    ("Risque attribué : élevé.", "high"),
    ("The risk stands at high until the source of funds is shown.", "high"),
    ("Level: medium. The pattern matches payroll.", "medium"),
    ("Confidence level: high, the documents are consistent.", None),  # a level of something else
]


@pytest.mark.parametrize(("answer", "level"), RATINGS_TAUGHT)
def test_ratings_the_labelled_sets_taught(answer, level):
    assert risk_level(answer) == level
