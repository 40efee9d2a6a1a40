"""What models write that is notation, not prose: formulas and code blocks. The page typesets
formulas (ui.common.FORMULAS), a write-up shows them as written, and language identification
leaves both out: "\\text{Total debt}" in a French answer's formula is notation, not English."""

from __future__ import annotations

import re

# How models write formulas (DeepSeek and Qwen3 write \[ … \] and \( … \), some $$ … $$): (left,
# right, shown on a line of its own). A lone $ is not one: finance text writes "$5 and $10".
FORMULA_DELIMITERS = (("$$", "$$", True), ("\\[", "\\]", True), ("\\(", "\\)", False))
# Bounded, as every pattern run over model output: an answer that loops on "\\( " without closing
# one (a small model's repetition, or a prompt injection) would have each opening scan to the end
# of the text — 60,000 characters took 5 s. A longer formula is read as prose.
MAX_FORMULA_CHARS = 2000
FORMULA = re.compile("|".join(f"{re.escape(left)}.{{1,{MAX_FORMULA_CHARS}}}?{re.escape(right)}"
                              for left, right, _ in FORMULA_DELIMITERS), re.DOTALL)
FENCED_CODE = re.compile(r"^ {0,3}(```|~~~).*?(?:^ {0,3}\1[^\n]*$|\Z)", re.DOTALL | re.MULTILINE)


def prose(text: str) -> str:
    """`text` without its formulas and fenced code blocks, each left as a space (a paragraph that
    held only one is then blank)."""
    return FORMULA.sub(" ", FENCED_CODE.sub(" ", text))
