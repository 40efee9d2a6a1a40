"""Two saved runs experiment by experiment: which answers changed from one to the other — now
refused, now in another language, now failing a check they passed — so that a regression is
named, not only counted (workbench.summary.compare_runs counts them)."""

from __future__ import annotations

from typing import Any

from engines.systems import NO_MODEL_CALL
from workbench.checks import all_passed, failures
from workbench.compare import SYSTEMS, recorded_params, run_system_prompt, still_to_run
from workbench.runs_overview import answering_model

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


def run_setup(records: list[dict[str, Any]]) -> dict[str, Any]:
    """What a run's answers were asked under: each generation parameter (one added since the run
    was written at its default then; none when the run recorded none) and the model behind each
    system's answers (System B's names its adapter: "demo-model + fr-v2"; none when the router
    answered every question itself), and the system prompt both systems were given (none; its
    opening words; or how many different ones, when the experiments had their own)."""
    params = next((rec["params"] for rec in records if isinstance(rec.get("params"), dict)), None)
    setup = recorded_params(params) if params is not None else {}
    setup["system prompt"] = run_system_prompt(records)
    for key, system in SYSTEMS.items():
        model = answering_model(records, system)
        if model and model != NO_MODEL_CALL:  # the router's own refusals alone name no model
            setup[f"System {key}'s model"] = model
    return setup


def setup_differences(one: dict[str, Any], two: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(setting, in the first, in the second) for each setting two run_setup()s both hold and set
    differently, in run_setup's order."""
    return [(k, one[k], two[k]) for k in one if k in two and one[k] != two[k]]


def setup_line(first: list[dict[str, Any]], second: list[dict[str, Any]], names: tuple[str, str]) -> str:
    """How two runs were set up differently — "Set up differently: max_new_tokens 256 in monday,
    1024 in tuesday; System B's model demo-model in monday, demo-model + fr-v2 in tuesday." — or
    that they were not; what one run did not record (older runs kept no parameters) is said so
    rather than compared."""
    unrecorded = [name for name, run in zip(names, (first, second), strict=True)
                  if not any(isinstance(rec.get("params"), dict) for rec in run)]
    changed = [f"{k} {_shown(one)} in {names[0]}, {_shown(two)} in {names[1]}"
               for k, one, two in setup_differences(run_setup(first), run_setup(second))]
    note = f" (the generation parameters of {' and '.join(unrecorded)} were not recorded)" if unrecorded else ""
    if not changed:
        return f"Set up alike: the same generation parameters, models and system prompt{note}." if not unrecorded else \
            f"Set up alike as far as recorded: the same models{note}."
    return "Set up differently: " + "; ".join(changed) + note + "."


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "(" + ", ".join(repr(v) for v in value) + ")" if value else "none"
    return "none" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
