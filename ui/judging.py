"""Verdicts given in the Compare tab, on a single comparison or on an experiment of a batch run:
recorded, said, and a blind comparison's systems named (its columns shown again as usual)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from ui.compare_view import BLIND_PROMPT, column_frame, shown_record
from workbench.blind import BLIND_VERDICTS, is_blind_pending, verdict_for
from workbench.safety import safe_markdown
from workbench.verdicts import record_verdict

VERDICT_PROMPT = "Record a verdict for this comparison (keys 1 to 4):"
VIEW_SIZE = 11  # six column parts, how they differ, two column titles, two verdict buttons


def verdict_prompt(rec: dict[str, Any], judged: dict[str, Any] | None = None) -> str:
    """What the verdict buttons' note says of a comparison shown: blind, judged already (`judged`,
    the judged record kept apart, or `rec` itself) with the analyst's note, or not yet."""
    if is_blind_pending(rec):
        return BLIND_PROMPT
    judged = judged or rec
    if verdict := judged.get("verdict"):
        why = f" (“{safe_markdown(judged['verdict_note'])}”)" if judged.get("verdict_note") else ""
        return (f"Verdict **{verdict}**{why} was recorded for this comparison; another one replaces it "
                "(keys 1 to 4):")
    return VERDICT_PROMPT


def judge_of(request: gr.Request | None) -> str | None:
    """Who gives a verdict: the user signed in on the app's login page, or None without a password."""
    return getattr(request, "username", None) or None


def give_verdict(choice: int, rec: dict[str, Any], path: Path, run: str | None = None,
                 judge: str | None = None, note: str | None = None) -> tuple[dict, str, list]:
    """Record the verdict of the button at position `choice` on `rec` (of batch run `run`, if
    any) from `judge`, with the analyst's `note`. Returns the judged record, the sentence saying
    what was recorded, and the view: a blind comparison's columns under their systems' names, in
    the usual order, with figures and differences (VIEW_SIZE updates; left as they are for a
    comparison that was not blind)."""
    was_blind = is_blind_pending(rec)
    verdict = verdict_for(choice, rec)
    try:
        judged = record_verdict(path, rec, verdict, run, judge, note)
    except OSError as exc:
        raise gr.Error(f"The verdict could not be recorded: {path} cannot be written "
                       f"({exc.strerror or exc}).") from None
    of = f"`{rec['experiment_id']}`" + (f" (run `{run}`)" if run else "")
    if not was_blind:
        return judged, f"Verdict **{verdict}** recorded for {of}.", [gr.skip()] * VIEW_SIZE
    parts, differ = shown_record(judged)
    said = (f"Blind verdict **{BLIND_VERDICTS[choice]}** recorded as **{verdict}** for {of}: "
            f"the answer on the left was System {rec['blind_left']}'s.")
    return judged, said, [*parts, differ, *column_frame(False)]
