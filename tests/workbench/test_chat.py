"""Chat turns: the line of figures under each answer, and questions asked side by side."""

from __future__ import annotations

import json
import threading
import time

from engines.base import Done, GenerationParams, StreamStats, TextDelta
from workbench.chat import (
    Side,
    Turn,
    beside_history,
    finish,
    restored_turns,
    run_side_by_side,
    saved_turns,
    side_by_side_differences,
    stats_line,
)


def test_the_figures_under_an_answer_name_the_parameters_the_api_did_not_take():
    stats = {"ttft_s": 0.2, "tokens_per_s": 31.5, "reasoning_tokens": 40, "content_tokens": 20,
             "reasoning_share": 0.667, "reasoning_lang": "en", "answer_lang": "fr", "finish_reason": "stop",
             "total_s": 2.1, "model_id": "deepseek-reasoner",
             "extras": {"not_applied": ["temperature", "top_p", "top_k"]}}
    line = stats_line(stats)
    assert "not taken by the API: temperature, top_p, top_k" in line
    assert "language: reasoning en / answer fr" in line
    del stats["extras"]["not_applied"]
    assert "not taken" not in stats_line(stats)
    assert "cost" not in stats_line(stats)
    stats["extras"]["cost_usd"] = 0.000312
    assert stats_line(stats).endswith(" · cost $0.000312")
    assert "risk level" not in line
    assert "answer fr · risk level: high · finish: stop" in stats_line({**stats, "risk_level": "high"})


def test_an_answer_the_models_context_cut_says_so():
    stats = {"finish_reason": "length", "reasoning_unclosed": True, "extras": {"context_room": 148}}
    cut = Turn(question="q", engine="System B · local model", stats=stats, running=False)
    assert cut.context_full and cut.truncated_in_reasoning
    assert ("finish: length (the model's context was full: the prompt left 148 tokens for the answer)"
            in stats_line(stats))
    budget = {"finish_reason": "length", "reasoning_unclosed": True, "extras": {}}
    assert not Turn(question="q", engine="e", stats=budget, running=False).context_full
    assert "context was full" not in stats_line(budget)


def test_an_answer_that_rates_a_transaction_carries_its_risk_level():
    turn = Turn(question="Évalue le risque de cette transaction.", engine="B", answer="Risque : ÉLEVÉ. Bloquer.")
    finish(turn, Done(StreamStats(model_id="m", finish_reason="stop", content_tokens=5)), None)
    assert turn.stats["risk_level"] == "high" and "risk level: high" in stats_line(turn.stats)
    plain = Turn(question="What is an ETF?", engine="B", answer="A fund traded on an exchange.")
    finish(plain, Done(StreamStats(model_id="m", finish_reason="stop", content_tokens=5)), None)
    assert "risk_level" not in plain.stats


# --- side by side: one question, two engines, each with its own conversation ---

GREEDY = GenerationParams(temperature=0, max_new_tokens=300)


class Recording:
    """An engine that answers with its name and keeps the messages each request sent."""

    def __init__(self, name: str, wait_for_cancel: bool = False) -> None:
        self.name, self.wait_for_cancel, self.requests = name, wait_for_cancel, []

    def stream(self, request, cancel=None):
        self.requests.append([(m.role, m.content) for m in request.messages])
        yield TextDelta("reasoning", f"{self.name} thinks.")
        if self.wait_for_cancel:
            cancel.wait(20)
            yield Done(StreamStats(model_id=self.name, finish_reason="cancelled", reasoning_tokens=3))
            return
        yield TextDelta("content", f"{self.name} answers.")
        yield Done(StreamStats(model_id=self.name, finish_reason="stop", reasoning_tokens=3, content_tokens=2))


class Crashing:
    def stream(self, request, cancel=None):
        raise RuntimeError("connection reset")
        yield  # a generator, as engines are


def ask_both(sides: list[Side], question: str, cancel=None) -> list[Turn]:
    *_, last = run_side_by_side(sides, question, GREEDY, cancel=cancel)
    return last


def test_side_by_side_the_base_model_and_its_french_adapter_answer_the_same_question(local_engine):
    sides = [Side(local_engine, "System B · local model", []),
             Side(local_engine, "System B · local model", [], "french-reasoning")]
    base, adapted = ask_both(sides, "Qu'est-ce que la duration d'une obligation ?")
    assert not base.running and not adapted.running and base.error is None and adapted.error is None
    assert (base.adapter, adapted.adapter) == (None, "french-reasoning")
    assert base.answer and adapted.answer
    # the point of asking both: the adapter changes the language the model reasons in
    assert (base.stats["reasoning_lang"], adapted.stats["reasoning_lang"]) == ("en", "fr")


def test_each_side_is_sent_its_own_conversation_not_the_other_ones_answers():
    left, right = Recording("left"), Recording("right")
    first = ask_both([Side(left, "L", []), Side(right, "R", [])], "What is a bond?")
    first[0].beside = first[1]
    history = [first[0]]
    ask_both([Side(left, "L", history), Side(right, "R", beside_history(history))], "And its duration?")
    assert right.requests[1] == [("user", "What is a bond?"), ("assistant", "right answers."),
                                 ("user", "And its duration?")]
    assert ("assistant", "left answers.") in left.requests[1]
    assert ("assistant", "left answers.") not in right.requests[1]


def test_one_side_crashing_does_not_hold_back_the_other():
    crashed, answered = ask_both([Side(Crashing(), "A", []), Side(Recording("B"), "B", [])], "What is a swap?")
    assert answered.answer == "B answers." and answered.error is None
    assert crashed.error == "RuntimeError: connection reset" and not crashed.running


def test_stop_ends_both_sides_at_once():
    cancel = threading.Event()
    sides = [Side(Recording("A", wait_for_cancel=True), "A", []), Side(Recording("B", wait_for_cancel=True), "B", [])]
    started = time.perf_counter()
    threading.Timer(0.5, cancel.set).start()
    turns = ask_both(sides, "What is a swap?", cancel)
    assert time.perf_counter() - started < 5  # each would wait 20 s for a Stop that never came
    assert [t.stats["finish_reason"] for t in turns] == ["cancelled", "cancelled"]


def test_a_consumer_that_goes_away_stops_both_sides():
    engines = [Recording("A", wait_for_cancel=True), Recording("B", wait_for_cancel=True)]
    updates = run_side_by_side([Side(e, e.name, []) for e in engines], "What is a swap?", GREEDY)
    turns = next(updates)
    updates.close()  # the browser left: the generator is closed, as Gradio does
    deadline = time.perf_counter() + 5
    while any(t.running for t in turns) and time.perf_counter() < deadline:
        time.sleep(0.05)
    assert [t.stats["finish_reason"] for t in turns] == ["cancelled", "cancelled"]


def test_a_conversation_kept_by_the_browser_comes_back_whole_and_nothing_else_does():
    left = Turn(question="Qu'est-ce qu'une obligation ?", engine="System B · local model", running=False,
                reasoning="The user asks.", answer="Une obligation est un prêt.",
                stats={"finish_reason": "stop", "reasoning_lang": "en"}, params={"max_new_tokens": 300},
                route={"route": "governance", "confidence": 0.9, "reasons": ["a definition"]})
    left.beside = Turn(question=left.question, engine="System B · local model", adapter="french-reasoning",
                       running=False, reasoning="L'utilisateur demande.", answer="Un prêt.")
    streaming = Turn(question="still going", engine="System A · remote MoE")
    data = saved_turns([left, streaming])
    assert len(data) == 1  # a turn still streaming is not kept
    json_like = json.loads(json.dumps(data))  # as the browser stores it
    (back,) = restored_turns(json_like)
    assert back == left and back.beside.adapter == "french-reasoning"
    assert beside_history([back])[0].answer == "Un prêt."
    tampered = [{"question": 3, "engine": "x", "running": False}, {**json_like[0], "stats": "fast"},
                "nonsense", {"unknown": 1}, {**json_like[0], "running": True}]
    assert restored_turns(tampered) == [] and restored_turns(None) == [] and restored_turns({"a": 1}) == []


class Scripted:
    def __init__(self, reasoning: str, answer: str, ttft: float, cost: float | None = None) -> None:
        self.reasoning, self.answer, self.ttft, self.cost = reasoning, answer, ttft, cost

    def stream(self, request, cancel=None):
        yield TextDelta("reasoning", self.reasoning)
        yield TextDelta("content", self.answer)
        yield Done(StreamStats(model_id="m", finish_reason="stop", reasoning_tokens=30, content_tokens=20,
                               ttft_s=self.ttft, total_s=2.0,
                               extras={"cost_usd": self.cost} if self.cost is not None else {}))


def test_the_two_answers_of_a_question_asked_side_by_side_are_compared_as_compare_does():
    english = Scripted("The user asks about duration.", "Duration measures a bond's sensitivity to rates.", 0.1,
                       cost=0.0003)
    french = Scripted("L'utilisateur demande ce qu'est la duration d'une obligation.",
                      "La duration mesure la sensibilité du prix d'une obligation aux taux.", 0.4, cost=0.0001)
    turn, beside = ask_both([Side(english, "L", []), Side(french, "R", [])], "Qu'est-ce que la duration ?")
    turn.beside = beside
    lines = side_by_side_differences(turn, ("base", "adapter"))
    assert lines[0] == "The question is in French; base's answer is in English, base's reasoning is in English."
    assert "First token: base 4.0× sooner than adapter (base 100 ms, adapter 400 ms)." in lines
    assert lines[-1] == "Cost: base 3.0× adapter's (base $0.0003, adapter $0.0001)."
    beside.running = True
    assert side_by_side_differences(turn, ("base", "adapter")) == []  # not before both have finished


def test_side_by_side_the_figures_a_model_was_unsure_of_are_named_from_the_probabilities_lent(monkeypatch):
    from tests.fake_deepseek import KEY_ENV, FakeDeepSeek

    monkeypatch.setenv(KEY_ENV, "sk-test-chat")
    with FakeDeepSeek() as server:  # "Revenue rose 12% to 1,210 million.", "12" at 41%
        params = GenerationParams(enable_thinking=False)
        *_, turns = run_side_by_side([Side(server.engine("figures"), "System A", []),
                                      Side(server.engine("deepseek-chat", logprobs=False), "Other", [])],
                                     "How did revenue move?", params)
    turn, beside = turns
    assert turn.chances and beside.chances is None
    turn.beside = beside
    lines = side_by_side_differences(turn, ("A", "other"))
    assert "Unsure figures (a second run may state them otherwise): A 12% (41%)." in lines
