"""Browser helpers shared by the browser tests and scripts/screenshots.py."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

# Debian's chromium (playwright cannot download browsers here), headless and quiet.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# A wire that the transaction route scores as high risk: large, unusual for the customer, to a
# new beneficiary in an offshore centre, at night.
RISKY_WIRE = ('{"amount": 25000, "currency": "EUR", "country": "KY", "channel": "wire", '
              '"customer_avg_amount": 1200, "new_beneficiary": true, "hour": 3')


@contextmanager
def app_with_system_a(browser, running_app, model: str, folder: Path, monkeypatch) -> Iterator[Any]:
    """A page on an app of its own built on `running_app`'s services, its System A the fake
    DeepSeek server's `model` (tests.fake_deepseek names each one's behaviour), its results kept
    in `folder`."""
    import app as app_module
    from tests.fake_deepseek import KEY_ENV, FakeDeepSeek
    from tests.serve import free_port
    from workbench.services import REMOTE
    from workbench.settings import Settings

    _, services = running_app
    monkeypatch.setenv(KEY_ENV, "sk-test-fake")
    with FakeDeepSeek() as fake:
        monkeypatch.setitem(services.engines, REMOTE, fake.engine(model))
        demo, url, _, _ = app_module.launch(Settings(model=services.settings.model, port=free_port(),
                                                     results_dir=folder), services=services)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            page.goto(url)
            yield page
        finally:
            context.close()  # a page left open on a closed app keeps its renderer busy
            demo.close()


def compare_transaction(page, question: str, transaction: str = RISKY_WIRE) -> None:
    """On the Compare tab, ask `question` about `transaction` (typed into the JSON editor, which
    closes the brace itself) and start the comparison."""
    page.get_by_role("tab", name="Compare").click()
    page.fill("#cmp-query textarea", question)
    page.locator("#cmp-tx .cm-content").click()
    page.keyboard.type(transaction)
    page.click("#cmp-go")


def compare_both(page, question: str) -> None:
    """On the Compare tab, ask `question` of both systems and wait until both have answered."""
    page.get_by_role("tab", name="Compare").click()
    page.fill("#cmp-query textarea", question)
    page.click("#cmp-go")
    expect(page.locator("#cmp-diff")).to_contain_text("First token", timeout=30000)


def chat_with(page, engine: str, question: str) -> None:
    """On the Chat tab, ask `question` of `engine` (its menu label) and wait for the answer's end."""
    page.get_by_role("tab", name="Chat").click()
    page.locator("#chat-engine input").click()
    page.get_by_role("option", name=engine).click()
    page.fill("#chat-question textarea", question)
    page.click("#chat-send")
    expect(page.locator("#chatbot")).to_contain_text("finish: stop", timeout=30000)


def set_number(page, elem_id: str, value: float) -> None:
    """Type a value into a slider's number box, as a user does."""
    box = page.locator(f"#{elem_id} input[type=number]")
    slider = page.locator(f"#{elem_id} input[type=range]")
    for _ in range(3):  # a slider that has just been shown (an accordion opening) can reset what
        box.fill(str(value))  # was typed while it mounts; a person is never that quick
        box.press("Enter")
        try:
            expect(slider).to_have_value(str(value), timeout=2000)
            return
        except AssertionError:
            continue
    expect(slider).to_have_value(str(value))


def inspect_one_pair(page) -> None:
    """Run an FR/EN inspection of one definition pair under the baseline and strip reasoning, on
    System B's local model (4 answers), and wait for it to finish."""
    page.get_by_role("tab", name="FR/EN behaviour").click()
    for qtype in ("example", "calculation", "multipart"):
        page.locator("#fren-types").get_by_label(qtype).uncheck()
    for strategy in ("thinking off", "French system prompt", "French prefill", "french-reasoning adapter"):
        page.locator("#fren-strategies").get_by_label(strategy).uncheck()
    set_number(page, "fren-count", 1)
    page.click("#fren-go")
    expect(page.locator("#fren-status")).to_contain_text("Finished — 4 answers", timeout=120000)


def upload(page, button: str, path) -> None:
    """Open a file with an upload button (a selector), as a user picks one in the file chooser."""
    with page.expect_file_chooser() as chooser:
        page.click(button)
    chooser.value.set_files(str(path))


def saved_run_both_answered(folder: Path, name: str, ids: list[str], b_refuses: Collection[str] = (),
                            b_says: str = "from the local model", asks: str = "Question") -> None:
    """A saved batch run whose experiments both systems answered, System A "from the remote model"
    and System B `b_says`, or with a refusal on the experiments `b_refuses` (the test app has no
    key for System A: it is written, not run); each asks "`asks` n?"."""
    from engines.base import StreamStats
    from workbench.batch_store import run_file
    from workbench.compare import Experiment, SystemRun, record

    def answered(system: str, text: str) -> SystemRun:
        return SystemRun(system, response=text, done=True, stats=StreamStats(
            model_id=system, finish_reason="stop", ttft_s=0.1, total_s=1.0, content_tokens=9))

    with run_file(folder, name).open("w", encoding="utf-8") as fh:
        for n, exp_id in enumerate(ids):
            runs = {"A": answered("System A", f"Answer {n} from the remote model."),
                    "B": answered("System B", "I can't help with that: it would mean hiding money from the bank."
                                  if exp_id in b_refuses else f"Answer {n} {b_says}.")}
            fh.write(json.dumps(record(Experiment(id=exp_id, query=f"{asks} {n}?"), runs)) + "\n")


def open_saved_run(page, run: str, experiments: int) -> None:
    """Open the saved batch run `run` (of `experiments` experiments) from Compare › Batch's list, as
    an analyst picks it, and wait until it is shown."""
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("tab", name="Batch").click()
    page.locator("#batch-saved input").click()
    plural = "s" if experiments != 1 else ""
    page.get_by_role("option").filter(has_text=f"{run} · {experiments} experiment{plural} ·").click()
    expect(page.locator("#batch-progress")).to_contain_text(f"Opened run {run}", timeout=20000)
