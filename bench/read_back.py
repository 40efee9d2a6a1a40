"""What reading an answer back costs against writing it: engines.confidence's one forward pass.

    python bench/read_back.py [--tokens 512] [--rounds 2] [--thinking on|off]

Each question is answered (greedy, one at a time), then read back by the model that wrote it
(LocalEngine.answer_confidence: its probability of every answer token). Prints the median time
of each and their ratio — what *Read System B's answers again* adds to a batch run, and the
tuning tab to each run — and checks that every greedy token read back is the model's likeliest.
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import DEMO, emit

QUESTIONS = ["What is the P/E ratio of a company with a share price of 30 and earnings per share of 2?",
             "Qu'est-ce que la duration ?", "What is EBITDA?", "Explain the Sharpe ratio.",
             "Quel est le rendement d'une obligation de 1 000 euros qui verse 40 euros par an ?"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(DEMO))
    parser.add_argument("--tokens", type=int, default=512)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--thinking", choices=["on", "off"], default="on")
    args = parser.parse_args()

    from engines.base import ChatRequest, GenerationParams, collect
    from engines.local import LocalEngine, LocalModelConfig

    engine = LocalEngine(LocalModelConfig(model=args.model))
    params = GenerationParams(temperature=0, max_new_tokens=args.tokens, enable_thinking=args.thinking == "on")
    warm = ChatRequest.single(QUESTIONS[0], params=params)
    engine.answer_confidence(warm, "", collect(engine.stream(warm)).content)  # warm-up, not counted
    written, read, tokens, likeliest = [], [], [], True
    for question in QUESTIONS * args.rounds:
        request = ChatRequest.single(question, params=params)
        started = time.perf_counter()
        done = collect(engine.stream(request))
        written.append(time.perf_counter() - started)
        started = time.perf_counter()
        chances = engine.answer_confidence(request, done.reasoning, done.content)
        read.append(time.perf_counter() - started)
        tokens.append((done.stats.output_tokens, len(chances)))
        likeliest = likeliest and all(c.likeliest[0][0] == c.text for c in chances)
    wrote_s, read_s = statistics.median(written), statistics.median(read)
    wrote_n, read_n = statistics.median(t for t, _ in tokens), statistics.median(n for _, n in tokens)
    emit("read_back", {
        "answers": len(written), "thinking": args.thinking, "max_new_tokens": args.tokens,
        "median_write_s": round(wrote_s, 4), "median_read_s": round(read_s, 4),
        "write_over_read": round(wrote_s / read_s, 1),
        "median_tokens_written": wrote_n, "median_answer_tokens_read": read_n,
        "greedy_tokens_are_the_likeliest": likeliest},
        [["", "median time (s)", "tokens"],
         ["answer written (reasoning and answer)", f"{wrote_s:.3f}", f"{wrote_n}"],
         ["answer read back", f"{read_s:.3f}", f"{read_n}"],
         ["ratio", f"{wrote_s / read_s:.1f}x faster to read", ""]])
    engine.close()


if __name__ == "__main__":
    main()
