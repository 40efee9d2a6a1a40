"""Two saved runs experiment by experiment: which answers changed from one to the other — now
refused, now in another language, now failing a check they passed — so that a regression is
named, not only counted (workbench.summary.compare_runs counts them)."""

from __future__ import annotations

from typing import Any

from workbench.checks import all_passed, failures
from workbench.compare import SYSTEMS, still_to_run

CHANGE_COLUMNS = ["experiment", "system", "what changed", "before", "after", "query"]


def _checks(res: dict[str, Any]) -> str:
    """"passed every check" or "failed: language (the answer is in en)"."""
    return "passed every check" if all_passed(res) else "failed: " + "; ".join(failures(res))


def run_changes(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per experiment both runs hold and system that answered in both, a row for each of its
    refusal, answer language and checks that changed from `first` (before) to `second` (after),
    in the order of `first` (checks: when every check passed in one run only)."""
    later = {r["experiment_id"]: r for r in second if isinstance(r.get("experiment_id"), str)}
    rows = []
    for before_rec in first:
        after_rec = later.get(before_rec.get("experiment_id"))
        if after_rec is None:
            continue
        for key, field in SYSTEMS.items():
            if still_to_run(before_rec, (key,)) or still_to_run(after_rec, (key,)):
                continue  # not answered in one of them: nothing to set side by side
            before, after = before_rec[field], after_rec[field]
            pairs = [("refusal", _refused(before), _refused(after)),
                     ("answer language", before.get("answer_lang"), after.get("answer_lang"))]
            verdicts = (all_passed(before), all_passed(after))
            if None not in verdicts and verdicts[0] != verdicts[1]:
                pairs.append(("checks", _checks(before), _checks(after)))
            rows += [{"experiment": before_rec["experiment_id"], "system": key, "what changed": what,
                      "before": was, "after": now, "query": before_rec.get("query")}
                     for what, was, now in pairs if was != now]
    return rows


def _refused(res: dict[str, Any]) -> str:
    return "refused" if res.get("refusal") else "answered"
