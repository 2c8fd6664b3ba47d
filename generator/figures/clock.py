"""The SLA clock: calendars and "SLA time between two instants", vectorised over columns.

SLA(a, b) = F(b) - F(a), where F(t) is the calendar's open time from a fixed origin up to
the instant t. Open hours are wall-clock hours of the calendar's timezone, but the time
counted is real elapsed time (exact in integer nanoseconds), so a DST day is counted as it
was lived. For ``24x7`` F is plain elapsed time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_pkg
import numpy as np
import pandas as pd
from holidays.registry import EntityLoader

__all__ = [
    "WEEKDAYS",
    "Calendar",
    "closed_dates",
    "make_calendar",
    "merged_intervals",
    "parse_hours",
    "sla_minutes",
    "sla_seconds",
    "suspended_seconds",
    "twenty_four_seven",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_DAY_S = 86_400
_NS = 1_000_000_000
_DAY_NS = _DAY_S * _NS
_EPOCH = dt.date(1970, 1, 1)
# 1970-01-01 was a Thursday; with Monday = 0, weekday(day number n) = (n + 3) % 7.
_EPOCH_WEEKDAY = 3
# Every general holiday in HK is in `public` or `optional`; other countries get the subset
# of these they support.
_HOLIDAY_CATEGORIES = ("public", "optional")

Hours = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Calendar:
    """Open hours of an SLA clock: weekly wall-clock hours in a timezone, minus closed dates."""

    name: str
    timezone: str
    always_open: bool
    weekly_hours: tuple[Hours, ...]
    holiday_country: str | None
    extra_closed: frozenset[dt.date]


_TIME_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def _seconds(hours: str, minutes: str, text: str, *, is_end: bool) -> int:
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0 and is_end:
        return _DAY_S
    if h > 23 or m > 59:
        raise ValueError(f"invalid time {hours}:{minutes} in '{text}'")
    return h * 3600 + m * 60


def parse_hours(text: str) -> Hours:
    """Parse opening hours such as '09:00-18:00' or '09:00-12:30, 13:30-18:00'.

    Returns sorted (start_second, end_second) pairs within the day; '24:00' is allowed as an
    end, and touching ranges are merged. Raises ValueError on bad syntax, an empty range or
    overlapping ranges.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"expected 'HH:MM-HH:MM', got {text!r}")
    ranges: list[tuple[int, int]] = []
    for part in text.split(","):
        part = part.strip()
        match = _TIME_RANGE.match(part)
        if match is None:
            raise ValueError(f"expected 'HH:MM-HH:MM', got '{part}'")
        start = _seconds(match[1], match[2], part, is_end=False)
        end = _seconds(match[3], match[4], part, is_end=True)
        if end <= start:
            raise ValueError(f"range '{part}' must end after it starts")
        ranges.append((start, end))
    ranges.sort()
    merged: list[tuple[int, int]] = [ranges[0]]
    for start, end in ranges[1:]:
        last_start, last_end = merged[-1]
        if start < last_end:
            raise ValueError(f"overlapping ranges in '{text.strip()}'")
        if start == last_end:
            merged[-1] = (last_start, end)
        else:
            merged.append((start, end))
    return tuple(merged)


def _check_timezone(timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown timezone {timezone!r}") from exc


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected a date (YYYY-MM-DD), got {value!r}")


def make_calendar(
    name: str,
    timezone: str,
    hours: Mapping[str, str] | None = None,
    holidays: str | None = None,
    extra_closed: Iterable[dt.date] = (),
) -> Calendar:
    """Build a business calendar.

    ``hours`` maps weekday keys ('mon'..'sun') to :func:`parse_hours` text; missing days are
    closed. ``holidays`` is a country code of the `holidays` package (e.g. "HK").
    Errors are ValueError naming the offending weekday, timezone or country.
    """
    _check_timezone(timezone)
    hours = dict(hours or {})
    unknown = sorted(set(hours) - set(WEEKDAYS))
    if unknown:
        raise ValueError(f"unknown weekday {unknown[0]!r} (expected one of {', '.join(WEEKDAYS)})")
    weekly: list[Hours] = []
    for day in WEEKDAYS:
        text = hours.get(day)
        try:
            weekly.append(parse_hours(text) if text is not None else ())
        except ValueError as exc:
            raise ValueError(f"{day}: {exc}") from exc
    country = None
    if holidays is not None:
        country = holidays.strip().upper()
        if country not in _country_codes():
            raise ValueError(f"unknown holiday country {country!r}")
    return Calendar(
        name=name,
        timezone=timezone,
        always_open=False,
        weekly_hours=tuple(weekly),
        holiday_country=country,
        extra_closed=frozenset(_as_date(d) for d in extra_closed),
    )


def twenty_four_seven(timezone: str) -> Calendar:
    """The built-in always-open calendar, named '24x7'."""
    _check_timezone(timezone)
    return Calendar(
        name="24x7",
        timezone=timezone,
        always_open=True,
        weekly_hours=(((0, _DAY_S),),) * 7,
        holiday_country=None,
        extra_closed=frozenset(),
    )


@cache
def _country_codes() -> frozenset[str]:
    """The country codes `holidays` knows (alpha-2, alpha-3 and aliases such as UK), from its
    registry: loading one country's holidays imports the modules of all 250 countries, which
    checking clients.yml need not wait for (the figures load the country they use)."""
    return frozenset(EntityLoader.get_country_codes(include_aliases=True))


@cache
def _categories(country: str) -> tuple[str, ...]:
    supported = holidays_pkg.country_holidays(country).supported_categories
    return tuple(c for c in _HOLIDAY_CATEGORIES if c in supported)


@cache
def _holiday_dates(country: str, year: int) -> frozenset[dt.date]:
    found = holidays_pkg.country_holidays(country, years=year, categories=_categories(country))
    return frozenset(found)


def closed_dates(calendar: Calendar, first: dt.date, last: dt.date) -> set[dt.date]:
    """Dates in [first, last] on which the calendar is closed by a holiday or extra_closed.

    Holidays are the country's `public` and `optional` categories (as far as the country
    supports them): for HK that is every general holiday. Days closed merely because the
    weekday has no hours are not included.
    """
    if first > last:
        return set()
    result = {d for d in calendar.extra_closed if first <= d <= last}
    if calendar.holiday_country is not None:
        for year in range(first.year, last.year + 1):
            result.update(
                d for d in _holiday_dates(calendar.holiday_country, year) if first <= d <= last
            )
    return result


def _utc_ns(values: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    """Instants -> (int64 UTC nanoseconds, NaT mask, was_scalar)."""
    scalar = pd.api.types.is_scalar(values) or isinstance(values, dt.datetime)
    if scalar:
        values = [values]
    if isinstance(values, pd.Series | pd.Index) and isinstance(values.dtype, pd.DatetimeTZDtype):
        index = pd.DatetimeIndex(values)
    else:
        try:
            index = pd.DatetimeIndex(pd.to_datetime(values))
        except ValueError:
            # Mixed offsets within one column (e.g. some +08:00, some UTC).
            index = pd.DatetimeIndex(pd.to_datetime(values, utc=True))
    mask = np.asarray(index.isna())
    if index.tz is None:
        if not mask.all():
            raise ValueError("timestamps must be timezone-aware (localise naive ones first)")
        index = index.tz_localize("UTC")
    ns = index.tz_convert("UTC").as_unit("ns").asi8
    return ns, mask, scalar


def _broadcast(start: Any, end: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple]:
    a, a_nat, a_scalar = _utc_ns(start)
    b, b_nat, b_scalar = _utc_ns(end)
    if not a_scalar and not b_scalar and len(a) != len(b):
        raise ValueError(f"start and end differ in length ({len(a)} != {len(b)})")
    shape: tuple = () if a_scalar and b_scalar else (len(b) if a_scalar else len(a),)
    n = max(len(a), len(b))
    a, b = np.broadcast_to(a, n), np.broadcast_to(b, n)
    nat = np.broadcast_to(a_nat, n) | np.broadcast_to(b_nat, n)
    return a, b, nat, shape


def _day_table(
    calendar: Calendar, first_day: int, last_day: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per local day (numbered from the epoch) in [first_day, last_day]: UTC ns starts and
    lengths of its open intervals (padded with empty ones), and the cumulative open ns
    before the day."""
    days = np.arange(first_day, last_day + 1, dtype=np.int64)
    weekday = (days + _EPOCH_WEEKDAY) % 7
    width = max(1, *(len(h) for h in calendar.weekly_hours))
    wall_start = np.zeros((len(days), width), dtype=np.int64)
    wall_end = np.zeros((len(days), width), dtype=np.int64)
    for w, intervals in enumerate(calendar.weekly_hours):
        rows = weekday == w
        for k, (start, end) in enumerate(intervals):
            wall_start[rows, k] = start
            wall_end[rows, k] = end
    first = _EPOCH + dt.timedelta(days=first_day)
    last = _EPOCH + dt.timedelta(days=last_day)
    closed = [(d - _EPOCH).days for d in closed_dates(calendar, first, last)]
    if closed:
        is_closed = np.isin(days, np.array(closed, dtype=np.int64))
        wall_start[is_closed] = 0
        wall_end[is_closed] = 0
    base = (days * _DAY_NS)[:, None]
    starts = _wall_to_utc(base + wall_start * _NS, calendar.timezone)
    ends = _wall_to_utc(base + wall_end * _NS, calendar.timezone)
    lengths = ends - starts
    open_per_day = lengths.sum(axis=1)
    before = np.concatenate(([0], np.cumsum(open_per_day)[:-1]))
    return starts, lengths, before


def _wall_to_utc(wall_ns: np.ndarray, timezone: str) -> np.ndarray:
    """Local wall times -> UTC ns, monotonically: a repeated wall time maps to its first
    occurrence, a skipped one to the instant the clocks jump."""
    flat = pd.DatetimeIndex(wall_ns.ravel().view("datetime64[ns]"))
    candidates = [
        flat.tz_localize(timezone, ambiguous=np.full(len(flat), dst), nonexistent="shift_forward")
        .as_unit("ns")
        .asi8
        for dst in (True, False)
    ]
    return np.minimum(*candidates).reshape(wall_ns.shape)


def _open_ns_before(calendar: Calendar, utc_ns: np.ndarray) -> np.ndarray:
    """F(t): open ns from an origin up to each instant (all valid, int64 UTC ns)."""
    wall = (
        pd.DatetimeIndex(utc_ns.view("datetime64[ns]"))
        .tz_localize("UTC")
        .tz_convert(calendar.timezone)
        .tz_localize(None)
        .as_unit("ns")
        .asi8
    )
    day = wall // _DAY_NS
    first_day = int(day.min())
    starts, lengths, before = _day_table(calendar, first_day, int(day.max()))
    row = day - first_day
    result = before[row]
    for k in range(starts.shape[1]):
        result += np.clip(utc_ns - starts[row, k], 0, lengths[row, k])
    return result


def sla_seconds(calendar: Calendar, start: Any, end: Any) -> np.ndarray:
    """Open time of the calendar between each start and end instant, in seconds (float64).

    ``start``/``end``: Series, DatetimeIndex, arrays or lists of tz-aware timestamps (any
    timezone), of the same length, or scalars (broadcast; two scalars give a 0-d array).
    NaT in either gives NaN. Signed: sla(b, a) == -sla(a, b), so a..b + b..c == a..c.
    """
    a, b, nat, shape = _broadcast(start, end)
    result = np.full(len(a), np.nan)
    valid = ~nat
    if valid.any():
        a, b = a[valid], b[valid]
        if calendar.always_open:
            diff = b - a
        else:
            f = _open_ns_before(calendar, np.concatenate((a, b)))
            diff = f[len(a) :] - f[: len(a)]
        # Whole seconds and the remainder apart, so long spans keep their nanoseconds; on the
        # magnitude, so that sla(b, a) is exactly -sla(a, b).
        size = np.abs(diff)
        result[valid] = np.sign(diff) * (size // _NS + (size % _NS) / _NS)
    return result.reshape(shape)


def sla_minutes(calendar: Calendar, start: Any, end: Any) -> np.ndarray:
    """:func:`sla_seconds` in minutes (fractional)."""
    return sla_seconds(calendar, start, end) / 60


def merged_intervals(starts: Any, ends: Any) -> tuple[np.ndarray, np.ndarray]:
    """Intervals (tz-aware instants) sorted and merged where they overlap or touch, as int64
    UTC ns: a time inside several of them counts once."""
    a, _, _ = _utc_ns(starts)
    b, _, _ = _utc_ns(ends)
    order = np.argsort(a, kind="stable")
    a, b = a[order], b[order]
    reach = np.maximum.accumulate(b) if len(b) else b
    # A new interval begins where it starts after every earlier one has ended.
    new = np.concatenate(([True], a[1:] > reach[:-1])) if len(a) else np.zeros(0, bool)
    block = np.cumsum(new) - 1
    merged_ends = np.full(int(new.sum()), np.iinfo(np.int64).min)
    np.maximum.at(merged_ends, block, b)
    return a[new], merged_ends


def suspended_seconds(
    calendar: Calendar, intervals: tuple[np.ndarray, np.ndarray], start: Any, end: Any
) -> np.ndarray:
    """The calendar's open time between each start and end that lies inside the (merged,
    sorted) intervals, in seconds: what a stopped clock does not count. NaT gives NaN."""
    a, b, nat, shape = _broadcast(start, end)
    result = np.full(len(a), np.nan)
    valid = ~nat
    starts, ends = intervals
    if not len(starts):
        result[valid] = 0.0
        return result.reshape(shape)

    def inside_before(instants: np.ndarray) -> np.ndarray:
        """Open time inside the intervals from the first one's start up to each instant."""
        full = sla_seconds(calendar, _instants(starts), _instants(ends))
        before = np.concatenate(([0.0], np.cumsum(full)))
        last = np.searchsorted(starts, instants, side="right") - 1  # -1: before them all
        at = np.clip(last, 0, None)
        partial = sla_seconds(
            calendar, _instants(starts[at]), _instants(np.minimum(instants, ends[at]))
        )
        return np.where(last >= 0, before[at] + partial, 0.0)

    result[valid] = inside_before(b[valid]) - inside_before(a[valid])
    return result.reshape(shape)


def _instants(ns: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC")
