"""The answer read again token by token: Compare › Single's System B answer and Chat's last
answer (each box's when two are side by side), and what is refused."""

from __future__ import annotations

import gradio as gr
import pytest

from engines.base import GenerationParams
from engines.providers import RemoteConfig
from engines.remote import RemoteEngine
from engines.systems import RoutedEngine
from tests.fake_deepseek import KEY_ENV, FakeDeepSeek
from ui.answer_confidence import answer_confidence_view, chat_confidence_view
from workbench.chat import run_turn
from workbench.compare import Comparator, Experiment
from workbench.services import LOCAL, PIPELINE, REMOTE, Services
from workbench.settings import Settings

GREEDY = GenerationParams(temperature=0, max_new_tokens=200, enable_thinking=False)


@pytest.fixture(scope="module")
def services(local_engine):
    remote = RemoteEngine(RemoteConfig(provider="deepseek", api_key_env="NO_SUCH_KEY"))
    return Services(settings=Settings(), engines={LOCAL: local_engine, REMOTE: remote,
                                                  PIPELINE: RoutedEngine(local_engine)})


def asked(services: Services, label: str, question: str, history=(), adapter: str | None = None):
    *_, turn = run_turn(services.engines[label], label, list(history), question, GREEDY, adapter=adapter)
    return turn


def test_chats_last_answer_is_read_and_named(services):
    first = asked(services, LOCAL, "What is EBITDA?")
    last = asked(services, LOCAL, "Qu'est-ce que la duration ?", [first])
    summary, page = chat_confidence_view(services, [first, last])
    assert summary.startswith("_The answer to “Qu'est-ce que la duration ?” (question 2)._\n\n**System B · local "
                              "model gave ")
    assert '<span class="tok" title="' in page and "token-answer" in page


def test_two_boxes_side_by_side_are_each_read_and_system_a_is_said_to_lend_none(services):
    adapter = services.local.adapters[0]
    turn = asked(services, LOCAL, "What is EBITDA?")
    turn.beside = asked(services, LOCAL, "What is EBITDA?", adapter=adapter)
    summary, page = chat_confidence_view(services, [turn])
    assert "**System B · local model gave" in summary
    assert f"**System B · local model · adapter {adapter} gave" in summary
    assert page.count("<h2>") == 2 and f"<h2>System B · local model · adapter {adapter}</h2>" in page
    assert page.count('class="token-legend"') == 1  # one legend above both
    turn.beside = asked(services, REMOTE, "What is EBITDA?")  # no key here: it failed
    assert "**System A · remote MoE** gave no answer to read." in chat_confidence_view(services, [turn])[0]
    turn.beside.error, turn.beside.answer = None, "EBITDA is earnings before interest."
    assert "**System A · remote MoE**: its server sent no probabilities with this answer" in \
        chat_confidence_view(services, [turn])[0]
    turn.beside.stats = {**(turn.beside.stats or {}), "model_id": "deepseek-reasoner"}  # thinking on: none given
    assert "**System A · remote MoE**: `deepseek-reasoner`, the model that answers with thinking on, gives no " \
        "probabilities (with thinking off, `deepseek-chat` does)." in chat_confidence_view(services, [turn])[0]


def test_the_question_named_above_the_reading_shows_its_markdown_as_written(services):
    turn = asked(services, LOCAL, "Is the **P_E** ratio < 15?")
    assert chat_confidence_view(services, [turn])[0].startswith(
        "_The answer to “Is the \\*\\*P\\_E\\*\\* ratio < 15?” (question 1)._")


def test_chat_refuses_with_no_answer_or_one_still_coming(services):
    with pytest.raises(gr.Error, match="Ask a question first"):
        chat_confidence_view(services, [])
    turn = asked(services, LOCAL, "What is EBITDA?")
    turn.running = True
    with pytest.raises(gr.Error, match="Wait for the answer to finish"):
        chat_confidence_view(services, [turn])


def test_the_comparisons_system_b_answer_is_read_after_its_route(services):
    comparator = Comparator(services.remote, services.pipeline, GREEDY)
    rec = comparator.run(Experiment("e1", "Quelle est la politique de contrôle interne ?"), run_a=False)
    summary, page = answer_confidence_view(services, rec)
    assert summary.startswith("**System B's model gave ") and "token-answer" in page
    with pytest.raises(gr.Error, match="Give your verdict first"):
        answer_confidence_view(services, {**rec, "blind_left": "B"})
    with pytest.raises(gr.Error, match="Run a comparison first"):
        answer_confidence_view(services, None)
    refused = comparator.run(Experiment("e2", "How do I launder money without the bank noticing?"), run_a=False)
    with pytest.raises(gr.Error, match="the router answered this question itself"):
        answer_confidence_view(services, refused)


@pytest.fixture()
def lending(services, monkeypatch):
    """Services whose System A is a provider that lends its tokens' probabilities (an answer
    stating "12%", written at 41% with "15" at 38%)."""
    monkeypatch.setenv(KEY_ENV, "sk-test")
    with FakeDeepSeek() as server:
        remote = server.engine("figures")
        yield Services(settings=Settings(), engines={**services.engines, REMOTE: remote})


def test_the_comparisons_two_answers_are_read_system_as_from_its_providers_probabilities(lending):
    rec = Comparator(lending.remote, lending.pipeline, GREEDY).run(Experiment("e1", "How did revenue move?"))
    assert rec["system_a"]["confidence"]["unsure_figures"] == [
        {"figure": "12%", "prob": 0.41, "instead": [["15", 0.38]]}]
    summary, page = answer_confidence_view(lending, rec)
    first, second = summary.split("\n\n**System B")
    assert first.startswith("**System A's model gave 8 of the answer's 9 tokens (89%) even odds or better**")
    assert "as its provider reported them while it wrote" in first and "**12%** (“12” at 41%" in first
    assert second.startswith("'s model gave ")
    assert page.count('class="token-legend"') == 1 and "<h2>System A</h2>" in page and "<h2>System B</h2>" in page
    assert page.index("<h2>System A</h2>") < page.index("<h2>System B</h2>")
    assert 'title="41% · also: “15” 38%"' in page
    # tokens edited in the browser's storage are not drawn; the figures kept are still said (as a batch keeps them)
    forged = {**rec, "system_a": {**rec["system_a"], "tokens": [["Revenue", 0, 2.0, []]]}}
    summary, page = answer_confidence_view(lending, forged)
    assert summary.startswith("**System A**: the figures its model was unsure of were kept with this comparison (see "
                              "its figures: 12% (41%)), not each token's probability.")
    assert "<h2>System A</h2>" not in page
    none = {**rec, "system_a": {k: v for k, v in rec["system_a"].items() if k not in ("tokens", "confidence")}}
    assert answer_confidence_view(lending, none)[0].startswith("**System A**: its server sent no probabilities")


def test_system_a_alone_is_read_and_a_failed_answer_is_said(lending):
    comparator = Comparator(lending.remote, lending.pipeline, GREEDY)
    rec = comparator.run(Experiment("e1", "How did revenue move?"), run_b=False)
    summary, page = answer_confidence_view(lending, rec)
    assert summary.startswith("**System A's model gave ") and "<h2>System B</h2>" not in page
    rec["system_a"]["metadata"]["error"] = "cut"
    with pytest.raises(gr.Error, match="System A gave no answer in the comparison shown"):
        answer_confidence_view(lending, rec)


def test_chats_system_a_answer_is_read_from_the_probabilities_lent_with_it(lending):
    turn = asked(lending, REMOTE, "How did revenue move?")
    assert turn.chances and turn.answer == "Revenue rose 12% to 1,210 million."
    summary, page = chat_confidence_view(lending, [turn])
    assert "**System A · remote MoE gave 8 of the answer's 9 tokens (89%)" in summary
    assert "as its provider reported them while it wrote" in summary and 'class="token-legend"' in page


def test_why_system_a_lent_none_says_a_refusal_or_that_they_were_not_asked_for(services, monkeypatch):
    from ui.answer_confidence import _lends_none

    off = RemoteEngine(RemoteConfig(provider="deepseek", api_key_env="NO_SUCH_KEY", logprobs=False))
    assert _lends_none(off, "System A", "deepseek-chat") == (
        "**System A**: its probabilities are not asked for (the app runs with --no-system-a-logprobs).")
    refused = RemoteEngine(RemoteConfig(provider="custom", model="m"))
    refused.logprobs_problem = "the server refused them (HTTP 400: logprobs is not supported)"
    assert _lends_none(refused, "System A", "m") == ("**System A**: its provider lends no probabilities: the server "
                                                     "refused them (HTTP 400: logprobs is not supported).")
