"""Transaction input: parsed from JSON, validated field by field, with messages an analyst can fix."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

MAX_JSON_CHARS = 20_000


class Transaction(BaseModel):
    """A payment to assess. Only `amount` is required; unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", strict=True)  # "9500" is not an amount

    amount: float = Field(gt=0, le=1e12, description="Amount of the transaction, positive")
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR")
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$", description="ISO 3166 code of the "
                                "counterparty, e.g. FR")
    channel: str | None = Field(None, max_length=40, description="wire, card, transfer, cash_deposit…")
    customer_avg_amount: float | None = Field(None, ge=0, le=1e12, description="The customer's "
                                              "usual amount")
    new_beneficiary: bool | None = None
    hour: int | None = Field(None, ge=0, le=23, description="Hour of day, 0-23")
    customer_id: str | None = Field(None, max_length=64)
    merchant_category: str | None = Field(None, max_length=64)
    timestamp: str | None = Field(None, max_length=40)
    memo: str | None = Field(None, max_length=500, description="Free text (attacker-influenced)")


FRIENDLY = {
    ("currency", "string_pattern_mismatch"): "must be a 3-letter ISO 4217 code in capitals, e.g. EUR",
    ("country", "string_pattern_mismatch"): "must be a 2-letter ISO 3166 code in capitals, e.g. FR",
}


class TransactionError(ValueError):
    """Invalid transaction input; ``problems`` lists (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{f}: {m}" if f else m for f, m in problems))


def parse_transaction(value: str | dict[str, Any] | None) -> dict[str, Any] | None:
    """A validated transaction as a plain dict (unset fields dropped), or None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        if len(value) > MAX_JSON_CHARS:
            raise TransactionError([("", f"transaction JSON is longer than {MAX_JSON_CHARS} characters")])
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise TransactionError([("", f"transaction is not valid JSON: {exc.msg} at line "
                                         f"{exc.lineno}, column {exc.colno}")]) from None
    if not isinstance(value, dict):
        raise TransactionError([("", "transaction must be a JSON object such as "
                                     '{"amount": 9500, "currency": "EUR"}')])
    if not value:
        return None
    try:
        Transaction.model_validate(value)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            msg = ("unknown field (allowed: " + ", ".join(Transaction.model_fields) + ")"
                   if err["type"] == "extra_forbidden" else FRIENDLY.get((field, err["type"]), err["msg"]))
            problems.append((field, msg))
        raise TransactionError(problems) from None
    # The caller's own values, as typed (9500 stays 9500, not 9500.0): models see them verbatim.
    return {k: v for k, v in value.items() if v is not None}
