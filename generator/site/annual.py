"""The annual review (issue 16): the last 12 complete months (or 4 quarters) against the 12
before, per figure and per site, the trend of each headline figure, the agreement changes and
the actions of the year, for the senior review meeting.

A year's figure is computed from its periods' counts, exactly as a period's is from its
records: a compliance is the year's met over the year's met + breached (not a mean of
monthly percentages), an availability the mean of the periods' weighted by their length.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from generator.figures.definitions import BY_ID, Metric
from generator.figures.periods import bounds
from generator.figures.report import client_site_periods
from generator.site.i18n import _

if TYPE_CHECKING:  # pages imports this module
    from generator.site.agreement import AgreementView, Change
    from generator.site.pages import ClientView

YEAR_PERIODS = {"month": 12, "quarter": 4}
# Each figure of the year: its metric, and how its periods combine ("sum", or the counts
# whose first is the numerator of a percentage over all of them, or "length" for a mean
# weighted by the periods' length).
YEAR_FIGURES: dict[str, Any] = {
    "incidents_reported": "sum",
    "repeat_faults": "sum",
    "attend_pct": ("incidents.attend.met", "incidents.attend.breached"),
    "restore_pct": ("incidents.restore.met", "incidents.restore.breached"),
    "preventive_due": "sum",
    "preventive_on_time_pct": (
        "maintenance.preventive.on_time",
        "maintenance.preventive.late",
        "maintenance.preventive.overdue",
    ),
    "corrective_count": "sum",
    "complaints_received": "sum",
    "complaint_resolve_pct": ("complaints.resolve.met", "complaints.resolve.breached"),
    "availability_pct": "length",
    "actions_raised": "sum",
}
# The same for each site, from its `by_site` columns.
SITE_YEAR_FIGURES: dict[str, Any] = {
    "incidents_reported": ("incidents.reported", "sum"),
    "repeat_faults": ("incidents.repeat", "sum"),
    "attend_pct": ("", ("incidents.attend.met", "incidents.attend.breached")),
    "restore_pct": ("", ("incidents.restore.met", "incidents.restore.breached")),
    "availability_pct": ("availability_pct", "length"),
}


@dataclass(frozen=True)
class YearFigure:
    metric: Metric
    before: float | None  # the year before
    now: float | None  # this year
    target: float | None  # in force at the end of this year
    missed: int | None  # periods of this year below their target

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.now is None else self.now - self.before

    @property
    def met(self) -> bool | None:
        return self.metric.meets(self.now, self.target)

    @property
    def trend(self) -> str | None:
        """'better', 'worse' or 'same', as the figures are shown (rounded)."""
        change = self.change
        if change is None or self.metric.direction == "none":
            return None
        if round(change, self.metric.decimals) == 0:
            return "same"
        return "better" if (change > 0) == (self.metric.direction == "higher") else "worse"


@dataclass
class AnnualView:
    """What the annual review template may see."""

    view: ClientView
    agreement: AgreementView

    @cached_property
    def length(self) -> int:
        return YEAR_PERIODS[self.view.granularity]

    @cached_property
    def now(self) -> list[int]:
        """This year: the last complete periods (12 months or 4 quarters)."""
        return self.view.complete_codes[-self.length :]

    @cached_property
    def before(self) -> list[int]:
        """The year before: the periods before this year's, as many as there are."""
        return self.view.complete_codes[: -self.length][-self.length :]

    def span(self, codes: list[int]) -> str | None:
        """'November 2025 to October 2026'."""
        if not codes:
            return None
        return _("{first} to {last}").format(
            first=self.view.title(codes[0]), last=self.view.title(codes[-1])
        )

    @cached_property
    def _weights(self) -> pd.Series:
        """Each period's length in hours (the weight of its availability)."""
        codes = self.view.codes
        starts, ends = bounds(codes, self.view.granularity, self.view.config.timezone)
        hours = (pd.DatetimeIndex(ends) - pd.DatetimeIndex(starts)) / pd.Timedelta(hours=1)
        return pd.Series(np.asarray(hours, dtype=float), index=codes)

    def _combine(self, frame: pd.DataFrame, codes: list[int], column: str, how: Any) -> Any:
        """The year's figure from `frame`'s rows of `codes` (index level `period`), per
        value of its other index level (a site), or under 0 when it has none."""
        rows = frame[frame.index.get_level_values("period").isin(codes)]
        keys = [name for name in rows.index.names if name != "period"]

        def total(values: pd.DataFrame) -> pd.DataFrame:
            groups = (
                values.groupby(level=keys, observed=True) if keys else values.groupby(lambda _: 0)
            )
            return groups.sum(min_count=1)

        if how == "sum":
            return total(rows[[column]])[column]
        if how == "length":
            weight = pd.Series(
                self._weights.reindex(rows.index.get_level_values("period")).to_numpy(),
                index=rows.index,
            ).where(rows[column].notna())
            weighted = pd.DataFrame({"value": rows[column] * weight, "weight": weight})
            sums = total(weighted)
            return sums["value"] / sums["weight"].where(sums["weight"] > 0)
        counts = total(rows[list(how)])
        denominator = counts.sum(axis=1, min_count=1)
        return counts[how[0]] / denominator.where(denominator > 0) * 100

    def figures(self) -> list[YearFigure]:
        """Each figure of the year against the year before; those of sources supplied."""
        periods = self.view.periods.rename_axis("period")
        targets = self.view.period(self.now[-1])["targets"] if self.now else {}
        result = []
        for metric_id, how in YEAR_FIGURES.items():
            metric = BY_ID[metric_id]
            if metric.source not in self.view.present and metric.source != "availability":
                continue
            now, before = (
                _figure(self._combine(periods, codes, metric.path, how).get(0)) if codes else None
                for codes in (self.now, self.before)
            )
            target = metric.target_value(targets) if metric.unit == "%" else None
            result.append(YearFigure(metric, before, now, target, self._missed(metric)))
        return result

    def _missed(self, metric: Metric) -> int | None:
        """How many periods of this year missed their own target (None: no target)."""
        if metric.target is None:
            return None
        verdicts = [
            metric.meets(
                self.view.figure(metric, code),
                metric.target_value(self.view.period(code)["targets"]),
            )
            for code in self.now
        ]
        return sum(verdict is False for verdict in verdicts)

    def sites(self) -> list[dict[str, Any]]:
        """Each site's figures of this year and the year before, in clients.yml's order."""
        frame = client_site_periods(self.view.figures, self.view.client)
        names = self.view.site_names
        columns: dict[str, dict[str, pd.Series]] = {}
        for metric_id, (column, how) in SITE_YEAR_FIGURES.items():
            columns[metric_id] = {
                year: self._combine(frame, codes, column, how) if codes else pd.Series(dtype=float)
                for year, codes in (("now", self.now), ("before", self.before))
            }
        on_time = self._site_preventive()
        rows = []
        for site in self.view.client.sites:
            row: dict[str, Any] = {"name": names[site.id]}
            for metric_id, years in columns.items():
                row[metric_id] = {
                    year: _figure(values.get(site.id)) for year, values in years.items()
                }
            row["preventive_on_time_pct"] = {
                year: _figure(values.get(site.id)) for year, values in on_time.items()
            }
            rows.append(row)
        return rows

    def _site_preventive(self) -> dict[str, pd.Series]:
        """Each site's preventive on-time % of each year, from its judged jobs."""
        jobs = self.view.records.get("maintenance")
        if jobs is None or "maintenance" not in self.view.present:
            return {"now": pd.Series(dtype=float), "before": pd.Series(dtype=float)}
        period = self.view.record_periods["maintenance"]
        preventive = jobs["kind"].astype(str) == "preventive"
        status = jobs["job_status"].astype(str)
        judged = status.isin(["on_time", "late", "overdue"])
        result = {}
        for year, codes in (("now", self.now), ("before", self.before)):
            rows = preventive & judged & period.isin(codes)
            frame = pd.DataFrame(
                {"site": jobs["site_id"].astype(str)[rows], "on_time": status[rows] == "on_time"}
            )
            result[year] = frame.groupby("site")["on_time"].mean() * 100
        return result

    def site_metric(self, metric_id: str) -> Metric:
        return BY_ID[metric_id]

    def trend_chart(self) -> str:
        """The headline figures over both years, against their targets."""
        from generator.site.pages import trend_chart  # pages imports this module

        codes = self.before + self.now
        if not codes:
            return _("*No complete period to chart yet.*")
        description = _(
            "Headline figures in each of the last {count} complete periods against their targets."
        ).format(count=len(codes))
        return trend_chart(self.view, codes, description, "annual-trend")

    def changes(self) -> list[Change]:
        """The agreement changes that came into force within this year."""
        if not self.now:
            return []
        starts, _ = bounds(self.now[:1], self.view.granularity, self.view.config.timezone)
        first = starts[0].date()
        return [change for change in self.agreement.history() if change.effective_from >= first]

    def actions(self) -> list[dict[str, Any]] | None:
        """The actions raised at this year's meetings, oldest first (None: none supplied)."""
        if "actions" not in self.view.present:
            return None
        codes = self.now
        frame = self.view.public_records(
            "actions", lambda f: self.view.record_periods["actions"].isin(codes).to_numpy()
        )
        if frame is None or frame.empty:
            return []
        return frame.sort_values(["meeting_date", "action_id"]).to_dict("records")


def _figure(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
