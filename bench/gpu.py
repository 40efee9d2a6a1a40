"""GPU benchmark: a Qwen3-8B-shaped model with random bf16 weights (decode speed does not depend on
the values of the weights, only on their shapes and bytes).

    python bench/gpu.py [--levels 1,8,32] [--eager-levels 1,8] [--lora-levels 1,8] [--tokens 256]
                        [--hbm-gbs 3350] [--skip-serve]
    python bench/gpu.py --shape tiny --device cpu      # a quick check of the script itself

Measured in one run, on one model saved to a temporary directory:
  1. single stream: plain `model.generate`, `generate` with a static cache (compiled on CUDA),
     and System B's engine — against the HBM roofline (bandwidth / weight bytes);
  2. System B's engine (continuous batching, CUDA graphs) at each level of concurrent streams,
     and without CUDA graphs at `--eager-levels`;
  3. `transformers serve --continuous-batching` on the same directory at the same levels, through
     its OpenAI-compatible streaming API;
  4. at `--lora-levels`, the engine with a random rank-16 LoRA adapter loaded: base-model rows
     (which keep the CUDA graphs) and rows that all name the adapter (eager steps).
Each figure is also printed as a "# ..." line as soon as it is measured.
Targets (issue 7): engine single stream >= 2x plain generate; 8 concurrent >= 6x single-stream
aggregate; within 20% of `transformers serve --continuous-batching` at 8 concurrent.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from common import DEMO, emit, run_together

SHAPES = {  # Qwen3-8B's config.json, and a tiny one of the same architecture for a dry run
    "8b": dict(hidden_size=4096, intermediate_size=12288, num_hidden_layers=36, num_attention_heads=32,
               num_key_value_heads=8, head_dim=128, vocab_size=151936, max_position_embeddings=40960),
    "tiny": dict(hidden_size=256, intermediate_size=768, num_hidden_layers=4, num_attention_heads=4,
                 num_key_value_heads=2, head_dim=64, vocab_size=151936, max_position_embeddings=4096),
}
PEAK_HBM_GBS = {"H100": 3350, "H200": 4800, "A100": 2039, "L4": 300}  # SXM figures, GB/s


def build_model(shape: str, device: str, out: Path) -> int:
    """Random-weight Qwen3 of the given shape, saved with the demo model's tokenizer and chat
    template; returns the bytes of its weights."""
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM

    dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
    config = Qwen3Config(**SHAPES[shape], rope_theta=1_000_000.0, tie_word_embeddings=False,
                         bos_token_id=None, eos_token_id=2, pad_token_id=0, torch_dtype=dtype)
    with torch.device(device):  # initialise on the GPU: 8B random numbers on the CPU take minutes
        model = Qwen3ForCausalLM(config).to(dtype)
    model.save_pretrained(out)
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja",
                 "special_tokens_map.json"):
        if (DEMO / name).exists():
            shutil.copy(DEMO / name, out / name)
    weight_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    del model
    if device.startswith("cuda"):
        torch.cuda.empty_cache()
    return weight_bytes


def build_adapter(model_dir: Path, device: str) -> str:
    """A random rank-16 LoRA adapter on every projection, saved where the engine discovers it
    (<model>/adapters/<name>); returns its name."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype).to(device)
    config = LoraConfig(r=16, lora_alpha=32, init_lora_weights=False,  # random B: the adapter changes outputs
                        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
    get_peft_model(model, config).save_pretrained(model_dir / "adapters" / "random-lora")
    del model
    if device.startswith("cuda"):
        torch.cuda.empty_cache()
    return "random-lora"


def time_generate(model, ids, tokens: int, **kwargs) -> float:
    import torch

    kwargs.update(max_new_tokens=tokens, min_new_tokens=tokens, do_sample=False, pad_token_id=0)
    with torch.inference_mode():
        model.generate(ids, **{**kwargs, "max_new_tokens": 8, "min_new_tokens": 8})  # warm-up / compile
        model.generate(ids, **kwargs)
        if ids.is_cuda:
            torch.cuda.synchronize()
        started = time.perf_counter()
        out = model.generate(ids, **kwargs)
        if ids.is_cuda:
            torch.cuda.synchronize()
    assert out.shape[1] - ids.shape[1] == tokens
    return tokens / (time.perf_counter() - started)


def concurrent(n: int, one) -> float:
    """Run `one(i)` (which returns output tokens) on n threads at once; aggregate tokens/s."""
    tokens, wall = run_together(n, one)
    return sum(tokens) / wall


def engine_levels(model_dir: Path, device: str, levels: list[int], tokens: int,
                  cuda_graphs: bool = True, adapters: bool = False, adapter: str | None = None) -> dict[int, float]:
    """The engine's aggregate tok/s at each level. `adapters`: load <model>/adapters/*;
    `adapter`: every request names that one."""
    from engines.base import ChatRequest, GenerationParams, collect
    from engines.local import LocalEngine, LocalModelConfig

    engine = LocalEngine(LocalModelConfig(model=str(model_dir), device=device, max_batch_size=max(levels),
                                          discover_adapters=adapters, cuda_graphs=cuda_graphs))
    label = engine.scheduler.decode
    if adapters:
        label += f", adapters {engine.adapters}, rows naming {adapter or 'none'}"
    print(f"# engine decode: {label}", flush=True)
    params = GenerationParams(temperature=0, max_new_tokens=tokens, min_new_tokens=tokens)

    def one(i: int) -> int:
        request = ChatRequest.single(f"Question {i}: what is an ETF?", params=params, adapter=adapter)
        return collect(engine.stream(request)).stats.output_tokens

    for n in levels:  # warm-up: CUDA graphs are captured at each batch size's first step
        concurrent(n, one)
    rates = {}
    for n in levels:
        rates[n] = concurrent(n, one)
        print(f"# engine ({label}) at {n}: {rates[n]:.1f} tok/s", flush=True)
    engine.close()
    return rates


def serve_levels(model_dir: Path, levels: list[int], tokens: int) -> dict[int, float]:
    from openai import OpenAI

    from tests.serve import transformers_serve

    with transformers_serve(model_dir, "--continuous-batching", timeout_s=600) as base_url:
        client = OpenAI(base_url=base_url, api_key="none", timeout=600)

        def one(i: int) -> int:
            stream = client.chat.completions.create(
                model=str(model_dir), stream=True, max_tokens=tokens, temperature=0,
                messages=[{"role": "user", "content": f"Question {i}: what is an ETF?"}],
                stream_options={"include_usage": True})
            usage, finish = None, None
            for chunk in stream:
                usage = chunk.usage or usage
                if chunk.choices and chunk.choices[0].finish_reason:
                    finish = chunk.choices[0].finish_reason
            if usage is not None and usage.completion_tokens:
                return usage.completion_tokens
            # Random weights almost never draw the end token: a "length" finish means all of them.
            return tokens if finish == "length" else 0

        concurrent(1, one)  # warm-up
        rates = {}
        for n in levels:
            rates[n] = concurrent(n, one)
            print(f"# serve at {n}: {rates[n]:.1f} tok/s", flush=True)
        return rates


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shape", choices=list(SHAPES), default="8b")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--levels", default="1,8,32")
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--hbm-gbs", type=float, help="peak memory bandwidth, GB/s (default: by GPU name)")
    parser.add_argument("--skip-serve", action="store_true")
    parser.add_argument("--eager-levels", default="1,8",
                        help="levels at which to measure the engine without CUDA graphs too ('' = none)")
    parser.add_argument("--lora-levels", default="1,8",
                        help="levels at which to measure the engine with a LoRA adapter loaded ('' = none)")
    parser.add_argument("--workdir", type=Path, help="where to save the model (default: a temp dir)")
    args = parser.parse_args()

    import torch
    from transformers import AutoModelForCausalLM

    levels = sorted({1, *(int(x) for x in args.levels.split(","))})
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gpu-bench-"))
    model_dir = workdir / f"qwen3-{args.shape}-random"
    weight_bytes = build_model(args.shape, args.device, model_dir)
    on_cuda = args.device.startswith("cuda")
    gpu = torch.cuda.get_device_name(0) if on_cuda else "cpu"
    hbm = args.hbm_gbs or next((v for k, v in PEAK_HBM_GBS.items() if k in gpu), None)
    roofline = hbm * 1e9 / weight_bytes if hbm else None

    dtype = torch.bfloat16 if on_cuda else torch.float32
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype).to(args.device).eval()
    ids = torch.randint(10, 2000, (1, 64), device=args.device)
    plain = time_generate(model, ids, args.tokens)
    print(f"# plain generate: {plain:.1f} tok/s", flush=True)
    static = time_generate(model, ids, args.tokens, cache_implementation="static")
    print(f"# generate, static cache: {static:.1f} tok/s", flush=True)
    del model
    if on_cuda:
        torch.cuda.empty_cache()
    engine = engine_levels(model_dir, args.device, levels, args.tokens)
    eager_levels = sorted({int(x) for x in args.eager_levels.split(",") if x})
    eager = engine_levels(model_dir, args.device, eager_levels, args.tokens, cuda_graphs=False) if eager_levels else {}
    lora_levels = sorted({int(x) for x in args.lora_levels.split(",") if x})
    lora_base, lora_rows = {}, {}
    if lora_levels:
        name = build_adapter(model_dir, args.device)
        lora_base = engine_levels(model_dir, args.device, lora_levels, args.tokens, adapters=True)
        lora_rows = engine_levels(model_dir, args.device, lora_levels, args.tokens, adapters=True, adapter=name)
        shutil.rmtree(model_dir / "adapters")  # transformers serve gets the bare model
    serve = {}
    if not args.skip_serve:
        try:
            serve = serve_levels(model_dir, levels, args.tokens)
        except Exception as exc:  # noqa: BLE001 - keep the figures measured so far
            print(f"# transformers serve failed: {exc}", flush=True)
    mid = 8 if 8 in levels else max(levels)
    figures = {
        "gpu": gpu, "shape": args.shape, "weight_gb": round(weight_bytes / 1e9, 2), "tokens": args.tokens,
        "roofline_tok_s": round(roofline, 1) if roofline else None,
        "single_stream_tok_s": {"generate": round(plain, 1), "generate_static_cache": round(static, 1),
                                "engine": round(engine[1], 1)},
        "engine_tok_s": {str(n): round(v, 1) for n, v in engine.items()},
        "engine_eager_tok_s": {str(n): round(v, 1) for n, v in eager.items()},
        "serve_cb_tok_s": {str(n): round(v, 1) for n, v in serve.items()},
        "engine_lora_loaded_base_rows_tok_s": {str(n): round(v, 1) for n, v in lora_base.items()},
        "engine_lora_rows_tok_s": {str(n): round(v, 1) for n, v in lora_rows.items()},
        "ratios": {"engine_single_vs_generate": round(engine[1] / plain, 2),
                   f"engine_{mid}_vs_single": round(engine[mid] / engine[1], 2),
                   f"engine_vs_serve_at_{mid}": round(engine[mid] / serve[mid], 2) if serve else None,
                   "graphs_vs_eager_single": round(engine[1] / eager[1], 2) if 1 in eager else None},
        "targets": "single >= 2x generate; 8 concurrent >= 6x single; >= 0.8x serve --continuous-batching at 8",
    }
    table = [["path", *[f"{n} stream{'s' if n > 1 else ''} (tok/s)" for n in levels]],
             ["System B engine", *[f"{engine[n]:.0f}" for n in levels]]]
    if eager:
        table.append(["System B engine, no CUDA graphs", *[f"{eager[n]:.0f}" if n in eager else "" for n in levels]])
    if lora_levels:
        table.append(["System B engine, LoRA adapter loaded, base rows",
                      *[f"{lora_base[n]:.0f}" if n in lora_base else "" for n in levels]])
        table.append(["System B engine, every row through the adapter",
                      *[f"{lora_rows[n]:.0f}" if n in lora_rows else "" for n in levels]])
    if serve:
        table.append(["transformers serve --continuous-batching", *[f"{serve[n]:.0f}" for n in levels]])
    table += [["plain generate", f"{plain:.0f}", *[""] * (len(levels) - 1)],
              ["generate, static cache", f"{static:.0f}", *[""] * (len(levels) - 1)]]
    if roofline:
        table.append(["HBM roofline (batch 1)", f"{roofline:.0f}", *[""] * (len(levels) - 1)])
    emit("gpu", figures, table)
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
