"""Plain text from HTML fragments (feed summaries), keeping paragraph breaks."""

from __future__ import annotations

import html
import re

_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre")
_SPACES = re.compile(r"[ \t\r\f\v\xa0]+")
_WHITESPACE = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def fragment_text(markup: str) -> str:
    """The text of an HTML fragment; a string without tags is only unescaped."""
    if "<" not in markup:
        return _tidy(html.unescape(markup))
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except ParserError:
        return ""
    # In HTML a newline in the source is a space; lines come from blocks and <br> only.
    for element in root.iter():
        element.text = _WHITESPACE.sub(" ", element.text) if element.text else element.text
        element.tail = _WHITESPACE.sub(" ", element.tail) if element.tail else element.tail
    for element in root.iter("br", *_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    return _tidy(root.text_content())


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
