"""Make model output safe to display in the browser.

Model output is attacker-influenced (prompt injection through a transaction memo, say). Shown as
Markdown, an image or raw HTML in it would make every viewer's browser fetch a remote URL
(tracking pixels, data exfiltration through the query string). We show HTML as text and turn
Markdown images into plain text; links stay as text the user can read before following.
"""

from __future__ import annotations

import html
import re

_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
_REF_IMAGE = re.compile(r"!\[([^\]]*)\]\[([^\]]*)\]")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")


def safe_markdown(text: str) -> str:
    """Markdown that renders the text faithfully but cannot load anything remote."""
    text = _IMAGE.sub(lambda m: f"[image blocked: {m.group(1) or 'untitled'} — {m.group(2)}]", text)
    text = _REF_IMAGE.sub(lambda m: f"[image blocked: {m.group(1) or 'untitled'}]", text)
    text = _AUTOLINK.sub(lambda m: m.group(1), text)
    text = html.escape(text, quote=False)  # <img>, <iframe>, <style>… become visible text
    return text.replace("![", "!\\[")
