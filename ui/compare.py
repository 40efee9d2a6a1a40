"""Compare tab: System A vs System B side by side, one query (ui.compare_single) or a whole
batch (ui.batch_tab), under one parameter panel and System B's adapter menu, which both use (the
/compare and /batch API endpoints: ui.compare_api)."""

from __future__ import annotations

from typing import Any

import gradio as gr

from engines.base import GenerationParams
from ui.adapters import menu_choices
from ui.batch_tab import build_batch_tab
from ui.common import BASE_MODEL
from ui.compare_single import build_single_tab
from ui.params import ORDER, build_param_panel, params_from_values
from workbench.experiments import MAX_SYSTEM_PROMPT_CHARS, ExperimentFileError, bundled
from workbench.services import Services


def build_compare_tab(services: Services, log: gr.BrowserState, tabs: gr.Tabs) -> dict[str, Any]:
    """Lays out the tab and binds it; `log` keeps this browser's single comparisons (see
    ui.compare_log.browser_log), `tabs` are the app's (a link naming a run selects this one).
    Returns its parameter controls and what the app runs on page load: the log read back, and
    `bind_link(demo)`, which opens the run a link names (ui.links)."""
    settings = services.settings
    try:
        examples = bundled()
    except (ExperimentFileError, OSError):
        examples = []

    def chosen_params(data: dict) -> GenerationParams:
        """The parameters set in the tab's panel (`data`: a set of inputs' values by component)."""
        return params_from_values({name: data[param_controls[name]] for name in ORDER})

    with gr.Tab("Compare", id="compare"):
        compare_preset, param_controls = build_param_panel(
            "compare", "Generation parameters — both systems, single and batch (stored with each result)",
            columns=3, folder=settings.results_dir)
        param_list = [param_controls[name] for name in ORDER]
        with gr.Row():
            b_adapter = gr.Dropdown(menu_choices(services), value=BASE_MODEL, scale=0, min_width=420,
                                    label="System B's LoRA adapter — single and batch", elem_id="cmp-adapter")
            system_box = gr.Textbox(
                label="System prompt — both systems, single and batch (stored with each result)", lines=1,
                max_lines=6, max_length=MAX_SYSTEM_PROMPT_CHARS, elem_id="cmp-system-prompt",
                placeholder="Instructions both models are given before each question — “You answer for a bank's "
                            "compliance team; cite the article.” System B's router puts its route's own first; "
                            "an experiment file's system_prompt column takes the place of this one")
        with gr.Tabs() as inner_tabs:
            single = build_single_tab(services, log, examples, param_controls, chosen_params, b_adapter, system_box)
            bind_link = build_batch_tab(services, examples, single, param_list, chosen_params, b_adapter, system_box,
                                        inner_tabs, tabs)

    return {"controls": param_controls, "preset": compare_preset, "adapter": b_adapter, "system_prompt": system_box,
            "single_boxes": single["carry"], "inner_tabs": inner_tabs,
            "on_load": single["on_load"], "bind_link": bind_link}
