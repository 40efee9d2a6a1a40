"""What models write that is notation, not prose: formulas and code blocks. The page typesets
formulas (ui.common.FORMULAS), a write-up shows them as written, and language identification
leaves both out: "\\text{Total debt}" in a French answer's formula is notation, not English."""

from __future__ import annotations

import re

# How models write formulas (DeepSeek and Qwen3 write \[ … \] and \( … \), some $$ … $$): (left,
# right, shown on a line of its own). A lone $ is not one: finance text writes "$5 and $10".
FORMULA_DELIMITERS = (("$$", "$$", True), ("\\[", "\\]", True), ("\\(", "\\)", False))
FORMULA = re.compile("|".join(f"{re.escape(left)}.+?{re.escape(right)}" for left, right, _ in FORMULA_DELIMITERS),
                     re.DOTALL)
FENCED_CODE = re.compile(r"^ {0,3}(```|~~~).*?(?:^ {0,3}\1[^\n]*$|\Z)", re.DOTALL | re.MULTILINE)


def prose(text: str) -> str:
    """`text` without its formulas and fenced code blocks, each left as a space (a paragraph that
    held only one is then blank)."""
    return FORMULA.sub(" ", FENCED_CODE.sub(" ", text))
