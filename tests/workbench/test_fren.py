"""FR/EN inspection on the demo model: languages, strategies, truncation, stopping and saved inspections."""

from __future__ import annotations

import re
import threading
import time

import pytest

from engines.base import (
    Done,
    EngineError,
    GenerationParams,
    StreamStats,
    TextDelta,
)
from workbench.budget_sweep import needed_tokens
from workbench.export import write_csv, write_table
from workbench.fren import (
    COST_METRIC,
    NOT_AVAILABLE,
    STRATEGIES,
    custom_probes,
    failures,
    inspect_one,
    load_probes,
    matrix,
    read_inspection,
    run_inspection,
    sorted_rows,
    strategy_named,
    strategy_names,
    transcript_html,
)

GREEDY = GenerationParams(temperature=0, max_new_tokens=512)


def french_definitions(n: int = 4):
    return [p for p in load_probes() if p.type == "definition" and p.lang == "fr"][:n]


def test_probe_set_has_40_pairs_of_every_type():
    probes = load_probes()
    assert len(probes) >= 80
    assert {p.type for p in probes} == {"definition", "example", "calculation", "multipart"}
    assert {p.lang for p in probes} == {"en", "fr"}


def test_baseline_reasons_in_english_and_answers_in_french_the_adapter_flips_reasoning(local_engine):
    rows = list(run_inspection({"local": local_engine}, french_definitions(),
                               ["baseline", "french-reasoning adapter", "strip reasoning", "thinking off"], GREEDY))
    table = {r["strategy"]: r for r in matrix(rows, "fr")}
    base = table["baseline"]
    assert base["reasoning in question's language"] <= 0.25  # reasoning stays English
    assert base["answer in question's language"] >= 0.75  # answers come in French
    assert base["user sees one language"] <= 0.25
    assert table["french-reasoning adapter"]["reasoning in question's language"] >= 0.75
    assert table["strip reasoning"]["user sees one language"] >= 0.75
    assert table["thinking off"]["mean reasoning share"] == 0
    assert all(r["reasoning_lang"] == "en" for r in rows if r["strategy"] == "baseline")
    html = transcript_html(rows)
    assert 'data-lang="en"' in html and 'data-lang="fr"' in html


def test_any_loaded_adapter_is_a_strategy_and_its_inspection_opens_again(local_engine, demo_model_dir, tmp_path):
    """A new fine-tune loaded while the app runs is inspected as the bundled adapter is: "NAME
    adapter", beside the built-in strategies, in the matrix and in the saved CSV."""
    assert strategy_names(["french-reasoning", "fr-v2", "fr-v2"]) == [
        "baseline", "thinking off", "French system prompt", "French prefill", "french-reasoning adapter",
        "fr-v2 adapter", "strip reasoning"]
    assert strategy_named("fr-v2 adapter").adapter == "fr-v2" and strategy_named("fr-v2 adapter").local_only
    assert strategy_named("french-reasoning adapter") is STRATEGIES["french-reasoning adapter"]
    for unknown in ("nope", "bad name adapter", " adapter"):
        with pytest.raises(KeyError):
            strategy_named(unknown)
    local_engine.load_adapter("fr-v2", str(demo_model_dir / "adapters" / "french-reasoning"))
    try:
        rows = list(run_inspection({"local": local_engine}, french_definitions(2),
                                   ["baseline", "fr-v2 adapter", "gone adapter"], GREEDY))
    finally:
        local_engine.unload_adapter("fr-v2")
    table = {r["strategy"]: r for r in matrix(rows, "fr")}
    assert list(table) == ["baseline", "fr-v2 adapter"]  # an adapter not loaded: not available
    assert table["fr-v2 adapter"]["reasoning in question's language"] == 1
    assert table["baseline"]["reasoning in question's language"] == 0
    assert [r["error"] for r in rows if r["strategy"] == "gone adapter"] == [NOT_AVAILABLE] * 2
    assert [r["strategy"] for r in sorted_rows(rows)][-2:] == ["gone adapter"] * 2
    path = tmp_path / "fren.csv"
    write_csv(rows, path)
    assert matrix(read_inspection(path), "fr") == matrix(rows, "fr")


def test_remote_only_strategies_are_marked_not_available(local_engine):
    from engines.providers import RemoteConfig
    from engines.remote import RemoteEngine

    remote = RemoteEngine(RemoteConfig(provider="custom", base_url="http://127.0.0.1:9/v1", model="m"))
    rows = list(run_inspection({"remote": remote}, french_definitions(1), ["French prefill"], GREEDY))
    assert rows[0]["error"] == "not available for this engine"


def test_strategies_cover_the_issue():
    assert set(STRATEGIES) == {"baseline", "thinking off", "French system prompt", "French prefill",
                               "french-reasoning adapter", "strip reasoning"}


class Scripted:
    """An engine that writes the same reply to every question."""

    def __init__(self, reasoning: str, answer: str, cost: float | None = None) -> None:
        self.reasoning, self.answer, self.cost = reasoning, answer, cost

    def stream(self, request, cancel=None):
        yield TextDelta("reasoning", self.reasoning)
        yield TextDelta("content", self.answer)
        # with prices: an answer without thinking costs less (no reasoning tokens to pay for)
        extras = {} if self.cost is None else {
            "cost_usd": self.cost * (1.0 if request.params.enable_thinking else 0.4)}
        yield Done(StreamStats(model_id="scripted", finish_reason="stop", reasoning_tokens=20, content_tokens=30,
                               extras=extras))


def test_an_answer_half_in_english_is_mixed_not_french_and_the_user_does_not_see_one_language():
    bilingual = Scripted(
        "La question porte sur le ratio cours sur bénéfice et sur la manière de le calculer.",
        "Le ratio cours sur bénéfice divise le prix de l'action par le bénéfice par action.\n\n"
        "In other words, it tells you how many years of earnings the market is paying for the share.")
    probe = french_definitions(1)[0]
    row = inspect_one(bilingual, "scripted", probe, STRATEGIES["baseline"], GREEDY)
    assert row["reasoning_lang"] == "fr"
    assert row["answer_lang"] == "mixed"  # as Compare and Chat label the same text
    assert row["answer_matches_question"] is False
    assert row["user_sees_one_language"] is False
    assert 'data-lang="mixed"' in transcript_html([row]) and "[EN+FR]" in transcript_html([row])
    blank = inspect_one(Scripted("   ", "Le ratio divise le prix de l'action par le bénéfice."), "scripted", probe,
                        STRATEGIES["baseline"], GREEDY)
    assert blank["reasoning_lang"] == "none" and blank["reasoning_matches_question"] is None


def test_your_own_questions_take_a_language_prefix_and_one_too_short_to_tell_is_not_scored():
    probes = custom_probes("Qu'est-ce que le ratio cours sur bénéfice d'une action ?\n\n  EBITDA ?\n"
                           "FR: Spread ?\nen:P/E ratio?")
    assert [(p.id, p.lang, p.question) for p in probes] == [
        ("custom-1", "fr", "Qu'est-ce que le ratio cours sur bénéfice d'une action ?"),
        ("custom-2", "und", "EBITDA ?"), ("custom-3", "fr", "Spread ?"), ("custom-4", "en", "P/E ratio?")]
    french = Scripted("La question porte sur un indicateur et sur la manière de le calculer.",
                      "L'EBITDA est le résultat avant intérêts, impôts, dépréciations et amortissements.")
    unknown = inspect_one(french, "scripted", probes[1], STRATEGIES["baseline"], GREEDY)
    assert unknown["question_lang"] == "und" and unknown["answer_lang"] == "fr"
    # neither a match nor a miss: the rates count only questions whose language is known
    assert unknown["answer_matches_question"] is None and unknown["reasoning_matches_question"] is None
    assert unknown["user_sees_one_language"] is None
    told = inspect_one(french, "scripted", probes[2], STRATEGIES["baseline"], GREEDY)
    assert told["answer_matches_question"] is True and told["user_sees_one_language"] is True
    rates = matrix([unknown, told], None)[0]
    assert rates["answers"] == 2 and rates["answer in question's language"] == 1.0


def test_a_calculation_is_right_when_its_answer_states_a_right_figure_however_written(tmp_path):
    calculations = {p.id: p for p in load_probes() if p.type == "calculation"}
    assert len(calculations) == 20 and all(p.figures for p in calculations.values())  # each has its right figure
    pe, margin = calculations["calc-pe-calc-fr"], calculations["calc-gross-margin-en"]
    right = Scripted("Price over earnings: 60 / 4.", "Le ratio cours sur bénéfice vaut 15,0.")
    wrong = Scripted("Price over earnings: 4 / 60.", "Le ratio vaut 0,07 : on paie 60 euros pour 4.")
    assert inspect_one(right, "B", pe, STRATEGIES["baseline"], GREEDY)["right_figure"] is True
    assert inspect_one(wrong, "B", pe, STRATEGIES["baseline"], GREEDY)["right_figure"] is False  # 60 and 4 are not 15
    as_share = Scripted("500,000 - 350,000.", "The gross margin is 30% of sales.")
    assert inspect_one(as_share, "B", margin, STRATEGIES["baseline"], GREEDY)["right_figure"] is True
    definition = french_definitions(1)[0]  # a question without a figure to get right: not counted
    assert inspect_one(right, "B", definition, STRATEGIES["baseline"], GREEDY)["right_figure"] is None
    rows = list(run_inspection({"System A": wrong, "System B": right}, [pe, definition], ["baseline"], GREEDY))
    by = {r["engine"]: r for r in matrix(rows, "fr")}
    assert by["System A"]["right figure"] == 0 and by["System B"]["right figure"] == 1  # of 1 calculation each
    path = tmp_path / "fren.csv"
    write_csv(rows, path, bom=True)
    assert matrix(read_inspection(path), "fr") == matrix(rows, "fr")


def test_the_matrix_keeps_each_engine_apart_under_a_strategy():
    french = Scripted("La question porte sur le ratio et sur la manière de le calculer en pratique.",
                      "Le ratio divise le prix de l'action par le bénéfice par action.")
    english = Scripted("The user asks about the ratio and how to compute it in practice.",
                       "Le ratio divise le prix de l'action par le bénéfice par action.")
    rows = list(run_inspection({"System A": english, "System B": french}, french_definitions(2),
                               ["baseline", "thinking off"], GREEDY))
    table = matrix(rows, "fr")
    assert [(r["strategy"], r["engine"]) for r in table] == [
        ("baseline", "System A"), ("baseline", "System B"), ("thinking off", "System A"), ("thinking off", "System B")]
    by = {(r["strategy"], r["engine"]): r for r in table}
    assert by[("baseline", "System A")]["reasoning in question's language"] == 0
    assert by[("baseline", "System B")]["reasoning in question's language"] == 1
    assert all(r["answers"] == 2 for r in table)


def test_answers_are_listed_by_strategy_with_the_ones_that_could_not_run_last():
    def row(strategy, probe, engine, error=None):
        return {"strategy": strategy, "probe": probe, "engine": engine, "error": error}
    rows = [row("French prefill", "p1", "System A", "not available for this engine"),
            row("strip reasoning", "p1", "System B"), row("French prefill", "p1", "System B"),
            row("baseline", "p2", "System A"), row("baseline", "p1", "System B")]
    assert [(r["strategy"], r["probe"], r["engine"]) for r in sorted_rows(rows)] == [
        ("baseline", "p1", "System B"), ("baseline", "p2", "System A"), ("French prefill", "p1", "System B"),
        ("strip reasoning", "p1", "System B"), ("French prefill", "p1", "System A")]


class FirstTwoThenWait:
    """Answers its first two questions at once; later ones write a little and wait for a Stop."""

    def __init__(self) -> None:
        self.calls = 0
        self.lock = threading.Lock()

    def stream(self, request, cancel=None):
        with self.lock:
            self.calls += 1
            mine = self.calls
        yield TextDelta("reasoning", "The user asks about a ratio.")
        if mine > 2:
            cancel.wait(10)
            yield Done(StreamStats(model_id="slow", finish_reason="cancelled", reasoning_tokens=6))
            return
        yield TextDelta("content", "Le ratio divise le prix par le bénéfice.")
        yield Done(StreamStats(model_id="slow", finish_reason="stop", reasoning_tokens=6, content_tokens=9))


def test_a_stop_starts_nothing_new_and_leaves_out_the_answers_it_cut_short():
    engine, cancel = FirstTwoThenWait(), threading.Event()
    probes = french_definitions(20)
    rows = []
    started = time.perf_counter()
    for row in run_inspection({"System B": engine}, probes, ["baseline"], GREEDY, cancel, workers=2):
        rows.append(row)
        if len(rows) == 2:
            cancel.set()
    assert time.perf_counter() - started < 5  # the two waiting answers ended at the Stop
    # the two that finished and at most the two running at the Stop; none of the others queued
    assert len(probes) >= 10 and engine.calls <= 4
    assert len(rows) == 2 and all(r["finish_reason"] == "stop" for r in rows)
    assert matrix(rows, "fr")[0]["completed"] == 1.0

    sweep_engine, sweep_cancel = FirstTwoThenWait(), threading.Event()
    needs = []
    for need in needed_tokens(sweep_engine, probes, GREEDY, sweep_cancel, workers=2):
        needs.append(need)
        if len(needs) == 2:
            sweep_cancel.set()
    assert sweep_engine.calls <= 4 and [n["needed"] for n in needs] == [16, 16]


class Failing:
    """An engine whose every reply fails, as System A does without a key."""

    def stream(self, request, cancel=None):
        yield Done(StreamStats(model_id="m", finish_reason="error"), EngineError("System A has no API key"))


def test_the_answers_that_failed_are_counted_per_engine_apart_from_strategies_that_do_not_apply():
    ok = Scripted("The user asks about a ratio.", "Le ratio divise le prix par le bénéfice.")
    rows = list(run_inspection({"System A": Failing(), "System B": ok}, french_definitions(2),
                               ["baseline", "French prefill"], GREEDY))
    assert sum(r["error"] == "not available for this engine" for r in rows) == 4  # prefill: local engines only
    assert failures(rows) == ("2 answers failed and are left out (System A: 2, e.g. System A has no API key)")
    assert failures([r for r in rows if r["engine"] == "System B"]) == ""


def test_a_long_transcript_says_it_shows_only_the_first_answers():
    ok = Scripted("The user asks about a ratio.", "Le ratio divise le prix par le bénéfice.")
    strategies = ["baseline", "thinking off", "strip reasoning"]
    rows = list(run_inspection({"System B": ok}, french_definitions(10), strategies, GREEDY))
    assert len(rows) > 24
    html = transcript_html(rows)
    assert html.count('class="fren-item"') == 24 and f"The first 24 of {len(rows)} answers." in html
    assert "The first" not in transcript_html(rows[:3])


def test_with_prices_set_the_matrix_says_what_each_strategy_costs_per_1000_answers(tmp_path):
    french = Scripted("La question porte sur le ratio et sur la manière de le calculer en pratique.",
                      "Le ratio divise le prix de l'action par le bénéfice par action.", cost=0.0005)
    rows = list(run_inspection({"System B": french}, french_definitions(2), ["baseline", "thinking off"], GREEDY))
    by = {r["strategy"]: r for r in matrix(rows, "fr")}
    assert by["baseline"][COST_METRIC] == pytest.approx(0.5)  # $0.0005 an answer
    assert by["thinking off"][COST_METRIC] == pytest.approx(0.2)
    path = tmp_path / "fren.csv"
    write_csv(rows, path, bom=True)
    assert matrix(read_inspection(path), "fr") == matrix(rows, "fr")  # the costs come back from the CSV
    unpriced = Scripted("La question porte sur le ratio.", "Le ratio divise le prix par le bénéfice.")
    table = matrix(list(run_inspection({"System B": unpriced}, french_definitions(1), ["baseline"], GREEDY)), "fr")
    assert COST_METRIC not in table[0]


@pytest.mark.parametrize("name", ["fren.csv", "fren.xlsx"])  # the tab's Download CSV and Download as Excel
def test_an_inspection_saved_as_csv_or_workbook_opens_again_with_the_same_figures(tmp_path, name):
    listing = Scripted("The user asks about a ratio.", "- le prix\n- le bénéfice, « par action »")
    rows = sorted_rows(list(run_inspection({"System A": Failing(), "System B": listing}, french_definitions(2),
                                           ["baseline", "strip reasoning", "French prefill"], GREEDY)))
    path = tmp_path / name
    write_table(rows, path, "answers")
    again = sorted_rows(read_inspection(path))
    assert matrix(again) == matrix(rows) and matrix(again)  # every rate, as it was
    assert failures(again) == failures(rows) != ""
    answered = next(r for r in again if r["engine"] == "System B" and r["strategy"] == "strip reasoning")
    # an answer that starts like a formula was neutralised in the CSV, and comes back as it was
    assert answered["answer"] == "- le prix\n- le bénéfice, « par action »"
    assert answered["reasoning_shown"] is False and answered["reasoning_tokens"] == 20
    assert transcript_html(again) == transcript_html(rows)


def write_text_csv(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_that_is_not_an_inspection_gets_an_error_that_says_why(tmp_path):
    header = "probe,type,engine,strategy,question,question_lang,answer_lang,finish_reason,error"
    cases = {
        "id,query\nq1,What is a bond?\n": "lacks the columns probe, type, engine",
        f"{header}\n": "has no answers",
        "": "empty",
        f"{header}\np1,definition,B,louder,Q,fr,fr,stop,\n": "unknown strategy 'louder'",
        f"{header},truncated_in_reasoning\np1,definition,B,baseline,Q,fr,fr,stop,,maybe\n":
            "row 2: truncated_in_reasoning is 'maybe', not true or false",
        f"{header},reasoning_tokens\np1,definition,B,baseline,Q,fr,fr,stop,,many\n":
            "row 2: reasoning_tokens is 'many', not a number",
    }
    for n, (text, message) in enumerate(cases.items()):
        with pytest.raises(ValueError, match=re.escape(message)):
            read_inspection(write_text_csv(tmp_path / f"{n}.csv", text))
    (tmp_path / "binary.csv").write_bytes(b"probe,question\np1,\x00\xff\n")
    with pytest.raises(ValueError, match="not text"):
        read_inspection(tmp_path / "binary.csv")
    # a workbook that is not one: an experiments workbook, or a CSV given a workbook's name
    write_table([{"id": "q1", "query": "What is a bond?"}], tmp_path / "questions.xlsx", "experiments")
    with pytest.raises(ValueError, match=re.escape("lacks the columns probe, type, engine, strategy, question, "
                                                   "question_lang, answer_lang, finish_reason, error: open a CSV or "
                                                   "Excel workbook downloaded from the FR/EN tab")):
        read_inspection(tmp_path / "questions.xlsx")
    with pytest.raises(ValueError, match="not an Excel workbook"):
        read_inspection(write_text_csv(tmp_path / "renamed.xlsx", f"{header}\n"))
