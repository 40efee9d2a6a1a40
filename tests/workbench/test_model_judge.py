"""A model as a judge of a batch run: asked in both orders, the order-swayed verdict caught, its
verdicts kept apart from the analysts' and set against them."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from engines.base import ChatRequest, Done, RateLimitedError, StreamStats, TextDelta
from tests.fake_deepseek import FakeDeepSeek
from workbench.checks import apply_checks
from workbench.compare import Experiment, SystemRun, record
from workbench.judge_tally import (
    agreement_with,
    by_model,
    checks_sided,
    compared_line,
    judge_lines,
    judges_compared,
    model_summary,
    model_tally,
)
from workbench.model_judge import (
    JUDGE_SYSTEM,
    REFERENCE_NOTE,
    JudgeError,
    judge_experiment,
    judge_name,
    judge_request,
    judge_run,
    model_columns,
    model_verdicts,
    model_verdicts_file,
    read_verdict,
    record_model_verdict,
)

ASSETS = Path(__file__).resolve().parents[2] / "assets"


class ScriptedJudge:
    """An engine whose reply is `script(request)`: what a judge model would write."""

    name = "Scripted judge"

    def __init__(self, script, model_id: str = "judge-model", delay_s: float = 0.0,
                 cost_usd: float | None = None) -> None:
        self.script, self.model_id, self.delay_s, self.cost_usd = script, model_id, delay_s, cost_usd
        self.adapters: list[str] = []
        self.requests: list[ChatRequest] = []

    def stream(self, request: ChatRequest, cancel: threading.Event | None = None) -> Iterator:
        self.requests.append(request)
        deadline = time.monotonic() + self.delay_s
        while time.monotonic() < deadline:
            if cancel is not None and cancel.is_set():
                yield Done(StreamStats(self.model_id, "cancelled"))
                return
            time.sleep(0.005)
        reply = self.script(request)
        if isinstance(reply, Exception):
            yield Done(StreamStats(self.model_id, "error"), reply)
            return
        yield TextDelta("content", reply)
        priced = {"cost_usd": self.cost_usd} if self.cost_usd is not None else {}
        yield Done(StreamStats(self.model_id, "stop", content_tokens=9, extras=priced))

    def health(self) -> dict:
        return {}


def prefers_right(request: ChatRequest) -> str:
    """A fair judge: the answer saying "right" wins, wherever it stands."""
    text = request.question
    one, two = text.split("## Answer 2")
    good = ("right" in one.split("## Answer 1")[1], "right" in two)
    pick = {(True, False): "1", (False, True): "2", (True, True): "tie"}.get(good, "both bad")
    return f"Answer {pick} states the right figure.\nVerdict: [[{pick}]]"


def _rec(exp_id: str, a: str | None = "A's answer.", b: str | None = "B's answer, right.",
         query: str = "What is the P/E ratio?", a_fails: bool = False) -> dict:
    def answered(text: str | None, fails: bool = False) -> SystemRun:
        return SystemRun("S", response=text or "", done=True, stats=StreamStats("m", "error" if fails else "stop"),
                         error=RateLimitedError("rate limited") if fails else None)
    return record(Experiment(id=exp_id, query=query, transaction={"amount": 25000}),
                  {"A": answered(a, a_fails), "B": answered(b)})


def test_a_verdict_line_names_the_system_whichever_answer_was_read_first():
    assert read_verdict("A is clearer.\nVerdict: [[1]]", first="A") == "A better"
    assert read_verdict("Verdict: [[2]]", first="A") == "B better"
    assert read_verdict("Verdict: [[1]]", first="B") == "B better"
    assert read_verdict("Verdict: [[2]]", first="B") == "A better"
    assert read_verdict("Verdict: [[TIE]]", first="B") == "Tie"
    assert read_verdict("Verdict: [[ both bad ]]", first="A") == "Both bad"
    assert read_verdict("[[1]] looked better at first, but no.\nVerdict: [[2]]", first="A") == "B better"  # the last
    assert read_verdict("Answer 1 is better.", first="A") is None
    # a verdict line written otherwise than asked is still one
    assert read_verdict("B is wrong on the figure.\nVerdict: [1]", first="A") == "A better"
    assert read_verdict("**Verdict:** Answer 2", first="A") == "B better"
    assert read_verdict("Verdict: tie.", first="A") == "Tie"
    assert read_verdict("Verdict: [[both_bad]]", first="A") == "Both bad"
    assert read_verdict("The verdict depends on 1 thing.", first="A") is None


@pytest.mark.parametrize(("reply", "verdict"), [
    ("Verdict: 2. The second answer gets the yield right.", "B better"),
    ("Verdict: answer 1 wins on accuracy.", "A better"),
    ("**Final verdict:** answer 2 (it is complete)", "B better"),
    ("Verdict : la réponse 2 l'emporte", "B better"),
    ("Verdict : réponse 2 est meilleure.", "B better"),
    ("Verdict: Equally good.", "Tie"),
    ("Verdict : ex aequo", "Tie"),
    ("Verdict: both are unacceptable.", "Both bad"),
    ("Verdict : aucune.", "Both bad"),
    ("Verdict: 2 or a tie, I am unsure.", None),  # no one verdict
    ("Verdict: answer 2 is weaker than answer 1.", None),  # the answer it names may be the worse
    ("Verdict: neither is clearly better.", None),  # a tie, or both bad?
    # what the second set of replies taught
    ("Verdict final : la réponse 1.", "A better"),
    ("Verdict: I prefer answer 2; it is complete.", "B better"),
    ("Verdict: the first one is better.", "A better"),
    ("Verdict : la deuxième réponse est meilleure.", "B better"),
    ("Verdict: Answer 1 is more complete.", "A better"),
    ("Verdict: Answer 1 is more misleading.", None),  # more, but not better
    ("Verdict: both are fine.", "Tie"),
    ("Verdict: answer 1 and answer 2 are equivalent.", "Tie"),
    ("Verdict: neither is better.", "Tie"),
    ("Verdict: neither answer is acceptable.", "Both bad"),
    ("Verdict : aucune réponse n'est acceptable.", "Both bad"),
    # what the third set taught
    ("Verdict: [[answer 1]] — it cites the article.", "A better"),
    ("Verdict: **Answer 2**.", "B better"),
    ("Verdict: Answer A.", "A better"),  # answers named by letter, in the order shown
    ("Verdict: [[Answer B]]", "B better"),
    ("Verdict: [[B]]", None),  # a letter alone names no answer shown
    ("Verdict: answer no. 2", "B better"),
    ("Verdict: both answers are acceptable.", "Tie"),
    ("Verdict: it is a tie.", "Tie"),
    ("Verdict : aucune des deux n'est correcte.", "Both bad"),
    ("Verdict: answer 2 is clearly better.", "B better"),
    ("Verdict: [[2]] or [[tie]], hard to say.", None),  # offered as one of two
    # what the fourth set taught
    ("Verdict: it's a draw.", "Tie"),
    ("Verdict : match nul, les deux citent l'article.", "Tie"),
    ("Verdict: both answers are incorrect.", "Both bad"),
    ("Verdict : les deux réponses sont erronées.", "Both bad"),
    ("Verdict: [[1]] and [[2]] are equivalent.", "Tie"),  # both named, then judged together
    ("Verdict: [[Answer 1]] and [[Answer 2]] are both wrong.", "Both bad"),
    ("Verdict: [[1]] and [[2]] both cite the rule, but 2 is clearer.", None),  # neither said of both
    # what the fifth set taught
    ("Verdict: I'd go with answer 2.", "B better"),
    ("Verdict : je retiens la réponse 1.", "A better"),
    ("Verdict: Answer two.", "B better"),
    ("Verdict: 2 > 1", "B better"),
    ("Verdict: equivalent.", "Tie"),
    ("Verdict: both fail.", "Both bad"),
    ("Verdict : aucune ne convient.", "Both bad"),
    ("Verdict : les deux sont à rejeter.", "Both bad"),
    ("Verdict: [[2]] for accuracy, [[1]] for style.", None),  # two verdicts on one line
    ("Verdict: [[1]] ([[Answer 1]] cites the rule).", "A better"),  # one verdict, named twice
    # what the sixth set taught
    ("Verdict: [[2]], though [[1]] comes a close second.", "B better"),  # the other named as the runner-up
    ("Verdict : [[1]] ; [[2]] est très proche.", "A better"),
    ("Verdict: [[1]], but [[2]] is better on style.", None),  # better at something: two verdicts
    ("Verdict: a draw between them.", "Tie"),
    ("Verdict : égalité entre les deux réponses.", "Tie"),
    ("Verdict : ni l'une ni l'autre.", "Both bad"),
    ("Verdict : ni l'une ni l'autre ne sont correctes.", "Both bad"),
])
def test_a_verdict_line_said_in_other_words_is_read_when_it_names_one_verdict(reply, verdict):
    assert read_verdict(f"Both cite the rule.\n{reply}", first="A") == verdict


def test_the_judge_reads_the_question_its_transaction_and_the_answers_not_the_reasoning():
    rec = _rec("tx-1")
    rec["system_a"]["reasoning"] = "HIDDEN REASONING"
    request = judge_request(rec, first="B")
    text = request.question
    assert request.system_prompt == JUDGE_SYSTEM and request.params.temperature == 0.0
    assert not request.params.enable_thinking
    assert text.index("What is the P/E ratio?") < text.index('"amount": 25000') < text.index("## Answer 1")
    assert text.index("B's answer, right.") < text.index("## Answer 2") < text.index("A's answer.")
    assert "HIDDEN REASONING" not in text
    assert "(empty)" in judge_request(_rec("tx-2", a=""), first="A").question


def test_a_verdict_stands_only_when_both_orders_give_it():
    fair = judge_experiment(ScriptedJudge(prefers_right), _rec("exp-1"))
    assert fair["verdict"] == "B better" and fair["consistent"]
    assert fair["readings"] == {"A first": "B better", "B first": "B better"}
    assert fair["judge_model"] == "judge-model" and "states the right figure" in fair["verdict_note"]
    assert "Verdict:" not in fair["verdict_note"]
    swayed = judge_experiment(ScriptedJudge(lambda r: "The first one.\nVerdict: [[1]]"), _rec("exp-1"))
    assert swayed["verdict"] == "Tie" and not swayed["consistent"]  # it always took the answer read first
    assert swayed["readings"] == {"A first": "A better", "B first": "B better"}
    # the reason said on the verdict line itself is kept, the verdict taken out
    inline = judge_experiment(ScriptedJudge(lambda r: "Verdict: Answer 2 is better, its ratio is right."),
                              _rec("exp-1"))
    assert inline["verdict_note"] == ("A first: Answer 2 is better, its ratio is right. / "
                                      "B first: Answer 2 is better, its ratio is right.")
    dashed = judge_experiment(ScriptedJudge(lambda r: "Verdict: [[tie]] (both cite the threshold)"), _rec("exp-1"))
    assert dashed["verdict"] == "Tie" and dashed["verdict_note"].startswith("A first: both cite the threshold /")
    with pytest.raises(JudgeError, match="no verdict line"):
        judge_experiment(ScriptedJudge(lambda r: "Both are fine."), _rec("exp-1"))
    with pytest.raises(JudgeError, match="rate limited"):
        judge_experiment(ScriptedJudge(lambda r: RateLimitedError("rate limited")), _rec("exp-1"))


def test_a_run_is_judged_once_per_model_each_verdict_kept_as_it_comes(tmp_path):
    path = model_verdicts_file(tmp_path)
    records = [_rec("exp-1"), _rec("exp-2", a="right too", b="right"), _rec("exp-3", a_fails=True),
               _rec("exp-4", b="wrong")]
    steps = list(judge_run(ScriptedJudge(prefers_right), records, "nightly", path, concurrency=2))
    assert steps[-1].finished and (steps[-1].total, steps[-1].judged, steps[-1].failed) == (3, 3, 0)
    verdicts = {r["experiment_id"]: r["verdict"] for r in model_verdicts(path, "nightly")}
    assert verdicts == {"exp-1": "B better", "exp-2": "Tie", "exp-4": "Both bad"}  # exp-3: A has no answer
    again = ScriptedJudge(prefers_right)
    assert list(judge_run(again, records, "nightly", path))[-1].total == 0 and not again.requests
    other = ScriptedJudge(prefers_right, model_id="another-judge")  # another model judges it afresh
    assert list(judge_run(other, records, "nightly", path))[-1].judged == 3
    assert model_verdicts(path, "other-run") == []
    assert len(model_verdicts(path, "nightly")) == 6
    assert all(r["cost_usd"] is None for r in model_verdicts(path, "nightly"))  # no prices, no cost


def test_a_priced_judge_says_what_its_verdicts_cost(tmp_path):
    path = model_verdicts_file(tmp_path)
    records = [_rec("exp-1"), _rec("exp-2")]
    steps = list(judge_run(ScriptedJudge(prefers_right, cost_usd=0.001), records, "r", path))
    assert [s.record["cost_usd"] for s in steps if s.record] == [0.002, 0.002]  # two readings each
    assert "judging them cost $0.004" in model_tally(model_verdicts(path, "r"), [], records)


def test_a_judge_that_fails_on_one_experiment_goes_on_with_the_others(tmp_path):
    def moody(request: ChatRequest) -> str:
        return "No idea." if "exp-2 question" in request.question else prefers_right(request)
    records = [_rec("exp-1"), _rec("exp-2", query="exp-2 question"), _rec("exp-3")]
    steps = list(judge_run(ScriptedJudge(moody), records, "r", model_verdicts_file(tmp_path), concurrency=1))
    assert [s.error for s in steps if s.error] == ["exp-2: the judge's reply held no verdict line (No idea.)"]
    assert (steps[-1].judged, steps[-1].failed, steps[-1].finished) == (2, 1, True)


def test_a_stopped_judging_keeps_the_verdicts_given_and_starts_nothing_new(tmp_path):
    path = model_verdicts_file(tmp_path)
    cancel = threading.Event()
    engine = ScriptedJudge(prefers_right, delay_s=0.05)
    steps = []
    for step in judge_run(engine, [_rec(f"exp-{n}") for n in range(8)], "r", path, concurrency=1, cancel=cancel):
        steps.append(step)
        if step.record is not None:
            cancel.set()
    assert steps[-1].stopped and not steps[-1].finished and steps[-1].judged == 1
    assert len(model_verdicts(path, "r")) == 1 and len(engine.requests) <= 4  # the first, and the one cut short


def test_a_judge_closed_midway_stops_what_it_was_running(tmp_path):
    cancel = threading.Event()
    steps = judge_run(ScriptedJudge(prefers_right, delay_s=0.05), [_rec(f"exp-{n}") for n in range(6)], "r",
                      model_verdicts_file(tmp_path), concurrency=2, cancel=cancel)
    next(steps)
    steps.close()  # the browser went away
    assert cancel.is_set()


def test_model_verdicts_are_set_against_the_analysts_and_named_in_the_table(tmp_path):
    path = model_verdicts_file(tmp_path)
    said = ["B better", "B better", "A better", "Tie", "B better"]
    for n, verdict in enumerate(said):
        swayed = {"A first": "A better", "B first": "B better"}  # exp-3: it took the answer read first
        record_model_verdict(path, "r", {"experiment_id": f"exp-{n}", "verdict": verdict, "consistent": n != 3,
                                         "readings": swayed if n == 3 else {"A first": verdict, "B first": verdict},
                                         "judge_model": "deepseek-chat", "verdict_note": f"reason {n}"})
    model = model_verdicts(path, "r")
    analysts = [{"experiment_id": "exp-0", "verdict": "B better", "judge": "ana"},
                {"experiment_id": "exp-1", "verdict": "A better", "judge": "ana"},
                {"experiment_id": "exp-1", "verdict": "B better", "judge": "marc"},
                {"experiment_id": "exp-9", "verdict": "Tie", "judge": "ana"}]  # not judged by the model
    agreed = agreement_with(model, analysts)
    assert (agreed["pairs"], agreed["same_verdict"]) == (3, 2)
    records = [_rec(f"exp-{n}", a="La réponse de A, en français.") for n in range(6)]  # B's alone in English
    tally = model_tally(model, analysts, records)
    assert tally.startswith("A better 1 · B better 3 · Tie 1 · Both bad 0 — 5 of the 6 experiments both systems "
                            "answered; its two readings (A's answer first, then B's) disagreed on 1, each "
                            "counted as a Tie (it took the answer read first 1×, the one read second 0×)")
    assert "System B preferred in 3 of 4 verdicts that chose a system" in tally
    assert "It gave the analysts' verdict in 2 of 3 verdicts on the same experiments (67%" in tally
    assert tally.endswith(": where an analyst said A better, it said B better 1; where B better, it said B better 2"
                          " — it differed on exp-1")  # ana said A better there: the one to read again
    assert agreed["by_analysts_verdict"] == {"A better": {"B better": 1}, "B better": {"B better": 2}}
    assert agreed["differed_on"] == ["exp-1"]
    assert "By how the answers disagreed: one not in the question's language: A better 1, B better 3, Tie 1" in tally
    many = [{"experiment_id": f"exp-{n}", "verdict": "Both bad", "judge": "ana"} for n in range(5)]
    assert model_tally(model, many, records).endswith(" — it differed on exp-0, exp-1, exp-2, exp-3, exp-4")
    assert model_tally(model, [*many, {"experiment_id": "exp-0", "verdict": "Tie", "judge": "marc"}],
                       records).endswith(" — it differed on exp-0, exp-1, exp-2, exp-3, exp-4")  # each id once
    assert "nothing to set it against" in model_tally(model, [], records)
    assert judge_lines(model_verdicts(path, "r"), records, analysts).startswith(
        "**Model verdicts, `deepseek-chat`:** A better 1")
    assert judge_lines(model_verdicts(path, "another"), records, analysts) == ""
    # a second model judged later: the table shows the latest model's verdicts
    record_model_verdict(path, "r", {"experiment_id": "exp-0", "verdict": "A better", "judge_model": "other"})
    columns = model_columns(model_verdicts(path, "r"))
    assert columns == {"exp-0": {"model_verdict": "A better", "model_verdict_note": None, "model_judge": "other"}}


def test_a_line_that_is_not_a_verdict_is_left_out(tmp_path):
    path = model_verdicts_file(tmp_path)
    record_model_verdict(path, "r", {"experiment_id": "exp-1", "verdict": "B better", "judge_model": "m"})
    with path.open("a", encoding="utf-8") as fh:
        fh.write('["not", "a record"]\n{"run": "r", "experiment_id": "exp-2", "verdict": "Maybe"}\n{"torn": \n')
    assert [r["experiment_id"] for r in model_verdicts(path, "r")] == ["exp-1"]


def test_the_judge_is_asked_over_the_openai_api(monkeypatch):
    monkeypatch.setenv("FAKE_DEEPSEEK_KEY", "sk-test-judge-key")
    with FakeDeepSeek() as server:
        verdict = judge_experiment(server.engine("judge"), _rec("exp-1"))
        sent = [json.loads(json.dumps(r["body"])) for r in server.requests]
    assert verdict["verdict"] == "B better" and verdict["consistent"]
    assert len(sent) == 2 and all(body["temperature"] == 0.0 for body in sent)
    assert sent[0]["messages"][0] == {"role": "system", "content": JUDGE_SYSTEM}


def test_house_rules_reach_the_judge_and_make_it_another_judge(tmp_path):
    rules = "An answer that names a security to buy is wrong, however well argued."
    request = judge_request(_rec("exp-1"), first="A", rules=f"  {rules}\n")
    assert request.system_prompt.startswith(JUDGE_SYSTEM)
    assert request.system_prompt.endswith(f"The team's house rules, which come before everything above:\n{rules}")
    assert judge_request(_rec("exp-1"), first="A", rules="  ").system_prompt == JUDGE_SYSTEM
    assert judge_name("deepseek-chat") == judge_name("deepseek-chat", " ") == "deepseek-chat"
    named = judge_name("deepseek-chat", rules)
    assert named.startswith("deepseek-chat + rules ") and named == judge_name("deepseek-chat", rules.replace(" ", "  "))
    assert named != judge_name("deepseek-chat", "Another rule.")

    path = model_verdicts_file(tmp_path)
    records = [_rec("exp-1"), _rec("exp-2")]
    engine = ScriptedJudge(prefers_right)
    assert list(judge_run(engine, records, "r", path))[-1].judged == 2
    ruled = list(judge_run(engine, records, "r", path, rules=rules))  # judged again, under the rules
    assert ruled[-1].judged == 2 and all(rules in r.system_prompt for r in engine.requests[4:])
    assert list(judge_run(engine, records, "r", path, rules=rules))[-1].total == 0  # and not a third time
    judged = by_model(model_verdicts(path, "r"))
    assert sorted(judged) == ["judge-model", judge_name("judge-model", rules)]
    assert all(r["rules"] == rules for r in judged[judge_name("judge-model", rules)])
    lines = judge_lines(model_verdicts(path, "r"), records, [])
    assert "Its house rules: “An answer that names a security to buy is wrong, however well argued.”" in lines
    assert "Its house rules" not in model_tally(judged["judge-model"], [], records)
    html = "Refuse <b>any</b> tip."  # the analysts' words are shown, not run as HTML, on the page
    record_model_verdict(path, "r", {"experiment_id": "exp-1", "verdict": "Tie", "judge_model": "m", "rules": html})
    shown = judge_lines(model_verdicts(path, "r"), records, [])
    assert "Its house rules: “Refuse &lt;b>any&lt;/b> tip.”" in shown
    plain = model_tally(by_model(model_verdicts(path, "r"))["m"], [], records)
    assert "Its house rules: “Refuse <b>any</b> tip.”" in plain


def test_a_reference_answer_is_read_to_the_judge_and_decides_against_a_plausible_answer(monkeypatch):
    rec = _rec("calc-1", a="The P/E ratio is 15.", b="The P/E ratio is 12: that is right.",
               query="P/E of a share at 60 with earnings of 4?")
    text = judge_request({**rec, "reference": " The P/E ratio is 15. "}, first="B").question
    assert (text.index("P/E of a share at 60") < text.index("## Reference answer\nThe P/E ratio is 15.\n")
            < text.index(REFERENCE_NOTE) < text.index("## Answer 1"))
    assert "## Reference answer" not in judge_request({**rec, "reference": "  "}, first="A").question

    monkeypatch.setenv("FAKE_DEEPSEEK_KEY", "sk-test-judge-key")
    with FakeDeepSeek() as server:  # its judge takes the answer holding the reference, else the one saying "right"
        alone = judge_experiment(server.engine("judge"), rec)
        against = judge_experiment(server.engine("judge"), {**rec, "reference": "The P/E ratio is 15."})
    assert (alone["verdict"], alone["with_reference"]) == ("B better", False)
    assert (against["verdict"], against["with_reference"]) == ("A better", True)
    assert against["judge_model"] == alone["judge_model"]  # the reference is the experiment's, not the judge's

    tally = model_tally([against, alone], [], [rec])
    assert "1 of them judged against the experiment's reference answer" in tally
    assert "reference" not in model_tally([alone], [], [rec])
    assert model_summary([{**against, "run": "r"}], [], [rec])["judge"]["with_reference"] == 1


def test_where_the_checks_passed_one_answer_alone_the_tally_says_which_the_judge_took(tmp_path):
    def checked(exp_id: str, a: str, b: str, checks: bool = True) -> dict:
        return apply_checks({**_rec(exp_id, a=a, b=b), "expect": {"contains": "15"} if checks else None})
    records = [checked("exp-1", "The P/E is 15.", "The P/E is 12, right."),  # only A passed: the judge took B
               checked("exp-2", "15, right.", "12."),  # only A passed, and the judge took it
               checked("exp-3", "15.", "15 too."),  # both passed: no answer singled out
               checked("exp-4", "12.", "13, right.", checks=False)]  # not checked
    path = model_verdicts_file(tmp_path)
    list(judge_run(ScriptedJudge(prefers_right), records, "r", path))
    given = model_verdicts(path, "r")
    assert checks_sided(given, records) == {"experiments": 2, "passing": 1, "failing": 1, "neither": 0}
    assert ("Where one answer alone passed every check (2 experiments), it preferred that one 1×, the one that "
            "failed 1×, neither 0×") in model_tally(given, [], records)
    assert checks_sided(given, records[2:]) is None
    assert "passed every check" not in model_tally(given, [], records[2:])
    assert model_summary(given, [], records)["judge-model"]["checks_sided"]["failing"] == 1


def test_two_judges_of_a_run_are_set_against_each_other_where_both_judged(tmp_path):
    path = model_verdicts_file(tmp_path)
    plain = {"exp-1": "B better", "exp-2": "A better", "exp-3": "Tie", "exp-4": "B better"}
    ruled = {"exp-1": "B better", "exp-2": "B better", "exp-3": "Tie", "exp-5": "A better"}  # exp-4, -5: one judge
    for judge, said in (("m", plain), ("m + rules 3fa2c1", ruled)):
        for exp_id, verdict in said.items():
            record_model_verdict(path, "r", {"experiment_id": exp_id, "verdict": verdict, "judge_model": judge})
    record_model_verdict(path, "r", {"experiment_id": "exp-9", "verdict": "Tie", "judge_model": "alone"})
    pairs = judges_compared(model_verdicts(path, "r"))
    assert pairs == [{"judges": ["m", "m + rules 3fa2c1"], "both_judged": 3, "same_verdict": 2,
                      "cohen_kappa": pairs[0]["cohen_kappa"], "differed": {"exp-2": ["A better", "B better"]}}]
    assert 0 < pairs[0]["cohen_kappa"] < 1  # "alone" judged nothing the others did: no pair
    assert compared_line(pairs[0]) == ("m and m + rules 3fa2c1 gave the same verdict on 2 of the 3 experiments "
                                       f"both judged (67%; Cohen's κ {pairs[0]['cohen_kappa']:.2f}); they differed "
                                       "on exp-2 (A better / B better)")
    records = [_rec(f"exp-{n}") for n in range(1, 10)]
    lines = judge_lines(model_verdicts(path, "r"), records, [])
    assert lines.endswith("**Judge models set against each other:** `m` and `m + rules 3fa2c1` gave the same "
                          f"verdict on 2 of the 3 experiments both judged (67%; Cohen's κ "
                          f"{pairs[0]['cohen_kappa']:.2f}); they differed on `exp-2` (A better / B better)")
    assert judges_compared([r for r in model_verdicts(path, "r") if r["judge_model"] == "m"]) == []
    seven = {"judges": ["m", "n"], "both_judged": 9, "same_verdict": 2, "cohen_kappa": None,
             "differed": {f"exp-{n}": ["Tie", "A better"] for n in range(7)}}
    assert compared_line(seven).endswith("(22%); they differed on exp-0 (Tie / A better), exp-1 (Tie / A better), "
                                         "exp-2 (Tie / A better), exp-3 (Tie / A better), exp-4 (Tie / A better) "
                                         "and 2 more")


@pytest.mark.parametrize("name", sorted(p.name for p in ASSETS.glob("judge_replies_eval*.jsonl")))
def test_the_labelled_sets_of_judge_replies_are_read_and_none_misread(name):
    path = ASSETS / name
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    said = {"1": "A better", "2": "B better", "tie": "Tie", "both bad": "Both bad", None: None}
    assert len(rows) >= 24 and sum(r["verdict"] is None for r in rows) >= 3
    assert [(r["reply"], read_verdict(r["reply"], first="A")) for r in rows
            if read_verdict(r["reply"], first="A") != said[r["verdict"]]] == []
