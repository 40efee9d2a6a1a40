"""How the two systems differ on one comparison (disagreements first, then speed and length), and over a run."""

from __future__ import annotations

from typing import Any

from engines.base import ConfigurationError, EngineError, StreamStats
from engines.systems import NO_MODEL_CALL
from ui.batch_view import table_rows
from ui.compare_view import differences_md
from workbench.agreement import (
    figures_agreement,
    figures_line,
    references_agreement,
    references_line,
    risk_agreement,
    risk_line,
)
from workbench.compare import Experiment, SystemRun, record
from workbench.differences import differ_on, differences, disagreements, question_language, references_apart
from workbench.report import findings, run_report
from workbench.summary import flat_rows


def _run(name: str, response: str, reasoning: str = "Let me think about the ratio first.", *,
         ttft: float = 0.1, total: float = 2.0, finish: str = "stop", unclosed: bool = False,
         route: str | None = None, error: EngineError | None = None) -> SystemRun:
    extras: dict[str, Any] = {}
    if route:
        extras = {"route": route, "route_confidence": 0.8, "route_reasons": ["amount"],
                  "handling_mode": route}
    stats = StreamStats(model_id="m", finish_reason=finish, ttft_s=ttft, total_s=total,
                        reasoning_tokens=30, content_tokens=10, reasoning_unclosed=unclosed, extras=extras)
    return SystemRun(name, reasoning=reasoning, response=response, done=True, stats=stats, error=error)


def _rec(a: SystemRun | None, b: SystemRun | None, query: str = "What is a price-to-earnings ratio?",
         **exp: Any) -> dict[str, Any]:
    runs = {"A": a or SystemRun("System A", skipped=True, done=True),
            "B": b or SystemRun("System B", skipped=True, done=True)}
    return record(Experiment(id="exp-1", query=query, **exp), runs)


EN_ANSWER = "The price-to-earnings ratio divides the share price by the earnings per share of the company."
FR_ANSWER = "Le ratio cours sur bénéfice divise le cours de l'action par le bénéfice par action de la société."


def test_a_refusal_on_one_side_comes_first():
    lines = differences(_rec(_run("System A", "I can't help with that: it would mean insider trading."),
                             _run("System B", EN_ANSWER)))
    assert lines[0] == "A refused, B answered."


def test_answers_alike_in_time_and_kind_say_so():
    lines = differences(_rec(_run("System A", EN_ANSWER, ttft=0.100, total=2.00),
                             _run("System B", EN_ANSWER, ttft=0.105, total=2.10)))
    assert lines == ["First token: about the same (A 100 ms, B 105 ms).",
                     "Finished: about the same (A 2.00 s, B 2.10 s).",
                     "Tokens: A 40, 75% reasoning; B 40, 75% reasoning."]


def test_the_faster_system_is_named_with_the_ratio():
    lines = differences(_rec(_run("System A", EN_ANSWER, ttft=0.48, total=6.0),
                             _run("System B", EN_ANSWER, ttft=0.12, total=2.0)))
    assert "First token: B 4.0× sooner than A (A 480 ms, B 120 ms)." in lines
    assert "Finished: B 3.0× sooner than A (A 6.00 s, B 2.00 s)." in lines


def test_a_part_not_in_the_question_language_is_named():
    rec = _rec(_run("System A", FR_ANSWER, reasoning="Je réfléchis d'abord à la définition du ratio."),
               _run("System B", EN_ANSWER), query="Qu'est-ce que le ratio cours sur bénéfice ?")
    assert question_language(rec) == "fr"
    lines = differences(rec)
    assert ("The question is in French; B's answer is in English, B's reasoning is in English."
            in lines), lines


def test_a_refusal_worded_in_another_language_is_not_flagged_as_off_language():
    refusal = "I can't help with that: it would mean insider trading."  # English, to a French question
    lines = differences(_rec(_run("System A", refusal, reasoning=""), _run("System B", FR_ANSWER, reasoning=""),
                             query="Comment acheter des actions avant une annonce ?", lang="fr"))
    assert not any("The question is in" in line for line in lines), lines


def test_a_budget_spent_inside_the_reasoning_and_a_route_off_the_expected_one():
    lines = differences(_rec(_run("System A", EN_ANSWER, finish="length"),
                             _run("System B", "", finish="length", unclosed=True, route="governance"),
                             expected_route="transaction_risk"))
    assert "A stopped at its token budget." in lines
    assert "B's token budget ran out inside its reasoning: its answer is missing or cut short." in lines
    assert "B's router chose governance; the experiment expects transaction_risk." in lines


def test_an_answer_bounded_by_the_models_context_is_not_blamed_on_its_budget():
    cut = _run("System B", "", finish="length", unclosed=True)
    cut.stats.extras["context_room"] = 148
    ended = _run("System A", EN_ANSWER)
    ended.stats.extras["context_room"] = 300  # room to spare: it finished before the context did
    lines = differences(_rec(ended, cut))
    assert ("B filled the model's context inside its reasoning (its answer is missing or cut short): the prompt "
            "left 148 tokens for the answer, fewer than its budget; a shorter prompt, not a larger budget, gives "
            "it more room.") in lines
    assert not any("token budget" in line or line.startswith("A filled") for line in lines), lines


def test_a_system_that_did_not_answer_leaves_nothing_to_weigh():
    missing = ConfigurationError("set DEEPSEEK_API_KEY")
    a = _run("System A", "", reasoning="", finish="error", error=missing)
    assert differences(_rec(a, _run("System B", EN_ANSWER))) == ["A is not configured; only B answered."]
    b = _run("System B", "", reasoning="", finish="error", error=EngineError("out of memory"))
    assert differences(_rec(_run("System A", EN_ANSWER), b)) == ["B failed; only A answered."]
    assert differences(_rec(a, b)) == ["Neither system answered: nothing to compare."]


def test_one_system_run_alone_gives_no_comparison():
    rec = _rec(None, _run("System B", EN_ANSWER))
    assert differences(rec) == [] and differences_md(rec) == ""
    assert differences_md(None) == ""


def test_the_rendered_list_escapes_what_an_uploaded_file_put_in_it():
    rec = _rec(_run("System A", EN_ANSWER), _run("System B", EN_ANSWER, route="governance"),
               expected_route="<img src=x>")
    text = differences_md(rec)
    assert text.startswith("**How they differ**\n\n- ")
    assert "&lt;img src=x>" in text and "<img" not in text


def test_a_stopped_system_is_said_to_have_partial_figures():
    lines = differences(_rec(_run("System A", EN_ANSWER[:20], finish="cancelled"), _run("System B", EN_ANSWER)))
    assert "A was stopped before the end: its figures are partial." in lines


def test_the_csv_rows_of_an_experiment_carry_its_differences():
    rec = _rec(_run("System A", "I can't help with that: it would mean insider trading."), _run("System B", EN_ANSWER))
    rows = flat_rows([rec])
    assert [r["system"] for r in rows] == ["A", "B"]
    assert {r["how_they_differ"] for r in rows} == {" | ".join(differences(rec))}
    assert rows[0]["how_they_differ"].startswith("A refused, B answered. | ")
    assert {r["disagree_on"] for r in rows} == {"refusal"}  # a column to filter on in a spreadsheet
    alone = flat_rows([_rec(None, _run("System B", EN_ANSWER))])[0]
    assert alone["how_they_differ"] is None and alone["disagree_on"] is None


def test_a_refusal_the_router_gave_without_the_model_is_not_timed_against_a_model():
    canned = _run("System B", "I can't help with that request: it would facilitate financial crime.", reasoning="",
                  ttft=0.0002, total=0.0002, route="explicit_refusal")
    canned.stats.model_id = NO_MODEL_CALL
    lines = differences(_rec(_run("System A", "I can't help with that: it is money laundering.", total=1.62),
                             canned))
    assert "Timing: B's answer came from its router's policy, without a model call; A's model finished in 1.62 s." \
        in lines
    assert not any("sooner" in line for line in lines)  # it said "B 8122.0× sooner than A"


def test_with_prices_set_the_costs_are_set_against_each_other():
    def priced(a_cost: float | None, b_cost: float | None) -> list[str]:
        rec = _rec(_run("System A", EN_ANSWER), _run("System B", EN_ANSWER))
        rec["system_a"]["metadata"]["cost_usd"] = a_cost
        rec["system_b"]["metadata"]["cost_usd"] = b_cost
        return differences(rec)

    assert priced(0.00031, 0.000026)[-1] == "Cost: A 11.9× B's (A $0.00031, B $0.000026)."
    assert priced(0.00002, 0.0002)[-1] == "Cost: B 10.0× A's (A $0.00002, B $0.0002)."
    assert priced(0.00030, 0.00031)[-1] == "Cost: about the same (A $0.0003, B $0.00031)."
    assert priced(0.00031, 0.0)[-1] == "Cost: B's was free (A $0.00031, B $0)."
    assert not priced(0.00031, None)[-1].startswith("Cost")  # one system without prices: no comparison


def test_the_figures_one_answer_states_and_the_other_does_not_are_named_as_each_writes_them():
    rec = _rec(_run("System A", "The P/E ratio is 60 / 4 = 15, a margin of 8.16%."),
               _run("System B", "Le PER vaut 60 / 4 = 16 ; la marge est de 8,2 %.", reasoning="It is 60/4 = 15."),
               query="P/E for a price of 60 and earnings of 4?")
    assert "Figures: only A states 15; only B states 16 (both state 60, 4, 8.16%)." in differences(rec)
    same = differences(_rec(_run("System A", "It is 15."), _run("System B", "Il vaut 15,0.")))
    assert "Figures: both state the same (15)." in same
    assert not [line for line in differences(_rec(_run("System A", EN_ANSWER), _run("System B", FR_ANSWER)))
                if line.startswith("Figures")], "no figure on either side: no line"
    refused = differences(_rec(_run("System A", "I can't help with that."), _run("System B", "It is 15.")))
    assert not [line for line in refused if line.startswith("Figures")], "a refusal states no result to weigh"
    many = differences(_rec(_run("System A", "1 2 3 4 5 6 7 8"), _run("System B", "9")))
    assert "Figures: only A states 1, 2, 3, 4, 5, 6 and 2 more; only B states 9." in many


def test_the_rules_and_classes_one_answer_cites_by_number_and_the_other_does_not_are_named():
    rec = _rec(_run("System A", "Under IFRS 9 the loan moves to Stage 2; the fund is an Article 8 fund."),
               _run("System B", "Selon IFRS 9, le prêt passe en stage 3 ; le fonds relève de l'article 9."))
    assert "References: only A cites Stage 2, Article 8; only B cites stage 3, article 9 (both cite IFRS 9)." in (
        differences(rec))
    same = differences(_rec(_run("System A", "See Articles 8 and 9."),
                            _run("System B", "Voir l'art. 9 et l'article 8.")))
    assert "References: both cite the same (Article 8, Article 9)." in same
    refused = differences(_rec(_run("System A", "I can't help with that."), _run("System B", "Under IFRS 9, no.")))
    assert not [line for line in refused if line.startswith("References")]
    assert not [line for line in differences(_rec(_run("System A", EN_ANSWER), _run("System B", FR_ANSWER)))
                if line.startswith("References")], "no name with a number on either side: no line"
    # a batch's table and CSV: "references" among what they differ on, where each cites one
    assert references_apart(rec) is True and differ_on([], None, references_apart(rec)) == "references"
    assert references_apart(_rec(_run("System A", "Under IFRS 9."), _run("System B", "Selon IFRS 9."))) is False
    assert references_apart(_rec(_run("System A", "Under IFRS 9."), _run("System B", EN_ANSWER))) is None
    assert {r["references_apart"] for r in flat_rows([rec])} == {True}
    # a run: how often its two answers cite the same names (the report, the headless batch, REST)
    alike = _rec(_run("System A", "Under IFRS 9."), _run("System B", "Selon IFRS 9."))
    records = [{**rec, "experiment_id": "e1"}, {**alike, "experiment_id": "e2"}]
    assert references_agreement(records) == {"experiments": 2, "same": 1, "apart": ["e1"]}
    assert references_line(records) == ("of 2 experiments where both answers cite a rule or a class by number, "
                                         "the same ones in 1; ones only one cites in 1 (e.g. `e1`)")


def test_two_answers_that_rate_a_transaction_differently_disagree_on_its_risk():
    tx = {"amount": 72000, "currency": "EUR", "country": "PA"}
    rec = _rec(_run("System A", "**Risk level:** Medium. Ask for the invoice first."),
               _run("System B", "Risque : ÉLEVÉ. Le montant vaut 14 fois la moyenne."),
               query="Évalue le risque de cette transaction.", transaction=tx, lang="fr")
    lines = differences(rec)
    assert "Risk level: A rates it medium, B high." in lines
    assert lines.index("Risk level: A rates it medium, B high.") < next(
        i for i, line in enumerate(lines) if line.startswith("First token"))  # a disagreement, before speed
    assert disagreements(rec) == ["language", "risk"]  # A answered a French question in English
    rows = flat_rows([rec])
    assert [r["risk_level"] for r in rows] == ["medium", "high"]  # the CSV's column
    assert {r["disagree_on"] for r in rows} == {"language, risk"}
    assert [r["risk_level"] for r in table_rows([rec])] == ["medium", "high"]  # the batch table's *risk* column

    same = _rec(_run("System A", "A high-risk transfer: hold it."), _run("System B", "Risk: HIGH."), transaction=tx)
    assert "Risk level: both rate it high." in differences(same) and "risk" not in disagreements(same)
    one = _rec(_run("System A", "Hold it and call the customer."), _run("System B", "Risk: low."), transaction=tx)
    assert "Risk level: only B rates it (low)." in differences(one) and "risk" not in disagreements(one)
    refused = _rec(_run("System A", "I can't help with that."), _run("System B", "Risk: low."), transaction=tx)
    assert not [line for line in differences(refused) if line.startswith("Risk level")]
    assert flat_rows([refused])[0]["risk_level"] is None
    unrated = differences(_rec(_run("System A", EN_ANSWER), _run("System B", EN_ANSWER)))
    assert not [line for line in unrated if line.startswith("Risk level")]


def test_a_run_says_how_often_its_two_answers_rate_the_risk_alike_and_which_is_the_more_wary():
    def rec(exp_id: str, a: str, b: str) -> dict[str, Any]:
        return {**_rec(_run("System A", a), _run("System B", b)), "experiment_id": exp_id}

    records = [rec("e1", "Risk: HIGH.", "A high-risk wire."), rec("e2", "Risk: medium.", "Risque : faible."),
               rec("e3", "Risk: high.", "Risk: low."), rec("e4", "Risk: low.", "Risk: medium."),
               rec("e5", "Hold it.", "Risk: low."),  # one gives no level
               rec("e6", "I can't help with that.", "Risk: low."),  # a refusal
               rec("e7", "Risk: high", "Risk: medium"), rec("e8", "Risk: high", "Risk: medium"),
               rec("e9", "Risk: high", "Risk: medium")]
    assert risk_line(records) == ("of 7 experiments where both answers rate the risk, the same level in 1; "
                                  "A higher in 5 (e.g. `e2`, `e3`, `e7`, …); B higher in 1 (e.g. `e4`)")
    assert risk_line(records[:1]) == "of 1 experiment where both answers rate the risk, the same level in 1"
    assert risk_line(records[4:6]) == ""
    found = risk_agreement(records)
    assert (found["experiments"], found["same"]) == (7, 1)
    assert found["higher"] == {"A": ["e2", "e3", "e7", "e8", "e9"], "B": ["e4"]}
    levels = found["levels"]  # A's level, then B's: every level of the scale, in order
    assert list(levels) == list(levels["high"]) == ["low", "low-medium", "medium", "medium-high", "high"]
    assert {(a, b): n for a, row in levels.items() for b, n in row.items() if n} == {
        ("low", "medium"): 1, ("medium", "low"): 1, ("high", "low"): 1, ("high", "medium"): 3, ("high", "high"): 1}
    written = run_report("nightly", records)  # the table of levels, in the run's report
    assert ("## Risk levels, A against B\n\nThe level each answer gives a transaction, where both give one (7 "
            "experiments)") in written
    assert "|  | B low | B medium | B high |\n|---|---|---|---|\n| A low | 0 | 1 | 0 |" in written
    assert "| A high | 1 | 3 | 1 |" in written
    assert "## Risk levels" not in run_report("nightly", records[4:6])  # none where both rate it
    between = [*records, rec("e10", "**Risk Level: MEDIUM-HIGH**", "Risque : élevé.")]
    assert risk_agreement(between)["higher"]["B"] == ["e4", "e10"]  # high is above medium-high
    written = run_report("nightly", between)  # the table shows the levels either system gave, in order
    assert "|  | B low | B medium | B medium-high | B high |" in written  # low-medium: neither gave it
    assert "| A medium-high | 0 | 0 | 0 | 1 |" in written
    assert "**The risk levels they give:** of 7 experiments" in findings(records)  # under the run's table


def test_a_run_says_how_often_its_two_answers_state_the_same_figures_and_where_they_do_not():
    def rec(exp_id: str, a: str, b: str) -> dict[str, Any]:
        return {**_rec(_run("System A", a), _run("System B", b)), "experiment_id": exp_id}

    records = [rec("e1", "It is 15.", "Il vaut 15,0."), rec("e2", "60 / 4 = 15.", "60 / 4 = 16."),
               rec("e3", "Duration measures rate sensitivity.", "It is 15."),  # one without figures
               rec("e4", "I can't help with that.", "It is 15."),  # a refusal
               rec("e5", "It is 3%.", "It is 4%."), rec("e6", "It is 3%.", "It is 5%."), rec("e7", "1", "2")]
    assert figures_line(records) == ("of 5 experiments where both answers state figures, the same ones in 1; "
                                     "figures only one states in 4 (e.g. `e2`, `e5`, `e6`, …)")
    assert figures_line(records[:1]) == "of 1 experiment where both answers state figures, the same ones in 1"
    assert figures_line(records[2:4]) == ""
    assert figures_agreement(records) == {"experiments": 5, "same": 1, "apart": ["e2", "e5", "e6", "e7"]}  # REST
    assert "**The answers' figures:** of 5 experiments" in findings(records)
    # the CSV says it per experiment; the table's differ-on column lets the filter box find them
    assert {(r["experiment_id"], r["figures_apart"]) for r in flat_rows(records)} == {
        ("e1", False), ("e2", True), ("e3", None), ("e4", None), ("e5", True), ("e6", True), ("e7", True)}
    shown = {r["experiment_id"]: r["differ_on"] for r in table_rows(records)}
    assert (shown["e1"], shown["e2"], shown["e4"]) == (None, "figures", "refusal")
