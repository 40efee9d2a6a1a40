"""A batch run written up in Markdown: settings, the summary, figures per category, what the tab
says under the table and its verdicts, then the experiments where the answers disagree."""

from __future__ import annotations

from datetime import datetime, timezone

from engines.base import GenerationParams, StreamStats, UpstreamError
from workbench.compare import Experiment, SystemRun, record
from workbench.report import SHOWN_DISAGREEMENTS, markdown_table, report_html, report_page, run_report


def _answered(text: str, model: str, refusal: bool = False) -> SystemRun:
    return SystemRun("S", response=text, done=True, stats=StreamStats(model, "stop", ttft_s=0.1, total_s=1.0,
                                                                      content_tokens=9))


def _rec(exp_id: str, b_says: str = "Le ratio vaut 15.", category: str | None = "demo-calculation") -> dict:
    exp = Experiment(exp_id, "Calcule le ratio cours sur bénéfice d'une action à 60 euros ?", lang="fr",
                     category=category, expect={"contains": "15"})
    return record(exp, {"A": _answered("Le ratio est de 15.", "deepseek-chat"), "B": _answered(b_says, "demo-model")},
                  GenerationParams(max_new_tokens=256))


def test_a_run_report_holds_its_settings_figures_findings_verdicts_and_disagreements():
    records = [_rec("e1"), _rec("e2", b_says="Le ratio vaut 12 | environ."), _rec("e3", category=None)]
    analysts = [{**records[1], "verdict": "A better", "judge": "ana"}]
    models = [{"experiment_id": "e2", "verdict": "A better", "consistent": True, "judge_model": "deepseek-chat"}]
    text = run_report("nightly", records, analysts, models, written=datetime(2026, 12, 3, 22, 40, tzinfo=timezone.utc))
    assert text.startswith("# Batch run `nightly`\n\n*Finance LLM Workbench report, written 2026-12-03 22:40 UTC.*")
    assert "- **Experiments:** 3 (System A answered 3, System B answered 3)" in text
    assert "- **System A:** `deepseek-chat` · **System B:** `demo-model`" in text
    assert '"max_new_tokens": 256' in text
    assert "| passed every check | 100% of 3 | 67% of 3 |" in text
    assert "## By category\n\n| category | experiments |" in text and "| demo-calculation | 2 |" in text
    assert "## Routes, refusals and checks\n\n**Routes (System B):** —" in text
    assert "**Checks, A and B on the same experiments:** on the 3 experiments both answered" in text
    assert "## Verdicts\n\n**Verdicts on run `nightly`:** A better 1 · B better 0" in text
    assert "**Model verdicts, `deepseek-chat`:** A better 1" in text
    assert "It gave the analysts' verdict in 1 of 1" in text
    # e2: A passed its check, B did not: listed with how they differ (e1, e3: both French, both passed)
    assert "## Where the answers disagree (1 experiment)" in text and "- `e2` — Calcule le ratio" in text
    assert "  - Checks passed: A 1 of 1; B 0 of 1" in text
    assert text.index("## Summary per system") < text.index("## By category") < text.index("## Verdicts")


def test_a_report_leaves_out_what_the_run_lacks_and_counts_what_it_does_not_list():
    plain = [_rec(f"e{n}", category=None) for n in range(3)]
    text = run_report("quiet", plain)
    assert "## By category" not in text and "## Verdicts" not in text
    assert "## Verdicts\n\n**Verdicts on run `quiet`:** none yet" in run_report("quiet", plain, [], [])
    many = [_rec(f"d{n}", b_says="Twelve.") for n in range(SHOWN_DISAGREEMENTS + 4)]
    listed = run_report("many", many)
    assert f"## Where the answers disagree ({SHOWN_DISAGREEMENTS + 4} experiments)" in listed
    assert "… and 4 more (the run's CSV has them all: `disagree_on`)." in listed
    assert "`d53`" not in listed and "`d49`" in listed


def test_a_markdown_table_keeps_each_cell_on_its_line_and_its_pipes_escaped():
    assert markdown_table(["a", "b"], [["x | y", "two\nlines"], [None, 3]]) == (
        "| a | b |\n|---|---|\n| x \\| y | two lines |\n|  | 3 |")


def test_a_report_as_a_web_page_has_its_tables_as_tables_and_shows_a_models_html_as_text():
    records = [_rec("e1"), _rec("e2", b_says="Le ratio vaut 12.")]
    page = report_html(run_report("night <1>", records, [], []), "Batch run night <1>")
    assert page.startswith("<!DOCTYPE html>") and "<title>Batch run night &lt;1&gt;</title>" in page
    assert "<h1>Batch run <code>night &lt;1&gt;</code></h1>" in page and "<h2>Summary per system</h2>" in page
    assert "<th>metric</th>" in page and "<td>passed every check</td>" in page  # a table, not pipes
    quoted = report_html("- `e2` — <script>alert(1)</script>", "t")  # a question quoted in it: text, never run
    assert "<script>" not in quoted and "&lt;script&gt;alert(1)&lt;/script&gt;" in quoted
    assert "@media print" in page


def test_a_report_page_has_the_runs_charts_after_its_summary_and_plotly_written_once_inline():
    records = [_rec("e1"), _rec("e2", b_says="Le ratio vaut 12.")]
    records[1]["system_b"]["route"] = "</script><script>alert(1)</script>"  # a route name from an opened CSV: data
    page = report_page(run_report("night", records, [], []), "night", records)
    summary, charts, findings = (page.index(h) for h in ("<h2>Summary per system</h2>", "<h2>Charts</h2>",
                                                         "<h2>Routes, refusals and checks</h2>"))
    assert summary < charts < findings
    assert page.count('<div class="chart">') == 3  # latency, refusal rate by route, tokens
    assert page.count("Plotly.newPlot(") == 3 and page.count("plotly.js v") == 1  # the library once, no network
    assert "<script src=" not in page and "<script type=\"text/javascript\" src=" not in page
    assert "<script>alert(1)" not in page and "\\u003c\\u002fscript\\u003e" in page  # the route name as JSON text
    assert page.index("Latency per answer") < page.index("Refusal rate by route") < page.index("Mean tokens per answer")


def test_a_report_page_draws_no_chart_that_would_be_empty():
    down = SystemRun("S", done=True, error=UpstreamError("down"))
    failed = [record(Experiment("e1", "Quel est le ratio ?"), {"A": down, "B": down}, GenerationParams())]
    page = report_page(run_report("down", failed, None, None), "down", failed)
    assert "<h2>Charts</h2>" not in page and "Plotly" not in page
    assert report_html("# t\n\n## Only\n\ntext", "t").count("<h2>") == 1


def test_a_models_formulas_show_on_a_web_page_as_it_wrote_them():
    """A write-up quotes answers and reasoning: Markdown took the backslash off DeepSeek's `\\[` and
    made `a * b * c` emphasis, so a formula came out garbled; it is shown as its LaTeX, as code."""
    from workbench.safety import safe_markdown

    answer = safe_markdown("Duration: \\[ D = \\frac{a * b * c}{1 + y} \\] with \\( x < 5\\% \\), fees $5 and $10.")
    reasoning = "> First \\[\n> a_1 = b_2\n> \\]"
    page = report_html(f"# t\n\n{answer}\n\n{reasoning}\n", "t")
    assert "<code>\\[ D = \\frac{a * b * c}{1 + y} \\]</code>" in page
    assert "<code>\\( x &lt; 5\\% \\)</code>, fees $5 and $10." in page  # escaped once, a lone $ left alone
    assert "<blockquote>\n<p>First <code>\\[ a_1 = b_2 \\]</code></p>" in page  # a quoted reasoning's too
    assert "<code>\\( a`b \\)</code>" in report_html("\\( a`b \\)", "t")  # a backtick in it: a longer fence
