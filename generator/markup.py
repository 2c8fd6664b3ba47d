"""Text from the CSVs is data, never markup: shown as text wherever it is placed.

`inline` turns any string into Markdown-and-HTML-inert text for a paragraph, heading, list
item or table cell: every character that Markdown, HTML, attr_list, admonitions or tables
could read as syntax becomes a numeric character reference, which the browser shows as the
character itself. Line breaks collapse to spaces so that a value cannot start a block.
"""

from __future__ import annotations

import re

# Everything Markdown (incl. extensions), HTML or a table could take as syntax.
_SPECIAL = set("&<>\"'`*_[](){}#!|\\~^=+-:.$%@")
_ENTITIES = str.maketrans({character: f"&#{ord(character)};" for character in _SPECIAL})
_SPACES = re.compile(r"\s+")


def inline(text: object) -> str:
    """Any value as inert inline text, also safe in a quoted HTML attribute (None, NaN: empty)."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    collapsed = _SPACES.sub(" ", str(text)).strip()
    return collapsed.translate(_ENTITIES)
