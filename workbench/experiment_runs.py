"""One experiment across every saved run: the same question (same id, same words) as each run
answered it — the models, parameters and system prompt it ran under, what each system did (refused, in which
language, its checks, cut off, how long it took), what the two answers differed on and the
verdicts it was given — so that an analyst reading `exp-42` in tonight's run sees at once whether
last week's run answered it otherwise, and since when."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.batch_store import saved_run_files
from workbench.checks import passed
from workbench.compare import SYSTEMS, run_system_prompt
from workbench.differences import differ_on, disagreements, figures_apart, references_apart
from workbench.figures import answer_figures
from workbench.model_judge import model_columns, model_verdicts, model_verdicts_file
from workbench.run_index import query_words, record_at, record_index
from workbench.verdicts import by_judge, latest_verdicts, verdicts_file

FIGURES_SHOWN = 4  # of the figures an answer states, in its cell: a long answer states dozens
RUNS_COLUMNS = ["run", "answered (UTC)", "models", "parameters", "A", "B", "differ on", "verdict",
                "model verdict"]
QUESTION_COLUMNS = ["run", "experiment", *RUNS_COLUMNS[1:]]


def system_cell(res: dict[str, Any] | None) -> str | None:
    """What one system did with the question, in a table cell: "refused · en · 1.4 s",
    "answered · fr · checks 2 of 3 · states 15, 60 · cut off in the reasoning · 3.1 s" (the
    first figures its answer states, as it writes them), "failed: rate_limited", "stopped"; None
    when it was not asked."""
    if not res:
        return None
    meta = res.get("metadata") or {}
    if meta.get("error"):  # a batch stopped midway left it cancelled: stopped, not failed
        return "stopped" if meta.get("error_kind") == "cancelled" else f"failed: {meta.get('error_kind') or 'error'}"
    parts = ["refused" if res.get("refusal") else "answered"]
    if res.get("answer_lang") not in (None, "none"):
        parts.append(str(res["answer_lang"]))
    if score := passed(res):
        parts.append(f"checks {score[0]} of {score[1]}")
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
    if told := run_system_prompt([rec]):
        said.append(f"system prompt {told}")
    return ", ".join(said) or None


def experiment_runs(results_dir: Path, rec: dict[str, Any], judge: str | None = None) -> list[dict[str, Any]]:
    """Every saved run that asked `rec`'s question (its experiment id, with the same words), the
    latest first (RUNS_COLUMNS): when it answered it, the models behind A and B, the thinking mode
    and token budget, what each system did (system_cell), what the two answers differed on, the
    verdict `judge` gave it there (the analyst's own, as the run's table shows them; None: those
    given without a sign-in) and the judge model's."""
    exp_id, words = rec.get("experiment_id"), query_words(rec.get("query"))
    if not words:
        return []
    rows = _rows(results_dir, lambda index: [exp_id] if exp_id in index and index[exp_id][0] == words else [], judge)
    return [{k: v for k, v in row.items() if k != "experiment"} for row in rows]


def question_runs(results_dir: Path, query: str | None, judge: str | None = None) -> list[dict[str, Any]]:
    """Every experiment of a saved run that asked `query` (the same words, under whatever id: a
    question asked in Single, or in a file of another team), the latest run first
    (QUESTION_COLUMNS: experiment_runs' with the experiment's id)."""
    words = query_words(query)
    if not words:
        return []
    return _rows(results_dir, lambda index: [i for i, (said, _) in index.items() if said == words], judge)


def _rows(results_dir: Path, pick: Callable[[dict[str, tuple[str, int]]], list[str]], judge: str | None
          ) -> list[dict[str, Any]]:
    """A line (QUESTION_COLUMNS) per experiment that `pick` chooses from each saved run's index
    (record_index), the latest run first."""
    found = []
    for run, path, stat in saved_run_files(results_dir):
        try:
            index = record_index(path, stat.st_mtime_ns, stat.st_size)
            found += [(run.name, there) for exp_id in pick(index)
                      if (there := record_at(path, index[exp_id][1])) is not None]
        except OSError:  # removed since it was listed
            continue
    if not found:
        return []
    names = {name for name, _ in found}
    judged = {(v["run"], v["experiment_id"]): v["verdict"]
              for v in by_judge(latest_verdicts(verdicts_file(results_dir)), judge) if v.get("run") in names}
    models: dict[str, list[dict[str, Any]]] = {}
    for verdict in model_verdicts(model_verdicts_file(results_dir)):
        if verdict.get("run") in names:
            models.setdefault(verdict["run"], []).append(verdict)
    by_model = {name: model_columns(given) for name, given in models.items()}
    rows = []
    for name, there in found:
        exp_id = there["experiment_id"]
        rows.append({
            "run": name, "experiment": exp_id,
            "answered (UTC)": str(there.get("timestamp") or "").replace("T", " ")[:16] or None,
            "models": _models(there), "parameters": _parameters(there),
            **{key: system_cell(there.get(system)) for key, system in SYSTEMS.items()},
            "differ on": differ_on(disagreements(there), figures_apart(there), references_apart(there)),
            "verdict": judged.get((name, exp_id)),
            "model verdict": by_model.get(name, {}).get(exp_id, {}).get("model_verdict"),
        })
    return rows
