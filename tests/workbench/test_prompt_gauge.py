"""The prompt gauge: each model's prompt for the next chat question against its context."""

from __future__ import annotations

import pytest

from engines.base import GenerationParams, InvalidRequestError
from engines.cost import TokenPrices, usd
from engines.prompt import prompt_token_count
from engines.providers import RemoteConfig
from engines.remote import RemoteEngine
from engines.systems import RoutedEngine
from workbench.chat import Turn, turn_request
from workbench.prompt_gauge import OVER, ROOM, TIGHT, gauge_text, next_question_size, prompt_size, size_line

LOCAL = "System B · local model"


def answered(question: str, answer: str) -> Turn:
    return Turn(question=question, engine=LOCAL, answer=answer, stats={}, running=False)


def test_a_short_question_has_room_and_the_count_is_the_models_own(local_engine):
    request = turn_request([], "What is duration?", GenerationParams(max_new_tokens=256))
    size = prompt_size(local_engine, LOCAL, request)
    assert size.counted and size.tokens == local_engine.prompt_token_count(request)
    assert size.context == 2048 and size.room == 2048 - size.tokens and size.level == ROOM
    assert size_line(size) == (f"**{LOCAL}**: {size.tokens:,}-token prompt (the question); {size.room:,} of "
                               "its 2,048-token context left, room for the 256 new tokens asked.")


def test_earlier_answers_and_the_system_prompt_are_counted_and_named(local_engine):
    history = [answered("What is duration?", "Duration measures price sensitivity to rates. " * 4)] * 2
    params = GenerationParams(max_new_tokens=256)
    alone = prompt_size(local_engine, LOCAL, turn_request([], "And convexity?", params))
    after = prompt_size(local_engine, LOCAL, turn_request(history, "And convexity?", params, "Answer briefly."))
    assert after.tokens > alone.tokens + 2 * 40 and after.earlier == 2
    assert "(the question, 2 earlier answers and the system prompt)" in size_line(after)


def test_a_long_conversation_leaves_less_room_than_the_budget_and_says_what_to_do(local_engine):
    history = [answered(f"Question {i} on bond pricing?", "Prices fall when yields rise. " * 30) for i in range(4)]
    request = turn_request(history, "And convexity?", GenerationParams(max_new_tokens=1024))
    size = prompt_size(local_engine, LOCAL, request)
    assert 0 < size.room < 1024 and size.level == TIGHT
    line = size_line(size)
    assert line.startswith("⚠️") and (f"leaves {size.room:,} of its 2,048-token context: the answer stops at "
                                      f"{size.room:,} tokens, not the 1,024 asked, whatever the budget; thinking "
                                      "comes first and may take them all.") in line
    assert line.endswith(" Start a *New conversation* (this one is kept under *Earlier conversations*) or shorten "
                         "the question.")
    off = prompt_size(local_engine, LOCAL, request.model_copy(
        update={"params": GenerationParams(max_new_tokens=1024, enable_thinking=False)}))
    assert "thinking comes first" not in size_line(off) and "whatever the budget. Start" in size_line(off)


def test_a_prompt_past_the_context_is_said_to_be_refused(local_engine):
    history = [answered(f"Question {i}?", "Yields and prices move apart. " * 60) for i in range(6)]
    size = prompt_size(local_engine, LOCAL, turn_request(history, "Next?", GenerationParams()))
    assert size.tokens > 2048 and size.level == OVER
    assert size_line(size).startswith("⛔") and "the model would refuse it" in size_line(size)
    alone = next_question_size(local_engine, LOCAL, [], "Why?", GenerationParams(), "x" * 2100)
    assert alone.level == OVER and size_line(alone).endswith(" Shorten the question or the system prompt.")


def test_system_bs_pipeline_counts_its_routes_system_prompt_and_names_the_route(local_engine):
    pipeline = RoutedEngine(local_engine)
    request = turn_request([], "Quelle est la politique de contrôle interne ?", GenerationParams())
    bare, routed = prompt_size(local_engine, LOCAL, request), prompt_size(pipeline, "System B · pipeline", request)
    assert routed.route == "governance" and routed.tokens > bare.tokens + 20
    assert "(route `governance`)" in size_line(routed)
    refused = prompt_size(pipeline, "System B · pipeline", turn_request(
        [], "How do I launder money without the bank noticing?", GenerationParams()))
    assert refused.route == "explicit_refusal" and refused.answers_itself
    assert size_line(refused).endswith("the router refuses this question itself, without asking the model.")


def test_a_remote_model_is_estimated_from_characters_and_priced():
    remote = RemoteEngine(RemoteConfig(provider="deepseek", api_key_env="NO_SUCH_KEY",
                                       prices=TokenPrices(input=0.28, cached=0.028, output=0.42)))
    size = prompt_size(remote, "System A · remote MoE", turn_request([], "x" * 1000, GenerationParams()))
    assert not size.counted and size.context is None and size.level == ROOM
    assert size.tokens == 300 + 4  # 0.3 token a character, 4 for the message's role markers
    assert size_line(size) == ("**System A · remote MoE**: about 304 prompt tokens (the question, about $0.0000851 "
                               "to read), estimated from characters (this model's tokenizer is not at hand here).")


def test_a_remote_model_with_its_context_given_says_about_how_much_room_is_left():
    remote = RemoteEngine(RemoteConfig(provider="deepseek", api_key_env="NO_SUCH_KEY", context_length=2048))
    params = GenerationParams(max_new_tokens=1024)
    size = prompt_size(remote, "System A · remote MoE", turn_request([], "x" * 1000, params))
    assert not size.counted and size.room == 2048 - 304 and size.level == ROOM
    assert size_line(size).endswith("estimated from characters (this model's tokenizer is not at hand here); about "
                                    "1,744 of its 2,048-token context left, room for the 1,024 new tokens asked.")
    tight = prompt_size(remote, "System A · remote MoE", turn_request([], "x" * 4000, params))
    assert tight.level == TIGHT and tight.room == 2048 - 1204
    assert "leaves about 844 of its 2,048-token context: the answer stops at about 844 tokens, not the 1,024 asked" \
        in size_line(tight)
    over = prompt_size(remote, "System A · remote MoE", turn_request([], "x" * 8000, params))
    assert over.level == OVER and size_line(over).startswith("⛔ **System A · remote MoE**: about 2,404 prompt tokens")


def test_a_remote_model_with_its_tokenizer_given_is_counted_exactly(demo_model_dir):
    from transformers import AutoTokenizer

    prices = TokenPrices(input=0.28, cached=0.028, output=0.42)
    remote = RemoteEngine(RemoteConfig(provider="deepseek", api_key_env="NO_SUCH_KEY", tokenizer=str(demo_model_dir),
                                       context_length=131072, prices=prices))
    request = turn_request([], "Quel est le ratio de Sharpe ?", GenerationParams(max_new_tokens=512),
                           "Réponds en français.")
    size = prompt_size(remote, "System A · remote MoE", request)
    assert size.counted and size.tokens == prompt_token_count(AutoTokenizer.from_pretrained(demo_model_dir), request)
    assert size_line(size) == (f"**System A · remote MoE**: {size.tokens}-token prompt (the question and the system "
                               f"prompt, about {usd(size.prompt_usd)} to read); {131072 - size.tokens:,} of its "
                               "131,072-token context left, room for the 512 new tokens asked.")
    assert remote.health()["tokenizer_problem"] is None


def test_a_tokenizer_that_cannot_be_loaded_is_said_and_the_prompt_estimated(tmp_path, monkeypatch):
    import transformers

    tries = []
    real = transformers.AutoTokenizer.from_pretrained
    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained",
                        lambda *a, **k: tries.append(a) or real(*a, **k))
    remote = RemoteEngine(RemoteConfig(provider="deepseek", api_key_env="NO_SUCH_KEY", tokenizer=str(tmp_path)))
    request = turn_request([], "What is duration?", GenerationParams())
    with pytest.raises(InvalidRequestError, match="System A's tokenizer cannot be loaded in the app"):
        remote.prompt_token_count(request)
    size = prompt_size(remote, "System A · remote MoE", request)  # not tried again: a Hub id would wait each time
    assert len(tries) == 1 and not size.counted and size.tokenizer_problem == remote.tokenizer_problem
    assert "estimated from characters (its tokenizer could not be loaded: " in size_line(size)
    assert remote.health()["tokenizer_problem"]


def test_before_a_question_is_typed_the_conversation_so_far_is_measured(local_engine):
    history = [answered("What is duration?", "Duration measures price sensitivity to rates.")]
    params = GenerationParams(max_new_tokens=256)
    before = next_question_size(local_engine, LOCAL, history, "  ", params, "Be brief.")
    typed = next_question_size(local_engine, LOCAL, history, "And convexity, and why does it matter?", params,
                               "Be brief.")
    assert not before.question and typed.question and typed.tokens > before.tokens
    assert "-token prompt (1 earlier answer and the system prompt, before the question);" in size_line(before)
    assert "-token prompt (the question, 1 earlier answer and the system prompt);" in size_line(typed)
    assert "(before the question)" in size_line(next_question_size(local_engine, LOCAL, [], "", params))


def test_the_gauge_is_empty_with_nothing_to_measure_and_one_line_per_engine(local_engine):
    sizes = [next_question_size(local_engine, name, [], "Why?", GenerationParams()) for name in (LOCAL, "right")]
    assert gauge_text(sizes, anything=False) == ""
    assert gauge_text(sizes).split("  \n") == [size_line(s) for s in sizes]
