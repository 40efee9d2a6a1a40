"""Transaction JSON: clear field-level errors."""

from __future__ import annotations

import pytest

from workbench.transactions import TransactionError, parse_transaction


def test_valid_transaction_keeps_its_values_verbatim():
    tx = parse_transaction('{"amount": 9500, "currency": "EUR", "country": "FR", "hour": 11}')
    assert tx == {"amount": 9500, "currency": "EUR", "country": "FR", "hour": 11}


@pytest.mark.parametrize("empty", [None, "", "   ", "{}"])
def test_empty_means_no_transaction(empty):
    assert parse_transaction(empty) is None


@pytest.mark.parametrize(("text", "field", "words"), [
    ('{"amount": 10,}', "", "not valid JSON"),
    ('[1, 2]', "", "JSON object"),
    ('{"amount": -5}', "amount", "greater than 0"),
    ('{"amount": "9500"}', "amount", "valid number"),
    ('{"amount": 5, "iban": "FR76"}', "iban", "unknown field"),
    ('{"amount": 5, "currency": "eur"}', "currency", "3-letter"),
    ('{"amount": 5, "hour": 24}', "hour", "less than or equal to 23"),
    ('{"currency": "EUR"}', "amount", "required"),
])
def test_bad_transactions_name_the_field(text, field, words):
    with pytest.raises(TransactionError) as info:
        parse_transaction(text)
    fields = [f for f, _ in info.value.problems]
    assert field in fields
    assert words in str(info.value)
