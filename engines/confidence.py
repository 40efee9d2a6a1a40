"""How sure the local model was of each token of an answer it wrote.

The answer is read again by the model (one forward pass, no generation) after the prompt and the
reasoning as they were written, and each of its tokens gets the probability the model gave it
there, with the likeliest tokens at that place — the model's own distribution, before temperature,
top-p or any other sampling setting. A token the model was unsure of (a digit of a figure at 41%,
with another digit at 38%) is where a second run may well say something else: workbench.confidence
reads those places for the analyst.

It runs on the engine's worker thread between two decode steps (engines.batching.Scheduler.
between_steps), so it never races the answers being generated, and through the LoRA adapter the
answer was written with.
"""

from __future__ import annotations

from typing import Any

import torch

from engines.chances import TokenChance
from engines.reasoning import CLOSE_TAG, OPEN_TAG

# the longest answer read (its logits are held together: 2,048 × a 152k vocabulary in bf16 is 0.6 GB)
MAX_TOKENS = 2048


def answer_head(prompt: str, thinking: bool, reasoning: str) -> str:
    """What the model had read and written before the answer's first token: the prompt, then —
    with thinking on — its reasoning block as Qwen3 writes it (an empty one when it wrote none).
    With thinking off the chat template closes an empty block itself."""
    if not thinking:
        return prompt
    return f"{prompt}{OPEN_TAG}\n{reasoning.strip()}\n{CLOSE_TAG}\n\n" if reasoning.strip() else \
        f"{prompt}{OPEN_TAG}\n\n{CLOSE_TAG}\n\n"


@torch.no_grad()
def token_chances(model: Any, tokenizer: Any, head: str, answer: str, *, device: torch.device, top: int = 5,
                  adapter_names: list[str] | None = None) -> list[TokenChance]:
    """Each token of `answer` read after `head`, with its probability and the `top` likeliest
    tokens at its place (at most MAX_TOKENS of them; the rest are not read)."""
    if not answer.strip():
        return []
    full = head + answer
    enc = tokenizer(full, add_special_tokens=False, return_offsets_mapping=True)
    ids, offsets = enc["input_ids"], enc["offset_mapping"]
    cut = len(head)
    first = next((i for i, (_, end) in enumerate(offsets) if end > cut), len(ids))
    first = max(first, 1)  # the first token has nothing before it to be predicted from
    last = min(len(ids), first + MAX_TOKENS)
    n = last - first
    if n <= 0:
        return []
    kwargs = {"adapter_names": adapter_names} if adapter_names else {}
    out = model(input_ids=torch.tensor([ids[:last]], device=device), logits_to_keep=n + 1, use_cache=False, **kwargs)
    logits = out.logits[0, :n]  # row i: what the model expected at position first + i
    chosen = torch.tensor(ids[first:last], device=logits.device)
    probs, likeliest, values = [], [], []
    for at in range(0, n, 256):  # softmax a few hundred rows at a time: a 150k-token vocabulary is large
        rows = torch.softmax(logits[at:at + 256].float(), dim=-1)
        probs += rows.gather(1, chosen[at:at + 256, None])[:, 0].tolist()
        top_p, top_i = rows.topk(min(top, rows.shape[-1]), dim=-1)
        values += top_p.tolist()
        likeliest += top_i.tolist()
    texts: dict[int, str] = {}

    def text(token: int) -> str:
        if token not in texts:
            texts[token] = tokenizer.decode([token])
        return texts[token]

    chances = []
    for i in range(n):
        start, end = offsets[first + i]
        start = max(start, cut)
        chances.append(TokenChance(text=full[start:end], start=start - cut, prob=probs[i],
                                   likeliest=tuple((text(t), p) for t, p in zip(likeliest[i], values[i], strict=True))))
    return chances
