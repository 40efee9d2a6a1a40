"""Chat tab: streaming answers with the reasoning in a collapsible Thinking block."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr

from ui.adapters import menu_value
from ui.answer_confidence import build_answer_confidence, chat_confidence_view
from ui.chat_earlier import FORGET, ask_to_forget, earlier_menu, forget_all, kept_now, put_screen_aside
from ui.chat_gauge import gauge_fn
from ui.chat_view import (
    ALONE,
    CONVERSATION_FILES,
    chat_labels,
    conversation_files,
    cut_off_in_reasoning,
    differences_md,
    edit_point,
    render,
    render_beside,
)
from ui.common import BASE_MODEL, FORMULAS, pick_engine, session_cancel, session_id, stopper
from ui.params import ORDER, build_param_panel, param_bounds, params_from_values
from ui.saved import uploaded_path
from workbench.chat import Side, Turn, beside_history, restored_turns, run_side_by_side, run_turn, saved_turns
from workbench.chat_export import read_conversation
from workbench.chat_shelf import shelf_from, take
from workbench.services import LOCAL, Services

MAX_BUDGET = int(param_bounds("max_new_tokens")[1])
SAVED_KEY = "finance-llm-workbench-chat"  # where the browser keeps its conversation across reloads
SHELF_KEY = "finance-llm-workbench-chats"  # and the earlier ones, put aside by New conversation


def build_chat_tab(services: Services, secret: str | None) -> dict[str, Any]:
    """Lay out the Chat tab and bind its events; what the browser keeps is encrypted with `secret`
    (ui.common.browser_secret). Returns components other tabs may use."""
    local = services.local
    with gr.Tab("Chat", id="chat"):
        turns = gr.State([])
        pending = gr.State("")
        # whether the question comes from the box (which then empties) or is asked again
        # (Regenerate, an edit, a larger budget: what is typed in the box meanwhile stays there)
        from_box, not_from_box = gr.State(True), gr.State(False)
        # The finished turns, kept by the browser (encrypted, in its local storage) so that a reload
        # does not lose the conversation, and the conversations put aside before it; the key is kept
        # in the results folder, so a restart of the app reads them back.
        saved = gr.BrowserState([], storage_key=SAVED_KEY, secret=secret)
        shelf = gr.BrowserState([], storage_key=SHELF_KEY, secret=secret)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3) as chat_column:
                with gr.Row(equal_height=True):
                    chatbot = gr.Chatbot(editable="user", label="Conversation", height=540, elem_id="chatbot",
                                         elem_classes=["chat-box"], sanitize_html=True, allow_tags=False,
                                         latex_delimiters=FORMULAS, buttons=["copy"], feedback_options=None,
                                         placeholder="Ask a finance question in English or French.")
                    chatbot_beside = gr.Chatbot(editable="user", height=540, elem_id="chatbot-beside",
                                                elem_classes=["chat-box"], visible=False, sanitize_html=True,
                                                allow_tags=False, latex_delimiters=FORMULAS, buttons=["copy"],
                                                feedback_options=None,
                                                placeholder="Each question goes to both engines; this one "
                                                            "answers from the next question on.")
                diff = gr.Markdown(elem_id="chat-diff")  # under both boxes: how their last answers differ
                with gr.Row():
                    # one line to start, growing to 8: Gradio then sends on Enter and starts a new
                    # line on Shift+Enter, as chat boxes do (with lines > 1 it is the other way round)
                    question = gr.Textbox(show_label=False, scale=6, lines=1, max_lines=8,
                                          elem_id="chat-question", max_length=20000,
                                          placeholder="e.g. Qu'est-ce que le PER ? "
                                                      "(Enter sends, Shift+Enter: new line)")
                    with gr.Column(scale=1, min_width=120):
                        send = gr.Button("Send", variant="primary", elem_id="chat-send")
                        stop = gr.Button("Stop", variant="stop", elem_id="chat-stop")
                # how much of each model's context the next question takes (ui.chat_gauge)
                gauge_md = gr.Markdown(elem_id="chat-gauge")
                with gr.Row():
                    new_chat = gr.Button("New conversation", size="sm", elem_id="chat-new")
                    regenerate = gr.Button("Regenerate", size="sm", elem_id="chat-regenerate")
                    clear = gr.Button("Clear", size="sm", elem_id="chat-clear")
                    to_compare = gr.Button("Compare the last question", size="sm",
                                           elem_id="chat-to-compare")
                    more = gr.Button("Continue with a larger budget", size="sm", visible=False,
                                     variant="secondary", elem_id="chat-continue")
                with gr.Row():
                    save_md = gr.DownloadButton("Download conversation (Markdown)", size="sm",
                                                visible=False, elem_id="chat-download-md")
                    save_json = gr.DownloadButton("Download conversation (JSON)", size="sm",
                                                  visible=False, elem_id="chat-download-json")
                    save_questions = gr.DownloadButton("Download its questions (an experiment file for Batch)",
                                                       size="sm", visible=False, elem_id="chat-download-questions")
                    open_json = gr.UploadButton("Open a conversation (JSON)…", size="sm", file_types=[".json"],
                                                elem_id="chat-open-json")
                sure = build_answer_confidence("chat", "How sure was the model of its last answer? (token by token)",
                                               "Read the last answer again, token by token")
            with gr.Column(scale=2, min_width=300):
                earlier = gr.Dropdown([], value=None, label="Earlier conversations", elem_id="chat-earlier",
                                      info="Put aside by New conversation, kept by this browser; picking one "
                                           "brings it back, and the one on screen goes aside in its place")
                forget = gr.Button(FORGET, size="sm", elem_id="chat-forget")
                with gr.Row(visible=False) as forget_sure:  # asked again: it cannot be undone
                    forget_yes = gr.Button("Forget them", size="sm", variant="stop", elem_id="chat-forget-yes")
                    forget_no = gr.Button("Keep them", size="sm", elem_id="chat-forget-no")
                engine = gr.Dropdown(services.engine_choices(), value=LOCAL, label="Engine",
                                     elem_id="chat-engine")
                adapter = gr.Dropdown([BASE_MODEL, *local.adapters], value=BASE_MODEL,
                                      label="LoRA adapter (System B)", elem_id="chat-adapter",
                                      interactive=bool(local.adapters))
                beside = gr.Dropdown([("Nothing: one conversation", ALONE), *services.engine_choices()],
                                     value=ALONE, label="Side by side with", elem_id="chat-beside",
                                     info="Each question goes to a second engine too, in a conversation of "
                                          "its own: System A against System B, or the local model with and "
                                          "without an adapter")
                adapter_beside = gr.Dropdown([BASE_MODEL, *local.adapters], value=BASE_MODEL,
                                             label="LoRA adapter (side by side)", elem_id="chat-beside-adapter",
                                             visible=False)
                system_prompt = gr.Textbox(label="System prompt", lines=3, max_length=8000,
                                           placeholder="Optional. Works with the finance model.",
                                           elem_id="chat-system")
                preset, controls = build_param_panel("chat", folder=services.settings.results_dir)

    control_list = [controls[name] for name in ORDER]
    # Per browser session, how many times its conversation was cleared. An answer still streaming
    # when Clear is pressed sees the count change, ends its generation and leaves the chat empty:
    # its own last update is the empty one, so none of its earlier ones can arrive after it.
    clears: dict[str, int] = {}

    def respond(typed: bool, q: str, history: list[Turn], label: str, adapter_name: str, beside_label: str,
                beside_adapter: str, system: str,
                temperature: float, top_p: float, top_k: int, min_p: float, max_new_tokens: int,
                min_new_tokens: int, repetition_penalty: float, no_repeat_ngram_size: int,
                seed: str, enable_thinking: bool, stop: str,
                request: gr.Request) -> Iterator[tuple]:
        q = (q or "").strip()
        if not q:
            gr.Warning("Type a question first.")
            yield (render(history), render_beside(history), history, gr.update(),
                   gr.update(visible=False), gr.update(), gr.update(), gr.update(), gr.update())
            return
        values = [temperature, top_p, top_k, min_p, max_new_tokens, min_new_tokens, repetition_penalty,
                  no_repeat_ngram_size, seed, enable_thinking, stop]
        params = params_from_values(dict(zip(ORDER, values, strict=True)))
        eng, chosen_adapter = pick_engine(services, label, adapter_name)
        sides = [Side(eng, label, history, chosen_adapter)]
        if beside_label != ALONE:
            eng_beside, adapter_beside_chosen = pick_engine(services, beside_label, beside_adapter)
            sides.append(Side(eng_beside, beside_label, beside_history(history), adapter_beside_chosen))
        cancel = session_cancel(services, request, "chat")
        history = list(history)  # never mutate the state we were given
        session = session_id(request)
        cleared = clears.get(session, 0)
        if len(sides) == 1:
            updates = ([t] for t in run_turn(eng, label, history, q, params, system, chosen_adapter, cancel))
        else:
            updates = run_side_by_side(sides, q, params, system, cancel)
        # A question from the box empties it once, as it goes: what is typed there while the answer
        # streams (the next question) stays, through every update and the one that ends the run.
        box: Any = "" if typed else gr.update()
        emptied = ([], [], [], gr.update(), gr.update(visible=False), *conversation_files([]), "")
        for turns_now in updates:
            if clears.get(session, 0) != cleared:  # leaving the loop closes the stream: generation ends
                yield emptied
                return
            turn = turns_now[0]
            turn.beside = turns_now[1] if len(turns_now) > 1 else None
            current = [*history, turn]
            files = tuple(gr.update() for _ in CONVERSATION_FILES) if not turn.done else conversation_files(current)
            yield (render(current), render_beside(current), current, box,
                   gr.update(visible=cut_off_in_reasoning(current)), *files, differences_md(current))
            box = gr.update()
        if clears.get(session, 0) != cleared:  # pressed after the last update: Gradio sends that one again
            yield emptied

    def take_last(history: list[Turn]) -> tuple[list[Turn], list[dict], list[dict], str, str]:
        if not history:
            return history, [], [], "", ""
        kept = history[:-1]
        return kept, render(kept), render_beside(kept), history[-1].question, ""

    def ask_again(beside: bool):
        def edited(history: list[Turn], evt: gr.EditData) -> tuple[list[Turn], list[dict], list[dict], str, str]:
            kept, question, dropped = edit_point(history, evt.index, evt.value, beside)
            if dropped:
                gr.Info("Asked again; " + ("the question after it was" if dropped == 1
                                           else f"the {dropped} questions after it were") + " dropped.")
            return kept, render(kept), render_beside(kept), question, ""

        return edited

    def bigger_budget(budget: float) -> int:
        return int(min(MAX_BUDGET, max(64, budget * 2)))

    inputs = [engine, adapter, beside, adapter_beside, system_prompt, *control_list]
    outputs = [chatbot, chatbot_beside, turns, question, more, save_md, save_json, save_questions, diff]
    keep = {"fn": saved_turns, "inputs": [turns], "outputs": [saved], "api_visibility": "private",
            "queue": False}
    gauge = {"fn": gauge_fn(services), "inputs": [question, turns, *inputs], "outputs": [gauge_md],
             "api_visibility": "private", "queue": False, "show_progress": "hidden"}

    def keep_then_gauge(event: Any) -> None:
        """After an answer: the browser keeps the conversation, and the gauge measures it again."""
        event.then(**keep).then(**gauge)

    for trigger in (send.click, question.submit):
        keep_then_gauge(trigger(respond, [from_box, question, turns, *inputs], outputs, api_visibility="private",
                                **services.heavy_event))
    taken_back = [turns, chatbot, chatbot_beside, pending, diff]
    asked_again = {"fn": respond, "inputs": [not_from_box, pending, turns, *inputs], "outputs": outputs,
                   "api_visibility": "private", **services.heavy_event}
    keep_then_gauge(regenerate.click(take_last, [turns], taken_back, api_visibility="private").then(
        **asked_again))
    for box, beside_box in ((chatbot, False), (chatbot_beside, True)):
        keep_then_gauge(box.edit(ask_again(beside_box), [turns], taken_back, api_visibility="private").success(
            **asked_again))
        # a refused edit leaves the box as the conversation is, not as it was typed
        box.edit(lambda history: (render(history), render_beside(history)), [turns],
                 [chatbot, chatbot_beside], api_visibility="private", queue=False)
    keep_then_gauge(more.click(bigger_budget, [controls["max_new_tokens"]], [controls["max_new_tokens"]],
                               api_visibility="private").then(
        take_last, [turns], taken_back, api_visibility="private").then(
        **asked_again))

    stop.click(stopper(services, "chat"), None, None, api_visibility="private", queue=False)
    sure["button"].click(lambda history: chat_confidence_view(services, history), [turns],
                         [sure["summary"], sure["tokens"]], api_visibility="private", **services.heavy_event)
    # what was read is of the last answer then: another question, or none, clears it
    for trigger in (send.click, question.submit, regenerate.click, more.click, clear.click, new_chat.click):
        trigger(lambda: ("", ""), None, [sure["summary"], sure["tokens"]], api_visibility="private", queue=False)

    def clear_all(request: gr.Request) -> tuple:
        session = session_id(request)
        clears[session] = clears.get(session, 0) + 1
        return [], [], [], gr.update(visible=False), *conversation_files([]), [], ""

    # The Clear button and the chat boxes' own bins empty the conversation the models are sent,
    # not only the display (the bin alone used to leave it, and the next answer brought it back).
    cleared = [turns, chatbot, chatbot_beside, more, save_md, save_json, save_questions, saved, diff]
    # then kept again from the emptied conversation: a keep of the answer that had just ended, fired
    # before the emptied conversation reached the page, would otherwise be the last word
    for trigger in (clear.click, chatbot.clear, chatbot_beside.clear):
        keep_then_gauge(trigger(clear_all, None, cleared, api_visibility="private"))
    # typing or pasting (a Textbox's change: its input event misses a paste), or changing what the
    # next question is sent to or with, measures it again
    gr.on([question.change, system_prompt.change, engine.change, adapter.change, beside.change, adapter_beside.change,
           controls["max_new_tokens"].change, controls["enable_thinking"].change], trigger_mode="always_last",
          **gauge)

    def adapter_choice(label: str) -> Any:
        return gr.update(interactive=label == LOCAL and bool(local.adapters))

    engine.change(adapter_choice, [engine], [adapter], api_visibility="private")
    beside.change(lambda label: gr.update(visible=label == LOCAL and bool(local.adapters)),
                  [beside], [adapter_beside], api_visibility="private")
    for changed in (engine.change, adapter.change, beside.change, adapter_beside.change):
        changed(chat_labels, [engine, adapter, beside, adapter_beside], [chatbot, chatbot_beside, chat_column],
                api_visibility="private")
    def restore(data: Any, kept: Any) -> tuple:
        """The conversation this browser kept, back on screen after a reload, with the engines
        (and adapters) of its last question picked again (nothing changes when it kept none), and
        the earlier ones it kept offered."""
        history = restored_turns(data)
        earlier_now = earlier_menu(shelf_from(kept))
        if not history:
            return *(gr.skip() for _ in restored), earlier_now
        return *shown_conversation(history), earlier_now

    def new_conversation(history: list[Turn], kept: Any, request: gr.Request) -> Any:
        """An empty conversation, the one on screen put aside under Earlier conversations."""
        if not history:
            gr.Info("This conversation is empty already: ask away.")
            return gr.skip()  # every output left as it is
        now = put_screen_aside(history, shelf_from(kept), "starting a new conversation")
        gr.Info(f"Put aside under Earlier conversations: “{now[0].title}”.")
        return *clear_all(request), *kept_now(now)

    # Per browser session, the earlier conversation it brought back last. A click on the menu sends
    # its input event twice; the second must not swap again (seeing the conversation on screen
    # already, it would put that one aside in place of the one just swapped out, which was lost).
    # A conversation put aside again gets a new id, so it can always be brought back again.
    brought_back: dict[str, str] = {}

    def pick_earlier(ident: str | None, history: list[Turn], kept: Any, request: gr.Request) -> Any:
        """An earlier conversation back on screen, the one there put aside in its place."""
        session = session_id(request)
        if ident and brought_back.get(session) == ident:
            return gr.skip()  # every output left as it is
        now, found = take(shelf_from(kept), ident or "")
        if found is None:
            gr.Warning("That conversation is no longer kept by this browser.")
            return *(gr.skip() for _ in restored), gr.skip(), *kept_now(now)
        now = put_screen_aside(history, now, "opening another conversation")
        brought_back[session] = found.id
        return *shown_conversation(found.turns), saved_turns(found.turns), *kept_now(now)

    def open_conversation(file: str | None, history: list[Turn], kept: Any) -> tuple:
        """A conversation downloaded as JSON (here, another day, by a colleague) on screen, the
        one there put aside under Earlier conversations; kept by the browser as one asked here
        is: the next question carries on from it, each engine sent its own earlier answers."""
        if any(not turn.done for turn in history):
            raise gr.Error("An answer is still coming: stop it, or wait for it, before opening a conversation.")
        path, shown = uploaded_path(file)
        try:
            opened = read_conversation(path.read_bytes())
        except (ValueError, OSError) as exc:
            raise gr.Error(f"{shown} cannot be opened: {exc}.") from None
        now = put_screen_aside(history, shelf_from(kept), "opening a conversation")
        aside = "; the one on screen was put aside under Earlier conversations" if history else ""
        gr.Info(f"Opened {shown}: {len(opened)} question{'s' if len(opened) > 1 else ''}{aside}. The next "
                "question carries on from it.")
        return *shown_conversation(opened), saved_turns(opened), *kept_now(now)

    def shown_conversation(history: list[Turn]) -> tuple:
        """The turns on screen, with the engines (and adapters) of the last question picked again."""
        last = history[-1]
        offered = {value for _, value in services.engine_choices()}

        def adapter_of(turn: Turn | None) -> dict[str, Any]:
            return menu_value(services, turn.adapter if turn is not None else None)

        return (history, render(history), render_beside(history),
                last.engine if last.engine in offered else gr.skip(), adapter_of(last),
                last.beside.engine if last.beside is not None and last.beside.engine in offered else ALONE,
                adapter_of(last.beside), gr.update(visible=cut_off_in_reasoning(history)),
                *conversation_files(history), differences_md(history))

    forget.click(ask_to_forget, [shelf], [forget_sure, forget], api_visibility="private")
    forget_yes.click(forget_all, [shelf], [shelf, earlier, forget_sure, forget], api_visibility="private")
    forget_no.click(lambda: (gr.update(visible=False), gr.update(value=FORGET)),
                    None, [forget_sure, forget], api_visibility="private", queue=False)

    restored = [turns, chatbot, chatbot_beside, engine, adapter, beside, adapter_beside, more, save_md, save_json,
                save_questions, diff]
    open_json.upload(open_conversation, [open_json, turns, shelf], [*restored, saved, shelf, earlier],
                     api_visibility="private").then(**gauge)
    new_chat.click(new_conversation, [turns, shelf], [*cleared, shelf, earlier], api_visibility="private").then(
        **gauge)
    earlier.input(pick_earlier, [earlier, turns, shelf], [*restored, saved, shelf, earlier],
                  api_visibility="private").then(lambda: gr.update(value=None), None, [earlier],
                                                 api_visibility="private", queue=False).then(**gauge)

    return {"engine": engine, "adapter": adapter, "beside": beside, "adapter_beside": adapter_beside,
            "turns": turns, "to_compare": to_compare,
            "system_prompt": system_prompt,
            "controls": controls, "preset": preset,
            "on_load": {"fn": restore, "inputs": [saved, shelf], "outputs": [*restored, earlier]},
            "gauge": gauge}
