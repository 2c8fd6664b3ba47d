"""Text from the CSVs is data, never markup (contract 8): whatever a value holds, `inline`
makes it show as the same text in a table cell, a paragraph or a heading, and creates no
element of its own."""

from __future__ import annotations

import html
import os
import unicodedata
from datetime import datetime
from html.parser import HTMLParser

import markdown
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.safety.markup import html_column, inline
from generator.site.render import csv_instant_column, html_rows, timestamp, timestamp_column

PROPERTY = settings(
    max_examples=int(os.environ.get("MARKUP_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
EXTENSIONS = ["tables", "md_in_html", "admonition", "attr_list", "toc"]

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus '",
    "[x](javascript:alert(1))",
    "[x]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<https://evil.example/>",
    "![i](https://evil.example/x.png)",
    "!!! note",
    '!!! danger "Pwned"\n    body',
    "{: .x onclick=alert(1) }",
    "# heading {: #id }",
    "{{ 7*7 }}",
    "{% include 'x' %}",
    "| a | b |\n|---|---|",
    "`code` and ``more``",
    "```\nfence\n```",
    "<!-- comment -->",
    "**bold** __bold__ *em* _em_",
    "~~del~~ ^^ins^^ ==mark==",
    "line one\r\nline two\rthree\n\n\nfour",
    "    indented code",
    "> quote",
    "- item\n* item\n+ item\n1. item",
    "1. first",
    "2) second",
    "---",
    "===",
    "Title\n=====",
    "&amp; &lt; &#60; &#x3c; &copy",
    "\\*escaped\\* \\\\",
    "[TOC]",
    "*[HTML]: Hyper",
    "[^1]\n\n[^1]: note",
    '<div markdown="1">*x*</div>',
    "<style>body{display:none}</style>",
    "<iframe src=//evil.example></iframe>",
    "\x02wzxhzdk:0\x03",
    "a\x00b\x07c\x1bd\x7fe",
    "ends with two spaces  \nnext",
    "https://example.com and www.example.com and a@b.example",
    ":smile: :+1:",
    "$x$ and $$y$$",
    "\u2028\u2029\u0085\u00a0\u3000",
]


def visible(text: str) -> str:
    """What a reader sees: control characters dropped, white space collapsed."""
    kept = "".join(c for c in text if c.isspace() or unicodedata.category(c) != "Cc")
    return " ".join(kept.split())


class Elements(HTMLParser):
    """The tags of a rendered fragment, and the text inside each kind of element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def render(source: str) -> Elements:
    parser = Elements()
    parser.feed(markdown.markdown(source, extensions=EXTENSIONS))
    parser.close()
    return parser


def texts(parser: Elements) -> str:
    return " ".join("".join(parser.text).split())


hostile_text = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8)), max_size=6).map("".join),
)


@given(hostile_text)
@PROPERTY
@example("<script>alert(1)</script>")
@example("\x02wzxhzdk:0\x03")
def test_the_reader_sees_the_same_text(text: str) -> None:
    assert html.unescape(inline(text)) == visible(text)
    for character in "<>&\"'`*_[](){}#!|\\~^=+-:.$%@\r\n\t":
        assert character not in inline(text).replace("&#", "").replace(";", "")


@given(hostile_text)
@PROPERTY
def test_a_table_cell_is_one_cell_of_text(text: str) -> None:
    parser = render(f"| Head |\n| --- |\n| {inline(text)} |\n")
    assert set(parser.tags) == {"table", "thead", "tbody", "tr", "th", "td"}
    assert parser.tags.count("td") == 1
    assert texts(parser) == " ".join(f"Head {visible(text)}".split())
    assert not parser.comments


@given(hostile_text, st.sampled_from(["", "Reported: "]))
@PROPERTY
def test_a_paragraph_is_one_paragraph_of_text(text: str, label: str) -> None:
    parser = render(f"{label}{inline(text)}\n")
    expected = " ".join(f"{label}{visible(text)}".split())
    assert parser.tags == (["p"] if expected else [])
    assert parser.attributes == []
    assert texts(parser) == expected


@given(hostile_text)
@PROPERTY
def test_a_heading_is_one_heading_of_text(text: str) -> None:
    parser = render(f"## Incident {inline(text)}\n")
    assert parser.tags == ["h2"]
    assert [name for name, _ in parser.attributes] == ["id"]
    assert texts(parser) == " ".join(f"Incident {visible(text)}".split())


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_examples_stay_text(text: str) -> None:
    for source, tags in [
        (f"| H |\n|---|\n| {inline(text)} |\n", {"table", "thead", "tbody", "tr", "th", "td"}),
        (f"{inline(text)}\n", {"p"}),
        (f"# {inline(text)}\n", {"h1"}),
        (f"- {inline(text)}\n", {"ul", "li"}),
        (f'<td title="{inline(text)}">{inline(text)}</td>\n', {"td"}),
    ]:
        parser = render(source)
        assert set(parser.tags) <= tags, (text, source)
        assert visible(text) in texts(parser) or not visible(text)
        assert all(not name.startswith("on") for name, _ in parser.attributes)


def test_missing_values_are_empty() -> None:
    assert inline(None) == ""
    assert inline(float("nan")) == ""
    assert inline(12.5) == "12&#46;5"
    assert inline("  a \n\t b  ") == "a b"


def test_timestamps_and_rows_a_column_at_once() -> None:
    instants = pd.Series(
        pd.to_datetime(["2026-10-02 10:00", None, "2026-12-31 23:59"]).tz_localize("Asia/Hong_Kong")
    )
    formatted = timestamp_column(instants)
    assert formatted.tolist() == [timestamp(value) for value in instants]
    assert formatted.tolist() == ["2026-10-02 10:00", "–", "2026-12-31 23:59"]
    rows = html_rows([html_column(pd.Series(["INC-1", "<b>", None])), formatted])
    assert rows == [
        "<tr><td>INC-1</td><td>2026-10-02 10:00</td></tr>",
        "<tr><td>&lt;b&gt;</td><td>–</td></tr>",
        "<tr><td></td><td>2026-12-31 23:59</td></tr>",
    ]


@PROPERTY
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.datetimes(
                min_value=datetime(1990, 1, 1),
                max_value=datetime(2100, 1, 1),
            ),
        ),
        max_size=20,
    ),
    st.sampled_from(["Asia/Hong_Kong", "Europe/London", "America/New_York", None]),
)
def test_timestamps_a_column_at_once_as_value_by_value(values, timezone) -> None:
    instants = pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
    if timezone is not None:
        instants = instants.dt.tz_localize("UTC").dt.tz_convert(timezone)
    assert timestamp_column(instants).tolist() == [timestamp(value) for value in instants]


@PROPERTY
@given(st.lists(st.one_of(st.none(), st.text(), st.sampled_from(HOSTILE)), max_size=20))
def test_fragment_text_is_inert_html_of_the_same_text(values: list[str | None]) -> None:
    """Text for a fragment (never read by Markdown): no tag, no attribute break-out, and the
    browser shows the value itself (its white space collapsed, control characters gone)."""
    for dtype in (object, "string[pyarrow]", "category"):
        escaped = html_column(pd.Series(values, dtype=dtype)).tolist()
        assert escaped == html_column(pd.Series(values, dtype=object)).tolist()
    for value, text in zip(values, escaped, strict=True):
        assert not set(text) & set("<>\"'")
        shown = html.unescape(inline(value))
        assert html.unescape(text) == shown


@PROPERTY
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
        ),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from(["Asia/Hong_Kong", "Europe/London", "America/St_Johns", "Asia/Kolkata"]),
    st.booleans(),
)
def test_instants_in_a_csv_a_column_at_once_as_pandas_writes_them(
    values, timezone, whole_seconds
) -> None:
    instants = pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
    if whole_seconds:
        instants = instants.dt.floor("s")
    instants = instants.dt.tz_localize("UTC").dt.tz_convert(timezone)
    frame = pd.DataFrame({"at": instants, "n": range(len(instants))})
    fast = frame.assign(at=csv_instant_column(frame["at"]))
    assert fast.to_csv(index=False) == frame.to_csv(index=False)
