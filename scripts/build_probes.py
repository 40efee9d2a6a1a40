"""Build assets/probes.jsonl: EN/FR question pairs on the same finance topics, by type.

    python scripts/build_probes.py

Taken from the demo corpus (definitions, examples, calculations, multi-part analysis), so the
demo model knows them; with a real model any pairs work.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPES = ("definition", "example", "calculation", "multipart")


def main() -> None:
    pairs: dict[str, dict] = {}
    with (ROOT / "assets" / "demo_corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            sample = json.loads(line)
            if sample["kind"] in TYPES:
                key = sample["id"].rsplit("-", 1)[0]
                pairs.setdefault(key, {"id": key, "type": sample["kind"]})[sample["lang"]] = sample["question"]
    out = ROOT / "assets" / "probes.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for pair in pairs.values():
            fh.write(json.dumps(pair, ensure_ascii=False) + "\n")
    print(f"{len(pairs)} probe pairs -> {out}")


if __name__ == "__main__":
    main()
