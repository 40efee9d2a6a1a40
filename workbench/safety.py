"""Make model output safe to display in the browser.

Model output is attacker-influenced (prompt injection through a transaction memo, say). Shown as
Markdown, an image or raw HTML in it would make every viewer's browser fetch a remote URL
(tracking pixels, data exfiltration through the query string). We show HTML as text and turn
Markdown images into plain text; links stay as text the user can read before following.
"""

from __future__ import annotations

import re

# Bounded, so that a text of many "![" never closed is read in linear time (30,000 took 11 s);
# an image these do not name is still inert: every "![" left is escaped at the end.
_IMAGE = re.compile(r"!\[([^\]]{0,500})\]\(([^)]{0,2000})\)")
_REF_IMAGE = re.compile(r"!\[([^\]]{0,500})\]\[([^\]]{0,500})\]")
_AUTOLINK = re.compile(r"<(https?://[^>\s]{1,2000})>")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")  # a "<" that could open an HTML tag or comment


def _no_images(text: str) -> str:
    text = _IMAGE.sub(lambda m: f"[image blocked: {m.group(1) or 'untitled'} — {m.group(2)}]", text)
    text = _REF_IMAGE.sub(lambda m: f"[image blocked: {m.group(1) or 'untitled'}]", text)
    return _AUTOLINK.sub(lambda m: m.group(1), text)


def safe_markdown(text: str) -> str:
    """Markdown that renders the text faithfully but cannot load anything remote: images become
    text, and a "<" that could open an HTML tag or comment (<img>, <iframe>, <style>, </b>, <!--)
    is written as an entity, which shows as text. Nothing else is escaped: "S&P 500", "P/E < 15"
    and "EBITDA > 3× debt" stay as written, in what the page shows and in what a copy button or
    a chat box's pencil gives back (escaping every "&", "<" and ">" made Chat's copy of an
    answer on the S&P 500 read "S&amp;P 500")."""
    return _TAG_START.sub("&lt;", _no_images(text)).replace("![", "!\\[")
