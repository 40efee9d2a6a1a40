"""Earlier Chat conversations kept by the browser: put aside, brought back, within limits."""

from __future__ import annotations

import json

import pytest

from workbench import chat_shelf
from workbench.chat import Turn
from workbench.chat_shelf import choices, put_aside, shelf_data, shelf_from, take, title_of

NOON = 1_764_936_000.0  # 5 Dec 2025 12:00 UTC


def turn(question: str, answer: str = "An answer.") -> Turn:
    return Turn(question=question, engine="System B · local model", answer=answer, running=False,
                stats={"finish_reason": "stop"})


def test_a_conversation_put_aside_comes_first_named_by_its_first_question():
    shelf, dropped = put_aside([], [turn("What is duration?"), turn("And convexity?")], now=NOON)
    assert dropped == []
    shelf, _ = put_aside(shelf, [turn("Qu'est-ce qu'une OPCVM ?")], now=NOON + 3600)
    assert [e.title for e in shelf] == ["Qu'est-ce qu'une OPCVM ?", "What is duration?"]
    assert [label for label, _ in choices(shelf)] == ["Qu'est-ce qu'une OPCVM ? · 1 question · 5 Dec 13:00 UTC",
                                                      "What is duration? · 2 questions · 5 Dec 12:00 UTC"]
    assert len({ident for _, ident in choices(shelf)}) == 2


def test_only_finished_turns_are_put_aside_and_an_empty_conversation_adds_nothing():
    streaming = Turn(question="Still coming", engine="System A · remote MoE")  # running
    shelf, _ = put_aside([], [turn("What is a bond?"), streaming], now=NOON)
    assert [t.question for t in shelf[0].turns] == ["What is a bond?"]
    again, dropped = put_aside(shelf, [streaming])
    assert again == shelf and dropped == []


def test_a_long_first_question_is_cut_at_a_word_on_one_line():
    title = title_of([turn("What is the difference between\nthe modified duration and the Macaulay duration "
                           "of a callable bond?")])
    assert title == "What is the difference between the modified duration and the…"
    assert len(title) <= chat_shelf.TITLE_CHARS + 1
    assert title_of([turn("   ")]) == "(no question)"
    assert title_of([turn("x" * 100)]) == "x" * chat_shelf.TITLE_CHARS + "…"


def test_taking_one_back_leaves_the_others_in_order():
    shelf = []
    for n in range(3):
        shelf, _ = put_aside(shelf, [turn(f"Question {n}")], now=NOON + n)
    rest, found = take(shelf, shelf[1].id)
    assert found.title == "Question 1" and found.turns[0].answer == "An answer."
    assert [e.title for e in rest] == ["Question 2", "Question 0"]
    assert take(rest, "gone") == (rest, None)


def test_past_its_limits_the_oldest_are_let_go_and_named(monkeypatch):
    monkeypatch.setattr(chat_shelf, "MAX_KEPT", 3)
    shelf = []
    for n in range(3):
        shelf, dropped = put_aside(shelf, [turn(f"Question {n}")], now=NOON + n)
        assert dropped == []
    shelf, dropped = put_aside(shelf, [turn("Question 3")], now=NOON + 3)
    assert [e.title for e in shelf] == ["Question 3", "Question 2", "Question 1"]
    assert [e.title for e in dropped] == ["Question 0"]

    size = len(json.dumps(shelf_data(shelf[:1]), ensure_ascii=False))
    monkeypatch.setattr(chat_shelf, "MAX_CHARS", 2 * size + 10)  # room for two small ones
    shelf, dropped = put_aside(shelf, [turn("Question 4")], now=NOON + 4)
    assert [e.title for e in shelf] == ["Question 4", "Question 3"]
    assert [e.title for e in dropped] == ["Question 2", "Question 1"]


def test_a_conversation_too_large_for_the_browser_is_refused_not_lost(monkeypatch):
    monkeypatch.setattr(chat_shelf, "MAX_CHARS", 2000)
    shelf, _ = put_aside([], [turn("Small")], now=NOON)
    with pytest.raises(ValueError, match="too large for the browser to keep"):
        put_aside(shelf, [turn("Huge", answer="x" * 5000)])


def test_the_shelf_comes_back_from_the_browser_whole_and_nothing_else_does():
    shelf, _ = put_aside([], [turn("What is duration?")], now=NOON)
    shelf, _ = put_aside(shelf, [turn("What is a swap?")], now=NOON + 1)
    data = json.loads(json.dumps(shelf_data(shelf)))  # as the browser gives it back
    back = shelf_from(data)
    assert [(e.id, e.title, e.saved_at) for e in back] == [(e.id, e.title, e.saved_at) for e in shelf]
    assert back[1].turns[0].question == "What is duration?" and back[1].turns[0].done

    tampered = [*data, "not a conversation", {"id": "x", "title": 3, "saved_at": NOON, "turns": data[0]["turns"]},
                {"id": "y", "title": "no turns", "saved_at": NOON, "turns": []},
                {"id": "z", "title": "no time", "saved_at": True, "turns": data[0]["turns"]},
                dict(data[0])]  # the same id twice
    assert [e.id for e in shelf_from(tampered)] == [e.id for e in shelf]
    assert shelf_from(None) == [] and shelf_from({"a": 1}) == []
