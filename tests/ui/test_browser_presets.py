"""Presets saved from one tab's parameters are offered in the other's, to everyone using the app."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.ui.pages import set_number
from workbench.presets import saved_presets

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_parameters_saved_as_a_preset_in_chat_are_picked_in_compare_and_deleted_there(page, running_app):
    folder = running_app[1].settings.results_dir
    page.click("#chat-params")
    set_number(page, "chat-max_new_tokens", 300)
    page.locator("#chat-enable_thinking input").uncheck()
    page.fill("#chat-preset-name textarea", "Precise")  # a built-in preset's name: refused
    page.click("#chat-preset-save")
    expect(page.get_by_text("Not saved: 'Precise' is a built-in preset's name").first).to_be_visible()
    page.fill("#chat-preset-name textarea", "FR concise")
    page.click("#chat-preset-save")
    expect(page.get_by_text("Preset 'FR concise' saved: offered in Chat and Compare").first).to_be_visible()
    expect(page.locator("#chat-params-summary")).to_contain_text("FR concise: temperature 0.6")
    expect(page.locator("#chat-preset-name textarea")).to_have_value("")
    assert saved_presets(folder)["FR concise"]["max_new_tokens"] == 300

    page.get_by_role("tab", name="Compare").click()
    page.click("#compare-params")  # unfolded: the presets are listed again, with the new one
    page.locator("#compare-preset input").click()
    page.get_by_role("option", name="FR concise").click()
    expect(page.locator("#compare-max_new_tokens input[type=number]")).to_have_value("300")
    expect(page.locator("#compare-enable_thinking input")).not_to_be_checked()
    summary = page.locator("#compare-params-summary")
    expect(summary).to_contain_text("FR concise: temperature 0.6 · top-p 0.95 · top-k 20 · up to 300 new tokens · "
                                    "thinking off")
    page.click("#compare-preset-delete")
    expect(page.get_by_text("Preset 'FR concise' deleted").first).to_be_visible()
    expect(summary).to_contain_text("Custom: temperature 0.6")  # the parameters stay
    assert "FR concise" not in saved_presets(folder)
    page.locator("#compare-preset input").click()
    page.get_by_role("option", name="Precise").click()
    page.click("#compare-preset-delete")
    expect(page.get_by_text("Not deleted: 'Precise' is built in").first).to_be_visible()
    page.get_by_role("tab", name="Chat").click()  # its menu, listed before the deletion: picking it is refused
    page.locator("#chat-preset input").click()
    page.get_by_role("option", name="FR concise").click()
    expect(page.get_by_text("No preset is named 'FR concise' any more").first).to_be_visible()
