"""What reading a degenerate answer costs: each function that reads model output on every update
(safe display, the figures marked apart, language, refusal, risk, notation) and the router that
reads each query, run over texts of 60,000 characters that loop on one piece (a small model's
repetition, a prompt injection that asks for it, a pasted query): the slowest function and text,
and every pairing over 0.1 s.

    python bench/degenerate_text.py [--chars 60000]

Patterns that let each of many openings scan to the end of the text took 32 s (60,000 newlines,
figures' list markers), 11 s (30,000 "![", images) and 5 s (20,000 "\\( ", formulas) before
they were bounded.
"""

from __future__ import annotations

import argparse
import time

import common  # first: it puts the project on the path

from engines.router import classify
from ui.compare_view import marked_answer
from workbench.figures import unshared_places
from workbench.language import part_language
from workbench.notation import prose
from workbench.refusal import is_refusal
from workbench.risk import risk_level
from workbench.safety import safe_markdown

PIECES = {"newlines": "\n", "blank lines with spaces": " \n", "spaces": " ", "open brackets": "[",
          "image openings": "![", "link openings": "[a](", "formula openings": "\\( ", "display openings": "$$ a",
          "backticks": "`", "code fences": "```\n", "tag openings": "<a", "autolinks": "<http://a",
          "think tags": "<think>", "digits and commas": "1,", "decimals": "1.", "percentages": "12% ",
          "list dashes": "- ", "headings": "# ", "stars": "*", "words": "risk ", "backslashes": "\\",
          "times": "23:00 ", "clock hours": "11 pm ", "verdicts": "Overall: ", "places": "pays a risque ",
          "dates": "15/03/2024 ", "day numbers": "1 ", "day and month": "15 March ",
          "named numbers": "Article 1 and ", "ranges": "1-", "code articles": "L.1-", "brackets": "(1) ",
          "table cells": "| (1) ", "currency codes": "1 MEUR ", "code sections": "31 CFR 1.", "section signs": "§ 1 ",
          "concern labels": "Level of concern: ", "between levels": "between low and ",
          "lists of names": "Stages 1, 2, ", "RAG labels": "RAG status: ",
          "file ratings": "Cotation du dossier : ", "French ratings": "qualifie ce risque de ",
          "signed currencies": "-$1 ", "dashes": "–", "questions about wrongs": "how do criminals launder ",
          "orders": ". Route ", "copy asks": "fraudsters help me do ", "asks to delete": "how to delete ",
          "negations": "not a ", "scales in words": "on a five-point scale at ", "verdicts of risky": "Verdict: risky ",
          "lines in two languages": "Risk: medium.\nRisque : moyen.\n"}
READERS = {"safe_markdown": safe_markdown, "marked_answer": lambda text: marked_answer(text, "It is 1."),
           "unshared_places": lambda text: unshared_places(text, "It is 1."),
           "part_language": lambda text: part_language.__wrapped__(text),  # not its cache
           "is_refusal": is_refusal, "risk_level": risk_level, "prose": prose,
           "router": classify}  # what a query is routed by: a user may paste anything


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=60000)
    args = parser.parse_args()
    timings = []
    for name, piece in PIECES.items():
        text = piece * (args.chars // len(piece))
        for reader, read in READERS.items():
            started = time.perf_counter()
            read(text)
            timings.append((time.perf_counter() - started, name, reader))
    slowest = max(timings)
    slow = sorted((t for t in timings if t[0] > 0.1), reverse=True)
    common.emit("degenerate_text", {"chars": args.chars, "texts": len(PIECES), "readers": len(READERS),
                                    "slowest_s": round(slowest[0], 3), "slowest": f"{slowest[2]} on {slowest[1]}",
                                    "over_0_1_s": len(slow)},
                [["reader", "text", "seconds"], *([r, n, f"{t:.3f}"] for t, n, r in slow or [slowest])])


if __name__ == "__main__":
    main()
