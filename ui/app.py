"""The whole Gradio app: header, tabs and the named API endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr

from engines.cost import TokenPrices
from ui.adapters import Menu, wire_adapter_panel
from ui.chat import build_chat_tab
from ui.common import browser_secret, pick_engine
from ui.compare import build_compare_tab
from ui.compare_api import api_batch, api_compare
from ui.compare_log import browser_log
from ui.compare_single import chat_to_single
from ui.fren import build_fren_tab
from ui.params import ORDER, params_from_json
from ui.tuning import build_tuning_tab
from workbench.chat import run_turn, stats_line
from workbench.services import LOCAL, Services

TITLE = "Finance LLM Workbench"


def api_chat(services: Services):
    def chat(question: str, engine: str = LOCAL, system_prompt: str = "",
             params_json: str = "{}", adapter: str = "") -> Iterator[dict[str, Any]]:
        """Stream an answer. Each update: {"reasoning", "answer", "done", "stats", "error"}."""
        if not question or not question.strip():
            raise gr.Error("question is empty")
        params = params_from_json(params_json)
        eng, chosen = pick_engine(services, engine, adapter)
        for turn in run_turn(eng, engine, [], question.strip(), params, system_prompt or None, chosen):
            yield {"reasoning": turn.reasoning, "answer": turn.answer, "done": not turn.running,
                   "stats": turn.stats, "error": turn.error, "summary": stats_line(turn.stats)}
    return chat


def local_status(health: dict[str, Any]) -> str:
    """System B's model, where it runs (its weights' precision: 4/8-bit when loaded so), and how
    requests share it, for the status line."""
    how = {"continuous": "continuous batching", "generate": "batched generate"}.get(health.get("batching"), "")
    if how and health.get("decode") == "cuda-graphs":
        how += ", CUDA graphs"
    if health.get("max_batch_size") == 1:
        how = "one request at a time"
    if health.get("process") == "own":
        how += ", own process"
    threads = health.get("cpu_threads")
    cores = f"{threads} CPU thread{'s' if threads != 1 else ''}" if threads else ""
    bits = {"4bit": "4-bit", "8bit": "8-bit"}.get(health.get("quantization", "none"))
    weights = f"{bits} bitsandbytes weights, {health['dtype']} compute" if bits else health["dtype"]
    details = " · ".join(x for x in (weights, how, cores) if x)
    return f"`{health['model_id']}` on {health['device']} ({details})"


def cost_status(prices: TokenPrices | None, hourly_usd: float | None) -> str:
    """What each system's answers are costed at, for the status line; empty when nothing is."""
    parts = []
    if prices is not None:
        parts.append(f"A at ${prices.input:g} / ${prices.cached:g} / ${prices.output:g} per 1M tokens "
                     "(input / cached input / output)")
    if hourly_usd is not None:
        parts.append(f"B at ${hourly_usd:,.2f} an hour of its machine")
    return f" · **Costs:** {'; '.join(parts)}" if parts else ""


def build_app(services: Services) -> gr.Blocks:
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"# {TITLE}\nSystem A (remote MoE) and System B (router + local finance model), "
                    "side by side: reasoning apart from the answer, language, refusals, latency.",
                    elem_id="app-title")
        status = (f"**System B:** {local_status(services.local.health())}"
                  f" · **System A:** {services.remote.health()['status'].replace('_', ' ')} "
                  f"(`{services.remote.model_id}`)"
                  + cost_status(services.settings.system_a_prices, services.settings.system_b_hourly_usd))
        gr.Markdown(status, elem_id="status-line")
        if services.notices:
            gr.Markdown("\n".join(f"- {n}" for n in services.notices), elem_id="notices")
        secret = browser_secret(services.settings.results_dir)  # what the browser keeps is encrypted with it
        comparisons = browser_log(secret)  # outside the tabs, so that it is read back on load
        with gr.Tabs(overflow_behavior="wrap") as tabs:
            chat = build_chat_tab(services, secret)
            compare = build_compare_tab(services, comparisons, tabs)
            build_fren_tab(services, {"chat": chat, "compare": compare})
            tuning = build_tuning_tab(services, {"chat": chat, "compare": compare}, tabs)
        # what this browser kept across a reload: the conversation and the single comparisons
        opened = demo.load(**chat["on_load"], api_visibility="private", queue=False)
        opened.then(**chat["gauge"])  # the conversation brought back, measured for its next question
        # every adapter menu offers the adapters loaded now (one may be loaded or unloaded while the app runs)
        wire_adapter_panel(services, tuning["adapters"], [
            Menu(chat["adapter"], chat["engine"]), Menu(chat["adapter_beside"], chat["beside"], hidden=True),
            Menu(tuning["adapter"]), Menu(compare["adapter"])], opened)
        demo.load(**compare["on_load"], api_visibility="private", queue=False)
        # Chat's last question taken to Compare › Single, under the parameters it was asked with
        def to_single(history: list) -> tuple:
            return chat_to_single(services, history)

        chat["to_compare"].click(
            to_single, [chat["turns"]],
            [*compare["single_boxes"], *(compare["controls"][name] for name in ORDER), compare["preset"],
             compare["adapter"]], api_visibility="private",
        ).success(lambda: (gr.Tabs(selected="compare"), gr.Tabs(selected="compare-single")), None,
                  [tabs, compare["inner_tabs"]], api_visibility="private", queue=False)
        compare["bind_link"](demo)  # a link naming a saved run (?run=NAME&experiment=ID) opens it
        gr.api(api_chat(services), api_name="chat", **services.heavy_event)
        gr.api(api_compare(services), api_name="compare", **services.heavy_event)
        gr.api(api_batch(services), api_name="batch", **services.heavy_event)
    return demo
