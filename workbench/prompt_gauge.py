"""How much of a model's context the next chat question takes, said before it is sent.

Every answer makes the conversation longer. On a model with a short context (the bundled demo
model reads 2,048 tokens) the room left for the next answer shrinks below max_new_tokens, and
the answer stops early. A larger budget does not help then, and with thinking on the reasoning
may take all the room there is. The gauge counts the prompt with the model's own tokenizer and
chat template (System B, its router's system prompt included). System A's tokenizer is on the
provider's server: its prompt is counted with the tokenizer given (--system-a-tokenizer), else
estimated from characters, with what reading it costs, against the context given
(--system-a-context), if one is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from engines.base import ChatRequest, Engine, GenerationParams
from engines.cost import TokenPrices, token_cost, usd
from workbench.chat import Turn, turn_request
from workbench.judge_cost import counted_tokens, estimated_tokens

TIGHT = "tight"  # less room than max_new_tokens: the answer will stop early
OVER = "over"  # the prompt alone fills the context: the model refuses it
ROOM = "room"


@dataclass(frozen=True)
class PromptSize:
    """One engine's prompt for the next question, measured against what the model reads."""

    label: str
    tokens: int
    counted: bool  # by the model's own tokenizer; otherwise estimated from characters
    context: int | None  # the tokens the model reads at most (None: not known here)
    asked: int  # max_new_tokens
    thinking: bool
    earlier: int  # earlier answers the prompt carries
    system_prompt: bool
    route: str | None = None  # System B's pipeline: the route its router picks
    answers_itself: bool = False  # the router refuses without asking the model
    prompt_usd: float | None = None  # what reading the prompt costs at the provider's prices
    question: bool = True  # False: measured before a question is typed (the conversation so far)
    tokenizer_problem: str | None = None  # why the tokenizer given for it could not be loaded

    @property
    def room(self) -> int | None:
        """The tokens left for the answer (None where the context is not known)."""
        return None if self.context is None else self.context - self.tokens

    @property
    def level(self) -> str:
        room = self.room
        if room is None or room >= self.asked:
            return ROOM
        return OVER if room < 1 else TIGHT


def prompt_size(engine: Engine, label: str, request: ChatRequest) -> PromptSize:
    """Measure `request` as `engine` would read it."""
    route, answers_itself = None, False
    decide = getattr(engine, "decide", None)
    if callable(decide):  # System B's pipeline: the route decides the system prompt
        _, policy = decide(request)
        route = policy.route
        answers_itself = engine.routed(request, policy) is None  # type: ignore[attr-defined]
    tokens = counted_tokens(engine, [request])
    counted = tokens is not None
    if tokens is None:
        tokens = estimated_tokens(request)
    prices = getattr(getattr(engine, "cfg", None), "prices", None)
    return PromptSize(
        label=label, tokens=tokens, counted=counted, context=getattr(engine, "context_length", None),
        asked=request.params.max_new_tokens, thinking=request.params.enable_thinking,
        earlier=sum(m.role == "assistant" for m in request.messages), system_prompt=bool(request.system_prompt),
        route=route, answers_itself=answers_itself,
        prompt_usd=token_cost(prices, tokens, 0, 0) if isinstance(prices, TokenPrices) else None,
        tokenizer_problem=None if counted else getattr(engine, "tokenizer_problem", None))


def next_question_size(engine: Engine, label: str, history: list[Turn], question: str, params: GenerationParams,
                       system_prompt: str | None = None, adapter: str | None = None) -> PromptSize:
    """The prompt `engine` would read for `question` after `history`; with no question typed yet,
    the conversation so far (a one-character stand-in takes the question's place)."""
    asked = question.strip()
    size = prompt_size(engine, label, turn_request(history, asked or "?", params, system_prompt, adapter))
    # the stand-in's route is no question's: none is named until one is typed
    return size if asked else replace(size, question=False, route=None, answers_itself=False)


def _what(size: PromptSize) -> str:
    parts = ["the question"] if size.question else []
    if size.earlier:
        parts.append(f"{size.earlier} earlier answer{'s' if size.earlier != 1 else ''}")
    if size.system_prompt:
        parts.append("the system prompt")
    if not parts:
        return "before the question"
    said = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return said if size.question else f"{said}, before the question"


def _advice(size: PromptSize) -> str:
    """What makes room: a new conversation (when earlier answers take some), a shorter question
    or system prompt."""
    ways = ["start a *New conversation* (this one is kept under *Earlier conversations*)"] if size.earlier else []
    shorter = [part for part, there in (("the question", size.question), ("the system prompt", size.system_prompt))
               if there]
    if shorter:
        ways.append("shorten " + " or ".join(shorter))
    said = " or ".join(ways)
    return said[:1].upper() + said[1:] + "." if said else ""


def size_line(size: PromptSize) -> str:
    """One engine's gauge in words (Markdown). A prompt estimated from characters (System A without
    its tokenizer) is "about" so many tokens, and so is the room it leaves."""
    name = f"**{size.label}**" + (f" (route `{size.route}`)" if size.route else "")
    if size.answers_itself:
        return f"{name}: the router refuses this question itself, without asking the model."
    cost = f", about {usd(size.prompt_usd)} to read" if size.prompt_usd is not None else ""
    about = "" if size.counted else "about "
    if size.counted:
        prompt = f"{size.tokens:,}-token prompt ({_what(size)}{cost})"
    else:
        why = ("its tokenizer could not be loaded: " + size.tokenizer_problem.splitlines()[0][:160]
               if size.tokenizer_problem else "this model's tokenizer is not at hand here")
        prompt = f"about {size.tokens:,} prompt tokens ({_what(size)}{cost}), estimated from characters ({why})"
    room = size.room
    if size.level == ROOM:
        if room is None:
            return f"{name}: {prompt}."
        return (f"{name}: {prompt}; {about}{room:,} of its {size.context:,}-token context left, room for "
                f"the {size.asked:,} new tokens asked.")
    advice = _advice(size)
    if size.level == OVER:
        return (f"⛔ {name}: {prompt}, more than its {size.context:,}-token context: the model would "
                f"refuse it. {advice}").rstrip()
    thinking = "; thinking comes first and may take them all" if size.thinking else ""
    return (f"⚠️ {name}: {prompt} leaves {about}{room:,} of its {size.context:,}-token context: the answer "
            f"stops at {about}{room:,} tokens, not the {size.asked:,} asked, whatever the budget{thinking}. "
            f"{advice}").rstrip()


def gauge_text(sizes: list[PromptSize], anything: bool = True) -> str:
    """The gauge under Chat's question box: one line per engine asked; empty while there is
    nothing to measure yet (`anything` false: no question typed, no conversation, no system prompt)."""
    if not anything:
        return ""
    return "  \n".join(size_line(size) for size in sizes)

