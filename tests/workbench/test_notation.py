"""What models write that is notation (formulas, code blocks), told apart from their prose."""

from __future__ import annotations

from workbench.notation import FORMULA, MAX_FORMULA_CHARS, prose


def test_formulas_are_found_as_models_write_them_and_a_lone_dollar_is_not_one():
    text = "Since \\( y = 5\\% \\), \\[\nD = \\frac{7.2}{1.05}\n\\] and $$NPV = 10$$, for $5 and $10."
    assert FORMULA.findall(text) == ["\\( y = 5\\% \\)", "\\[\nD = \\frac{7.2}{1.05}\n\\]", "$$NPV = 10$$"]
    assert prose(text).split() == ["Since", ",", "and", ",", "for", "$5", "and", "$10."]


def test_a_formula_longer_than_the_bound_is_read_as_prose():
    """Bounded, so that many openings never closed cost linear time; a formula past the bound is
    left in the prose."""
    inside = "x + " * ((MAX_FORMULA_CHARS - 10) // 4)
    assert FORMULA.fullmatch(f"\\({inside}\\)")
    assert FORMULA.search(f"\\({inside * 2}\\)") is None


def test_fenced_code_is_left_out_closed_or_not():
    text = "Avant\n```python\nfor t in range(3):\n    pass\n```\nAprès\n~~~\nopen to the end"
    assert prose(text).split() == ["Avant", "Après"]
