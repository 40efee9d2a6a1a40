"""The Compare tab's per-system figures, as an analyst reads them."""

from __future__ import annotations

from engines.base import ConfigurationError, StreamStats
from engines.systems import NO_MODEL_CALL
from ui.batch_tab import run_name_for_file
from ui.batch_view import progress_md
from ui.common import copied_as
from ui.compare_view import (
    HIDDEN_FIGURES,
    MARK,
    MARK_REFERENCE,
    experiment_md,
    marked_answer,
    metrics_md,
    shown_record,
    stored_result_md,
)
from workbench.batch_run import BatchProgress
from workbench.batch_store import safe_run_name
from workbench.compare import SystemRun


def shown(part_md: str, written: str) -> str:
    """A reasoning or an answer as its column shows it, once the text its copy button copies is
    found to be the part as written (ui.common.copied_as), ahead of it."""
    assert part_md.startswith(copied_as(written)), part_md
    return part_md.removeprefix(copied_as(written))


def _row(table: str, metric: str) -> str:
    return next(line for line in table.splitlines() if line.startswith(f"| {metric} |"))


def test_a_system_that_failed_before_any_call_shows_no_latency():
    run = SystemRun("System A", done=True, error=ConfigurationError("no key"),
                    stats=StreamStats(model_id="deepseek-chat", finish_reason="error"))
    table = metrics_md(run)
    assert _row(table, "total latency") == "| total latency | — |"  # not "0.0 ms"
    assert _row(table, "TTFT") == "| TTFT | — |"
    assert _row(table, "finish") == "| finish | error |"
    assert _row(table, "refusal") == "| refusal | — |"  # it neither refused nor answered
    from workbench.summary import flat_rows

    rec = {"experiment_id": "e1", "query": "q", "system_a": run.result()}
    assert flat_rows([rec])[0]["refusal"] is None  # nor does the table or the CSV say it did not refuse


def test_a_finished_answer_shows_its_figures_in_milliseconds():
    run = SystemRun("System B", reasoning="The user asks about a wire to the Cayman Islands.",
                    response="Risque : ÉLEVÉ. Le montant vaut 21 fois la moyenne du client.", done=True,
                    stats=StreamStats(model_id="demo-model", finish_reason="stop", ttft_s=0.0756,
                                      total_s=2.6512, reasoning_tokens=82, content_tokens=61))
    table = metrics_md(run)
    assert _row(table, "total latency") == "| total latency | 2651.2 ms |"
    assert _row(table, "TTFT") == "| TTFT | 75.6 ms |"
    assert _row(table, "tokens (reasoning / answer)") == "| tokens (reasoning / answer) | 82 / 61 |"
    assert _row(table, "language (reasoning / answer)") == "| language (reasoning / answer) | en / fr |"
    lines = table.splitlines()  # the transaction's rating, read from the answer, under the refusal
    assert lines[lines.index("| refusal | no |") + 1] == "| risk level | high |"
    unrated = metrics_md(SystemRun("System A", response="An ETF is a fund.", done=True,
                                   stats=StreamStats(model_id="m", finish_reason="stop", total_s=1.0)))
    assert "risk level" not in unrated


def test_a_stored_batch_row_reads_like_a_live_comparison():
    run = SystemRun("System B", reasoning="The client asks about <script>alert(1)</script> a wire.",
                    response="Risque : ÉLEVÉ.", done=True,
                    stats=StreamStats(model_id="demo-model", finish_reason="stop", ttft_s=0.05, total_s=1.2,
                                      reasoning_tokens=12, content_tokens=5))
    reasoning, answer, figures = stored_result_md(run.result())
    # escaped, as everywhere; its copy button copies it as written
    assert shown(reasoning, run.reasoning) == "The client asks about &lt;script>alert(1)&lt;/script> a wire."
    assert shown(answer, "Risque : ÉLEVÉ.") == '<div lang="fr">\n\nRisque : ÉLEVÉ.\n\n</div>'  # French, said so
    assert figures == metrics_md(run)  # the same table as the live column


def test_a_failed_or_skipped_system_says_so_in_the_row_details():
    failed = SystemRun("System A", done=True, error=ConfigurationError("set DEEPSEEK_API_KEY"),
                       stats=StreamStats(model_id="deepseek-chat", finish_reason="error"))
    _, answer, figures = stored_result_md(failed.result())
    assert answer.startswith("**Error:** set DEEPSEEK_API_KEY")
    assert _row(figures, "finish") == "| finish | error |"
    assert stored_result_md(None) == ("", "_not run_", "")


def test_a_blind_comparison_shows_the_left_system_first_without_figures_until_judged():
    def answered(name: str, text: str) -> dict:
        return SystemRun(name, response=text, done=True,
                         stats=StreamStats(model_id=name, finish_reason="stop", ttft_s=0.05, total_s=1.2,
                                           content_tokens=5)).result()
    rec = {"experiment_id": "adhoc-1", "query": "Qu'est-ce que le P/E ?", "blind_left": "B",
           "system_a": answered("deepseek-chat", "Le cours divisé par le bénéfice par action."),
           "system_b": answered("demo-model", "Le P/E rapporte le prix au bénéfice.")}
    parts, differ = shown_record(rec)
    french = '<div lang="fr">\n\n'  # each answer marked as French, for screen readers
    assert shown(parts[1], b := "Le P/E rapporte le prix au bénéfice.") == f"{french}{b}\n\n</div>"
    assert shown(parts[4], "Le cours divisé par le bénéfice par action.").startswith(f"{french}Le cours")  # B left
    assert parts[2] == parts[5] == HIDDEN_FIGURES and differ == ""  # the model ids would name them
    parts, differ = shown_record({**rec, "verdict": "B better"})  # judged: named, A left as usual
    assert f"{french}Le cours" in parts[1] and "deepseek-chat" in parts[2] and "demo-model" in parts[5]
    assert "How they differ" in differ


def test_the_figures_only_one_answer_states_are_marked_in_it_and_nowhere_a_mark_would_break():
    def answered(name: str, text: str, refusal: bool = False) -> dict:
        result = SystemRun(name, response=text, done=True,
                           stats=StreamStats(model_id=name, finish_reason="stop", total_s=1.0)).result()
        return {**result, "refusal": refusal}

    a = answered("deepseek-chat", "The P/E is 60 / 4 = **15** <b>x</b>, see `15` or [2024](https://x.io/15).")
    b = answered("demo-model", "Le PER vaut 60 / 4 = 16.")
    parts, differ = shown_record({"experiment_id": "adhoc-2", "query": "P/E?", "system_a": a, "system_b": b})
    # escaped as ever; nothing marked in code or a link
    assert shown(parts[1], a["response"]) == (f"The P/E is 60 / 4 = **{MARK}15</mark>** &lt;b>x&lt;/b>, "
                                              "see `15` or [2024](https://x.io/15).")
    french = f'<div lang="fr">\n\nLe PER vaut 60 / 4 = {MARK}16</mark>.\n\n</div>'  # marked French for screen readers
    assert shown(parts[4], b["response"]) == french
    assert "Figures: only A states 15, 2024" in differ
    refused = answered("demo-model", "Je ne peux pas répondre à 15 questions.", refusal=True)
    parts, _ = shown_record({"experiment_id": "adhoc-3", "query": "P/E?", "system_a": a, "system_b": refused})
    assert MARK not in parts[1] + parts[4], "a refusal states no result to set figures against"
    blind = {"experiment_id": "adhoc-4", "query": "P/E?", "system_a": a, "system_b": b, "blind_left": "B"}
    assert shown(shown_record(blind)[0][1], b["response"]) == french, "blind too"
    assert marked_answer("15 <i>", "16") == f"{MARK}15</mark> &lt;i>"
    assert marked_answer("```\nrate = 15\n```\nIt is 15.", "16") == f"```\nrate = 15\n```\nIt is {MARK}15</mark>."
    # nor in a formula, which the page typesets (a tag in it would leave it as raw LaTeX)
    formula = "\\[\nP/E = \\frac{60}{4} = 15\n\\] so \\(x < 15\\) and $$15$$, a fee of $15."
    assert marked_answer(formula, "16") == ("\\[\nP/E = \\frac{60}{4} = 15\n\\] so \\(x < 15\\) and $$15$$, "
                                            f"a fee of {MARK}$15</mark>.")
    # a rule or a class the other answer does not cite, marked apart from the figures
    assert marked_answer("Stage 2 under IFRS 9: 15%.", "Stage 3 under IFRS 9: 16%.") == (
        f"{MARK_REFERENCE}Stage 2</mark> under IFRS 9: {MARK}15%</mark>.")


def test_the_row_details_head_names_the_experiment_and_its_transaction():
    head = experiment_md({"experiment_id": "exp-tx-7", "query": "Évalue le risque.", "lang": "fr",
                          "expected_route": "transaction_risk", "category": None,
                          "transaction": {"amount": 25000, "country": "KY"}})
    assert "`exp-tx-7`" in head and "Évalue le risque." in head
    assert "language: **fr**" in head and "expected route: **transaction_risk**" in head
    assert 'transaction: `{"amount": 25000, "country": "KY"}`' in head
    assert "category" not in head and "Reference answer" not in head and "System prompt" not in head
    told = experiment_md({"experiment_id": "exp-pe", "query": "P/E?", "system_prompt": "Be <i>brief</i>.\nCite."})
    assert "*System prompt (both systems):* Be &lt;i>brief&lt;/i>. Cite." in told  # asked under it
    with_ref = experiment_md({"experiment_id": "exp-pe", "query": "P/E?", "reference": "It is <b>15</b>,\n60 / 4."})
    assert with_ref.endswith("*Reference answer:* It is &lt;b>15&lt;/b>, 60 / 4.")  # shown, not run as HTML
    again = experiment_md({"experiment_id": "exp-pe", "query": "P/E?", "rescored_at": "2026-12-04T07:20:00+00:00"})
    assert again.endswith("*Scored again on 2026-12-04 07:20:00 (UTC) under checks or a reference answer "
                          "edited after its answers came: written knowing them.*")


def test_the_figures_say_which_parameters_the_api_did_not_take():
    run = SystemRun("System A", response="Le P/E divise le prix par le bénéfice.", done=True,
                    stats=StreamStats(model_id="deepseek-reasoner", finish_reason="stop", total_s=1.0,
                                      extras={"not_applied": ["temperature", "top_p", "top_k"]}))
    assert _row(metrics_md(run), "not taken by the API") == "| not taken by the API | temperature, top_p, top_k |"
    assert "not taken by the API" not in metrics_md(SystemRun("System B", response="x", done=True,
                                                              stats=StreamStats("demo", "stop")))


def test_a_priced_answer_shows_its_cost_and_what_it_was_worked_out_from():
    remote = SystemRun("System A", response="Le P/E divise le prix par le bénéfice.", done=True,
                       stats=StreamStats(model_id="deepseek-chat", finish_reason="stop", total_s=1.0,
                                         extras={"prompt_tokens": 30, "cost_usd": 0.00000576}))
    assert _row(metrics_md(remote), "cost") == "| cost | $0.00000576 (tokens at the provider's prices) |"
    local = SystemRun("System B", response="An ETF is a fund.", done=True,
                      stats=StreamStats(model_id="demo", finish_reason="stop", total_s=1.0,
                                        extras={"compute_s": 0.4127, "cost_usd": 0.4127 * 0.8 / 3600}))
    assert _row(metrics_md(local), "cost") == "| cost | $0.0000917 (0.41 s of compute) |"
    refused = SystemRun("System B", response="I can't help with that request.", done=True,
                        stats=StreamStats(model_id=NO_MODEL_CALL, finish_reason="stop", extras={"cost_usd": 0.0}))
    assert _row(metrics_md(refused), "cost") == "| cost | $0 (no model call) |"
    unpriced = SystemRun("System B", response="x", done=True,
                         stats=StreamStats("demo", "stop", extras={"compute_s": 0.4}))
    assert "| cost |" not in metrics_md(unpriced)


def test_an_answer_the_models_context_ended_says_so_in_its_figures():
    def run(extras: dict) -> SystemRun:
        return SystemRun("System B", reasoning="Let me", done=True,
                         stats=StreamStats("demo", "length", total_s=1.0, reasoning_unclosed=True, extras=extras))

    full = metrics_md(run({"context_room": 148}))
    assert _row(full, "finish") == "| finish | length (the model's context was full: the prompt left 148 tokens) |"
    assert "| ⚠️ | the model's context filled up inside the reasoning |" in full
    budget = metrics_md(run({}))
    assert _row(budget, "finish") == "| finish | length |"
    assert "| ⚠️ | budget ran out inside the reasoning |" in budget


def test_an_uploaded_file_names_its_run_and_a_run_name_stays_a_plain_file_name():
    assert run_name_for_file("/tmp/gradio/ab12/Q3 desk questions (v2).csv") == "Q3-desk-questions-v2"
    assert run_name_for_file("/tmp/gradio/ab12/été.jsonl") == "été"
    assert run_name_for_file("/tmp/gradio/ab12/(((.csv") == "batch"
    assert run_name_for_file(None) == "bundled"  # the upload cleared: the bundled set again
    assert safe_run_name("../../etc/passwd", "api") == "etcpasswd"
    assert safe_run_name("", "api") == "api"
    assert len(safe_run_name("x" * 500, "api")) == 60


def test_the_progress_line_says_what_a_resumed_run_took_from_the_earlier_one():
    fresh = progress_md(BatchProgress(total=10, done=5, skipped=0, elapsed_s=12.4), "Running")
    assert fresh.startswith("**Running** — 5/10 experiments `" + "█" * 15 + "░" * 15 + "` 12 s")
    assert "resumed" not in fresh and "again" not in fresh
    resumed = progress_md(BatchProgress(total=10, done=10, skipped=7, retried=3, elapsed_s=3), "Finished")
    assert resumed.endswith("· 7 already done earlier (resumed) · 3 run again for a system that failed "
                            "or was not asked")


def test_the_last_progress_line_counts_failed_answers_and_says_a_rerun_retries_them():
    end = BatchProgress(total=10, done=10, skipped=0, elapsed_s=9)
    assert progress_md(end, "Finished", {"A": 0, "B": 0}) == progress_md(end, "Finished")
    line = progress_md(end, "Finished", {"B": 1, "A": 10})
    assert line.endswith("\n\n11 answers failed (System A: 10, System B: 1); *Run batch* again with the "
                         "same run name asks those systems again and keeps the answers that worked.")


def test_the_results_table_shows_the_start_of_a_long_answer_and_the_csv_all_of_it():
    from ui.batch_view import results_view
    from workbench.export import read_csv

    answer = "Risque : ÉLEVÉ.\n\n" + "Le montant vaut 21 fois la moyenne du client, vers un pays à risque. " * 30
    run = SystemRun("System B", reasoning="The client asks about a wire.", response=answer, done=True,
                    stats=StreamStats(model_id="demo-model", finish_reason="stop", ttft_s=0.05, total_s=1.2,
                                      reasoning_tokens=12, content_tokens=700))
    query = "Évalue le risque de cette transaction, " * 10
    stored = run.result()
    table, *_, download = results_view([{"experiment_id": "tx-1", "query": query, "system_b": stored}], "long")
    shown = table.iloc[0]
    assert shown["response"].startswith("Risque : ÉLEVÉ. Le montant vaut 21 fois") and shown["response"].endswith("…")
    assert len(shown["response"]) < 300 and len(shown["query"]) < 200  # a few lines in their columns
    saved = read_csv(download["value"])[0]
    assert saved["response"] == stored["response"] == answer.strip() and saved["query"] == query  # whole texts


def test_a_run_set_against_another_gives_the_judge_models_verdicts_in_each(tmp_path):
    from tests.ui.pages import saved_run_both_answered
    from ui.batch_view import runs_against
    from workbench.model_judge import model_verdicts_file, record_model_verdict

    for name in ("monday", "tuesday"):
        saved_run_both_answered(tmp_path, name, ["e1", "e2"])
    path = model_verdicts_file(tmp_path)
    for run, verdicts in (("monday", ["B better", "B better"]), ("tuesday", ["B better", "A better"])):
        for n, verdict in enumerate(verdicts, 1):
            record_model_verdict(path, run, {"experiment_id": f"e{n}", "verdict": verdict, "judge_model": "judge"})
    head, *_ = runs_against(tmp_path, "tuesday", "monday")
    assert head.splitlines()[2:4] == [
        "- 2 experiments in both runs.", "- Set up alike as far as recorded: the same models (the generation "
        "parameters of tuesday and monday were not recorded)."]  # written by hand, without parameters
    assert ("- Verdicts of the judge model `judge`: in tuesday, System B preferred in 1 of 2 (50%; 95% interval "
            "9%–91%); in monday, System B preferred in 2 of 2 (100%; 95% interval 34%–100%).") in head
    assert ("- Judged in both runs by it: 2 experiments; the verdict changed on 1 from tuesday to monday "
            "(A better → B better on 1).") in head
    assert "- Verdicts: " not in head  # no analyst judged either run


def test_the_answers_that_changed_between_two_runs_download_as_csv(tmp_path):
    from tests.ui.pages import saved_run_both_answered
    from ui.batch_view import runs_against
    from workbench.export import read_csv

    saved_run_both_answered(tmp_path, "monday", ["e1", "e2"])
    saved_run_both_answered(tmp_path, "tuesday", ["e1", "e2"], b_refuses=["e2"])
    _, _, changes, csv = runs_against(tmp_path, "tuesday", "monday")
    assert changes["label"].endswith("(1 change)") and csv["visible"] is True
    assert read_csv(csv["value"]) == [{"experiment": "e2", "system": "B", "what changed": "refusal",
                                       "in monday": "answered", "in tuesday": "refused", "query": "Question 1?"}]
    *_, back = runs_against(tmp_path, "monday", "tuesday")  # the same change, seen from the other side
    assert [(r["in tuesday"], r["in monday"]) for r in read_csv(back["value"])] == [("refused", "answered")]
    saved_run_both_answered(tmp_path, "wednesday", ["e1", "e2"])
    *_, nothing = runs_against(tmp_path, "wednesday", "monday")
    assert nothing == {"__type__": "update", "visible": False}  # nothing changed: nothing to download


def test_judging_a_run_says_how_far_it_got_what_failed_and_what_it_cost():
    from ui.model_judge import progress_line
    from workbench.model_judge import JudgeProgress

    running = progress_line("nightly", "deepseek-chat", JudgeProgress(total=40, judged=12, failed=1), ["exp-3: boom"])
    assert running == "Judging run `nightly` with `deepseek-chat`: 12 of 40 judged, 1 failed…\n\n- exp-3: boom"
    errors = [f"exp-{n}: no verdict" for n in range(7)]
    done = progress_line("nightly", "m", JudgeProgress(total=40, judged=33, failed=7, finished=True), errors, 0.0123)
    assert done.startswith("**Judged run `nightly` with `m`:** 33 of 40 judged, 7 failed, cost $0.0123.")
    assert "- exp-4: no verdict\n- … and 2 more" in done  # five named, the rest counted
    stopped = progress_line("r", "m", JudgeProgress(total=40, judged=2, failed=0, stopped=True), [])
    assert stopped.endswith("2 of 40 judged; *Judge this run* goes on with the rest.")
    # priced: what the rest would cost at the rate so far, while it runs and once stopped, not at its end
    priced = progress_line("r", "m", JudgeProgress(total=40, judged=10, failed=2), [], 0.05)
    assert priced == "Judging run `r` with `m`: 10 of 40 judged, 2 failed, cost $0.05 (about $0.14 more for " \
        "the 28 left, at this rate)…"
    stopped = progress_line("r", "m", JudgeProgress(total=40, judged=10, failed=0, stopped=True), [], 0.05)
    assert "cost $0.05 (about $0.15 more for the 30 left, at this rate); *Judge this run* goes on" in stopped
    nothing = progress_line("r", "m", JudgeProgress(total=0, judged=0, failed=0, finished=True), [])
    assert nothing.startswith("Every experiment of run `r` that both systems answered has a verdict from `m` already")


def test_a_single_comparison_judged_by_a_priced_model_says_what_it_cost_and_keeps_its_reference():
    import threading
    from types import SimpleNamespace

    import gradio as gr
    import pytest

    from tests.workbench.test_model_judge import ScriptedJudge, _rec, prefers_right
    from ui.model_judge import judged_single

    services = SimpleNamespace(engine=lambda label: ScriptedJudge(prefers_right, cost_usd=0.0005))
    rec, said = judged_single(services, _rec("adhoc-1"), "System A", threading.Event(), " 15 ", "Be strict.")
    assert (rec["model_verdict"], rec["reference"]) == ("B better", "15")
    assert rec["model_judge"].startswith("judge-model + rules ")
    assert said.endswith("It judged against the reference answer. Its two readings cost $0.001.")
    rec, said = judged_single(services, _rec("adhoc-2"), "System A", threading.Event())
    assert rec["reference"] is None and "reference" not in said and rec["model_judge"] == "judge-model"
    with pytest.raises(gr.Error, match="the limit is 4000"):
        judged_single(services, _rec("adhoc-3"), "System A", threading.Event(), "x" * 4001)
