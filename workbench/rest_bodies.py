"""The bodies the REST routes take (workbench.rest), checked field by field before anything runs."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engines.base import GenerationParams
from workbench.experiments import MAX_REFERENCE_CHARS, MAX_SYSTEM_PROMPT_CHARS


class CompareBody(BaseModel):
    """Body of POST /api/compare."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=8000)
    transaction: dict[str, Any] | None = None
    run_system_a: bool = True
    run_system_b: bool = True
    params: GenerationParams = Field(default_factory=GenerationParams,
                                     description="Generation parameters for both systems (over `preset`'s, "
                                     "when one is named).")
    preset: str | None = Field(default=None, max_length=60, description="A parameter preset, built in or saved in "
                               "the app (GET /api/presets), that `params` then changes.")
    expect: dict[str, Any] | None = Field(default=None, description="Checks on the answers, as an "
                                          "experiment's `expect` (workbench.checks).")
    reference: str | None = Field(default=None, max_length=MAX_REFERENCE_CHARS, description="The answer the "
                                  "team holds right, kept with the record (a judge model judges against it).")
    adapter: str | None = Field(default=None, max_length=64, description="The LoRA adapter System B's model "
                                "answers with (GET /api/adapters); none = the base model.")
    system_prompt: str | None = Field(default=None, max_length=MAX_SYSTEM_PROMPT_CHARS, description="Instructions "
                                      "both systems are given before the question (System B's router puts its "
                                      "route's own first); kept with the record.")
    read_back: bool = Field(default=False, description="System B's answer read again by its model: "
                            "`system_b.confidence` names the figures it was unsure of.")


class ConfidenceBody(BaseModel):
    """Body of POST /api/confidence: an answer System B's model wrote, to read again."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=8000)
    transaction: dict[str, Any] | None = None
    params: GenerationParams = Field(default_factory=GenerationParams, description="The parameters it was asked "
                                     "under (enable_thinking says whether a reasoning block came first).")
    adapter: str | None = Field(default=None, max_length=64, description="The LoRA adapter it answered with.")
    system_prompt: str | None = Field(default=None, max_length=MAX_SYSTEM_PROMPT_CHARS,
                                      description="The system prompt it was asked under, if any.")
    reasoning: str = Field(default="", max_length=200_000, description="Its reasoning, as the record keeps it.")
    answer: str = Field(min_length=1, max_length=100_000, description="Its answer, as the record keeps it.")
    top: int = Field(default=5, ge=1, le=20, description="The likeliest tokens given at each place.")


class AdapterBody(BaseModel):
    """Body of POST /api/adapters."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, description="What requests and the app's menus call it.")
    source: str = Field(min_length=1, max_length=1000, description="A folder on the app's machine holding "
                        "adapter_config.json, or a Hugging Face Hub id (owner/name).")
