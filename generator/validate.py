"""Type and check every row (contract 4.3), vectorised over whole columns.

A row with any problem is quarantined and every problem is reported as
`file:line: column: problem (value)`; of the remaining rows, a later row with the same id
supersedes an earlier one. Rows in = used + superseded + quarantined, for every file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator.config import Config, Source
from generator.load import FILE, LINE, RawTable
from generator.tables import BOOLEAN_FALSE, BOOLEAN_TRUE, Column, Table

ISO_HINT = "expected an ISO 8601 timestamp such as 2026-10-31 14:05"
DATE_HINT = "expected an ISO 8601 date such as 2026-10-31"


@dataclass(frozen=True)
class Quarantine:
    """Where the rows of one table went."""

    problems: pd.DataFrame  # one row per problem: _file, _line, column, message, value
    status: pd.Series  # per raw row: "used", "superseded" or "quarantined"


@dataclass(frozen=True)
class CheckedTable:
    table: Table
    used: pd.DataFrame  # typed canonical columns plus _file and _line
    raw: pd.DataFrame  # the rows as read, with their client_id, for the counts
    quarantine: Quarantine


def validate_table(raw: RawTable, config: Config) -> CheckedTable:
    """Parse the string columns into types, check every rule, quarantine and supersede."""
    table, frame = raw.table, raw.frame
    typed: dict[str, pd.Series] = {}
    problems: list[pd.DataFrame] = []
    for column in table.columns:
        values, bad, message = _parse_column(
            frame[column.name], column, raw.source, config.timezone
        )
        typed[column.name] = values
        problems.append(_problems(frame, bad, column.name, message))
        if column.required:
            problems.append(
                _problems(
                    frame, frame[column.name].isna(), column.name, "required value is missing"
                )
            )
    problems += _reference_problems(frame, table, config)
    problems += _order_problems(frame, typed, table)
    ids_unique = _unique(frame[table.id_column])
    if raw.source.keep != "last" and not ids_unique:
        problems.append(_duplicate_problems(frame, table))
    for broken in (problem for file in raw.files for problem in file.broken):
        problems.append(
            pd.DataFrame([broken.as_dict()]).rename(columns={"file": FILE, "line": LINE})
        )

    problem_frame = pd.concat(problems, ignore_index=True).sort_values([FILE, LINE], kind="stable")
    quarantined = (
        frame.index.isin(problem_frame["row"].dropna())
        if len(problem_frame)
        else np.zeros(len(frame), bool)
    )
    used = pd.DataFrame(typed)
    used[FILE], used[LINE] = frame[FILE], frame[LINE]
    valid = used[~quarantined]
    # Files are in name order and rows in file order: the last valid row of an id wins.
    superseded = [] if ids_unique else valid.index[valid.duplicated(table.id_column, keep="last")]
    status = pd.Series("used", index=frame.index)
    status[quarantined] = "quarantined"
    status[superseded] = "superseded"
    used = used[status == "used"].reset_index(drop=True)
    return CheckedTable(
        table=table,
        used=used,
        raw=frame[["client_id", FILE, LINE]],
        quarantine=Quarantine(problem_frame.drop(columns="row").reset_index(drop=True), status),
    )


def _unique(ids: pd.Series) -> bool:
    """Whether no id repeats: one hash pass in Arrow spares the duplicate checks."""
    values = _arrow(ids)
    return pc.count_distinct(values).as_py() == len(values) - values.null_count


def _arrow(text: pd.Series) -> pa.ChunkedArray | pa.Array:
    return (
        pa.array(text.array)
        if isinstance(text.dtype, pd.StringDtype)
        else pa.array(text, type=pa.string())
    )


def _problems(
    frame: pd.DataFrame, bad: pd.Series | np.ndarray, column: str, message: str
) -> pd.DataFrame:
    if not bad.any():
        return pd.DataFrame(columns=["row", FILE, LINE, "column", "message", "value"])
    rows = frame.loc[bad, [FILE, LINE, column]] if column in frame else frame.loc[bad, [FILE, LINE]]
    return pd.DataFrame(
        {
            "row": rows.index,
            FILE: rows[FILE].to_numpy(),
            LINE: rows[LINE].to_numpy(),
            "column": column,
            "message": message,
            "value": rows[column].to_numpy() if column in rows else None,
        }
    )


def _parse_column(
    text: pd.Series, column: Column, source: Source, timezone: str
) -> tuple[pd.Series, pd.Series, str]:
    """Typed values, a mask of the values that did not parse, and what was expected."""
    given = text.notna()
    if column.kind == "timestamp":
        values = parse_timestamps(text, timezone, source.datetime_format)
        hint = (
            f"expected a timestamp as {source.datetime_format}"
            if source.datetime_format
            else ISO_HINT
        )
        return values, given & values.isna(), f"not a valid timestamp: {hint}"
    if column.kind == "date":
        date_format = source.date_format or _date_part(source.datetime_format)
        values = parse_dates(text, date_format)
        hint = f"expected a date as {date_format}" if date_format else DATE_HINT
        return values, given & values.isna(), f"not a valid date: {hint}"
    if column.kind == "boolean":
        lowered = text.str.lower()
        values = pd.Series(pd.NA, index=text.index, dtype="boolean")
        values[lowered.isin(BOOLEAN_TRUE)] = True
        values[lowered.isin(BOOLEAN_FALSE)] = False
        return values, given & values.isna(), "expected true or false"
    if column.kind == "number":
        try:
            values = pd.Series(pc.cast(_arrow(text), pa.float64()).to_pandas(), index=text.index)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            values = pd.to_numeric(text, errors="coerce").astype("float64")
        bad = given & values.isna()
        if column.minimum is not None and column.maximum is not None:
            message = f"expected a number from {column.minimum:g} to {column.maximum:g}"
        elif column.minimum is not None:
            message = f"expected a number >= {column.minimum:g}"
        else:
            message = "expected a number"
        if column.minimum is not None:
            bad |= values < column.minimum
        if column.maximum is not None:
            bad |= values > column.maximum
        if column.integer:
            bad |= values.notna() & (values != values.round())
            message = message.replace("a number", "a whole number")
        return values, bad, message
    if column.kind == "category":
        values = text.str.lower()
        return (
            values,
            given & ~values.isin(column.allowed),
            "expected one of " + ", ".join(column.allowed),
        )
    return text, pd.Series(False, index=text.index), ""


def _date_part(datetime_format: str | None) -> str | None:
    """'%d-%m-%Y %H:%M' -> '%d-%m-%Y': a source's dates follow its timestamps' day order."""
    if not datetime_format:
        return None
    for time_directive in ("%H", "%I", "T%H"):
        if time_directive in datetime_format:
            return datetime_format.split(time_directive)[0].rstrip(" T")
    return datetime_format


def parse_timestamps(
    text: pd.Series, timezone: str, datetime_format: str | None = None
) -> pd.Series:
    """Strings to tz-aware timestamps in `timezone`; naive ones are local, bad ones NaT."""
    if datetime_format:
        parsed = pc.strptime(_arrow(text), format=datetime_format, unit="ns", error_is_null=True)
        naive = pd.Series(parsed.to_pandas(), index=text.index).astype("datetime64[ns]")
        return _localize(naive, timezone)
    try:
        # Fast path: every value is a naive ISO 8601 timestamp.
        naive = pd.Series(pc.cast(_arrow(text), pa.timestamp("ns")).to_pandas(), index=text.index)
        return _localize(naive.astype("datetime64[ns]"), timezone)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    with_offset = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True, na=False)
    result = pd.Series(pd.NaT, index=text.index, dtype=f"datetime64[ns, {timezone}]")
    if with_offset.any():
        aware = pd.to_datetime(text[with_offset], format="ISO8601", utc=True, errors="coerce")
        result[with_offset] = aware.dt.tz_convert(timezone).astype(result.dtype)
    plain = ~with_offset & text.notna()
    if plain.any():
        naive = pd.to_datetime(text[plain], format="ISO8601", errors="coerce").astype(
            "datetime64[ns]"
        )
        result[plain] = _localize(naive, timezone)
    return result


def _localize(naive: pd.Series, timezone: str) -> pd.Series:
    # A local time that a daylight-saving change skips or repeats cannot be placed: NaT.
    return naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT").astype(
        f"datetime64[ns, {timezone}]"
    )


def parse_dates(text: pd.Series, date_format: str | None = None) -> pd.Series:
    """Strings to dates (naive midnight); an ISO timestamp at midnight is a date too."""
    arrow = _arrow(text)
    if date_format:
        parsed = pc.strptime(arrow, format=date_format, unit="ns", error_is_null=True)
        return pd.Series(parsed.to_pandas(), index=text.index).astype("datetime64[ns]")
    try:
        parsed = pc.cast(pc.cast(arrow, pa.date32()), pa.timestamp("ns"))
        return pd.Series(parsed.to_pandas(), index=text.index).astype("datetime64[ns]")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        timestamps = pd.to_datetime(text, format="ISO8601", errors="coerce").astype(
            "datetime64[ns]"
        )
        return timestamps.where(timestamps == timestamps.dt.normalize())


def _reference_problems(frame: pd.DataFrame, table: Table, config: Config) -> list[pd.DataFrame]:
    """client_id, site_id, system and priority must be the client's own, as in clients.yml."""
    clients = frame["client_id"]
    known_client = _known(frame, ["client_id"], {(c.id,) for c in config.clients})
    found = [
        _problems(
            frame,
            clients.notna() & ~known_client,
            "client_id",
            "unknown client: not in clients.yml",
        )
    ]
    names = set(table.column_names)
    if "site_id" in names:
        sites = {(c.id, s.id) for c in config.clients for s in c.sites}
        bad_site = (
            known_client
            & frame["site_id"].notna()
            & ~_known(frame, ["client_id", "site_id"], sites)
        )
        found.append(
            _problems(frame, bad_site, "site_id", "not one of this client's sites in clients.yml")
        )
        if "system" in names:
            systems = {(c.id, s.id, y) for c in config.clients for s in c.sites for y in s.systems}
            known_system = _known(frame, ["client_id", "site_id", "system"], systems)
            bad_system = known_client & ~bad_site & frame["system"].notna() & ~known_system
            found.append(
                _problems(frame, bad_system, "system", "not a system of this site in clients.yml")
            )
    if "priority" in names:
        priorities = {(c.id, p) for c in config.clients for p in c.sla.incidents}
        known_priority = _known(frame, ["client_id", "priority"], priorities)
        bad_priority = known_client & frame["priority"].notna() & ~known_priority
        found.append(
            _problems(frame, bad_priority, "priority", "not a priority of this client's SLA")
        )
    return found


def _known(frame: pd.DataFrame, columns: list[str], allowed: set[tuple[str, ...]]) -> np.ndarray:
    """Whether each row's values of `columns` form one of the `allowed` combinations.

    Each column is factorised once; the few distinct combinations are looked up in a small
    boolean array indexed by the codes, so the check stays vectorised over the rows."""
    codes, positions = [], []
    for column in columns:
        column_codes, uniques = pd.factorize(frame[column])
        codes.append(column_codes)
        positions.append({value: index for index, value in enumerate(uniques)})
    lookup = np.zeros([len(p) + 1 for p in positions], dtype=bool)  # the extra slot is "missing"
    for combination in allowed:
        index = tuple(p.get(value, -1) for p, value in zip(positions, combination, strict=True))
        if -1 not in index:
            lookup[index] = True
    return lookup[tuple(codes)]


def _order_problems(
    frame: pd.DataFrame, typed: dict[str, pd.Series], table: Table
) -> list[pd.DataFrame]:
    found = []
    for earlier, later in table.order:
        before = typed[later] < typed[earlier]  # NaT compares False: only both-parsed pairs
        found.append(_problems(frame, before, later, f"is before {earlier}"))
    return found


def _duplicate_problems(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Every repeat of an id within one file; the first occurrence stands."""
    ids = frame[[FILE, table.id_column]]
    repeat = ids[table.id_column].notna() & ids.duplicated(keep="first")
    found = _problems(frame, repeat, table.id_column, "duplicate id in this file")
    if len(found):
        first_line = frame[~ids.duplicated(keep="first")].set_index([FILE, table.id_column])[LINE]
        keys = pd.MultiIndex.from_frame(frame.loc[repeat, [FILE, table.id_column]])
        found["message"] = [
            f"duplicate id in this file (first on line {n})" for n in first_line.loc[keys]
        ]
    return found
