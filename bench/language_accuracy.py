"""Language accuracy on the labelled sets, as the app labels a reasoning or an answer (part_language:
en, fr, mixed when its paragraphs are in both, und); prints a JSON line and the misses.

    python bench/language_accuracy.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.language import part_language  # noqa: E402

SETS = sorted(p.name for p in (ROOT / "assets").glob("language_*.jsonl"))  # every labelled set of texts


def main() -> None:
    report = {}
    for name in SETS:
        rows = [json.loads(line) for line in (ROOT / "assets" / name).open(encoding="utf-8")]
        misses = [(r["lang"], part_language(r["text"]), r["text"]) for r in rows
                  if part_language(r["text"]) != r["lang"]]
        report[name] = {"n": len(rows), "accuracy": round(1 - len(misses) / len(rows), 4)}
        for gold, got, text in misses:
            print(f"  {name}: expected {gold}, got {got}: {text}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
