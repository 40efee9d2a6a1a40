"""The FR/EN tab in a real browser: an inspection of 4 probes on two engines shows the matrix and the
chart; Stop keeps what finished; a sweep on an engine that cannot answer says so."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.ui.downloads import download_csv, download_workbook
from tests.ui.pages import inspect_one_pair, set_number, upload

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_inspection_on_four_probes_shows_matrix_and_chart(page, tmp_path):
    page.get_by_role("tab", name="FR/EN behaviour").click()
    expect(page.locator("#fren-plot")).to_be_hidden()  # shown with the inspection, not as an empty frame
    # 2 definition pairs = 4 probes (EN + FR), two strategies
    for qtype in ("example", "calculation", "multipart"):
        page.locator("#fren-types").get_by_label(qtype).uncheck()
    for strategy in ("thinking off", "French system prompt", "French prefill", "strip reasoning"):
        page.locator("#fren-strategies").get_by_label(strategy).uncheck()
    page.locator("#fren-engines").get_by_label("System B · router + local model").check()  # a second engine
    box = page.locator("#fren-count input[type=number]")
    box.fill("2")
    box.press("Enter")
    page.click("#fren-go")
    expect(page.locator("#fren-status")).to_contain_text("Finished — 16 answers", timeout=120000)
    expect(page.locator("#fren-matrix")).to_contain_text("baseline")
    for engine in ("System B · local model", "System B · router + local model"):  # a row each, not pooled
        expect(page.locator("#fren-matrix")).to_contain_text(engine)
    expect(page.locator("#fren-matrix")).to_contain_text("french-reasoning adapter")
    expect(page.locator("#fren-matrix")).to_contain_text("100%")  # rates shown as percentages
    # the adapter against the baseline on the same French questions, per engine, with its test
    pairs = page.locator("#fren-baseline")
    expect(pairs).to_contain_text("Each strategy against the baseline, on the same French questions")
    row = pairs.get_by_role("row").filter(has_text="user sees one language").filter(
        has_text="System B · local model").filter(has_text="french-reasoning adapter")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(re.compile(r"(could be chance|the same on every question)"))
    # 2 French questions cannot tell a difference from chance, and the status says how many can
    expect(page.locator("#fren-status")).to_contain_text(
        "Against the baseline: No strategy differs from the baseline more than chance could make it — nor could "
        "one: on 2 questions, even a strategy better on every one has p = 0.5; it takes 6 questions at the "
        "least (raise Probe pairs per type).")
    expect(page.locator("#fren-plot .js-plotly-plot")).to_be_visible()
    page.locator("#fren-rows input[placeholder='Filter...']").fill("adapter")  # the answers can be narrowed
    strategies = page.locator("#fren-rows").get_by_role("gridcell").filter(has_text="french-reasoning")
    expect(page.locator("#fren-rows").get_by_role("gridcell").filter(has_text="baseline")).to_have_count(0)
    expect(strategies).not_to_have_count(0)
    expect(page.locator("#fren-download")).to_be_visible()

    # Selecting an answer (in the filtered table) opens its own transcript, coloured by language
    probe = page.locator("#fren-rows").get_by_role("gridcell").filter(has_text="-fr").first
    probe_id = probe.inner_text().strip()
    probe.click()
    transcript = page.locator("#fren-transcript")
    expect(transcript.locator(".fren-item")).to_have_count(1)
    expect(transcript.locator(".fren-item")).to_contain_text(f"{probe_id} · french-reasoning adapter")
    expect(transcript.locator(".fren-answer")).to_be_visible()

    # The budget sweep's table and chart appear once it has run, with a column per budget asked for
    # and a row per thinking mode, question type and language
    expect(page.locator("#sweep-table")).to_have_count(0)
    page.fill("#sweep-budgets input, #sweep-budgets textarea", "16, 64, 256")
    page.click("#sweep-go")
    status = page.locator("#sweep-status")
    expect(status).to_contain_text("Measured 8 answers", timeout=120000)  # 4 questions, thinking on and off
    on, off = map(int, re.search(r"finish: (\d+) new tokens with thinking on, (\d+) with thinking off",
                                 status.inner_text()).groups())
    assert off < on
    expect(status).to_contain_text("thinking makes it")
    table = page.locator("#sweep-table")
    expect(table).to_contain_text("≤64")
    expect(table).to_contain_text("definition")
    expect(table).to_contain_text("%")
    for cell in ("on", "off", "en", "fr"):
        expect(table.get_by_role("gridcell", name=cell, exact=True).first).to_be_visible()
    expect(page.locator("#sweep-plot .js-plotly-plot")).to_be_visible()
    expect(page.locator("#sweep-plot")).to_contain_text("French questions · thinking off")
    expect(page.locator("#sweep-download")).to_be_visible()
    expect(page.locator("#sweep-download-xlsx")).to_be_visible()
    # the budget that lets 95% of every type finish goes to Chat and Compare in one click, with
    # thinking as it was measured
    use = page.locator("#sweep-use")
    expect(use).to_have_text(f"Use max_new_tokens = {on} with thinking on in Chat and Compare")
    page.click("#sweep-use-off")
    page.get_by_role("tab", name="Chat").click()
    page.click("#chat-params")
    expect(page.locator("#chat-max_new_tokens input[type=number]")).to_have_value(str(off))
    expect(page.locator("#chat-enable_thinking input")).not_to_be_checked()
    expect(page.locator("#chat-preset input")).to_have_value("Custom")
    page.get_by_role("tab", name="FR/EN behaviour").click()
    use.click()
    page.get_by_role("tab", name="Chat").click()
    expect(page.locator("#chat-max_new_tokens input[type=number]")).to_have_value(str(on))
    expect(page.locator("#chat-enable_thinking input")).to_be_checked()
    page.get_by_role("tab", name="Compare").click()
    expect(page.locator("#compare-params-summary")).to_contain_text(f"up to {on} new tokens")

    # the sweep was saved: after a reload it opens again as it was, without measuring anything
    page.get_by_role("tab", name="FR/EN behaviour").click()
    download_csv(page, "#fren-download", tmp_path / "inspection.csv")  # (kept for later: not a sweep)
    page.reload()
    page.get_by_role("tab", name="FR/EN behaviour").click()
    page.locator("#sweep-saved input").click()
    page.get_by_role("option", name=re.compile(r"8 answers · System B · local model · thinking on and off")).click()
    expect(status).to_contain_text("Opened the sweep of", timeout=20000)
    expect(status).to_contain_text(f"finish: {on} new tokens with thinking on, {off} with thinking off")
    expect(page.locator("#sweep-use-off")).to_have_text(f"Use max_new_tokens = {off} with thinking off in Chat "
                                                       "and Compare")
    expect(table).to_contain_text("≤64")
    expect(page.locator("#sweep-plot .js-plotly-plot")).to_be_visible()
    # an inspection's CSV is not a sweep: refused with what it lacks, the sweep on screen stays
    upload(page, "#sweep-upload", tmp_path / "inspection.csv")
    expect(page.get_by_text("lacks the column needed")).to_be_visible(timeout=10000)
    expect(status).to_contain_text("Opened the sweep of")


def test_calculations_say_whether_each_strategy_keeps_the_right_figure(page):
    page.get_by_role("tab", name="FR/EN behaviour").click()
    for qtype in ("definition", "example", "multipart"):  # 1 calculation pair: 2 probes
        page.locator("#fren-types").get_by_label(qtype).uncheck()
    for strategy in ("French system prompt", "French prefill", "french-reasoning adapter", "strip reasoning"):
        page.locator("#fren-strategies").get_by_label(strategy).uncheck()
    set_number(page, "fren-count", 1)
    page.click("#fren-go")
    status = page.locator("#fren-status")
    expect(status).to_contain_text("Finished — 4 answers", timeout=120000)
    matrix = page.locator("#fren-matrix")
    expect(matrix.get_by_role("columnheader").filter(has_text="right figure")).to_have_count(1)
    # thinking off against the baseline on the right figure too, a row of its own
    row = page.locator("#fren-baseline").get_by_role("row").filter(has_text="right figure")
    expect(row.filter(has_text="System B · local model").filter(has_text="thinking off")).to_have_count(1)
    expect(status).to_contain_text("on 1 question, even a strategy better on every one has p = 1")
    expect(page.locator("#fren-rows").get_by_role("columnheader").filter(has_text="right figure")).to_have_count(1)


def test_stop_keeps_the_finished_answers_and_counts_only_those(page, tmp_path):
    page.get_by_role("tab", name="FR/EN behaviour").click()
    set_number(page, "fren-count", 10)  # 76 probes under 6 strategies: 456 answers
    page.click("#fren-go")
    expect(page.locator("#fren-status")).to_contain_text("Running", timeout=60000)
    page.click("#fren-stop")
    status = page.locator("#fren-status")
    # it used to start every queued answer only to cancel it: "Finished — 456 answers"
    expect(status).to_contain_text("Stopped", timeout=60000)
    done, total = map(int, re.search(r"Stopped — (\d+) of (\d+) answers", status.inner_text()).groups())
    assert total == 456 and 0 < done < total
    rows = download_csv(page, "#fren-download", tmp_path / "fren.csv")
    assert len(rows) == done and not any(r["finish_reason"] == "cancelled" for r in rows)
    expect(page.locator("#fren-plot .js-plotly-plot")).to_be_visible()

    # System A has no key here: the sweep says so instead of reporting that nothing ever completes
    page.locator("#sweep-engine input").click()
    page.get_by_role("option", name="System A · remote MoE").click()
    page.click("#sweep-go")
    expect(page.locator("#sweep-status")).to_contain_text("System A · remote MoE could not answer: System A is "
                                                          "not configured", timeout=30000)
    expect(page.locator("#sweep-table")).to_have_count(0)


def test_answers_that_failed_are_named_not_passed_off_as_finished(page):
    page.get_by_role("tab", name="FR/EN behaviour").click()
    for qtype in ("example", "calculation", "multipart"):
        page.locator("#fren-types").get_by_label(qtype).uncheck()
    set_number(page, "fren-count", 1)
    page.locator("#fren-engines").get_by_label("System B · local model").uncheck()
    page.locator("#fren-engines").get_by_label("System A · remote MoE").check()  # no key in this app
    for strategy in ("thinking off", "French system prompt", "French prefill", "french-reasoning adapter",
                     "strip reasoning"):
        page.locator("#fren-strategies").get_by_label(strategy).uncheck()
    page.click("#fren-go")
    status = page.locator("#fren-status")
    expect(status).to_contain_text("Finished — 2 answers", timeout=30000)
    expect(status).to_contain_text("2 answers failed and are left out (System A · remote MoE: 2, e.g.")


def test_an_inspection_is_saved_and_opens_again_after_a_reload_or_from_its_csv_or_workbook(page, tmp_path,
                                                                                          monkeypatch):
    inspect_one_pair(page)  # one definition pair × baseline and strip reasoning = 4 answers
    csv_path = tmp_path / "my-inspection.csv"
    assert len(download_csv(page, "#fren-download", csv_path)) == 4
    book_path = tmp_path / "my-inspection.xlsx"  # the same answers, numbers as numbers
    book = download_workbook(page, "#fren-download-xlsx", book_path)
    assert {r["strategy"] for r in book} == {"baseline", "strip reasoning"} and len(book) == 4
    assert all(isinstance(r["answer_tokens"], int) for r in book)

    import ui.fren

    reads = []
    read = ui.fren.read_inspection
    monkeypatch.setattr(ui.fren, "read_inspection", lambda path: (reads.append(path), read(path))[1])
    page.reload()  # what was on screen is gone…
    page.get_by_role("tab", name="FR/EN behaviour").click()
    expect(page.locator("#fren-matrix")).to_be_hidden()  # no empty tables and chart frame before an inspection
    expect(page.locator("#fren-rows")).to_be_hidden()
    expect(page.locator("#fren-status")).to_contain_text("Run inspection asks the questions chosen above")
    page.locator("#fren-saved input").click()  # …and comes back from the saved inspections
    # listed with what it asked of which engine
    page.get_by_role("option").filter(has_text="· 4 answers · System B · local model · baseline, strip reasoning"
                                      ).first.click()
    status = page.locator("#fren-status")
    expect(status).to_contain_text("Opened the inspection of", timeout=20000)
    expect(status).to_contain_text("4 answers (System B · local model)")
    expect(page.locator("#fren-results")).to_be_visible()
    expect(page.locator("#fren-matrix")).to_contain_text("strip reasoning")
    expect(page.locator("#fren-plot .js-plotly-plot")).to_be_visible()
    expect(page.locator("#fren-download")).to_be_visible()
    page.wait_for_timeout(500)
    assert len(reads) == 1  # one pick, one reading (the menu sends its input twice for a mouse pick)

    # a CSV that is not an inspection is refused with the reason; the tables stay as they were
    wrong = tmp_path / "experiments.csv"
    wrong.write_text("id,query\nq1,What is a bond?\n", encoding="utf-8")
    upload(page, "#fren-upload", wrong)
    expect(page.get_by_text("experiments.csv cannot be opened: it lacks the columns")).to_be_visible(timeout=20000)
    expect(page.locator("#fren-matrix")).to_contain_text("strip reasoning")

    page.reload()  # the downloaded CSV opens too (an analyst sends it to another)
    page.get_by_role("tab", name="FR/EN behaviour").click()
    upload(page, "#fren-upload", csv_path)
    expect(page.locator("#fren-status")).to_contain_text("Opened my-inspection.csv — 4 answers", timeout=20000)
    expect(page.locator("#fren-matrix")).to_contain_text("strip reasoning")
    page.locator("#fren-rows").get_by_role("gridcell").filter(has_text="-fr").first.click()
    expect(page.locator("#fren-transcript .fren-item")).to_have_count(1)
    upload(page, "#fren-upload", book_path)  # and the workbook
    expect(page.locator("#fren-status")).to_contain_text("Opened my-inspection.xlsx — 4 answers", timeout=20000)
    expect(page.locator("#fren-matrix")).to_contain_text("strip reasoning")
