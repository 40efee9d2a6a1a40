"""The prompt a model reads for a request: its own chat template (the system prompt, the thinking
flag) and the reasoning prefill, and how many tokens that is. System B's engine generates from it;
where the model is elsewhere (System B's in a process of its own, System A's on a provider's
server), `engines.app_tokenizer` counts the prompt with it from the model's tokenizer alone.
"""

from __future__ import annotations

from typing import Any

from engines.base import ChatRequest, InvalidRequestError
from engines.reasoning import OPEN_TAG


def render_prompt(tokenizer: Any, request: ChatRequest) -> str:
    """The exact prompt text a model sees for `request` (its chat template, the system prompt, the
    thinking flag, and the reasoning prefill when one is given). InvalidRequestError when the
    template refuses the request."""
    try:
        prompt = tokenizer.apply_chat_template(
            request.chat_messages(), tokenize=False, add_generation_prompt=True,
            enable_thinking=request.params.enable_thinking)
    except Exception as exc:  # template errors (e.g. a template that rejects system roles)
        raise InvalidRequestError(f"the model's chat template rejected the request: {exc}") from exc
    if request.reasoning_prefill and request.params.enable_thinking:
        if not prompt.rstrip().endswith(OPEN_TAG):
            prompt += OPEN_TAG + "\n"
        prompt += request.reasoning_prefill
    return prompt


def prompt_token_count(tokenizer: Any, request: ChatRequest) -> int:
    """The tokens of the prompt a model reads for `request`, counted by its own tokenizer.
    Raises InvalidRequestError as :func:`render_prompt` does."""
    return len(tokenizer(render_prompt(tokenizer, request), add_special_tokens=False)["input_ids"])
