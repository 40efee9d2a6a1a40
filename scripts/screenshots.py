"""Take the README screenshots from the real app in Debian's chromium.

    python scripts/screenshots.py            # writes docs/screenshots/*.png

Starts the app on the demo model. System A is DeepSeek when DEEPSEEK_API_KEY is set; otherwise a
stand-in: `transformers serve` running the demo model on loopback (as the tests use), so that
both columns fill. Asks a question in Chat and puts it aside (New conversation), then a French
question of System B with System A side by side (and types the next, for the prompt gauge), runs
a comparison and a 10-experiment batch (and judges it blind), an FR/EN inspection of 3 pairs under
every strategy on both systems with its budget sweep, and a 4-configuration sweep repeated twice
(one run opened in full). Answers are costed at SYSTEM_A_PRICES and SYSTEM_B_HOURLY_USD when
set, else at example prices (`engines.cost.PRICES_EXAMPLE`, $0.80 an hour for System B).
Rerun it whenever the UI changes.
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"


def main() -> None:
    with ExitStack() as stack:
        system_a = {}
        if not os.environ.get("DEEPSEEK_API_KEY"):
            from tests.serve import transformers_serve
            from workbench.settings import DEMO_MODEL_DIR

            base_url = stack.enter_context(transformers_serve(DEMO_MODEL_DIR))
            # the stand-in's tokenizer and context are the demo model's: Chat's gauge counts its prompts
            system_a = {"system_a_provider": "custom", "system_a_base_url": base_url,
                        "system_a_model": str(DEMO_MODEL_DIR), "system_a_tokenizer": str(DEMO_MODEL_DIR),
                        "system_a_context": 2048}
        shoot(system_a)
    print(f"screenshots -> {OUT}")


def shoot(system_a: dict[str, str]) -> None:
    import tempfile

    from playwright.sync_api import expect, sync_playwright

    import app as app_module
    from engines.cost import PRICES_EXAMPLE, parse_hourly, parse_prices
    from tests.serve import free_port
    from tests.ui.pages import CHROMIUM, CHROMIUM_ARGS
    from workbench.settings import Settings

    OUT.mkdir(parents=True, exist_ok=True)
    costs = {"system_a_prices": parse_prices(os.environ.get("SYSTEM_A_PRICES") or PRICES_EXAMPLE),
             "system_b_hourly_usd": parse_hourly(os.environ.get("SYSTEM_B_HOURLY_USD") or "0.80")}
    settings = Settings(port=free_port(), results_dir=Path(tempfile.mkdtemp(prefix="shots-")), **system_a, **costs)
    demo, url, _, services = app_module.launch(settings)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)
            page.fill("#chat-question textarea", "What is an ETF?")  # a conversation put aside first
            page.click("#chat-send")
            expect(page.locator("#chatbot")).to_contain_text("finish: stop", timeout=60000)
            page.click("#chat-new")
            expect(page.locator("#chatbot [data-testid='user']")).to_have_count(0)
            page.locator("#chat-beside input").click()  # System B's local model beside System A
            page.get_by_role("option", name="System A · remote MoE", exact=True).click()
            page.fill("#chat-question textarea", "Qu'est-ce que la duration ?")
            page.click("#chat-send")
            expect(page.locator("#chatbot")).to_contain_text("finish: stop", timeout=60000)
            expect(page.locator("#chatbot-beside")).to_contain_text("finish: stop", timeout=60000)
            page.wait_for_timeout(800)
            expect(page.get_by_text("Put aside under Earlier")).to_be_hidden(timeout=30000)  # its note gone
            page.locator("#chat-question textarea").press_sequentially("Et la convexité ?")  # the gauge measures it
            expect(page.locator("#chat-gauge")).to_contain_text("System A · remote MoE:")
            page.screenshot(path=OUT / "chat.png", full_page=True)

            # an example from the experiment set: its question, its transaction and its checks filled in
            page.get_by_role("tab", name="Compare").click()
            page.locator("#cmp-example input").click()
            page.get_by_role("option").filter(has_text="exp-transaction_risk-fr-17").click()
            expect(page.locator("#cmp-query textarea")).to_have_value("Examine ce virement et explique les signaux "
                                                                      "d'alerte.")
            page.click("#cmp-go")
            expect(page.locator("#cmp-verdict-note")).to_contain_text("Record a verdict", timeout=60000)  # both done
            page.wait_for_timeout(1500)  # the list of comparisons below has its new rows
            page.screenshot(path=OUT / "compare.png", full_page=True)
            # System B's answer read again by its model, token by token
            page.get_by_text("How sure was each model of its answer? (token by token)").click()
            page.click("#cmp-confidence")
            expect(page.locator("#cmp-confidence-summary")).to_contain_text("even odds", timeout=60000)
            page.locator("#cmp-confidence-box").screenshot(path=OUT / "confidence.png")

            page.get_by_role("tab", name="Batch").click()
            page.fill("#batch-limit input", "10")
            page.fill("#batch-run-name textarea", "screenshots")
            page.locator("#batch-read-back input").check()  # the figures System B's model was unsure of
            page.click("#batch-go")
            expect(page.locator("#batch-progress")).to_contain_text("Finished", timeout=180000)
            for plot in ("latency", "refusal", "tokens"):
                expect(page.locator(f"#batch-plot-{plot} .js-plotly-plot")).to_be_visible(timeout=30000)
            # judged blind: the first one given a verdict (its systems named), the next one shown blind
            page.get_by_label("Blind: answers as left and right").check()
            page.click("#batch-judge-next")
            expect(page.locator("#batch-verdict-note")).to_contain_text("Blind comparison", timeout=10000)
            page.click("#batch-verdict-2")
            expect(page.locator("#batch-judge-tally")).to_contain_text("1 comparison judged", timeout=10000)
            page.click("#batch-judge-next")
            expect(page.locator("#batch-details-metrics-b")).to_contain_text("Figures hidden", timeout=10000)
            page.wait_for_timeout(1500)
            page.screenshot(path=OUT / "batch.png", full_page=True)

            page.get_by_role("tab", name="FR/EN behaviour").click()
            for qtype in ("example", "multipart"):  # 2 definition and 2 calculation pairs, every strategy
                page.locator("#fren-types").get_by_label(qtype).uncheck()
            if system_a:
                page.locator("#fren-engines").get_by_label("System A", exact=False).check()
            page.fill("#fren-count input[type=number]", "2")
            page.press("#fren-count input[type=number]", "Enter")
            page.click("#fren-go")
            expect(page.locator("#fren-status")).to_contain_text("Finished", timeout=300000)
            expect(page.locator("#fren-plot .js-plotly-plot")).to_be_visible(timeout=30000)
            page.click("#sweep-go")
            expect(page.locator("#sweep-plot .js-plotly-plot")).to_be_visible(timeout=300000)
            page.wait_for_timeout(1000)
            page.screenshot(path=OUT / "fren.png", full_page=True)

            page.get_by_role("tab", name="Generation tuning").click()
            # an adapter loaded while the app runs (the bundled one again, standing in for a new fine-tune)
            page.locator("#adapters").get_by_text("LoRA adapters (System B)").click()
            page.fill("#adapters-name textarea", "fr-v2")
            page.fill("#adapters-source textarea", "assets/demo-model/adapters/french-reasoning")
            page.click("#adapters-load")
            expect(page.locator("#adapters-status")).to_contain_text("Loaded fr-v2", timeout=60000)
            page.click("#tune-fill")
            page.fill("#tune-repeats input[type=number]", "2")  # 4 configurations × 2 repeats
            page.press("#tune-repeats input[type=number]", "Enter")
            page.locator("#tune-expect .cm-content").click()  # the default prompt asks what duration is
            page.keyboard.type('{"contains": "duration", "complete": true')
            page.click("#tune-run")
            expect(page.locator("#tune-status")).to_contain_text("Finished", timeout=180000)
            expect(page.locator("#tune-plot .js-plotly-plot")).to_be_visible(timeout=30000)
            page.locator("#tune-results").get_by_role("gridcell").first.click()  # its reasoning and answer
            expect(page.locator("#tune-details-head")).to_contain_text("Configuration 1", timeout=10000)
            page.wait_for_timeout(1000)
            page.screenshot(path=OUT / "tuning.png", full_page=True)
            browser.close()
    finally:
        demo.close()
        services.local.close()


if __name__ == "__main__":
    main()
