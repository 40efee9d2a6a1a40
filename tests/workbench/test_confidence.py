"""Where the model hesitated in an answer: the figures and words it was unsure of, said in a few
lines, and the answer shaded token by token."""

from __future__ import annotations

from engines.chances import TokenChance
from workbench.confidence import confidence_html, confidence_summary, unsure_figures, unsure_words


def tokens(answer: str, *pieces: tuple[str, float, tuple[tuple[str, float], ...]]) -> list[TokenChance]:
    """TokenChances for `pieces` (text, probability, likeliest), placed where they are in `answer`."""
    out, at = [], 0
    for text, prob, likeliest in pieces:
        at = answer.index(text, at)
        out.append(TokenChance(text, at, prob, likeliest or ((text, prob),)))
        at += len(text)
    return out


SURE = ()
ANSWER = "The P/E ratio is 15, a moderate multiple."
CHANCES = tokens(ANSWER, ("The", 0.99, SURE), (" P", 0.98, SURE), ("/", 0.99, SURE), ("E", 0.99, SURE),
                 (" ratio", 0.97, SURE), (" is", 0.9, SURE), (" 1", 0.93, SURE),
                 ("5", 0.41, (("5", 0.41), ("0", 0.38), ("2", 0.09))), (",", 0.95, SURE), (" a", 0.8, SURE),
                 (" moderate", 0.22, ((" high", 0.61), (" moderate", 0.22))), (" multiple", 0.9, SURE),
                 (".", 0.99, SURE))


def test_a_figure_with_an_unsure_token_is_named_with_what_the_model_weighed_instead():
    (text, least), = unsure_figures(CHANCES, ANSWER)
    assert text == "15" and least.text == "5" and least.prob == 0.41
    assert [c.text for c in unsure_words(CHANCES, ANSWER)] == [" moderate"]
    summary = confidence_summary(CHANCES, ANSWER, "System B's model")
    assert summary.startswith("**System B's model gave 11 of the answer's 13 tokens (85%) even odds or better** "
                              "(median 95%;")
    assert "⚠️ Figures it was unsure of (1 of 1): **15** (“5” at 41%; it also weighed “0” 38%, “2” 9%)" in summary
    assert "Words it hesitated on most: “moderate” at 22%; it also weighed “high” 61%." in summary


def test_an_answer_whose_figures_were_all_sure_says_so():
    answer = "It is 15."
    chances = tokens(answer, ("It", 0.99, SURE), (" is", 0.9, SURE), (" 15", 0.7, SURE), (".", 0.99, SURE))
    assert unsure_figures(chances, answer) == []
    summary = confidence_summary(chances, answer)
    assert "It was sure of every figure it states (1: each token at even odds or better)." in summary
    assert "Figures it was unsure of" not in summary and "hesitated" not in summary
    assert confidence_summary([], "") == "The model wrote no answer to read."


def test_the_answer_is_shaded_token_by_token_and_escaped():
    answer = "Risk <b>high</b>:\n15"
    chances = tokens(answer, ("Risk", 0.95, SURE), (" <b>", 0.6, SURE), ("high", 0.2, (("high", 0.2), ("low", 0.7))),
                     ("</b>", 0.9, SURE), ("1", 0.99, SURE), ("5", 0.45, SURE))
    page = confidence_html(chances, answer)
    assert "<b>" not in page and "&lt;b&gt;" in page
    assert ':\n<span' in page  # text between tokens kept as written
    assert '<span class="tok" title="95%">Risk</span>' in page  # sure: no shade
    assert 'title="20% · also: “low” 70%" style="background:#fca5a5;color:#111">high</span>' in page
    assert 'style="background:#fcd34d;color:#111">5</span>' in page
    assert 'style="background:#fef3c7;color:#111"> &lt;b&gt;</span>' in page


class Reader:
    """An engine that reads answers back as it is told: `chances`, or raising `error`."""

    def __init__(self, chances=None, error=None):
        self.chances, self.error = chances, error

    def answer_confidence(self, request, reasoning, answer):
        if self.error:
            raise self.error
        return self.chances


def _rec(response="The P/E ratio is 15, a moderate multiple.", error=None):
    return {"system_b": {"response": response, "reasoning": "", "metadata": {"error": error}}}


def test_a_batch_answer_read_back_keeps_its_unsure_figures_for_the_table_csv_and_details():
    from engines.local import LocalFailure
    from engines.systems import RouterAnswered
    from workbench.confidence import read_back, unsure_cell, unsure_line

    rec = read_back(_rec(), Reader(CHANCES), None)
    reading = rec["system_b"]["confidence"]
    assert reading == {"sure_share": round(11 / 13, 4),
                       "unsure_figures": [{"figure": "15", "prob": 0.41, "instead": [["0", 0.38], ["2", 0.09]]}]}
    assert unsure_cell(rec["system_b"]) == "15 (41%)"
    assert unsure_line(rec["system_b"]) == "**15** (41%; it also weighed “0” 38%, “2” 9%)"
    sure = read_back(_rec("It is 15."), Reader(tokens("It is 15.", ("It", 0.99, SURE), (" is", 0.9, SURE),
                                                      (" 15", 0.7, SURE), (".", 0.99, SURE))), None)
    assert unsure_cell(sure["system_b"]) == "none"
    assert unsure_line(sure["system_b"]) == "none (100% of its tokens at even odds or better)"
    # nothing to read: a failed answer, an empty one, the router's own refusal; a failure is kept and said
    assert "confidence" not in read_back(_rec(error="boom"), Reader(CHANCES), None)["system_b"]
    assert "confidence" not in read_back(_rec("  "), Reader(CHANCES), None)["system_b"]
    refused = Reader(error=RouterAnswered("the router answered this question itself: no model wrote that answer"))
    assert "confidence" not in read_back(_rec(), refused, None)["system_b"]
    failed = read_back(_rec(), Reader(error=LocalFailure("the local model's process is gone")), None)
    assert unsure_cell(failed["system_b"]) is None
    assert unsure_line(failed["system_b"]) == "not read back: the local model's process is gone"
    assert unsure_cell({"response": "x"}) is None and unsure_line(None) is None


def test_a_runs_line_counts_the_answers_with_an_unsure_figure_least_sure_first():
    from workbench.confidence import read_back_line

    def rec(exp_id, *probs, error=None):
        reading = {"error": error} if error else {"sure_share": 0.9, "unsure_figures": [
            {"figure": "15", "prob": p, "instead": []} for p in probs]}
        return {"experiment_id": exp_id, "system_b": {"confidence": reading}}

    records = [rec("e1", 0.4), rec("e2"), rec("e3", 0.45, 0.1), rec("e4", error="gone"), {"experiment_id": "e5"},
               rec("e6", 0.3)]
    assert read_back_line(records, shown=2) == ("3 of 4 answers read back have a figure System B's model was unsure "
                                                "of (the least sure first: `e3`, `e6`)")
    assert read_back_line([rec("e2")]) == "0 of 1 answer read back has a figure System B's model was unsure of"
    assert read_back_line([{"experiment_id": "e5", "system_b": {}}]) is None


def test_an_answer_read_only_in_part_says_its_first_tokens():
    answer = "It is 15. " + "More words follow. " * 3
    chances = tokens(answer, ("It", 0.99, SURE), (" is", 0.9, SURE))
    assert confidence_summary(chances, answer).startswith("**The model gave 2 of the first 2 tokens (100%)")
    assert confidence_html(chances, answer).endswith(" 15. More words follow. More words follow. More words follow. "
                                                     "</div>")


def test_system_as_answers_with_their_probabilities_are_counted_in_their_own_words():
    from workbench.confidence import read_back_line

    records = [{"experiment_id": "e1", "system_a": {"confidence": {"sure_share": 0.9, "unsure_figures": [
        {"figure": "12%", "prob": 0.41, "instead": [["15", 0.38]]}]}}}, {"experiment_id": "e2", "system_a": None}]
    assert read_back_line(records, system="system_a") == (
        "1 of 1 answer with its probabilities has a figure System A's model was unsure of (the least sure first: "
        "`e1`)")
    assert read_back_line(records) is None  # System B's: none read back


def test_the_tokens_kept_with_a_record_come_back_only_for_their_own_answer():
    from workbench.confidence import packed, unpacked

    answer = "It is 15."
    chances = tokens(answer, ("It", 0.99, SURE), (" is", 0.9, SURE), (" 15", 0.41, (("15", 0.41), ("10", 0.38))))
    kept = packed(chances)
    assert kept[2] == [" 15", 5, 0.41, [["15", 0.41], ["10", 0.38]]]
    assert unpacked(kept, answer) == chances
    assert unpacked(kept, "It is 16.") is None  # another answer: not drawn on it
    assert unpacked([["It", 0, "sure", []]], answer) is None and unpacked("nonsense", answer) is None
    assert unpacked(None, answer) is None and unpacked([], answer) is None
    assert unpacked([["It", 0, 1.5, []]], answer) is None  # not a probability
