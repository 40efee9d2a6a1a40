"""Would a learned router catch more new forbidden asks than the rules? Each labelled set of
queries is read, as it was first run, by the rules as they stood when the set was written (the
router's files at the commit that added it, from git) and by a linear model (scikit-learn: TF-IDF
of character and word n-grams, logistic regression) fitted on every set written before it; and by
the rules with the model's second opinion (a query the rules did not refuse is refused when the
model finds it a forbidden ask at `--at` or more and no question's framing excuses it, as
engines.about_a_wrong reads it). Prints, per set in the order written and over all of them:
accuracy, forbidden asks caught, and queries refused that ask for nothing wrong; the JSON line
holds [right, queries, asks caught, asks, false refusals] of each. Then the hard cases that ask
for nothing wrong (near_misses): how many the model's opinion would refuse.

    python bench/router_learned.py [--at 0.5]

Needs the git history (a clone, not an archive) and scikit-learn (requirements-dev.txt). The
router's first-run figures in the README were measured as each set was written; a set committed
after mends it did not prompt reads higher here (the rules as committed, not as first run).
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import common  # first: it puts the project on the path

from engines.about_a_wrong import ABOUT_A_WRONG, DOING
from engines.router import fold

# the router and its modules of rules: a snapshot holds the whole of engines/ as a commit had it, so a module
# split out later is never missing
ENGINES = "engines"
PHRASINGS = "router_phrasings.jsonl"  # the hard cases: each class a set taught, and its words meant otherwise
REFUSAL = "explicit_refusal"
# what a snapshot of the rules prints: each query's route, and whether a question's framing excuses it
_READ = """
import json, sys
sys.path.insert(0, sys.argv[1])
from engines.router import classify, fold
try:
    from engines.about_a_wrong import ABOUT_A_WRONG, DOING
except ImportError:
    try:
        from engines.forbidden_asks import ABOUT_A_WRONG, DOING
    except ImportError:
        ABOUT_A_WRONG = DOING = None
rows = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
excused = lambda t: bool(ABOUT_A_WRONG and ABOUT_A_WRONG.search(t) and not DOING.search(t))
print(json.dumps([[classify(r["query"], r["transaction"]).route, excused(fold(r["query"]))] for r in rows]))
"""


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=common.ROOT, capture_output=True, text=True, check=True).stdout


def sets_in_order() -> list[tuple[str, str]]:
    """Every labelled set of queries, oldest first, and the commit whose rules read it first: the one
    that added it, or the one before when that commit also changed the rules (a set added with the
    mends it prompted)."""
    added = []
    for path in sorted((common.ROOT / "assets").glob("router_*.jsonl")):
        if path.name == PHRASINGS:
            continue  # written with the mends they test, not before
        log = git("log", "--diff-filter=A", "--format=%H %at", "--", f"assets/{path.name}").split()
        commit = log[-2]
        if git("show", "--format=", "--name-only", commit, "--", ENGINES).strip():
            commit += "^"
        added.append((int(log[-1]), path.name, commit))
    return [(name, commit) for _, name, commit in sorted(added)]


def rules_then(commit: str, name: str) -> list[list] | None:
    """[route, excused] per query of set `name`, by the router as it stood at `commit`."""
    with tempfile.TemporaryDirectory() as snapshot:
        archive = subprocess.run(["git", "archive", commit, ENGINES], cwd=common.ROOT, capture_output=True)
        if archive.returncode == 0:
            with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
                tar.extractall(snapshot, filter="data")
        if not (Path(snapshot) / "engines" / "router.py").exists():
            return None  # before the router was written
        out = subprocess.run([sys.executable, "-c", _READ, snapshot, str(common.ROOT / "assets" / name)],
                             capture_output=True, text=True)
        if out.returncode:  # a module of rules the snapshot lacks: say so, never drop the set unsaid
            raise SystemExit(f"the router as of {commit[:7]} could not read {name}:\n{out.stderr[-2000:]}")
        return json.loads(out.stdout)


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (common.ROOT / "assets" / name).open(encoding="utf-8")]


def model_text(row: dict) -> str:
    """What the model reads of a query: folded as the router folds it, and a word for a transaction."""
    return fold(row["query"]) + (" __tx__" if row["transaction"] else "")


def fitted(rows: list[dict]):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    model = make_pipeline(make_union(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                                     min_df=2),
                                     TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
                          LogisticRegression(C=10, max_iter=3000))
    return model.fit([model_text(r) for r in rows], [r["route"] for r in rows])


def counted(rows: list[dict], routes: list[str]) -> list[int]:
    """[right, queries, asks caught, asks, false refusals] of `routes` against `rows`."""
    pairs = list(zip(routes, (r["route"] for r in rows), strict=True))
    return [sum(got == gold for got, gold in pairs), len(pairs), sum(got == gold == REFUSAL for got, gold in pairs),
            sum(gold == REFUSAL for _, gold in pairs), sum(got == REFUSAL != gold for got, gold in pairs)]


def shown(right: int, queries: int, caught: int, asks: int, false: int) -> list:
    return [f"{right / queries:.1%}", f"{caught}/{asks}", false]


def near_misses(model_rows: list[dict], at: float, folds: int = 10) -> tuple[int, int]:
    """The hard cases (assets/router_phrasings.jsonl) that ask for nothing wrong — questions about a
    wrong, and the words of a forbidden ask meant otherwise — each read by the model fitted on every
    set and the other folds: (refused at `at` or more with no question's framing, of how many). The
    rules route all of them as labelled."""
    cases = load(PHRASINGS)
    refused = asked = 0
    for k in range(folds):
        model = fitted(model_rows + [c for i, c in enumerate(cases) if i % folds != k])
        held = [c for i, c in enumerate(cases) if i % folds == k and c["route"] != REFUSAL]
        p = model.predict_proba([model_text(c) for c in held])[:, list(model.classes_).index(REFUSAL)]
        for case, chance in zip(held, p, strict=True):
            text = fold(case["query"])
            refused += int(chance >= at and not (ABOUT_A_WRONG.search(text) and not DOING.search(text)))
        asked += len(held)
    return refused, asked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--at", type=float, default=0.5, help="how sure the model must be to refuse")
    args = parser.parse_args()
    order = sets_in_order()
    table = [["set", "queries", "rules", "asks", "false", "model", "asks", "false", "both", "asks", "false"]]
    figures = {}
    totals = [[0] * 5 for _ in range(3)]
    for k, (name, commit) in enumerate(order):
        if k < 2:
            continue  # the development and holdout sets: what the first model learns from
        rules = rules_then(commit, name)
        if rules is None:
            continue
        rows = load(name)
        model = fitted([r for earlier, _ in order[:k] for r in load(earlier)])
        texts = [model_text(r) for r in rows]
        p = model.predict_proba(texts)[:, list(model.classes_).index(REFUSAL)]
        learned = list(model.predict(texts))
        both = [REFUSAL if route != REFUSAL and chance >= args.at and not excused else route
                for (route, excused), chance in zip(rules, p, strict=True)]
        found = [counted(rows, [route for route, _ in rules]), counted(rows, learned), counted(rows, both)]
        figures[name.removesuffix(".jsonl")] = dict(zip(("rules", "model", "rules_and_model"), found, strict=True))
        table.append([name.removesuffix(".jsonl"), len(rows), *[cell for one in found for cell in shown(*one)]])
        totals = [[a + b for a, b in zip(total, one, strict=True)] for total, one in zip(totals, found, strict=True)]
    table.append(["all", totals[0][1], *[cell for one in totals for cell in shown(*one)]])
    refused, asked = near_misses([r for name, _ in order for r in load(name)], args.at)
    common.emit("router_learned", {"at": args.at, "sets": figures, "all": totals,
                                   "hard_cases_refused": [refused, asked]}, table)
    print(f"\nhard cases that ask for nothing wrong, refused by the model's opinion: {refused} of {asked}")


if __name__ == "__main__":
    main()
