"""Figures read from an answer however it writes them, in English and in French."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench.figures import figures, stated_figures, states, unshared, unshared_places

ASSETS = Path(__file__).resolve().parents[2] / "assets"


def _read(text: str) -> list[tuple[str, tuple[float, ...]]]:
    return [(f.text, f.values) for f in figures(text)]


@pytest.mark.parametrize(("text", "read"), [
    ("The P/E ratio is 15.", [("15", (15.0,))]),
    ("Le PER vaut 15,00.", [("15,00", (15.0,))]),
    ("It fell −3,2 % then -4.5.", [("−3,2 %", (-3.2, -0.032)), ("-4.5", (-4.5,))]),
    ("1,234,567.5 · 1 234 567,5 · 1.234.567,5 · 1'234'567.5",
     [(t, (1234567.5,)) for t in ("1,234,567.5", "1 234 567,5", "1.234.567,5", "1'234'567.5")]),
    ("Il vaut 12\u202f000\u00a0€.", [("12 000", (12000.0,))]),  # narrow no-break and no-break spaces
    ("5 % · 5% · 5 pour cent · 5 percent", [(t, (5.0, 0.05)) for t in ("5 %", "5%", "5 pour cent", "5 percent")]),
    ("1.2 million, 1,2 Md€, $3bn, 250k", [("1.2 million", (1.2, 1.2e6)), ("1,2 Md€", (1.2, 1.2e9)),
                                         ("$3bn", (3.0, 3e9)), ("250k", (250.0, 250e3))]),
    ("$7MM, 2.5 mln, 3 Mio., 9 Mrd, 0.4 bln", [("$7MM", (7.0, 7e6)), ("2.5 mln", (2.5, 2.5e6)), ("3 Mio", (3.0, 3e6)),
                                              ("9 Mrd", (9.0, 9e9)), ("0.4 bln", (0.4, 0.4e9))]),
    ("EUR 2.4bn, USD 310 million, US$5m, €12.5m, £40",  # the currency before is the figure's
     [("EUR 2.4bn", (2.4, 2.4e9)), ("USD 310 million", (310.0, 310e6)), ("US$5m", (5.0, 5e6)),
      ("€12.5m", (12.5, 12.5e6)), ("£40", (40.0,))]),
    ("12,4 MEUR, 850 KEUR, 3 MUSD", [("12,4 MEUR", (12.4, 12.4e6)), ("850 KEUR", (850.0, 850e3)),
                                     ("3 MUSD", (3.0, 3e6))]),  # a currency run into the scale word
    # a loss in brackets, as accounts write it: a unit after the bracket, or alone in a table's cell
    ("It lost (3.4)% and (25)bp", [("(3.4)%", (-3.4, -0.034)), ("(25)bp", (-25.0, -0.25, -0.0025))]),
    ("| Net income | (1,234) | 567 |", [("(1,234)", (-1234.0, -1.234)), ("567", (567.0,))]),
    ("Revenue rose (3.4%) in a year (2024).", [("3.4%", (3.4, 0.034)), ("2024", (2024.0,))]),  # asides
    ("c.15% upside, yields of 4pc", [("15%", (15.0, 0.15)), ("4pc", (4.0, 0.04))]),  # circa; per cent
    ("1,234 or 1.500", [("1,234", (1234.0, 1.234)), ("1.500", (1500.0, 1.5))]),  # either reading
    ("1,2345", [("1,2345", (1.2345,))]),  # four digits after the comma: a decimal comma
    ("In Q3 of 2023-2024, H1", [("2023", (2023.0,)), ("2024", (2024.0,))]),  # no figure inside a word
    ("15 minutes, 15 m2, 60/4 = 15x", [("15", (15.0,)), ("15", (15.0,)), ("60", (60.0,)), ("4", (4.0,)),
                                        ("15", (15.0,))]),  # no scale word: minutes, m², a multiple
    ("version 12.5.3, list 1,2,3", []),  # not figures
])
def test_figures_are_read_as_written(text, read):
    assert _read(text) == read


def test_a_figure_is_stated_only_as_itself_or_within_its_tolerance():
    assert states("Le ratio vaut 15,0 fois.", 15) and states("It is 15.00x.", 15)
    assert not states("It is 150.", 15) and not states("It is 1.5.", 15) and not states("It is 15.2.", 15)
    assert not states("It is 115 or 5.15.", 15)
    assert states("La marge est de 12,5 %.", 0.125) and states("La marge est de 12,5 %.", 12.5)
    assert states("Revenue reached €1.23 million.", 1_234_567, tolerance=0.01)
    assert not states("Revenue reached €1.2 million.", 1_234_567, tolerance=0.01)
    assert states("A loss of -3.2%.", -0.032) and not states("A loss of -3.2%.", 0.032)


def test_the_figures_a_reference_states_are_each_given_once_as_they_are_meant():
    assert stated_figures("The P/E ratio is 15, i.e. 60 / 4: 15.") == [15, 60, 4]
    assert stated_figures("Un chiffre d'affaires de 1,2 Md€, une marge de 12,5 %.") == [1_200_000_000, 12.5]
    assert stated_figures("Risk: HIGH.") == []


def test_the_figures_only_one_of_two_answers_states_are_told_apart_from_those_both_state():
    assert unshared("The P/E is 60 / 4 = 15.", "Le PER vaut 60 / 4 = 16 fois.") == (["15"], ["16"], ["60", "4"])
    # rounded, or written the other language's way, a figure is the same one
    assert unshared("A margin of 8.16%, i.e. €1,200,000.", "Une marge de 8,2 %, soit 1,2 million d'euros.") == (
        [], [], ["8.16%", "€1,200,000"])
    assert unshared("It is 15.", "It is 15.2.") == (["15"], ["15.2"], [])  # 1.3% apart: not rounding
    assert unshared("A loss of -3.2%, from 0.", "Une perte de −3,2 % depuis 0,0.") == ([], [], ["-3.2%", "0"])
    assert unshared("8.16", "8.2") == ([], [], ["8.16"]) and unshared("8.2", "8.16") == ([], [], ["8.2"])
    # the sign is the words' business: a fall of 4.5% and a change of -4,5 % state one figure
    assert unshared("The price falls by about 4.5%.", "Variation du prix : −4,5 %.") == ([], [], ["4.5%"])
    assert unshared("Change: -4.5%.", "Change: -4.6%.") == (["-4.5%"], ["-4.6%"], [])
    # rounded to fewer decimals, however small the figure: 1.85% and 1,9 % (2.7% apart) are one
    assert unshared("NIM fell to 1.85%.", "La MNI tombe à 1,9 %.") == ([], [], ["1.85%"])
    assert unshared("A rate of 4.75%.", "Un taux de 4,8 %.") == ([], [], ["4.75%"])
    assert unshared("A rate of 4.75%.", "Un taux de 4,5 %.") == (["4.75%"], ["4,5 %"], [])
    assert unshared("Inflation of 2%.", "Inflation of 2.4%.") == (["2%"], ["2.4%"], [])  # a whole number is its own
    # a year is no figure rounded: 2024 and 2025 are 0.05% apart
    assert unshared("A default rate of 2.4% in 2025.", "Un taux de défaut de 2,4 % en 2024.") == (
        ["2025"], ["2024"], ["2.4%"])
    # a numbered list's markers are not figures; each figure is listed once
    assert unshared("1. Growth of 3%\n2. Growth of 3%\n3) Risk", "Growth: 3 %.") == ([], [], ["3%"])
    assert unshared("Duration measures rate sensitivity.", "No figure here.") == ([], [], [])


def test_where_an_answer_writes_a_figure_the_other_does_not_state_is_found_in_its_own_text():
    first = "1. Le PER vaut 60\u202f000 / 4 = 15\u00a0000 …\n2. Marge : 8,16 % ; croissance 3 %."
    places = unshared_places(first, "The P/E is 60,000 / 4 = 16,000; margin 8.2%.")
    assert [first[a:b] for a, b in places] == ["15\u00a0000", "3 %"]  # as written, no-break space and all
    assert unshared_places("It is 15, then 15 again.", "It is 16.") == [(6, 8), (15, 17)]  # each place
    assert unshared_places("It is 15.", "Il vaut 15,0.") == []


def test_a_time_of_day_is_one_figure_however_it_is_written():
    # the transaction's hour, as two models write it: no "only A states 00"
    assert unshared("The wire was sent at 23:00.", "Le virement a été émis à 23h00.") == ([], [], ["23:00"])
    assert unshared("Sent at 23:00.", "Sent at 11 pm, to a new payee.") == ([], [], ["23:00"])
    assert unshared("Envoyé à 23 h.", "Sent at 23:00.") == ([], [], ["23"])
    assert unshared("At 23:30.", "À 23 h 30.") == ([], [], ["23:30"])
    assert unshared("At 23:30.", "À 23 h.") == (["23:30"], ["23"], [])
    assert unshared("At 2 a.m.", "At 02:00, then 3 PMs approved it.") == ([], ["3"], ["2 a.m."])
    text = "Envoyé à 23\u202fh\u202f30."
    assert [text[a:b] for a, b in unshared_places(text, "Sent at 23:00.")] == ["23\u202fh\u202f30"]  # as written
    assert states("sent at 11:30 pm", 23.5) and states("sent at 11 pm", 11) and not states("at 23:00", 0)


def test_a_date_is_one_figure_however_it_is_written():
    assert unshared("On 15/03/2024 the client sent 5,000 USD.", "Le 15 mars 2024, le client a envoyé 5 000 USD.") == (
        [], [], ["15/03/2024", "5,000"])  # not "only A states 03"
    assert unshared("DORA applies from 17 January 2025.", "DORA s'applique depuis le 17/01/2025.") == (
        [], [], ["17 January 2025"])
    assert unshared("Deadline: 2025-01-17.", "Échéance : 1er février 2025.") == (
        ["2025-01-17"], ["1er février 2025"], [])
    # a day apart is another day, however close the two are as numbers
    assert unshared("Deadline: March 15, 2024.", "Échéance : 16 mars 2024.") == (
        ["March 15, 2024"], ["16 mars 2024"], [])
    # 03/04/2024 is 3 April in Europe, March 4 in the United States: either
    assert unshared("On 03/04/2024.", "On March 4, 2024.")[2] == ["03/04/2024"]
    assert unshared("On 03/04/2024.", "Le 3 avril 2024.")[2] == ["03/04/2024"]
    # a date states its year and its day too, for the other answer and for a check
    assert unshared("In 2024, revenue rose.", "On 15 March 2024, revenue rose.") == ([], ["15 March 2024"], ["2024"])
    assert states("on 15 March 2024", 2024) and states("on 15 March 2024", 15) and not states("on 15 March 2024", 3)
    # a number check drawn from an answer keeps a date and a time as written: that day, that hour
    assert stated_figures("DORA applies from 17 January 2025, at 23:00; 17 staff.") == ["17 January 2025", "23:00", 17]
    # no such day: its numbers are read as written
    assert [f.text for f in figures("31/02/2024")] == ["31", "02", "2024"]


def test_a_day_without_its_year_is_one_figure_where_it_cannot_be_a_figure():
    # the year-end, as two models write it: no "only A states 12"
    assert unshared("Accounts are closed on 31/12.", "Les comptes sont arrêtés au 31 décembre.") == (
        [], [], ["31/12"])
    assert unshared("Report by 03/15.", "Report by March 15.") == ([], [], ["03/15"])  # month first, as in the US
    assert unshared("Due 1er avril.", "Due on 01/04.")[2] == ["1er avril"]
    assert unshared("On 15 March.", "On 16 March.") == (["15 March"], ["16 March"], [])  # a day apart
    # a day without its year is that day with one, not the same day of another year
    assert unshared("By 15/03.", "By 15 March 2025.") == ([], [], ["15/03"])
    assert unshared("The deadline is 15 March 2025.", "The deadline is 15 March.") == ([], [], ["15 March 2025"])
    assert unshared("Due 15 March 2025.", "Due 15 March 2026.") == (["15 March 2025"], ["15 March 2026"], [])
    assert unshared("Due 15 March.", "Due 16 March 2025.") == (["15 March"], ["16 March 2025"], [])
    assert unshared("Due 15 March 2025.", "A fee of €315.") == (["15 March 2025"], ["€315"], [])
    assert stated_figures("The report is due on 31 January.") == ["31 January"]
    assert not states("Due 15 March.", 315) and states("A fee of €315.", 315)  # a day is not the number it is kept as
    # what is no day: a score, round the clock, a split, a fraction, two digits with no word that leads to a day,
    # "may" without its capital
    for text in ("A score of 12/20.", "Monitored 24/7.", "A 60/40 split.", "3/4 of the book.", "Ratio 10/12.",
                 "The 15 may be revised."):
        assert all(not f.exact for f in figures(text)), text


def test_basis_points_are_the_percentage_they_stand_for():
    assert unshared("Rates rose 25 bp.", "Les taux ont augmenté de 0,25 %.") == ([], [], ["25 bp"])
    assert unshared("A 200 bps shock.", "Un choc de +200 points de base, soit 2 %.") == ([], [], ["200 bps"])
    assert unshared("Spread: 150 basis points.", "Spread : 1,6 %.") == (["150 basis points"], ["1,6 %"], [])
    assert states("a spread of 150 bp", 0.015) and states("a spread of 150 bp", 150)


def test_a_numbered_lists_markers_are_found_after_blank_lines_indents_and_tabs_not_across_lines():
    """The markers' pattern takes the spaces and tabs before a marker on its own line only: it once
    took newlines too, which made each line's start scan every newline after it."""
    answer = "Steps:\n\n\n  1. Revenue 12\n\t2) Costs 7\n3.5 is a ratio\n\n\n"
    assert unshared_places(answer, "") == [
        (answer.index("12"), answer.index("12") + 2), (answer.index("7"), answer.index("7") + 1),
        (answer.index("3.5"), answer.index("3.5") + 3)]


@pytest.mark.parametrize("text", [
    "Articles 6 and 9 of the regulation apply, as does art. 12.",
    "Voir l'article R. 561-38 et l'article L561-2 du CMF, puis l'article 5 et l'annexe 2.",
    "Le règlement (UE) 2019/2088 et la directive 2014/65/UE; Regulation (EU) No 575/2013.",
    "IAS 39 gave way to IFRS 17 and AMLD 6; Tier 2 instruments; stage 3 loans; Pillar 1.",
    "The Nikkei 225, the FTSE 250 and the Euro Stoxx 50 all closed lower.",
    "See the 8-K and the 20-F filed after Covid-19.",
    "Level 2 inputs; les actifs de niveau 3.",
    "Report within the time 31 CFR 1010.311 sets, and see 12 U.S.C. 1829b and § 5318.",
    "Loans move between Stages 1, 2 and 3; Articles 8 to 10 and Pillars 1–3 apply.",
])
def test_a_number_that_is_part_of_a_name_is_no_figure_an_answer_states(text):
    assert unshared(text, "Nothing.") == ([], [], []) and stated_figures(text) == []
    assert figures(text)  # read as numbers all the same: a check may ask for "16" (FATF Recommendation 16)


def test_a_name_word_before_a_figure_with_a_unit_or_a_score_leaves_it_a_figure():
    assert unshared("Tier 1 stands at 14%, stage 2%.", "Nothing.")[0] == ["14%", "2%"]
    assert unshared("The DAX 1.5% higher; risk level 4 of 5; un niveau 3 sur 5.", "Rien.")[0] == [
        "1.5%", "4", "5", "3"]
    assert unshared("Article 8 funds hold €2bn.", "They hold 2 billion euros.") == ([], [], ["€2bn"])
    assert stated_figures("1. Open the account.\n2. Under IFRS 16, leases of 12 months or less.") == [12]
    assert stated_figures("Article 8, 12 months after; Articles 8, 12 and 15% apply.") == [12, 15]  # no list


def test_the_first_figure_of_a_range_takes_the_unit_written_after_the_second():
    assert _read("capex of €2.1–2.4bn") == [("€2.1", (2.1, 2.1e9)), ("2.4bn", (2.4, 2.4e9))]
    assert _read("une croissance de 4 à 6 %")[0] == ("4", (4.0, 0.04))
    assert _read("between 3 and 3.5 million")[0] == ("3", (3.0, 3e6))
    assert _read("in 2022 and 1.1bn")[0] == ("2022", (2022.0,))  # no range without "between"
    assert _read("from 2020-2023") == [("2020", (2020.0,)), ("2023", (2023.0,))]
    assert stated_figures("Guidance: 2.1-2.4bn.") == [2_100_000_000, 2_400_000_000]



def test_a_sign_before_the_currency_or_an_en_dash_for_a_minus_makes_a_loss():
    assert [f.values[0] for f in figures("Net loss widened to -$45.2m from –€12.9m; margin –3.2%.")] == [
        -45.2, -12.9, -3.2]
    # a range's dash is no sign, nor a dash between a currency code and its sign
    assert [f.values[0] for f in figures("€10k–$12k over 2020–2024; 2.4–2.6%; USD-$5m")] == [
        10, 12, 2020, 2024, 2.4, 2.6, 5]


@pytest.fixture(scope="module")
def answer_reading():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        import answer_reading  # the bench that prints these figures; its matching of labels to figures
    finally:
        sys.path.pop(0)
    return answer_reading


@pytest.mark.parametrize("name", sorted(p.name for p in ASSETS.glob("figures_eval*.jsonl")))
def test_the_labelled_sets_of_answers_are_read_figure_for_figure(answer_reading, name):
    read = answer_reading.figures_stated(name)
    assert read["n"] >= 30 and read["answers_right"] == 1.0, read


@pytest.mark.parametrize("name", sorted(p.name for p in ASSETS.glob("figures_pairs_eval*.jsonl")))
def test_the_labelled_pairs_have_the_figures_only_one_states_told_apart(answer_reading, name):
    read = answer_reading.figures_unshared(name)
    assert read["n"] >= 12 and read["pairs_right"] == 1.0, read
