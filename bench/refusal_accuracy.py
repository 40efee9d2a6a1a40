"""Refusal detection (workbench.refusal.is_refusal) on the labelled set of answers: precision,
recall and the misses; prints a JSON line and a table.

    python bench/refusal_accuracy.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.refusal import is_refusal  # noqa: E402

SET = "refusal_eval.jsonl"


def main() -> None:
    rows = [json.loads(line) for line in (ROOT / "assets" / SET).open(encoding="utf-8")]
    counts = {"true_refusal": 0, "false_alarm": 0, "missed": 0, "true_answer": 0}
    by_lang: dict[str, list[int]] = {}
    for row in rows:
        got = is_refusal(row["text"])
        kind = ("true_refusal" if got else "missed") if row["refusal"] else ("false_alarm" if got else "true_answer")
        counts[kind] += 1
        by_lang.setdefault(row["lang"], [0, 0])[0] += got == row["refusal"]
        by_lang[row["lang"]][1] += 1
        if kind in ("missed", "false_alarm"):
            print(f"  {kind}: {row['text']}")
    flagged = counts["true_refusal"] + counts["false_alarm"]
    refusals = counts["true_refusal"] + counts["missed"]
    figures = {"n": len(rows), "accuracy": round((counts["true_refusal"] + counts["true_answer"]) / len(rows), 4),
               "precision": round(counts["true_refusal"] / flagged, 4) if flagged else None,
               "recall": round(counts["true_refusal"] / refusals, 4) if refusals else None,
               **counts, "accuracy_by_language": {k: round(v[0] / v[1], 4) for k, v in sorted(by_lang.items())}}
    print(json.dumps(figures))
    print(f"\n{SET}: {len(rows)} answers, {refusals} of them refusals")
    print("| | flagged a refusal | not flagged |\n|---|---|---|")
    print(f"| refusal | {counts['true_refusal']} | {counts['missed']} |")
    print(f"| answer | {counts['false_alarm']} | {counts['true_answer']} |")


if __name__ == "__main__":
    main()
