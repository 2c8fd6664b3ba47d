"""Personal data out of free text before it is written anywhere (contract 8): e-mail
addresses, phone numbers (Hong Kong and international), HKID numbers and the client's own
configured names of people."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# HKID: one or two letters, six digits, a check digit or A, with or without brackets.
HKID = r"(?<![A-Za-z0-9])[A-Za-z]{1,2}\d{6}\s?(?:\(\s?[0-9Aa]\s?\)|[0-9Aa])(?![A-Za-z0-9])"
# Hong Kong: 8 digits starting 2-9, optionally +852 / 852, in groups split by spaces or dashes.
HK_PHONE = r"(?<![\d+])(?:(?:\+|00)?852[\s-]?)?[2-9]\d{3}[\s-]?\d{4}(?!\d)"
# International: a + and country code, then 6-14 more digits in groups.
INTERNATIONAL_PHONE = r"(?<![\d+])(?:\+|00)[1-9]\d{0,2}(?:[\s-]?\(?\d{1,4}\)?){2,5}(?!\d)"
PLACEHOLDER = {
    "email": "[e-mail removed]",
    "phone": "[phone removed]",
    "hkid": "[ID removed]",
    "name": "[name removed]",
}


def redact_text(values: pd.Series, people: Iterable[str] = ()) -> pd.Series:
    """Free text with personal data replaced by placeholders, vectorised over the column."""
    text = values.astype("str")
    text = text.str.replace(EMAIL, PLACEHOLDER["email"], regex=True)
    text = text.str.replace(HKID, PLACEHOLDER["hkid"], regex=True)
    text = text.str.replace(INTERNATIONAL_PHONE, PLACEHOLDER["phone"], regex=True)
    text = text.str.replace(HK_PHONE, PLACEHOLDER["phone"], regex=True)
    names = sorted({name.strip() for name in people if name.strip()}, key=len, reverse=True)
    if names:
        pattern = r"(?<!\w)(?:" + "|".join(re.escape(name) for name in names) + r")(?!\w)"
        text = text.str.replace(f"(?i){pattern}", PLACEHOLDER["name"], regex=True)
    return text.where(values.notna())
