"""The Generation-tuning tab in a real browser: a sweep, its CSV, Use in Chat and Compare, Stop, saved runs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.ui.downloads import download_csv, download_workbook
from tests.ui.pages import set_number, upload
from workbench.tuning import read_tuning_run

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_four_config_sweep_fills_the_table_and_the_csv_holds_four_rows(page, tmp_path):
    page.get_by_role("tab", name="Generation tuning").click()
    # before a run: what a run shows, and no table of empty headers
    expect(page.locator("#tune-status")).to_contain_text("each run's figures show here")
    expect(page.locator("#tune-results")).to_be_hidden()
    expect(page.locator("#tune-plot")).to_be_hidden()
    expect(page.locator("#tune-metric")).to_be_hidden()  # the chart's choices, with the chart
    page.click("#tune-fill")  # temperature 0.2, 0.9 x max_new_tokens 64, 256
    expect(page.locator("#tune-configs")).to_contain_text("256")
    expect(page.locator("#tune-configs")).to_contain_text("0.9")
    page.click("#tune-run")
    expect(page.locator("#tune-status")).to_contain_text("Finished — 4 runs", timeout=120000)
    expect(page.locator("#tune-results")).to_be_visible()
    expect(page.locator("#tune-results")).to_contain_text("reasoning share")
    # the configuration to use is named, with why, and set as the one Use in Chat and the presets take
    # (64 tokens cut the demo model's answers short: one with 256)
    suggested = page.locator("#tune-status strong").filter(has_text=re.compile(r"Suggested: configuration [24]"))
    expect(suggested).to_be_visible()
    expect(page.locator("#tune-status")).to_contain_text(re.compile(
        r"max_new_tokens 256\) — 1 of 1 ended within the budget, mean latency [\d,]+ ms; (ahead of configuration \d "
        r"on latency|about as quick as configuration \d \([\d,]+ ms\), as good on the rest: either will do"
        r"|tied with configuration \d on every measure: either will do)"))
    number = re.search(r"configuration (\d)", suggested.inner_text())[1]
    expect(page.locator("#tune-use-row input")).to_have_value(number)
    expect(page.locator("#tune-plot .js-plotly-plot")).to_be_visible()
    rows = download_csv(page, "#tune-download", tmp_path / "tuning.csv")
    assert len(rows) == 4
    assert sorted({r["temperature"] for r in rows}) == ["0.2", "0.9"]
    assert {r["max_new_tokens"] for r in rows} == {"64", "256"}
    # System B is costed in this app ($0.80 an hour): each run's cost, and a chart of it
    expect(page.locator("#tune-results")).to_contain_text("cost usd")
    assert all(float(r["cost_usd"]) > 0 for r in rows)
    page.locator("#tune-metric input").click()
    page.get_by_role("option", name="cost usd", exact=True).click()
    expect(page.locator("#tune-plot")).to_contain_text("cost usd against temperature")


def test_use_in_chat_copies_a_configuration(page):
    page.get_by_role("tab", name="Generation tuning").click()
    page.click("#tune-fill")
    expect(page.locator("#tune-configs")).to_contain_text("256")
    page.fill("#tune-use-row input", "4")
    page.click("#tune-use")
    expect(page.locator("#chat-question textarea")).to_be_visible()
    page.click("#chat-params")
    expect(page.locator("#chat-temperature input[type=number]")).to_have_value("0.9")
    expect(page.locator("#chat-max_new_tokens input[type=number]")).to_have_value("256")
    expect(page.locator("#chat-preset input")).to_have_value("Custom")


def test_use_in_compare_copies_a_configuration_for_both_systems(page):
    page.get_by_role("tab", name="Generation tuning").click()
    page.click("#tune-fill")
    expect(page.locator("#tune-configs")).to_contain_text("256")
    page.fill("#tune-use-row input", "2")  # temperature 0.2, 256 new tokens
    page.click("#tune-use-compare")
    expect(page.locator("#cmp-query textarea")).to_be_visible()
    expect(page.locator("#compare-params-summary")).to_contain_text("Custom: temperature 0.2")
    expect(page.locator("#compare-params-summary")).to_contain_text("up to 256 new tokens")


def test_a_configuration_is_saved_as_a_preset_that_chat_then_offers(page, running_app):
    from workbench.presets import delete_preset

    page.get_by_role("tab", name="Generation tuning").click()
    page.click("#tune-fill")
    expect(page.locator("#tune-configs")).to_contain_text("256")
    page.fill("#tune-use-row input", "2")  # temperature 0.2, 256 new tokens
    page.fill("#tune-preset-name textarea", "Tuned 0.2")
    page.click("#tune-preset-save")
    expect(page.get_by_text("Configuration 2 saved as the preset 'Tuned 0.2'").first).to_be_visible()
    expect(page.locator("#tune-preset-name textarea")).to_have_value("")
    page.fill("#tune-use-row input", "6")  # of 4
    page.fill("#tune-preset-name textarea", "Nine")
    page.click("#tune-preset-save")
    expect(page.get_by_text("Choose a configuration between 1 and").first).to_be_visible()
    page.get_by_role("tab", name="Chat").click()
    page.click("#chat-params")
    page.locator("#chat-preset input").click()
    page.get_by_role("option", name="Tuned 0.2").click()
    expect(page.locator("#chat-temperature input[type=number]")).to_have_value("0.2")
    expect(page.locator("#chat-params-summary")).to_contain_text("Tuned 0.2: temperature 0.2")
    delete_preset(running_app[1].settings.results_dir, "Tuned 0.2")  # the other tests' menus as they were


def test_stop_ends_the_runs_and_says_how_many_finished(page):
    page.get_by_role("tab", name="Generation tuning").click()
    # longer runs (at least 256 new tokens each), so that Stop comes while they run: with the demo
    # model ending its answers by itself, 20 runs could all finish before the click
    page.locator("#tune-x input").click()
    page.get_by_role("option", name="min_new_tokens", exact=True).click()
    page.fill("#tune-x-values input, #tune-x-values textarea", "256, 384")
    page.fill("#tune-y-values input, #tune-y-values textarea", "2048, 4096")
    page.click("#tune-fill")
    expect(page.locator("#tune-configs")).to_contain_text("4096")
    expect(page.locator("#tune-configs")).to_contain_text("384")
    set_number(page, "tune-repeats", 5)  # 4 configurations × 5 repeats = 20 runs
    page.click("#tune-run")
    expect(page.locator("#tune-status")).to_contain_text("Running", timeout=60000)
    page.click("#tune-stop")
    status = page.locator("#tune-status")
    expect(status).to_contain_text("Stopped", timeout=30000)  # it used to say "Finished — 20 runs"
    done = int(re.search(r"Stopped — (\d+) of 20 runs", status.inner_text()).group(1))
    assert done < 20


def test_runs_that_failed_are_counted_in_the_status(page):
    page.get_by_role("tab", name="Generation tuning").click()
    page.locator("#tune-engine input").click()
    page.get_by_role("option", name="System A · remote MoE").click()  # no key in this app
    page.click("#tune-run")
    expect(page.locator("#tune-status")).to_contain_text("Finished — 2 runs", timeout=30000)
    expect(page.locator("#tune-status")).to_contain_text("2 failed, e.g.")


def test_repeats_are_summed_up_a_row_reads_in_full_and_the_run_opens_again(page, tmp_path):
    page.get_by_role("tab", name="Generation tuning").click()
    page.fill("#tune-prompt textarea", "Qu'est-ce que le ratio cours sur bénéfice ?")
    set_number(page, "tune-repeats", 3)  # the 2 default configurations × 3 repeats
    page.locator("#tune-expect .cm-content").click()
    page.keyboard.type('{"language": "fr"')  # a check on every answer (the editor closes the brace)
    page.click("#tune-run")
    expect(page.locator("#tune-status")).to_contain_text("Finished — 6 runs", timeout=120000)
    expect(page.locator("#tune-results").get_by_role("gridcell").filter(has_text=re.compile(r"^\s*[01] of 1\s*$"))
           ).to_have_count(6)
    summary = page.locator("#tune-summary")
    expect(summary).to_contain_text("passed every check")
    expect(summary).to_contain_text("mean reasoning share")
    expect(summary).to_contain_text("identical across repeats")
    page.locator("#tune-results").get_by_role("gridcell").first.click()  # config 1, repeat 1
    expect(page.locator("#tune-details-head")).to_contain_text("Configuration 1 · repeat 1")
    expect(page.locator("#tune-details-reasoning")).not_to_be_empty()
    expect(page.locator("#tune-details-answer")).not_to_contain_text("(empty answer)")
    csv_path = tmp_path / "my-sweep.csv"
    rows = download_csv(page, "#tune-download", csv_path)
    assert {r["prompt"] for r in rows} == {"Qu'est-ce que le ratio cours sur bénéfice ?"}
    assert {r["engine"] for r in rows} == {"System B · local model"}
    assert {r["checks_total"] for r in rows} == {"1"} and {r["expect"] for r in rows} == {'{"language": "fr"}'}
    page.locator("#tune-expect .cm-content").click()  # other checks, scored on the same answers
    page.keyboard.press("Control+A")
    page.keyboard.type('{"language": "fr", "not_contains": "zzz"')
    page.click("#tune-rescore")
    expect(page.locator("#tune-status")).to_contain_text("Scored again under the checks in the box:")
    expect(page.locator("#tune-results").get_by_role("gridcell").filter(has_text=re.compile(r"^\s*[12] of 2\s*$"))
           ).to_have_count(6)
    rescored = download_csv(page, "#tune-download", tmp_path / "rescored.csv")
    assert {r["checks_total"] for r in rescored} == {"2"} and [r["answer"] for r in rescored] == [
        r["answer"] for r in rows]  # the same answers: nothing was run again
    book = download_workbook(page, "#tune-download-xlsx", tmp_path / "rescored.xlsx")  # the same, as a workbook
    assert [(r["config"], r["checks_total"], r["answer"]) for r in book] == [
        (int(r["config"]), 2, r["answer"]) for r in rescored]

    page.reload()  # what was on screen is gone…
    page.get_by_role("tab", name="Generation tuning").click()
    expect(page.locator("#tune-prompt textarea")).to_have_value("Qu'est-ce que la duration ?")
    page.locator("#tune-saved input").click()  # …and comes back from the saved runs, newest first
    page.get_by_role("option").filter(
        has_text="· 6 runs · “Qu'est-ce que le ratio cours sur bénéfice ?” on System B · local model").first.click()
    status = page.locator("#tune-status")
    expect(status).to_contain_text("Opened the tuning run of", timeout=20000)
    expect(status).to_contain_text("6 runs of 2 configurations on System B · local model")
    expect(page.locator("#tune-prompt textarea")).to_have_value("Qu'est-ce que le ratio cours sur bénéfice ?")
    expect(page.locator("#tune-repeats input[type=number]")).to_have_value("3")
    expect(page.locator("#tune-expect")).to_contain_text('"language": "fr"')  # its checks, back in the box
    expect(summary).to_contain_text("mean latency ms")
    expect(page.locator("#tune-plot .js-plotly-plot")).to_be_visible()

    # a CSV that is not a tuning run is refused with the reason; what is shown stays
    wrong = tmp_path / "experiments.csv"
    wrong.write_text("id,query\nq1,What is a bond?\n", encoding="utf-8")
    upload(page, "#tune-upload", wrong)
    expect(page.get_by_text("experiments.csv cannot be opened: it lacks the columns")).to_be_visible(timeout=20000)
    expect(status).to_contain_text("Opened the tuning run of")

    page.reload()  # the downloaded CSV opens too
    page.get_by_role("tab", name="Generation tuning").click()
    upload(page, "#tune-upload", csv_path)
    expect(status).to_contain_text("Opened my-sweep.csv — 6 runs", timeout=20000)
    expect(page.locator("#tune-prompt textarea")).to_have_value("Qu'est-ce que le ratio cours sur bénéfice ?")


def test_an_adapter_loaded_in_the_page_is_offered_by_every_menu_then_unloaded(page, running_app, demo_model_dir):
    _, services = running_app
    folder = demo_model_dir / "adapters" / "french-reasoning"
    page.get_by_role("tab", name="Generation tuning").click()
    page.locator("#adapters").get_by_text("LoRA adapters (System B)").click()
    expect(page.locator("#adapters-table")).to_contain_text("at start")
    page.fill("#adapters-source textarea", str(demo_model_dir / "no-such-adapter"))
    page.click("#adapters-load")
    expect(page.locator("#adapters-status")).to_contain_text("Not loaded: '")
    expect(page.locator("#adapters-status")).to_contain_text("is neither a folder on this machine nor a Hub id")
    try:
        page.fill("#adapters-name textarea", "ui-fr")
        page.fill("#adapters-source textarea", str(folder))
        page.click("#adapters-load")
        expect(page.locator("#adapters-status")).to_contain_text("Loaded ui-fr in")
        expect(page.locator("#adapters-table")).to_contain_text("while running")
        expect(page.locator("#adapters-name textarea")).to_have_value("")
        assert "ui-fr" in services.local.adapters
        # this tab's menu offers it: a tuning run with it
        page.locator("#tune-adapter input").click()
        page.get_by_role("option", name="ui-fr", exact=True).click()
        page.click("#tune-run")
        expect(page.locator("#tune-status")).to_contain_text("Finished — 2 runs", timeout=120000)
        latest = max((services.settings.results_dir / "tuning").glob("*.csv"), key=lambda p: p.stat().st_mtime)
        assert {row["adapter"] for row in read_tuning_run(latest)} == {"ui-fr"}
        # a page opened now offers it too (the menus were made before it was loaded)
        other = page.context.new_page()
        other.goto(page.url)
        other.locator("#chat-adapter input").click()
        expect(other.get_by_role("option", name="ui-fr", exact=True)).to_be_visible()
        other.close()
        # and Chat's, where it answers
        page.get_by_role("tab", name="Chat").click()
        page.locator("#chat-adapter input").click()
        page.get_by_role("option", name="ui-fr", exact=True).click()
        expect(page.locator("#chat-adapter input")).to_have_value("ui-fr")
        page.fill("#chat-question textarea", "Qu'est-ce que la duration ?")
        page.click("#chat-send")
        expect(page.locator("#chatbot")).to_contain_text("model: demo-model + ui-fr", timeout=30000)
        page.wait_for_timeout(500)  # the browser stores the finished turn just after the answer
        page.reload()  # the conversation comes back with its adapter picked, the menus made before it was loaded
        page.wait_for_selector("#chat-question textarea", timeout=30000)
        expect(page.locator("#chatbot")).to_contain_text("model: demo-model + ui-fr", timeout=20000)
        expect(page.locator("#chat-adapter input")).to_have_value("ui-fr")
        page.click("#chat-clear")
        page.get_by_role("tab", name="Generation tuning").click()
        page.locator("#adapters").get_by_text("LoRA adapters (System B)").click()
        # the FR/EN tab offers it as a strategy of its own
        page.get_by_role("tab", name="FR/EN behaviour").click()
        expect(page.locator("#fren-strategies")).to_contain_text("ui-fr adapter")
        # and Compare's: System B answers with it, its model named with it
        page.get_by_role("tab", name="Compare").click()
        page.locator("#cmp-adapter input").click()
        page.get_by_role("option", name="ui-fr", exact=True).click()
        page.fill("#cmp-query textarea", "Qu'est-ce que la duration ? (ui-fr)")
        page.locator("#cmp-run-a input").uncheck()
        page.click("#cmp-go")
        expect(page.locator("#cmp-metrics-b")).to_contain_text("demo-model + ui-fr", timeout=60000)
        # unloaded: the menus that had it picked are back on the base model
        page.get_by_role("tab", name="Generation tuning").click()
        page.locator("#adapters-pick input").click()
        page.get_by_role("option", name="ui-fr", exact=True).click()
        page.click("#adapters-unload")
        expect(page.locator("#adapters-status")).to_contain_text("Unloaded ui-fr")
        expect(page.locator("#adapters-table")).not_to_contain_text("ui-fr")
        expect(page.locator("#tune-adapter input")).to_have_value("(base model)")
        expect(page.locator("#cmp-adapter input")).to_have_value("(base model)")
        page.get_by_role("tab", name="Chat").click()
        expect(page.locator("#chat-adapter input")).to_have_value("(base model)")
        page.locator("#chat-adapter input").click()
        expect(page.get_by_role("option", name="french-reasoning", exact=True)).to_be_visible()
        expect(page.get_by_role("option", name="ui-fr", exact=True)).to_have_count(0)
        page.get_by_role("tab", name="FR/EN behaviour").click()
        expect(page.locator("#fren-strategies")).to_contain_text("french-reasoning adapter")
        expect(page.locator("#fren-strategies")).not_to_contain_text("ui-fr adapter")
    finally:
        if "ui-fr" in services.local.adapters:
            services.local.unload_adapter("ui-fr")
