"""What verdicts say beyond their counts: the share preferring B with its interval, verdicts per
route and category, and how far two judges agree."""

from __future__ import annotations

import pytest

from workbench.stats import mcnemar_p, wilson_interval
from workbench.verdict_stats import (
    agreement_line,
    cohen_kappa,
    preference_line,
    verdict_summary,
    verdicts_by,
)
from workbench.verdicts import tally_line


def _rec(exp_id: str, verdict: str = "Tie", judge: str | None = None, run: str | None = None) -> dict:
    rec = {"experiment_id": exp_id, "query": "Qu'est-ce que le P/E ?", "verdict": verdict}
    return {**rec, **({"judge": judge} if judge else {}), **({"run": run} if run else {})}


def test_the_exact_mcnemar_test_says_when_a_split_of_paired_outcomes_could_be_chance():
    assert mcnemar_p(12, 3) == pytest.approx(0.0352, abs=0.0001)  # 2 × P(X ≤ 3), X ~ Binomial(15, ½)
    assert mcnemar_p(3, 12) == mcnemar_p(12, 3)  # two-sided
    assert mcnemar_p(0, 6) == pytest.approx(0.03125) and mcnemar_p(0, 5) == pytest.approx(0.0625)
    assert mcnemar_p(5, 5) == 1.0 and mcnemar_p(0, 0) == 1.0


def test_the_share_preferring_b_comes_with_an_interval_that_says_when_it_means_little():
    assert wilson_interval(5, 7) == pytest.approx((0.359, 0.918), abs=0.001)  # a textbook case
    low, high = wilson_interval(0, 4)
    assert low == 0.0 and 0.45 < high < 0.5  # never below 0, and 0 of 4 is far from "never"
    assert wilson_interval(40, 50)[0] > 0.65  # many verdicts: a narrow, telling interval
    with pytest.raises(ValueError):
        wilson_interval(0, 0)
    verdicts = ["B better"] * 5 + ["A better"] * 2 + ["Tie", "Both bad"]
    judged = [_rec(f"exp-{n}", v) for n, v in enumerate(verdicts)]
    assert preference_line(judged) == ("System B preferred in 5 of 7 verdicts that chose a system (71%; "
                                       "95% interval 36%–92%)")  # ties and both-bad left out
    assert preference_line([_rec("exp-1", "Tie")]) == ""


def test_verdicts_are_broken_down_by_route_and_category():
    def judged(n: int, verdict: str, route: str | None, category: str | None) -> dict:
        return {**_rec(f"exp-{n}", verdict), "expected_route": route, "category": category}
    records = [judged(1, "B better", "transaction_risk", "demo-risk"), judged(2, "B better", "transaction_risk", None),
               judged(3, "Tie", "transaction_risk", "demo-risk"), judged(4, "A better", "governance", "demo-risk"),
               judged(5, "A better", None, None)]
    assert verdicts_by(records, "expected_route") == ("governance: A better 1 · "
                                                      "transaction_risk: B better 2, Tie 1")
    assert verdicts_by(records, "category") == "demo-risk: A better 1, B better 1, Tie 1"
    assert verdicts_by([_rec("exp-9")], "category") == ""


def test_two_judges_agreement_is_counted_on_what_both_judged_with_cohens_kappa():
    mine = ["B better", "B better", "A better", "Tie", "B better", "Both bad"]
    theirs = ["B better", "A better", "A better", "Tie", "B better"]  # not the last one
    records = [_rec(f"exp-{n}", v, "ana", "bundled") for n, v in enumerate(mine)]
    records += [_rec(f"exp-{n}", v, "marc", "bundled") for n, v in enumerate(theirs)]
    records.append(_rec("exp-0", "A better", "marc", "other-run"))  # another run: another comparison
    pairs = list(zip(mine[:5], theirs, strict=True))
    # observed 4/5; chance (B:3×2 + A:1×2 + Tie:1×1) / 25 = 9/25; kappa = (0.8 - 0.36) / 0.64
    assert cohen_kappa(pairs) == pytest.approx(0.6875)
    assert tally_line(records).endswith("— 7 comparisons judged (12 verdicts from 2 judges)")
    assert agreement_line(records) == ("2 judges gave the same verdict in 4 of 5 cases where two of them "
                                       "judged the same comparison (80%), Cohen's κ 0.69")
    assert agreement_line(records[:6]) == ""  # one judge
    assert agreement_line([_rec("exp-1", judge="ana"), _rec("exp-2", judge="marc")]) == (
        "2 judges, none of their comparisons judged by two of them yet")
    three = [*records, _rec("exp-0", "B better", None, "bundled")]  # a third, without a sign-in
    assert agreement_line(three).startswith("3 judges gave the same verdict in 6 of 7 cases")
    assert "κ" not in agreement_line(three)  # kappa is for two judges
    assert cohen_kappa([("Tie", "Tie")] * 3) is None and cohen_kappa([]) is None


def test_a_runs_verdicts_as_data_hold_each_judges_the_preference_and_the_agreement():
    records = [_rec("exp-0", "B better", "ana", "r"),
               {**_rec("exp-1", "A better", "ana", "r"), "verdict_note": "B misreads the threshold"},
               _rec("exp-0", "B better", "marc", "r"), {**_rec("exp-2", "Tie", None, "r"), "blind_left": "A"}]
    summary = verdict_summary(records)
    assert summary["verdicts"] == 4 and summary["blind"] == 1
    assert summary["counts"] == {"A better": 1, "B better": 2, "Tie": 1, "Both bad": 0}
    assert summary["by_judge"] == {"ana": {"exp-0": "B better", "exp-1": "A better"}, "marc": {"exp-0": "B better"},
                                   "": {"exp-2": "Tie"}}
    assert summary["preference"]["b_better"] == 2 and summary["preference"]["chose_a_system"] == 3
    low, high = summary["preference"]["interval_95"]
    assert summary["preference"]["b_share"] == pytest.approx(0.6667, abs=1e-4)
    assert low < summary["preference"]["b_share"] < high
    assert summary["agreement"] == {"judges": 3, "judged_twice": 1, "same_verdict": 1, "share": 1.0,
                                    "cohen_kappa": None}
    assert summary["notes"] == {"ana": {"exp-1": "B misreads the threshold"}}
    assert verdict_summary([]) == {"verdicts": 0, "counts": {"A better": 0, "B better": 0, "Tie": 0, "Both bad": 0},
                                   "blind": 0, "by_judge": {}, "notes": {}, "preference": None, "agreement": None}


def test_two_runs_verdicts_are_set_side_by_side_over_the_experiments_both_hold():
    from workbench.verdict_stats import runs_verdict_lines

    def judged(exp_id, verdict, judge=None):
        return {"experiment_id": exp_id, "verdict": verdict, **({"judge": judge} if judge else {})}

    before = [judged("e1", "A better"), judged("e2", "A better"), judged("e3", "Tie"), judged("e1", "B better", "marc"),
              judged("only-before", "B better")]
    after = [judged("e1", "B better"), judged("e2", "B better"), judged("e3", "Tie"), judged("e4", "B better"),
             judged("e1", "B better", "ana")]
    common = {"e1", "e2", "e3", "e4"}  # what both runs hold: only-before's verdict is left out
    lines = runs_verdict_lines(before, after, ("monday", "tuesday"), common)
    assert lines[0] == ("Verdicts: in monday, System B preferred in 1 of 3 (33%; 95% interval 6%–79%); "
                        "in tuesday, System B preferred in 4 of 4 (100%; 95% interval 51%–100%).")
    # e1..e3 by the analyst without a sign-in in both; marc's and ana's are not the same analyst's
    assert lines[1] == ("Judged in both runs by the same analyst: 3 experiments; the verdict changed on 2 from "
                        "monday to tuesday (A better → B better on 2).")
    assert runs_verdict_lines([], after[:1], ("monday", "tuesday"), common) == [
        "Verdicts: in monday, no verdict yet; in tuesday, System B preferred in 1 of 1 (100%; 95% interval 21%–100%)."]
    assert runs_verdict_lines([judged("e3", "Tie")], [judged("e3", "Both bad")], ("m", "t"), common) == [
        "Verdicts: in m, 1 verdict, none choosing a system; in t, 1 verdict, none choosing a system.",
        "Judged in both runs by the same analyst: 1 experiment; the verdict changed on 1 from m to t "
        "(Tie → Both bad on 1)."]
    assert runs_verdict_lines(before, after, ("m", "t"), {"e9"}) == []


def test_verdicts_are_counted_by_how_the_two_answers_disagreed():
    from workbench.verdict_stats import verdicts_by_disagreement

    def judged(exp_id: str, verdict: str, b_refused: bool = False, b_lang: str = "fr", b_says: str = "") -> dict:
        answer = {"refusal": False, "answer_lang": "fr", "metadata": {"finish_reason": "stop"},
                  "response": "Risque : faible."}
        return {**_rec(exp_id, verdict), "lang": "fr", "system_a": answer,
                "system_b": {**answer, "refusal": b_refused, "answer_lang": b_lang,
                             "response": b_says or answer["response"]}}

    records = [judged("e1", "B better", b_refused=True), judged("e2", "B better", b_refused=True),
               judged("e3", "A better", b_refused=True), judged("e4", "A better", b_lang="en"),
               judged("e5", "Tie"), _rec("e6", "Both bad"),  # e6: a record without answers agrees
               judged("e7", "B better", b_says="Risque : ÉLEVÉ.")]
    assert verdicts_by_disagreement(records) == ("one refused: A better 1, B better 2 · one not in the question's "
                                                 "language: A better 1 · rated the risk differently: B better 1 · "
                                                 "no disagreement: Tie 1, Both bad 1")
    assert verdicts_by_disagreement([]) == ""
