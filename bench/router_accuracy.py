"""Router accuracy and confusion matrix on the labelled sets; prints a JSON line and tables.

    python bench/router_accuracy.py
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engines.router import ROUTES, classify  # noqa: E402

# the development set first, then every other labelled set of queries in assets/ (router_*.jsonl)
SETS = ["router_dev.jsonl", *sorted(p.name for p in (ROOT / "assets").glob("router_*.jsonl")
                                    if p.name != "router_dev.jsonl")]


def load(name: str) -> list[dict]:
    with (ROOT / "assets" / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def evaluate(rows: list[dict]) -> dict:
    confusion: Counter = Counter()
    for row in rows:
        confusion[(row["route"], classify(row["query"], row["transaction"]).route)] += 1
    correct = sum(n for (gold, got), n in confusion.items() if gold == got)
    return {"n": len(rows), "accuracy": round(correct / len(rows), 4), "confusion": confusion}


def table(confusion: Counter) -> str:
    short = {"transaction_risk": "tx_risk", "mixed_intent": "mixed", "governance": "gov",
             "explicit_refusal": "refuse"}
    lines = ["| gold \\ predicted | " + " | ".join(short[r] for r in ROUTES) + " |",
             "|---|" + "---|" * len(ROUTES)]
    for gold in ROUTES:
        lines.append(f"| {short[gold]} | " + " | ".join(str(confusion[(gold, got)]) for got in ROUTES) + " |")
    return "\n".join(lines)


def main() -> None:
    results = {name: evaluate(load(name)) for name in SETS}
    rows = load(SETS[0])
    started = time.perf_counter()
    for _ in range(5):
        for row in rows:
            classify(row["query"], row["transaction"])
    per_query_us = (time.perf_counter() - started) / (5 * len(rows)) * 1e6
    print(json.dumps({"accuracy": {k: v["accuracy"] for k, v in results.items()},
                      "n": {k: v["n"] for k, v in results.items()},
                      "per_query_us": round(per_query_us, 1)}))
    for name, res in results.items():
        print(f"\n{name}: accuracy {res['accuracy']:.1%} on {res['n']} queries")
        print(table(res["confusion"]))
    print(f"\nclassification time: {per_query_us:.0f} µs per query")


if __name__ == "__main__":
    main()
