"""The models across every verdict given, as an arena ranks them: each verdict a game between the
model behind System A and the model behind System B (a batch run's, or a single comparison's),
the models rated on one scale (Bradley–Terry, read on the Elo scale) with an interval that says
how far the verdicts so far pin each rating down, and every two models that met set head to head.

Whose verdicts count: the analysts' (every analyst's latest on each comparison, single ones
too), or one judge model's (workbench.model_judge: batch runs only). How models are told apart:
by their id alone, or also by the thinking mode (and the token budget) they ran under — a model
thinking and the same one answering at once are two contestants.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from engines.systems import NO_MODEL_CALL
from workbench.batch_store import latest_records, saved_run_files
from workbench.breakdown import SLUGS, experiment_groups
from workbench.checks import all_passed
from workbench.compare import SYSTEMS, both_answered
from workbench.model_judge import model_verdicts, model_verdicts_file
from workbench.stats import wilson_interval
from workbench.verdicts import latest_verdicts, verdicts_file

ANALYSTS = "analysts"
CHECKS = "checks"  # no judge: the experiments' checks, where both answers were checked
GROUPINGS = {"model": "its id", "thinking": "its id and thinking mode",
             "budget": "its id, thinking mode and token budget"}
BOOTSTRAP_ROUNDS = 200
BASE_RATING = 1000.0
LEADERBOARD_COLUMNS = ["rank", "model", "rating", "rating 95% interval", "verdicts", "preferred", "other preferred",
                       "tie or both bad", "preferred share", "opponents", "runs", "single comparisons"]
HEAD_TO_HEAD_COLUMNS = ["model", "against", "verdicts", "model preferred", "against preferred", "tie", "both bad",
                        "model preferred share", "95% interval", "runs", "single comparisons"]

Side = tuple[str | None, bool | None, int | None]  # model id, thinking, max new tokens


@dataclass(frozen=True)
class Game:
    """One verdict between two contestants: `first` is System A's, `second` System B's."""

    first: str
    second: str
    verdict: str
    run: str | None  # None: a single comparison
    groups: tuple[tuple[str, str], ...] = ()  # the experiment's group per breakdown grouping: (slug, value)


def _side(rec: dict[str, Any], system: str, fallback: str | None) -> Side:
    """Who answered for `system` in a comparison record: the model id its answer names (a
    router's own refusal names none: the run's model, `fallback`), with the record's parameters."""
    meta = (rec.get(system) or {}).get("metadata") or {}
    model = meta.get("model_id")
    if not model or model == NO_MODEL_CALL:
        model = fallback
    params = rec.get("params") if isinstance(rec.get("params"), dict) else {}
    thinking, budget = params.get("enable_thinking"), params.get("max_new_tokens")
    # a record edited by hand, or from another tool, may hold anything: what is not of its type is not known
    return (str(model) if model else None, thinking if isinstance(thinking, bool) else None,
            budget if isinstance(budget, int) and not isinstance(budget, bool) else None)


def _run_model(records: list[dict[str, Any]], system: str) -> str | None:
    """The model that gave most of a run's answers for `system` (to stand for the router's own refusals)."""
    models = Counter(meta["model_id"] for rec in records for meta in [((rec.get(system) or {}).get("metadata") or {})]
                     if meta.get("model_id") and meta["model_id"] != NO_MODEL_CALL)
    return models.most_common(1)[0][0] if models else None


@lru_cache(maxsize=256)
def _run_sides(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    """A run file read once per version of it: its models per system (for the router's refusals)
    and, per experiment, who answered for each system and the groups it is in."""
    records = latest_records(path)
    models = {system: _run_model(records, system) for system in SYSTEMS.values()}
    sides = {rec["experiment_id"]: tuple(_side(rec, system, models[system]) for system in SYSTEMS.values())
             for rec in records}
    groups = {rec["experiment_id"]: experiment_groups(rec) for rec in records}
    checked = {rec["experiment_id"]: said for rec in records if (said := checks_verdict(rec))}
    return {"models": models, "sides": sides, "groups": groups, "checks": checked}


def checks_verdict(rec: dict[str, Any]) -> str | None:
    """The verdict an experiment's checks give (workbench.checks), where both systems answered
    and both answers were checked: the one that passed every check better than the one that did
    not, a Tie when both passed, Both bad when neither did; None otherwise."""
    if not both_answered(rec):
        return None
    a, b = all_passed(rec["system_a"]), all_passed(rec["system_b"])
    if a is None or b is None:
        return None
    return ("Tie" if b else "A better") if a else ("B better" if b else "Both bad")


def _run_index(results_dir: Path) -> dict[str, dict[str, Any]]:
    """Every saved run's sides (_run_sides), by run name."""
    return {run.name: _run_sides(path, stat.st_mtime_ns, stat.st_size)
            for run, path, stat in saved_run_files(results_dir)}


def label(side: Side, by: str) -> str | None:
    """A contestant's name under grouping `by` (GROUPINGS): "deepseek-chat · thinking on · 1,024
    tokens"; None when its model is not known."""
    model, thinking, budget = side
    if not model:
        return None
    parts = [model]
    if by in ("thinking", "budget") and thinking is not None:
        parts.append(f"thinking {'on' if thinking else 'off'}")
    if by == "budget" and budget is not None:
        parts.append(f"{budget:,} tokens")
    return " · ".join(parts)


def judges(results_dir: Path) -> list[str]:
    """Whose verdicts a leaderboard may count: the analysts, the checks (when a saved run has
    experiments whose two answers were both checked), then each judge model that judged a run."""
    models = {str(r.get("judge_model") or "") for r in model_verdicts(model_verdicts_file(results_dir))}
    checked = [CHECKS] if any(run["checks"] for run in _run_index(results_dir).values()) else []
    return [ANALYSTS, *checked, *sorted(m for m in models if m)]


def _given(results_dir: Path, judge: str, index: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every verdict of `judge`: the analysts' (their latest on each comparison), the checks' (one
    per experiment of a saved run whose two answers were both checked) or a judge model's."""
    if judge == ANALYSTS:
        return latest_verdicts(verdicts_file(results_dir))
    if judge == CHECKS:
        return [{"run": name, "experiment_id": exp_id, "verdict": said}
                for name, run in index.items() for exp_id, said in run["checks"].items()]
    return [r for r in model_verdicts(model_verdicts_file(results_dir)) if str(r.get("judge_model")) == judge]


def games(results_dir: Path, judge: str = ANALYSTS, by: str = "model",
          runs: Collection[str] = ()) -> tuple[list[Game], Counter]:
    """The verdicts of `judge` (ANALYSTS or a judge model's name) as games between contestants
    named by grouping `by` — with `runs`, those given on these batch runs alone — and what was
    left out, counted by why."""
    index = _run_index(results_dir)
    return _games(_given(results_dir, judge, index), index, judge, by, runs)


def _games(given: list[dict[str, Any]], index: dict[str, dict[str, Any]], judge: str, by: str,
           runs: Collection[str]) -> tuple[list[Game], Counter]:
    """games() of the verdicts `given` (_given's), the saved runs read as `index` (_run_index's)."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    left_out: Counter = Counter()
    found = []
    for verdict in given:
        run = verdict.get("run") or None
        if runs and run not in runs:
            continue
        saved = index.get(run) if run else None
        if judge != ANALYSTS:  # a model's (or the checks') verdict holds no answers: the run's record names them
            sides = saved["sides"].get(verdict["experiment_id"]) if saved else None
            if sides is None:
                left_out["its run or experiment is no longer saved"] += 1
                continue
            groups = saved["groups"][verdict["experiment_id"]]
        else:
            models = saved["models"] if saved else {}
            sides = tuple(_side(verdict, system, models.get(system)) for system in SYSTEMS.values())
            groups = experiment_groups(verdict)
        first, second = (label(side, by) for side in sides)
        if not first or not second:
            left_out["a system's model is not known (it did not answer)"] += 1
        elif first == second:
            left_out["the same model on both sides"] += 1
        else:
            found.append(Game(first, second, verdict["verdict"], run, groups))
    return found, left_out


def _strengths(wins: np.ndarray, played: np.ndarray, start: np.ndarray | None = None,
               iterations: int = 100) -> np.ndarray:
    """Bradley–Terry log-strengths by Newton's method on the likelihood: `wins[i]` what i won (a
    tie is half a win to each), `played[i, j]` how many times i and j met. Each model also holds
    one tie against a virtual model of log-strength 0, which keeps the strengths finite for a
    model that never won (or never lost), makes the likelihood strictly concave (one answer,
    found in a few steps) and pulls a rating resting on a few verdicts towards the middle.
    `start`: log-strengths to begin from (a resampling's fit starts from the whole fit's)."""
    theta = np.zeros(len(wins)) if start is None else start.copy()
    for _ in range(iterations):
        beats = 1.0 / (1.0 + np.exp(theta[None, :] - theta[:, None]))  # P(i preferred to j)
        virtual = 1.0 / (1.0 + np.exp(-theta))
        gradient = wins + 0.5 - (played * beats).sum(axis=1) - virtual
        weight = played * beats * (1 - beats)
        hessian = weight - np.diag(weight.sum(axis=1) + virtual * (1 - virtual))
        step = np.linalg.solve(hessian, gradient)
        theta = theta - step
        if np.abs(step).max() < 1e-8:
            break
    return theta


def _fit(names: list[str], cells: dict[tuple[int, int], np.ndarray], start: np.ndarray | None = None) -> np.ndarray:
    """Ratings on the Elo scale (BASE_RATING + 400·log10 strength: 400 points apart, one model
    preferred ten times as often as the other) from the games' counts per pair, `cells[i, j]`
    = [i won, j won, ties]."""
    n = len(names)
    wins, played = np.zeros(n), np.zeros((n, n))
    for (i, j), (won, lost, tied) in cells.items():
        wins[i] += won + tied / 2
        wins[j] += lost + tied / 2
        played[i, j] += won + lost + tied
        played[j, i] += won + lost + tied
    return BASE_RATING + 400 / np.log(10) * _strengths(wins, played, start)


def _groups(names: list[str], pairs: set[tuple[int, int]]) -> list[int]:
    """Which group each contestant is in: those joined by games, directly or through others."""
    group = list(range(len(names)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for i, j in pairs:
        group[root(i)] = root(j)
    roots = [root(i) for i in range(len(names))]
    first_seen = {r: k for k, r in enumerate(dict.fromkeys(roots))}
    return [first_seen[r] for r in roots]


def leaderboard(found: list[Game], rounds: int = BOOTSTRAP_ROUNDS, seed: int = 0) -> dict[str, Any]:
    """The contestants ranked by rating (LEADERBOARD_COLUMNS, fractions as fractions), every two
    that met (HEAD_TO_HEAD_COLUMNS, the better rated first), and how many groups of contestants
    never met one another (their ratings do not compare across groups). The 95% interval of a
    rating is the middle 95% of its ratings over `rounds` resamplings of the verdicts."""
    if not found:
        return {"models": [], "head_to_head": [], "groups": 0, "verdicts": 0}
    names = sorted({g.first for g in found} | {g.second for g in found})
    at = {name: i for i, name in enumerate(names)}
    cells: dict[tuple[int, int], np.ndarray] = {}  # (i, j), i < j -> [i won, j won, tie, both bad]
    runs: dict[tuple[int, int], set[str]] = {}
    singles: Counter = Counter()
    for g in found:
        i, j = at[g.first], at[g.second]
        key, flipped = ((i, j), False) if i < j else ((j, i), True)
        cell = cells.setdefault(key, np.zeros(4))
        outcome = {"A better": 1 if flipped else 0, "B better": 0 if flipped else 1, "Tie": 2}.get(g.verdict, 3)
        cell[outcome] += 1
        if g.run:
            runs.setdefault(key, set()).add(g.run)
        else:
            singles[key] += 1
    ties = {key: np.array([c[0], c[1], c[2] + c[3]]) for key, c in cells.items()}
    ratings = _fit(names, ties)
    resampled = _bootstrap(names, ties, rounds, seed, ratings)
    groups = _groups(names, set(cells))
    order = sorted(range(len(names)), key=lambda i: -ratings[i])
    rows = []
    for rank, i in enumerate(order, 1):
        mine = {key: c for key, c in ties.items() if i in key}
        won = sum(c[0] if key[0] == i else c[1] for key, c in mine.items())
        lost = sum(c[1] if key[0] == i else c[0] for key, c in mine.items())
        tied = sum(c[2] for c in mine.values())
        low, high = np.percentile(resampled[:, i], [2.5, 97.5]) if len(resampled) else (ratings[i], ratings[i])
        rows.append({"rank": rank, "model": names[i], "rating": round(float(ratings[i])),
                     "rating 95% interval": f"{low:.0f}–{high:.0f}", "interval_95": [round(low), round(high)],
                     "verdicts": int(won + lost + tied),
                     "preferred": int(won), "other preferred": int(lost), "tie or both bad": int(tied),
                     "preferred share": round(float(won / (won + lost)), 4) if won + lost else None,
                     "opponents": len(mine),
                     "runs": len(set().union(*(runs.get(key, set()) for key in mine))),
                     "single comparisons": sum(singles[key] for key in mine), "group": groups[i]})
    return {"models": rows, "head_to_head": _head_to_head(names, cells, ratings, runs, singles),
            "groups": len(set(groups)), "verdicts": len(found)}


def _bootstrap(names: list[str], cells: dict[tuple[int, int], np.ndarray], rounds: int, seed: int,
               ratings: np.ndarray) -> np.ndarray:
    """Ratings refitted on `rounds` resamplings of the games (each drawn with replacement),
    each fit starting from the whole fit's `ratings`."""
    start = (ratings - BASE_RATING) * np.log(10) / 400
    keys = list(cells)
    counts = np.concatenate([cells[k] for k in keys]) if keys else np.zeros(0)
    total = int(counts.sum())
    if not total or rounds <= 0:
        return np.zeros((0, len(names)))
    rng = np.random.default_rng(seed)
    out = []
    for drawn in rng.multinomial(total, counts / total, size=rounds):
        out.append(_fit(names, {k: drawn[3 * n:3 * n + 3] for n, k in enumerate(keys)}, start))
    return np.array(out)


def _head_to_head(names: list[str], cells: dict[tuple[int, int], np.ndarray], ratings: np.ndarray,
                  runs: dict[tuple[int, int], set[str]], singles: Counter) -> list[dict[str, Any]]:
    """Every two contestants that met, the better rated first, the most verdicts first."""
    rows = []
    for (i, j), cell in cells.items():
        won, lost, tie, bad = cell
        if ratings[j] > ratings[i]:
            i, j, won, lost = j, i, lost, won
        chose = won + lost
        low, high = wilson_interval(int(won), int(chose)) if chose else (None, None)
        rows.append({"model": names[i], "against": names[j], "verdicts": int(cell.sum()),
                     "model preferred": int(won), "against preferred": int(lost), "tie": int(tie), "both bad": int(bad),
                     "model preferred share": round(float(won / chose), 4) if chose else None,
                     "95% interval": f"{low:.0%}–{high:.0%}" if chose else None,
                     "runs": len(runs.get((min(i, j), max(i, j)), set())),
                     "single comparisons": singles[min(i, j), max(i, j)]})
    return sorted(rows, key=lambda r: (-r["verdicts"], r["model"], r["against"]))


def only_choices(groups: Iterable[tuple[tuple[str, str], ...]]) -> dict[str, list[str]]:
    """The groups experiments fall in (each experiment's as experiment_groups gives them: a
    game's `groups`, a record's), per grouping slug: what `only` may name."""
    seen: dict[str, set[str]] = {}
    for pairs in groups:
        for slug, value in pairs:
            seen.setdefault(slug, set()).add(value)
    return {slug: sorted(seen[slug]) for slug in SLUGS if slug in seen}


def standings(results_dir: Path, judge: str = ANALYSTS, by: str = "model",
              only: tuple[str, str] | None = None, runs: Collection[str] = ()) -> dict[str, Any]:
    """The leaderboard of `judge`'s verdicts with contestants told apart `by` (GET /api/leaderboard),
    over the experiments of one group alone when `only` names one — ("category", "router-dev"),
    ("language", "fr"): which model is best on French questions —, with what was left out and
    why, the groups there are to choose from (`only_choices`), and the contestants a judge model
    judged its own answers as (`judged_itself`: it tends to prefer them). With `runs`, the verdicts
    given on those batch runs alone (this week's, say; single comparisons left out), of the runs
    there are to choose from (`run_choices`, those `judge` gave a verdict on)."""
    index = _run_index(results_dir)
    given = _given(results_dir, judge, index)  # read once: the games, and the runs to choose from
    found, left_out = _games(given, index, judge, by, set(runs))
    run_choices = sorted({str(v["run"]) for v in given if v.get("run")})
    choices = only_choices(g.groups for g in found)
    if only is not None:
        found = [g for g in found if only in g.groups]
    board = leaderboard(found)
    itself = [] if judge in (ANALYSTS, CHECKS) else [
        r["model"] for r in board["models"]
        if r["model"] == (model := judge.split(" + rules ")[0]) or r["model"].startswith(model + " · ")]
    return {"judge": judge, "by": by, "only": list(only) if only else None, "runs": sorted(runs) or None, **board,
            "left_out": dict(left_out), "judged_itself": itself, "only_choices": choices, "run_choices": run_choices}


def parse_runs(text: str | None) -> list[str]:
    """The run names of a comma-separated list ("monday, tuesday"), as the REST route and the
    headless command take them."""
    return [name.strip() for name in (text or "").split(",") if name.strip()]


def runs_problem(board: dict[str, Any], runs: Collection[str]) -> str | None:
    """What is wrong with the `runs` a leaderboard (standings') was asked for: those its judge gave
    no verdict on, with the runs it did; None when every one is there."""
    if unknown := [r for r in runs if r not in board["run_choices"]]:
        return (f"no verdicts from {board['judge']} on {', '.join(unknown)}; there are some on "
                f"{', '.join(board['run_choices']) or 'no run'}")
    return None
