"""Read the CSV exports into string columns, with the file and line each record starts on.

Only I/O and the shape of the text happen here: encodings (UTF-8, UTF-8 with BOM, Big5/CP950),
globs, the `sources:` adapters (column names, value maps, defaults, missing-value markers).
Typing and checking the values is `validate`'s work.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from generator.config import Config, Source
from generator.errors import InputError, Problem
from generator.tables import TABLES, Table

# Tried in order when the source names no encoding: Excel in Hong Kong saves Big5 as CP950,
# and Big5-HKSCS covers the Hong Kong characters CP950 lacks.
FALLBACK_ENCODINGS = ("cp950", "big5hkscs")
BOM = b"\xef\xbb\xbf"
FILE = "_file"
LINE = "_line"


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
    frame: pd.DataFrame  # canonical columns as strings (missing: <NA>), plus _file and _line
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
    for name, table in TABLES.items():
        source = config.source(name)
        paths = source_files(data_dir, table, source)
        if not paths:
            if table.required_source:
                expected = source.file or table.file_name
                problems.append(
                    Problem(file=str(data_dir / expected), message=f"no {name} export found")
                )
            continue
        frames, files = [], []
        for path in paths:
            try:
                frame, raw_file = _read_file(path, table, source)
            except InputError as error:
                problems += error.problems
                continue
            frames.append(frame)
            files.append(raw_file)
        if frames:
            frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            tables[name] = RawTable(table, source, frame, files)
    if problems:
        raise InputError(problems)
    return tables


def _read_file(path: Path, table: Table, source: Source) -> tuple[pd.DataFrame, RawFile]:
    data = path.read_bytes()
    name = str(path)
    header = _header(name, data)
    encoding = source.encoding or ("utf-8-sig" if data.startswith(BOM) else "utf-8")
    if source.encoding is not None:
        encoding, data = _transcode(name, data, (source.encoding,))
    try:
        arrow, broken_rows = _parse(name, data, header, source)
    except _NotUtf8:
        if source.encoding is not None:
            raise
        encoding, data = _transcode(name, data, FALLBACK_ENCODINGS)
        header = _header(name, data)
        arrow, broken_rows = _parse(name, data, header, source)
    export_to_canonical = {export: canonical for canonical, export in source.columns.items()}
    arrow = arrow.rename_columns(
        [export_to_canonical.get(c.strip(), c.strip()) for c in arrow.column_names]
    )
    _check_columns(name, arrow.column_names, table, source)

    lines, real, broken = _record_lines(data, arrow, broken_rows, name)
    if not real.all():
        arrow = arrow.filter(pa.array(real))
    frame = _canonical_frame(arrow, table, source)
    frame[FILE] = name
    frame[LINE] = lines
    return frame, RawFile(name, encoding, arrow.num_rows + len(broken), broken)


class _NotUtf8(Exception):
    pass


def _parse(
    name: str, data: bytes, header: list[str], source: Source
) -> tuple[pa.Table, list[pacsv.InvalidRow]]:
    """Every column as strings, blank lines as empty rows (so that rows match lines);
    rows with the wrong number of fields are set aside."""
    broken_rows: list[pacsv.InvalidRow] = []

    def on_broken_row(row: pacsv.InvalidRow) -> str:
        broken_rows.append(row)
        return "skip"

    try:
        arrow = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_broken_row
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
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


def _header(name: str, data: bytes) -> list[str]:
    start = data[:65536].removeprefix(BOM).decode("utf-8", errors="replace").lstrip("\r\n")
    first_line = io.StringIO(start, newline="")
    header = next(csv.reader(first_line), None)
    if not header or not any(cell.strip() for cell in header):
        raise InputError([Problem(file=name, line=1, message="is empty: expected a header row")])
    return header


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
    """Canonical columns only, trimmed, with defaults filled in and value maps applied."""
    columns: dict[str, pd.Series] = {}
    for column in table.column_names:
        if column in arrow.column_names:
            values = arrow.column(column)
            if not table.column(column).free_text:
                values = pc.utf8_trim_whitespace(values)
                values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
            series = values.to_pandas().astype("str")
        elif column in source.defaults:
            series = pd.Series([source.defaults[column]] * arrow.num_rows, dtype="str")
        else:
            series = pd.Series([None] * arrow.num_rows, dtype="str")
        if column in source.values:
            series = series.replace(source.values[column])
        columns[column] = series
    return pd.DataFrame(columns)


def _record_lines(
    data: bytes, arrow: pa.Table, broken_rows: list[pacsv.InvalidRow], name: str
) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """For each parsed row: the line its record starts on (header = line 1) and whether it
    is a real record (blank lines parse as empty rows); and a problem per broken row."""
    n_records = arrow.num_rows + len(broken_rows)  # blank lines included
    physical_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    # Counted in C, this spares the byte scan when no record spans lines and none is empty.
    if physical_lines == n_records + 1 and not _any_empty_row(arrow):
        record_lines = np.arange(2, n_records + 2, dtype="int64")
        blank = np.zeros(n_records, dtype=bool)
    else:
        start_lines, blank = _record_starts_and_blanks(data)
        if len(start_lines) != n_records + 1:
            raise InputError(
                [
                    Problem(
                        file=name,
                        message="quoting is irregular: records cannot be matched to lines",
                    )
                ]
            )
        record_lines, blank = start_lines[1:], blank[1:]  # the header is not a record
    broken: list[Problem] = []
    if broken_rows:
        keep = np.ones(n_records, dtype=bool)
        for row, index in zip(broken_rows, _find_broken(data, broken_rows), strict=True):
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
        record_lines, blank = record_lines[keep], blank[keep]
    return record_lines[~blank], ~blank, broken


def _any_empty_row(arrow: pa.Table) -> bool:
    if arrow.num_columns == 0 or arrow.num_rows == 0:
        return False
    empty = pc.is_null(arrow.column(0))
    for column in arrow.columns[1:]:
        empty = pc.and_(empty, pc.is_null(column))
    return bool(pc.any(empty).as_py())


def _record_ends(buffer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every newline, and those that end a CSV record: a newline ends a record only outside
    quotes, and quotes always pair up inside a quoted field ("" escapes one), so the parity
    of the quotes before a newline tells."""
    newlines = np.flatnonzero(buffer == 0x0A)
    quotes = np.flatnonzero(buffer == 0x22)
    ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0] if len(quotes) else newlines
    return newlines, ends


def _record_starts_and_blanks(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The line each CSV record starts on, and whether it is a blank line."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    newlines, ends = _record_ends(buffer)
    starts = np.concatenate(([0], ends + 1))
    ends = np.concatenate((ends, [len(data)]))
    if starts[-1] == len(data):  # the newline that ends the file starts no record
        starts, ends = starts[:-1], ends[:-1]
    length = ends - starts
    last_char = buffer[np.clip(ends - 1, 0, None)] if len(data) else np.zeros(0, dtype=np.uint8)
    blank = (length == 0) | ((length == 1) & (last_char == 0x0D))
    return np.searchsorted(newlines, starts) + 1, blank


def _find_broken(data: bytes, broken_rows: list[pacsv.InvalidRow]) -> list[int]:
    """Index (among the records after the header) of each row the parser skipped, by its text."""
    _, ends = _record_ends(np.frombuffer(data, dtype=np.uint8))
    indexes, search_from = [], 0
    for row in broken_rows:
        offset = data.find(row.text.encode("utf-8"), search_from)
        # Record k (the header is record 0) ends at ends[k].
        indexes.append(int(np.searchsorted(ends, offset, side="left")) - 1)
        search_from = offset + 1
    return indexes
