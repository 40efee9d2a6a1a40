"""The rules, standards and classes an answer cites by a name with a number, and those only one
of two answers cites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.references import cited, name_keys, uncited, uncited_places

ASSETS = Path(__file__).resolve().parents[2] / "assets"


def test_each_name_is_cited_once_as_first_written_in_order():
    text = ("Under IFRS 9 the loan moves from Stage 2 to Stage 3 (stage 3 loans are impaired); see Articles 8 "
            "and 9 of SFDR, art. 12, L 561-15 and L.561-15 of the CMF, Regulation (EU) No 575/2013, the CAC 40, "
            "31 CFR 1010.311, § 5318, the 10-K, COVID-19 and Level 3 assets.")
    assert cited(text) == ["IFRS 9", "Stage 2", "Stage 3", "Article 8", "Article 9", "art. 12", "L 561-15",
                           "No 575/2013", "CAC 40", "31 CFR 1010.311", "§ 5318", "10-K", "Level 3"]
    assert cited("The P/E is 15 and the margin 8%.") == [] and cited("") == []


@pytest.mark.parametrize(("first", "second"), [
    ("The fund is an Article 8 fund.", "Le fonds relève de l'article 8."),
    ("See art. 8.", "See Article 8."),
    ("Articles 8 and 9 apply.", "Article 9 and article 8 apply."),
    ("L.561-15 du CMF", "l'article L 561-15"),
    ("Tier 1 capital of €4bn", "des fonds propres de catégorie 1 de 4 Md€"),
    ("la DSP 2", "PSD 2"),
    ("Regulation (EU) No 575/2013", "le règlement n° 575/2013"),
    ("FATF Recommendation 16", "la Recommandation 16 du GAFI"),
    ("a Stage 2 loan", "un prêt en stade 2"),
    # what the fourth set taught: a principle, a schedule, a paragraph numbered in parts, an article's paragraph
    ("Principle 7 of BCBS 239", "le principe 7 de BCBS 239"),
    ("Schedule 2 of the regulations", "Schedule 2"),
    ("IFRS 9 paragraph 5.5.3", "le paragraphe 5.5.3 d'IFRS 9"),
    ("Article 6(1) GDPR", "l'article 6, paragraphe 1, du RGPD"),
])
def test_one_name_written_two_ways_is_cited_by_both(first, second):
    only_first, only_second, both = uncited(first, second)
    assert (only_first, only_second) == ([], []) and both


def test_a_name_with_another_number_is_cited_by_one_answer_only():
    assert uncited("The loan is Stage 2 under IFRS 9.", "Under IFRS 9 it is Stage 3.") == (
        ["Stage 2"], ["Stage 3"], ["IFRS 9"])
    assert uncited("An Article 8 fund.", "An Article 9 fund.") == (["Article 8"], ["Article 9"], [])
    assert uncited("IAS 39 applied.", "IFRS 9 applies.") == (["IAS 39"], ["IFRS 9"], [])
    # a figure is no name: "Tier 1 at 14%" cites Tier 1 and states 14%
    assert uncited("Tier 1 at 14%.", "Nothing cited.") == (["Tier 1"], [], [])


def test_where_an_answer_cites_what_the_other_does_not_is_found_in_its_own_text():
    text = "Stage 2 under IFRS 9; Articles 8 and 9 apply; stage 2 again."
    places = uncited_places(text, "IFRS 9 and Article 9.")
    assert [text[a:b] for a, b in places] == ["Stage 2", "Articles 8 and 9", "stage 2"]
    assert uncited_places(text, text) == []


def test_several_of_one_kind_are_each_cited_and_none_is_a_figure():
    assert cited("Loans move between Stages 1, 2 and 3.") == ["Stage 1", "Stage 2", "Stage 3"]
    assert uncited("Stages 1, 2 and 3 of IFRS 9 and 17.", "Stages 1–3; IFRS 9, IFRS 17.") == (
        [], [], ["Stage 1", "Stage 2", "Stage 3", "IFRS 9", "IFRS 17"])
    assert cited("Articles 8 to 10 of SFDR.") == ["Article 8", "Article 9", "Article 10"]
    assert cited("Articles 8, 12 and 15% apply.") == ["Article 8", "Article 12"]  # 15% is a figure
    assert cited("Articles 8, 9, 10 apply; Article 8, 12 months after.") == ["Article 8", "Article 9", "Article 10"]


def test_a_standard_joined_to_its_number_is_the_same_name_and_the_pandemic_is_none():
    assert uncited("Under PSD2 and AMLD5.", "Selon la DSP 2 et l'AMLD 5.") == ([], [], ["PSD2", "AMLD5"])
    assert cited("Since COVID-19, defaults doubled under IFRS 9.") == ["IFRS 9"]


@pytest.mark.parametrize("name", sorted(p.name for p in ASSETS.glob("references_eval*.jsonl")))
def test_the_labelled_set_is_read_name_for_name(name):
    assert cited("Le prêt est classé en niveau 2 ; le risque est au niveau 3.") == ["niveau 2"]
    path = ASSETS / name
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    assert len(rows) >= 20 and {r["lang"] for r in rows} == {"en", "fr"}
    wrong = [(r["text"], sorted(set(name_keys(r["text"])) ^ {k for label in r["cites"] for k in name_keys(label)}))
             for r in rows]
    assert [w for w in wrong if w[1]] == []


def test_a_french_stage_is_a_name_only_with_its_number():
    from workbench.figures import distinct_figures

    assert [f.text for f in distinct_figures("À ce stade, 2 dossiers restent ouverts.")] == ["2"]
    assert [f.text for f in distinct_figures("Les stades 1 et 2 couvrent 95 % du portefeuille.")] == ["95 %"]


def test_an_articles_paragraph_is_part_of_it_and_a_lower_case_schedule_is_no_name():
    assert cited("l'article 4, paragraphe 1, point 39, du CRR") == ["article 4"]
    assert cited("Le paragraphe 3 de la politique interne.") == ["paragraphe 3"]  # no article before it
    assert cited("We schedule 3 calls with the client.") == []
    assert uncited("Principle 7 of BCBS 239.", "Principle 6 of BCBS 239.") == (["Principle 7"], ["Principle 6"],
                                                                                 ["BCBS 239"])
