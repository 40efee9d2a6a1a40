"""The models rated from every verdict: Bradley–Terry on the Elo scale, head to head, and the
games read from a results folder (analysts' and judge models' verdicts, runs and single ones)."""

from __future__ import annotations

import json
import math
import os

import pytest

from engines.base import GenerationParams, StreamStats
from engines.systems import NO_MODEL_CALL
from ui.leaderboard import EVERY, standings_note, standings_view
from workbench.batch_store import run_file
from workbench.charts import ratings_figure
from workbench.compare import Experiment, SystemRun, record
from workbench.leaderboard import ANALYSTS, CHECKS, Game, games, judges, label, leaderboard, standings
from workbench.model_judge import model_verdicts_file, record_model_verdict
from workbench.verdicts import record_verdict, verdicts_file


def _games(first: str, second: str, **counts: int) -> list[Game]:
    verdicts = {"a": "A better", "b": "B better", "tie": "Tie", "bad": "Both bad"}
    return [Game(first, second, verdicts[k], "run") for k, n in counts.items() for _ in range(n)]


def test_ratings_read_on_the_elo_scale_from_how_often_each_was_preferred():
    board = leaderboard(_games("deepseek-chat", "demo-model", a=3000, b=1000))
    first, second = board["models"]
    assert (first["model"], first["rank"], second["rank"]) == ("deepseek-chat", 1, 2)
    # preferred three times as often: 400·log10(3) = 191 points apart, around the middle (1,000)
    assert first["rating"] - second["rating"] == pytest.approx(400 * math.log10(3), abs=1)
    assert first["rating"] + second["rating"] == pytest.approx(2000, abs=1)
    low, high = (int(x) for x in first["rating 95% interval"].split("–"))
    assert low < first["rating"] < high and high - low < 40  # 4,000 verdicts pin it down
    assert (first["preferred"], first["other preferred"], first["preferred share"]) == (3000, 1000, 0.75)
    assert (second["preferred"], second["other preferred"], second["preferred share"]) == (1000, 3000, 0.25)
    (pair,) = board["head_to_head"]
    assert (pair["model"], pair["against"], pair["model preferred"], pair["against preferred"]) == \
        ("deepseek-chat", "demo-model", 3000, 1000)
    assert pair["95% interval"] == "74%–76%" and board["groups"] == 1
    assert first["interval_95"] == [low, high]
    (points,) = ratings_figure(board["models"]).data  # the best at the top, its interval as its error bar
    assert list(points.y) == ["demo-model", "deepseek-chat"] and list(points.x)[1] == first["rating"]
    assert list(points.error_x.array)[1] == high - first["rating"]
    assert list(points.error_x.arrayminus)[1] == first["rating"] - low
    assert ratings_figure([]).data == ()


def test_ties_count_half_to_each_and_a_few_verdicts_give_no_extreme_rating():
    even = leaderboard(_games("x", "y", a=5, b=5, tie=7, bad=3))["models"]
    assert [r["rating"] for r in even] == [1000, 1000]
    assert even[0]["tie or both bad"] == 10 and even[0]["verdicts"] == 20
    swept = leaderboard(_games("x", "y", a=3))["models"]  # never lost: still finite, held near the middle
    assert 1000 < swept[0]["rating"] < 1300 and 700 < swept[1]["rating"] < 1000
    assert swept[1]["preferred share"] == 0.0
    assert leaderboard(_games("x", "y", tie=4))["models"][0]["preferred share"] is None  # none chose a model


def test_models_that_never_met_are_in_groups_of_their_own():
    board = leaderboard(_games("a", "b", a=8, b=2) + _games("c", "b", a=6, b=4) + _games("x", "y", a=5))
    groups = {r["model"]: r["group"] for r in board["models"]}
    assert board["groups"] == 2 and groups["a"] == groups["b"] == groups["c"] != groups["x"] == groups["y"]
    b = next(r for r in board["models"] if r["model"] == "b")
    assert (b["opponents"], b["verdicts"], b["preferred"]) == (2, 20, 6)
    # a beat b more often than c did, so it is rated above c though they never met
    ratings = {r["model"]: r["rating"] for r in board["models"]}
    assert ratings["a"] > ratings["c"] > ratings["b"]
    assert [p["verdicts"] for p in board["head_to_head"]] == [10, 10, 5]
    assert leaderboard([]) == {"models": [], "head_to_head": [], "groups": 0, "verdicts": 0}


def test_a_contestant_is_named_by_the_grouping_asked_for():
    side = ("demo-model", True, 1024)
    assert [label(side, by) for by in ("model", "thinking", "budget")] == \
        ["demo-model", "demo-model · thinking on", "demo-model · thinking on · 1,024 tokens"]
    assert label(("demo-model", None, None), "budget") == "demo-model" and label((None, True, 10), "model") is None


def _answer(name: str, model: str) -> SystemRun:
    stats = StreamStats(model_id=model, finish_reason="stop", ttft_s=0.1, total_s=1.0, content_tokens=10)
    return SystemRun(name, response="An answer.", done=True, stats=stats)


def _rec(exp_id: str, a_model: str, b_model: str, params: GenerationParams) -> dict:
    category = "risk" if exp_id in ("e0", "e1") else "governance"
    exp = Experiment(id=exp_id, query="What is a reporting threshold?", lang="en", category=category)
    return record(exp, {"A": _answer("System A", a_model), "B": _answer("System B", b_model)}, params=params)


def _save(folder, name: str, records: list[dict]) -> None:
    run_file(folder, name).write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.fixture
def judged(tmp_path):
    thinking = GenerationParams(max_new_tokens=1024, enable_thinking=True)
    quick = GenerationParams(max_new_tokens=256, enable_thinking=False)
    monday = [_rec(f"e{i}", "deepseek-chat", "demo-model", thinking) for i in range(4)]
    tuesday = [_rec("e0", "deepseek-chat", NO_MODEL_CALL, quick),  # the router refused by itself
               *(_rec(f"e{i}", "deepseek-chat", "demo-model", quick) for i in range(1, 4))]
    _save(tmp_path, "monday", monday)
    _save(tmp_path, "tuesday", tuesday)
    verdicts = verdicts_file(tmp_path)
    for rec, verdict in zip(monday, ("B better", "B better", "A better", "Tie"), strict=True):
        record_verdict(verdicts, rec, verdict, run="monday", judge="ana")
    record_verdict(verdicts, monday[0], "A better", run="monday", judge="ben")  # another analyst: a game too
    for rec, verdict in zip(tuesday, ("A better", "A better", "A better", "Both bad"), strict=True):
        record_verdict(verdicts, rec, verdict, run="tuesday")
    single = _rec("s1", "deepseek-chat", "demo-model", quick)
    record_verdict(verdicts, single, "B better")  # a single comparison's verdict counts too
    record_verdict(verdicts, _rec("s2", "demo-model", "demo-model", quick), "A better")  # no contest
    model_file = model_verdicts_file(tmp_path)
    for exp_id, verdict in (("e0", "B better"), ("e1", "A better")):
        record_model_verdict(model_file, "tuesday", {"experiment_id": exp_id, "verdict": verdict,
                                                     "judge_model": "deepseek-chat"})
    record_model_verdict(model_file, "gone", {"experiment_id": "e1", "verdict": "A better",
                                              "judge_model": "deepseek-chat"})
    return tmp_path


def test_every_analyst_verdict_is_a_game_between_the_models_that_answered(judged):
    found, left_out = games(judged, ANALYSTS, "thinking")
    assert len(found) == 10 and dict(left_out) == {"the same model on both sides": 1}
    pairs = {(g.first, g.second) for g in found}
    assert pairs == {("deepseek-chat · thinking on", "demo-model · thinking on"),
                     ("deepseek-chat · thinking off", "demo-model · thinking off")}
    # the router's own refusal counts against the model behind it in that run
    played = {(g.first, g.second, g.verdict, g.run) for g in found}
    assert ("deepseek-chat · thinking off", "demo-model · thinking off", "A better", "tuesday") in played
    assert ("deepseek-chat · thinking off", "demo-model · thinking off", "B better", None) in played
    by_model = standings(judged, ANALYSTS, "model")
    assert [r["model"] for r in by_model["models"]] == ["deepseek-chat", "demo-model"]
    top = by_model["models"][0]
    # A preferred 5 times, B 3, 2 ties or both bad; over 2 runs and 1 single comparison
    assert (top["preferred"], top["other preferred"], top["tie or both bad"]) == (5, 3, 2)
    assert (top["runs"], top["single comparisons"], top["opponents"]) == (2, 1, 1)
    split = standings(judged, ANALYSTS, "thinking")
    assert len(split["models"]) == 4 and split["groups"] == 2  # thinking on and off never met
    note = standings_note(split)
    assert "**4 models** rated from 10 verdicts given by the analysts, each model told apart by its id and " \
        "thinking mode." in note
    assert "2 groups that never met" in note and \
        "Group 1: `deepseek-chat · thinking off`, `demo-model · thinking off`; Group 2: `deepseek-chat · " \
        "thinking on`, `demo-model · thinking on`." in note
    assert "Left out: 1 verdict: the same model on both sides." in note
    assert "No verdict given by the judge model `m`" in standings_note(standings(judged, "m"))


def test_a_judge_models_verdicts_name_the_models_from_the_run_it_judged(judged):
    assert judges(judged) == [ANALYSTS, "deepseek-chat"]
    board = standings(judged, "deepseek-chat", "budget")
    assert board["left_out"] == {"its run or experiment is no longer saved": 1}
    (pair,) = board["head_to_head"]
    assert {pair["model"], pair["against"]} == {"deepseek-chat · thinking off · 256 tokens",
                                                "demo-model · thinking off · 256 tokens"}
    assert (pair["model preferred"], pair["against preferred"], pair["runs"]) == (1, 1, 1)
    assert board["judged_itself"] == ["deepseek-chat · thinking off · 256 tokens"]  # it judged its own answers
    assert standings(judged, ANALYSTS)["judged_itself"] == []
    with pytest.raises(ValueError, match="by must be one of"):
        games(judged, ANALYSTS, "adapter")


def test_a_hand_edited_verdict_with_odd_values_counts_as_far_as_it_can(tmp_path):
    odd = {"experiment_id": "x1", "query": "q", "verdict": "A better", "params": {"enable_thinking": "yes",
                                                                                "max_new_tokens": "many"},
           "system_a": {"metadata": {"model_id": 7}}, "system_b": {"metadata": {"model_id": "demo-model"}}}
    verdicts_file(tmp_path).write_text(json.dumps(odd) + "\n" + "{not json\n", encoding="utf-8")
    found, left_out = games(tmp_path, ANALYSTS, "budget")
    assert [(g.first, g.second) for g in found] == [("7", "demo-model")] and not left_out


def test_a_run_written_again_is_read_again(judged):
    before = standings(judged, "deepseek-chat", "model")["head_to_head"][0]
    path = run_file(judged, "tuesday")
    text = path.read_text(encoding="utf-8").replace('"model_id": "demo-model"', '"model_id": "demo-model-v2"')
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    after = standings(judged, "deepseek-chat", "model")["head_to_head"][0]
    assert "demo-model" in (before["model"], before["against"])
    assert "demo-model-v2" in (after["model"], after["against"])


def test_a_leaderboard_over_one_group_of_experiments_alone(judged):
    every = standings(judged, ANALYSTS, "model")
    assert every["only_choices"] == {"category": ["governance", "risk"], "language": ["en"]}
    assert every["only"] is None
    risk = standings(judged, ANALYSTS, "model", only=("category", "risk"))
    # e0 and e1 of both runs: monday B, B (ana) and A (ben); tuesday A, A
    top = next(r for r in risk["models"] if r["model"] == "deepseek-chat")
    assert (risk["verdicts"], top["preferred"], top["other preferred"]) == (5, 3, 2)
    assert risk["only"] == ["category", "risk"] and risk["only_choices"] == every["only_choices"]
    judged_risk = standings(judged, "deepseek-chat", "model", only=("category", "risk"))
    assert judged_risk["verdicts"] == 2  # the judge model's, grouped by the run's records
    assert standings(judged, ANALYSTS, "model", only=("language", "fr"))["models"] == []
    assert "rated from 5 verdicts given by the analysts on the experiments whose category is `risk`, each" \
        in standings_note(risk)
    french = standings_note(standings(judged, ANALYSTS, "model", only=("language", "fr")))
    assert french.startswith("No verdict given by the analysts on the experiments whose question language is `fr`")


def test_a_leaderboard_over_the_verdicts_of_some_runs_alone(judged):
    every = standings(judged, ANALYSTS, "model")
    assert every["run_choices"] == ["monday", "tuesday"] and every["runs"] is None
    monday = standings(judged, ANALYSTS, "model", runs=["monday"])
    top = next(r for r in monday["models"] if r["model"] == "deepseek-chat")
    # ana's four and ben's one on monday; tuesday's and the single comparison's left out
    assert (monday["verdicts"], top["preferred"], top["other preferred"], top["tie or both bad"]) == (5, 2, 2, 1)
    assert (top["runs"], top["single comparisons"]) == (1, 0)
    assert monday["runs"] == ["monday"] and monday["run_choices"] == every["run_choices"]
    both = standings(judged, ANALYSTS, "model", only=("category", "risk"), runs=["monday", "tuesday"])
    assert both["verdicts"] == 5  # e0 and e1 of both runs, as without the runs named
    assert "given by the analysts in the run `monday`, each" in standings_note(monday)
    assert standings(judged, "deepseek-chat", "model", runs=["monday"])["verdicts"] == 0  # it judged tuesday
    view = standings_view(judged, ANALYSTS, "model", EVERY, ["monday", "gone"])  # a run no verdict names: dropped
    assert view[2]["value"] == ["monday"] and view[2]["choices"] == ["monday", "tuesday"]
    assert "in the run `monday`" in view[3]


def test_the_headless_leaderboard_prints_the_tables_and_writes_them_as_csv(judged, tmp_path, capsys):
    import csv

    from workbench.leaderboard_command import run_leaderboard

    out, pairs = tmp_path / "board.csv", tmp_path / "pairs.csv"
    argv = ["--results-dir", str(judged), "--by", "thinking", "--out", str(out), "--pairs-out", str(pairs)]
    assert run_leaderboard(argv) == 0
    printed = capsys.readouterr().out
    assert "4 models rated from 10 verdicts of analysts (told apart by its id and thinking mode" in printed
    assert "rank  model" in printed and "Head to head:" in printed and "2 groups of models never met" in printed
    assert "Left out: 1 (the same model on both sides)" in printed
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4 and {r["group"] for r in rows} == {"0", "1"} and rows[0]["rank"] == "1"
    with pairs.open(encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 2
    assert run_leaderboard(["--results-dir", str(judged), "--judge", "deepseek-chat", "--only", "category:risk"]) == 0
    printed = capsys.readouterr().out
    assert "rated from 2 verdicts of deepseek-chat on the experiments whose category is risk" in printed
    assert "The judge judged its own answers as deepseek-chat: a model tends to prefer its own" in printed
    assert run_leaderboard(["--results-dir", str(judged), "--runs", "monday"]) == 0
    assert "rated from 5 verdicts of analysts in monday" in capsys.readouterr().out
    for bad in (["--only", "colour:red"], ["--judge", "nobody"], ["--runs", "monday,sunday"]):
        with pytest.raises(SystemExit) as exited:
            run_leaderboard(["--results-dir", str(judged), *bad])
        assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--judge: no verdicts from 'nobody'" in err
    assert "--runs: no verdicts from analysts on sunday; there are some on monday, tuesday" in err
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")  # a folder cannot be made where a file is
    with pytest.raises(SystemExit) as exited:
        run_leaderboard(["--results-dir", str(judged), "--out", str(blocker / "board.csv")])
    assert exited.value.code == 2 and f"--out: {blocker} cannot be written" in capsys.readouterr().err


def test_the_checks_rate_the_models_where_no_one_judged(tmp_path):
    def checked(exp_id: str, a_says: str, b_says: str, b_model: str = "demo-model") -> dict:
        exp = Experiment(id=exp_id, query="What is the reporting threshold?", lang="en", category="governance",
                         expect={"contains": "10,000"})
        runs = {"A": _answer("System A", "deepseek-chat"), "B": _answer("System B", b_model)}
        runs["A"].response, runs["B"].response = a_says, b_says
        return record(exp, runs, params=GenerationParams(max_new_tokens=256))

    right, wrong = "It is 10,000 euros.", "It depends."
    _save(tmp_path, "nightly", [checked("c1", right, wrong), checked("c2", right, right), checked("c3", wrong, wrong),
                                checked("c4", wrong, right), checked("c5", right, wrong)])
    unchecked = record(Experiment(id="u1", query="q"), {"A": _answer("System A", "deepseek-chat"),
                                                        "B": _answer("System B", "demo-model")})
    _save(tmp_path, "plain", [unchecked])  # nothing checked there: no game
    assert judges(tmp_path) == [ANALYSTS, CHECKS]  # no verdict given, yet the checks rate the models
    board = standings(tmp_path, CHECKS, "model")
    (pair,) = board["head_to_head"]
    assert (pair["model"], pair["against"]) == ("deepseek-chat", "demo-model")
    assert (pair["model preferred"], pair["against preferred"], pair["tie"], pair["both bad"]) == (2, 1, 1, 1)
    assert pair["runs"] == 1 and board["judged_itself"] == [] and board["left_out"] == {}
    assert "rated from 5 verdicts given by the experiments' checks" in standings_note(board)
    assert standings(tmp_path, CHECKS, "model", only=("category", "governance"))["verdicts"] == 5
    _save(tmp_path, "nightly", [checked("c1", right, right)])
    assert judges(tmp_path) == [ANALYSTS, CHECKS] and standings(tmp_path, CHECKS)["models"][0]["rating"] == 1000
