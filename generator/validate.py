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


STATUSES = ("used", "superseded", "quarantined")


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

    found = [_NO_PROBLEMS, *(problem for problem in problems if problem is not _NO_PROBLEMS)]
    problem_frame = pd.concat(found, ignore_index=True).sort_values([FILE, LINE], kind="stable")
    quarantined = np.zeros(len(frame), dtype=bool)
    quarantined[problem_frame["row"].dropna().to_numpy(dtype=np.int64)] = True
    # Files are in name order and rows in file order: the last valid row of an id wins.
    superseded = np.zeros(len(frame), dtype=bool)
    if not ids_unique:
        ids = frame[table.id_column]
        superseded[~quarantined] = ids[~quarantined].duplicated(keep="last").to_numpy()
    codes = np.zeros(len(frame), dtype=np.int8)
    codes[quarantined] = STATUSES.index("quarantined")
    codes[superseded] = STATUSES.index("superseded")
    status = pd.Series(
        pd.Categorical.from_codes(
            codes, dtype=pd.CategoricalDtype(pd.Index(STATUSES, dtype="str"))
        ),
        index=frame.index,
    )
    used = pd.DataFrame(typed)
    used[FILE], used[LINE] = frame[FILE], frame[LINE]
    if codes.any():
        used = _without_unused_categories(used[codes == 0].reset_index(drop=True))
    return CheckedTable(
        table=table,
        used=used,
        raw=frame[["client_id", FILE, LINE]],
        quarantine=Quarantine(problem_frame.drop(columns="row").reset_index(drop=True), status),
    )


def _without_unused_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories only of the rows kept, as `astype("category")` of those rows would give."""
    categorical = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    for column in categorical:
        frame[column] = frame[column].cat.remove_unused_categories()
    return frame


def _unique(ids: pd.Series) -> bool:
    """Whether no id repeats. Exports are mostly in id order, and strictly increasing ids are
    distinct: one vectorised comparison; otherwise one hash pass in Arrow."""
    values = _arrow(ids)
    if values.null_count:
        values = values.drop_null()
    if _strictly_increasing(values):
        return True
    return pc.count_distinct(values).as_py() == len(values)


def _strictly_increasing(values: pa.ChunkedArray | pa.Array) -> bool:
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    previous = None
    for chunk in (chunk for chunk in chunks if len(chunk)):
        if previous is not None and not pc.greater(chunk[0], previous).as_py():
            return False
        if len(chunk) > 1 and not pc.all(pc.greater(chunk[1:], chunk[:-1])).as_py():
            return False
        previous = chunk[-1]
    return True


def _arrow(text: pd.Series) -> pa.ChunkedArray | pa.Array:
    return (
        pa.array(text.array)
        if isinstance(text.dtype, pd.StringDtype)
        else pa.array(text, type=pa.string())
    )


_NO_PROBLEMS = pd.DataFrame(columns=["row", FILE, LINE, "column", "message", "value"])


def _problems(
    frame: pd.DataFrame, bad: pd.Series | np.ndarray, column: str, message: str
) -> pd.DataFrame:
    if not bad.any():
        return _NO_PROBLEMS
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
        values = _booleans(text)
        return values, given & values.isna(), "expected true or false"
    if column.kind == "number":
        values = _numbers(text)
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
        values = _lower(text)
        return (
            values,
            given & ~values.isin(column.allowed),
            "expected one of " + ", ".join(column.allowed),
        )
    return text, pd.Series(False, index=text.index), ""


def _lower(text: pd.Series) -> pd.Series:
    if not isinstance(text.dtype, pd.CategoricalDtype):
        return text.str.lower()
    # Lower the few categories, not the rows; values that differ only in case merge.
    lowered = text.cat.categories.str.lower()
    categories = sorted(set(lowered))
    position = {category: index for index, category in enumerate(categories)}
    remap = np.array([position[value] for value in lowered] + [-1], dtype=np.int64)
    codes = remap[text.cat.codes.to_numpy()]  # code -1 (missing) takes the last slot
    dtype = pd.CategoricalDtype(pd.Index(categories, dtype="str"))
    return pd.Series(
        pd.Categorical.from_codes(codes, dtype=dtype, validate=False), index=text.index
    )


def _booleans(text: pd.Series) -> pd.Series:
    if isinstance(text.dtype, pd.CategoricalDtype):
        # One answer per category (1 true, 0 false, -1 neither), then one lookup per row.
        lowered = text.cat.categories.str.lower()
        answers = np.where(
            lowered.isin(BOOLEAN_TRUE), 1, np.where(lowered.isin(BOOLEAN_FALSE), 0, -1)
        )
        answer = np.append(answers, -1).astype(np.int8)[text.cat.codes.to_numpy()]
        return pd.Series(pd.arrays.BooleanArray(answer == 1, answer == -1), index=text.index)
    lowered = text.str.lower()
    values = pd.Series(pd.NA, index=text.index, dtype="boolean")
    values[lowered.isin(BOOLEAN_TRUE)] = True
    values[lowered.isin(BOOLEAN_FALSE)] = False
    return values


def _numbers(text: pd.Series) -> pd.Series:
    """Arrow parses the numbers; the few values it refuses get pandas' more lenient reading."""
    parsed = _cast_or_locate(_arrow(text), pa.float64())
    if parsed is None:
        return pd.to_numeric(text, errors="coerce").astype("float64")
    numbers, refused = parsed
    values = pd.Series(numbers.to_pandas(), index=text.index).astype("float64")
    if len(refused):
        values.iloc[refused] = pd.to_numeric(text.iloc[refused], errors="coerce").astype("float64")
    return values


# When Arrow refuses more values than this, the whole column takes the slower lenient path.
MAX_REFUSED = 1000
_SPLIT = 16


def _cast_or_locate(
    values: pa.ChunkedArray | pa.Array, *targets: pa.DataType
) -> tuple[pa.ChunkedArray, np.ndarray] | None:
    """Cast the column; if Arrow refuses some values, find them by casting ever smaller parts
    (a few bad values cost a few extra passes) and return the cast with those values missing
    and their positions. None if the cast is not possible or too many values are refused.
    Several targets: cast to each in turn (a value is refused if any step refuses it)."""

    def cast(part: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
        for target in targets:
            part = pc.cast(part, target)
        return part

    target = targets[-1]
    try:
        whole = cast(values)
        if not isinstance(whole, pa.ChunkedArray):
            whole = pa.chunked_array([whole], type=target)
        return whole, np.zeros(0, dtype=np.int64)
    except pa.ArrowNotImplementedError:
        return None
    except pa.ArrowInvalid:
        pass
    pieces: list[pa.Array | pa.ChunkedArray] = []
    refused: list[int] = []
    pending = [(0, len(values))]  # depth first, in order: the pieces come out in row order
    while pending:
        start, stop = pending.pop()
        part = values.slice(start, stop - start)
        try:
            pieces.append(cast(part))
            continue
        except pa.ArrowInvalid:
            pass
        if stop - start == 1:
            refused.append(start)
            if len(refused) > MAX_REFUSED:
                return None
            pieces.append(pa.nulls(1, target))
            continue
        step = -(-(stop - start) // _SPLIT)
        pending += [(low, min(low + step, stop)) for low in range(start, stop, step)][::-1]
    arrays = [
        array
        for piece in pieces
        for array in (piece.chunks if isinstance(piece, pa.ChunkedArray) else [piece])
    ]
    return pa.chunked_array(arrays, type=target), np.array(refused, dtype=np.int64)


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
    # Fast path: Arrow reads naive ISO 8601 timestamps; the values it refuses (offsets, other
    # ISO forms, mistakes) get pandas' reading, which agrees wherever Arrow accepts a value.
    cast = _cast_or_locate(_arrow(text), pa.timestamp("ns"))
    if cast is None:
        return _lenient_timestamps(text, timezone)
    parsed, refused = cast
    result = _localized(parsed, text.index, timezone)
    if len(refused):
        result.iloc[refused] = _lenient_timestamps(text.iloc[refused], timezone)
    return result


def _localized(parsed: pa.ChunkedArray, index: pd.Index, timezone: str) -> pd.Series:
    """Arrow's naive timestamps placed in `timezone`, as a pandas series."""
    offset = _fixed_offset(parsed, timezone)
    if offset is not None:  # no change of offset near the data: one subtraction does
        try:
            utc = pc.subtract_checked(parsed, pa.scalar(offset, pa.duration("ns")))
        except pa.ArrowInvalid:  # beyond the range of nanosecond timestamps
            pass
        else:
            aware = utc.cast(pa.timestamp("ns", tz=timezone))  # the same instants, labelled
            if aware.null_count:  # NaT is the smallest int64: pandas then takes the data as is
                aware = aware.fill_null(pa.scalar(NAT, type=aware.type))
            return pd.Series(aware.to_pandas(), index=index).astype(f"datetime64[ns, {timezone}]")
    naive = pd.Series(parsed.to_pandas(), index=index).astype("datetime64[ns]")
    return _localize(naive, timezone)


def _lenient_timestamps(text: pd.Series, timezone: str) -> pd.Series:
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


MAX_OFFSET_CHECK = 366 * 30 * 86_400 * 10**9  # nanoseconds: a check of at most 263,000 hours
_HOUR = 3_600 * 10**9
NAT = np.iinfo(np.int64).min  # how numpy and pandas store NaT
_DAY = 24 * _HOUR


def _fixed_offset(naive: pa.ChunkedArray, timezone: str) -> int | None:
    """The zone's UTC offset (ns) if it is the same at every hour from the earliest to the
    latest value, and an hour beyond each: then no local time in between is skipped or
    repeated, and placing the values is one subtraction. None when it changes (or the span
    is too long to check)."""
    bounds = pc.min_max(naive.cast(pa.int64()))
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    if low is None:
        return 0
    if high - low > MAX_OFFSET_CHECK:
        return None
    first, last = (low // _HOUR - 1) * _HOUR, (-(-high // _HOUR) + 1) * _HOUR
    if first <= pd.Timestamp.min.value + _DAY or last >= pd.Timestamp.max.value - _DAY:
        return None  # near the ends of the range, where offsets can overflow
    hours = pd.DatetimeIndex(np.arange(first, last + 1, _HOUR).view("datetime64[ns]"))
    local = hours.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    if local.hasnans:
        return None
    offsets = hours.asi8 - local.asi8
    if (offsets != offsets[0]).any():
        return None
    return int(offsets[0])


def parse_dates(text: pd.Series, date_format: str | None = None) -> pd.Series:
    """Strings to dates (naive midnight); an ISO timestamp at midnight is a date too."""
    arrow = _arrow(text)
    if date_format:
        parsed = pc.strptime(arrow, format=date_format, unit="ns", error_is_null=True)
        return pd.Series(parsed.to_pandas(), index=text.index).astype("datetime64[ns]")
    cast = _cast_or_locate(arrow, pa.date32(), pa.timestamp("ns"))
    if cast is None:
        return _lenient_dates(text)
    parsed, refused = cast
    result = pd.Series(parsed.to_pandas(), index=text.index).astype("datetime64[ns]")
    if len(refused):
        result.iloc[refused] = _lenient_dates(text.iloc[refused])
    return result


def _lenient_dates(text: pd.Series) -> pd.Series:
    timestamps = pd.to_datetime(text, format="ISO8601", errors="coerce").astype("datetime64[ns]")
    return timestamps.where(timestamps == timestamps.dt.normalize())


def _reference_problems(frame: pd.DataFrame, table: Table, config: Config) -> list[pd.DataFrame]:
    """client_id, site_id, system and priority must be the client's own, as in clients.yml."""
    known = _Known(frame)
    given = {name: frame[name].notna().to_numpy() for name in known.columns}
    known_client = known(["client_id"], {(c.id,) for c in config.clients})
    found = [
        _problems(
            frame,
            given["client_id"] & ~known_client,
            "client_id",
            "unknown client: not in clients.yml",
        )
    ]
    names = set(table.column_names)
    if "site_id" in names:
        sites = {(c.id, s.id) for c in config.clients for s in c.sites}
        bad_site = known_client & given["site_id"] & ~known(["client_id", "site_id"], sites)
        found.append(
            _problems(frame, bad_site, "site_id", "not one of this client's sites in clients.yml")
        )
        if "system" in names:
            systems = {(c.id, s.id, y) for c in config.clients for s in c.sites for y in s.systems}
            known_system = known(["client_id", "site_id", "system"], systems)
            bad_system = known_client & ~bad_site & given["system"] & ~known_system
            found.append(
                _problems(frame, bad_system, "system", "not a system of this site in clients.yml")
            )
    if "priority" in names:
        priorities = {(c.id, p) for c in config.clients for p in c.sla.incidents}
        known_priority = known(["client_id", "priority"], priorities)
        bad_priority = known_client & given["priority"] & ~known_priority
        found.append(
            _problems(frame, bad_priority, "priority", "not a priority of this client's SLA")
        )
    return found


class _Known:
    """Whether each row's values of some columns form one of the allowed combinations.

    Each column is factorised once (the few-valued ones come factorised from the parser, as
    categoricals); code 0 is "missing". A combination of columns is one flat position per row
    in a small boolean array of the allowed combinations, so the check stays vectorised."""

    columns = ("client_id", "site_id", "system", "priority")

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.codes: dict[str, tuple[np.ndarray, dict[str, int]]] = {}
        self.flat: dict[tuple[str, ...], np.ndarray] = {}

    def _column(self, column: str) -> tuple[np.ndarray, dict[str, int]]:
        if column not in self.codes:
            values = self.frame[column]
            if isinstance(values.dtype, pd.CategoricalDtype):
                codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
            else:
                codes, uniques = pd.factorize(values)
            shifted = np.add(codes, 1, dtype=np.int64 if len(uniques) > 2**30 else np.int32)
            self.codes[column] = shifted, {value: i + 1 for i, value in enumerate(uniques)}
        return self.codes[column]

    def _positions(self, columns: tuple[str, ...], sizes: list[int]) -> np.ndarray:
        if columns not in self.flat:
            codes = self._column(columns[-1])[0]
            if len(columns) == 1:
                self.flat[columns] = codes
            else:
                before = self._positions(columns[:-1], sizes[:-1])
                if np.prod(sizes, dtype=np.float64) >= np.iinfo(np.int32).max:
                    before = before.astype(np.int64)
                self.flat[columns] = before * sizes[-1] + codes
        return self.flat[columns]

    def __call__(self, columns: list[str], allowed: set[tuple[str, ...]]) -> np.ndarray:
        positions = [self._column(column)[1] for column in columns]
        sizes = [len(p) + 1 for p in positions]
        lookup = np.zeros(sizes, dtype=bool)
        for combination in allowed:
            index = tuple(p.get(value, 0) for p, value in zip(positions, combination, strict=True))
            if 0 not in index:
                lookup[index] = True
        return lookup.ravel().take(self._positions(tuple(columns), sizes))


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
