"""The OpenAI-compatible providers System A can be (DeepSeek's API, Nebius, a server of one's
own), each with its defaults, and the configuration a remote engine is made from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engines.base import ConfigurationError
from engines.cost import TokenPrices


@dataclass(frozen=True)
class ProviderPreset:
    """Defaults for one kind of OpenAI-compatible provider; every field can be overridden."""

    key: str
    label: str
    base_url: str
    model: str
    api_key_env: str
    # How thinking is switched: "model" = a separate reasoning model id (DeepSeek),
    # "chat_template_kwargs" = vLLM / transformers-serve style, "none" = not switchable.
    thinking: Literal["model", "chat_template_kwargs", "none"] = "none"
    reasoning_model: str | None = None
    extra_sampling: bool = False  # accepts top_k / min_p / repetition_penalty / min_tokens
    key_required: bool = True


PRESETS: dict[str, ProviderPreset] = {
    "deepseek": ProviderPreset(
        "deepseek", "DeepSeek API", "https://api.deepseek.com", "deepseek-chat",
        "DEEPSEEK_API_KEY", thinking="model", reasoning_model="deepseek-reasoner"),
    # DeepSeek's own aliases move between model generations; Nebius pins the V3 MoE.
    "nebius": ProviderPreset(
        "nebius", "Nebius Token Factory (pinned DeepSeek-V3-0324)",
        "https://api.tokenfactory.nebius.com/v1/", "deepseek-ai/DeepSeek-V3-0324",
        "NEBIUS_API_KEY", extra_sampling=True),
    "custom": ProviderPreset(
        "custom", "Custom OpenAI-compatible server", "http://127.0.0.1:8000/v1", "",
        "SYSTEM_A_API_KEY", thinking="chat_template_kwargs", extra_sampling=True,
        key_required=False),
}


@dataclass
class RemoteConfig:
    provider: str = "deepseek"
    base_url: str | None = None
    model: str | None = None
    api_key_env: str | None = None  # the *name* of the variable holding the key
    deadline_s: float = 180.0  # whole request, keep-alives included
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0  # silence (not even a keep-alive) this long = dead connection
    max_retries: int = 2  # before the first token only
    prices: TokenPrices | None = None  # what the provider bills: each answer gets a cost_usd
    # the model's tokenizer (a Hub id or a folder): prompts are then counted, not estimated
    tokenizer: str | None = None
    context_length: int | None = None  # the tokens the model reads at most, as the provider says
    # ask for each answer token's probability and the likeliest tokens beside it (OpenAI's logprobs):
    # where the tokens were unsure is shown as for System B's answers read back
    logprobs: bool = True

    def preset(self) -> ProviderPreset:
        try:
            return PRESETS[self.provider]
        except KeyError:
            raise ConfigurationError(
                f"unknown provider {self.provider!r}; choose one of {', '.join(PRESETS)}") from None
