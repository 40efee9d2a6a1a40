"""Build assets/probes.jsonl: EN/FR question pairs on the same finance topics, by type.

    python scripts/build_probes.py

Taken from the demo corpus (definitions, examples, calculations, multi-part analysis), so the
demo model knows them; with a real model any pairs work. A calculation carries its right
figures (`figures`: an answer stating any one of them has it right, however it writes it —
workbench.figures), worked out here by hand rather than read from the corpus's answers, whose
first figure is not always the result ("1,000 euros are 1,080 dollars").
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPES = ("definition", "example", "calculation", "multipart")
# the result of each calculation, and the other ways a right answer may state it (a rate as a
# fraction, the interest beside the final value, a margin in euros or as a share of sales)
RIGHT_FIGURES = {
    "calc-simple-interest": [240],  # 2,000 × 3% × 4
    "calc-compound-interest": [1210, 210],  # 1,000 × 1.1², of which 210 interest
    "calc-pe-calc": [15],  # 60 / 4
    "calc-dividend-yield": [5, 0.05],  # 4 / 80
    "calc-pct-change": [15, 0.15],  # (46 - 40) / 40
    "calc-loan-interest": [240],  # 120,000 × 2.4% / 12
    "calc-current-yield": [4, 0.04],  # 38 / 950
    "calc-roe": [12.5, 0.125],  # 5 / 40
    "calc-gross-margin": [150000, 30, 0.3],  # 500,000 - 350,000, or 30% of sales
    "calc-fx": [1080],  # 1,000 × 1.08
}


def main() -> None:
    pairs: dict[str, dict] = {}
    with (ROOT / "assets" / "demo_corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            sample = json.loads(line)
            if sample["kind"] in TYPES:
                key = sample["id"].rsplit("-", 1)[0]
                pairs.setdefault(key, {"id": key, "type": sample["kind"]})[sample["lang"]] = sample["question"]
    missing = [key for key, pair in pairs.items() if pair["type"] == "calculation" and key not in RIGHT_FIGURES]
    if missing:
        raise SystemExit(f"calculations without their right figures: {', '.join(missing)}")
    for key, figures in RIGHT_FIGURES.items():
        pairs[key]["figures"] = figures
    out = ROOT / "assets" / "probes.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for pair in pairs.values():
            fh.write(json.dumps(pair, ensure_ascii=False) + "\n")
    print(f"{len(pairs)} probe pairs -> {out}")


if __name__ == "__main__":
    main()
