"""The page in the browser's light and dark colour schemes (Gradio follows the browser's): the
text the app colours itself stays readable, and the charts take the page's colours."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.ui.pages import inspect_one_pair

# The WCAG contrast ratio of each element's text against what lies behind it: its own background
# and its ancestors', translucent ones laid over the first opaque one (a tint over the page).
CONTRAST = """(selector) => {
  const rgba = text => {
    const m = text.match(/^rgba?\\(([^)]*)\\)$/);
    if (!m) throw new Error('not an rgb colour: ' + text);
    const v = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
  };
  const over = (top, below) => [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3])).concat([1]);
  const behind = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255, 1]);
  };
  const lum = c => c.slice(0, 3).map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  return [...document.querySelectorAll(selector)].map(el => {
    const back = behind(el), ink = over(rgba(getComputedStyle(el).color), back);
    const [hi, lo] = [lum(back), lum(ink)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
  });
}"""
# The fill of a chart's tick labels and its backdrop, as drawn
CHART = """(plot) => {
  const svg = document.querySelector(plot + ' .main-svg');
  return [getComputedStyle(svg).backgroundColor,
          getComputedStyle(document.querySelector(plot + ' .xtick text')).fill,
          getComputedStyle(document.body).getPropertyValue('--body-text-color').trim()];
}"""


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_what_the_app_colours_itself_reads_in_either_colour_scheme(browser, running_app, scheme):
    """Chat's figures under an answer, the FR/EN transcript and the charts. In the dark scheme the
    transcript's pastel boxes once kept the page's light text (white on pastel: unreadable), and
    the charts stayed white boxes with dark text."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(running_app[0])
        page.wait_for_selector("#chat-question textarea", timeout=30000)
        assert page.evaluate("() => document.body.classList.contains('dark')") == (scheme == "dark")
        page.locator("#chat-beside input").click()  # a second box beside the first
        page.get_by_role("option", name="System B · local model", exact=True).click()
        page.fill("#chat-question textarea", "What is a dividend?")
        page.click("#chat-send")
        for box in ("#chatbot", "#chatbot-beside"):
            expect(page.locator(box)).to_contain_text("finish: stop", timeout=30000)
        figures = page.evaluate(CONTRAST, "#chatbot .message sub, #chatbot-beside .message sub")
        assert len(figures) == 2 and min(figures) >= 4.5, figures
        colours = page.evaluate("""() => [...document.querySelectorAll(
            '#chatbot .message sub, #chatbot-beside .message sub')].map(el => getComputedStyle(el).color)""")
        assert colours[0] == colours[1]  # the figures look alike in both boxes
        inspect_one_pair(page)  # one definition pair × baseline and strip reasoning = 4 answers
        page.locator("#fren-transcript-box").get_by_text("Transcript, coloured by detected language").click()
        parts = page.locator("#fren-transcript .fren-reasoning, #fren-transcript .fren-answer")
        expect(parts).to_have_count(8)
        expect(page.locator("#fren-transcript .fren-hidden")).to_have_count(2)  # strip reasoning's, marked
        ratios = page.evaluate(CONTRAST, "#fren-transcript .fren-reasoning, #fren-transcript .fren-answer")
        assert len(ratios) == 8 and min(ratios) >= 4.5, ratios  # WCAG AA for body text
        # each language keeps a tint of its own
        tints = page.evaluate("""() => ['en', 'fr'].map(lang => getComputedStyle(
            document.querySelector('#fren-transcript .fren-lang-' + lang)).backgroundColor)""")
        assert tints[0] != tints[1] and all(t != "rgba(0, 0, 0, 0)" for t in tints)

        expect(page.locator("#fren-plot .xtick text").first).to_be_attached()  # the chart drawn
        backdrop, ticks, text = page.evaluate(CHART, "#fren-plot")
        if scheme == "dark":  # the chart on the page's background, its labels in the page's text colour
            assert backdrop == "rgba(0, 0, 0, 0)"
            assert ticks == page.evaluate(f"() => {{ const s = document.createElement('span'); s.style.color = "
                                          f"'{text}'; document.body.append(s); return getComputedStyle(s).color; }}")
        else:  # plotly's own white
            assert backdrop == "rgb(255, 255, 255)"
    finally:
        context.close()


def test_no_dark_scheme_rule_of_the_stylesheet_lists_selectors():
    """Gradio scopes the app's stylesheet by prefixing each selector, and in a `.dark` rule breaks
    every selector of a list but the first (`.dark A, .dark B` gets `… .contain .dark B`, which
    matches nothing): the second box's figures stayed dim on a dark page that way."""
    from app import CSS

    rules = re.findall(r"([^{}]+)\{[^{}]*\}", re.sub(r"/\*.*?\*/", "", CSS, flags=re.S))
    listed = [sel.strip() for sel in rules if ".dark" in sel and "," in sel]
    assert rules and listed == []


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_run_reports_web_page_reads_in_either_scheme_and_prints_dark_on_white(browser, tmp_path, scheme):
    """The report downloaded from Batch follows the reader's scheme on screen (it was white in a
    dark browser), its charts with it; printed, it is dark on white whatever the scheme (a printer
    leaves out backgrounds: light text would vanish)."""
    from tests.workbench.test_report import _rec
    from workbench.report import report_page, run_report

    records = [_rec("e1"), _rec("e2", b_says="Le ratio vaut 12.")]
    path = tmp_path / "night-report.html"
    path.write_text(report_page(run_report("night", records, [], []), "night", records), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1200, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        expect(page.locator(".chart .xtick text").first).to_be_attached()
        text = "body, h1, h2, th, td, code"
        ratios = page.evaluate(CONTRAST, text)
        assert len(ratios) > 20 and min(ratios) >= 4.5, ratios
        body = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        backdrop, ticks, _ = page.evaluate(CHART, ".chart")
        if scheme == "dark":
            assert body == "rgb(13, 17, 23)" and backdrop == "rgba(0, 0, 0, 0)" and ticks == "rgb(230, 237, 243)"
        else:
            assert body == "rgba(0, 0, 0, 0)" and backdrop == "rgb(255, 255, 255)"
        page.emulate_media(media="print")
        assert page.evaluate("() => getComputedStyle(document.body).color") == "rgb(31, 35, 40)"
        assert min(page.evaluate(CONTRAST, text)) >= 4.5
    finally:
        context.close()
