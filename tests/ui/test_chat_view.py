"""Chat tab views: which question a conversation box's edit is about, and what it keeps."""

from __future__ import annotations

import html
import re

import gradio as gr
import pytest

from ui.chat_view import cut_off_in_reasoning, edit_point, edited_text, edited_turn, render, render_beside
from ui.compare_view import MARK
from workbench.chat import Turn


def answered(question: str, reasoning: str = "The user asks.", beside: Turn | None = None) -> Turn:
    return Turn(question=question, engine="System B · local model", reasoning=reasoning, answer="An answer.",
                stats={"finish_reason": "stop"}, running=False, beside=beside)


def test_an_edited_message_is_traced_back_to_its_question_in_either_box():
    turns = [answered("What is an ETF?"),  # asked alone, before the second engine was added
             answered("What is a bond?", reasoning="", beside=answered("What is a bond?")),
             answered("Qu'est-ce que la duration ?", beside=answered("Qu'est-ce que la duration ?"))]
    main = render(turns)
    questions = [i for i, m in enumerate(main) if m["role"] == "user"]
    assert len(questions) == 3 and len(main) > 6  # thinking blocks and answers between the questions
    assert [edited_turn(turns, i) for i in questions] == [0, 1, 2]
    assert edited_turn(turns, questions[0] + 1) is None  # a thinking block or an answer is no question
    assert edited_turn(turns, len(main)) is None and edited_turn(turns, -1) is None
    beside = [i for i, m in enumerate(render([t.beside for t in turns if t.beside])) if m["role"] == "user"]
    # the second box shows only the questions asked side by side: its first is the conversation's second
    assert [edited_turn(turns, i, beside=True) for i in beside] == [1, 2]


def test_an_edit_gives_back_the_text_as_typed():
    assert edited_text("  Is M&A &lt;b>cheap</b> at P/E < 15?  ") == "Is M&A <b>cheap</b> at P/E < 15?"
    assert edited_text({"text": "Qu'est-ce qu'un ETF ?", "files": []}) == "Qu'est-ce qu'un ETF ?"
    assert edited_text(None) == ""


def test_an_edit_keeps_the_turns_before_the_question_and_drops_it_and_those_after():
    turns = [answered("What is an ETF?"), answered("What is a dividend?"), answered("What is a bond?")]
    second = [i for i, m in enumerate(render(turns)) if m["role"] == "user"][1]
    kept, question, dropped = edit_point(turns, second, "Qu'est-ce qu'un dividende ?")
    assert kept == turns[:1] and question == "Qu'est-ce qu'un dividende ?" and dropped == 1
    assert edit_point(turns, 0, "What is an ETF, briefly?")[1:] == ("What is an ETF, briefly?", 2)
    for index, value in ((second, "   "), (second + 1, "An answer."), ((1, 0), "x")):  # empty, not a question
        with pytest.raises(gr.Error, match="Only a question"):
            edit_point(turns, index, value)
    streaming = [*turns[:2], Turn(question="What is a bond?", engine="System B · local model")]
    with pytest.raises(gr.Error, match="still coming"):  # it would be asked again beside the old answer
        edit_point(streaming, 0, "What is an ETF, briefly?")
    beside_streaming = [answered("What is a bond?", beside=Turn(question="What is a bond?", engine="System A"))]
    with pytest.raises(gr.Error, match="still coming"):
        edit_point(beside_streaming, 0, "What is a bond, briefly?")


def _said(answer: str, running: bool = False, error: str | None = None) -> Turn:
    return Turn(question="What is the P/E ratio of a share at 60 earning 4 a year?", engine="System A · remote MoE",
                answer=answer, stats={"finish_reason": "stop"}, running=running, error=error)


COPY_TEXT = re.compile(r'<div class="copy-text" title="([^"]*)" hidden></div>\n\n')


def _answers(messages: list[dict]) -> list[str]:
    """The answers a conversation box shows (what a finished one's copy button copies left out)."""
    return [COPY_TEXT.sub("", m["content"]) for m in messages if m["role"] == "assistant" and not m.get("metadata")]


def test_a_finished_answer_holds_its_text_as_written_for_the_copy_button_and_says_which_language_it_is_in():
    written = 'Le PER est de 15 (60 / 4) :\n\n| "S&P 500" | <b>15</b> |\n|---|---|\n\nEn résumé, c\'est cher.'
    turn = Turn(question="Quel est le PER ?", engine="System A · remote MoE", reasoning="The user asks.",
                answer=written, running=False,
                stats={"finish_reason": "stop", "reasoning_lang": "en", "answer_lang": "fr"})
    user, thought, answer = render([turn])
    tag, shown = answer["content"].split("\n\n", 1)  # the tag on a line of its own, an HTML block
    assert "\n" not in tag and html.unescape(COPY_TEXT.fullmatch(tag + "\n\n").group(1)) == written
    assert shown.startswith('<div lang="fr">\n\nLe PER est de 15') and "&lt;b>15&lt;/b>" in shown
    assert thought["content"] == "The user asks." and "copy-text" not in user["content"] + thought["content"]
    french_reasoning = Turn(**{**vars(turn), "stats": {**turn.stats, "reasoning_lang": "fr"}})
    assert render([french_reasoning])[1]["content"] == '<div lang="fr">\n\nThe user asks.\n\n</div>'
    # cut off inside its reasoning: the reasoning is all the model wrote, and what the button copies
    cut = Turn(**{**vars(turn), "answer": "", "stats": {"finish_reason": "length", "reasoning_unclosed": True}})
    assert html.unescape(COPY_TEXT.match(render([cut])[-1]["content"]).group(1)) == "The user asks."
    # still coming: neither its text for the button nor a language, which are known once it ends
    streaming = render([Turn(**{**vars(turn), "running": True, "stats": {}})])
    assert not any("copy-text" in m["content"] or "lang=" in m["content"] for m in streaming)


def test_side_by_side_each_answer_marks_the_figures_the_other_does_not_state():
    first = _said("The P/E ratio is 15 (60 / 4).")
    beside = _said("The P/E ratio is 12.5, i.e. 60 / 4.8 — 15 on last year's earnings.")
    alone = _said("The P/E ratio is 15.")
    turns = [alone, Turn(**{**vars(first), "beside": beside})]
    main, second = _answers(render(turns)), _answers(render_beside(turns))
    assert MARK not in main[0]  # asked alone: nothing to set it against
    assert main[1].startswith(f"The P/E ratio is 15 (60 / {MARK}4</mark>).")  # 15 and 60 both say
    assert second[0].startswith(f"The P/E ratio is {MARK}12.5</mark>, i.e. 60 / {MARK}4.8</mark> — 15 on")
    streaming = [Turn(**{**vars(first), "beside": _said(beside.answer, running=True)})]
    assert MARK not in " ".join(_answers(render(streaming)) + _answers(render_beside(streaming)))
    failed = [Turn(**{**vars(first), "beside": _said("The P/E ratio is", error="the connection dropped")})]
    refused = [Turn(**{**vars(first), "beside": _said("I can't help with that request.")})]
    for pair in (failed, refused):
        assert MARK not in " ".join(_answers(render(pair)) + _answers(render_beside(pair)))


def test_a_larger_budget_is_offered_only_where_the_budget_not_the_context_cut_the_reasoning():
    def cut(extras: dict) -> Turn:
        return Turn(question="q", engine="System B · local model", running=False,
                    stats={"finish_reason": "length", "reasoning_unclosed": True, "extras": extras})

    full, short = cut({"context_room": 148}), cut({})
    assert not cut_off_in_reasoning([full])  # "Continue with a larger budget" would not help it
    note = render([full])[-1]["content"]
    assert ("⚠️ **The model's context filled up inside the reasoning — no answer was given.** Start a *New "
            "conversation*, or ask a shorter question.") in note and "larger budget" not in note
    assert "Use *Continue with a larger budget*." in render([short])[-1]["content"]
    assert cut_off_in_reasoning([short])
    full.beside = short  # side by side, the other answer's budget ran out: a larger one helps it
    assert cut_off_in_reasoning([full])
