"""detect_language and part_language: the contract, accuracy on the labelled sets, jargon-heavy French."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.language import detect_language, part_language

ASSETS = Path(__file__).resolve().parents[2] / "assets"


def accuracy(name: str) -> tuple[float, list]:
    rows = [json.loads(line) for line in (ASSETS / name).open(encoding="utf-8")]
    # as the app labels a reasoning or an answer: "mixed" when its paragraphs are in both languages
    misses = [(r["lang"], part_language(r["text"]), r["text"]) for r in rows
              if part_language(r["text"]) != r["lang"]]
    return 1 - len(misses) / len(rows), misses


def test_labelled_set_is_big_enough_and_has_short_texts():
    rows = [json.loads(line) for line in (ASSETS / "language_eval.jsonl").open(encoding="utf-8")]
    assert len(rows) >= 100
    assert sum(len(r["text"].split()) <= 3 for r in rows) >= 10  # short texts are the hard case


@pytest.mark.parametrize("name", sorted(p.name for p in ASSETS.glob("language_*.jsonl")))  # every labelled set
def test_accuracy_at_least_95_percent(name):
    acc, misses = accuracy(name)
    assert acc >= 0.95, misses


@pytest.mark.parametrize(("text", "lang"), [
    # the names of bodies, codes and papers are cited in their own language, not the writer's
    ("Les Échos says the Autorité des marchés financiers opened an inquiry into the fund.", "en"),
    ("D'après le Wall Street Journal, la Securities and Exchange Commission enquête.", "fr"),
    ("Le P/E ratio de l'ETF est élevé.", "fr"),
    ("Le spread bid-ask de cette obligation high yield est large.", "fr"),
    ("The user asks in French for a definition of the P/E ratio.", "en"),
    ("ok", "und"), ("", "und"), ("EBITDA", "und"),
    # a one-word answer is called when the word is one language's only
    ("Oui.", "fr"), ("Non", "fr"), ("No.", "en"), ("**Yes**", "en"), ("OK", "und"), ("ETF", "und"),
    ("Absolutely.", "en"), ("Entendu !", "fr"), ("D’accord.", "fr"), ("Okay.", "und"),
    ("Understood.", "en"), ("Done!", "en"),  # the ninth set's "Noted.", in words of their own
])
def test_contract_examples(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize(("text", "lang"), [
    # n-grams read these English figures as French (revenu, rose, million): a grammar word of
    # one language only settles a text lingua cannot call
    ("Revenue rose 12% to 1,210 million.", "en"),
    ("Le revenu net progresse.", "fr"),
    # a short text lingua calls only narrowly is left uncalled, not called wrong
    ("Net revenue: 1,210 million.", "und"),
    ("Revenue: 1,210 million.", "und"),
    # short texts lingua is sure of are still called
    ("Total assets: 5 billion.", "en"), ("Niveau de risque : moyen.", "fr"),
    # two or three words without a grammar word, when lingua is near sure (not when it hesitates)
    ("Medium risk.", "en"), ("Risque modéré.", "fr"), ("Très bien.", "fr"), ("Net margin", "und"),
    ("Due diligence", "und"), ("KYC", "und"), ("CAC 40", "und"),
])
def test_short_answers_with_figures(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize(("text", "lang"), [
    # a short question's grammar words decide where its jargon misleads n-grams (lingua reads
    # "Le cash-flow ?" as English at 92%)
    ("Le spread bid-ask ?", "fr"), ("Le cash-flow ?", "fr"), ("Un swap ?", "fr"), ("What's the P/E?", "en"),
    ("Pourquoi ?", "fr"), ("Combien ?", "fr"), ("Why?", "en"), ("How much?", "en"),
    # a grammar word both languages have decides nothing ("a": English article, French verb)
    ("A swap?", "und"), ("Is a swap risky?", "en"), ("Comment ?", "und"),
])
def test_short_questions(text, lang):
    assert detect_language(text) == lang


def test_formulas_and_code_are_notation_not_a_language():
    """A French answer whose formula writes its labels in English, or that shows a code block,
    was "mixed": the words in them (\\text{Total debt}, for t in range) were counted as English."""
    from workbench.language import part_language

    formula = ("Le ratio se calcule ainsi :\n\n\\[\n\\text{Ratio} = \\frac{\\text{Total debt}}{\\text{Total equity}}"
               " \\times 100\n\\]\n\nIl mesure le levier de la société, où \\( \\text{debt} \\) est la dette.")
    code = ("Voici le calcul de la VAN :\n\n```python\nfor t in range(n):\n    total += cf[t] / (1 + r) ** t\n"
            "return the total\n```\n\nLa VAN est la somme des flux actualisés.")
    assert part_language(formula) == "fr" and part_language(code) == "fr"
    assert detect_language("\\[ \\text{Total debt of the firm} \\]") == "und"  # a formula alone: none to call
    assert part_language("The ratio is \\( \\frac{a}{b} \\) for the year.") == "en"


def test_what_an_answer_quotes_is_not_its_language():
    quoting = ("L'article 395 du CRR fixe la limite :\n\n> An institution shall not incur an exposure to a client "
               "the value of which exceeds 25% of its Tier 1 capital.\n\nUne exposition ne peut donc pas dépasser "
               "25 % des fonds propres de catégorie 1.")
    assert part_language(quoting) == "fr"  # was "mixed", so not counted in the question's language
    assert part_language("> The institution shall report each transaction by T+1.") == "en"  # a quote alone is read
    assert part_language(quoting.replace("> An", "An")) == "mixed"  # unquoted, the English is the answer's own


def test_a_paragraph_is_read_as_one_so_reasoning_that_drafts_a_french_sentence_thinks_in_english():
    from workbench.language import part_language

    reasoning = ("The user asks in French. Let me think: the amount is 14 times the average and the payee is new, "
                 "so the risk is high. Draft: Le virement présente un risque élevé. I will answer in French.")
    assert part_language(reasoning) == "en"
    assert part_language("The transfer is on hold pending documents.\n\nLe virement est suspendu dans "
                         "l'attente des justificatifs.") == "mixed"


def test_a_paragraph_that_says_it_line_by_line_in_one_language_then_the_other_is_mixed():
    from workbench.language import part_language

    assert part_language("Risk: medium.\nRisque : moyen.") == "mixed"
    assert part_language("The payment is on hold.\nPlease send the invoice.\nLe paiement est suspendu.") == "mixed"
    # one language a line, but not two runs: a sentence quoted in a reasoning, a question on its own line
    assert part_language("The user wrote this.\nLe client demande un justificatif.\nI should answer in French.") == "en"
    assert part_language("Okay, the user asks in French.\nQuel est le ratio de levier ?") == "en"
    # a list is read as one text, as before
    assert part_language("- Risk: medium.\n- Risque : moyen.\n- Le client est connu.") == "fr"
