"""One experiment across every saved run: the same question (same id, same words) as each run
answered it — the models and parameters it ran under, what each system did (refused, in which
language, its checks, cut off, how long it took), what the two answers differed on and the
verdicts it was given — so that an analyst reading `exp-42` in tonight's run sees at once whether
last week's run answered it otherwise, and since when."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.compare import SYSTEMS, saved_run_files
from workbench.differences import disagreements, figures_apart
from workbench.figures import answer_figures
from workbench.model_judge import model_columns, model_verdicts, model_verdicts_file
from workbench.run_index import query_words, record_at, record_index
from workbench.verdicts import by_judge, latest_verdicts, verdicts_file

FIGURES_SHOWN = 4  # of the figures an answer states, in its cell: a long answer states dozens
RUNS_COLUMNS = ["run", "answered (UTC)", "models", "parameters", "A", "B", "differ on", "verdict",
                "model verdict"]


def same_question(first: str | None, second: str | None) -> bool:
    """Whether two queries are one question: the same words, whatever the spacing or case (two
    files may both have a `row-2`, about different things)."""
    return bool(query_words(first)) and query_words(first) == query_words(second)


def system_cell(res: dict[str, Any] | None) -> str | None:
    """What one system did with the question, in a table cell: "refused · en · 1.4 s",
    "answered · fr · checks 2 of 3 · states 15, 60 · cut off in the reasoning · 3.1 s" (the
    first figures its answer states, as it writes them), "failed: rate_limited"; None when it was
    not asked."""
    if not res:
        return None
    meta = res.get("metadata") or {}
    if meta.get("error"):
        return f"failed: {meta.get('error_kind') or 'error'}"
    parts = ["refused" if res.get("refusal") else "answered"]
    if res.get("answer_lang") not in (None, "none"):
        parts.append(str(res["answer_lang"]))
    checks = res.get("checks") or []
    if checks:
        parts.append(f"checks {sum(bool(c.get('passed')) for c in checks)} of {len(checks)}")
    stated = answer_figures(str(res.get("response") or "")) if not res.get("refusal") else []
    if stated:
        more = len(stated) - FIGURES_SHOWN
        parts.append(f"states {', '.join(stated[:FIGURES_SHOWN])}" + (f" (+{more} more)" if more > 0 else ""))
    if meta.get("truncated_in_reasoning"):
        parts.append("cut off in the reasoning")
    elif meta.get("finish_reason") == "length":
        parts.append("cut off at the budget")
    if isinstance(res.get("latency_ms"), (int, float)):
        parts.append(f"{res['latency_ms'] / 1000:.1f} s")
    return " · ".join(parts)


def _models(rec: dict[str, Any]) -> str:
    ids = [((rec.get(system) or {}).get("metadata") or {}).get("model_id") or "—" for system in SYSTEMS.values()]
    return " / ".join(ids)


def _parameters(rec: dict[str, Any]) -> str | None:
    params = rec.get("params") if isinstance(rec.get("params"), dict) else {}
    said = []
    if params.get("enable_thinking") is not None:
        said.append(f"thinking {'on' if params['enable_thinking'] else 'off'}")
    if params.get("max_new_tokens") is not None:
        said.append(f"{params['max_new_tokens']} tokens")
    return ", ".join(said) or None


def _differ_on(rec: dict[str, Any]) -> str | None:
    kinds = [*disagreements(rec), *(["figures"] if figures_apart(rec) else [])]
    return ", ".join(kinds) or None


def experiment_runs(results_dir: Path, rec: dict[str, Any], judge: str | None = None) -> list[dict[str, Any]]:
    """Every saved run that asked `rec`'s question (its experiment id, with the same words), the
    latest first (RUNS_COLUMNS): when it answered it, the models behind A and B, the thinking mode
    and token budget, what each system did (system_cell), what the two answers differed on, the
    verdict `judge` gave it there (the analyst's own, as the run's table shows them; None: those
    given without a sign-in) and the judge model's."""
    exp_id, words = rec.get("experiment_id"), query_words(rec.get("query"))
    found = []
    for run, path, stat in saved_run_files(results_dir):
        try:
            where = record_index(path, stat.st_mtime_ns, stat.st_size).get(exp_id)
            there = record_at(path, where[1]) if where and words and where[0] == words else None
        except OSError:  # removed since it was listed
            continue
        if there is not None:
            found.append((run.name, there))
    if not found:
        return []
    names = {name for name, _ in found}
    judged = {v["run"]: v["verdict"] for v in by_judge(latest_verdicts(verdicts_file(results_dir)), judge)
              if v.get("run") in names and v["experiment_id"] == exp_id}
    models: dict[str, list[dict[str, Any]]] = {}
    for verdict in model_verdicts(model_verdicts_file(results_dir)):
        if verdict.get("run") in names:
            models.setdefault(verdict["run"], []).append(verdict)
    rows = []
    for name, there in found:
        by_model = model_columns(models.get(name, [])).get(exp_id) or {}
        rows.append({
            "run": name, "answered (UTC)": str(there.get("timestamp") or "").replace("T", " ")[:16] or None,
            "models": _models(there), "parameters": _parameters(there),
            **{key: system_cell(there.get(system)) for key, system in SYSTEMS.items()},
            "differ on": _differ_on(there),
            "verdict": judged.get(name),
            "model verdict": by_model.get("model_verdict"),
        })
    return rows
