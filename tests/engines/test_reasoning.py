"""ThinkSplitter: the reasoning/answer separation every engine relies on."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engines.reasoning import ThinkSplitter, split_reasoning


def run(chunks: list[str], start_in_reasoning: bool = False) -> tuple[str, str, bool]:
    splitter = ThinkSplitter(start_in_reasoning)
    pieces = []
    for chunk in chunks:
        pieces += splitter.feed(chunk)
    pieces += splitter.finish()
    reasoning = "".join(t for c, t in pieces if c == "reasoning")
    content = "".join(t for c, t in pieces if c == "content")
    return reasoning, content, splitter.in_reasoning


def test_qwen3_reply_splits_into_reasoning_and_answer():
    reasoning, content, unclosed = run(["<think>\nThe user asks.\n</think>\n\nLe ratio est 10."])
    assert reasoning == "\nThe user asks.\n"
    assert content == "\n\nLe ratio est 10."
    assert not unclosed


def test_tags_split_at_every_character():
    text = "<think>reason</think>answer"
    assert run(list(text)) == ("reason", "answer", False)


def test_prefilled_template_starts_inside_reasoning():
    assert run(["thinking...", "</thi", "nk>done"], start_in_reasoning=True) == (
        "thinking...", "done", False)


def test_empty_think_block_of_non_thinking_mode():
    reasoning, content, unclosed = run(["<think>\n\n</think>\n\n", "Answer."])
    assert reasoning.strip() == ""
    assert content.strip() == "Answer."
    assert not unclosed


def test_stream_cut_off_inside_reasoning_is_reported_unclosed():
    reasoning, content, unclosed = run(["<think>First, the user", " asks about VaR and"])
    assert reasoning == "First, the user asks about VaR and"
    assert content == ""
    assert unclosed


def test_partial_closing_tag_at_the_end_is_flushed_as_reasoning():
    reasoning, _, unclosed = run(["<think>a < b and </thi"])
    assert reasoning == "a < b and </thi"
    assert unclosed


def test_angle_brackets_and_other_tags_in_plain_answer():
    text = "If x < 3 and <b>bold</b> or <thinking> then <th"
    assert run([text]) == ("", text, False)


def test_think_mentioned_after_reasoning_closed_is_content():
    text = "<think>plan</think>Use <think> and </think> tags in prompts."
    assert run([text]) == ("plan", "Use <think> and </think> tags in prompts.", False)


def test_think_tag_in_the_middle_of_an_answer_without_reasoning_is_content():
    assert run(["The tag <think> opens", " reasoning."]) == ("", "The tag <think> opens reasoning.", False)


def test_emits_as_soon_as_text_cannot_be_a_tag():
    splitter = ThinkSplitter()
    assert splitter.feed("<think>abc") == [("reasoning", "abc")]
    assert splitter.feed("de<") == [("reasoning", "de")]  # "<" may start </think>
    assert splitter.feed("x") == [("reasoning", "<x")]
    assert splitter.feed("</think>Hi") == [("content", "Hi")]


def test_holds_back_only_a_possible_opening_tag_at_start():
    splitter = ThinkSplitter()
    assert splitter.feed("<thi") == []
    assert splitter.in_reasoning is False
    assert splitter.feed("s is not a tag") == [("content", "<this is not a tag")]


def test_split_reasoning_helper():
    assert split_reasoning("<think>r</think>c") == ("r", "c", False)


REPLIES = st.one_of(
    st.builds(lambda r, c: f"<think>{r}</think>{c}", st.text(max_size=40), st.text(max_size=40)),
    st.builds(lambda r: f"<think>{r}", st.text(max_size=40)),
    st.text(alphabet="<>/thinkab \n", max_size=60),
    st.text(max_size=60),
)


def chunkings(text: str):
    return st.lists(st.integers(min_value=0, max_value=len(text)), max_size=12).map(
        lambda cuts: [text[a:b] for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), len(text)], strict=True)])


@settings(max_examples=400, deadline=None)
@given(data=st.data(), reply=REPLIES, prefilled=st.booleans())
def test_any_chunking_gives_the_same_result(data, reply, prefilled):
    chunks = data.draw(chunkings(reply))
    assert "".join(chunks) == reply
    assert run(chunks, prefilled) == run([reply], prefilled)


@settings(max_examples=300, deadline=None)
@given(reasoning=st.text(max_size=40).filter(lambda s: "</think>" not in s),
       content=st.text(max_size=40))
def test_nothing_is_lost_or_invented(reasoning, content):
    got_r, got_c, unclosed = run([f"<think>{reasoning}</think>{content}"])
    assert (got_r, got_c, unclosed) == (reasoning, content, False)
