"""Redaction of personal data from free text (contract 8): properties over generated values in
arbitrary text, and a table of hand-written examples."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_pages import pages_for

from conftest import CLIENTS_YML, INCIDENTS, write
from generator.safety.redact import FEW_VALUES, PLACEHOLDER, redact, redact_text

PROPERTY = settings(
    max_examples=int(os.environ.get("REDACT_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Text around a value: anything, kept apart from the value by a separator, so that the value
# stays a token of its own (glued to letters or digits it would be part of another token).
surrounding = st.text(max_size=40)
separators = st.sampled_from([" ", "\n", "\t", ", ", "; ", ": ", " (", ") ", " / ", " - ", "\r\n"])


def digits(count: int, first: str = "0123456789") -> st.SearchStrategy[str]:
    return st.tuples(
        st.sampled_from(first), st.text("0123456789", min_size=count - 1, max_size=count - 1)
    ).map("".join)


def any_case(text: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
        lambda flips: "".join(
            c.upper() if f else c.lower() for c, f in zip(text, flips, strict=True)
        )
    )


@st.composite
def hk_phones(draw: st.DrawFn) -> str:
    number = draw(digits(8, "23456789"))
    middle = draw(st.sampled_from(["", " ", "-", "  ", " - "]))
    prefix = draw(
        st.sampled_from(
            ["", "+852 ", "+852", "+852-", "852 ", "852", "852-", "(852) ", "(+852) ", "00852 "]
        )
    )
    return f"{prefix}{number[:4]}{middle}{number[4:]}"


@st.composite
def international_phones(draw: st.DrawFn) -> str:
    country = draw(st.sampled_from(["1", "44", "86", "61", "65", "81", "49", "33", "971"]))
    groups = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    numbers = [draw(digits(size)) for size in groups]
    while len(country) + sum(map(len, numbers)) < 8:
        numbers.append(draw(digits(3)))
    separator = draw(st.sampled_from([" ", "-", "."]))
    if draw(st.booleans()):  # area code in brackets: +1 (415) 555-0100
        return f"+{country} ({numbers[0]}) " + separator.join(numbers[1:])
    return f"+{country} " + separator.join(numbers)


@st.composite
def hkids(draw: st.DrawFn) -> str:
    letters = draw(
        st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=1, max_size=2)
    )
    number = draw(digits(6))
    check = draw(st.sampled_from("0123456789Aa"))  # whatever the right check digit would be
    brackets = draw(st.sampled_from(["()", "()", "（）", ""]))
    if not brackets and len(letters) == 2 and check not in "Aa":
        brackets = "()"  # two letters, seven digits, no brackets: a reference like WO0003010
    space = draw(st.sampled_from(["", " "]))
    if brackets:
        return f"{letters}{number}{space}{brackets[0]}{check}{brackets[1]}"
    return f"{letters}{number}{space}{check}"


local_parts = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,15}", fullmatch=True)
domains = st.from_regex(
    r"[a-z0-9-]{1,10}(\.[a-z0-9-]{1,10}){0,2}\.(com|net|hk|org)", fullmatch=True
)
emails = st.one_of(
    st.emails(),
    st.builds(lambda local, domain: f"{local}@{domain}", local_parts, domains),
)
words = st.from_regex(r"[A-Za-z][a-z]{1,9}", fullmatch=True)
names = st.lists(words, min_size=1, max_size=3).map(" ".join)


@given(
    surrounding,
    separators,
    st.one_of(emails, hk_phones(), international_phones(), hkids()),
    separators,
    surrounding,
)
@PROPERTY
def test_personal_values_in_any_text_are_removed(
    before: str, left: str, value: str, right: str, after: str
) -> None:
    text = before + left + value + right + after
    assert value not in redact(text)
    assert value not in redact_text(pd.Series([text])).iloc[0]


@given(surrounding, separators, names, st.data(), separators, surrounding)
@PROPERTY
def test_configured_names_are_removed_in_any_case_and_spacing(
    before: str, left: str, name: str, data: st.DataObject, right: str, after: str
) -> None:
    spacing = data.draw(st.lists(st.sampled_from([" ", "  ", "\n", "-", " \t"]), min_size=4))
    written = data.draw(any_case(name))
    written = "".join(word + spacing[i] for i, word in enumerate(written.split(" "))).rstrip(
        " \t\n-"
    )
    assume(written.casefold() not in (before + after).casefold())
    text = before + left + written + right + after
    redacted = redact_text(pd.Series([text], dtype="str"), [name, "Someone Else"]).iloc[0]
    assert PLACEHOLDER["name"] in redacted
    assert written not in redacted.replace(PLACEHOLDER["name"], "")


@st.composite
def ordinary_numbers(draw: st.DrawFn) -> str:
    year, month, day = (
        draw(st.integers(2000, 2099)),
        draw(st.integers(1, 12)),
        draw(st.integers(1, 28)),
    )
    amount = draw(st.integers(0, 99_999_999))
    return draw(
        st.sampled_from(
            [
                "INC" + draw(digits(7)),
                "INC-" + draw(digits(5)),
                "WO" + draw(digits(7)),
                "CMP" + draw(digits(6)),
                f"{year}-{month:02}-{day:02}",
                f"{draw(st.integers(0, 23)):02}:{draw(st.integers(0, 59)):02}",
                f"{draw(st.integers(0, 100))}.{draw(st.integers(0, 9))}%",
                f"HK${amount:,}.{draw(st.integers(0, 99)):02}",
                f"HK${amount}",
                str(draw(st.integers(0, 999_999))),
                draw(digits(7)),
                draw(digits(8, "01")),
                draw(st.sampled_from(["DS-2CD2143G2", "DS-7608NI-K2", "AX-PRO-96", "PSU-12V-5A"])),
                ".".join(str(draw(st.integers(0, 255))) for _ in range(4)),
            ]
        )
    )


@given(surrounding, ordinary_numbers(), surrounding)
@PROPERTY
def test_ordinary_numbers_are_kept(before: str, value: str, after: str) -> None:
    # Words around the value, so that the arbitrary text cannot join it into a phone number.
    text = f"{before} on {value} at {after}"
    assert value in redact(text)
    assert value in redact_text(pd.Series([text]), ["Chan Tai Man"]).iloc[0]


@given(
    st.lists(
        st.one_of(surrounding, emails, hk_phones(), international_phones(), hkids(), names),
        max_size=8,
    ),
    st.lists(names, max_size=3),
)
@PROPERTY
def test_redaction_is_idempotent(pieces: list[str], people: list[str]) -> None:
    text = "".join(pieces)  # glued together on purpose: neighbours freed by a replacement
    once = redact_text(pd.Series([text]), people)
    assert redact_text(once, people).iloc[0] == once.iloc[0]
    assert redact(redact(text, people), people) == redact(text, people) == once.iloc[0]


texts_with_values = st.tuples(
    surrounding,
    separators,
    st.one_of(emails, hk_phones(), international_phones(), hkids(), st.just("Chan Tai Man")),
    separators,
    surrounding,
).map("".join)


@given(st.lists(texts_with_values, min_size=FEW_VALUES + 1, max_size=2 * FEW_VALUES))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_many_values_are_redacted_as_each_one_alone(texts: list[str]) -> None:
    """Past a few distinct values, pyarrow's RE2 picks the values to redact: the same ones."""
    redacted = redact_text(pd.Series(texts * 2), ["Chan Tai Man"])
    assert redacted.tolist() == [redact(text, ["Chan Tai Man"]) for text in texts * 2]


def test_missing_values_stay_missing_and_the_index_is_kept() -> None:
    values = pd.Series(["call 9123 4567", None, np.nan, pd.NA, "", "ok"], index=[5, 5, 7, 8, 9, 9])
    redacted = redact_text(values, ["Chan Tai Man"])
    assert list(redacted.index) == [5, 5, 7, 8, 9, 9]
    assert redacted.isna().tolist() == [False, True, True, True, False, False]
    assert redacted.iloc[0] == "call [phone removed]"
    assert redacted.iloc[4] == ""
    assert redacted.iloc[5] == "ok"
    assert redact_text(pd.Series([], dtype="str")).empty
    arrow = redact_text(pd.Series(["mail a@b.com", None], dtype="str"))
    assert arrow.iloc[0] == "mail [e-mail removed]" and pd.isna(arrow.iloc[1])


PEOPLE = ["Chan Tai Man", "Carmen Ng", "O'Brien"]
REDACTED = [
    # e-mail
    ("mail tm.chan@example.com now", "mail [e-mail removed] now"),
    ("<Chan.Tai-Man+svc@mail.example.com.hk>", "<[e-mail removed]>"),
    # Hong Kong phones
    ("call 9123 4567.", "call [phone removed]."),
    ("call 9123-4567", "call [phone removed]"),
    ("call 91234567", "call [phone removed]"),
    ("call +852 9123 4567", "call [phone removed]"),
    ("call +85291234567", "call [phone removed]"),
    ("call (852) 2345 6789", "call [phone removed]"),
    ("call (+852) 2345-6789", "call [phone removed]"),
    ("call 852-2345-6789", "call [phone removed]"),
    ("call 00852 2345 6789", "call [phone removed]"),
    ("tel:91234567", "tel:[phone removed]"),
    ("致電91234567聯絡", "致電[phone removed]聯絡"),
    ("電話：９１２３ ４５６７", "電話：[phone removed]"),
    ("9123 4567/2345 6789", "[phone removed]/[phone removed]"),
    ("compact date 20261031", "compact date [phone removed]"),  # the price of safety
    # international phones
    ("call +44 20 7946 0958", "call [phone removed]"),
    ("call +1 (415) 555-0100", "call [phone removed]"),
    ("call +86 138 0013 8000", "call [phone removed]"),
    ("call +1-415-555-0100 or +1 415.555.0100", "call [phone removed] or [phone removed]"),
    ("call 0044 20 7946 0958", "call [phone removed]"),
    ("call +33 1 23 45 67 89", "call [phone removed]"),
    # HKID
    ("HKID A123456(3)", "HKID [ID removed]"),
    ("HKID AB987654(A)", "HKID [ID removed]"),
    ("HKID A1234563", "HKID [ID removed]"),
    ("HKID a123456(3)", "HKID [ID removed]"),
    ("HKID A123456 (3)", "HKID [ID removed]"),
    ("HKID A123456（3）", "HKID [ID removed]"),
    ("HKID AB987654A", "HKID [ID removed]"),
    ("HKID Z6543210", "HKID [ID removed]"),  # wrong check digit: redacted all the same
    # names
    ("met Chan Tai Man", "met [name removed]"),
    ("met chan tai man", "met [name removed]"),
    ("met CHAN  TAI\nMAN", "met [name removed]"),
    ("met Chan Tai-man", "met [name removed]"),
    ("met Chan Taiman", "met [name removed]"),
    ("met Tai Man Chan", "met [name removed]"),
    ("met Ng Carmen and Carmen Ng's staff", "met [name removed] and [name removed]'s staff"),
    ("met O'Brien", "met [name removed]"),
    ("met 陳Chan Tai Man先生", "met 陳[name removed]先生"),
    # several at once
    (
        "Chan Tai Man (9123 4567, tm@x.hk, A123456(3))",
        "[name removed] ([phone removed], [e-mail removed], [ID removed])",
    ),
]
KEPT = [
    "INC0000123",
    "INC-00012",
    "INC-0012345678",
    "WO0003010",
    "WO0012345",
    "CMP000123",
    "2026-10-31",
    "2026-10-31 14:05",
    "2026-10-31T14:05:00+08:00",
    "14:05",
    "99.5%",
    "+5%",
    "HK$12,345.00",
    "HK$23456789",
    "0.23456789",
    "1234567",
    "12345678",
    "01234567",
    "123456789",
    "5,000 cards",
    "DS-2CD2143G2",
    "192.168.1.20",
    "12V 7Ah battery",
    "Zone 22",
    "Mr Chan",
    "Carmen",
    "Chancellor",
    "SN23456789",
    "X12345678",
]


@pytest.mark.parametrize(("text", "expected"), REDACTED)
def test_redacted_examples(text: str, expected: str) -> None:
    assert redact(text, PEOPLE) == expected
    assert redact_text(pd.Series([text], dtype="str"), PEOPLE).iloc[0] == expected
    assert redact_text(pd.Series([text], dtype=object), PEOPLE).iloc[0] == expected


@pytest.mark.parametrize("text", KEPT)
def test_kept_examples(text: str) -> None:
    assert redact(f"see {text} now", PEOPLE) == f"see {text} now"
    assert redact_text(pd.Series([text]), PEOPLE).iloc[0] == text


def test_placeholders_are_never_redacted_again() -> None:
    people = ["Name", "Removed", "Phone", "E", "Mail", "ID"]
    text = " ".join(PLACEHOLDER.values())
    assert redact(text, people) == text
    assert redact("name removed", people) == "[name removed] [name removed]"


def test_feedback_text_and_training_records_are_published_redacted(tmp_path: Path) -> None:
    """The new sources go through the same published-records path: a phone number in
    feedback text is redacted wherever the text is shown or downloaded, the giver's name and
    the trainee's staff reference are never published (the staff are only counted)."""
    data = tmp_path / "data"
    write(data / "clients.yml", CLIENTS_YML)
    write(data / "incidents.csv", INCIDENTS)
    write(
        data / "feedback.csv",
        "feedback_id,client_id,received_at,kind,score,text,given_by\n"
        "FB-1,harbour-tower,2026-10-04 11:00,enquiry,,Please call me back on 9151 7261,Ho Wing\n"
        "FB-2,harbour-tower,2026-10-05 11:00,survey,4,Fine; ask chan tai man,\n",
    )
    write(
        data / "training.csv",
        "training_id,client_id,staff_ref,course,completed_on\n"
        "TRN-1,,STF-0042X,First aid,2026-10-05\n"
        "TRN-2,harbour-tower,STF-0042X,Alarm panels,2026-10-06\n",
    )
    pages = pages_for(data, "harbour-tower")
    everything = "\n".join(pages.values())
    for secret in ("9151 7261", "Ho Wing", "chan tai man", "STF-0042X"):
        assert secret not in everything, secret
    assert "Please call me back on [phone removed]" in pages["downloads/feedback.csv"]
    assert "Fine; ask [name removed]" in pages["downloads/feedback.csv"]
    assert "given_by" not in pages["downloads/feedback.csv"]
    assert "staff_ref" not in pages["downloads/training.csv"]
    assert "&#91;phone removed&#93;" in pages["complaints.md"]
