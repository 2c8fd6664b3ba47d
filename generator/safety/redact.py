"""Personal data out of every published text (free text, categories, sites... see
`Column.redacted`) before it is written anywhere (contract 8): e-mail addresses, phone
numbers (Hong Kong and international), HKID numbers and the client's own configured names
of people.

The rules, as implemented:

- A value counts only as a whole token: a phone number or an HKID glued to a Latin letter or
  a digit (`SN23456789`, `X12345678`) is part of another token and is left alone. Chinese
  text has no spaces, so a CJK character next to a value does not protect it
  (`致電91234567` is redacted).
- E-mail: a local part of RFC 5322 "atext" characters and dots, `@`, a domain of at least
  two labels.
- Hong Kong phone: 8 digits starting 2-9, as `9123 4567`, `9123-4567` or `91234567`,
  optionally after `+852`, `852`, `00852` or `(852)` / `(+852)`. Not when the number is
  part of money (`HK$23456789`) or of a decimal (`0.23456789`, `23456789.5`). Any such
  number is taken for a phone, compact dates like `20261031` included: confidentiality
  comes before readability.
- International phone: `+` and 8 to 15 digits in groups separated by spaces, dashes, dots
  or brackets (`+44 20 7946 0958`, `+1 (415) 555-0100`, `+86 138 0013 8000`), or `00`,
  a country code and groups with at least one separator (`0044 20 7946 0958`).
- HKID: one or two letters (either case), six digits and a check character in brackets,
  round or full-width (`A123456(3)`, `AB987654(A)`, `A 123456 (3)`); without brackets one
  letter, six digits and a check digit or `A` (`A1234563`, `A123456A`), or two letters,
  six digits and `A` (`AB987654A`). The check digit is never verified. Two letters and seven
  digits without brackets (`WO0003010`) are kept: that is how job and other references are
  written, and only the brackets tell an HKID apart.
- Names: each configured name of a person of the client, case-insensitive, as a whole word
  sequence, with any run of spaces, line breaks, hyphens, dots, commas or underscores (or
  nothing) between its words (`Chan  Tai Man`, `chan tai-man`, `CHAN Taiman`), and also
  with the surname moved to the other end (`Tai Man Chan`, `Ng Carmen`). A lone surname or
  given name (`Mr Chan`) is not redacted: it identifies no one and would blank out too much.
- Redaction is idempotent: it is applied until nothing changes, and the placeholders are
  never matched themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

PLACEHOLDER = {
    "email": "[e-mail removed]",
    "phone": "[phone removed]",
    "hkid": "[ID removed]",
    "name": "[name removed]",
}
_KEEP = "|".join(re.escape(text) for text in PLACEHOLDER.values())

# Digits: ASCII and full-width (typed in Chinese text).
_D = r"[0-9\uff10-\uff19]"
# Letters and digits that make a value part of a longer token (CJK is not among them).
_TOKEN = r"A-Za-z0-9\uff10-\uff19"
_LATIN = r"A-Za-z0-9\u00c0-\u024f\uff10-\uff19"

EMAIL = r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+"

_HKID_BRACKETED = rf"[A-Za-z]{{1,2}} ?{_D}{{6}} ?[(\uff08] ?(?:{_D}|[Aa]) ?[)\uff09]"
_HKID_BARE = rf"(?:[A-Za-z]{_D}{{6}} ?(?:{_D}|[Aa])|[A-Za-z]{{2}}{_D}{{6}} ?[Aa])(?![{_TOKEN}])"
HKID = rf"(?<![{_TOKEN}])(?:{_HKID_BRACKETED}|{_HKID_BARE})"

# Between the groups of a Hong Kong number: up to two spaces, or a dash with optional spaces.
_HK_SEP = r"(?:[ \t\u00a0]{1,2}|[ \u00a0]?[-\u2010-\u2013][ \u00a0]?)?"
_HK_PREFIX = rf"(?:(?:\+|00)?852{_HK_SEP}|\( ?(?:\+|00)?852 ?\){_HK_SEP})?"
HK_PHONE = (
    rf"(?<![{_TOKEN}+$])(?<!{_D}[.,])"
    rf"{_HK_PREFIX}[2-9\uff12-\uff19]{_D}{{3}}{_HK_SEP}{_D}{{4}}"
    rf"(?![{_TOKEN}]|[.,]{_D})"
)
# International: `+` and 8-15 digits, each after at most two separators.
_INTL_SEP = r"[ ().\-\u2010-\u2013]{0,2}"
INTERNATIONAL_PHONE = (
    rf"(?<![{_TOKEN}+$])"
    rf"(?:\+ ?\(?{_D}(?:{_INTL_SEP}{_D}){{7,14}}"
    rf"|(?<![.,\-/:])00[1-9]{_D}{{0,2}}[ ().\-]{{1,2}}{_D}(?:{_INTL_SEP}{_D}){{6,11}})"
    rf"(?!{_D})"
)
_NAME_SEP = r"[\s.,_\-\u2010-\u2013]*"


def _name_alternatives(people: Iterable[str], separator: str = _NAME_SEP) -> list[str]:
    """Each configured name as patterns: its words in order and with the first or the last
    word moved to the other end, `separator` between the words."""
    variants: dict[str, int] = {}
    for name in people:
        words = [word for word in re.split(r"[\s\-\u2010-\u2013]+", str(name).strip()) if word]
        if not words:
            continue
        orders = [words]
        if len(words) > 1:
            orders += [words[1:] + words[:1], words[-1:] + words[:-1]]
        for order in orders:
            pattern = separator.join(re.escape(word) for word in order)
            variants[pattern] = max(variants.get(pattern, 0), len("".join(order)))
    return sorted(variants, key=lambda pattern: (-variants[pattern], pattern))


@lru_cache(maxsize=1024)
def redaction_pattern(people: tuple[str, ...] = ()) -> re.Pattern[str]:
    """One regex for everything that is redacted (and the placeholders, kept as they are)."""
    parts = [
        f"(?P<keep>{_KEEP})",
        f"(?P<email>{EMAIL})",
        f"(?P<hkid>{HKID})",
        f"(?P<phone>{INTERNATIONAL_PHONE}|{HK_PHONE})",
    ]
    names = _name_alternatives(people)
    if names:
        parts.append(rf"(?P<name>(?<![{_LATIN}])(?i:{'|'.join(names)})(?![{_LATIN}]))")
    return re.compile("|".join(parts))


def _replace(match: re.Match[str]) -> str:
    kind = match.lastgroup
    return match.group(0) if kind == "keep" or kind is None else PLACEHOLDER[kind]


def redact(text: str, people: Iterable[str] = ()) -> str:
    """One string with personal data replaced by placeholders."""
    pattern = redaction_pattern(tuple(people))
    for _ in range(10):
        redacted = pattern.sub(_replace, text)
        if redacted == text:
            break
        text = redacted
    return text


# Up to this many values, `re` answers sooner than pyarrow compiles its RE2 pattern.
FEW_VALUES = 64


def _contains(text: pd.Series, re2: str, python: str) -> np.ndarray:
    """Which values contain a match: by pyarrow (RE2) where it is available and there are
    many values, else by `re`."""
    if len(text) <= FEW_VALUES:
        pattern = _compiled(python)
        found = [isinstance(value, str) and bool(pattern.search(value)) for value in text.tolist()]
        return np.array(found, dtype=bool)
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        array = pa.array(text, type=pa.large_string(), from_pandas=True)
        found = pc.match_substring_regex(array, re2).fill_null(False)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
    except Exception:
        return np.array(text.astype(object).str.contains(python, na=False), dtype=bool)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _candidates(text: pd.Series, people: tuple[str, ...]) -> np.ndarray:
    """Rows that may hold something to redact: a cheap pre-filter, so that the full pattern
    only runs on the few rows that need it. Every e-mail has an `@`; every phone a `+`, a
    group of four digits or `00` and a digit; every HKID six digits; names are searched
    without their word boundaries, with anything but letters and digits between words."""
    mask = _contains(text, r"[@+]|\p{Nd}{4}|00\p{Nd}", r"[@+]|\d{4}|00\d")
    names = _name_alternatives(people, "[^0-9A-Za-z]*")
    if names:
        pattern = "(?i)" + "|".join(names)
        mask |= _contains(text, pattern, pattern)
    return mask


def redact_text(values: pd.Series, people: Iterable[str] = ()) -> pd.Series:
    """Text with personal data replaced by placeholders, vectorised over the column: each
    distinct value is redacted once (a column of categories or sites holds a handful);
    missing values stay missing."""
    people = tuple(people)
    codes, uniques = pd.factorize(values)
    distinct = _redact_distinct(pd.Series(np.asarray(uniques, dtype=object), dtype="str"), people)
    # Code -1 (missing) picks the None appended at the end.
    table = np.append(distinct.to_numpy(dtype=object), None)
    return pd.Series(table[codes], index=values.index, dtype="str")


def _redact_distinct(redacted: pd.Series, people: tuple[str, ...]) -> pd.Series:
    pattern = redaction_pattern(people)
    positions = np.flatnonzero(_candidates(redacted, people))
    # Applied again where something changed, until nothing does: a replacement can free a
    # neighbouring value that was glued to the replaced one (idempotence).
    for _ in range(10):
        if not positions.size:
            break
        before = redacted.iloc[positions]
        after = before.str.replace(pattern, _replace, regex=True)
        redacted.iloc[positions] = after.to_numpy()
        positions = positions[after.ne(before).to_numpy()]
    return redacted
