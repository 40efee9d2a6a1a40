"""Chat's earlier conversations, as the tab shows them: the menu of those a browser keeps, putting
the one on screen aside, and forgetting them all (asked twice: there is no undo). The shelf itself
is workbench.chat_shelf."""

from __future__ import annotations

from typing import Any

import gradio as gr

from workbench.chat import Turn
from workbench.chat_shelf import Shelved, choices, put_aside, shelf_data, shelf_from

FORGET = "Forget the earlier conversations…"  # the button's label, until it asks again


def put_screen_aside(history: list[Turn], shelved: list[Shelved], doing: str) -> list[Shelved]:
    """The shelf with the conversation on screen put aside first; gr.Error, losing nothing,
    while an answer is coming or when the browser could not keep it."""
    if any(not turn.done for turn in history):
        raise gr.Error(f"An answer is still coming: stop it, or wait for it, before {doing}.")
    try:
        now, dropped = put_aside(shelved, history)
    except ValueError as exc:
        raise gr.Error(f"The conversation on screen cannot be put aside: {exc}. Download it (JSON), "
                       "then Clear it.") from None
    if dropped:
        gr.Warning("Let go to keep this browser's storage within its limits (the oldest first): "
                   + "; ".join(f"“{entry.title}”" for entry in dropped) + ".")
    return now


def earlier_menu(now: list[Shelved]) -> Any:
    """The menu of earlier conversations, its label counting them (a closed menu shows none)."""
    return gr.update(choices=choices(now), value=None,
                     label=f"Earlier conversations ({len(now)})" if now else "Earlier conversations")


def kept_now(now: list[Shelved]) -> tuple[list[dict[str, Any]], Any]:
    """The shelf as the browser keeps it, and the menu that offers it."""
    return shelf_data(now), earlier_menu(now)


def ask_to_forget(kept: Any) -> Any:
    """Asks again before this browser forgets the conversations put aside (there is no undo)."""
    n = len(shelf_from(kept))
    if not n:
        gr.Info("This browser keeps no earlier conversation.")
        return gr.update(visible=False), gr.update()
    return gr.update(visible=True), gr.update(
        value=f"Forget the {f'{n} earlier conversations' if n > 1 else 'earlier conversation'}? The one on "
              "screen stays.")


def forget_all(kept: Any) -> tuple:
    """Nothing put aside any more: the shelf, its menu, the question hidden, the button as it was."""
    n = len(shelf_from(kept))
    gr.Info(f"Forgot {n} earlier conversation{'s' if n != 1 else ''}; the one on screen stays (Clear forgets it).")
    return *kept_now([]), gr.update(visible=False), gr.update(value=FORGET)
