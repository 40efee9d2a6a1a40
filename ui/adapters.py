"""System B's LoRA adapters in the page: which are loaded, loading one from a folder or the Hub
while the app runs, unloading one; and every adapter menu of the page kept in step with them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr
import pandas as pd

from engines.adapters import default_name
from engines.base import EngineError
from ui.common import BASE_MODEL
from workbench.safety import safe_markdown
from workbench.services import LOCAL, Services

COLUMNS = ["adapter", "loaded", "rank", "alpha", "size MB", "layers", "source"]
OFF = ("Loading and unloading adapters is turned off on this app (`--no-adapter-loading`): the adapters "
       "loaded at start are the ones offered.")


@dataclass
class Menu:
    """An adapter menu of the page; `engine`: the engine menu it goes with (it is usable only when
    that one is System B's local model), `hidden`: shown only then too (Chat's side-by-side one)."""

    dropdown: gr.Dropdown
    engine: gr.Dropdown | None = None
    hidden: bool = False


def menu_choices(services: Services) -> list[str]:
    return [BASE_MODEL, *services.local.adapters]


def chosen_adapter(value: str | None) -> str | None:
    """The adapter a menu names, or None for the base model."""
    return None if value in (None, "", BASE_MODEL) else value


def menu_value(services: Services, name: str | None) -> dict[str, Any]:
    """An adapter menu set to `name` (the base model when it is not loaded), its choices those
    loaded now: a page opened before an adapter was loaded elsewhere offers it too."""
    loaded = services.local.adapters
    return gr.update(choices=menu_choices(services), value=name if name in loaded else BASE_MODEL)


def adapter_table(services: Services) -> pd.DataFrame:
    rows = []
    for info in services.local.adapter_list():
        targets = info.get("target_modules")
        rows.append({"adapter": info["name"], "loaded": info.get("loaded", ""), "rank": info.get("rank"),
                     "alpha": info.get("alpha"), "size MB": info.get("size_mb"),
                     "layers": ", ".join(targets) if isinstance(targets, list) else (targets or ""),
                     "source": info.get("source", "")})
    return pd.DataFrame(rows, columns=COLUMNS)


def build_adapter_panel(services: Services) -> dict[str, Any]:
    """The folded panel: the adapters loaded, and (unless turned off) loading and unloading them."""
    allowed = services.settings.adapter_loading
    with gr.Accordion("LoRA adapters (System B): load or unload one", open=False, elem_id="adapters"):
        table = gr.Dataframe(adapter_table(services), headers=COLUMNS, interactive=False, wrap=True,
                             column_widths=["14%", "11%", "7%", "7%", "8%", "26%", "27%"], label="Loaded now",
                             elem_id="adapters-table")
        with gr.Row(visible=allowed, equal_height=False):
            name = gr.Textbox(label="Name", placeholder="blank: the folder's name", max_length=64, scale=1,
                              elem_id="adapters-name")
            source = gr.Textbox(label="Folder on the app's machine, or Hub id", max_length=1000, scale=3,
                                placeholder="/data/adapters/fr-v2 or owner/name", elem_id="adapters-source")
            load = gr.Button("Load adapter", variant="primary", scale=1, elem_id="adapters-load")
        with gr.Row(visible=allowed, equal_height=False):
            pick = gr.Dropdown(services.local.adapters, value=None, label="Loaded adapter", scale=4,
                               elem_id="adapters-pick")
            unload = gr.Button("Unload", scale=1, elem_id="adapters-unload")
        note = gr.Markdown("" if allowed else OFF, elem_id="adapters-status")
    return {"table": table, "name": name, "source": source, "load": load, "pick": pick, "unload": unload,
            "note": note}


def wire_adapter_panel(services: Services, panel: dict[str, Any], menus: list[Menu], opened: Any) -> None:
    """Load and Unload, and every menu refreshed after them and when a page opens: after `opened`,
    the page-load event that puts back what the browser kept (Chat's conversation picks its
    engines and adapters again), so that the menus are refreshed from what it picked."""
    engines = [m.engine for m in menus if m.engine is not None]
    inputs = list(dict.fromkeys([*(m.dropdown for m in menus), *engines]))  # each value once, in one order
    listing = [panel["table"], panel["pick"]]
    outputs = [*listing, *(m.dropdown for m in menus)]

    def refreshed(values: dict[Any, Any]) -> tuple:
        """The table, the unload menu and every adapter menu as the adapters loaded now make them."""
        loaded = services.local.adapters
        updates = []
        for menu in menus:
            update = menu_value(services, values.get(menu.dropdown))
            if menu.engine is not None:
                usable = values.get(menu.engine) == LOCAL and bool(loaded)
                update.update(visible=usable) if menu.hidden else update.update(interactive=usable)
            updates.append(update)
        return (adapter_table(services), gr.update(choices=loaded, value=None), *updates)

    def load(name: str, source: str, values: dict[Any, Any]) -> tuple:
        try:
            info = services.load_adapter((name or "").strip() or default_name(source), source)
        except EngineError as exc:
            return (f"**Not loaded:** {safe_markdown(str(exc))}", gr.skip(), gr.skip(),
                    *(gr.skip() for _ in outputs))
        seconds = f" in {info['load_s']:.2f} s" if info.get("load_s") is not None else ""
        kept = ("The next start loads it again." if info.get("kept") else
                "The results folder cannot be written: the next start will not load it again.")
        said = (f"Loaded **{safe_markdown(info['name'])}**{seconds} (rank {info.get('rank')}): pick it in Chat, "
                f"Compare or here, or as a strategy under FR/EN behaviour. Requests running meanwhile went on. {kept}")
        return said, "", "", *refreshed(values)

    def unload(pick: str | None, values: dict[Any, Any]) -> tuple:
        if not pick:
            return ("Choose the adapter to unload.", *(gr.skip() for _ in outputs))
        try:
            services.unload_adapter(pick)
        except EngineError as exc:
            return (f"**Not unloaded:** {safe_markdown(str(exc))}", *(gr.skip() for _ in outputs))
        return (f"Unloaded **{safe_markdown(pick)}**: menus that had it picked are back on the base model, and "
                "the next start does not load it.",
                *refreshed(values))

    panel["load"].click(lambda n, s, *rest: load(n, s, _values(inputs, rest)),
                        [panel["name"], panel["source"], *inputs],
                        [panel["note"], panel["name"], panel["source"], *outputs], api_visibility="private")
    panel["unload"].click(lambda p, *rest: unload(p, _values(inputs, rest)), [panel["pick"], *inputs],
                          [panel["note"], *outputs], api_visibility="private")
    opened.then(lambda *rest: refreshed(_values(inputs, rest)), inputs, outputs, api_visibility="private",
                queue=False)


def _values(inputs: list, given: tuple) -> dict[Any, Any]:
    return dict(zip(inputs, given, strict=True))
