"""Every figure of the methodology (contract 5), per client and period, for the whole
portfolio at once: vectorised over the records, never a loop over rows or per client.

Stages: records as they stood at `as_of` -> each record judged against its own target ->
counts and percentiles per (client, period), months and quarters -> the anonymous benchmark.
Columns of the per-period frames are named by their dotted path in `metrics.json`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from generator.figures.clock import (
    Calendar,
    make_calendar,
    merged_intervals,
    sla_minutes,
    suspended_seconds,
    twenty_four_seven,
)
from generator.figures.definitions import BENCHMARK_MIN_CLIENTS, BENCHMARKED, BY_ID, TARGETS
from generator.figures.engagement import (
    feedback_figures,
    judge_training,
    meeting_figures,
    meeting_register,
    training_figures,
)
from generator.figures.periods import GRANULARITIES, Granularity, bounds, period_codes, period_of
from generator.inputs.config import ALWAYS_OPEN, Config, SlaTerms, SlaVersion

MET, BREACHED, PENDING = "met", "breached", "pending"
JOB_STATUSES = ["cancelled", "on_time", "late", "overdue", "pending"]
# The columns the figures are computed from (free text stays out of the heavy lifting).
FIGURE_COLUMNS = {
    "incidents": [
        "client_id",
        "priority",
        "reported_at",
        "attend_status",
        "attend_minutes",
        "restore_status",
        "restore_minutes",
    ],
    "maintenance": [
        "client_id",
        "kind",
        "status",
        "due_date",
        "completed_at",
        "first_time_fix",
        "job_status",
    ],
    "complaints": [
        "client_id",
        "received_at",
        "status",
        "escalated",
        "satisfaction",
        "acknowledge_status",
        "acknowledge_minutes",
        "resolve_status",
        "resolve_minutes",
    ],
    "actions": ["client_id", "meeting_date", "status", "overdue"],
}
START_COLUMN = {
    "incidents": "reported_at",
    "maintenance": "due_date",
    "complaints": "received_at",
    "actions": "meeting_date",
    "feedback": "received_at",
    "training": "completed_on",
    "minutes": "date",
    "meetings": "date",
}


@dataclass(frozen=True)
class Figures:
    as_of: pd.Timestamp
    records: dict[str, pd.DataFrame]  # each source's records as at as_of, judged
    periods: dict[Granularity, pd.DataFrame]  # (client_id, period) -> figure columns
    benchmark: dict[Granularity, pd.DataFrame]  # period -> "<metric>.<clients|p25|median|p75>"
    sites: dict[Granularity, pd.DataFrame]  # (client_id, site_id, period) -> by_site columns
    daily: pd.DataFrame  # by client_id (sorted): site_id, system, day, pct; last STRIP_DAYS days
    warnings: pd.DataFrame | None = None  # severe weather warnings as at as_of (end: NaT in force)
    visits: pd.DataFrame | None = None  # preventive jobs still to do after as_of (calendar.ics)


def compute_figures(
    config: Config,
    tables: dict[str, pd.DataFrame],
    as_of: pd.Timestamp,
    granularities: tuple[Granularity, ...] = GRANULARITIES,
) -> Figures:
    """All figures for every client, from the validated tables, as at `as_of`, per period of
    each of `granularities` (a preview of one client needs only its own)."""
    as_of = as_of.tz_convert(
        config.timezone
    )  # its local date decides due dates and overdue actions
    calendars = build_calendars(config)
    clients = {name: frame for name, frame in tables.items() if name in START_COLUMN}
    records = {name: _categorised(frame) for name, frame in as_at(clients, as_of).items()}
    warnings = warnings_at(tables["weather"], as_of) if "weather" in tables else None
    judged: dict[str, pd.DataFrame] = {}
    if "incidents" in records:
        judged["incidents"] = judge_incidents(
            records["incidents"], config, calendars, as_of, warnings
        )
    if "maintenance" in records:
        judged["maintenance"] = judge_maintenance(records["maintenance"], config, as_of)
    if "complaints" in records:
        judged["complaints"] = judge_complaints(records["complaints"], config, calendars, as_of)
    if "actions" in records:
        judged["actions"] = judge_actions(records["actions"], as_of)
    if "feedback" in records:
        judged["feedback"] = records["feedback"]
    if "training" in records:
        judged["training"] = judge_training(records["training"], config, as_of)
    if "actions" in records or "minutes" in records:
        judged["meetings"] = meeting_register(records.get("minutes"), judged.get("actions"))
    both = {g: per_period(judged, config, as_of, g) for g in granularities}
    periods = {g: clients for g, (clients, _) in both.items()}
    sites = {g: by_site for g, (_, by_site) in both.items()}
    daily = daily_availability(judged.get("incidents"), config, as_of)
    benchmarks = {g: benchmark(periods[g]) for g in granularities}
    visits = upcoming_visits(tables["maintenance"], as_of) if "maintenance" in tables else None
    return Figures(as_of, judged, periods, benchmarks, sites, daily, warnings, visits)


def upcoming_visits(maintenance: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The preventive jobs still to do after `as_of`: due from then on (a due date from its
    local midnight: the jobs the figures leave out as not yet due) and open at that time (a
    completion after it has not happened yet)."""
    status = maintenance["status"]
    still_open = (status == "open") | (
        (status == "completed") & ~(maintenance["completed_at"] <= as_of)
    )
    wanted = (
        (maintenance["due_date"] >= as_of.tz_localize(None))
        & (maintenance["kind"] == "preventive")
        & still_open
    )
    columns = ["job_id", "client_id", "site_id", "system", "due_date"]
    return maintenance.loc[wanted, columns].sort_values(["client_id", "due_date", "job_id"])


# Few distinct values each: as categories, grouping and filtering 1M rows stays cheap.
CATEGORICAL = (
    "client_id",
    "site_id",
    "system",
    "priority",
    "kind",
    "status",
    "level",
    "channel",
    "category",
)


def _categorised(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({column: "category" for column in CATEGORICAL if column in frame})


def build_calendars(config: Config) -> dict[str, Calendar]:
    calendars = {ALWAYS_OPEN: twenty_four_seven(config.timezone)}
    for name, spec in config.calendars.items():
        calendars[name] = make_calendar(
            name,
            config.timezone,
            hours=spec.hours,
            holidays=spec.holidays,
            extra_closed=spec.extra_closed,
        )
    return calendars


# ---- records as they stood at as_of -------------------------------------------------------


def as_at(tables: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """What had happened by `as_of`: later records are left out, later times are blank, and a
    status that a later time set is undone."""
    as_of_date = pd.Timestamp(as_of.tz_localize(None).date())
    result = {}
    for name, frame in tables.items():
        start = frame[START_COLUMN[name]]
        if isinstance(start.dtype, pd.DatetimeTZDtype):
            started = start <= as_of
        else:  # a date starts at its local midnight
            started = start < as_of.tz_localize(None)
        frame = frame[started].copy() if not started.all() else frame.copy()
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
                frame[column] = frame[column].where(frame[column] <= as_of)
        if name == "maintenance":
            _reopen(frame, (frame["status"] == "completed") & frame["completed_at"].isna())
        elif name == "complaints":
            _reopen(frame, (frame["status"] == "resolved") & frame["resolved_at"].isna())
        elif name == "actions":
            later = frame["closed_on"] > as_of_date
            _reopen(frame, later & frame["status"].isin(["done", "dropped"]))
            frame["closed_on"] = frame["closed_on"].where(~later)
        result[name] = frame.reset_index(drop=True)
    return result


def warnings_at(weather: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The warnings issued by as_of, in order; one cancelled later is still in force (NaT)."""
    frame = weather.loc[weather["start"] <= as_of, ["warning", "start", "end"]]
    frame = frame.assign(end=frame["end"].where(frame["end"] <= as_of))
    return frame.sort_values(["start", "warning"], kind="stable").reset_index(drop=True)


def _reopen(frame: pd.DataFrame, rows: pd.Series) -> None:
    """Status 'open' where a closing time lay after as_of."""
    if not rows.any():
        return
    if (
        isinstance(frame["status"].dtype, pd.CategoricalDtype)
        and "open" not in frame["status"].cat.categories
    ):
        frame["status"] = frame["status"].cat.add_categories(["open"])
    frame.loc[rows, "status"] = "open"


# ---- each record judged against its own target ---------------------------------------------


def terms_table(config: Config, rows: Callable[[SlaTerms], list[dict[str, Any]]]) -> pd.DataFrame:
    """A row per (client, version of its terms, row of `rows(terms)`): `client_id`,
    `effective_from` (UTC; the first terms since ever), `terms` (the version's number)."""
    table = [
        {
            "client_id": client.id,
            "effective_from": _effective(version, config.timezone),
            "terms": version.number,
            **row,
        }
        for client in config.clients
        for version in client.sla.versions
        for row in rows(version.terms)
    ]
    return pd.DataFrame(table)


def _effective(version: SlaVersion, timezone: str) -> pd.Timestamp:
    if version.effective_from is None:
        return pd.Timestamp.min.tz_localize("UTC")
    return pd.Timestamp(version.effective_from).tz_localize(timezone).tz_convert("UTC")


def incident_targets(incidents: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Attend and restore targets (minutes), calendar and terms version of each incident, by
    its client and priority, as agreed when it was reported."""
    versions = terms_table(
        config,
        lambda terms: [
            {
                "priority": priority,
                "attend_target": target.attend,
                "restore_target": target.restore,
                "calendar": target.calendar,
                "suspend_during": SUSPEND_SEPARATOR.join(terms.suspend_during),
            }
            for priority, target in terms.incidents.items()
        ],
    )
    return _in_force(incidents, versions, ["client_id", "priority"], incidents["reported_at"])


def complaint_targets(complaints: pd.DataFrame, config: Config) -> pd.DataFrame:
    def targets(terms: SlaTerms) -> list[dict[str, Any]]:
        sla = terms.complaints
        return [
            {
                "acknowledge_target": sla.acknowledge if sla else np.nan,
                "resolve_target": sla.resolve if sla else np.nan,
                "calendar": sla.calendar if sla else ALWAYS_OPEN,
            }
        ]

    versions = terms_table(config, targets)
    return _in_force(complaints, versions, ["client_id"], complaints["received_at"])


def maintenance_terms(maintenance: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Grace days and terms version of each job, as agreed on its due date."""
    versions = terms_table(
        config,
        lambda terms: [{"grace_days": terms.maintenance.grace_days if terms.maintenance else 0}],
    )
    due = maintenance["due_date"].dt.tz_localize(config.timezone)  # from its local midnight
    return _in_force(maintenance, versions, ["client_id"], due)


def _in_force(
    records: pd.DataFrame, versions: pd.DataFrame, by: list[str], start: pd.Series
) -> pd.DataFrame:
    """For each record (in its order), the version of its key (`by`) in force at its `start`
    instant: the last one whose `effective_from` is not after it."""
    values = versions.drop(columns=[*by, "effective_from"])
    version_keys = pd.MultiIndex.from_frame(versions[by].astype(str))
    record_keys = pd.MultiIndex.from_arrays([records[column].astype(str) for column in by])
    if version_keys.is_unique:  # one version per key: a direct lookup
        position = version_keys.get_indexer(record_keys)
    else:
        position = _last_version(version_keys, versions["effective_from"], record_keys, start)
    found = values.iloc[np.where(position >= 0, position, 0)].reset_index(drop=True)
    return found.where(pd.Series(position >= 0), other=np.nan)


def _last_version(
    version_keys: pd.MultiIndex,
    effective_from: pd.Series,
    record_keys: pd.MultiIndex,
    start: pd.Series,
) -> np.ndarray:
    """The position of each record's version (-1: none): versions and records sorted
    together by key, then instant (a version before a record of the same instant), and each
    record takes the last version before it if that one is of its key."""
    keys = version_keys.unique()
    versions = len(version_keys)
    key = np.concatenate([keys.get_indexer(version_keys), keys.get_indexer(record_keys)])
    instant = np.concatenate([_ns(effective_from), _ns(start)])
    is_record = np.arange(len(key)) >= versions
    order = np.lexsort((is_record, instant, key))
    last = np.maximum.accumulate(np.where(order < versions, np.arange(len(order)), -1))
    found = order[np.clip(last, 0, None)]
    position = np.where((last >= 0) & (key[found] == key[order]), found, -1)
    result = np.empty(len(record_keys), dtype=np.int64)
    result[order[is_record[order]] - versions] = position[is_record[order]]
    return result


def sla_minutes_on(
    calendars: dict[str, Calendar],
    calendar_names: pd.Series,
    start: pd.Series,
    end: pd.Series | pd.Timestamp,
) -> np.ndarray:
    """SLA minutes between start and end, each row on its own calendar."""
    result = np.full(len(start), np.nan)
    for name in pd.unique(calendar_names):
        rows = (calendar_names == name).to_numpy()
        row_end = end[rows] if isinstance(end, pd.Series) else end
        result[rows] = sla_minutes(calendars[name], start[rows], row_end)
    return result


def _judge(
    minutes: np.ndarray, elapsed: np.ndarray, target: np.ndarray, done: np.ndarray
) -> pd.Categorical:
    """Met or breached when done; breached once open for longer than the target; else pending.
    With no target agreed, nothing is judged (pending)."""
    has_target = ~np.isnan(target)
    status = np.select(
        [
            done & has_target & (minutes <= target),
            done & has_target,
            ~done & has_target & (elapsed > target),
        ],
        [0, 1, 1],
        2,
    )
    return pd.Categorical.from_codes(status, categories=[MET, BREACHED, PENDING])


def judge_incidents(
    incidents: pd.DataFrame,
    config: Config,
    calendars: dict[str, Calendar],
    as_of: pd.Timestamp,
    warnings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    frame = pd.concat([incidents, incident_targets(incidents, config)], axis=1)
    response = frame["attended_at"].fillna(frame["resolved_at"])
    paused = frame["paused_minutes"].fillna(0).to_numpy()
    suspended = _suspension(frame, calendars, warnings, as_of)

    def clock(end: pd.Series | pd.Timestamp) -> np.ndarray:
        """SLA minutes from the report, less the time the incident's terms stop the clock."""
        minutes = sla_minutes_on(calendars, frame["calendar"], frame["reported_at"], end)
        return minutes if suspended is None else minutes - suspended(end)

    elapsed = clock(as_of)
    frame["attend_minutes"] = clock(response)
    restore_wall = clock(frame["resolved_at"])
    frame["suspended_minutes"] = (
        0.0 if suspended is None else suspended(frame["resolved_at"].fillna(as_of))
    )
    frame["restore_minutes"] = np.clip(restore_wall - paused, 0, None)
    frame["open_minutes"] = elapsed
    frame["attend_status"] = _judge(
        frame["attend_minutes"].to_numpy(),
        elapsed,
        frame["attend_target"].to_numpy(float),
        response.notna().to_numpy(),
    )
    frame["restore_status"] = _judge(
        frame["restore_minutes"].to_numpy(),
        elapsed - paused,
        frame["restore_target"].to_numpy(float),
        frame["resolved_at"].notna().to_numpy(),
    )
    frame["repeat"] = repeat_faults(frame, config)
    return frame


def repeat_faults(incidents: pd.DataFrame, config: Config) -> np.ndarray:
    """Whether each incident is a repeat fault: its (site, system) had another incident
    reported in the client's `repeat_window_days` days before its own report (strictly
    before: incidents reported at the same instant do not repeat each other)."""
    window = {c.id: pd.Timedelta(days=c.repeat_window_days).value for c in config.clients}
    keys = ["client_id", "site_id", "system"]
    frame = pd.DataFrame(
        {
            "client_id": incidents["client_id"].astype(str).to_numpy(),
            "site_id": incidents["site_id"].astype(str).to_numpy(),
            "system": incidents["system"].astype(str).to_numpy(),
            "at": _ns(incidents["reported_at"]),
        }
    ).sort_values([*keys, "at"], kind="stable")
    same_group = (frame[keys] == frame[keys].shift()).all(axis=1).to_numpy()
    at = frame["at"].to_numpy()
    previous = np.concatenate([[0], at[:-1]]) if len(at) else at
    # A run of one group's incidents reported at the same instant: each looks back from the
    # run's first incident, to the one reported before the run.
    run_start = ~(same_group & (at == previous))
    run = np.cumsum(run_start) - 1
    looks_back = (same_group & run_start)[run_start][run]
    before = previous[run_start][run]
    limit = frame["client_id"].map(window).to_numpy(dtype="int64")
    repeat = np.zeros(len(frame), dtype=bool)
    repeat[frame.index.to_numpy()] = looks_back & (at - before <= limit)
    return repeat


SUSPEND_SEPARATOR = "\n"  # between the labels of a version's `suspend_during`


def _suspension(
    frame: pd.DataFrame,
    calendars: dict[str, Calendar],
    warnings: pd.DataFrame | None,
    as_of: pd.Timestamp,
) -> Callable[[pd.Series | pd.Timestamp], np.ndarray] | None:
    """Minutes from each incident's report to an end, on its calendar, inside the warnings
    its terms stop the clock for (overlapping ones once); None when no clock stops."""
    if warnings is None or warnings.empty or not frame["suspend_during"].astype(bool).any():
        return None
    ends = warnings["end"].fillna(as_of)
    # A few groups: one per calendar and list of warnings agreed.
    groups = frame.groupby(["calendar", "suspend_during"], sort=False).indices
    intervals = {
        (calendar, listed): merged_intervals(warnings["start"][chosen], ends[chosen])
        for calendar, listed in groups
        if listed
        for chosen in [warnings["warning"].isin(listed.split(SUSPEND_SEPARATOR)).to_numpy()]
    }

    def suspended(end: pd.Series | pd.Timestamp) -> np.ndarray:
        result = np.zeros(len(frame))
        for (calendar, listed), rows in groups.items():
            if listed:
                row_end = end.iloc[rows] if isinstance(end, pd.Series) else end
                seconds = suspended_seconds(
                    calendars[calendar],
                    intervals[(calendar, listed)],
                    frame["reported_at"].iloc[rows],
                    row_end,
                )
                result[rows] = seconds / 60
        return result

    return suspended


def judge_maintenance(
    maintenance: pd.DataFrame, config: Config, as_of: pd.Timestamp
) -> pd.DataFrame:
    frame = pd.concat([maintenance, maintenance_terms(maintenance, config)], axis=1)
    frame["deadline"] = frame["due_date"] + pd.to_timedelta(
        frame["grace_days"].astype(int), unit="D"
    )
    completed_on = frame["completed_at"].dt.tz_localize(None).dt.normalize()
    as_of_date = pd.Timestamp(as_of.tz_localize(None).date())
    completed = frame["completed_at"].notna()
    frame["days_late"] = (completed_on.fillna(as_of_date) - frame["deadline"]).dt.days
    job_status = np.select(
        [
            frame["status"] == "cancelled",
            completed & (completed_on <= frame["deadline"]),
            completed,
            as_of_date > frame["deadline"],
        ],
        [0, 1, 2, 3],
        4,
    )
    frame["job_status"] = pd.Categorical.from_codes(job_status, categories=JOB_STATUSES)
    return frame


def judge_complaints(
    complaints: pd.DataFrame, config: Config, calendars: dict[str, Calendar], as_of: pd.Timestamp
) -> pd.DataFrame:
    frame = pd.concat([complaints, complaint_targets(complaints, config)], axis=1)
    response = frame["acknowledged_at"].fillna(frame["resolved_at"])
    elapsed = sla_minutes_on(calendars, frame["calendar"], frame["received_at"], as_of)
    frame["acknowledge_minutes"] = sla_minutes_on(
        calendars, frame["calendar"], frame["received_at"], response
    )
    frame["resolve_minutes"] = sla_minutes_on(
        calendars, frame["calendar"], frame["received_at"], frame["resolved_at"]
    )
    frame["open_minutes"] = elapsed
    frame["acknowledge_status"] = _judge(
        frame["acknowledge_minutes"].to_numpy(),
        elapsed,
        frame["acknowledge_target"].to_numpy(float),
        response.notna().to_numpy(),
    )
    resolve_status = _judge(
        frame["resolve_minutes"].to_numpy(),
        elapsed,
        frame["resolve_target"].to_numpy(float),
        frame["resolved_at"].notna().to_numpy(),
    )
    frame["resolve_status"] = resolve_status.add_categories("withdrawn")
    frame.loc[frame["status"] == "withdrawn", "resolve_status"] = "withdrawn"
    return frame


def judge_actions(actions: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    frame = actions.copy()
    as_of_date = pd.Timestamp(as_of.tz_localize(None).date())
    frame["overdue"] = (frame["status"] == "open") & (frame["due_date"] < as_of_date)
    return frame


# ---- figures per client and period -------------------------------------------------------


def per_period(
    judged: dict[str, pd.DataFrame], config: Config, as_of: pd.Timestamp, granularity: Granularity
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per (client, period) from each client's first record to as_of, empty periods
    included, a column per figure named by its path in metrics.json; and the same periods per
    site of each client, a column per figure of `by_site` (contract 11)."""
    keyed = {
        name: _with_period(frame, START_COLUMN[name], granularity) for name, frame in judged.items()
    }
    grid = _period_grid(keyed, config, as_of, granularity)
    parts = [grid]
    if "incidents" in keyed:
        parts.append(_incident_figures(keyed["incidents"], config))
    if "maintenance" in keyed:
        parts.append(_maintenance_figures(keyed["maintenance"]))
    if "complaints" in keyed:
        parts.append(_complaint_figures(keyed["complaints"]))
    if "actions" in keyed:
        parts.append(_action_figures(keyed["actions"]))
    if "feedback" in keyed:
        parts.append(feedback_figures(keyed["feedback"]))
    if "meetings" in keyed:
        parts.append(meeting_figures(keyed["meetings"]))
    if "training" in keyed:
        parts.append(training_figures(keyed["training"]))
    figures = grid.join(parts[1:], how="left") if len(parts) > 1 else grid
    counts = [c for c in figures.columns if _is_count(c)]
    figures[counts] = figures[counts].fillna(0).astype("int64")
    if "training" in keyed:  # hours: a sum, 0 in a period without training
        figures["training.hours"] = figures["training.hours"].fillna(0.0)
    cells = availability_cells(judged.get("incidents"), config, as_of, granularity, grid.index)
    figures = figures.join(availability_figures(cells), how="left").join(
        period_terms(config, grid.index, as_of, granularity)
    )
    figures = figures.join(credit_figures(figures, config, granularity))
    return figures, site_figures(keyed, config, grid.index, cells)


def site_figures(
    keyed: dict[str, pd.DataFrame],
    config: Config,
    grid: pd.MultiIndex,
    cells: pd.DataFrame,
) -> pd.DataFrame:
    """One row per (client, site, period) of the client's periods, a column per figure of
    `by_site`: each computed as the client's figure, grouped by site as well."""
    sites = pd.DataFrame(
        [(c.id, s.id) for c in config.clients for s in c.sites], columns=["client_id", "site_id"]
    )
    index = grid.to_frame(index=False).merge(sites, on="client_id")
    frame = pd.DataFrame(index=pd.MultiIndex.from_frame(index[list(SITE_KEYS)]))
    parts = []
    incidents = keyed.get("incidents")
    if incidents is not None:
        groups = incidents.groupby(list(SITE_KEYS), observed=True)
        figures = pd.DataFrame(
            {"incidents.reported": groups.size(), "incidents.repeat": groups["repeat"].sum()}
        )
        for part in ("attend", "restore"):
            figures = figures.join(
                _rates(
                    incidents,
                    f"{part}_status",
                    f"{part}_minutes",
                    f"incidents.{part}",
                    keys=SITE_KEYS,
                )
            )
        parts.append(figures)
    maintenance = keyed.get("maintenance")
    if maintenance is not None:
        preventive = maintenance[maintenance["kind"] == "preventive"]
        counts = _count_by(preventive, "job_status", ["on_time", "late", "overdue"], SITE_KEYS)
        judged_total = counts.sum(axis=1)
        parts.append(
            pd.DataFrame(
                {
                    "preventive.due": preventive.groupby(list(SITE_KEYS), observed=True).size(),
                    "preventive.on_time_pct": counts["on_time"]
                    / judged_total.where(judged_total > 0)
                    * 100,
                }
            )
        )
    if parts:
        frame = frame.join(parts, how="left")
    counts = [c for c in frame.columns if _is_count(c)]
    frame[counts] = frame[counts].fillna(0).astype("int64")
    availability = cells.groupby(list(SITE_KEYS))["availability"].mean()
    return frame.join(availability.rename("availability_pct"), how="left")


def _is_count(column: str) -> bool:
    leaf = column.rsplit(".", 1)[-1]
    return (
        not leaf.endswith(("_pct", "_minutes", "mean"))
        and leaf != "hours"
        and not column.startswith("availability.")
    )


def _with_period(frame: pd.DataFrame, start: str, granularity: Granularity) -> pd.DataFrame:
    frame = frame.copy()
    frame["period"] = period_codes(frame[start], granularity)
    return frame


def _period_grid(
    keyed: dict[str, pd.DataFrame], config: Config, as_of: pd.Timestamp, granularity: Granularity
) -> pd.DataFrame:
    """Every client's periods from its first record to as_of. The period as_of falls in is
    reported once it has begun: as_of at midnight on the 1st closes the month before."""
    begun = period_of(as_of - pd.Timedelta(1, "ns"), granularity)
    # Service records start the client's periods. Training (a shared team's courses from
    # before a client's first record are not its own) and meetings (their minutes are
    # hand-written pages) count only within them.
    spans = [
        frame.groupby("client_id", observed=True)["period"].agg(["min", "max"])
        for name, frame in keyed.items()
        if name not in ("training", "meetings")
    ]
    span = pd.concat(spans).groupby(level=0).agg({"min": "min", "max": "max"}) if spans else None
    pairs = []
    for client in config.clients:  # one range per client: a few hundred at most
        first, last = begun, begun
        if span is not None and client.id in span.index:
            first = min(int(span.at[client.id, "min"]), begun)
            last = max(int(span.at[client.id, "max"]), begun)
        pairs += [(client.id, code) for code in range(first, last + 1)]
    index = pd.MultiIndex.from_tuples(pairs, names=["client_id", "period"])
    return pd.DataFrame(index=index)


CLIENT_KEYS = ("client_id", "period")
SITE_KEYS = ("client_id", "site_id", "period")


def _count_by(
    frame: pd.DataFrame, column: str, values: list[str], keys: tuple[str, ...] = CLIENT_KEYS
) -> pd.DataFrame:
    """Rows per (client, period) (or `keys`) and value of `column`, a column per value."""
    counts = frame.groupby([*keys, column], observed=True).size()
    return counts.unstack(column, fill_value=0).reindex(columns=values, fill_value=0)


def _rates(
    frame: pd.DataFrame,
    status: str,
    minutes: str,
    prefix: str,
    statuses: tuple[str, ...] = (MET, BREACHED, PENDING),
    keys: tuple[str, ...] = CLIENT_KEYS,
) -> pd.DataFrame:
    """met / breached / pending counts, compliance %, median and p90 of the judged minutes,
    per (client, period) or `keys`."""
    counts = _count_by(frame, status, list(statuses), keys)
    judged_total = counts[MET] + counts[BREACHED]
    result = counts.add_prefix(f"{prefix}.")
    result[f"{prefix}.compliance_pct"] = (counts[MET] / judged_total.where(judged_total > 0)) * 100
    timed = frame[frame[status].isin([MET, BREACHED]) & frame[minutes].notna()]
    quantiles = timed.groupby(list(keys), observed=True)[minutes].quantile([0.5, 0.9]).unstack()
    result[f"{prefix}.median_minutes"] = quantiles.get(0.5)
    result[f"{prefix}.p90_minutes"] = quantiles.get(0.9)
    return result


def _incident_figures(incidents: pd.DataFrame, config: Config) -> pd.DataFrame:
    priorities = sorted({p for client in config.clients for p in client.sla.incidents})
    by_priority = _count_by(incidents, "priority", priorities)
    groups = incidents.groupby(list(CLIENT_KEYS), observed=True)
    result = pd.DataFrame(
        {"incidents.reported": groups.size(), "incidents.repeat": groups["repeat"].sum()}
    )
    result = result.join(by_priority.add_prefix("incidents.by_priority."))
    result = result.join(_rates(incidents, "attend_status", "attend_minutes", "incidents.attend"))
    return result.join(_rates(incidents, "restore_status", "restore_minutes", "incidents.restore"))


def _maintenance_figures(maintenance: pd.DataFrame) -> pd.DataFrame:
    preventive = maintenance[maintenance["kind"] == "preventive"]
    statuses = ["on_time", "late", "overdue", "pending", "cancelled"]  # the contract's order
    counts = pd.crosstab(
        [preventive["client_id"], preventive["period"]], preventive["job_status"]
    ).reindex(columns=statuses, fill_value=0)
    judged_total = counts["on_time"] + counts["late"] + counts["overdue"]
    result = pd.DataFrame({"maintenance.preventive.due": counts.sum(axis=1)})
    result = result.join(counts.add_prefix("maintenance.preventive."))
    result["maintenance.preventive.on_time_pct"] = (
        counts["on_time"] / judged_total.where(judged_total > 0) * 100
    )
    corrective = maintenance[
        (maintenance["kind"] == "corrective") & (maintenance["status"] != "cancelled")
    ]
    keys = ["client_id", "period"]
    fixed = corrective[corrective["completed_at"].notna() & corrective["first_time_fix"].notna()]
    corrective_figures = pd.DataFrame(
        {
            "maintenance.corrective.count": corrective.groupby(keys).size(),
            "maintenance.corrective.first_time_fix_pct": fixed.groupby(keys)[
                "first_time_fix"
            ].mean()
            * 100,
        }
    )
    return result.join(corrective_figures, how="outer")


def _complaint_figures(complaints: pd.DataFrame) -> pd.DataFrame:
    keys = ["client_id", "period"]
    groups = complaints.groupby(keys)
    result = pd.DataFrame({"complaints.received": groups.size()})
    result = result.join(
        _rates(complaints, "acknowledge_status", "acknowledge_minutes", "complaints.acknowledge")
    )
    not_withdrawn = complaints[complaints["resolve_status"] != "withdrawn"]
    result = result.join(
        _rates(not_withdrawn, "resolve_status", "resolve_minutes", "complaints.resolve")
    )
    result["complaints.open"] = (
        complaints["status"]
        .isin(["open", "escalated"])
        .groupby([complaints[k] for k in keys])
        .sum()
    )
    result["complaints.escalated"] = (
        complaints["escalated"]
        .fillna(False)
        .astype(bool)
        .groupby([complaints[k] for k in keys])
        .sum()
    )
    result["complaints.satisfaction.mean"] = groups["satisfaction"].mean()
    result["complaints.satisfaction.responses"] = groups["satisfaction"].count()
    return result


def _action_figures(actions: pd.DataFrame) -> pd.DataFrame:
    keys = [actions["client_id"], actions["period"]]
    counts = pd.crosstab(keys, actions["status"]).reindex(
        columns=["open", "done", "dropped"], fill_value=0
    )
    result = pd.DataFrame({"actions.raised": actions.groupby(["client_id", "period"]).size()})
    result = result.join(counts.add_prefix("actions."))
    result["actions.overdue"] = actions["overdue"].groupby(keys).sum()
    return result[
        ["actions.raised", "actions.open", "actions.overdue", "actions.done", "actions.dropped"]
    ]


# ---- the terms of each period: targets and service credits ----------------------------------


def period_terms(
    config: Config, grid: pd.MultiIndex, as_of: pd.Timestamp, granularity: Granularity
) -> pd.DataFrame:
    """Per (client, period): `terms`, the version in force at the period's end (or at as_of
    for the period in progress), and its percentage targets (`targets.<key>`)."""
    periods = grid.to_frame(index=False)
    _, end = bounds(periods["period"].astype(int).tolist(), granularity, config.timezone)
    instant = (end - pd.Timedelta(1, "ns")).clip(upper=as_of)
    versions = terms_table(
        config,
        lambda terms: [
            {f"targets.{key}": _terms_value(terms, path) for key, path in TARGETS.items()}
        ],
    )
    found = _in_force(periods, versions, ["client_id"], instant)
    found.index = grid
    return found


def _terms_value(terms: SlaTerms, path: str) -> float:
    value: Any = terms
    for key in path.split("."):
        value = getattr(value, key, None)
    return np.nan if value is None else float(value)


def shown(values: pd.Series, decimals: int) -> np.ndarray:
    """Values as the pages show them: rounded by the same formatting as the `pct` filter."""
    return np.char.mod(f"%.{decimals}f", values.to_numpy(dtype=float)).astype(float)


CREDIT_COLUMNS = ["credits.pct", "credits.amount", "credits.rules"]
PERIOD_FEE_MONTHS = {"month": 1, "quarter": 3}


def credit_figures(figures: pd.DataFrame, config: Config, granularity: Granularity) -> pd.DataFrame:
    """Per (client, period) whose terms have credits: the credit % (the applied rules' sum,
    capped), its amount of the period's fee, and the applied rules' figures (comma-separated).
    A rule applies when its figure, rounded as shown, is below its threshold (default: the
    figure's target in force for the period)."""
    rules = terms_table(
        config,
        lambda terms: (
            [
                {
                    "figure": rule.figure,
                    "below": rule.below,
                    "credit_pct": rule.credit_pct,
                    "fee": terms.credits.monthly_fee,
                    "cap_pct": terms.credits.cap_pct,
                }
                for rule in terms.credits.rules
            ]
            if terms.credits
            else []
        ),
    )
    if rules.empty:
        return pd.DataFrame(index=figures.index, columns=CREDIT_COLUMNS, dtype=object)
    keys = ["client_id", "period"]
    periods = figures[["terms"]].reset_index()
    judged = periods.merge(rules.drop(columns="effective_from"), on=["client_id", "terms"])
    value = np.full(len(judged), np.nan)
    threshold = judged["below"].to_numpy(dtype=float, copy=True)
    for metric_id in BENCHMARKED:
        metric = BY_ID[metric_id]
        rows = (judged["figure"] == metric_id).to_numpy()
        if not rows.any() or metric.path not in figures:
            continue
        at = pd.MultiIndex.from_frame(judged.loc[rows, keys])
        value[rows] = shown(figures[metric.path].reindex(at), metric.decimals)
        default = figures[f"targets.{metric.target}"].reindex(at).to_numpy(dtype=float)
        threshold[rows] = np.where(np.isnan(threshold[rows]), default, threshold[rows])
    with np.errstate(invalid="ignore"):
        judged["applies"] = value < threshold  # a figure without a value applies no rule
    applied = judged[judged["applies"]]
    per_period = judged.groupby(keys).agg(fee=("fee", "first"), cap=("cap_pct", "first"))
    total = applied.groupby(keys)["credit_pct"].sum().reindex(per_period.index, fill_value=0.0)
    pct = np.minimum(total, per_period["cap"])
    fee = per_period["fee"] * PERIOD_FEE_MONTHS[granularity]
    names = applied.groupby(keys)["figure"].agg(",".join).reindex(per_period.index, fill_value="")
    result = pd.DataFrame(
        {"credits.pct": pct, "credits.amount": (pct / 100 * fee).round(2), "credits.rules": names}
    )
    return result.reindex(figures.index)


# ---- availability ----------------------------------------------------------------------------


def availability_cells(
    incidents: pd.DataFrame | None,
    config: Config,
    as_of: pd.Timestamp,
    granularity: Granularity,
    grid: pd.MultiIndex,
) -> pd.DataFrame:
    """Availability (%) of each (client, period, site, system), from merged outages."""
    pairs = pd.DataFrame(
        [(c.id, s.id, system) for c in config.clients for s in c.sites for system in s.systems],
        columns=["client_id", "site_id", "system"],
    )
    periods = grid.to_frame(index=False)
    start, end = bounds(periods["period"].astype(int).tolist(), granularity, config.timezone)
    periods["start"], periods["end"] = start.to_numpy(), end.clip(upper=as_of).to_numpy()
    periods["length"] = (periods["end"] - periods["start"]).dt.total_seconds()
    cells = periods.merge(pairs, on="client_id")
    if incidents is None:
        down = np.zeros(len(cells))
    else:
        down = _down_seconds(incidents, as_of, cells, granularity, config.timezone)
    cells["availability"] = (1 - down / cells["length"].where(cells["length"] > 0)) * 100
    return cells


def availability_figures(cells: pd.DataFrame) -> pd.DataFrame:
    """Availability per (client, period): overall and per system."""
    # Unsorted groups: each mean then adds its own cells in their order, so that a client's
    # figure does not depend on the other clients' rows (a sorted groupby's mean can differ in
    # the last bit, and the preview computes one client alone).
    overall = (
        cells.groupby(["client_id", "period"], sort=False)["availability"]
        .mean()
        .sort_index()
        .rename("availability.overall_pct")
    )
    by_system = (
        cells.groupby(["client_id", "period", "system"])["availability"].mean().unstack("system")
    )
    return pd.concat([overall, by_system.add_prefix("availability.by_system.")], axis=1)


STRIP_DAYS = 90  # the daily availability strip of a site page (contract 11)


def daily_availability(
    incidents: pd.DataFrame | None, config: Config, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Availability of every (client, site, system) on each of the last STRIP_DAYS local days
    up to as_of (the day as_of falls in counts up to as_of), the whole portfolio at once;
    indexed by client."""
    last = period_of(as_of - pd.Timedelta(1, "ns"), "day")
    days = np.arange(last - STRIP_DAYS + 1, last + 1)
    grid = pd.MultiIndex.from_product(
        [[c.id for c in config.clients], days], names=["client_id", "period"]
    )
    cells = availability_cells(incidents, config, as_of, "day", grid)
    day = pd.PeriodIndex.from_ordinals(cells["period"].astype("int64"), freq="D").start_time
    frame = pd.DataFrame(
        {
            "site_id": cells["site_id"].to_numpy(),
            "system": cells["system"].to_numpy(),
            "day": day,
            "pct": cells["availability"].to_numpy(),
        },
        index=pd.Index(cells["client_id"].to_numpy(), name="client_id"),
    )
    return frame.sort_index(kind="stable")  # a client's rows: one lookup, not a scan


def merged_outages(incidents: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Outage intervals per (client, site, system), overlapping ones merged (UTC ns)."""
    columns = ["client_id", "site_id", "system", "reported_at", "resolved_at"]
    outages = incidents.loc[incidents["outage"].fillna(False).astype(bool).to_numpy(), columns]
    frame = pd.DataFrame(
        {
            "client_id": outages["client_id"].astype(str).to_numpy(),
            "site_id": outages["site_id"].astype(str).to_numpy(),
            "system": outages["system"].astype(str).to_numpy(),
            "start": _ns(outages["reported_at"]),
            "end": _ns(outages["resolved_at"].fillna(as_of)),
        }
    ).sort_values(["client_id", "site_id", "system", "start"], kind="stable")
    keys = ["client_id", "site_id", "system"]
    # A new block starts where an outage begins after every earlier one of its system ended.
    reach = frame.groupby(keys, sort=False)["end"].cummax()
    previous_reach = reach.groupby([frame[k] for k in keys], sort=False).shift()
    block = (previous_reach.isna() | (frame["start"] > previous_reach)).cumsum()
    merged = frame.groupby(block).agg(
        client_id=("client_id", "first"),
        site_id=("site_id", "first"),
        system=("system", "first"),
        start=("start", "min"),
        end=("end", "max"),
    )
    return merged.reset_index(drop=True)


def _down_seconds(
    incidents: pd.DataFrame,
    as_of: pd.Timestamp,
    cells: pd.DataFrame,
    granularity: Granularity,
    timezone: str,
) -> np.ndarray:
    """Down time of each (client, period, site, system) cell: merged outages clipped to it."""
    merged = merged_outages(incidents, as_of)
    if merged.empty:
        return np.zeros(len(cells))
    # Each outage is repeated once per period it touches (mostly one), then meets its cell.
    first = period_codes(_utc(merged["start"]).dt.tz_convert(timezone), granularity).to_numpy(int)
    last = period_codes(_utc(merged["end"]).dt.tz_convert(timezone), granularity).to_numpy(int)
    touched = last - first + 1
    expanded = merged.loc[merged.index.repeat(touched)].reset_index(drop=True)
    expanded["period"] = np.repeat(first, touched) + _ranks_within(touched)
    cell_keys = cells[["client_id", "site_id", "system", "period"]].copy()
    cell_keys["period"] = cell_keys["period"].astype("int64")
    cell_keys["cell"] = np.arange(len(cells))
    cell_keys["cell_start"] = _ns(cells["start"])
    cell_keys["cell_end"] = _ns(cells["end"])
    overlaps = expanded.merge(cell_keys, on=["client_id", "site_id", "system", "period"])
    seconds = (
        np.minimum(overlaps["end"], overlaps["cell_end"])
        - np.maximum(overlaps["start"], overlaps["cell_start"])
    ).clip(lower=0) / 1e9
    down = np.zeros(len(cells))
    np.add.at(down, overlaps["cell"].to_numpy(), seconds.to_numpy())
    return down


def _ranks_within(counts: np.ndarray) -> np.ndarray:
    """0, 1, ..., n-1 for each n in counts, concatenated."""
    ends = np.cumsum(counts)
    return np.arange(ends[-1]) - np.repeat(ends - counts, counts)


def _utc(ns: pd.Series) -> pd.Series:
    return pd.to_datetime(ns, unit="ns", utc=True)


def _ns(instants: pd.Series) -> np.ndarray:
    return instants.dt.tz_convert("UTC").astype("datetime64[ns, UTC]").astype("int64").to_numpy()


# ---- benchmark -----------------------------------------------------------------------------


def benchmark(figures: pd.DataFrame) -> pd.DataFrame:
    """Per period and headline figure: the quartiles across every client that has it, kept
    only when at least BENCHMARK_MIN_CLIENTS clients do. No client is named."""
    columns = {}
    for metric_id in BENCHMARKED:
        path = BY_ID[metric_id].path
        if path not in figures:
            continue
        values = figures[path].dropna().groupby(level="period")
        count = values.count()
        if not (count >= BENCHMARK_MIN_CLIENTS).any():
            continue
        quartiles = values.quantile([0.25, 0.5, 0.75]).unstack()
        enough = count >= BENCHMARK_MIN_CLIENTS
        columns[f"{metric_id}.clients"] = count[enough]
        for quantile, name in ((0.25, "p25"), (0.5, "median"), (0.75, "p75")):
            columns[f"{metric_id}.{name}"] = quartiles[quantile][enough]
    return pd.DataFrame(columns)
