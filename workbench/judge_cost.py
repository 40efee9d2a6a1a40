"""What judging a run with a model will cost, said before the first reading: how many experiments
and readings are left to this judge, the prompt tokens they hold, and with the judge's token
prices what the prompts cost and what the replies can cost at most; where the same judge has
judged before with prices set, what its verdicts cost then, an experiment at a time.

A remote judge's prompts are counted from their characters (DeepSeek's own rule of thumb: one
English character is about 0.3 token; the provider's figures only come back with each answer),
so the figure is an estimate, said as one: the provider's context cache, which serves the
judge's instructions repeated in every reading, bills less. A local judge's are counted exactly,
by its own tokenizer through its chat template (`prompt_token_count`), and so are System A's
when its model's tokenizer is given (--system-a-tokenizer).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from engines.base import ChatRequest, Engine, EngineError
from engines.cost import TokenPrices, token_cost, usd
from workbench.compare import both_answered
from workbench.model_judge import JUDGE_PARAMS, ORDERS, judge_name, judge_request, to_judge

TOKENS_PER_CHAR = 0.3  # DeepSeek: "1 English character ≈ 0.3 token"
MESSAGE_TOKENS = 4  # what a chat template adds around each message (its role markers)


@dataclass(frozen=True)
class JudgeEstimate:
    """Judging what is left of a run, ahead of it."""

    judge: str  # judge_name: the model, and its house rules
    answered: int  # experiments of the run both systems answered
    experiments: int  # left to this judge: both systems answered, no verdict from it yet
    readings: int  # two an experiment, one in each order
    prompt_tokens: int  # of every reading's prompt: estimated from its characters, or counted
    prices: TokenPrices | None  # the judge's provider's, when set
    hourly_usd: float | None = None  # what the judge's machine costs an hour (a local model), when set
    past_verdicts: int = 0  # this judge's earlier verdicts that say what they cost
    past_usd: float = 0.0  # what those cost, together
    counted: bool = False  # the prompt tokens counted by the judge's own tokenizer (a local model)

    @property
    def reply_tokens_most(self) -> int:
        return self.readings * JUDGE_PARAMS.max_new_tokens

    @property
    def prompts_usd(self) -> float | None:
        return token_cost(self.prices, self.prompt_tokens, 0, 0) if self.prices else None

    @property
    def replies_most_usd(self) -> float | None:
        return token_cost(self.prices, 0, 0, self.reply_tokens_most) if self.prices else None

    @property
    def past_rate_usd(self) -> float | None:
        """What an experiment cost this judge before, on average (None: never priced)."""
        return self.past_usd / self.past_verdicts if self.past_verdicts else None


def estimated_tokens(request: ChatRequest) -> int:
    """The tokens of `request`'s prompt, estimated from its characters and its messages (the
    system prompt one of them), where no tokenizer can count them."""
    chars = len(request.system_prompt or "") + sum(len(m.content) for m in request.messages)
    return math.ceil(chars * TOKENS_PER_CHAR) + MESSAGE_TOKENS * (len(request.messages) + bool(request.system_prompt))


def counted_tokens(engine: Engine, requests: list[ChatRequest]) -> int | None:
    """The prompt tokens of `requests`, counted by the engine's own tokenizer where it has one (a
    local model's `prompt_token_count`); None where it has none, or its chat template refuses a
    prompt (which the judging then says), or its tokenizer is busy elsewhere."""
    counter = getattr(engine, "prompt_token_count", None)
    if not callable(counter):
        return None
    try:
        return sum(counter(request) for request in requests)
    # AttributeError: System B's pipeline over a model with no tokenizer; RuntimeError: a tokenizer
    # borrowed by another thread
    except (EngineError, AttributeError, RuntimeError):
        return None


def judge_estimate(engine: Engine, records: list[dict[str, Any]], run: str, verdicts: list[dict[str, Any]],
                   rules: str | None = None) -> JudgeEstimate:
    """What judging run `run` (its `records`) with `engine` under the house `rules` would read,
    and what this judge's earlier verdicts (of `verdicts`, every run's model_verdicts) cost."""
    judge = judge_name(engine.model_id, rules)
    given = [v for v in verdicts if v.get("judge_model") == judge]
    done = {v["experiment_id"] for v in given if v["run"] == run}
    waiting = to_judge(records, done)
    requests = [judge_request(rec, first, rules) for rec in waiting for first in ORDERS]
    tokens = counted_tokens(engine, requests)
    counted = tokens is not None
    if tokens is None:
        tokens = sum(estimated_tokens(r) for r in requests)
    priced = [float(v["cost_usd"]) for v in given if isinstance(v.get("cost_usd"), (int, float))]
    cfg = getattr(engine, "cfg", None)
    prices, hourly = getattr(cfg, "prices", None), getattr(cfg, "hourly_usd", None)
    return JudgeEstimate(judge, sum(both_answered(r) for r in records), len(waiting), len(waiting) * len(ORDERS),
                         tokens, prices if isinstance(prices, TokenPrices) else None,
                         hourly if isinstance(hourly, (int, float)) else None, len(priced), sum(priced), counted)


def estimate_line(est: JudgeEstimate, run: str) -> str:
    """The estimate in words (Markdown), said before *Judge this run*."""
    if not est.answered:
        return f"No experiment of run `{run}` has answers from both systems yet: the judge reads both."
    if not est.experiments:
        return f"Every experiment of run `{run}` that both systems answered has a verdict from `{est.judge}` already."
    line = (f"**Judging run `{run}` with `{est.judge}`** reads {est.experiments} experiment"
            f"{'s' if est.experiments != 1 else ''} ({est.readings} readings, "
            + (f"{est.prompt_tokens:,} prompt tokens, counted by its tokenizer)." if est.counted else
               f"about {est.prompt_tokens:,} prompt tokens counted from their characters)."))
    if est.prices is not None:
        most = (est.prompts_usd or 0.0) + (est.replies_most_usd or 0.0)
        line += (f" At {est.prices.describe()}: about {usd(est.prompts_usd)} for the prompts (less where the "
                 f"provider's cache serves the instructions every reading repeats) and at most "
                 f"{usd(est.replies_most_usd)} for the replies ({JUDGE_PARAMS.max_new_tokens} tokens each at most) "
                 f"— at most about {usd(most)}.")
    if est.past_rate_usd is not None:
        line += (f" Its {est.past_verdicts} earlier verdict{'s' if est.past_verdicts != 1 else ''} cost "
                 f"{usd(est.past_rate_usd)} an experiment: about {usd(est.past_rate_usd * est.experiments)} "
                 "for these at that rate.")
    elif est.hourly_usd is not None:
        line += (f" At {usd(est.hourly_usd)} an hour of its machine, what it costs is said as it judges: the "
                 "compute time of a reading is not known before it.")
    elif est.prices is None:
        line += (" What it costs is said as it judges when the judge's prices are set (`SYSTEM_A_PRICES`, "
                 "`SYSTEM_B_HOURLY_USD`).")
    return line
