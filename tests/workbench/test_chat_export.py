"""A Chat conversation exported as JSON and Markdown, from real turns on the demo model."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from engines.base import GenerationParams
from workbench.chat import Turn, history_messages, run_turn
from workbench.chat_export import (
    conversation_json,
    conversation_markdown,
    conversation_questions,
    read_conversation,
    turn_record,
)
from workbench.experiments import load_experiments

NOW = datetime(2026, 11, 23, 10, 15, tzinfo=timezone.utc)


def ask(engine, history: list[Turn], question: str, params: GenerationParams, system: str | None = None) -> Turn:
    *_, turn = run_turn(engine, "System B · local model", history, question, params, system)
    return turn


def test_a_two_turn_conversation_keeps_reasoning_apart_and_every_figure(local_engine):
    first = ask(local_engine, [], "What is an ETF?", GenerationParams(temperature=0, max_new_tokens=300))
    second = ask(local_engine, [first], "Qu'est-ce que la duration ?",
                 GenerationParams(temperature=0, max_new_tokens=300, top_k=7),
                 system="Answer for a credit analyst.")
    assert first.reasoning and first.answer and second.reasoning and second.answer

    doc = json.loads(conversation_json([first, second], now=NOW))
    assert doc["format"] == "finance-llm-workbench/conversation" and doc["exported_at"] == "2026-11-23T10:15:00+00:00"
    one, two = doc["turns"]
    assert (one["question"], one["reasoning"], one["answer"]) == ("What is an ETF?", first.reasoning, first.answer)
    assert "</think>" not in one["answer"] and "<think>" not in one["reasoning"]
    assert one["system_prompt"] is None and two["system_prompt"] == "Answer for a credit analyst."
    assert two["params"]["top_k"] == 7 and two["params"]["max_new_tokens"] == 300
    assert two["stats"]["content_tokens"] == second.stats["content_tokens"] > 0
    assert two["stats"]["answer_lang"] == "fr" and two["finish_reason"] == "stop"
    assert two["cut_off_in_reasoning"] is False and two["error"] is None
    assert "Qu'est-ce que la duration" in conversation_json([second])  # accents kept, not \\u escapes

    md = conversation_markdown([first, second], now=NOW)
    assert md.startswith("# Finance LLM Workbench — conversation\n\nExported 2026-11-23 10:15 UTC.")
    assert md.index("## 1. Question") < md.index("What is an ETF?") < md.index("## 2. Question")
    reasoning = md.split("### Reasoning", 2)[2].split("### Answer")[0]
    first_line = second.reasoning.splitlines()[0]
    assert f"> {first_line}" in reasoning  # the reasoning is quoted apart from the answer
    assert second.answer in md.split("### Answer")[2]
    assert "*System prompt:*\n\n> Answer for a credit analyst." in md
    assert "top_k=7" in md and "language: reasoning en / answer fr" in md


def test_an_answer_cut_off_inside_the_reasoning_says_so_in_both_files(local_engine):
    turn = ask(local_engine, [], "What is an ETF?", GenerationParams(temperature=0, max_new_tokens=8))
    assert turn.truncated_in_reasoning
    doc = json.loads(conversation_json([turn]))
    assert doc["turns"][0]["cut_off_in_reasoning"] is True and doc["turns"][0]["finish_reason"] == "length"
    assert doc["turns"][0]["context_full"] is False  # its budget, not the model's context, ended it
    md = conversation_markdown([turn])
    assert "(no answer)" in md and "ran out inside the reasoning" in md


def test_an_answer_the_models_context_ended_says_so_in_both_files():
    def cut(unclosed: bool) -> Turn:
        return Turn(question="And convexity?", engine="System B · local model", running=False,
                    reasoning="The user asks", answer="" if unclosed else "Convexity is",
                    stats={"finish_reason": "length", "reasoning_unclosed": unclosed,
                           "extras": {"context_room": 148}})

    doc = json.loads(conversation_json([cut(True)]))
    assert doc["turns"][0]["context_full"] is True and doc["turns"][0]["cut_off_in_reasoning"] is True
    assert ("The model's context was full (148 tokens left after the prompt), inside the reasoning: no answer "
            "was given.") in conversation_markdown([cut(True)])
    assert ("The model's context was full (148 tokens left after the prompt), the answer was cut off."
            in conversation_markdown([cut(False)]))


def test_running_turns_are_left_out_and_failed_ones_say_why():
    running = Turn(question="still streaming", engine="System A · remote MoE")
    failed = Turn(question="Qu'est-ce qu'un swap ?", engine="System A · remote MoE", running=False,
                  error="System A is not configured: set DEEPSEEK_API_KEY", error_kind="auth")
    stopped = Turn(question="What is a bond?", engine="System B · local model", running=False,
                   answer="A bond is", error="cancelled", error_kind="cancelled")
    doc = json.loads(conversation_json([failed, stopped, running]))
    assert [t["question"] for t in doc["turns"]] == ["Qu'est-ce qu'un swap ?", "What is a bond?"]
    assert doc["turns"][0]["error_kind"] == "auth"
    md = conversation_markdown([failed, stopped, running])
    assert "Error (auth): System A is not configured" in md and "still streaming" not in md
    assert "Stopped before the end" in md and "A bond is" in md
    assert "(No finished turn.)" in conversation_markdown([running])
    assert json.loads(conversation_json([]))["turns"] == []


def test_a_question_asked_side_by_side_keeps_both_answers_with_it():
    left = Turn(question="What is a bond?", engine="System B · local model", running=False,
                reasoning="The user asks about bonds.", answer="A bond is a loan.",
                stats={"finish_reason": "stop", "content_tokens": 5})
    right = Turn(question="What is a bond?", engine="System B · local model", adapter="french-reasoning",
                 running=False, reasoning="L'utilisateur demande.", answer="A bond is debt.",
                 stats={"finish_reason": "length", "content_tokens": 4})
    left.beside = right
    alone = Turn(question="And a share?", engine="System A · remote MoE", running=False, answer="A share is equity.")
    doc = json.loads(conversation_json([left, alone], now=NOW))
    assert doc["turns"][0]["beside"]["adapter"] == "french-reasoning"
    assert doc["turns"][0]["beside"]["answer"] == "A bond is debt." and doc["turns"][1]["beside"] is None
    md = conversation_markdown([left, alone], now=NOW)
    first = md.split("## 2. Question")[0]
    assert first.index("### System B · local model\n") < first.index("A bond is a loan.") \
        < first.index("### System B · local model · adapter french-reasoning") < first.index("A bond is debt.")
    assert "#### Reasoning" in first and "> L'utilisateur demande." in first
    assert "cut off by the token budget" in first  # the right-hand answer's outcome, under its section
    assert "*Engine:* System A · remote MoE" in md.split("## 2. Question")[1]
    # then how the two answers differ, as the tab says it of the last question, for each one asked so
    differ = first.split("### How they differ\n\n")[1]
    assert first.index("A bond is debt.") < first.index("### How they differ")
    assert "- System B + french-reasoning stopped at its token budget." in differ
    assert differ.startswith("- ") and "### How they differ" not in md.split("## 2. Question")[1]
    running = Turn(question="Still going", engine="A", running=False, answer="done")
    running.beside = Turn(question="Still going", engine="B")  # its side-by-side answer still streams
    assert json.loads(conversation_json([running]))["turns"] == []


def test_a_downloaded_conversation_opens_again_as_it_was_and_carries_on(local_engine):
    params = GenerationParams(temperature=0, max_new_tokens=300)
    first = ask(local_engine, [], "What is an ETF?", params, system="Answer for a credit analyst.")
    cut = ask(local_engine, [first], "Qu'est-ce que la duration ?", params.model_copy(update={"max_new_tokens": 8}))
    beside = Turn(question="Qu'est-ce que la duration ?", engine="System A · remote MoE", running=False,
                  error="System A is not configured", error_kind="not_configured")
    cut.beside = beside
    back = read_conversation(conversation_json([first, cut], now=NOW))
    assert [turn_record(t) for t in back] == [turn_record(t) for t in (first, cut)]  # every field, beside too
    assert conversation_markdown(back, now=NOW) == conversation_markdown([first, cut], now=NOW)
    assert all(t.done for t in back) and back[1].truncated_in_reasoning and back[1].beside.error_kind
    assert history_messages(back) == history_messages([first, cut])  # what the model is sent next
    third = ask(local_engine, back, "And a bond?", params)  # the conversation goes on from the file
    assert third.answer and third.stats["finish_reason"] == "stop"


@pytest.mark.parametrize(("text", "message"), [
    ("not json", "it is not JSON"),
    ('{"turns": []}', "it is not a conversation downloaded from Chat"),
    ('{"format": "finance-llm-workbench/conversation", "version": 9, "turns": []}', "written by a newer version"),
    ('{"format": "finance-llm-workbench/conversation", "version": 1, "turns": []}', "it holds no turn"),
    ('{"format": "finance-llm-workbench/conversation", "version": 1, "turns": [{"question": "q", "engine": "e"}]}',
     "turn 1 has no answer"),
    ('{"format": "finance-llm-workbench/conversation", "version": 1, "turns": [{"question": "q", "engine": "e", '
     '"answer": "a", "stats": [1]}]}', "turn 1: route, params and stats are objects"),
    ('{"format": "finance-llm-workbench/conversation", "version": 1, "turns": [{"question": "q", "engine": "e", '
     '"answer": "a", "beside": {"question": "q", "engine": "e"}}]}', r"turn 1 \(side by side\) has no answer"),
])
def test_a_file_that_is_not_a_conversation_is_refused_with_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        read_conversation(text)


def test_a_reasoning_time_on_a_rounding_edge_reads_the_same_once_opened_again():
    turn = Turn(question="What is an ETF?", engine="System B · local model", running=False,
                reasoning="The user asks.", answer="A fund.", thinking_s=0.0496,  # 0.0 s; kept as 0.05
                stats={"finish_reason": "stop"})
    back = read_conversation(conversation_json([turn], now=NOW))
    assert back[0].thinking_s == 0.05
    assert conversation_markdown(back, now=NOW) == conversation_markdown([turn], now=NOW)
    assert "Reasoning (0.1 s)" in conversation_markdown([turn], now=NOW)


def test_a_conversations_questions_become_an_experiment_file_each_once():
    turns = [Turn(question=q, engine="System B · local model", running=False, answer="An answer.")
             for q in ("What is an ETF?", "Qu'est-ce que la duration ?", "What is an ETF?")]
    turns.append(Turn(question="Still coming", engine="System B · local model"))  # not finished: left out
    asked = load_experiments(conversation_questions(turns), name="chat.jsonl")
    # the question asked again keeps its last place
    assert [(e.id, e.query, e.lang) for e in asked] == [("chat-2", "Qu'est-ce que la duration ?", "fr"),
                                                       ("chat-3", "What is an ETF?", "en")]
    assert conversation_questions([]) == ""
    # asked under a system prompt: the batch asks it under the same one
    turns[0].system_prompt = "Answer for a bank's treasury desk."
    told = load_experiments(conversation_questions(turns[:1]), name="chat.jsonl")
    assert [(e.id, e.system_prompt) for e in told] == [("chat-1", "Answer for a bank's treasury desk.")]


def test_system_as_lent_probabilities_go_with_the_conversation_and_its_unsure_figures_are_written(monkeypatch):
    from tests.fake_deepseek import KEY_ENV, FakeDeepSeek

    monkeypatch.setenv(KEY_ENV, "sk-test-export")
    with FakeDeepSeek() as server:  # "Revenue rose 12% to 1,210 million.", "12" at 41% with "15" at 38%
        *_, turn = run_turn(server.engine("figures"), "System A · remote MoE", [], "How did revenue move?",
                            GenerationParams(enable_thinking=False))
    assert turn.chances
    page = conversation_markdown([turn], now=NOW)
    assert "*Unsure figures* (from the probabilities its provider lent): **12%** (41%; it also weighed “15” 38%)" \
        in page
    back = read_conversation(conversation_json([turn], now=NOW))
    assert back[0].chances == turn.chances and conversation_markdown(back, now=NOW) == page
    doc = json.loads(conversation_json([turn], now=NOW))
    doc["turns"][0]["chances"] = "tampered"  # not a list: left out, the turn still opens
    assert read_conversation(json.dumps(doc))[0].chances is None
