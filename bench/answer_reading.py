"""How well the app reads an answer, on labelled sets of answers as models write them: whether it is
a refusal (workbench.refusal.is_refusal: precision, recall), the risk level it gives a
transaction (workbench.risk.risk_level), the figures it states (workbench.figures.answer_figures:
precision, recall), the figures two answers do not share (workbench.figures.unshared), the names
with a number it cites (workbench.references: precision, recall) and the
verdict a judge model's reply gives (workbench.model_judge.read_verdict); prints a JSON line, a
table and the misses.

A figure, in the labels, is a quantity written in digits: an amount, a rate, a count, a duration,
a year, a date or a time (a date as yyyymmdd, a time as hours: 14:30 is 14.5). A number that is
part of a name is none: an article or a law (Article 8, L.561-15, 2015/849), a standard (IFRS 9),
an index (CAC 40, S&P 500), a tier, a stage or a level (Tier 1, Stage 2), a form (10-K),
COVID-19, a numbered list's markers; a day without its year is month × 100 + day (15 March is
315). A name, in the references' labels, is one of those names (COVID-19 aside), written as
any answer may write it: it is compared as the app compares names ("art. 8" is Article 8).

    python bench/answer_reading.py
"""

from __future__ import annotations

import json

import common  # first: it puts the project on the path

from workbench.figures import Figure, distinct_figures, same_figure, unshared
from workbench.model_judge import read_verdict
from workbench.references import name_keys
from workbench.refusal import is_refusal
from workbench.risk import risk_level


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (common.ROOT / "assets" / name).open(encoding="utf-8")]


def refusals(name: str) -> dict:
    rows = load(name)
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
    print(f"\n{name}: {len(rows)} answers, {actual} of them refusals")
    print("| | flagged a refusal | not flagged |\n|---|---|---|")
    print(f"| refusal | {counts['true_refusal']} | {counts['missed']} |")
    print(f"| answer | {counts['false_alarm']} | {counts['true_answer']} |\n")
    return figures


def risk_levels(name: str) -> dict:
    rows = load(name)
    misses = [(r["level"], risk_level(r["answer"]), r["answer"]) for r in rows if risk_level(r["answer"]) != r["level"]]
    for gold, got, answer in misses:
        print(f"  risk level: expected {gold}, read {got}: {answer!r}")
    print(f"{name}: {len(rows)} answers, {len(rows) - len(misses)} read right")
    return {"n": len(rows), "with_a_level": sum(1 for r in rows if r["level"]),
            "accuracy": round(1 - len(misses) / len(rows), 4),
            "read_a_level_where_none": sum(1 for gold, _, _ in misses if gold is None)}


def _matched(labels: list[float], read: list[Figure]) -> tuple[list[float], list[Figure]]:
    """The labels no figure read stands for, and the figures read that stand for no label (each
    figure matched to one label at most)."""
    left = list(read)
    missed = []
    for label in labels:
        hit = next((f for f in left if any(same_figure(v, label) for v in f.values)), None)
        if hit is None:
            missed.append(label)
        else:
            left.remove(hit)
    return missed, left


def _precision_recall(right: int, read: int, labels: int) -> dict:
    """`read`: how many were read, `right` of them labelled; `labels`: how many labels."""
    return {"read": read, "precision": round(right / read, 4) if read else None,
            "recall": round(right / labels, 4) if labels else None}


def figures_stated(name: str) -> dict:
    rows = load(name)
    labels = read = right = texts_right = 0
    for row in rows:
        got = distinct_figures(row["text"])
        missed, extra = _matched(row["figures"], got)
        labels, read = labels + len(row["figures"]), read + len(got)
        right += len(row["figures"]) - len(missed)
        texts_right += not missed and not extra
        if missed or extra:
            print(f"  figures: missed {missed}, read besides {[f.text for f in extra]}: {row['text']!r}")
    print(f"{name}: {len(rows)} answers, {labels} figures, {texts_right} answers read right")
    return {"n": len(rows), "figures": labels, **_precision_recall(right, read, labels),
            "answers_right": round(texts_right / len(rows), 4)}


def figures_unshared(name: str) -> dict:
    rows = load(name)
    right = 0
    for row in rows:
        only_first, only_second, _ = unshared(row["first"], row["second"])
        ok = True
        for text, written, labels in ((row["first"], only_first, row["only_first"]),
                                      (row["second"], only_second, row["only_second"])):
            flagged = [f for f in distinct_figures(text) if f.text in written]
            missed, extra = _matched(labels, flagged)
            ok = ok and not missed and not extra
        right += ok
        if not ok:
            print(f"  unshared: read {only_first} | {only_second}, expected {row['only_first']} | "
                  f"{row['only_second']}: {row['first']!r} / {row['second']!r}")
    print(f"{name}: {len(rows)} pairs, {right} read right")
    return {"n": len(rows), "pairs_right": round(right / len(rows), 4)}


def references_cited(name: str) -> dict:
    """The names with a number each text cites (workbench.references), against its labels, each
    compared as the app compares them ("art. 8" is Article 8)."""
    rows = load(name)
    labels = read = right = texts_right = 0
    for row in rows:
        # a label the reader cannot read is still a name to find (missed), never dropped
        wanted = {key for label in row["cites"] for key in (name_keys(label) or [label.lower()])}
        got = set(name_keys(row["text"]))
        labels, read, right = labels + len(wanted), read + len(got), right + len(wanted & got)
        texts_right += wanted == got
        if wanted != got:
            print(f"  references: missed {sorted(wanted - got)}, read besides {sorted(got - wanted)}: {row['text']!r}")
    print(f"{name}: {len(rows)} texts, {labels} names, {texts_right} texts read right")
    return {"n": len(rows), "names": labels, **_precision_recall(right, read, labels),
            "texts_right": round(texts_right / len(rows), 4)}


def judge_replies(name: str) -> dict:
    rows = load(name)
    said = {"A better": "1", "B better": "2", "Tie": "tie", "Both bad": "both bad", None: None}
    right = misread = 0
    for row in rows:
        got = said[read_verdict(row["reply"], first="A")]  # answer 1 is A's
        right += got == row["verdict"]
        misread += got is not None and got != row["verdict"]
        if got != row["verdict"]:
            print(f"  judge reply: expected {row['verdict']}, read {got}: {row['reply']!r}")
    print(f"{name}: {len(rows)} replies, {right} read right")
    return {"n": len(rows), "accuracy": round(right / len(rows), 4), "misread": misread,
            "missed": len(rows) - right - misread}


# each reading and the labelled sets it is measured on: every file of assets/ whose name begins so
# (refusal_eval, refusal_unseen, refusal_unseen2, …), in name order, each a key of the JSON line
READINGS = {"refusal_": refusals, "risk_": risk_levels, "figures_eval": figures_stated,
            "figures_pairs_eval": figures_unshared, "references_eval": references_cited,
            "judge_replies_eval": judge_replies}


def main() -> None:
    figures = {path.stem: read(path.name) for prefix, read in READINGS.items()
               for path in sorted((common.ROOT / "assets").glob(prefix + "*.jsonl"))}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
