"""The agreement over time, for one client's pages (contract 10): the terms in force at the
as-of time, the dated history of changes, which terms judged which records of a period, and
the service credit owed. Python prepares the rows; the templates hold the prose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from generator.figures.clock import merged_intervals, suspended_seconds
from generator.figures.definitions import BY_ID
from generator.figures.metrics import PERIOD_FEE_MONTHS, SUSPEND_SEPARATOR, build_calendars
from generator.figures.periods import bounds
from generator.inputs.config import SlaTerms, SlaVersion
from generator.safety.redact import redact_text
from generator.site.i18n import _
from generator.site.render import minutes, number, pct

if TYPE_CHECKING:
    from generator.site.pages import ClientView

# What each key of `sla` is called on the agreement page, and how its value reads.
_LEAVES = {
    "attend": "attend within",
    "restore": "restore within",
    "acknowledge": "acknowledge within",
    "resolve": "resolve within",
    "calendar": "measured on",
    "grace_days": "grace days",
    "target_pct": "target",
    "monthly_fee": "monthly fee",
    "cap_pct": "cap",
    "rules": "rules",
}
_SECTIONS = {
    "incidents": "Incidents",
    "maintenance": "Preventive maintenance",
    "complaints": "Complaints",
    "credits": "Service credits",
    "incident_target_pct": "Incidents within target",
    "availability_target_pct": "System availability target",
    "suspend_during": "Clocks stop during",
}
_DURATIONS = {"attend", "restore", "acknowledge", "resolve"}
# The records judged on terms: what they are called and their id column.
RECORDS = {
    "incidents": ("incidents", "incident_id"),
    "maintenance": ("maintenance jobs", "job_id"),
    "complaints": ("complaints", "complaint_id"),
}


def term_name(path: str) -> str:
    """'incidents.P3.attend' -> 'Incidents P3: attend within'."""
    parts = path.split(".")
    section = _SECTIONS.get(parts[0], parts[0])
    if len(parts) == 1:
        return section
    middle = " ".join(parts[1:-1])
    leaf = _LEAVES.get(parts[-1], parts[-1])
    return f"{section} {middle}: {leaf}" if middle else f"{section}: {leaf}"


def term_value(path: str, value: Any) -> str:
    """A term's value as the page shows it (values as clients.yml dumps them)."""
    leaf = path.split(".")[-1]
    if value is None:
        return "none"
    if leaf in _DURATIONS:
        return minutes(float(str(value).removesuffix("m")))
    if leaf == "monthly_fee":
        return f"HK${number(value, 2)}"
    if leaf.endswith("_pct"):
        return pct(value, 2 if "availability" in path else 1)
    if leaf == "rules":
        return "; ".join(credit_rule(rule) for rule in value)
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return str(value)


def credit_rule(rule: dict[str, Any]) -> str:
    metric = BY_ID[rule["figure"]]
    below = rule.get("below")
    threshold = pct(below, metric.decimals) if below is not None else _("its target")
    return _("{figure} below {threshold}: {credit}% of the fee").format(
        figure=_(metric.title), threshold=threshold, credit=number(rule["credit_pct"], 1)
    )


@dataclass(frozen=True)
class Change:
    """One dated change as the agreement page shows it."""

    effective_from: date
    agreed: str | None
    rows: list[tuple[str, str, str]]  # (term, old, new)


def _touched(incidents: Any, warning: Any, view: ClientView, as_of: Any) -> list[str]:
    """The incidents whose terms list the warning and whose clock it stopped."""
    agreed = incidents["suspend_during"]
    lists = {text: warning.warning in text.split(SUSPEND_SEPARATOR) for text in agreed.unique()}
    listing = agreed.map(lists).to_numpy(dtype=bool)
    end = as_of if pd.isna(warning.end) else warning.end
    interval = merged_intervals(pd.Series([warning.start]), pd.Series([end]))
    calendars = build_calendars(view.config)
    stopped = np.zeros(len(incidents), dtype=bool)
    for name in pd.unique(incidents["calendar"][listing]):
        rows = listing & (incidents["calendar"] == name).to_numpy()
        seconds = suspended_seconds(
            calendars[name],
            interval,
            incidents["reported_at"][rows],
            incidents["resolved_at"][rows].fillna(as_of),
        )
        stopped[rows] = seconds > 0
    return incidents.loc[stopped, "incident_id"].astype(str).tolist()


def _change(version: SlaVersion, people: list[str]) -> Change:
    rows = [
        (term_name(p), term_value(p, old), term_value(p, new)) for p, old, new in version.changes
    ]
    # Where it was agreed is free text of clients.yml: published redacted, as every text.
    agreed = redact_text(pd.Series([version.agreed]), people)[0] if version.agreed else None
    return Change(version.effective_from, agreed, rows)  # type: ignore[arg-type]


@dataclass
class AgreementView:
    """What the templates may see of one client's agreement over time."""

    view: ClientView

    @cached_property
    def as_of_date(self) -> date:
        return self.view.figures.as_of.tz_localize(None).date()

    @cached_property
    def versions(self) -> list[SlaVersion]:
        """The versions in force by the as-of time (a later change has not happened yet)."""
        return [
            version
            for version in self.view.client.sla.versions
            if version.effective_from is None or version.effective_from <= self.as_of_date
        ]

    @cached_property
    def terms(self) -> SlaTerms:
        """The terms in force at the as-of time."""
        return self.versions[-1].terms

    def history(self) -> list[Change]:
        """Every change in force by the as-of time, newest first."""
        people = self.view.client.people
        return [_change(version, people) for version in reversed(self.versions[1:])]

    def credit_rules(self) -> list[str]:
        credits = self.terms.credits
        return [credit_rule(rule.model_dump()) for rule in credits.rules] if credits else []

    def changes_in(self, code: int) -> list[Change]:
        """The changes that came into force within the period (by the as-of time)."""
        starts, ends = bounds([code], self.view.granularity, self.view.config.timezone)
        first, after = starts[0].date(), ends[0].date()
        return [
            _change(version, self.view.client.people)
            for version in self.versions[1:]
            if version.effective_from is not None and first <= version.effective_from < after
        ]

    def judged_on(self, code: int) -> list[tuple[str, list[tuple[str, list[str]]]]]:
        """For a period with a change: per version of the terms, the period's records judged
        on it, per source (what they are called, their ids)."""
        rows = []
        for version in self.versions:
            judged = []
            for source, (noun, id_column) in RECORDS.items():
                records = self.view.records.get(source)
                if records is None or records.empty:
                    continue
                rows_of = (self.view.record_periods[source] == code) & (
                    records["terms"] == version.number
                )
                ids = records.loc[rows_of, id_column].astype(str).tolist()
                if ids:
                    judged.append((noun, ids))
            if judged:
                since = version.effective_from
                rows.append(
                    (_("From {date}").format(date=since) if since else _("As first agreed"), judged)
                )
        return rows

    @cached_property
    def suspends(self) -> bool:
        """Whether any terms in force by the as-of time stop clocks during severe weather."""
        return any(version.terms.suspend_during for version in self.versions)

    def warnings_in(self, code: int) -> list[dict[str, Any]]:
        """The weather warnings in force during the period that some terms list, each with
        the client's incidents whose clock it stopped (open calendar time inside it)."""
        warnings = self.view.figures.warnings
        if not self.suspends or warnings is None or warnings.empty:
            return []
        starts, ends = bounds([code], self.view.granularity, self.view.config.timezone)
        as_of = self.view.figures.as_of
        listed = {label for v in self.versions for label in v.terms.suspend_during}
        end = warnings["end"].fillna(as_of)
        chosen = warnings[
            warnings["warning"].isin(listed) & (warnings["start"] < ends[0]) & (end > starts[0])
        ]
        incidents = self.view.records.get("incidents")
        # Labels come from an export: published redacted, as every text.
        labels = redact_text(chosen["warning"].astype(str), self.view.client.people).tolist()
        rows = []
        for warning, label in zip(chosen.itertuples(), labels, strict=True):  # a few a period
            touched: list[str] = []
            if incidents is not None and not incidents.empty:
                touched = _touched(incidents, warning, self.view, as_of)
            rows.append(
                {
                    "warning": label,
                    "start": warning.start,
                    "end": None if pd.isna(warning.end) else warning.end,
                    "touched": touched,
                }
            )
        return rows

    def credit(self, code: int) -> dict[str, Any] | None:
        """The period's credit (metrics.json) and the period's fee, or None without credits."""
        credit = self.view.period(code)["credits"]
        if credit is None:
            return None
        figures = self.view.figures.periods[self.view.granularity]
        version = self.view.client.sla.versions[
            int(figures.at[(self.view.client.id, code), "terms"])
        ]
        fee = version.terms.credits.monthly_fee * PERIOD_FEE_MONTHS[self.view.granularity]  # type: ignore[union-attr]
        return credit | {"fee": fee, "titles": [_(BY_ID[rule].title) for rule in credit["rules"]]}
