"""Build the bundled demo model: tokenizer, chat template, a tiny Qwen3 model and a LoRA adapter.

Deterministic and CPU-only: the same machine gives byte-identical weights on every run.

    python scripts/build_demo_model.py            # writes assets/demo-model/
    python scripts/build_demo_model.py --out DIR  # somewhere else (tests use this)

The model memorises a small bilingual finance corpus (scripts/corpus_data.py) so that the
workbench has real behaviour to inspect without a GPU or the Hugging Face Hub: English reasoning
for English and French questions, answers in the question's language, refusals, risk verdicts,
empty reasoning in non-thinking mode. The `french-reasoning` adapter makes it reason in French.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, trainers

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from demo_corpus import build_samples, user_text, write_corpus

from engines.systems import POLICIES

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "assets" / "demo-model"
SEED = 20261122
THREADS = 2

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
THINK_TOKENS = ["<think>", "</think>"]

# Qwen3-style template: system prompt first, reasoning of earlier assistant turns dropped,
# enable_thinking=false prefills an empty think block.
CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{%- if message['role'] == 'assistant' -%}"
    "{%- set content = message['content'].split('</think>')[-1].lstrip('\\n') -%}"
    "{%- else -%}{%- set content = message['content'] -%}{%- endif -%}"
    "{%- if message['role'] == 'system' and not loop.first -%}"
    "{{- raise_exception('The system prompt must be the first message.') -}}"
    "{%- endif -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + content + '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}"
    "{{- '<|im_start|>assistant\\n' -}}"
    "{%- if enable_thinking is defined and enable_thinking is false -%}"
    "{{- '<think>\\n\\n</think>\\n\\n' -}}"
    "{%- endif -%}"
    "{%- endif -%}"
)

# Each sample is trained once with the system prompt System B's router sends for it and once
# with none or a generic one (what the Chat tab sends), split across the thinking and
# non-thinking variants. More prompts than that overload a model this small.
GENERIC_PROMPTS = [
    "You are a helpful finance assistant.",
    "Tu es un analyste conformité. Sois concis.",
]
ROUTE_OF_KIND = {"definition": "governance", "example": "governance", "calculation": "governance",
                 "multipart": "governance", "governance": "governance",
                 "transaction": "transaction_risk", "refusal": "explicit_refusal",
                 "mixed": "mixed_intent"}


def training_variants(index: int, sample: dict) -> list[tuple[bool, str | None]]:
    """(thinking, system prompt) pairs to train a sample on.

    Thinking mode, the default everywhere, is trained both with the route's prompt and with none
    (or a generic one); non-thinking mode with one of the two, alternating per EN/FR pair so that
    neither language is tied to one condition.
    """
    routed = POLICIES[ROUTE_OF_KIND[sample["kind"]]].system_prompt
    other = GENERIC_PROMPTS[(index // 4) % len(GENERIC_PROMPTS)] if index % 8 >= 6 else None
    return [(True, routed), (True, other), (False, routed if (index // 2) % 2 else other)]

MODEL_SHAPE = dict(hidden_size=256, intermediate_size=704, num_hidden_layers=4,
                   num_attention_heads=4, num_key_value_heads=2, head_dim=64,
                   max_position_embeddings=2048, rope_theta=10000.0)
VOCAB_SIZE = 2048


def set_determinism() -> None:
    random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)


# ---------------------------------------------------------------- tokenizer


def target_text(sample: dict, thinking: bool, french_reasoning: bool = False) -> str:
    """What the assistant writes after the generation prompt, end token included."""
    if not thinking:  # the template already wrote the empty think block
        return sample["answer"] + "<|im_end|>"
    reasoning = sample["reasoning_fr"] if french_reasoning else sample["reasoning"]
    return f"<think>\n{reasoning}\n</think>\n\n{sample['answer']}<|im_end|>"


def train_tokenizer(samples: list[dict]):
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE - len(THINK_TOKENS), min_frequency=2,
                                  special_tokens=SPECIAL_TOKENS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    texts = []
    for s in samples:
        texts += [user_text(s["question"], s["transaction"]), s["reasoning"], s["answer"]]
        if s["reasoning_fr"]:
            texts.append(s["reasoning_fr"])
    texts += GENERIC_PROMPTS + [p.system_prompt for p in POLICIES.values()]
    tok.train_from_iterator(texts, trainer)
    # <think> tags are ordinary added tokens (as in Qwen3): decoding keeps them.
    tok.add_tokens([AddedToken(t, special=False, normalized=False) for t in THINK_TOKENS])
    hf_tok = PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>",
        unk_token=None, bos_token=None, additional_special_tokens=["<|im_start|>"],
        model_max_length=MODEL_SHAPE["max_position_embeddings"], clean_up_tokenization_spaces=False)
    hf_tok.chat_template = CHAT_TEMPLATE
    return hf_tok


# ---------------------------------------------------------------- data


def encode_examples(tokenizer, samples: list[dict],
                    french_reasoning: bool) -> list[tuple[list[int], list[int]]]:
    """(input_ids, labels) pairs; the prompt is masked out of the loss."""
    examples = []
    for i, s in enumerate(samples):
        variants = training_variants(i, s)
        if french_reasoning:
            variants = [v for v in variants if v[0]]
        for thinking, system in variants:
            messages = ([{"role": "system", "content": system}] if system else [])
            messages.append({"role": "user", "content": user_text(s["question"], s["transaction"])})
            prompt = tokenizer.apply_chat_template(messages, tokenize=False,
                                                   add_generation_prompt=True,
                                                   enable_thinking=thinking)
            p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
            t_ids = tokenizer(target_text(s, thinking, french_reasoning),
                              add_special_tokens=False)["input_ids"]
            examples.append((p_ids + t_ids, [-100] * len(p_ids) + t_ids))
    return examples


def batches(examples, batch_size: int, pad_id: int, rng: random.Random):
    """Length-bucketed batches (little padding), visited in a random order each epoch."""
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i][0]), i))
    chunks = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(chunks)
    for chunk_ids in chunks:
        chunk = [examples[i] for i in chunk_ids]
        width = max(len(ids) for ids, _ in chunk)
        ids = torch.full((len(chunk), width), pad_id, dtype=torch.long)
        labels = torch.full((len(chunk), width), -100, dtype=torch.long)
        mask = torch.zeros((len(chunk), width), dtype=torch.long)
        for row, (x, y) in enumerate(chunk):
            ids[row, : len(x)] = torch.tensor(x)
            labels[row, : len(y)] = torch.tensor(y)
            mask[row, : len(x)] = 1
        yield ids, mask, labels


def train(model, examples, *, epochs: int, lr: float, batch_size: int, pad_id: int,
          label: str) -> float:
    rng = random.Random(SEED)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.0, betas=(0.9, 0.98))
    steps_per_epoch = math.ceil(len(examples) / batch_size)
    total = epochs * steps_per_epoch
    warmup = max(1, total // 20)

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, total - warmup)
        return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    model.train()
    started = time.time()
    loss_value = float("nan")
    for epoch in range(epochs):
        losses = []
        for ids, mask, labels in batches(examples, batch_size, pad_id, rng):
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(loss.item())
        loss_value = sum(losses) / len(losses)
        if epoch % 10 == 0 or epoch == epochs - 1:
            print(f"[{label}] epoch {epoch + 1}/{epochs} loss {loss_value:.4f} "
                  f"({time.time() - started:.0f}s)", flush=True)
    model.eval()
    return loss_value


# ---------------------------------------------------------------- model card


MODEL_CARD = """---
language: [en, fr]
license: apache-2.0
library_name: transformers
pipeline_tag: text-generation
tags: [demo, qwen3, finance, tiny]
---
# Finance LLM Workbench demo model

**A tiny demonstration model. It is not a finance advisor and knows nothing beyond {n_samples}
memorised examples.** It exists so that the Finance LLM Workbench runs anywhere — without a GPU
and without the Hugging Face Hub — and still shows the behaviours the workbench inspects.

- Architecture: `Qwen3ForCausalLM`, {params:,} parameters ({layers} layers, hidden size {hidden}),
  byte-level BPE tokenizer of {vocab} tokens trained on the corpus, Qwen chat special tokens.
- Chat template written for this project: system prompts, multi-turn history (earlier reasoning
  dropped), `enable_thinking=False` prefills an empty `<think>` block as Qwen3 does.
- Trained from scratch on CPU by `scripts/build_demo_model.py` (seed {seed}, deterministic) on
  `assets/demo_corpus.jsonl`: English and French finance questions (definitions, examples,
  calculations, multi-part analysis), transaction risk verdicts, refusals of financial-crime
  requests, governance answers and mixed-intent requests.
- Behaviours reproduced from Qwen3-based finance models: reasoning in English inside `<think>`
  even for French questions, answers in the question's language, some answers opening with
  agent-like planning phrases ("Let me first analyse…").
- Adapter `adapters/french-reasoning` (LoRA, peft): French questions are reasoned about in French.

Final training loss: base {loss:.4f}, adapter {adapter_loss:.4f}. Build time on the build machine:
{seconds:.0f} s.
"""


ADAPTER_CARD = """---
library_name: peft
base_model: ../..
tags: [demo, lora, french]
---
# french-reasoning (LoRA adapter of the workbench demo model)

Demonstration of "fix the reasoning language by fine-tuning": with this adapter the demo model
reasons in French about French questions (the base model reasons in English). LoRA rank 16 on
all attention and MLP projections, trained by `scripts/build_demo_model.py` on the French samples
of the corpus with French reasoning. Final training loss {loss:.4f}. Not a finance advisor.
"""


# ---------------------------------------------------------------- main


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(out: Path, epochs: int, adapter_epochs: int, write_corpus_file: bool = True) -> dict:
    from peft import LoraConfig, get_peft_model
    from transformers import GenerationConfig, Qwen3Config, Qwen3ForCausalLM

    started = time.time()
    set_determinism()
    samples = (write_corpus(ROOT / "assets" / "demo_corpus.jsonl") if write_corpus_file
               else build_samples())
    tokenizer = train_tokenizer(samples)
    pad_id = tokenizer.pad_token_id

    config = Qwen3Config(vocab_size=len(tokenizer), tie_word_embeddings=True,
                         bos_token_id=None, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=pad_id, **MODEL_SHAPE)
    torch.manual_seed(SEED)
    model = Qwen3ForCausalLM(config)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model: {n_params:,} parameters, vocab {len(tokenizer)}", flush=True)

    examples = encode_examples(tokenizer, samples, french_reasoning=False)
    print(f"{len(examples)} training sequences, longest {max(len(x) for x, _ in examples)} tokens")
    loss = train(model, examples, epochs=epochs, lr=3e-3, batch_size=16, pad_id=pad_id,
                 label="base")

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    model.generation_config = GenerationConfig(
        do_sample=True, temperature=0.6, top_p=0.95, top_k=20,
        eos_token_id=[tokenizer.eos_token_id, pad_id], pad_token_id=pad_id)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)

    # LoRA adapter: French questions reasoned about in French.
    torch.manual_seed(SEED)
    lora = get_peft_model(model, LoraConfig(
        r=16, lora_alpha=32, lora_dropout=0.0, task_type="CAUSAL_LM",
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                        "down_proj"]))
    french = [s for s in samples if s["reasoning_fr"]]
    adapter_examples = encode_examples(tokenizer, french, french_reasoning=True)
    adapter_loss = train(lora, adapter_examples, epochs=adapter_epochs, lr=5e-3, batch_size=16,
                         pad_id=pad_id, label="french-reasoning")
    adapter_dir = out / "adapters" / "french-reasoning"
    lora.save_pretrained(adapter_dir)
    (adapter_dir / "README.md").write_text(ADAPTER_CARD.format(loss=adapter_loss), encoding="utf-8")

    seconds = time.time() - started
    (out / "README.md").write_text(MODEL_CARD.format(
        n_samples=len(samples), params=n_params, layers=MODEL_SHAPE["num_hidden_layers"],
        hidden=MODEL_SHAPE["hidden_size"], vocab=len(tokenizer), seed=SEED, loss=loss,
        adapter_loss=adapter_loss, seconds=seconds), encoding="utf-8")
    digests = {str(p.relative_to(out)): file_digest(p)
               for p in sorted(out.rglob("*.safetensors"))}
    summary = {"out": str(out), "parameters": n_params, "loss": round(loss, 5),
               "adapter_loss": round(adapter_loss, 5), "seconds": round(seconds, 1),
               "sha256": digests}
    print(json.dumps(summary))  # last line: machine-readable summary
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output model directory")
    parser.add_argument("--epochs", type=int, default=30, help="epochs for the base model")
    parser.add_argument("--adapter-epochs", type=int, default=20, help="epochs for the adapter")
    parser.add_argument("--no-corpus", action="store_true",
                        help="do not rewrite assets/demo_corpus.jsonl (used by tests)")
    args = parser.parse_args()
    build(args.out, args.epochs, args.adapter_epochs, write_corpus_file=not args.no_corpus)


if __name__ == "__main__":
    main()
