"""How well the app reads an answer, on labelled sets of answers as models write them: whether it is
a refusal (workbench.refusal.is_refusal: precision, recall) and the risk level it gives a
transaction (workbench.risk.risk_level); prints a JSON line, a table and the misses.

    python bench/answer_reading.py
"""

from __future__ import annotations

import json

import common  # first: it puts the project on the path

from workbench.refusal import is_refusal
from workbench.risk import risk_level


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (common.ROOT / "assets" / name).open(encoding="utf-8")]


def refusals() -> dict:
    rows = load("refusal_eval.jsonl")
    counts = {"true_refusal": 0, "false_alarm": 0, "missed": 0, "true_answer": 0}
    by_lang: dict[str, list[int]] = {}
    for row in rows:
        got = is_refusal(row["text"])
        kind = ("true_refusal" if got else "missed") if row["refusal"] else ("false_alarm" if got else "true_answer")
        counts[kind] += 1
        by_lang.setdefault(row["lang"], [0, 0])[0] += got == row["refusal"]
        by_lang[row["lang"]][1] += 1
        if kind in ("missed", "false_alarm"):
            print(f"  refusal {kind}: {row['text']!r}")
    flagged = counts["true_refusal"] + counts["false_alarm"]
    actual = counts["true_refusal"] + counts["missed"]
    figures = {"n": len(rows), "accuracy": round((counts["true_refusal"] + counts["true_answer"]) / len(rows), 4),
               "precision": round(counts["true_refusal"] / flagged, 4) if flagged else None,
               "recall": round(counts["true_refusal"] / actual, 4) if actual else None,
               **counts, "accuracy_by_language": {k: round(v[0] / v[1], 4) for k, v in sorted(by_lang.items())}}
    print(f"\nrefusal_eval.jsonl: {len(rows)} answers, {actual} of them refusals")
    print("| | flagged a refusal | not flagged |\n|---|---|---|")
    print(f"| refusal | {counts['true_refusal']} | {counts['missed']} |")
    print(f"| answer | {counts['false_alarm']} | {counts['true_answer']} |\n")
    return figures


def risk_levels() -> dict:
    rows = load("risk_eval.jsonl")
    misses = [(r["level"], risk_level(r["answer"]), r["answer"]) for r in rows if risk_level(r["answer"]) != r["level"]]
    for gold, got, answer in misses:
        print(f"  risk level: expected {gold}, read {got}: {answer!r}")
    print(f"risk_eval.jsonl: {len(rows)} answers, {len(rows) - len(misses)} read right")
    return {"n": len(rows), "with_a_level": sum(1 for r in rows if r["level"]),
            "accuracy": round(1 - len(misses) / len(rows), 4),
            "read_a_level_where_none": sum(1 for gold, _, _ in misses if gold is None)}


def main() -> None:
    figures = {"refusal": refusals(), "risk_level": risk_levels()}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
