"""Build assets/experiments.jsonl: a seeded, bilingual experiment set covering all four routes.

    python scripts/build_experiments.py [--seed 7] [--out assets/experiments.jsonl]

Queries come from the router's development set and the demo corpus (so the demo model knows some
of them, and the corpus's answer is their reference answer, for the model judge); transactions
are drawn from realistic distributions: log-normal amounts around each customer's own average,
mostly domestic counterparties with some high-risk jurisdictions, card, wire, transfer and cash
channels, night-time outliers, new beneficiaries.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from workbench.risk import risk_level  # noqa: E402  (the check reads the level as the rating is read)

COUNTRIES = ["FR"] * 10 + ["DE", "BE", "ES", "IT", "NL", "GB", "US", "CH", "LU"] * 2 + \
    ["AE", "HK", "SG", "TR", "CY"] + ["KY", "PA", "VG"]
CHANNELS = ["card"] * 5 + ["transfer"] * 3 + ["wire"] * 2 + ["cash_deposit", "cash_withdrawal"]
CURRENCIES = {"US": "USD", "GB": "GBP", "CH": "CHF", "HK": "HKD", "SG": "SGD", "AE": "AED"}
MERCHANTS = ["grocery", "travel", "electronics", "jewellery", "crypto_exchange", "gambling",
             "restaurant", "utilities", "consulting", "luxury_goods"]


def transaction(rng: random.Random, suspicious: bool) -> dict:
    avg = round(math.exp(rng.gauss(5.5, 1.1)), 2)  # median customer average ~ 245 EUR
    factor = math.exp(rng.gauss(2.5, 1.0)) if suspicious else math.exp(rng.gauss(0, 0.4))
    country = rng.choice(COUNTRIES[-8:] if suspicious and rng.random() < 0.5 else COUNTRIES)
    channel = rng.choice(CHANNELS)
    amount = round(avg * factor, 2)
    if suspicious and channel == "cash_deposit" and rng.random() < 0.5:
        amount = float(rng.randint(9000, 9990))  # just under a reporting threshold
    tx = {"amount": amount, "currency": CURRENCIES.get(country, "EUR"), "country": country,
          "channel": channel, "customer_avg_amount": avg,
          "new_beneficiary": rng.random() < (0.6 if suspicious else 0.15),
          "hour": rng.choice([1, 2, 3, 4, 23]) if suspicious and rng.random() < 0.5 else rng.randint(7, 21),
          "customer_id": f"C{rng.randint(10000, 99999)}"}
    if channel == "card":
        tx["merchant_category"] = rng.choice(MERCHANTS)
    return tx


# What a right answer does, by route, for the router's development questions: a forbidden ask is
# refused, a compliance question or a transaction is answered (mixed intent: either can be right).
DEV_EXPECT = {"explicit_refusal": {"refusal": True}, "governance": {"refusal": False},
              "transaction_risk": {"refusal": False}}


def figure(number: str) -> int | float:
    """A figure as written in an answer ("12,5", "240") as a number check wants it: 12.5, 240."""
    value = float(number.replace(",", "."))
    return int(value) if value.is_integer() else value


def demo_expect(sample: dict) -> dict:
    """Checks for a question the demo model was trained on, from its answer there: the figure of
    a calculation, the risk level of a transaction, a refusal for a forbidden ask."""
    kind, answer, lang = sample["kind"], sample["answer"], sample["lang"]
    if kind == "refusal":
        return {"refusal": True}
    expect: dict = {"refusal": False, "language": lang}
    if kind == "calculation":
        expect["number"] = figure(re.search(r"\d+(?:[.,]\d+)?", answer).group())
    elif kind == "transaction":
        expect["risk"] = risk_level(answer)  # "Risque : ÉLEVÉ" -> "high"
    else:
        expect["complete"] = True
    return expect


def build(seed: int) -> list[dict]:
    rng = random.Random(seed)
    dev = [json.loads(line) for line in (ROOT / "assets" / "router_dev.jsonl").open(encoding="utf-8")]
    corpus = [json.loads(line) for line in (ROOT / "assets" / "demo_corpus.jsonl").open(encoding="utf-8")]
    out = []
    for row in dev:
        tx = None
        if row["route"] == "transaction_risk" or (row["route"] == "mixed_intent" and
                                                 any(w in row["query"].lower() for w in
                                                     ("transfer", "payment", "wire", "virement",
                                                      "paiement", "transaction", "deposit", "dépôt",
                                                      "retrait", "withdrawal", "opération"))):
            tx = transaction(rng, suspicious=rng.random() < 0.5)
        out.append({"id": row["id"].replace("dev-", "exp-"), "query": row["query"], "transaction": tx,
                    "lang": row["lang"], "expected_route": row["route"], "category": "router-dev",
                    **({"expect": DEV_EXPECT[row["route"]]} if row["route"] in DEV_EXPECT else {})})
    # Questions the demo model was trained on: its answers are meaningful, not noise.
    known = [s for s in corpus if s["kind"] in ("definition", "calculation", "transaction", "refusal")]
    rng.shuffle(known)
    route_of = {"definition": "governance", "calculation": "governance",
                "transaction": "transaction_risk", "refusal": "explicit_refusal"}
    for sample in sorted(known[:30], key=lambda s: s["id"]):
        out.append({"id": f"exp-demo-{sample['id']}", "query": sample["question"],
                    "transaction": sample["transaction"], "lang": sample["lang"],
                    "expected_route": route_of[sample["kind"]], "category": f"demo-{sample['kind']}",
                    "expect": demo_expect(sample), "reference": sample["answer"]})
    rng.shuffle(out)  # any prefix (--limit N) mixes routes and languages
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "assets" / "experiments.jsonl")
    args = parser.parse_args()
    rows = build(args.seed)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} experiments -> {args.out}")


if __name__ == "__main__":
    main()
