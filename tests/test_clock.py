"""Tests of the SLA clock (generator/figures/clock.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.figures.clock import (
    WEEKDAYS,
    Calendar,
    closed_dates,
    make_calendar,
    parse_hours,
    sla_minutes,
    sla_seconds,
    twenty_four_seven,
)

HK = "Asia/Hong_Kong"
HK_TZ = ZoneInfo(HK)
HOURS = {day: "09:00-18:00" for day in WEEKDAYS[:5]} | {"sat": "09:00-13:00"}
BUSINESS = make_calendar("business", HK, HOURS, holidays="HK", extra_closed=[dt.date(2026, 12, 24)])
ALWAYS = twenty_four_seven(HK)


def hk(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=HK)


def minutes(calendar: Calendar, start: str, end: str) -> float:
    return float(sla_minutes(calendar, hk(start), hk(end)))


# --- parse_hours / make_calendar ---------------------------------------------------------


def test_parse_hours_single_range() -> None:
    assert parse_hours("09:00-18:00") == ((32400, 64800),)


def test_parse_hours_several_ranges_sorted_and_24_00() -> None:
    assert parse_hours("13:30-24:00, 09:00-12:30,00:00-01:00") == (
        (0, 3600),
        (32400, 45000),
        (48600, 86400),
    )


def test_parse_hours_merges_touching_ranges() -> None:
    assert parse_hours("09:00-12:00, 12:00-18:00") == ((32400, 64800),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9-6", "expected 'HH:MM-HH:MM', got '9-6'"),
        ("", "expected 'HH:MM-HH:MM', got ''"),
        ("18:00-09:00", "range '18:00-09:00' must end after it starts"),
        ("09:00-09:00", "range '09:00-09:00' must end after it starts"),
        ("09:00-12:00, 11:00-13:00", "overlapping ranges in '09:00-12:00, 11:00-13:00'"),
        ("24:00-24:00", "invalid time 24:00 in '24:00-24:00'"),
        ("09:60-10:00", "invalid time 09:60 in '09:60-10:00'"),
    ],
)
def test_parse_hours_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_hours(text)
    assert message == str(error.value)


def test_make_calendar_fields() -> None:
    assert BUSINESS.weekly_hours[0] == ((32400, 64800),)
    assert BUSINESS.weekly_hours[5] == ((32400, 46800),)
    assert BUSINESS.weekly_hours[6] == ()
    assert BUSINESS.holiday_country == "HK"
    assert frozenset({dt.date(2026, 12, 24)}) == BUSINESS.extra_closed
    assert not BUSINESS.always_open


def test_twenty_four_seven_fields() -> None:
    assert ALWAYS.name == "24x7"
    assert ALWAYS.always_open
    assert ALWAYS.weekly_hours == (((0, 86400),),) * 7


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": {"monday": "09:00-18:00"}}, "unknown weekday 'monday'"),
        ({"hours": {"tue": "9-6"}}, "tue: expected 'HH:MM-HH:MM', got '9-6'"),
        ({"holidays": "XX"}, "unknown holiday country 'XX'"),
        ({"holidays": "JAN"}, "unknown holiday country 'JAN'"),  # a name of holidays', not a code
        ({"timezone": "Asia/HongKong"}, "unknown timezone 'Asia/HongKong'"),
    ],
)
def test_make_calendar_rejects(kwargs: dict, message: str) -> None:
    arguments = {"name": "x", "timezone": HK} | kwargs
    with pytest.raises(ValueError, match=message):
        make_calendar(**arguments)


# --- closed_dates ------------------------------------------------------------------------


def test_closed_dates_hk_2026_are_the_gazetted_general_holidays() -> None:
    # The 17 general holidays of 2026 as gazetted, plus the extra closed Christmas Eve.
    # The package also lists the festival itself when it falls on a Sunday.
    gazetted = {
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 17),
        dt.date(2026, 2, 18),
        dt.date(2026, 2, 19),
        dt.date(2026, 4, 3),  # Good Friday ("optional" category only)
        dt.date(2026, 4, 4),  # the day following Good Friday ("optional" only)
        dt.date(2026, 4, 6),
        dt.date(2026, 4, 7),
        dt.date(2026, 5, 1),
        dt.date(2026, 5, 25),
        dt.date(2026, 6, 19),
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 26),
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 19),
        dt.date(2026, 12, 25),
        dt.date(2026, 12, 26),
    }
    sundays = {dt.date(2026, 4, 5), dt.date(2026, 5, 24), dt.date(2026, 10, 18)}
    expected = gazetted | sundays | {dt.date(2026, 12, 24)}
    assert closed_dates(BUSINESS, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == expected


def test_closed_dates_includes_optional_only_days() -> None:
    # 2023-12-26 and Easter Monday 2023 are in the package's HK "optional" category only.
    closed = closed_dates(BUSINESS, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert {dt.date(2023, 4, 7), dt.date(2023, 4, 10), dt.date(2023, 12, 26)} <= closed


def test_closed_dates_window_and_empty() -> None:
    christmas = {dt.date(2026, 12, 24), dt.date(2026, 12, 25)}
    assert closed_dates(BUSINESS, dt.date(2026, 12, 24), dt.date(2026, 12, 25)) == christmas
    assert closed_dates(BUSINESS, dt.date(2026, 12, 25), dt.date(2026, 12, 24)) == set()
    assert closed_dates(ALWAYS, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == set()


def test_closed_dates_country_with_public_category_only() -> None:
    calendar = make_calendar("uk", "Europe/London", HOURS, holidays="GB")
    assert dt.date(2026, 12, 25) in closed_dates(
        calendar, dt.date(2026, 12, 1), dt.date(2026, 12, 31)
    )


# --- hand-checked SLA times --------------------------------------------------------------


def test_friday_evening_to_monday_morning() -> None:
    # Fri 17:00-18:00 (60) + Sat 09:00-13:00 (240) + Mon 09:00-10:00 (60).
    assert minutes(BUSINESS, "2026-01-09 17:00", "2026-01-12 10:00") == 360.0


def test_saturday_noon_to_monday() -> None:
    assert minutes(BUSINESS, "2026-01-10 12:30", "2026-01-12 09:30") == 60.0


def test_whole_working_day() -> None:
    assert minutes(BUSINESS, "2026-01-13 00:00", "2026-01-14 00:00") == 540.0


def test_inside_national_day_is_zero() -> None:
    assert minutes(BUSINESS, "2026-10-01 08:00", "2026-10-01 20:00") == 0.0


def test_good_friday_and_following_saturday_closed() -> None:
    # Thu 2 Apr 17:00-18:00, then Good Friday, its following Saturday, Sunday 5 Apr and
    # Mon 6 / Tue 7 Apr are closed; Wed 8 Apr 09:00-09:15.
    assert minutes(BUSINESS, "2026-04-02 17:00", "2026-04-08 09:15") == 75.0


def test_christmas_eve_christmas_and_day_after_closed() -> None:
    # Wed 23 Dec 17:00-18:00; 24 Dec (extra_closed), 25 and Sat 26 Dec (holidays) and
    # Sunday closed; Mon 28 Dec 09:00-10:00.
    assert minutes(BUSINESS, "2026-12-23 17:00", "2026-12-28 10:00") == 120.0


def test_month_end_crossing() -> None:
    # Fri 30 Jan 17:00-18:00, Sat 31 Jan 09:00-13:00, Mon 2 Feb 09:00-10:00.
    assert minutes(BUSINESS, "2026-01-30 17:00", "2026-02-02 10:00") == 360.0


def test_year_end_crossing() -> None:
    # Thu 31 Dec 17:00-18:00, Fri 1 Jan closed, Sat 2 Jan 09:00-13:00, Mon 4 Jan 09:00-09:30.
    assert minutes(BUSINESS, "2026-12-31 17:00", "2027-01-04 09:30") == 330.0


def test_before_opening_and_after_closing() -> None:
    assert minutes(BUSINESS, "2026-01-12 07:00", "2026-01-12 09:00") == 0.0
    assert minutes(BUSINESS, "2026-01-12 18:00", "2026-01-12 23:59") == 0.0
    assert minutes(BUSINESS, "2026-01-12 07:00", "2026-01-12 09:30") == 30.0


def test_negative_when_end_before_start() -> None:
    assert minutes(BUSINESS, "2026-01-12 10:00", "2026-01-09 17:00") == -360.0


def test_utc_instant_equals_hong_kong_instant() -> None:
    local = sla_seconds(BUSINESS, hk("2026-01-09 17:00"), hk("2026-01-12 10:00"))
    utc = sla_seconds(
        BUSINESS,
        pd.Timestamp("2026-01-09 09:00", tz="UTC"),
        dt.datetime(2026, 1, 12, 2, 0, tzinfo=dt.UTC),
    )
    assert float(local) == 21600.0
    assert float(local) == float(utc)


def test_mixed_offsets_in_one_column() -> None:
    starts = ["2026-01-12T01:00:00Z", "2026-01-12T09:00:00+08:00"]
    assert list(sla_seconds(BUSINESS, starts, hk("2026-01-12 10:00"))) == [3600.0, 3600.0]


def test_sub_second_exactness() -> None:
    assert (
        float(sla_seconds(BUSINESS, hk("2026-01-12 08:59:59.5"), hk("2026-01-12 09:00:00.25")))
        == 0.25
    )
    assert (
        float(sla_seconds(BUSINESS, hk("2026-01-12 17:59:59.999999999"), hk("2026-01-12 18:00:01")))
        == 1e-9
    )
    assert (
        float(sla_seconds(ALWAYS, hk("2026-01-12 03:00:00.25"), hk("2026-01-12 03:00:01.75")))
        == 1.5
    )


def test_nat_gives_nan() -> None:
    start = pd.Series([hk("2026-01-12 09:00"), pd.NaT, hk("2026-01-12 09:00")])
    end = pd.Series([hk("2026-01-12 10:00"), hk("2026-01-12 10:00"), pd.NaT])
    for calendar in (BUSINESS, ALWAYS):
        result = sla_minutes(calendar, start, end)
        assert result[0] == 60.0
        assert np.isnan(result[1:]).all()
    assert np.isnan(sla_seconds(BUSINESS, [pd.NaT, None], [None, pd.NaT])).all()


def test_input_forms_and_broadcast() -> None:
    starts = pd.Series(
        [hk("2026-01-12 09:00"), hk("2026-01-12 12:00")], index=[10, 20]
    ).dt.tz_convert("UTC")
    end = hk("2026-01-12 18:00")
    expected = [540.0, 360.0]
    assert list(sla_minutes(BUSINESS, starts, end)) == expected
    assert list(sla_minutes(BUSINESS, pd.DatetimeIndex(starts), [end, end])) == expected
    assert list(sla_minutes(BUSINESS, starts.to_numpy(dtype=object), end)) == expected
    broadcast_start = sla_minutes(BUSINESS, hk("2026-01-12 09:00"), [end, hk("2026-01-12")])
    assert list(broadcast_start) == [540.0, 0.0]
    assert sla_minutes(BUSINESS, starts.iloc[0], end).shape == ()


def test_empty_input() -> None:
    empty = pd.Series([], dtype="datetime64[ns, Asia/Hong_Kong]")
    assert sla_seconds(BUSINESS, empty, empty).shape == (0,)


def test_rejects_naive_and_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sla_seconds(BUSINESS, pd.Timestamp("2026-01-12 09:00"), hk("2026-01-12 10:00"))
    with pytest.raises(ValueError, match="differ in length"):
        sla_seconds(BUSINESS, [hk("2026-01-12 09:00")] * 2, [hk("2026-01-12 10:00")] * 3)


def test_dst_day_counts_real_time() -> None:
    london = make_calendar("all-day", "Europe/London", dict.fromkeys(WEEKDAYS, "00:00-24:00"))
    night = make_calendar("night", "Europe/London", dict.fromkeys(WEEKDAYS, "00:30-02:30"))
    spring = (
        pd.Timestamp("2026-03-29", tz="Europe/London"),
        pd.Timestamp("2026-03-30", tz="Europe/London"),
    )
    autumn = (
        pd.Timestamp("2026-10-25", tz="Europe/London"),
        pd.Timestamp("2026-10-26", tz="Europe/London"),
    )
    assert float(sla_seconds(london, *spring)) == 23 * 3600.0
    assert float(sla_seconds(london, *autumn)) == 25 * 3600.0
    # 01:00-02:00 does not exist on the spring day and is lived twice on the autumn day.
    assert float(sla_seconds(night, *spring)) == 1 * 3600.0
    assert float(sla_seconds(night, *autumn)) == 3 * 3600.0


# --- properties --------------------------------------------------------------------------

FIRST = hk("2025-12-01").value
LAST = hk("2027-02-01").value
NS = 1_000_000_000
BOUNDARIES = [0, 9 * 3600, 13 * 3600, 18 * 3600]


@st.composite
def instants(draw: st.DrawFn) -> int:
    """UTC nanoseconds, often on or next to an opening or closing time."""
    if draw(st.booleans()):
        return draw(st.integers(FIRST, LAST))
    day = draw(st.integers(0, (LAST - FIRST) // (86400 * NS) - 1))
    second = draw(st.sampled_from(BOUNDARIES)) + draw(st.sampled_from([-1, 0, 1]))
    return FIRST + day * 86400 * NS + second * NS + draw(st.sampled_from([0, 1, NS // 2]))


def ts(ns: int, tz: str = HK) -> pd.Timestamp:
    return pd.Timestamp(ns, tz="UTC").tz_convert(tz)


GENERAL_HOLIDAYS = holidays.country_holidays(
    "HK", years=range(2025, 2028), categories=("public", "optional")
)


def reference_seconds(a: int, b: int) -> float:
    """Day-by-day SLA time of BUSINESS for a <= b, straight from the definition."""
    total = 0
    day = ts(a).date()
    while day <= ts(b).date():
        text = HOURS.get(WEEKDAYS[day.weekday()])
        if text and day not in GENERAL_HOLIDAYS and day != dt.date(2026, 12, 24):
            for start, end in parse_hours(text):
                midnight = pd.Timestamp(
                    dt.datetime(day.year, day.month, day.day, tzinfo=HK_TZ)
                ).value
                lo, hi = midnight + start * NS, midnight + end * NS
                total += max(0, min(b, hi) - max(a, lo))
        day += dt.timedelta(days=1)
    return total / NS


@settings(deadline=None)
@given(instants(), instants())
def test_equals_day_by_day_reference(x: int, y: int) -> None:
    a, b = min(x, y), max(x, y)
    assert abs(reference_seconds(a, b) - float(sla_seconds(BUSINESS, ts(a), ts(b)))) <= 1e-6


@settings(deadline=None)
@given(instants(), instants(), instants())
def test_additive(a: int, b: int, c: int) -> None:
    for calendar in (BUSINESS, ALWAYS):
        ab, bc, ac = sla_seconds(calendar, [ts(a), ts(b), ts(a)], [ts(b), ts(c), ts(c)])
        assert abs(ac - (ab + bc)) <= 1e-6


@settings(deadline=None)
@given(instants(), instants())
def test_antisymmetric(a: int, b: int) -> None:
    assert float(sla_seconds(BUSINESS, ts(a), ts(b))) == -float(sla_seconds(BUSINESS, ts(b), ts(a)))


CLOSED_DAYS = sorted(
    {d for d in closed_dates(BUSINESS, dt.date(2025, 12, 1), dt.date(2027, 1, 31))}
    | {dt.date(2026, 1, 4) + dt.timedelta(weeks=w) for w in range(52)}
)


@settings(deadline=None)
@given(st.sampled_from(CLOSED_DAYS), st.integers(0, 86400 * NS - 1), st.integers(0, 86400 * NS - 1))
def test_zero_within_a_closed_day(day: dt.date, x: int, y: int) -> None:
    midnight = pd.Timestamp(dt.datetime(day.year, day.month, day.day, tzinfo=HK_TZ)).value
    assert float(sla_seconds(BUSINESS, ts(midnight + x), ts(midnight + y))) == 0.0


@settings(deadline=None)
@given(instants(), instants())
def test_between_zero_and_wall_time(x: int, y: int) -> None:
    a, b = min(x, y), max(x, y)
    result = float(sla_seconds(BUSINESS, ts(a), ts(b)))
    assert 0.0 <= result <= (b - a) / NS


@settings(deadline=None)
@given(instants(), instants(), st.sampled_from([HK, "UTC", "Europe/London", "America/New_York"]))
def test_twenty_four_seven_is_wall_time(a: int, b: int, tz: str) -> None:
    result = float(sla_seconds(twenty_four_seven(tz), ts(a, tz), ts(b, "UTC")))
    assert abs((b - a) / NS - result) <= 1e-6


@settings(deadline=None)
@given(st.lists(st.tuples(instants(), instants()), min_size=1, max_size=20))
def test_vectorised_equals_element_wise(pairs: list[tuple[int, int]]) -> None:
    starts = pd.Series([ts(a) for a, _ in pairs])
    ends = pd.Series([ts(b) for _, b in pairs])
    vectorised = sla_seconds(BUSINESS, starts, ends)
    element_wise = [float(sla_seconds(BUSINESS, ts(a), ts(b))) for a, b in pairs]
    assert list(vectorised) == element_wise
