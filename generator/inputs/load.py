"""Read the CSV exports into string columns, with the file and line each record starts on.

Only I/O and the shape of the text happen here: encodings (UTF-8, UTF-8 with BOM, Big5/CP950),
globs, the `sources:` adapters (column names, value maps, defaults, missing-value markers).
Typing and checking the values is `validate`'s work.

Arrow parses a file in place (memory-mapped) on all cores; the few-valued columns come out
dictionary-encoded, so trimming and value maps touch each distinct value once. Whole columns
are handled at a time: no Python loop over rows.
"""

from __future__ import annotations

import csv
import io
import mmap
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from pandas.api.types import union_categoricals

from generator.errors import InputError, Problem
from generator.inputs.config import Config, Source
from generator.inputs.tables import SOURCES, Table

# Tried in order when the source names no encoding: Excel in Hong Kong saves Big5 as CP950,
# and Big5-HKSCS covers the Hong Kong characters CP950 lacks.
FALLBACK_ENCODINGS = ("cp950", "big5hkscs")
BOM = b"\xef\xbb\xbf"
FILE = "_file"
LINE = "_line"
# Columns of these kinds hold few distinct values: the parser dictionary-encodes them (in
# parallel), so that trimming, value maps and lookups touch each distinct value once, and they
# come out as pandas categoricals with sorted categories (what `astype("category")` gives).
DICTIONARY_KINDS = frozenset({"reference", "category", "boolean"})
# Large strings are what pandas' `str` holds: no conversion of the offsets on the way.
_TEXT = pa.large_string()
_DICTIONARY = pa.dictionary(pa.int32(), _TEXT)
_HEAD = 65536  # enough of the file for its header row
_BLOCK_SIZE = 1 << 22  # bytes per parser block: fewer, larger chunks than the 1 MiB default
_SCAN = 1 << 20  # bytes per step of the newline and quote scans: masks that stay in cache


@dataclass
class RawFile:
    """One export file: its records as strings, and the rows that could not even be split."""

    path: str
    encoding: str
    rows_in: int
    broken: list[Problem] = field(default_factory=list)


@dataclass
class RawTable:
    table: Table
    source: Source
    # canonical columns as strings (missing: NaN; few-valued kinds and _file as categoricals
    # with sorted categories), plus _file and _line
    frame: pd.DataFrame
    files: list[RawFile]


def source_files(data_dir: Path, table: Table, source: Source) -> list[Path]:
    """The files of a source, sorted by name: later files replace earlier rows with the same id."""
    pattern = source.file or table.file_name
    if Path(pattern).is_absolute():
        base, pattern = Path(pattern).parent, Path(pattern).name
    else:
        base = data_dir
    return sorted(path for path in base.glob(pattern) if path.is_file())


def load_tables(data_dir: Path, config: Config) -> dict[str, RawTable]:
    """Read every source that is present. Raise InputError for structural problems."""
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for name in SOURCES:
        try:
            raw = load_source(data_dir, name, config)
        except InputError as error:
            problems += error.problems
            continue
        if raw is not None:
            tables[name] = raw
    if problems:
        raise InputError(problems)
    return tables


def load_source(data_dir: Path, name: str, config: Config) -> RawTable | None:
    """Read one source's files (None when it has none and may have none). Raise InputError
    for its structural problems, every file's."""
    table, source = SOURCES[name], config.source(name)
    paths = source_files(data_dir, table, source)
    if not paths:
        if table.required_source:
            expected = source.file or table.file_name
            raise InputError(
                [Problem(file=str(data_dir / expected), message=f"no {name} export found")]
            )
        return None
    frames, files, problems = [], [], []
    for path in paths:
        try:
            frame, raw_file = _read_file(path, table, source)
        except InputError as error:
            problems += error.problems
            continue
        frames.append(frame)
        files.append(raw_file)
    if problems:
        raise InputError(problems)
    frame = _concat(frames) if len(frames) > 1 else frames[0]
    return RawTable(table, source, frame, files)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The files' rows in order; a categorical column keeps one set of sorted categories."""
    columns = {}
    for column, first in frames[0].items():
        if isinstance(first.dtype, pd.CategoricalDtype):
            parts = [frame[column] for frame in frames]
            columns[column] = pd.Series(union_categoricals(parts, sort_categories=True))
        else:
            columns[column] = pd.concat([frame[column] for frame in frames], ignore_index=True)
    return frame_from(columns)


def _read_file(path: Path, table: Table, source: Source) -> tuple[pd.DataFrame, RawFile]:
    name = str(path)
    with path.open("rb") as file:
        head = file.read(_HEAD)
    header, delimiter = _header(name, head)
    data: bytes | mmap.mmap
    per_step = None
    if source.encoding is not None:
        encoding, data = _transcode(name, path.read_bytes(), (source.encoding,))
        header, delimiter = _header(name, data)
        arrow, broken_rows = _parse(name, data, header, delimiter, table, source)
    else:
        encoding = "utf-8-sig" if head.startswith(BOM) else "utf-8"
        data = _map(path)
        try:
            # The newlines are counted (numpy, without the GIL) while Arrow parses.
            with ThreadPoolExecutor(max_workers=1) as pool:
                counting = pool.submit(_newlines_per_step, np.frombuffer(data, dtype=np.uint8))
                arrow, broken_rows = _parse(name, data, header, delimiter, table, source)
                per_step = counting.result()
        except _NotUtf8:
            encoding, data = _transcode(name, path.read_bytes(), FALLBACK_ENCODINGS)
            header, delimiter = _header(name, data)
            arrow, broken_rows = _parse(name, data, header, delimiter, table, source)
    arrow = arrow.rename_columns(_canonical_names(arrow.column_names, source, table))
    _check_columns(name, arrow.column_names, table, source)

    lines, real, broken = _record_lines(data, arrow, broken_rows, name, per_step)
    if not real.all():
        arrow = arrow.filter(pa.array(real))
    frame = _canonical_frame(arrow, table, source)
    frame[FILE] = _from_codes(np.zeros(arrow.num_rows, dtype=np.int8), [name])
    frame[LINE] = lines
    return frame, RawFile(name, encoding, arrow.num_rows + len(broken), broken)


def _map(path: Path) -> mmap.mmap:
    """The file's bytes, mapped rather than copied: the parser reads them in place. (The caller
    has checked that the file is not empty: an empty file cannot be mapped.)"""
    with path.open("rb") as file:
        if hasattr(mmap, "MAP_POPULATE"):  # Linux: map every page at once, not page by page
            flags = mmap.MAP_SHARED | mmap.MAP_POPULATE
            return mmap.mmap(file.fileno(), 0, flags=flags, prot=mmap.PROT_READ)
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)


def _canonical_names(columns: list[str], source: Source, table: Table) -> list[str]:
    """Each header's canonical name: as `sources.<name>.columns` maps it, else as written,
    else the canonical column it spells in another case or spacing ('Incident ID',
    'INCIDENT-ID' for incident_id) when no other header is that column."""
    export_to_canonical = {export: canonical for canonical, export in source.columns.items()}
    names = [export_to_canonical.get(c.strip(), c.strip()) for c in columns]
    canonical = set(table.column_names)
    spelt = [_spelling(name) if name not in canonical else None for name in names]
    taken = set(names)
    for position, key in enumerate(spelt):
        if key in canonical and key not in taken and spelt.count(key) == 1:
            names[position] = key
    return names


def _spelling(header: str) -> str:
    """A header with case, spaces and punctuation aside: 'Incident ID' -> 'incident_id'."""
    return re.sub(r"[\W_]+", "_", unicodedata.normalize("NFKC", header).casefold()).strip("_")


class _NotUtf8(Exception):
    pass


def _parse(
    name: str,
    data: bytes | mmap.mmap,
    header: list[str],
    delimiter: str,
    table: Table,
    source: Source,
) -> tuple[pa.Table, list[pacsv.InvalidRow]]:
    """Every column as strings (few-valued ones dictionary-encoded), blank lines as empty rows
    (so that rows match lines); rows with the wrong number of fields are set aside."""
    broken_rows: list[pacsv.InvalidRow] = []

    def on_broken_row(row: pacsv.InvalidRow) -> str:
        broken_rows.append(row)
        return "skip"

    kinds = {column.name: column.kind for column in table.columns}
    column_types = {
        export: _DICTIONARY if kinds.get(canonical) in DICTIONARY_KINDS else _TEXT
        for export, canonical in zip(header, _canonical_names(header, source, table), strict=True)
    }
    try:
        arrow = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)),
            read_options=pacsv.ReadOptions(block_size=_BLOCK_SIZE),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_broken_row,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=column_types,
                null_values=["", *source.na_values],
                strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as error:
        if "UTF8" in str(error):
            raise _NotUtf8 from None
        raise InputError([Problem(file=name, message=f"cannot be read as CSV: {error}")]) from None
    return arrow, broken_rows


def _transcode(name: str, data: bytes, candidates: tuple[str, ...]) -> tuple[str, bytes]:
    """The first encoding that decodes the file, and its text as UTF-8 bytes."""
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError as error:
            failure = error
            continue
        return candidate, text.removeprefix("\ufeff").encode("utf-8")
    tried = " or ".join(candidates)
    line = data.count(b"\n", 0, failure.start) + 1
    raise InputError(
        [
            Problem(
                file=name,
                line=line,
                message=f"cannot be decoded as UTF-8 or {tried} text ({failure.reason})",
            )
        ]
    )


# What separates the fields: a comma, or what Excel writes in some locales, or a tab.
DELIMITERS = (",", ";", "\t", "|")


def _header(name: str, data: bytes) -> tuple[list[str], str]:
    """The header's fields and the delimiter: the one that splits the header into the most
    fields (a comma when none splits it)."""
    start = data[:65536].removeprefix(BOM).decode("utf-8", errors="replace").lstrip("\r\n")
    headers = {
        delimiter: next(csv.reader(io.StringIO(start, newline=""), delimiter=delimiter), None)
        for delimiter in DELIMITERS
    }
    delimiter = max(DELIMITERS, key=lambda d: len(headers[d] or ()))  # the first of a tie
    header = headers[delimiter]
    if not header or not any(cell.strip() for cell in header):
        raise InputError([Problem(file=name, line=1, message="is empty: expected a header row")])
    return header, delimiter


def _check_columns(name: str, columns: list[str], table: Table, source: Source) -> None:
    present = set(columns) | set(source.defaults)
    problems = []
    for column in table.required_columns:
        if column not in present:
            export = source.columns.get(column)
            also = f" (mapped from {export!r})" if export else ""
            problems.append(
                Problem(
                    file=name, line=1, column=column, message=f"required column is missing{also}"
                )
            )
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    problems += [
        Problem(file=name, line=1, column=c, message="column appears twice") for c in duplicated
    ]
    if problems:
        raise InputError(problems)


def _canonical_frame(arrow: pa.Table, table: Table, source: Source) -> pd.DataFrame:
    """Canonical columns only, trimmed, with defaults filled in and value maps applied.

    Text columns are pyarrow-backed `str`; columns of the few-valued kinds are categoricals."""
    columns: dict[str, pd.Series] = {}
    n = arrow.num_rows
    for column in table.columns:
        name, mapping = column.name, source.values.get(column.name)
        trim = not column.free_text
        if name in arrow.column_names:
            values = arrow.column(name)
            if pa.types.is_dictionary(values.type):
                series = _categorical(values, trim, mapping)
            else:
                series = _text(values, trim)
                if mapping:
                    series = series.replace(mapping)
        elif column.kind in DICTIONARY_KINDS:
            default = source.defaults.get(name)
            if default is not None and mapping:
                default = mapping.get(default, default)
            categories = [] if default is None else [default]
            codes = np.full(n, -1 if default is None else 0, dtype=np.int8)
            series = _from_codes(codes, categories)
        else:
            series = _constant_text(source.defaults.get(name), n)
            if mapping:
                series = series.replace(mapping)
        columns[name] = series
    return frame_from(columns)


def frame_from(columns: dict[str, pd.Series]) -> pd.DataFrame:
    """A frame of these columns (one index), each in its own block: pandas' constructor would
    copy the columns of one dtype into one two-dimensional block first."""
    series = list(columns.values())
    frame = pd.DataFrame(index=series[0].index if series else None)
    for name, values in columns.items():
        frame[name] = values
    return frame


def _text(values: pa.ChunkedArray, trim: bool) -> pd.Series:
    """A string column as `str`, trimmed (blank: missing) unless it is free text."""
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = values.cast(_TEXT)
    if trim and _needs_trim(values):
        values = pc.utf8_trim_whitespace(values)
        values = pc.if_else(pc.equal(values, ""), pa.scalar(None, values.type), values)
    return values.to_pandas().astype("str")


def _needs_trim(values: pa.ChunkedArray) -> bool:
    """Whether any value may start or end with white space: a look at the first and last byte
    of each value, in place. Non-ASCII bytes count as may-be (Unicode has more spaces); the
    parser has already made empty fields missing, so only trimming can make a value blank."""
    for chunk in values.chunks:
        if len(chunk) == chunk.null_count:
            continue
        _, offsets_buffer, data_buffer = chunk.buffers()
        if data_buffer is None or data_buffer.size == 0:
            return True  # only empty strings: trimming makes them missing
        large = pa.types.is_large_string(chunk.type)
        offset_type, width = (np.int64, 8) if large else (np.int32, 4)
        offsets = np.frombuffer(offsets_buffer, offset_type, len(chunk) + 1, chunk.offset * width)
        data = np.frombuffer(data_buffer, np.uint8)
        first = data.take(offsets[:-1], mode="clip")
        last = data.take(offsets[1:] - 1, mode="clip")
        # uint8 arithmetic wraps: (byte - 33) >= 94 means byte <= 32 (space, control) or >= 127.
        suspect = ((first - 33) >= 94) | ((last - 33) >= 94)
        if suspect.any() and (suspect & (offsets[1:] > offsets[:-1])).any():
            return True
    return False


def _categorical(values: pa.ChunkedArray, trim: bool, mapping: dict[str, str] | None) -> pd.Series:
    """A dictionary-encoded column as a categorical: the chunks' dictionaries are trimmed and
    mapped (a few values each), merged and sorted, and the row codes remapped in one pass."""
    chunks = [chunk for chunk in values.chunks if len(chunk)]
    if not chunks:
        return _from_codes(np.full(len(values), -1, dtype=np.int8), [])
    entries = pa.concat_arrays([chunk.dictionary for chunk in chunks])
    if trim:
        entries = pc.utf8_trim_whitespace(entries)
        entries = pc.if_else(pc.equal(entries, ""), pa.scalar(None, entries.type), entries)
    # The chunks' dictionaries repeat the same few values: map and sort those distinct ones.
    distinct = pc.unique(entries).drop_null()
    texts: list[str] = distinct.to_pylist()
    mapped = [mapping.get(text, text) for text in texts] if mapping else texts
    categories = sorted(set(mapped))
    position = {category: index for index, category in enumerate(categories)}
    code_type = _code_type(len(categories))
    distinct_codes = np.array([position[text] for text in mapped] + [-1], dtype=code_type)
    # Each entry's distinct value (missing: the extra last slot, code -1), then its code.
    which = pc.index_in(entries, value_set=distinct).fill_null(len(texts))
    entry_codes = distinct_codes[which.to_numpy()]
    codes = np.empty(len(values), dtype=code_type)
    at = base = 0
    for chunk in chunks:
        size, entries_here = len(chunk), len(chunk.dictionary)
        out = codes[at : at + size]
        if entries_here:
            indices = chunk.indices
            raw = np.frombuffer(indices.buffers()[1], np.int32, size, indices.offset * 4)
            # A missing value's slot holds an arbitrary index: clipped here, overwritten below.
            np.take(entry_codes[base : base + entries_here], raw, out=out, mode="clip")
            if chunk.null_count:
                out[pc.is_null(chunk).to_numpy(zero_copy_only=False)] = -1
        else:
            out[:] = -1
        at, base = at + size, base + entries_here
    return _from_codes(codes, categories)


def _code_type(n_categories: int) -> type[np.signedinteger]:
    """The integer type pandas itself picks for the codes of so many categories."""
    for code_type in (np.int8, np.int16, np.int32):
        if n_categories < np.iinfo(code_type).max:
            return code_type
    return np.int64


def _from_codes(codes: np.ndarray, categories: list[str]) -> pd.Series:
    dtype = pd.CategoricalDtype(pd.Index(categories, dtype="str"))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype, validate=False))


def _constant_text(value: str | None, n: int) -> pd.Series:
    """n copies of one string (or n missing values) as `str`, built without a Python list."""
    if value is None:
        return pd.Series(pa.nulls(n, pa.large_string()).to_pandas()).astype("str")
    encoded = value.encode("utf-8")
    offsets = np.arange(n + 1, dtype=np.int64) * len(encoded)
    array = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(encoded * n))
    return pd.Series(array.to_pandas()).astype("str")


def _record_lines(
    data: bytes | mmap.mmap,
    arrow: pa.Table,
    broken_rows: list[pacsv.InvalidRow],
    name: str,
    per_step: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """For each parsed row: the line its record starts on (header = line 1) and whether it
    is a real record (blank lines parse as empty rows); and a problem per broken row."""
    n_records = arrow.num_rows + len(broken_rows)  # blank lines included
    buffer = np.frombuffer(data, dtype=np.uint8)
    if per_step is None:
        per_step = _newlines_per_step(buffer)
    physical_lines = int(per_step.sum()) + (0 if data[-1:] == b"\n" else 1)
    empty = _empty_rows(arrow)
    lines: _Lines | None = None
    # Counted in C, this spares looking for quotes when no record spans lines and none is empty.
    if physical_lines == n_records + 1 and not len(empty):
        record_lines = np.arange(2, n_records + 2, dtype="int64")
    else:
        lines = _Lines(buffer, per_step)
        if lines.count != n_records + 1:
            raise InputError(
                [
                    Problem(
                        file=name,
                        message="quoting is irregular: records cannot be matched to lines",
                    )
                ]
            )
        record_lines = lines.start_lines(np.arange(1, n_records + 1, dtype="int64"))
    broken: list[Problem] = []
    keep = np.ones(n_records, dtype=bool)
    if broken_rows:
        lines = lines or _Lines(buffer, per_step)
        for row, index in zip(broken_rows, _find_broken(data, lines, broken_rows), strict=True):
            keep[index] = False
            broken.append(
                Problem(
                    file=name,
                    line=int(record_lines[index]),
                    column="(row)",
                    message=f"expected {row.expected_columns} fields, found {row.actual_columns}",
                    value=row.text[:80],
                )
            )
    real = np.ones(arrow.num_rows, dtype=bool)
    if len(empty):
        assert lines is not None  # empty rows take the path above
        records = np.flatnonzero(keep)[empty] + 1  # record 0 is the header
        real[empty] = ~lines.blank(records)
    if broken_rows:
        record_lines = record_lines[keep]
    return (record_lines if real.all() else record_lines[real]), real, broken


def _newlines_per_step(buffer: np.ndarray) -> np.ndarray:
    """The number of newlines in each _SCAN bytes of the buffer."""
    mask = np.empty(min(len(buffer), _SCAN), dtype=bool)  # one small mask, reused
    counts = [
        np.count_nonzero(np.equal(step, 0x0A, out=mask[: len(step)]))
        for step in (buffer[start : start + _SCAN] for start in range(0, len(buffer), _SCAN))
    ]
    return np.array(counts, dtype=np.int64)


def _empty_rows(arrow: pa.Table) -> np.ndarray:
    """Positions of the rows without a single value (blank lines parse so)."""
    if arrow.num_columns == 0 or arrow.num_rows == 0:
        return np.zeros(0, dtype=np.int64)
    empty = pc.is_null(arrow.column(0))
    for column in arrow.columns[1:]:
        empty = pc.and_(empty, pc.is_null(column))
    if not pc.any(empty).as_py():
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(empty.to_numpy())


class _Lines:
    """Which newlines of a file end a record: those outside quotes. Quotes always pair up
    inside a quoted field ("" escapes one), so the parity of the quotes before a newline
    tells. Found in one pass of small steps that looks closer only where there are quotes;
    the line a record starts on then follows by counting."""

    def __init__(self, buffer: np.ndarray, per_step: np.ndarray) -> None:
        self.buffer = buffer
        self.before_step = np.concatenate(([0], np.cumsum(per_step)))  # newlines before a step
        ranks, positions = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        mask = np.empty(min(len(buffer), _SCAN), dtype=bool)
        quotes_before = 0
        for step_index, start in enumerate(range(0, len(buffer), _SCAN)):
            step = buffer[start : start + _SCAN]
            quotes = np.flatnonzero(np.equal(step, 0x22, out=mask[: len(step)]))
            if len(quotes) or quotes_before % 2:
                newlines = np.flatnonzero(np.equal(step, 0x0A, out=mask[: len(step)]))
                inside = (np.searchsorted(quotes, newlines) + quotes_before) % 2 == 1
                ranks.append(np.flatnonzero(inside) + self.before_step[step_index])
                positions.append(newlines[inside] + start)
            quotes_before += len(quotes)
        # Newlines inside quotes: their rank among all newlines, their offset, and the record
        # they are in (0: the header), which is the number of record ends before them.
        self.inside_ranks = np.concatenate(ranks)
        self.inside_positions = np.concatenate(positions)
        self.inside_records = self.inside_ranks - np.arange(len(self.inside_ranks))
        newlines = int(self.before_step[-1])
        ends = newlines - len(self.inside_ranks)
        # The newline that ends the file (outside quotes) starts no record.
        last_ends = (
            bool(len(buffer)) and buffer[-1] == 0x0A and newlines - 1 not in self.inside_ranks[-1:]
        )
        self.count = ends + 1 - int(last_ends) if len(buffer) else 0  # records, header included

    def start_lines(self, records: np.ndarray) -> np.ndarray:
        """The line each of these records (0: the header) starts on: one more than the newlines
        before it, the record ends and the newlines inside the records before it."""
        if len(self.inside_records) > 16:
            return 1 + records + np.searchsorted(self.inside_records, records, side="left")
        lines = 1 + records
        for record in self.inside_records:  # a few: a pass each beats a binary search each
            lines += records > record
        return lines

    def records_before(self, offset: int) -> int:
        """How many records end before this byte offset."""
        step = offset // _SCAN
        start = step * _SCAN
        newlines = int(self.before_step[step]) + int(
            np.count_nonzero(self.buffer[start:offset] == 0x0A)
        )
        return newlines - int(np.searchsorted(self.inside_positions, offset))

    def blank(self, records: np.ndarray) -> np.ndarray:
        """Whether each of these records (not the header) is a blank line: nothing, or a
        carriage return, before the newline that ends it (or the end of the file)."""
        ends_before = records - 1  # record k starts after the k-th record end
        ranks = ends_before + np.searchsorted(self.inside_records, ends_before, side="right")
        starts = self._newline_offsets(ranks) + 1
        size = len(self.buffer)
        first = self.buffer[np.minimum(starts, size - 1)]
        second = self.buffer[np.minimum(starts + 1, size - 1)]
        carriage_return = (first == 0x0D) & ((starts + 1 >= size) | (second == 0x0A))
        return (starts < size) & ((first == 0x0A) | carriage_return)

    def _newline_offsets(self, ranks: np.ndarray) -> np.ndarray:
        """The byte offsets of the newlines of these ranks (0: the first newline)."""
        steps = np.searchsorted(self.before_step, ranks, side="right") - 1
        offsets = np.zeros(len(ranks), dtype=np.int64)
        for step in np.unique(steps):
            start = int(step) * _SCAN
            newlines = np.flatnonzero(self.buffer[start : start + _SCAN] == 0x0A)
            chosen = steps == step
            offsets[chosen] = start + newlines[ranks[chosen] - self.before_step[step]]
        return offsets


def _find_broken(
    data: bytes | mmap.mmap, lines: _Lines, broken_rows: list[pacsv.InvalidRow]
) -> list[int]:
    """Index (among the records after the header) of each row the parser skipped, by its text."""
    indexes, search_from = [], 0
    for row in broken_rows:
        offset = data.find(row.text.encode("utf-8"), search_from)
        indexes.append(lines.records_before(offset) - 1 if offset >= 0 else -1)
        search_from = offset + 1
    return indexes


def column_as_written(data: bytes, column: str, table: Table, source: Source) -> pd.Series | None:
    """One canonical column of a few records (UTF-8 text: a header line, then the records),
    trimmed text as written; None when it cannot be told this simply (another encoding, a
    value map or a default for the column, text the parser does not take)."""
    if source.encoding is not None or column in source.values or column in source.defaults:
        return None
    try:
        data.decode("utf-8")
        header, delimiter = _header("", data)
        arrow = pacsv.read_csv(
            io.BytesIO(data.removeprefix(BOM)),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header}, strings_can_be_null=False
            ),
        )
    except (UnicodeDecodeError, InputError, pa.ArrowInvalid):
        return None
    names = _canonical_names(arrow.column_names, source, table)
    if names.count(column) != 1:
        return None
    return arrow.column(names.index(column)).to_pandas().str.strip()
