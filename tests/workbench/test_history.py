"""The log of single comparisons a browser keeps: what goes in, what comes back from the browser."""

from __future__ import annotations

import json

from engines.base import ConfigurationError, StreamStats
from workbench.compare import Experiment, SystemRun, record
from workbench.history import find, remember, restored


def _rec(exp_id: str, **extra) -> dict:
    a = SystemRun("System A", done=True, error=ConfigurationError("DEEPSEEK_API_KEY is not set"))
    b = SystemRun("System B", response="La duration mesure la sensibilité du prix aux taux.", done=True,
                  stats=StreamStats(model_id="demo", finish_reason="stop", content_tokens=12, total_s=0.4,
                                    extras={"route": "governance", "route_confidence": 0.8,
                                            "route_reasons": ["asks for a definition"],
                                            "handling_mode": "normal"}))
    rec = record(Experiment(id=exp_id, query="Qu'est-ce que la duration ?"), {"A": a, "B": b})
    return {**rec, **extra}


def test_a_verdict_given_later_replaces_its_comparison_in_place_and_only_the_newest_are_kept():
    log = remember([], _rec("adhoc-1"))
    log = remember(log, _rec("adhoc-2"))
    judged = remember(log, _rec("adhoc-1", verdict="B better"))
    assert [(r["experiment_id"], r.get("verdict")) for r in judged] == [("adhoc-1", "B better"), ("adhoc-2", None)]
    assert log[0].get("verdict") is None  # the list it was given is left as it was
    full = []
    for n in range(7):
        full = remember(full, _rec(f"adhoc-{n}"), limit=5)
    assert [r["experiment_id"] for r in full] == [f"adhoc-{n}" for n in range(2, 7)]
    assert find(full, "adhoc-4")["experiment_id"] == "adhoc-4" and find(full, "adhoc-0") is None


def test_only_the_newest_comparisons_keep_each_answer_tokens_and_all_keep_their_unsure_figures():
    from workbench.history import TOKENS_KEPT

    def lent(exp_id: str) -> dict:
        rec = _rec(exp_id)
        rec["system_b"] = {**rec["system_b"], "tokens": [["La", 0, 0.9, []]],
                           "confidence": {"sure_share": 1.0, "unsure_figures": []}}
        return rec

    log: list[dict] = []
    first = lent("adhoc-0")
    for n in range(TOKENS_KEPT + 2):
        log = remember(log, first if n == 0 else lent(f"adhoc-{n}"))
    assert ["tokens" in r["system_b"] for r in log] == [False, False] + [True] * TOKENS_KEPT
    assert all(r["system_b"]["confidence"]["sure_share"] == 1.0 for r in log)
    assert "tokens" in first["system_b"]  # the record given is left as it was
    assert log[0]["system_a"] == first["system_a"]  # the other system's result untouched


def test_what_the_browser_sends_back_is_checked_before_use():
    good = json.loads(json.dumps(_rec("adhoc-1", verdict="Tie")))  # as it comes back: plain JSON
    assert restored([good]) == [good]
    no_route_reasons = json.loads(json.dumps(good))
    del no_route_reasons["system_b"]["route_reasons"]
    edited = json.loads(json.dumps(good))
    edited["system_a"]["metadata"] = "gone"
    kept = restored([edited, no_route_reasons])
    # a system's result that is not whole is dropped; a record left with none is skipped
    assert [sorted(k for k in r if k.startswith("system_")) for r in kept] == [["system_b"], ["system_a"]]
    assert restored("not a list") == []
    assert restored([None, 3, {"query": "no id"}, {"experiment_id": "x", "query": "no results"}]) == []
    assert len(restored([good] * 80)) == 50
