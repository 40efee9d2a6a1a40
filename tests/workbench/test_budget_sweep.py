"""The token-budget sweep: the tokens each answer needs, the completion rate at each budget per
thinking mode, question type and language, the budget that completes 95%, and a saved sweep read
back."""

from __future__ import annotations

import pytest

from engines.base import ChatRequest, collect
from tests.workbench.test_fren import GREEDY, Failing, Scripted, french_definitions
from workbench.budget_sweep import budget_for_all, budget_line, completion_table, needed_tokens
from workbench.export import write_csv
from workbench.fren import load_probes


def test_a_budget_below_the_reasoning_length_truncates_and_the_sweep_finds_one_that_completes(local_engine):
    probe = french_definitions(1)[0]
    small = collect(local_engine.stream(ChatRequest.single(probe.question, params=GREEDY.model_copy(
        update={"max_new_tokens": 24}))))
    assert small.stats.truncated_in_reasoning and small.content == ""
    probes = [p for p in load_probes() if p.id.startswith(("def-pe", "calc-fx", "def-etf", "calc-roe"))]
    needs = list(needed_tokens(local_engine, probes, GREEDY))
    table = {row["type"]: row for row in completion_table(needs, [24, 64, 128, 256], by=("type",))}
    assert table["definition"]["≤24"] == 0.0
    assert table["definition"]["smallest budget ≥95% (of those tried)"] in (64, 128, 256)
    exact = table["definition"]["exact budget for 95%"]
    # the measured budget really completes, one token less does not (for the longest answer)
    longest = max((n for n in needs if n["type"] == "definition"), key=lambda n: n["needed"])
    question = next(p.question for p in probes if p.id == longest["probe"])
    fits = collect(local_engine.stream(ChatRequest.single(question, params=GREEDY.model_copy(
        update={"max_new_tokens": exact, "seed": 0}))))
    short = collect(local_engine.stream(ChatRequest.single(question, params=GREEDY.model_copy(
        update={"max_new_tokens": exact - 1, "seed": 0}))))
    assert fits.stats.finish_reason == "stop"
    assert short.stats.finish_reason == "length"
    # the budget for every type is the largest type's; a type that never reached 95% leaves none
    both = completion_table(needs, [24, 64, 128, 256])
    assert budget_for_all(both) == max(row["exact budget for 95%"] for row in both) >= exact
    assert budget_for_all(completion_table(needs, [24])) == budget_for_all(both)  # measured past the budgets
    assert budget_for_all([*both, {"type": "essay", "exact budget for 95%": None}]) is None


def test_the_sweep_measures_what_thinking_costs_per_question_language(local_engine):
    probes = [p for p in load_probes() if p.id.startswith(("def-pe", "def-etf"))]  # English and French twins
    needs = list(needed_tokens(local_engine, probes, GREEDY, thinking=["off", "on"]))
    assert len(needs) == 2 * len(probes)
    on = {n["probe"]: n for n in needs if n["thinking"] == "on"}
    off = {n["probe"]: n for n in needs if n["thinking"] == "off"}
    assert all(off[p]["reasoning_tokens"] == 0 < on[p]["reasoning_tokens"] for p in on)
    assert all(off[p]["needed"] < on[p]["needed"] for p in on)  # the reasoning is spent from the budget
    table = completion_table(needs, [24, 64, 128])
    # thinking on first, then type and language: a row each, so French and English are read apart
    assert [(r["thinking"], r["language"]) for r in table] == [("on", "en"), ("on", "fr"), ("off", "en"),
                                                               ("off", "fr")]
    assert all(r["reasoning share"] == 0 for r in table if r["thinking"] == "off")
    assert all(0 < r["reasoning share"] < 1 for r in table if r["thinking"] == "on")
    with_thinking, without = budget_for_all(table, "on"), budget_for_all(table, "off")
    assert without < with_thinking == max(n["needed"] for n in on.values())
    line = budget_line(table)
    assert f"{with_thinking} new tokens with thinking on, {without} with thinking off" in line
    assert f"thinking makes it {with_thinking / without:.1f}× larger" in line
    # the budget measured with thinking off completes with thinking off, one token less does not
    longest = max(off.values(), key=lambda n: n["needed"])
    question = next(p.question for p in probes if p.id == longest["probe"])
    params = GREEDY.model_copy(update={"enable_thinking": False, "seed": 0})
    for budget, finish in ((without, "stop"), (without - 1, "length")):
        res = collect(local_engine.stream(ChatRequest.single(question, params=params.model_copy(
            update={"max_new_tokens": budget}))))
        assert res.stats.finish_reason == finish
    # the chart's curves: every type together, a line per thinking mode and language
    curves = completion_table(needs, [24, 64, 128], by=("thinking", "language"))
    assert [r["questions"] for r in curves] == [2, 2, 2, 2] and "type" not in curves[0]


def test_the_budget_line_says_when_a_mode_needs_more_than_measured_and_when_french_needs_more():
    table = [{"thinking": "on", "type": "definition", "language": "fr", "exact budget for 95%": None},
             {"thinking": "off", "type": "definition", "language": "fr", "exact budget for 95%": 31},
             {"thinking": "off", "type": "definition", "language": "en", "exact budget for 95%": 29}]
    assert budget_line(table) == (
        "Budget that lets 95% of the questions of each type and language finish: more than the sweep measured "
        "with thinking on, 31 new tokens with thinking off. With thinking off, French questions need 31, "
        "English ones 29.")
    assert budget_for_all(table, "on") is None and budget_for_all(table, "off", "en") == 29
    same = [{**row, "exact budget for 95%": 40} for row in table]
    assert budget_line(same) == ("Budget that lets 95% of the questions of each type and language finish: "
                                 "40 new tokens with thinking on, 40 with thinking off (thinking makes it 1.0× "
                                 "larger).")


def test_a_failed_answer_is_left_out_of_the_budget_sweep_not_counted_as_never_finishing():
    probe = french_definitions(1)[0]
    ok = Scripted("The user asks about a ratio.", "Le ratio divise le prix par le bénéfice.")
    needs = list(needed_tokens(ok, [probe], GREEDY)) + list(needed_tokens(Failing(), [probe], GREEDY))
    assert needs[1]["error"] == "System A has no API key" and needs[1]["needed"] is None
    table = completion_table(needs, [64])
    assert table[0]["questions"] == 1 and table[0]["≤64"] == 1.0


def test_a_saved_sweep_reads_back_as_it_was_measured(tmp_path):
    from workbench.budget_sweep import read_sweep, write_sweep

    probe = french_definitions(1)[0]
    ok = Scripted("The user asks about a ratio.", "Le ratio divise le prix par le bénéfice.")
    needs = list(needed_tokens(ok, [probe], GREEDY, thinking=["on", "off"]))
    needs += list(needed_tokens(Failing(), [probe], GREEDY))
    for name in ("sweep.csv", "sweep.xlsx"):  # as the tab writes it: the table, then a row per question
        path = tmp_path / name
        write_sweep([{"engine": "System B · local model", **n} for n in needs], [16, 64], path)
        back, budgets = read_sweep(path)
        assert budgets == [16, 64], name
        assert [{k: n[k] for k in needs[0]} for n in back] == needs, name
        assert completion_table(back, budgets) == completion_table(needs, budgets)
    from openpyxl import load_workbook
    sheet = load_workbook(tmp_path / "sweep.xlsx", read_only=True)["budget-sweep"]
    header, first = list(sheet.iter_rows(max_row=2, values_only=True))
    assert first[header.index("≤64")] == 1  # a rate the spreadsheet can sum (a number), not text

    # one saved before thinking off could be measured: a lang column, no thinking column
    legacy = tmp_path / "legacy.csv"
    write_csv([{"type": "definition", "questions": 1, "≤64": 1.0},
               {"probe": probe.id, "type": "definition", "lang": "fr", "needed": 40, "reasoning_tokens": 20,
                "answer_tokens": 19, "finish_reason": "stop", "error": ""}], legacy, bom=True)
    (old,), _ = read_sweep(legacy)
    assert old["thinking"] == "on" and old["language"] == "fr" and old["needed"] == 40

    def refused(rows, match):
        bad = tmp_path / "bad.csv"
        write_csv(rows, bad, bom=True)
        with pytest.raises(ValueError, match=match):
            read_sweep(bad)

    row = {"probe": probe.id, "type": "definition", "language": "fr", "thinking": "on", "needed": 40,
           "finish_reason": "stop", "≤64": 1.0}
    refused([{k: v for k, v in row.items() if k != "needed"}], "lacks the column needed")
    refused([{k: v for k, v in row.items() if k != "≤64"}], "names no budget")
    refused([{k: v for k, v in row.items() if k != "language"}], "lacks the column language")
    refused([{**row, "thinking": "maybe"}], "row 2: thinking is 'maybe'")
    refused([{**row, "needed": "forty"}], "row 2: needed is 'forty'")
    refused([{**row, "probe": ""}], "no answers")
