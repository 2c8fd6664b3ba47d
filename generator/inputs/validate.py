"""Type and check every row (contract 4.3), vectorised over whole columns.

A row with any problem is quarantined and every problem is reported as
`file:line: column: problem (value)`; of the remaining rows, a later row with the same id
supersedes an earlier one. Rows in = used + superseded + quarantined, for every file.
"""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator.errors import Problem
from generator.inputs.config import Config, Source
from generator.inputs.load import FILE, LINE, RawTable, frame_from
from generator.inputs.tables import BOOLEAN_FALSE, BOOLEAN_TRUE, Column, Table
from generator.inputs.unreadable import MISSING, unreadable_columns

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
    typed: pd.DataFrame  # every row, typed: canonical columns plus _file and _line
    raw: pd.DataFrame  # the rows as read, with their client_id, for the counts
    quarantine: Quarantine
    unreadable: list[Problem]  # columns that mostly failed: structural problems

    @cached_property
    def used(self) -> pd.DataFrame:
        """The rows used, typed, renumbered. Made when first asked for: `svcsite check` never
        asks, and a million rows take a tenth of a second to copy without the quarantined."""
        keep = self.quarantine.status.cat.codes.to_numpy() == STATUSES.index("used")
        return self.typed if keep.all() else kept_rows(self.typed, keep)


STATUSES = ("used", "superseded", "quarantined")


def validate_table(raw: RawTable, config: Config) -> CheckedTable:
    """Parse the string columns into types, check every rule, quarantine and supersede."""
    table, frame = raw.table, raw.frame
    typed: dict[str, pd.Series] = {}
    problems: list[pd.DataFrame] = []
    failed: list[pd.DataFrame] = []  # per column and rule: how much of a column failed
    with ThreadPoolExecutor(max_workers=1) as pool:
        # Arrow's casts run without the GIL: one worker makes them while the rest is checked
        # here (more workers, or pandas work in them, cost more than they save).
        casts = {
            column.name: pool.submit(_cast_or_locate, _arrow(frame[column.name]), *targets)
            for column in table.columns
            if (targets := _cast_targets(column, raw.source))
        }
        references = _reference_problems(frame, table, config)
        for column in table.columns:
            cast = casts[column.name].result() if column.name in casts else NOT_CAST
            values, bad, message = _parse_column(
                frame[column.name], column, raw.source, config.timezone, cast
            )
            typed[column.name] = values
            found = [_problems(frame, bad, column.name, message)]
            if column.required:
                found.append(_problems(frame, frame[column.name].isna(), column.name, MISSING))
            problems += found
            failed += found
    problems += references
    failed += references
    problems += _order_problems(frame, typed, table)
    # None: every id is distinct (or the rows have none)
    repeated = _repeated(frame[table.id_column]) if table.id_column else None
    if raw.source.keep != "last" and repeated is not None:
        problems.append(_duplicate_problems(frame, table, repeated))
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
    if repeated is not None:  # only rows whose id repeats can supersede or be superseded
        candidates = np.flatnonzero(repeated & ~quarantined)
        ids = frame[table.id_column].iloc[candidates]
        superseded[candidates[ids.duplicated(keep="last").to_numpy()]] = True
    codes = np.zeros(len(frame), dtype=np.int8)
    codes[quarantined] = STATUSES.index("quarantined")
    codes[superseded] = STATUSES.index("superseded")
    status = pd.Series(
        pd.Categorical.from_codes(
            codes, dtype=pd.CategoricalDtype(pd.Index(STATUSES, dtype="str"))
        ),
        index=frame.index,
    )
    return CheckedTable(
        table=table,
        typed=frame_from({**typed, FILE: frame[FILE], LINE: frame[LINE]}),
        raw=frame[[column for column in ("client_id", FILE, LINE) if column in frame]],
        quarantine=Quarantine(problem_frame.drop(columns="row").reset_index(drop=True), status),
        unreadable=unreadable_columns(frame, failed, table, raw.source, config),
    )


def kept_rows(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The rows to keep, renumbered, column by column: text filtered in Arrow (a frame's own
    boolean indexing takes text rows one by one, several times slower); a categorical keeps
    only the categories of the rows kept, as `astype("category")` of them would."""
    dropped = np.flatnonzero(~keep)
    columns = {}
    for name, values in frame.items():
        if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
            kept = pd.Series(_filtered(_arrow(values), keep).to_pandas()).astype(values.dtype)
        elif isinstance(values.dtype, pd.CategoricalDtype):
            kept = _kept_categories(values, keep, dropped)
        else:
            kept = pd.Series(values.array[keep])
        columns[str(name)] = kept
    return frame_from(columns)


_MAX_SLICES = 16  # dropped values in one chunk (of some 4 MiB) beyond which it is copied


def _filtered(values: pa.ChunkedArray | pa.Array, keep: np.ndarray) -> pa.ChunkedArray:
    """The values to keep, chunk by chunk, copying as little as possible: a chunk that drops
    a few values (a quarantined row here and there) is cut into slices around them, which
    share its memory; only a chunk that drops many is copied. (Copying every text column of
    a million rows for a few dropped ones was most of what validation cost `svcsite check`.)"""
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    kept, start = [], 0
    for chunk in chunks:
        part = keep[start : start + len(chunk)]
        start += len(chunk)
        dropped = np.flatnonzero(~part)
        if len(dropped) > _MAX_SLICES:
            kept.append(chunk.filter(pa.array(part)))
            continue
        edges = [-1, *dropped.tolist(), len(chunk)]
        kept += [chunk.slice(a + 1, b - a - 1) for a, b in itertools.pairwise(edges) if b > a + 1]
    return pa.chunked_array(kept, type=values.type)


def _kept_categories(values: pd.Series, keep: np.ndarray, dropped: np.ndarray) -> pd.Series:
    """The kept rows of a categorical, without the categories only dropped rows had: only
    the categories of the (few) dropped rows can fall out of use."""
    codes = values.cat.codes.to_numpy()
    kept_codes = codes[keep]
    candidates = np.unique(codes[dropped])
    unused = [c for c in candidates[candidates >= 0] if not (kept_codes == c).any()]
    if not unused:
        return pd.Series(pd.Categorical.from_codes(kept_codes, dtype=values.dtype, validate=False))
    used = np.ones(len(values.cat.categories), dtype=bool)
    used[unused] = False
    remap = np.append(np.cumsum(used) - 1, -1).astype(codes.dtype)  # code -1 stays -1
    dtype = pd.CategoricalDtype(values.cat.categories[used])
    return pd.Series(pd.Categorical.from_codes(remap[kept_codes], dtype=dtype, validate=False))


def _repeated(ids: pd.Series) -> np.ndarray | None:
    """Which rows have an id that another row has too; None when every id is distinct.

    Exports mostly come in id order, and ids in strictly increasing order are distinct: so
    only the few ids out of that order can repeat, and only they are counted. Otherwise every
    id is counted, in one hash pass."""
    values = _arrow(ids)
    present = values.drop_null() if values.null_count else values
    suspects = _out_of_order(present)
    if suspects is None:
        counts = pc.value_counts(present)
        repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
        if not len(repeated):
            return None
        return pc.is_in(values, value_set=repeated).to_numpy(zero_copy_only=False)
    if not len(suspects):
        return None
    # Only the rows with a suspect id can repeat one: count the ids of those few rows.
    matches = pc.is_in(values, value_set=suspects).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(matches)
    found = pd.Series([values[int(row)].as_py() for row in rows])
    repeated_rows = rows[found.duplicated(keep=False).to_numpy()]
    if not len(repeated_rows):
        return None
    mask = np.zeros(len(values), dtype=bool)
    mask[repeated_rows] = True
    return mask


# At most this many ids out of increasing order are looked at one by one.
MAX_OUT_OF_ORDER = 64


def _out_of_order(values: pa.ChunkedArray | pa.Array) -> pa.Array | None:
    """The values without which the rest is in strictly increasing order (none: all of it
    is), found from the few places where order breaks; None if there is no such small set."""
    if len(values) < 2:
        return pa.array([], type=values.type)
    increasing = pc.greater(values[1:], values[:-1]).to_numpy(zero_copy_only=False)
    breaks = np.flatnonzero(~increasing)  # values[i + 1] <= values[i]
    if not len(breaks):
        return pa.array([], type=values.type)
    if len(breaks) > MAX_OUT_OF_ORDER:
        return None
    out: set[int] = set()
    last = len(values) - 1
    for i in map(int, breaks):
        if i + 1 == last or pc.greater(values[i + 2], values[i]).as_py():
            out.add(i + 1)  # a value too small for its place
        elif i == 0 or pc.greater(values[i + 1], values[i - 1]).as_py():
            out.add(i)  # a value too large for its place
        else:
            return None
    # Every break involves a value set aside; what is left is in order if it is where the
    # values set aside leave neighbours: before and after each run of them.
    for first, last_out in _runs(sorted(out)):
        before, after = first - 1, last_out + 1
        inside = before >= 0 and after < len(values)
        if inside and not pc.greater(values[after], values[before]).as_py():
            return None
    suspects = values.take(pa.array(sorted(out)))
    return suspects.combine_chunks() if isinstance(suspects, pa.ChunkedArray) else suspects


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Consecutive positions as (first, last) runs: [3, 4, 9] -> [(3, 4), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for position in positions:
        if runs and runs[-1][1] == position - 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs


def _arrow(text: pd.Series) -> pa.ChunkedArray | pa.Array:
    return (
        pa.array(text.array)
        if isinstance(text.dtype, pd.StringDtype)
        else pa.array(text, type=pa.string())
    )


_NO_PROBLEMS = pd.DataFrame(columns=["row", FILE, LINE, "column", "message", "value"])


def _problems(
    frame: pd.DataFrame, bad: pd.Series | np.ndarray, column: str, message: str | np.ndarray
) -> pd.DataFrame:
    """One problem per bad row (`message`: one for all, or one per bad row)."""
    positions = np.flatnonzero(np.asarray(bad, dtype=bool))
    if not len(positions):
        return _NO_PROBLEMS
    return pd.DataFrame(
        {
            "row": frame.index[positions],
            FILE: _values_at(frame[FILE], positions),
            LINE: _values_at(frame[LINE], positions),
            "column": column,
            "message": message,
            "value": _values_at(frame[column], positions) if column in frame else None,
        }
    )


def _values_at(values: pd.Series, positions: np.ndarray) -> np.ndarray:
    """`values.iloc[positions].to_numpy()`; a few texts are picked from their Arrow chunks one
    by one, as pandas would first join a column's chunks into one."""
    if len(positions) > 1000 or not (
        isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"
    ):
        return values.iloc[positions].to_numpy()
    arrow = _arrow(values)
    picked = [arrow[int(position)].as_py() for position in positions]
    return np.array([np.nan if value is None else value for value in picked], dtype=object)


def _cast_targets(column: Column, source: Source) -> tuple[pa.DataType, ...]:
    """The Arrow types a column's text is cast to, in turn (none: it is parsed otherwise)."""
    if column.kind == "timestamp" and not source.datetime_format:
        return (pa.timestamp("ns"),)
    if column.kind == "date" and not (source.date_format or source.datetime_format):
        return (pa.date32(), pa.timestamp("ns"))
    if column.kind == "number":
        return (pa.float64(),)
    return ()


Cast = tuple[pa.ChunkedArray, np.ndarray] | None  # what _cast_or_locate gives


class _NotCast:
    """No cast made yet: the parser makes its own."""


NOT_CAST = _NotCast()


def _parse_column(
    text: pd.Series,
    column: Column,
    source: Source,
    timezone: str,
    cast: Cast | _NotCast = NOT_CAST,
) -> tuple[pd.Series, pd.Series, str]:
    """Typed values, a mask of the values that did not parse, and what was expected. `cast`:
    Arrow's cast of the text to the column's `_cast_targets`, if already made."""
    given = text.notna()
    if column.kind == "timestamp":
        values = parse_timestamps(text, timezone, source.datetime_format, cast)
        hint = (
            f"expected a timestamp as {source.datetime_format}"
            if source.datetime_format
            else ISO_HINT
        )
        return values, given & values.isna(), f"not a valid timestamp: {hint}"
    if column.kind == "date":
        date_format = source.date_format or _date_part(source.datetime_format)
        values = parse_dates(text, date_format, cast)
        hint = f"expected a date as {date_format}" if date_format else DATE_HINT
        return values, given & values.isna(), f"not a valid date: {hint}"
    if column.kind == "boolean":
        values = _booleans(text)
        return values, given & values.isna(), "expected true or false"
    if column.kind == "number":
        values = _numbers(text, cast)
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


def _numbers(text: pd.Series, cast: Cast | _NotCast = NOT_CAST) -> pd.Series:
    """Arrow parses the numbers; the few values it refuses get pandas' more lenient reading."""
    parsed = _cast_or_locate(_arrow(text), pa.float64()) if isinstance(cast, _NotCast) else cast
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
    text: pd.Series,
    timezone: str,
    datetime_format: str | None = None,
    cast: Cast | _NotCast = NOT_CAST,
) -> pd.Series:
    """Strings to tz-aware timestamps in `timezone`; naive ones are local, bad ones NaT."""
    if datetime_format:
        parsed = pc.strptime(_arrow(text), format=datetime_format, unit="ns", error_is_null=True)
        naive = pd.Series(parsed.to_pandas(), index=text.index).astype("datetime64[ns]")
        return _localize(naive, timezone)
    # Fast path: Arrow reads naive ISO 8601 timestamps; the values it refuses (offsets, other
    # ISO forms, mistakes) get pandas' reading, which agrees wherever Arrow accepts a value.
    if isinstance(cast, _NotCast):
        cast = _cast_or_locate(_arrow(text), pa.timestamp("ns"))
    if cast is None:
        return _lenient_timestamps(text, timezone)
    parsed, refused = cast
    result = _localized(parsed, text.index, timezone)
    if len(refused):
        result.iloc[refused] = _lenient_timestamps(text.iloc[refused], timezone)
    return result


def _localized(parsed: pa.ChunkedArray, index: pd.Index, timezone: str) -> pd.Series:
    """Arrow's naive timestamps placed in `timezone`, as a pandas series. `parsed` is a cast's
    fresh result: its buffer is reused for the result."""
    offset = _fixed_offset(parsed, timezone)
    if offset is None:
        naive = pd.Series(parsed.to_pandas(), index=index).astype("datetime64[ns]")
        return _localize(naive, timezone)
    # No change of offset near the data: one subtraction (far from the ends of the range, so
    # it cannot overflow), missing values as NaT; the UTC instants are then only relabelled.
    array = parsed.combine_chunks() if parsed.num_chunks != 1 else parsed.chunk(0)
    naive_ns = np.frombuffer(array.buffers()[1], np.int64, len(array), array.offset * 8)
    # The cast's own new buffer takes the result: no more memory to touch than that.
    utc = naive_ns if naive_ns.flags.writeable else naive_ns.copy()
    utc -= offset
    if array.null_count:
        utc[~array.is_valid().to_numpy(zero_copy_only=False)] = NAT
    # Epoch nanoseconds are UTC instants: pandas labels them with the zone (one copy, which
    # pandas may write to; Arrow's own conversion would compute each value's offset again).
    utc_dtype = pd.DatetimeTZDtype("ns", "UTC")
    aware = pd.DatetimeIndex(utc, dtype=utc_dtype).tz_convert(timezone)
    return pd.Series(aware, index=index).astype(f"datetime64[ns, {timezone}]")


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


def parse_dates(
    text: pd.Series, date_format: str | None = None, cast: Cast | _NotCast = NOT_CAST
) -> pd.Series:
    """Strings to dates (naive midnight); an ISO timestamp at midnight is a date too."""
    arrow = _arrow(text)
    if date_format:
        parsed = pc.strptime(arrow, format=date_format, unit="ns", error_is_null=True)
        return pd.Series(parsed.to_pandas(), index=text.index).astype("datetime64[ns]")
    if isinstance(cast, _NotCast):
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
    names = set(table.column_names)
    if "client_id" not in names:  # a portfolio's source (weather)
        return []
    checks = {"client_id": {(c.id,) for c in config.clients}}
    if "site_id" in names:
        checks["site_id"] = {(c.id, s.id) for c in config.clients for s in c.sites}
        if "system" in names:
            checks["system"] = {
                (c.id, s.id, y) for c in config.clients for s in c.sites for y in s.systems
            }
    if "priority" in names:
        checks["priority"] = {(c.id, p) for c in config.clients for p in c.sla.incidents}
    known = _known_references(frame, checks)
    given = {name: frame[name].notna().to_numpy() for name in checks}
    known_client = known["client_id"]
    found = [
        _problems(
            frame,
            given["client_id"] & ~known_client,
            "client_id",
            "unknown client: not in clients.yml",
        )
    ]
    if "site_id" in checks:
        bad_site = known_client & given["site_id"] & ~known["site_id"]
        found.append(
            _problems(
                frame,
                bad_site,
                "site_id",
                _site_messages(
                    frame, bad_site, config, "not one of this client's sites in clients.yml"
                ),
            )
        )
        if "system" in checks:
            bad_system = known_client & ~bad_site & given["system"] & ~known["system"]
            found.append(
                _problems(frame, bad_system, "system", "not a system of this site in clients.yml")
            )
    if "priority" in checks:
        bad_priority = known_client & given["priority"] & ~known["priority"]
        found.append(
            _problems(frame, bad_priority, "priority", "not a priority of this client's SLA")
        )
    return found


# The combined lookup table of all reference columns is used up to this many cells.
MAX_LOOKUP_CELLS = 1 << 22
REFERENCE_COLUMNS = {  # the columns each check looks at: the client's, down to the checked one
    "client_id": ("client_id",),
    "site_id": ("client_id", "site_id"),
    "system": ("client_id", "site_id", "system"),
    "priority": ("client_id", "priority"),
}


def _site_key(text: pd.Series) -> pd.Series:
    """A site id as another system may spell it: case and runs of spaces aside."""
    return text.astype("string").str.casefold().str.split().str.join(" ")


def _site_messages(
    frame: pd.DataFrame, bad: np.ndarray, config: Config, message: str
) -> np.ndarray | str:
    """The message for each unknown site id: naming the client's site it differs from only
    in case or spacing ('ht 3' for 'HT3' is not guessed: only what casefolds the same)."""
    if not bad.any():
        return message
    sites = pd.DataFrame(
        [(c.id, s.id) for c in config.clients for s in c.sites], columns=["client_id", "site"]
    )
    sites["key"] = _site_key(sites["site"])
    rows = frame.loc[bad, ["client_id", "site_id"]]
    wanted = pd.DataFrame(
        {"client_id": rows["client_id"].astype(str).to_numpy(), "key": _site_key(rows["site_id"])}
    )
    meant = wanted.merge(
        sites.drop_duplicates(["client_id", "key"]), on=["client_id", "key"], how="left"
    )["site"]
    hints = np.where(
        meant.notna(),
        message + "; did you mean " + meant.map(repr, na_action="ignore").astype(object) + "?",
        message,
    )
    return hints.astype(object)


def _known_references(
    frame: pd.DataFrame, checks: dict[str, set[tuple[str, ...]]]
) -> dict[str, np.ndarray]:
    """For each check (named after its column), whether each row's values of the columns it
    looks at form one of its allowed combinations.

    Each column is factorised once (the few-valued ones come factorised from the parser, as
    categoricals), code 0 being "missing". The allowed combinations of every check fill one
    bit each of a small table over all the columns' codes, so one lookup per row answers all
    the checks: the checks stay vectorised over the rows."""
    columns = list(dict.fromkeys(c for check in checks for c in REFERENCE_COLUMNS[check]))
    codes, uniques = {}, {}
    for column in columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes[column], uniques[column] = values.cat.codes.to_numpy(), values.cat.categories
        else:
            codes[column], found = pd.factorize(values)
            uniques[column] = pd.Index(found)
    sizes = {column: len(uniques[column]) + 1 for column in columns}

    def allowed_cells(check: str) -> np.ndarray:
        looked_at = REFERENCE_COLUMNS[check]
        cells = np.zeros([sizes[c] for c in looked_at], dtype=bool)
        allowed = list(checks[check])
        if allowed:
            # Each allowed value's code (0: not in the data), column by column, vectorised.
            index = [
                uniques[column].get_indexer([combination[i] for combination in allowed]) + 1
                for i, column in enumerate(looked_at)
            ]
            present = np.logical_and.reduce([column_index > 0 for column_index in index])
            cells[tuple(column_index[present] for column_index in index)] = True
        return cells

    def flat(looked_at: list[str]) -> np.ndarray:
        """Each row's cell in a table over `looked_at`, in the narrowest integers that do."""
        cells = np.prod([sizes[c] for c in looked_at], dtype=np.float64)
        position = np.zeros(len(frame), dtype=np.int32 if cells < 2**31 else np.int64)
        for column in looked_at:
            position *= sizes[column]
            position += codes[column]
            position += 1  # code -1 (missing) becomes 0
        return position

    if np.prod(list(sizes.values()), dtype=np.float64) <= MAX_LOOKUP_CELLS:
        table = np.zeros([sizes[c] for c in columns], dtype=np.uint8)
        for bit, check in enumerate(checks):
            looked_at = REFERENCE_COLUMNS[check]
            shape = [sizes[c] if c in looked_at else 1 for c in columns]
            table |= allowed_cells(check).reshape(shape).astype(np.uint8) << bit
        flags = table.ravel().take(flat(columns))
        return {check: (flags & (1 << bit)).astype(bool) for bit, check in enumerate(checks)}
    return {
        check: allowed_cells(check).ravel().take(flat(list(REFERENCE_COLUMNS[check])))
        for check in checks
    }


def _order_problems(
    frame: pd.DataFrame, typed: dict[str, pd.Series], table: Table
) -> list[pd.DataFrame]:
    found = []
    for earlier, later in table.order:
        before = typed[later] < typed[earlier]  # NaT compares False: only both-parsed pairs
        found.append(_problems(frame, before, later, f"is before {earlier}"))
    return found


def _duplicate_problems(frame: pd.DataFrame, table: Table, repeated: np.ndarray) -> pd.DataFrame:
    """Every repeat of an id within one file; the first occurrence stands. Only the rows whose
    id repeats anywhere (`repeated`) are looked at: the first occurrences are among them."""
    rows = frame.loc[repeated, [FILE, LINE, table.id_column]]
    ids = rows[[FILE, table.id_column]]
    repeat = ids[table.id_column].notna() & ids.duplicated(keep="first")
    found = _problems(rows, repeat, table.id_column, "duplicate id in this file")
    if len(found):
        first_line = rows[~ids.duplicated(keep="first")].set_index([FILE, table.id_column])[LINE]
        keys = pd.MultiIndex.from_frame(rows.loc[repeat, [FILE, table.id_column]])
        found["message"] = [
            f"duplicate id in this file (first on line {n})" for n in first_line.loc[keys]
        ]
    return found
