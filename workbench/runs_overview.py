"""Every saved batch run on one line: what each system did (answers, refusals, checks passed,
language, answers cut off in the reasoning, latency), under which parameters and models, and
what the analysts preferred — to see at a glance how today's run stands against last week's, or
a run with a new adapter against one without, before opening any of them."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from engines.systems import NO_MODEL_CALL
from workbench.agreement import figures_agreement, risk_agreement
from workbench.batch_store import latest_records, saved_run_files
from workbench.compare import SYSTEMS, run_system_prompt
from workbench.differences import disagreements
from workbench.judge_tally import by_model
from workbench.model_judge import model_verdicts, model_verdicts_file, shown_model
from workbench.summary import FIGURE_COLUMNS, summarize, system_figures
from workbench.verdict_stats import preference
from workbench.verdicts import latest_verdicts, verdicts_file

OVERVIEW_COLUMNS = ["run", "written (UTC)", "experiments", "thinking", "max new tokens", "model A", "model B",
                    "system prompt",
                    *FIGURE_COLUMNS, "routed as expected (B)", "answers disagree", "same figures", "same risk level",
                    "verdicts",
                    "B preferred",
                    "B preferred 95% interval", "judge model", "B preferred (judge model)"]


def answering_model(records: list[dict[str, Any]], system: str) -> str | None:
    """The model that gave a system's answers ("demo-model"; "x (+1 other)" when a resumed run
    mixed two). Failed answers name no model (none answered), nor do the router's own refusals
    unless they are all there is."""
    models = Counter(meta["model_id"] for rec in records if rec.get(system)
                     for meta in [rec[system]["metadata"]] if meta.get("model_id") and not meta.get("error"))
    if len(models) > 1:
        models.pop(NO_MODEL_CALL, None)
    if not models:
        return None
    (top, _), others = models.most_common(1)[0], len(models) - 1
    return top + (f" (+{others} other)" if others else "")


@lru_cache(maxsize=256)
def _run_figures(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    """The figures of one results file that do not depend on verdicts; cached per version of
    the file (its time and size), so a refresh reads only the runs written since the last one."""
    records = latest_records(path)
    summ = summarize(records)
    params = next((rec["params"] for rec in records if isinstance(rec.get("params"), dict)), {})
    thinking = params.get("enable_thinking")
    row = {
        "experiments": len(records),
        "thinking": None if thinking is None else "on" if thinking else "off",
        "max new tokens": params.get("max_new_tokens"),
        **{f"model {key}": answering_model(records, system) for key, system in SYSTEMS.items()},
        "system prompt": run_system_prompt(records),
    }
    figures = figures_agreement(records)  # of the experiments where both answers state figures
    risk = risk_agreement(records)  # of those where both rate a transaction's risk
    return {**row, **system_figures(summ), "routed as expected (B)": summ["routing"]["match_rate"],
            "answers disagree": sum(bool(disagreements(rec)) for rec in records),
            "same figures": round(figures["same"] / figures["experiments"], 4) if figures["experiments"] else None,
            "same risk level": round(risk["same"] / risk["experiments"], 4) if risk["experiments"] else None}


def runs_overview(results_dir: Path) -> list[dict[str, Any]]:
    """One row per saved batch run, the latest first (OVERVIEW_COLUMNS): the parameters it ran
    under, the models that answered, each system's figures, and the verdicts given on it (every
    analyst's, as the tally under the Batch table counts them) with how often System B was
    preferred and the 95% interval of that share, and how often the judge model that judged it
    last preferred System B (workbench.model_judge)."""
    verdicts: dict[str, list[dict[str, Any]]] = {}
    for rec in latest_verdicts(verdicts_file(results_dir)):
        if rec.get("run"):
            verdicts.setdefault(rec["run"], []).append(rec)
    by_models: dict[str, list[dict[str, Any]]] = {}
    for rec in model_verdicts(model_verdicts_file(results_dir)):
        by_models.setdefault(rec["run"], []).append(rec)
    rows = []
    for run, path, stat in saved_run_files(results_dir):
        judged = verdicts.get(run.name, [])
        pref = preference(judged)
        given = by_models.get(run.name, [])
        model = shown_model(given)
        model_pref = preference(by_model(given).get(model, []))
        rows.append({"run": run.name, "written (UTC)": f"{run.modified:%Y-%m-%d %H:%M}",
                     **_run_figures(path, stat.st_mtime_ns, stat.st_size), "verdicts": len(judged),
                     "B preferred": pref["b_share"] if pref else None,
                     "B preferred 95% interval": ("{:.0%}–{:.0%}".format(*pref["interval_95"]) if pref else None),
                     "judge model": model, "B preferred (judge model)": model_pref["b_share"] if model_pref else None})
    return [{column: row.get(column) for column in OVERVIEW_COLUMNS} for row in rows]
