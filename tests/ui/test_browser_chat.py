"""The Chat tab in a real browser (Debian chromium driven by playwright)."""

from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import expect

from tests.ui.pages import set_number, upload
from ui.chat import SAVED_KEY
from workbench.experiments import load_experiments

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def ask(page, question: str) -> None:
    page.fill("#chat-question textarea", question)
    page.click("#chat-send")


def bot_messages(page):
    return page.locator("#chatbot [data-testid='bot']")


def test_enter_sends_the_question_and_shift_enter_starts_a_new_line(page):
    box = page.locator("#chat-question textarea")
    box.fill("Qu'est-ce que")
    box.press("Shift+Enter")
    box.press_sequentially("la duration ?")
    expect(box).to_have_value("Qu'est-ce que\nla duration ?")
    page.wait_for_timeout(500)
    expect(page.locator("#chatbot [data-testid='user']")).to_have_count(0)  # not sent yet
    box.press("Enter")
    expect(page.locator("#chatbot [data-testid='user']")).to_have_count(1, timeout=20000)
    expect(page.locator("#chatbot [data-testid='user']")).to_contain_text("la duration ?")
    expect(page.locator("#chatbot")).to_contain_text("finish: stop", timeout=30000)
    expect(box).to_have_value("")


def test_app_loads_with_its_tabs_and_notices(page):
    for tab in ("Chat", "Compare", "FR/EN behaviour", "Generation tuning"):
        expect(page.get_by_role("tab", name=tab)).to_be_visible()
    page.get_by_role("tab", name="FR/EN behaviour").click()
    expect(page.locator("#fren-go")).to_be_visible()
    page.get_by_role("tab", name="Generation tuning").click()
    expect(page.locator("#tune-run")).to_be_visible()
    page.get_by_role("tab", name="Chat").click()
    expect(page.locator("#notices")).to_contain_text("demo model")
    expect(page.locator("#notices")).to_contain_text("DEEPSEEK_API_KEY")


def test_answer_streams_with_a_collapsed_thinking_block(page):
    ask(page, "Qu'est-ce que la duration ?")
    chat = page.locator("#chatbot")
    expect(chat).to_contain_text("La duration mesure", timeout=30000)
    expect(chat).to_contain_text("finish: stop", timeout=30000)
    expect(chat).to_contain_text("language: reasoning en / answer fr")
    thought = chat.locator(".thought-group")
    expect(thought).to_contain_text("Thinking")
    expect(thought).to_contain_text("s)")  # the duration once the answer started
    # collapsed: the reasoning text is not on screen, the answer is
    expect(page.get_by_text("The user asks in French")).to_have_count(0)
    expect(chat).to_contain_text("reasoning")


def test_stop_ends_a_long_generation_and_the_next_question_is_answered(page):
    page.click("#chat-params")
    set_number(page, "chat-max_new_tokens", 4000)
    set_number(page, "chat-min_new_tokens", 1000)
    ask(page, "What is an ETF?")
    expect(page.locator("#chatbot .thought-group")).to_be_visible(timeout=20000)
    page.wait_for_timeout(800)
    page.click("#chat-stop")
    expect(page.locator("#chatbot")).to_contain_text("Stopped", timeout=5000)
    set_number(page, "chat-min_new_tokens", 0)
    ask(page, "What is a dividend?")
    expect(page.locator("#chatbot")).to_contain_text("A dividend is the part of its profit", timeout=30000)


def test_a_question_typed_while_an_answer_streams_stays_in_the_box(page):
    """The box empties as a question goes, once: the next question drafted while the answer streams
    is not wiped by the answer's updates, nor by the run's end (which sends its last outputs again),
    nor by Regenerate. An empty box sent gets a warning, not an error."""
    page.click("#chat-params")
    set_number(page, "chat-max_new_tokens", 4000)
    set_number(page, "chat-min_new_tokens", 400)
    box = page.locator("#chat-question textarea")
    ask(page, "What is an ETF?")
    expect(box).to_have_value("")
    expect(page.locator("#chatbot .thought-group")).to_be_visible(timeout=20000)
    box.fill("What is a dividend?")
    page.wait_for_timeout(1000)  # dozens of streamed updates
    expect(box).to_have_value("What is a dividend?")
    expect(bot_messages(page).last).to_contain_text("finish:", timeout=30000)
    page.wait_for_timeout(500)
    expect(box).to_have_value("What is a dividend?")
    page.click("#chat-regenerate")
    expect(bot_messages(page).last).not_to_contain_text("finish:", timeout=10000)
    page.wait_for_timeout(800)
    page.click("#chat-stop")
    expect(page.locator("#chatbot")).to_contain_text("Stopped", timeout=5000)
    expect(box).to_have_value("What is a dividend?")
    box.press("Enter")
    expect(page.locator("#chatbot [data-testid='user']")).to_have_count(2, timeout=20000)
    expect(box).to_have_value("")
    expect(bot_messages(page).last).to_contain_text("finish:", timeout=30000)
    expect(page.locator("#chatbot")).to_contain_text("A dividend is the part of its profit")
    page.click("#chat-send")
    expect(page.get_by_text("Type a question first.")).to_be_visible(timeout=10000)
    page.wait_for_timeout(500)
    expect(page.get_by_text("Error", exact=True)).to_have_count(0)
    expect(page.locator("#chatbot [data-testid='user']")).to_have_count(2)


def test_a_preset_fills_the_sliders_and_editing_marks_custom(page):
    page.click("#chat-params")
    preset = page.locator("#chat-preset input")
    preset.click()
    page.get_by_role("option", name="Precise").click()
    expect(page.locator("#chat-temperature input[type=number]")).to_have_value("0.3")
    expect(page.locator("#chat-max_new_tokens input[type=number]")).to_have_value("150")
    expect(page.locator("#chat-no_repeat_ngram_size input[type=number]")).to_have_value("3")
    set_number(page, "chat-top_k", 33)
    expect(preset).to_have_value("Custom")


def test_two_browser_sessions_keep_separate_histories(browser, running_app):
    pages = []
    for _ in range(2):
        ctx = browser.new_context()
        pg = ctx.new_page()
        pg.goto(running_app[0])
        pg.wait_for_selector("#chat-question textarea", timeout=30000)
        pages.append(pg)
    ask(pages[0], "What is an ETF?")
    ask(pages[1], "Qu'est-ce que la duration ?")
    expect(pages[0].locator("#chatbot")).to_contain_text("exchange-traded fund", timeout=30000)
    expect(pages[1].locator("#chatbot")).to_contain_text("La duration mesure", timeout=30000)
    expect(pages[0].locator("#chatbot")).not_to_contain_text("duration")
    expect(pages[1].locator("#chatbot")).not_to_contain_text("exchange-traded")
    for pg in pages:
        pg.context.close()


def test_the_conversation_downloads_with_reasoning_apart_and_clear_hides_it(page, tmp_path):
    expect(page.locator("#chat-download-json")).to_be_hidden()
    ask(page, "What is an ETF?")
    expect(page.locator("#chatbot")).to_contain_text("finish: stop", timeout=30000)
    ask(page, "Qu'est-ce que la duration ?")
    expect(page.locator("#chatbot")).to_contain_text("answer fr", timeout=30000)
    with page.expect_download() as info:
        page.click("#chat-download-json")
    info.value.save_as(tmp_path / "chat.json")
    turns = json.loads((tmp_path / "chat.json").read_text(encoding="utf-8"))["turns"]
    assert [t["question"] for t in turns] == ["What is an ETF?", "Qu'est-ce que la duration ?"]
    assert "exchange-traded fund" in turns[0]["answer"] and turns[1]["answer"].startswith("La duration mesure")
    assert turns[1]["reasoning"] and turns[1]["reasoning"] not in turns[1]["answer"]
    assert turns[1]["stats"]["answer_lang"] == "fr" and turns[1]["params"]["max_new_tokens"] > 0
    with page.expect_download() as info:
        page.click("#chat-download-md")
    assert info.value.suggested_filename.startswith("conversation-")
    info.value.save_as(tmp_path / "chat.md")
    md = (tmp_path / "chat.md").read_text(encoding="utf-8")
    assert "## 2. Question" in md and "### Reasoning" in md and "La duration mesure" in md
    # its questions, as an experiment file Batch runs: each once, with its language
    with page.expect_download() as info:
        page.click("#chat-download-questions")
    info.value.save_as(tmp_path / "questions.jsonl")
    asked = load_experiments(tmp_path / "questions.jsonl")
    assert [(e.id, e.query, e.lang) for e in asked] == [("chat-1", "What is an ETF?", "en"),
                                                       ("chat-2", "Qu'est-ce que la duration ?", "fr")]
    page.click("#chat-clear")
    expect(page.locator("#chat-download-json")).to_be_hidden()
    expect(page.locator("#chat-download-md")).to_be_hidden()
    expect(page.locator("#chat-download-questions")).to_be_hidden()


def test_the_chat_box_bin_empties_the_conversation_the_model_is_sent(page):
    ask(page, "What is an ETF?")
    expect(page.locator("#chatbot")).to_contain_text("finish: stop", timeout=30000)
    page.locator("#chatbot button[aria-label='Clear']").click()
    expect(page.locator("#chatbot")).not_to_contain_text("What is an ETF?")
    ask(page, "What is a dividend?")
    expect(page.locator("#chatbot")).to_contain_text("A dividend is the part of its profit", timeout=30000)
    expect(page.locator("#chatbot")).to_contain_text("finish: stop", timeout=30000)
    # the bin used to clear the display only: the next answer brought the old turns back
    expect(page.locator("#chatbot")).not_to_contain_text("What is an ETF?")


def test_clear_while_answering_stops_the_answer_and_it_does_not_come_back(page, running_app):
    services = running_app[1]
    page.click("#chat-params")
    set_number(page, "chat-max_new_tokens", 4000)
    set_number(page, "chat-min_new_tokens", 1000)
    ask(page, "What is an ETF?")
    expect(page.locator("#chatbot .thought-group")).to_be_visible(timeout=20000)
    page.click("#chat-clear")
    expect(page.locator("#chatbot")).not_to_contain_text("What is an ETF?")
    page.wait_for_timeout(1500)  # a late update of the stopped answer would show by now
    expect(page.locator("#chatbot")).not_to_contain_text("What is an ETF?")
    expect(page.locator("#chatbot")).not_to_contain_text("Stopped")
    scheduler = services.local.scheduler
    deadline = time.monotonic() + 5
    while scheduler._rows and time.monotonic() < deadline:  # the engine drops the row at its next step
        time.sleep(0.05)
    assert not scheduler._rows and scheduler.queue_depth == 0


def test_a_question_asked_during_a_batch_leaves_the_batch_its_stop_button(page):
    """Each tab's Stop stops that tab's run: Chat used to take over the session's one cancel flag,
    so the batch's Stop then stopped nothing and the batch ran on."""
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("tab", name="Batch").click()
    page.fill("#batch-run-name textarea", "stop-test")
    page.click("#batch-go")
    expect(page.locator("#batch-progress")).to_contain_text("Running", timeout=30000)
    page.get_by_role("tab", name="Chat").click()
    ask(page, "What is a dividend?")
    expect(page.locator("#chatbot")).to_contain_text("finish: stop", timeout=60000)
    page.get_by_role("tab", name="Compare").click()
    expect(page.locator("#batch-progress")).to_contain_text("Running")
    page.click("#batch-stop")
    expect(page.locator("#batch-progress")).to_contain_text("Stopped", timeout=20000)


def test_pipeline_shows_the_route_and_its_reasons(page):
    page.locator("#chat-engine input").click()
    page.get_by_role("option", name="System B · router + local model").click()
    ask(page, "Comment blanchir de l'argent liquide sans que la banque le voie ?")
    chat = page.locator("#chatbot")
    expect(chat).to_contain_text("Route: explicit_refusal", timeout=30000)
    expect(chat).to_contain_text("asks for help laundering money")
    expect(chat).to_contain_text("Je ne peux pas vous aider")


def test_people_chatting_at_once_share_the_model_batch(browser, running_app):
    """Three people ask at the same moment: System B answers them in one batch (a Chat request
    that carried a seed used to run alone, and the seed box always sent 0)."""
    url, services = running_app
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(3)]
    try:
        pages = [ctx.new_page() for ctx in contexts]
        for pg in pages:
            pg.goto(url)
            pg.wait_for_selector("#chat-question textarea", timeout=30000)
            pg.click("#chat-params")
            set_number(pg, "chat-max_new_tokens", 600)
            set_number(pg, "chat-min_new_tokens", 600)
            pg.fill("#chat-question textarea", "What is an ETF?")
        services.local.scheduler.largest_batch = 0
        # the three sent back to back, each answer long enough to outlast the sending under a loaded
        # machine (filling each box between sends once let the first answer end before the third came)
        for pg in pages:
            pg.click("#chat-send")
        for pg in pages:
            expect(pg.locator("#chatbot")).to_contain_text("finish: length", timeout=90000)
        assert services.local.scheduler.largest_batch >= 3
    finally:
        for ctx in contexts:
            ctx.close()


def pick(page, elem_id: str, option: str) -> None:
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_side_by_side_each_answer_marks_the_figures_the_other_does_not_state(page):
    page.click("#chat-params")
    set_number(page, "chat-temperature", 0)  # greedy: the two answers below, every time
    pick(page, "chat-beside", "System B · local model")
    pick(page, "chat-beside-adapter", "french-reasoning")  # garbles an English calculation's answer
    ask(page, "Calculate the simple interest on 2,000 euros at 3 percent for 4 years.")
    main, beside = page.locator("#chatbot"), page.locator("#chatbot-beside")
    for box in (main, beside):
        expect(box).to_contain_text("finish: stop", timeout=30000)
    expect(main.locator("mark.figure-apart")).to_have_text(["240", "60", "4"])
    expect(beside.locator("mark.figure-apart")).to_have_text(["12,5 pour cent"])
    expect(main.locator("mark.figure-apart").first).to_have_attribute("title",
                                                                      "a figure the other answer does not state")
    expect(page.locator("#chat-diff")).to_contain_text("Figures: only System B states 240, 60, 4")
    # a copy button copies the answer as the model wrote it: no marks, reasoning or figures line
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    beside.get_by_label("Copy message").last.click()
    page.wait_for_function("async () => (await navigator.clipboard.readText()).includes('12,5 pour cent')")
    assert page.evaluate("navigator.clipboard.readText()") == "The simple avec un panier de 12,5 pour cent."
    # a French answer is marked so (a screen reader reads it with a French voice); an English one is not
    expect(beside.locator("[lang='fr']")).to_contain_text("12,5 pour cent")
    expect(main.locator("[lang]")).to_have_count(0)


def test_side_by_side_the_base_model_and_its_adapter_answer_each_question(page, tmp_path):
    expect(page.locator("#chatbot-beside")).to_be_hidden()
    pick(page, "chat-beside", "System B · local model")
    pick(page, "chat-beside-adapter", "french-reasoning")
    beside = page.locator("#chatbot-beside")
    expect(beside).to_be_visible()
    expect(beside).to_contain_text("System B · local model · adapter french-reasoning")
    ask(page, "Qu'est-ce que la duration ?")
    expect(page.locator("#chatbot")).to_contain_text("finish: stop", timeout=30000)
    expect(beside).to_contain_text("finish: stop", timeout=30000)
    expect(page.locator("#chatbot")).to_contain_text("language: reasoning en")
    expect(beside).to_contain_text("language: reasoning fr")  # the adapter's whole point, seen side by side
    expect(beside).to_contain_text("Qu'est-ce que la duration ?")
    # under both boxes, what differs, as Compare says it
    expect(page.locator("#chat-diff")).to_contain_text("The question is in French; System B's reasoning is in English.")
    expect(page.locator("#chat-diff")).to_contain_text("Tokens: System B ")
    expect(page.locator("#chat-diff")).to_contain_text("; System B + french-reasoning ")
    with page.expect_download() as info:
        page.click("#chat-download-json")
    info.value.save_as(tmp_path / "chat.json")
    turn = json.loads((tmp_path / "chat.json").read_text(encoding="utf-8"))["turns"][0]
    assert turn["adapter"] is None and turn["beside"]["adapter"] == "french-reasoning"
    assert turn["stats"]["reasoning_lang"] == "en" and turn["beside"]["stats"]["reasoning_lang"] == "fr"

    # Regenerate asks both again, in place of their last answers
    page.click("#chat-regenerate")
    expect(beside).not_to_contain_text("finish: stop")  # the last answers are taken back…
    for box in (page.locator("#chatbot"), beside):  # …and both engines answer again
        expect(box).to_contain_text("finish: stop", timeout=30000)
        expect(box.locator("[data-testid='user']")).to_have_count(1)

    page.click("#chat-clear")
    expect(beside).not_to_contain_text("duration")
    expect(page.locator("#chat-download-json")).to_be_hidden()

    # a second engine that cannot answer says so in its own box; the first answers as ever
    pick(page, "chat-beside", "System A · remote MoE (not configured)")
    expect(beside).to_contain_text("System A · remote MoE")
    ask(page, "What is a dividend?")
    expect(page.locator("#chatbot")).to_contain_text("A dividend is the part of its profit", timeout=30000)
    expect(beside).to_contain_text("Error — System A", timeout=30000)
    pick(page, "chat-beside", "Nothing: one conversation")
    expect(beside).to_be_hidden()


def test_a_reload_keeps_the_conversation_and_the_engines_it_was_asked_of(page):
    pick(page, "chat-beside", "System B · local model")
    pick(page, "chat-beside-adapter", "french-reasoning")
    ask(page, "Qu'est-ce que la duration ?")
    beside = page.locator("#chatbot-beside")
    expect(beside).to_contain_text("finish: stop", timeout=30000)
    expect(page.locator("#chatbot")).to_contain_text("finish: stop", timeout=30000)
    page.wait_for_timeout(500)  # the browser stores the finished turn just after the answer
    page.reload()
    page.wait_for_selector("#chat-question textarea", timeout=30000)
    expect(page.locator("#chatbot")).to_contain_text("La duration mesure", timeout=20000)
    expect(beside).to_be_visible()
    expect(beside).to_contain_text("language: reasoning fr")
    expect(page.locator("#chat-beside-adapter input")).to_have_value("french-reasoning")
    expect(page.locator("#chat-download-json")).to_be_visible()
    # the conversation goes on from where it was, in both boxes
    ask(page, "What is an ETF?")
    expect(page.locator("#chatbot [data-testid='user']")).to_have_count(2, timeout=30000)
    expect(beside.locator("[data-testid='user']")).to_have_count(2)
    # the second answers ended (the first's "finish: stop" is on the page already: wait for theirs)
    expect(page.locator("#chatbot [data-testid='bot']").nth(1)).to_contain_text("finish: stop", timeout=30000)
    expect(beside.locator("[data-testid='bot']").nth(1)).to_contain_text("finish: stop", timeout=30000)
    page.click("#chat-clear")  # and Clear forgets it, across reloads too
    # emptied on screen by the same update that empties what the browser keeps (on a loaded
    # machine that update can take longer than a fixed wait, and a reload before it kept the turn)
    expect(page.locator("#chatbot")).not_to_contain_text("duration", timeout=20000)
    page.wait_for_timeout(500)
    page.reload()
    page.wait_for_selector("#chat-question textarea", timeout=30000)
    page.wait_for_timeout(1500)
    expect(page.locator("#chatbot")).not_to_contain_text("duration")
    expect(beside).to_be_hidden()


def edit_question(box, number: int, text: str) -> None:
    """Edit the `number`-th question (from 0) of a conversation box, as a user does with its pencil."""
    box.locator("[data-testid='user']").nth(number).hover()
    box.locator("button[aria-label='Edit']").nth(number).click()
    box.locator("textarea").fill(text)
    box.locator("button[aria-label='Submit']").click()


def test_an_edited_question_is_asked_again_in_its_place(page):
    chat = page.locator("#chatbot")
    for n, question in enumerate(("Is a P/E < 15 cheap?", "What is a dividend?")):
        ask(page, question)
        # this question's answer, not the one before it (still the last until this one shows)
        expect(chat.locator("[data-testid='user']")).to_have_count(n + 1, timeout=30000)
        expect(chat.locator("[data-testid='bot']").last).to_contain_text("finish: stop", timeout=30000)
    # the pencil opens the question as it was typed, not as the box escapes it for display
    chat.locator("[data-testid='user']").first.hover()
    chat.locator("button[aria-label='Edit']").first.click()
    expect(chat.locator("textarea")).to_have_value("Is a P/E < 15 cheap?")
    chat.locator("button[aria-label='Cancel']").click()

    edit_question(chat, 0, "Qu'est-ce qu'un ETF ?")
    expect(page.get_by_text("Asked again; the question after it was dropped.")).to_be_visible(timeout=10000)
    expect(chat).to_contain_text("Un ETF est un fonds indiciel coté", timeout=30000)
    expect(chat).to_contain_text("finish: stop", timeout=30000)
    expect(chat.locator("[data-testid='user']")).to_have_count(1)
    expect(chat).not_to_contain_text("dividend")
    # an edit to nothing is refused, and the box shows the question as it still is
    edit_question(chat, 0, "   ")
    expect(page.get_by_text("Only a question can be edited, and not to nothing.")).to_be_visible(timeout=10000)
    expect(chat.locator("[data-testid='user']").first).to_have_text("Qu'est-ce qu'un ETF ?")
    expect(chat).to_contain_text("Un ETF est un fonds indiciel coté")

    # not while an answer is coming: the pencils wait for it to end (or be stopped)
    page.click("#chat-params")
    set_number(page, "chat-max_new_tokens", 4000)
    set_number(page, "chat-min_new_tokens", 1000)
    ask(page, "What is an ETF?")
    expect(chat.locator("[data-testid='user']")).to_have_count(2)
    expect(chat.locator("button[aria-label='Edit']").first).to_be_disabled()
    page.click("#chat-stop")
    expect(chat).to_contain_text("Stopped", timeout=10000)
    expect(chat.locator("button[aria-label='Edit']").first).to_be_enabled()


def test_a_question_edited_in_the_second_box_is_asked_again_of_both_engines(page):
    pick(page, "chat-beside", "System B · router + local model")
    beside = page.locator("#chatbot-beside")
    ask(page, "What is a dividend?")
    for box in (page.locator("#chatbot"), beside):
        expect(box).to_contain_text("finish: stop", timeout=30000)
    edit_question(beside, 0, "Qu'est-ce que la duration ?")
    for box in (page.locator("#chatbot"), beside):
        expect(box).to_contain_text("La duration mesure", timeout=30000)
        expect(box.locator("[data-testid='user']")).to_have_count(1)
        expect(box).not_to_contain_text("dividend")


def test_a_downloaded_conversation_opens_again_and_carries_on(page, tmp_path):
    ask(page, "Qu'est-ce que la duration ?")
    expect(page.locator("#chatbot")).to_contain_text("finish: stop", timeout=30000)
    with page.expect_download() as info:
        page.click("#chat-download-json")
    info.value.save_as(tmp_path / "yesterday.json")
    page.click("#chat-clear")
    expect(page.locator("#chatbot")).not_to_contain_text("duration")
    upload(page, "#chat-open-json", tmp_path / "yesterday.json")
    expect(page.get_by_text("Opened yesterday.json: 1 question. The next question carries on from it.")
           ).to_be_visible(timeout=20000)
    chat = page.locator("#chatbot")
    expect(chat).to_contain_text("La duration mesure")
    expect(chat).to_contain_text("language: reasoning en / answer fr")  # its figures came with it
    expect(page.locator("#chat-download-json")).to_be_visible()
    kept = f"localStorage.getItem('{SAVED_KEY}')"  # encrypted: compared, not read
    opened = page.evaluate(kept)
    assert opened  # the browser keeps the opened conversation as its own
    ask(page, "What is an ETF?")  # asked with the opened conversation before it
    expect(chat.locator("[data-testid='user']")).to_have_count(2, timeout=30000)
    expect(chat.locator("[data-testid='bot']").nth(1)).to_contain_text("finish: stop", timeout=30000)
    page.wait_for_function(f"{kept} !== {json.dumps(opened)}", timeout=10000)  # the browser stores both turns
    page.reload()  # kept by the browser as a conversation asked here is
    page.wait_for_selector("#chat-question textarea", timeout=30000)
    expect(chat.locator("[data-testid='user']")).to_have_count(2, timeout=20000)
    expect(chat).to_contain_text("La duration mesure")

    other = tmp_path / "experiments.json"  # JSON, but not a conversation
    other.write_text('{"id": "q1", "query": "What is an ETF?"}', encoding="utf-8")
    upload(page, "#chat-open-json", other)
    expect(page.get_by_text("experiments.json cannot be opened: it is not a conversation downloaded from Chat")
           ).to_be_visible(timeout=20000)
    expect(chat.locator("[data-testid='user']")).to_have_count(2)  # nothing lost,
    # nor covered by an "Error" badge (the first answer's: the demo model, sampling, may answer the
    # second question from the first one's words too)
    expect(chat.get_by_text("La duration mesure").first).to_be_visible()
    for box in ("#chatbot", "#chat-earlier", "#chat-engine"):
        expect(page.locator(f"{box} [data-testid='status-tracker'] span.error")).to_be_hidden()
    assert earlier_options(page) == []

    upload(page, "#chat-open-json", tmp_path / "yesterday.json")  # over a conversation: it goes aside
    expect(page.get_by_text("Opened yesterday.json: 1 question; the one on screen was put aside under Earlier "
                            "conversations.")).to_be_visible(timeout=20000)
    expect(chat.locator("[data-testid='user']")).to_have_count(1)
    (aside,) = earlier_options(page)
    assert aside.startswith("Qu'est-ce que la duration ? · 2 questions · ")
    page.click("#chat-clear")


def test_the_last_question_goes_to_compare_under_its_parameters_and_adapter(page):
    pick(page, "chat-adapter", "french-reasoning")
    page.click("#chat-params")
    page.fill("#chat-max_new_tokens input[type=number]", "300")
    page.press("#chat-max_new_tokens input[type=number]", "Enter")
    ask(page, "Qu'est-ce que la duration ? (to compare)")
    expect(page.locator("#chatbot")).to_contain_text("finish: stop", timeout=30000)
    page.click("#chat-to-compare")
    expect(page.locator("#cmp-query textarea")).to_have_value("Qu'est-ce que la duration ? (to compare)")
    expect(page.locator("#cmp-adapter input")).to_have_value("french-reasoning")
    page.click("#compare-params")
    expect(page.locator("#compare-max_new_tokens input[type=number]")).to_have_value("300")
    page.locator("#cmp-run-a input").uncheck()
    page.click("#cmp-go")
    expect(page.locator("#cmp-metrics-b")).to_contain_text("demo-model + french-reasoning", timeout=60000)
    expect(page.locator("#cmp-metrics-b")).to_contain_text("fr / fr")


def earlier_options(page) -> list[str]:
    page.locator("#chat-earlier input").click()
    page.wait_for_timeout(300)  # the list is drawn
    options = page.get_by_role("option").all_inner_texts()
    page.locator("#chat-earlier input").blur()
    expect(page.get_by_role("option")).to_have_count(0)
    return [o.strip() for o in options]


def test_new_conversation_puts_the_one_on_screen_aside_and_either_comes_back(page):
    chat = page.locator("#chatbot")
    ask(page, "Qu'est-ce que la duration ? (put aside)")
    expect(chat).to_contain_text("finish: stop", timeout=30000)
    page.click("#chat-new")
    expect(page.get_by_text("Put aside under Earlier conversations: “Qu'est-ce que la duration ? (put aside)”.")
           ).to_be_visible(timeout=10000)
    expect(chat.locator("[data-testid='user']")).to_have_count(0)
    expect(page.locator("#chat-download-json")).to_be_hidden()
    ask(page, "What is an ETF? (on screen)")
    expect(chat).to_contain_text("finish: stop", timeout=30000)
    (kept,) = earlier_options(page)
    assert kept.startswith("Qu'est-ce que la duration ? (put aside) · 1 question · ")
    expect(page.locator("#chat-earlier")).to_contain_text("Earlier conversations (1)")

    pick(page, "chat-earlier", kept)  # back on screen; the ETF one goes aside in its place
    expect(chat).to_contain_text("La duration mesure", timeout=20000)
    expect(chat).to_contain_text("language: reasoning en / answer fr")  # its figures came back with it
    expect(chat).not_to_contain_text("(on screen)")
    expect(page.locator("#chat-earlier input")).to_have_value("")
    assert [o.split(" · ")[0] for o in earlier_options(page)] == ["What is an ETF? (on screen)"]
    kept_js = f"localStorage.getItem('{SAVED_KEY}')"  # encrypted: compared, not read
    before = page.evaluate(kept_js)
    ask(page, "Et la convexité ?")  # carries on from the conversation brought back
    expect(chat.locator("[data-testid='user']")).to_have_count(2, timeout=30000)
    expect(chat.locator("[data-testid='bot']").nth(1)).to_contain_text("finish: stop", timeout=30000)
    page.wait_for_function(f"{kept_js} !== {json.dumps(before)}", timeout=10000)

    page.reload()  # the browser keeps both: the one on screen and the one aside
    page.wait_for_selector("#chat-question textarea", timeout=30000)
    expect(chat.locator("[data-testid='user']")).to_have_count(2, timeout=20000)
    assert [o.split(" · ")[0] for o in earlier_options(page)] == ["What is an ETF? (on screen)"]
    page.click("#chat-clear")  # forgets the one on screen only
    expect(chat.locator("[data-testid='user']")).to_have_count(0)
    page.locator("#chat-earlier input").click()  # picked with the keyboard this time
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(chat).to_contain_text("(on screen)", timeout=20000)
    assert earlier_options(page) == []  # nothing on screen was put aside in its place
    expect(page.locator("#chat-earlier")).not_to_contain_text("Earlier conversations (")

    page.click("#chat-params")  # while an answer streams, New conversation is refused, losing nothing
    set_number(page, "chat-max_new_tokens", 4000)
    set_number(page, "chat-min_new_tokens", 1000)
    ask(page, "A long one")
    expect(chat.locator(".thought-group")).to_have_count(2, timeout=20000)
    page.click("#chat-new")
    expect(page.get_by_text("An answer is still coming: stop it, or wait for it, before starting a new "
                            "conversation.")).to_be_visible(timeout=10000)
    page.click("#chat-stop")
    expect(chat).to_contain_text("Stopped", timeout=10000)
    expect(chat).to_contain_text("(on screen)")
    page.click("#chat-clear")
    expect(chat.locator("[data-testid='user']")).to_have_count(0)
    page.click("#chat-new")  # nothing on screen: nothing put aside, nothing else changed
    expect(page.get_by_text("This conversation is empty already: ask away.")).to_be_visible(timeout=10000)
    expect(page.locator("#chat-earlier")).not_to_contain_text("Earlier conversations (")
    expect(chat.locator("[data-testid='user']")).to_have_count(0)


def test_what_the_browser_kept_is_read_back_after_the_app_restarts(browser, running_app, tmp_path, monkeypatch):
    import app as app_module
    from tests.serve import free_port
    from workbench.settings import Settings

    _, services = running_app
    settings = Settings(model=services.settings.model, port=free_port(), results_dir=tmp_path / "runs")
    monkeypatch.setattr(services.settings, "results_dir", settings.results_dir)  # the page is built with it
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    demo, url, _, _ = app_module.launch(settings, services=services)
    try:
        page.goto(url)
        page.wait_for_selector("#chat-question textarea", timeout=30000)
        ask(page, "What is a dividend? (before the restart)")
        expect(page.locator("#chatbot")).to_contain_text("finish: stop", timeout=30000)
        page.click("#chat-new")
        page.wait_for_timeout(1000)  # the emptied conversation is kept: what is stored now is not the answer below
        before = page.evaluate(f"localStorage.getItem('{SAVED_KEY}')")
        ask(page, "What is an ETF? (before the restart)")
        expect(page.locator("#chatbot")).to_contain_text("finish: stop", timeout=30000)
        # kept once the answer has ended (the key was set by the first conversation already)
        page.wait_for_function(f"localStorage.getItem('{SAVED_KEY}') !== {json.dumps(before)}", timeout=10000)
        # the page is left, as by someone who comes back later: a page still open on the app as it
        # stops reloads itself on its own, which can abort the visit below
        page.goto("about:blank")
    finally:
        demo.close()
    demo, url, _, _ = app_module.launch(settings, services=services)  # the same folder and address
    try:
        page.goto(url)
        page.wait_for_selector("#chat-question textarea", timeout=30000)
        expect(page.locator("#chatbot")).to_contain_text("What is an ETF? (before the restart)", timeout=20000)
        assert [o.split(" · ")[0] for o in earlier_options(page)] == ["What is a dividend? (before the restart)"]
    finally:
        demo.close()
        context.close()


def test_a_tab_is_told_when_another_tab_changes_what_the_browser_keeps(browser, running_app):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # one browser: one storage
    first, second = context.new_page(), context.new_page()
    try:
        for tab in (first, second):
            tab.goto(running_app[0])
            tab.wait_for_selector("#chat-question textarea", timeout=30000)
        expect(second.locator("#other-tab-notice")).to_have_count(0)
        ask(second, "What is an ETF? (another tab)")
        expect(second.locator("#chatbot")).to_contain_text("finish: stop", timeout=30000)
        notice = first.locator("#other-tab-notice")
        expect(notice).to_contain_text("The app is open in another tab of this browser", timeout=10000)
        expect(second.locator("#other-tab-notice")).to_have_count(0)  # the tab that changed it is not told
        notice.get_by_role("button", name="Reload this tab").click()
        first.wait_for_selector("#chat-question textarea", timeout=30000)
        expect(first.locator("#chatbot")).to_contain_text("(another tab)", timeout=20000)  # what the other kept
        expect(first.locator("#other-tab-notice")).to_have_count(0)
    finally:
        context.close()


def test_the_gauge_measures_the_next_question_and_an_answer_the_context_cut_is_not_offered_more(page, local_engine):
    from engines.base import GenerationParams
    from workbench.prompt_gauge import next_question_size

    question, gauge = "What is an ETF?", page.locator("#chat-gauge")
    page.fill("#chat-question textarea", question)
    expect(gauge).to_contain_text("System B · local model: ", timeout=10000)
    expect(gauge).to_contain_text("-token prompt (the question); ")
    expect(gauge).to_contain_text("of its 2,048-token context left, room for the 1,024 new tokens asked")

    def room(filler: int) -> int:
        size = next_question_size(local_engine, "System B · local model", [], question, GenerationParams(),
                                  "x" * filler)
        return size.room

    filler = 2000
    while room(filler) > 10:  # a system prompt that leaves the answer 10 tokens of the context
        filler += 1
    assert room(filler) == 10
    page.fill("#chat-system textarea", "x" * filler)
    expect(gauge).to_contain_text("⚠️")
    expect(gauge).to_contain_text("leaves 10 of its 2,048-token context: the answer stops at 10 tokens, not the "
                                  "1,024 asked, whatever the budget; thinking comes first and may take them all. "
                                  "Shorten the question or the system prompt.")
    page.click("#chat-send")
    chat = page.locator("#chatbot")
    expect(chat).to_contain_text("finish: length (the model's context was full: the prompt left 10 tokens for the "
                                 "answer)", timeout=30000)
    expect(page.locator("#chat-continue")).to_be_hidden()  # a larger budget would not help
    expect(chat).to_contain_text("model's context filled up")
    expect(chat).not_to_contain_text("Continue with a larger budget")
    # measured again once the answer is in, with no question typed: the conversation so far
    expect(gauge).to_contain_text("the system prompt, before the question)")
    page.fill("#chat-system textarea", "x" * (filler + 50))
    expect(gauge).to_contain_text("more than its 2,048-token context: the model would refuse it")


def test_the_earlier_conversations_are_forgotten_only_once_asked_again(page):
    chat, forget = page.locator("#chatbot"), page.locator("#chat-forget")
    page.click("#chat-forget")
    expect(page.get_by_text("This browser keeps no earlier conversation.")).to_be_visible(timeout=10000)
    expect(page.locator("#chat-forget-yes")).to_be_hidden()
    for question in ("What is an ETF? (to forget)", "What is a bond? (to forget)"):
        ask(page, question)
        expect(chat).to_contain_text("finish: stop", timeout=30000)
        page.click("#chat-new")
        expect(chat.locator("[data-testid='user']")).to_have_count(0, timeout=10000)
    ask(page, "What is a swap? (stays)")
    expect(chat).to_contain_text("finish: stop", timeout=30000)
    assert len(earlier_options(page)) == 2

    forget.click()
    expect(forget).to_have_text("Forget the 2 earlier conversations? The one on screen stays.")
    page.click("#chat-forget-no")  # kept: nothing forgotten
    expect(page.locator("#chat-forget-yes")).to_be_hidden()
    expect(forget).to_have_text("Forget the earlier conversations…")
    assert len(earlier_options(page)) == 2
    forget.click()
    page.click("#chat-forget-yes")
    expect(page.get_by_text("Forgot 2 earlier conversations; the one on screen stays")).to_be_visible(timeout=10000)
    expect(page.locator("#chat-earlier")).not_to_contain_text("Earlier conversations (")
    assert earlier_options(page) == []
    expect(chat).to_contain_text("What is a swap? (stays)")
    page.reload()  # the browser forgot them too
    page.wait_for_selector("#chat-question textarea", timeout=30000)
    expect(page.locator("#chatbot")).to_contain_text("What is a swap? (stays)", timeout=20000)
    assert earlier_options(page) == []


def test_the_last_answer_is_read_again_token_by_token_and_a_new_question_clears_it(page):
    page.get_by_text("How sure was the model of its last answer? (token by token)").click()
    page.click("#chat-confidence")
    expect(page.get_by_text("Ask a question first: its answer is read again.")).to_be_visible(timeout=10000)
    ask(page, "What is the P/E ratio of a company with a share price of 30 and earnings per share of 2?")
    expect(page.locator("#chatbot")).to_contain_text("finish:", timeout=60000)
    page.click("#chat-confidence")
    summary = page.locator("#chat-confidence-summary")
    expect(summary).to_contain_text("The answer to “What is the P/E ratio", timeout=30000)
    expect(summary).to_contain_text(re.compile(r"System B · local model gave \d+ of the answer's \d+ tokens"))
    expect(page.locator("#chat-confidence-tokens .tok").first).to_have_attribute("title", re.compile(r"%"))
    ask(page, "And what does it mean?")
    expect(summary).to_have_text("")
