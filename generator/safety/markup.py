"""Text from the CSVs is data, never markup: shown as text wherever it is placed.

`inline` turns any string into Markdown-and-HTML-inert text for a paragraph, heading, list
item or table cell: every character that Markdown, HTML, attr_list, admonitions or tables
could read as syntax becomes a numeric character reference, which the browser shows as the
character itself. Line breaks collapse to spaces so that a value cannot start a block, and
control characters (invisible anyway) are dropped.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# Everything Markdown (incl. extensions), HTML or a table could take as syntax.
_SPECIAL = set("&<>\"'`*_[](){}#!|\\~^=+-:.$%@")
_ENTITIES = str.maketrans({character: f"&#{ord(character)};" for character in _SPECIAL})
_SPACES = re.compile(r"\s+")
# Control characters other than white space: invisible, and Python-Markdown reads STX/ETX
# (`\x02...\x03`) as its own placeholders for stashed HTML.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def inline(text: object) -> str:
    """Any value as inert inline text, also safe in a quoted HTML attribute (None, NaN: empty)."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    collapsed = _SPACES.sub(" ", _CONTROLS.sub("", str(text))).strip()
    return collapsed.translate(_ENTITIES)


_HTML_ENTITIES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
)


def html_column(values: pd.Series) -> pd.Series:
    """Every value of a column as inert text for HTML that Markdown never reads (a fragment
    spliced in after it, see `generator.site.events`): control characters dropped, white
    space collapsed, and only what HTML could read as markup escaped. Each distinct value
    is escaped once (a column of sites or priorities holds a handful)."""
    codes, distinct = pd.factorize(values.astype(object), use_na_sentinel=True)
    text = pd.Series(distinct, dtype=object).astype(str)
    text = text.str.replace(_CONTROLS, "", regex=True).str.replace(_SPACES, " ", regex=True)
    escaped = np.append(text.str.strip().str.translate(_HTML_ENTITIES).to_numpy(), "")
    return pd.Series(escaped[codes], index=values.index, dtype=object)
