"""Checks written with an experiment (`expect`): validated on load, scored on each answer, counted
in the summary and the CSV, scored again (not asked again) when edited."""

from __future__ import annotations

import json

import pytest

from engines.base import EngineError, StreamStats
from tests.workbench.test_compare import _Ticker
from workbench.batch_run import BatchRun
from workbench.batch_store import latest_records, read_records
from workbench.checks import ExpectError, apply_checks, parse_expect, passed, rechecked, score
from workbench.compare import Comparator, Experiment, SystemRun, record
from workbench.differences import differences
from workbench.experiments import ExperimentFileError, bundled, load_experiments
from workbench.summary import compare_runs, flat_rows, paired_checks_line, summarize, summary_table


def _result(response: str, *, lang: str = "fr", refusal: bool = False, finish: str = "stop",
            truncated: bool = False, latency: float | None = 900.0) -> dict:
    return {"response": response, "refusal": refusal, "answer_lang": lang, "latency_ms": latency,
            "metadata": {"finish_reason": finish, "truncated_in_reasoning": truncated, "error": None}}


def _verdicts(expect: dict, result: dict) -> list[tuple[str, bool, str | None]]:
    return [(c["check"], c["passed"], c["why"]) for c in score(parse_expect(expect), result)]


def test_texts_match_whatever_their_case_accents_and_apostrophes():
    answer = _result("Risque : ÉLEVÉ. L’opération dépasse 24 fois son montant habituel.")
    assert _verdicts({"contains": ["risque : élevé", "l'operation"]}, answer) == [
        ("contains 'risque : élevé'", True, None), ("contains 'l'operation'", True, None)]
    assert _verdicts({"contains_any": ["faible", "moyen"], "not_contains": "élevé"}, answer) == [
        ("contains one of 'faible', 'moyen'", False, "none in the answer"),
        ("does not contain 'élevé'", False, "in the answer")]


def test_a_regex_ignores_case_and_accents_but_keeps_its_escapes():
    answer = _result("La rentabilité est de 12,5 pour cent.")
    assert _verdicts({"regex": r"(?<![\d.,])12[.,]5(?!\d)"}, answer)[0][1] is True
    assert _verdicts({"regex": r"(?<![\d.,])2[.,]5(?!\d)"}, answer)[0][1] is False, "12,5 is not 2,5"
    assert _verdicts({"regex": r"RENTABILITE\S*\sEST"}, answer)[0][1] is True
    # \S folded to \s would match the space and pass: the pattern's case is kept, the match ignores case
    assert _verdicts({"regex": r"rentabilit\S\Sest"}, answer)[0][1] is False


def test_a_number_check_passes_the_figure_however_written_and_names_the_answers_figures_when_it_fails():
    answer = _result("Le PER vaut 60 / 4 = 15,00 ; la marge est de 12,5 % et le chiffre d'affaires de 1,23 Md€.")
    assert _verdicts({"number": [15, 0.125, {"value": 1_234_000_000, "tolerance": 0.01}]}, answer) == [
        ("states 15", True, None), ("states 0.125", True, None), ("states 1,234,000,000 (±1%)", True, None)]
    stated = "its figures: 60 · 4 · 15,00 · 12,5 % · 1,23 Md€"
    assert _verdicts({"number": 1.5}, answer) == [("states 1.5", False, stated)]
    assert _verdicts({"number": {"value": 16, "tolerance": 0.05}}, answer) == [  # 15 is 6.25% off 16
        ("states 16 (±5%)", False, stated)]
    assert _verdicts({"number": 7}, _result("Sept.")) == [("states 7", False, "no figure in the answer")]
    many = _result(" ".join(str(n) for n in range(1, 9)))
    assert _verdicts({"number": 9}, many)[0][2] == "its figures: 1 · 2 · 3 · 4 · 5 and 3 more"


def test_a_number_check_written_as_a_date_or_a_time_wants_that_day_or_hour_however_written():
    answer = _result("Le dossier est à remettre le 31/01/2025 avant 17h30, pour un montant de 1,2 Md€.")
    expect = parse_expect({"number": ["January 31, 2025", "5:30 pm", "€1.2bn", "31 January 2026", "31", "2025"]})
    assert expect["number"][:3] == ["January 31, 2025", "5:30 pm", "€1.2bn"]  # kept as written, named as written
    assert [(v[0], v[1]) for v in _verdicts(expect, answer)] == [
        ("states January 31, 2025", True), ("states 5:30 pm", True), ("states €1.2bn", True),
        ("states 31 January 2026", False), ("states 31", True), ("states 2025", True)]
    # a day without its year is that day in any year; a time is not a figure that happens to be its hour
    assert _verdicts({"number": "31 January"}, answer)[0][1] is True
    assert _verdicts({"number": "17:30"}, _result("A margin of 17.5%."))[0][1:] == (False, "its figures: 17.5%")
    assert _verdicts({"number": "17:30"}, _result("Cut-off 17h30."))[0][1] is True


def test_refusal_language_completion_and_latency_checks_say_what_the_answer_did():
    cut = _result("", lang="none", finish="length", truncated=True, latency=4200.0)
    assert _verdicts({"refusal": False, "language": "fr", "complete": True, "max_latency_ms": 3000}, cut) == [
        ("is not a refusal", True, None), ("answer in fr", False, "the answer is in none"),
        ("complete", False, "cut off inside its reasoning"), ("within 3000 ms", False, "took 4200 ms")]
    refused = _result("I can't help with that.", lang="en", refusal=True)
    assert _verdicts({"refusal": True, "language": "en"}, refused) == [
        ("is a refusal", True, None), ("answer in en", True, None)]
    assert _verdicts({"refusal": False}, refused) == [("is not a refusal", False, "it refused")]


def test_a_risk_check_reads_the_level_the_answer_gives_and_says_what_it_gave_instead():
    assert _verdicts({"risk": "high"}, _result("Risque : ÉLEVÉ. Le montant est inhabituel.")) == [
        ("rates the risk high", True, None)]
    assert _verdicts({"risk": "High "}, _result("A high-risk transfer to a new beneficiary.", lang="en")) == [
        ("rates the risk high", True, None)]  # the level's case and spaces do not matter
    assert _verdicts({"risk": "high"}, _result("**Risk level:** Medium", lang="en")) == [
        ("rates the risk high", False, "it rates it medium")]
    assert _verdicts({"risk": "low"}, _result("Hold the payment and call the customer.", lang="en")) == [
        ("rates the risk low", False, "no risk level in the answer")]


def test_a_cites_check_finds_the_name_however_written_and_says_what_the_answer_cited_instead():
    answer = _result("Le prêt passe en stage 3 selon IFRS 9 ; voir l'art. 9 du SFDR.")
    assert _verdicts({"cites": ["Stage 3", "Article 9", "IFRS 9"]}, answer) == [
        ("cites Stage 3", True, None), ("cites Article 9", True, None), ("cites IFRS 9", True, None)]
    assert _verdicts({"cites": "Stage 2"}, answer) == [
        ("cites Stage 2", False, "it cites stage 3, IFRS 9, art. 9")]
    assert _verdicts({"cites": "IAS 39"}, _result("No standard named.", lang="en")) == [
        ("cites IAS 39", False, "it cites no rule or class by number")]


def test_reasoning_language_token_and_cost_checks_say_what_the_answer_did():
    thought = {**_result("La marge est de 12 %."), "reasoning_lang": "en",
               "metadata": {"finish_reason": "stop", "reasoning_tokens": 300, "content_tokens": 40,
                            "cost_usd": 0.000312}}
    assert _verdicts({"reasoning_language": "fr", "max_tokens": 200, "max_cost_usd": 0.0001}, thought) == [
        ("reasoning in fr", False, "the reasoning is in en"),
        ("within 200 tokens", False, "340 tokens (300 reasoning)"), ("costs at most $0.0001", False, "cost $0.000312")]
    assert all(c[1] for c in _verdicts({"reasoning_language": "en", "max_tokens": 340.0, "max_cost_usd": 0.0004},
                                       thought))  # at the limit passes; 340.0 is a whole number
    unthought = {**thought, "reasoning_lang": "none", "metadata": {**thought["metadata"], "cost_usd": None}}
    assert _verdicts({"reasoning_language": "en", "max_cost_usd": 1}, unthought) == [
        ("reasoning in en", False, "no reasoning"), ("costs at most $1.00", False, "no cost recorded (no prices set)")]


@pytest.mark.parametrize(("expect", "problem"), [
    ({"contain": "x"}, "unknown checks contain"),
    ({"reasoning_language": "de"}, "reasoning_language takes one of en, fr"),
    ({"max_tokens": 12.5}, "max_tokens takes a whole number of tokens above 0"),
    ({"max_tokens": 0}, "max_tokens takes a whole number"),
    ({"max_cost_usd": 0}, "max_cost_usd takes an amount of US dollars above 0"),
    ({"max_cost_usd": "0.01"}, "max_cost_usd takes an amount"),
    ({"contains": ""}, "contains takes a text or a list of texts"),
    ({"contains_any": "x"}, "contains_any takes a list of texts"),
    ({"regex": "(unclosed"}, "regex is not a valid pattern"),
    ({"number": "fifteen"}, "number: 'fifteen' is not one figure"),
    ({"number": ["15 March 2024", "12 or 13"]}, "number: '12 or 13' is not one figure"),
    ({"number": True}, "number takes a figure"),
    ({"number": []}, "number takes at least one figure"),
    ({"number": {"value": 15, "within": 1}}, "number takes a figure"),
    ({"number": {"value": 15, "tolerance": 1.5}}, "a tolerance is a fraction of the figure"),
    ({"number": [15, {"value": float("nan")}]}, "number takes a figure"),
    ({"refusal": "yes"}, "refusal takes true or false"),
    ({"cites": "the AML directive"}, "cites: 'the AML directive' names no rule, standard or class with a number"),
    ({"cites": []}, "cites takes a text or a list of texts"),
    ({"risk": "severe"}, "risk takes one of low, low-medium, medium, medium-high, high"),
    ({"risk": 3}, "risk takes one of low, low-medium, medium, medium-high, high"),
    ({"language": "de"}, "language takes one of en, fr"),
    ({"complete": False}, "complete takes true"),
    ({"max_latency_ms": -5}, "max_latency_ms takes a number"),
    ({"max_latency_ms": True}, "max_latency_ms takes a number"),
    ("[1, 2]", "expected a JSON object of checks"),
    ("{not json", "not valid JSON"),
])
def test_a_bad_check_is_refused_with_what_is_wrong(expect, problem):
    with pytest.raises(ExpectError) as info:
        parse_expect(expect)
    assert problem in str(info.value)


def test_every_problem_is_named_at_once_and_nothing_is_no_checks():
    with pytest.raises(ExpectError) as info:
        parse_expect({"language": "de", "refusal": 1, "regex": "["})
    assert len(info.value.problems) == 3
    assert parse_expect(None) is None and parse_expect("") is None and parse_expect({}) is None
    assert parse_expect('{"contains": " 5% "}') == {"contains": ["5%"]}


def test_experiment_files_carry_checks_and_a_bad_one_names_its_line():
    jsonl = "\n".join(json.dumps(row) for row in [
        {"id": "e1", "query": "What is the dividend yield?", "expect": {"regex": "5 ?%", "language": "en"}},
        {"id": "e2", "query": "Hello"}])
    first, second = load_experiments(jsonl, "set.jsonl")
    assert first.expect == {"regex": "5 ?%", "language": "en"} and second.expect is None
    csv_text = 'id,query,expect\ne1,"Quel rendement ?","{""contains"": ""5""}"\n'
    assert load_experiments(csv_text, "set.csv")[0].expect == {"contains": ["5"]}
    bad = "\n".join([json.dumps({"query": "ok"}), json.dumps({"query": "x", "expect": {"language": "es"}})])
    with pytest.raises(ExperimentFileError, match=r"line 2: expect: language takes one of en, fr"):
        load_experiments(bad, "set.jsonl")


def test_the_bundled_set_checks_what_its_answers_must_say():
    checked = [e for e in bundled() if e.expect]
    assert len(checked) >= 100
    assert all(e.expect == {"refusal": True} for e in checked if e.expected_route == "explicit_refusal")
    calc = next(e for e in checked if e.id == "exp-demo-calc-roe-fr")
    said = {c["check"]: c["passed"] for c in score(calc.expect, _result("Elle est de 12,50 %."))}
    assert said == {"states 12.5": True, "is not a refusal": True, "answer in fr": True}
    assert not score(calc.expect, _result("Elle est de 125 %."))[0]["passed"]  # the figure, not its digits
    rated = [e for e in checked if e.category == "demo-transaction"]  # the level its reference answer gives
    assert rated and all(score({"risk": e.expect["risk"]}, _result(e.reference))[0]["passed"] for e in rated)
    assert {e.expect["risk"] for e in rated} >= {"low", "high"}


def test_a_comparison_is_scored_again_under_other_checks_without_its_record_changing():
    rec = _checked_record("e1", "Le rendement est de 5 %.", "Il est de 4 pour cent.", {"contains": "5 pour cent"})
    assert [passed(rec[s]) for s in ("system_a", "system_b")] == [(0, 1), (0, 1)]
    again = rechecked(rec, '{"number": 0.05}')
    assert again["expect"] == {"number": [0.05]}
    assert parse_expect({"number": [{"value": 15}, {"value": 2, "tolerance": 0.1}]}) == {
        "number": [15, {"value": 2, "tolerance": 0.1}]}  # as the Single tab's box shows it
    assert [passed(again[s]) for s in ("system_a", "system_b")] == [(1, 1), (0, 1)]
    assert rec["expect"] == {"contains": "5 pour cent"} and passed(rec["system_a"]) == (0, 1)  # a copy
    assert "checks" not in rechecked(rec, "")["system_b"]  # no checks now: none scored
    with pytest.raises(ExpectError, match="unknown checks contain"):
        rechecked(rec, '{"contain": "5"}')


def _run(name: str, response: str, error: EngineError | None = None) -> SystemRun:
    stats = StreamStats(model_id="m", finish_reason="error" if error else "stop", total_s=1.0, content_tokens=8)
    return SystemRun(name, response=response, done=True, stats=stats, error=error)


def _checked_record(exp_id: str, a: str, b: str, expect: dict | None, a_error: EngineError | None = None):
    exp = Experiment(id=exp_id, query="Quel est le rendement du dividende ?", lang="fr", expect=expect)
    return record(exp, {"A": _run("System A", a, a_error), "B": _run("System B", b)})


def test_a_record_carries_each_answer_checks_and_a_failed_system_is_not_scored():
    rec = _checked_record("e1", "", "Le rendement est de 5 pour cent.", {"contains": "5 pour cent"},
                          a_error=EngineError("DeepSeek answered 503"))
    assert "checks" not in rec["system_a"], "a missing answer is not a wrong one"
    assert rec["system_b"]["checks"] == [{"check": "contains '5 pour cent'", "passed": True, "why": None}]
    rec["expect"] = None
    assert "checks" not in apply_checks(rec)["system_b"], "checks removed with the expectation"


def test_the_summary_csv_and_differences_count_the_checks():
    expect = {"contains": "5 pour cent", "language": "fr"}
    records = [_checked_record("e1", "Le rendement est de 5 pour cent.", "Le rendement est de 4 pour cent.", expect),
               _checked_record("e2", "Il est de 5 pour cent.", "Il est de 5 pour cent.", expect),
               _checked_record("e3", "Bonjour.", "Bonjour.", None)]
    rows = {(r["experiment_id"], r["system"]): r for r in flat_rows(records)}
    assert (rows["e1", "B"]["checks_passed"], rows["e1", "B"]["checks_total"]) == (1, 2)
    assert rows["e1", "B"]["checks_failed"] == "contains '5 pour cent' (not in the answer)"
    assert rows["e3", "A"]["checks_total"] is None
    systems = summarize(records)["systems"]
    assert (systems["A"]["passed_all_checks"], systems["A"]["checked"]) == (2, 2)
    assert (systems["B"]["passed_all_checks"], systems["B"]["checked"], systems["B"]["checks_pass_rate"]) == (1, 2, 0.5)
    table = {row[0]: row[1:] for row in summary_table(summarize(records))}
    assert table["passed every check"] == ["100% of 2", "50% of 2"]
    assert "passed every check" not in {row[0] for row in summary_table(summarize(records[2:]))}
    assert "Checks passed: A 2 of 2; B 1 of 2, failed: contains '5 pour cent' (not in the answer)." in differences(
        records[0])
    assert not any(line.startswith("Checks") for line in differences(records[2]))
    _, lines = compare_runs(records, [records[1], records[1] | {"experiment_id": "e1"}], ("before", "after"))
    assert lines[2].endswith("of 2 checked in both, every check passed only in before on 0, only in after on 1 "
                             "(p = 1: could be chance).")
    # within the run: A passed every check on both experiments, B on one; one pair can be chance
    assert paired_checks_line(records) == ("on the 2 experiments both answered, every check passed by both on 1, "
                                           "by A only on 1, by B only on 0, by neither on 0 (exact McNemar test, "
                                           "p = 1: could be chance)")
    assert paired_checks_line(records[2:]) == ""  # nothing checked
    from ui.batch_view import results_view
    assert f"**Checks, A and B on the same experiments:** {paired_checks_line(records)}" in results_view(
        records, "checked")[2]  # under the run's summary
    many = [_checked_record(f"m{i}", "Il est de 5 pour cent.", "Il est de 4 pour cent.", expect) for i in range(7)]
    assert paired_checks_line(many).endswith("by A only on 7, by B only on 0, by neither on 0 (exact McNemar test, "
                                             "p = 0.016: unlikely to be chance)")


def test_edited_checks_score_finished_answers_again_without_asking_again(tmp_path):
    out = tmp_path / "run.jsonl"
    a, b = _Ticker("A", 2, 0.0), _Ticker("B", 3, 0.0)  # each answers "mot mot …"
    exps = [Experiment("e1", "Un mot ?", expect={"contains": ["mot"]}), Experiment("e2", "Deux ?")]
    list(BatchRun(Comparator(a, b), exps, out).run())
    assert [r["system_b"]["checks"][0]["passed"] for r in latest_records(out) if r["expect"]] == [True]
    edited = [Experiment("e1", "Un mot ?", expect={"not_contains": ["mot"]}),
              Experiment("e2", "Deux ?", expect={"contains": ["mot mot mot"]})]
    progress = list(BatchRun(Comparator(a, b), edited, out).run())
    assert (progress[0].skipped, progress[0].rescored, progress[-1].done) == (2, 2, 2)
    assert len(a.requests) == len(b.requests) == 2, "nothing asked again"
    latest = {r["experiment_id"]: r for r in latest_records(out)}
    assert latest["e1"]["system_a"]["checks"] == [
        {"check": "does not contain 'mot'", "passed": False, "why": "in the answer"}]
    assert [latest["e2"][s]["checks"][0]["passed"] for s in ("system_a", "system_b")] == [False, True]
    assert len(read_records(out)) == 4
    again = list(BatchRun(Comparator(a, b), edited, out).run())
    assert again[0].rescored == 0 and len(read_records(out)) == 4, "unchanged checks write nothing"


def test_a_reference_answer_is_kept_with_the_run_and_an_edited_one_replaces_it_without_asking_again(tmp_path):
    out = tmp_path / "run.jsonl"
    a, b = _Ticker("A", 2, 0.0), _Ticker("B", 3, 0.0)
    exps = [Experiment("e1", "Un mot ?", reference="Un mot."), Experiment("e2", "Deux ?")]
    list(BatchRun(Comparator(a, b), exps, out).run())
    assert {r["experiment_id"]: r["reference"] for r in latest_records(out)} == {"e1": "Un mot.", "e2": None}
    assert sorted((row["experiment_id"], row["reference"] or "") for row in flat_rows(latest_records(out))) == [
        ("e1", "Un mot."), ("e1", "Un mot."), ("e2", ""), ("e2", "")]  # in the CSV, on both systems' rows
    edited = [Experiment("e1", "Un mot ?", reference="Deux mots."), Experiment("e2", "Deux ?", reference="Deux.")]
    progress = list(BatchRun(Comparator(a, b), edited, out).run())
    assert progress[0].rescored == 2 and len(a.requests) == len(b.requests) == 2, "nothing asked again"
    assert {r["experiment_id"]: r["reference"] for r in latest_records(out)} == {"e1": "Deux mots.", "e2": "Deux."}


def _headless(tmp_path, experiments: list[dict], *extra: str):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    questions = tmp_path / "questions.jsonl"
    questions.write_text("".join(json.dumps(e) + "\n" for e in experiments), encoding="utf-8")
    env = {**{k: v for k, v in os.environ.items() if k != "DEEPSEEK_API_KEY"}, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "app.py", "batch", "--out", str(tmp_path / "results.csv"),
                           "--experiments", str(questions), "--systems", "B", "--params",
                           '{"max_new_tokens": 48}', *extra], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_headless_batch_gates_on_the_pass_rate_and_rescoring_needs_no_model_call(tmp_path):
    slow = {"max_latency_ms": 0.001}  # no answer comes that fast: fails whatever the model says
    easy = {"max_latency_ms": 600000}
    exps = [{"id": "q1", "query": "What is an ETF?", "expect": easy},
            {"id": "q2", "query": "Qu'est-ce que la duration ?", "expect": slow}]
    done = _headless(tmp_path, exps, "--min-pass-rate", "0.9")
    assert done.returncode == 4, done.stderr[-2000:]
    assert "every check passed on 1 of 2 checked (50%)" in done.stdout
    assert ("Under --min-pass-rate 90%: System B passed every check on 1 of 2 checked answers (50.0%)."
            in done.stderr)
    exps[1]["expect"] = easy  # the check was wrong, not the answer: fix it and run again
    again = _headless(tmp_path, exps, "--min-pass-rate", "0.9")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "1 experiments finished earlier were scored again under their edited checks" in again.stdout
    assert "every check passed on 2 of 2 checked (100%)" in again.stdout


def test_a_pass_rate_gate_that_checked_nothing_fails_and_a_bad_share_is_refused_at_once(tmp_path):
    from workbench.batch_command import below_pass_rate

    summary = {"systems": {"A": {"checked": 0}, "B": {"checked": 4, "passed_all_checks": 4,
                                                       "checks_pass_rate": 1.0}}}
    assert below_pass_rate(summary, ("B",), 0.95) is None
    assert "System A had no answer checked" in below_pass_rate(summary, ("A", "B"), 0.95)
    refused = _headless(tmp_path, [{"query": "What is an ETF?"}], "--min-pass-rate", "95")
    assert refused.returncode == 2 and "--min-pass-rate takes a share from 0 to 1" in refused.stderr
    assert "Loading weights" not in refused.stderr, "refused before the model loads"


def test_the_pass_rate_is_given_per_category_of_question():
    from workbench.report import checks_by_category

    def rec(exp_id: str, category: str, a: str, b: str) -> dict:
        exp = Experiment(id=exp_id, query="Calcule le rendement.", category=category, expect={"contains": "5 %"})
        return record(exp, {"A": _run("System A", a), "B": _run("System B", b)})

    records = [rec("c1", "calculation", "5 %", "5 %"), rec("c2", "calculation", "5 %", "6 %"),
               rec("d1", "definition", "4 %", "5 %")]
    assert summarize(records)["systems"]["B"]["checks_pass_rate_by_category"] == {"calculation": 0.5,
                                                                                  "definition": 1.0}
    assert checks_by_category(summarize(records)) == "calculation: A 100%, B 50% · definition: A 0%, B 100%"
    assert [r["category"] for r in flat_rows(records)][:2] == ["calculation", "calculation"]
