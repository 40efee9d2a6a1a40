"""One Settings object from environment variables and command-line flags.

Every flag has an environment variable (shown in ``python app.py --help``); a flag wins over its
variable. Secrets (API keys, the basic-auth password) are read from the environment only, never
from flags, so they do not end up in shell history or process listings.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path

from engines.cost import PRICES_EXAMPLE, TokenPrices, parse_hourly, parse_prices

ROOT = Path(__file__).resolve().parent.parent
DEMO_MODEL_DIR = ROOT / "assets" / "demo-model"
GPU_DEFAULT_MODEL = "DragonLLM/Qwen-Open-Finance-R-8B"


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def cuda_available() -> bool:
    try:
        import torch

        return bool(torch.cuda.is_available())
    except ImportError:
        return False


@dataclass
class Settings:
    # server
    host: str = "127.0.0.1"
    port: int = 7860
    share: bool = False
    allow_public_share: bool = False  # --share without auth is refused unless this is set
    auth_env: str = "WORKBENCH_AUTH"  # name of the variable holding "user:password"
    queue_size: int = 64
    concurrency: int = 16
    max_file_mb: int = 5
    # System B
    model: str = ""  # empty = choose by hardware
    device: str = "auto"
    quantization: str = "none"
    attn_implementation: str | None = None
    adapters: dict[str, str] = field(default_factory=dict)
    max_batch_size: int = 8
    batching: str = "continuous"
    cuda_graphs: bool = True
    adapter_loading: bool = True  # LoRA adapters may be loaded and unloaded while the app runs
    engine_process: bool = False  # load System B's model in a child process, apart from the web server
    cpu_threads: int = 0  # on CPU, the model's threads; 0 = torch's default (every core)
    system_b_hourly_usd: float | None = None  # what System B's machine costs an hour
    # System A
    system_a_provider: str = "deepseek"
    system_a_base_url: str | None = None
    system_a_model: str | None = None
    system_a_key_env: str | None = None
    system_a_deadline_s: float = 180.0
    system_a_prices: TokenPrices | None = None  # what System A's provider bills per 1M tokens
    system_a_tokenizer: str | None = None  # its model's tokenizer (Hub id or folder): prompts counted
    system_a_context: int | None = None  # the tokens its model reads at most, as the provider says
    system_a_logprobs: bool = True  # ask for its answers' token probabilities (dropped if refused)
    # settings read from the environment that could not be used: shown at start, the app still runs
    problems: list[str] = field(default_factory=list)
    # data
    results_dir: Path = ROOT / "runs"
    refuse_calls_model: bool = False
    log_level: str = "INFO"

    @property
    def model_or_default(self) -> str:
        if self.model:
            return self.model
        return GPU_DEFAULT_MODEL if cuda_available() else str(DEMO_MODEL_DIR)

    @property
    def uses_demo_model(self) -> bool:
        try:
            return Path(self.model_or_default).resolve() == DEMO_MODEL_DIR.resolve()
        except OSError:
            return False

    def auth(self) -> list[tuple[str, str]] | None:
        """The users and passwords the app asks for: `user:password`, or several separated by `;`
        (`ana:pw1;marc:pw2`) so that each analyst signs in as themselves and their verdicts are
        kept apart. A value that does not split into such pairs is one pair (a password may hold
        `:` or `;`). None when unset or without a user and a password."""
        raw = os.environ.get(self.auth_env, "")
        pairs = [item.partition(":") for item in raw.split(";")]
        if len(pairs) == 1 or not all(user and sep and password for user, sep, password in pairs):
            pairs = [raw.partition(":")]
        found = [(user, password) for user, sep, password in pairs if user and sep and password]
        return found or None


def _parse_adapters(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise argparse.ArgumentTypeError(f"--adapter takes NAME=PATH, got {item!r}")
        out[name] = path
    return out


def _threads(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"takes 0 (every core) or a number of threads, got {text!r}")
    return value


def parse_context(text: str) -> int:
    """A context length in tokens: a whole number ("131072", "131_072", "128k" = 128 × 1,024).
    ValueError otherwise."""
    raw = text.strip().lower().replace("_", "").replace(",", "")
    thousands = raw.endswith("k")
    try:
        value = int(raw[:-1] if thousands else raw) * (1024 if thousands else 1)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"takes the tokens the model reads at most (131072, or 128k), got {text!r}")
    return value


def _context(text: str) -> int:
    try:
        return parse_context(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _prices(text: str) -> TokenPrices:
    try:
        return parse_prices(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _hourly(text: str) -> float:
    try:
        return parse_hourly(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"takes US dollars an hour: {exc}") from None


def add_results_dir(parser: argparse.ArgumentParser, kept: str) -> None:
    """--results-dir (WORKBENCH_RESULTS_DIR, else runs/ beside app.py): where `kept` are kept."""
    parser.add_argument("--results-dir", type=Path,
                        default=Path(os.environ.get("WORKBENCH_RESULTS_DIR", str(ROOT / "runs"))),
                        help=f"where {kept} are kept [WORKBENCH_RESULTS_DIR]")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags shared by the server and the headless commands."""
    env = os.environ.get
    b = parser.add_argument_group("System B (local model)")
    b.add_argument("--model", default=env("SYSTEM_B_MODEL", ""),
                   help="Hub id or local directory [SYSTEM_B_MODEL]. Default: "
                        f"{GPU_DEFAULT_MODEL} with a GPU, the bundled demo model without")
    b.add_argument("--device", default=env("SYSTEM_B_DEVICE", "auto"),
                   help="auto, cpu, cuda or cuda:N [SYSTEM_B_DEVICE]")
    b.add_argument("--quantization", choices=["none", "4bit", "8bit"],
                   default=env("SYSTEM_B_QUANTIZATION", "none"),
                   help="load through bitsandbytes [SYSTEM_B_QUANTIZATION]")
    b.add_argument("--attn-implementation", default=env("SYSTEM_B_ATTN") or None,
                   help="e.g. sdpa or flash_attention_2 [SYSTEM_B_ATTN]")
    b.add_argument("--adapter", action="append", default=[], metavar="NAME=PATH",
                   help="extra LoRA adapter (repeatable); adapters/ beside a local model load too")
    b.add_argument("--no-adapter-loading", dest="adapter_loading", action="store_false",
                   default=env("SYSTEM_B_ADAPTER_LOADING", "1") not in ("0", "false", "no"),
                   help="do not let users load or unload LoRA adapters while the app runs (a public "
                        "demo) [SYSTEM_B_ADAPTER_LOADING=0]")
    b.add_argument("--max-batch-size", type=int, default=int(env("SYSTEM_B_MAX_BATCH", "8")),
                   help="concurrent requests batched together; 1 = one at a time "
                        "[SYSTEM_B_MAX_BATCH]")
    b.add_argument("--batching", choices=["continuous", "generate"],
                   default=env("SYSTEM_B_BATCHING", "continuous"),
                   help="continuous: finished requests leave the batch and waiting ones join at "
                        "once; generate: dynamic batching of model.generate [SYSTEM_B_BATCHING]")
    b.add_argument("--no-cuda-graphs", dest="cuda_graphs", action="store_false",
                   default=env("SYSTEM_B_CUDA_GRAPHS", "1") not in ("0", "false", "no"),
                   help="on a GPU, run decode steps eagerly instead of replaying them as CUDA "
                        "graphs [SYSTEM_B_CUDA_GRAPHS=0]")
    b.add_argument("--engine-process", dest="engine_process", action="store_true",
                   default=env("SYSTEM_B_PROCESS", "0") in ("1", "true", "yes"),
                   help="run System B's model in a process of its own: if it dies, the app and "
                        "System A keep working [SYSTEM_B_PROCESS=1]")
    b.add_argument("--cpu-threads", type=_threads, default=env("SYSTEM_B_CPU_THREADS", "0"),
                   help="on CPU, the threads System B's model computes on; 0 = every core. Fewer "
                        "leave cores to the web server at the same decode speed, but slow prefills "
                        "and batches (README: Performance) [SYSTEM_B_CPU_THREADS]")
    b.add_argument("--system-b-hourly-usd", type=_hourly, default=None,
                   help="what System B's machine costs an hour, in US dollars (e.g. 0.80 for an "
                        "L4): each answer then shows its cost, its share of the model's compute "
                        "time at that rate [SYSTEM_B_HOURLY_USD]")
    a = parser.add_argument_group("System A (remote OpenAI-compatible API)")
    a.add_argument("--system-a-provider", choices=["deepseek", "nebius", "custom"],
                   default=env("SYSTEM_A_PROVIDER", "deepseek"), help="preset [SYSTEM_A_PROVIDER]")
    a.add_argument("--system-a-base-url", default=env("SYSTEM_A_BASE_URL") or None,
                   help="override the preset's base URL [SYSTEM_A_BASE_URL]")
    a.add_argument("--system-a-model", default=env("SYSTEM_A_MODEL") or None,
                   help="override the preset's model id [SYSTEM_A_MODEL]")
    a.add_argument("--system-a-key-env", default=env("SYSTEM_A_KEY_ENV") or None,
                   help="NAME of the environment variable that holds the API key (default: "
                        "DEEPSEEK_API_KEY, NEBIUS_API_KEY or SYSTEM_A_API_KEY by provider) "
                        "[SYSTEM_A_KEY_ENV]")
    a.add_argument("--system-a-deadline", type=float,
                   default=float(env("SYSTEM_A_DEADLINE_S", "180")),
                   help="seconds before a remote request is abandoned [SYSTEM_A_DEADLINE_S]")
    a.add_argument("--system-a-prices", type=_prices, default=None,
                   metavar=PRICES_EXAMPLE,
                   help="what System A's provider bills, in US dollars per million tokens: "
                        "uncached input, cached input (optional), output — from the provider's "
                        "pricing page; each answer then shows its cost [SYSTEM_A_PRICES]")
    a.add_argument("--system-a-tokenizer", default=env("SYSTEM_A_TOKENIZER") or None, metavar="ID_OR_DIR",
                   help="its model's tokenizer, a Hub id (deepseek-ai/DeepSeek-V3-0324) or a folder: "
                        "Chat's prompt gauge and the judge's estimates then count System A's prompts "
                        "instead of estimating them from characters [SYSTEM_A_TOKENIZER]")
    a.add_argument("--system-a-context", type=_context, default=None, metavar="TOKENS",
                   help="the tokens its model reads at most, prompt and answer (131072, or 128k), "
                        "from the provider's model page: Chat's prompt gauge then says how much room "
                        "is left [SYSTEM_A_CONTEXT]")
    a.add_argument("--no-system-a-logprobs", dest="system_a_logprobs", action="store_false",
                   default=_env_bool("SYSTEM_A_LOGPROBS", True),
                   help="do not ask System A's provider for each answer token's probability (asked by "
                        "default, and dropped if the server refuses them; never of DeepSeek's reasoning "
                        "model): without them System A's answers have no token-by-token reading "
                        "[SYSTEM_A_LOGPROBS=0]")
    add_results_dir(parser, "batch runs, verdicts and FR/EN inspections")
    parser.add_argument("--refuse-calls-model", action="store_true",
                        default=_env_bool("WORKBENCH_REFUSE_CALLS_MODEL"),
                        help="on the refusal route, let the local model write the refusal instead "
                             "of answering at once [WORKBENCH_REFUSE_CALLS_MODEL]")
    parser.add_argument("--log-level", default=env("WORKBENCH_LOG_LEVEL", "INFO"),
                        help="DEBUG, INFO, WARNING [WORKBENCH_LOG_LEVEL]")


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    env = os.environ.get
    on_space = bool(env("SPACE_ID"))
    s = parser.add_argument_group("Server")
    s.add_argument("--host", default=env("WORKBENCH_HOST", "0.0.0.0" if on_space else "127.0.0.1"),
                   help="address to listen on [WORKBENCH_HOST]")
    s.add_argument("--port", type=int,
                   default=int(env("WORKBENCH_PORT", env("GRADIO_SERVER_PORT", "7860"))),
                   help="port [WORKBENCH_PORT]")
    s.add_argument("--share", action="store_true", default=_env_bool("WORKBENCH_SHARE"),
                   help="create a public share link; needs basic auth in WORKBENCH_AUTH "
                        "(user:password) [WORKBENCH_SHARE]")
    s.add_argument("--allow-public-share", action="store_true",
                   default=_env_bool("WORKBENCH_ALLOW_PUBLIC_SHARE"),
                   help="allow --share without auth: anyone with the link can use the app and "
                        "spend System A's credit [WORKBENCH_ALLOW_PUBLIC_SHARE]")
    s.add_argument("--queue-size", type=int, default=int(env("WORKBENCH_QUEUE_SIZE", "64")),
                   help="requests waiting beyond this get a 'busy' message [WORKBENCH_QUEUE_SIZE]")
    s.add_argument("--concurrency", type=int, default=int(env("WORKBENCH_CONCURRENCY", "16")),
                   help="requests served at once [WORKBENCH_CONCURRENCY]")
    s.add_argument("--max-file-mb", type=int, default=int(env("WORKBENCH_MAX_FILE_MB", "5")),
                   help="largest upload accepted [WORKBENCH_MAX_FILE_MB]")


def _read_from_environment(s: Settings) -> None:
    """SYSTEM_A_PRICES, SYSTEM_B_HOURLY_USD and SYSTEM_A_CONTEXT, where no flag gave them. A value
    that cannot be read is left unset and said at start (a typo in a Space variable must not keep
    the app from starting); a flag with such a value is refused by the parser."""
    for name, attr, parse, without in (
            ("SYSTEM_A_PRICES", "system_a_prices", parse_prices, "answers are shown without that system's cost"),
            ("SYSTEM_B_HOURLY_USD", "system_b_hourly_usd", parse_hourly,
             "answers are shown without that system's cost"),
            ("SYSTEM_A_CONTEXT", "system_a_context", parse_context,
             "Chat's prompt gauge does not say how much of System A's context is left")):
        text = os.environ.get(name, "").strip()
        if getattr(s, attr) is not None or not text:
            continue
        try:
            setattr(s, attr, parse(text))
        except ValueError as exc:
            s.problems.append(f"{name} could not be read ({exc}): {without}")


def settings_from_args(args: argparse.Namespace) -> Settings:
    values = vars(args)
    s = Settings(
        model=values.get("model") or "", device=values.get("device", "auto"),
        quantization=values.get("quantization", "none"),
        attn_implementation=values.get("attn_implementation"),
        adapters=_parse_adapters(values.get("adapter") or []),
        max_batch_size=max(1, values.get("max_batch_size", 8)),
        batching=values.get("batching", "continuous"),
        cuda_graphs=values.get("cuda_graphs", True),
        adapter_loading=values.get("adapter_loading", True),
        engine_process=values.get("engine_process", False),
        cpu_threads=values.get("cpu_threads", 0),
        system_a_provider=values.get("system_a_provider", "deepseek"),
        system_a_base_url=values.get("system_a_base_url"),
        system_a_model=values.get("system_a_model"),
        system_a_key_env=values.get("system_a_key_env"),
        system_a_deadline_s=values.get("system_a_deadline", 180.0),
        system_a_prices=values.get("system_a_prices"),
        system_a_tokenizer=values.get("system_a_tokenizer"),
        system_a_context=values.get("system_a_context"),
        system_a_logprobs=values.get("system_a_logprobs", True),
        system_b_hourly_usd=values.get("system_b_hourly_usd"),
        results_dir=values.get("results_dir", ROOT / "runs"),
        refuse_calls_model=values.get("refuse_calls_model", False),
        log_level=values.get("log_level", "INFO"))
    _read_from_environment(s)
    for name in ("host", "port", "share", "allow_public_share", "queue_size", "concurrency",
                 "max_file_mb"):
        if name in values:
            setattr(s, name, values[name])
    return s
