"""Reporting periods: calendar months (`2026-10`) and quarters (`2026-Q4`) in the portfolio's
timezone."""

from __future__ import annotations

from typing import Literal

import pandas as pd

Granularity = Literal["month", "quarter", "day"]  # days: the availability strips
GRANULARITIES: tuple[Granularity, ...] = ("month", "quarter")
_FREQUENCY = {"month": "M", "quarter": "Q", "day": "D"}
REPORTING = {"monthly": "month", "quarterly": "quarter"}


def local_wall_time(instants: pd.Series) -> pd.Series:
    """Tz-aware instants as naive local wall time (dates are already local and naive)."""
    if isinstance(instants.dtype, pd.DatetimeTZDtype):
        return instants.dt.tz_localize(None)
    return instants


def period_codes(instants: pd.Series, granularity: Granularity) -> pd.Series:
    """The period each instant (or date) falls in, as an integer ordinal (NaT: <NA>)."""
    periods = local_wall_time(instants).dt.to_period(_FREQUENCY[granularity])
    return (
        pd.Series(periods.array.asi8, index=instants.index).where(periods.notna()).astype("Int64")
    )


def period_of(instant: pd.Timestamp, granularity: Granularity) -> int:
    return pd.Period(instant.tz_localize(None), freq=_FREQUENCY[granularity]).ordinal


def label(code: int, granularity: Granularity) -> str:
    period = pd.Period(ordinal=code, freq=_FREQUENCY[granularity])
    return str(period) if granularity != "quarter" else f"{period.year}-Q{period.quarter}"


def bounds(
    codes: pd.Series | list[int], granularity: Granularity, timezone: str
) -> tuple[pd.Series, pd.Series]:
    """The local start instant of each period and of the next one."""
    index = pd.PeriodIndex.from_ordinals(list(codes), freq=_FREQUENCY[granularity])
    start = index.start_time.tz_localize(timezone)
    end = (index + 1).start_time.tz_localize(timezone)
    return pd.Series(start, dtype=f"datetime64[ns, {timezone}]"), pd.Series(
        end, dtype=f"datetime64[ns, {timezone}]"
    )
