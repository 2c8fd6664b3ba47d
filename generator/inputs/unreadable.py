"""Columns that cannot be read (contract 4.3): when most values of a column in a file fail
the same rule, the export is read wrongly (day-first dates without `datetime_format`, values
the export spells its own way), not mistyped row by row. Quarantining every row would publish
sites that say 0 for what could not be read: it is a structural problem instead, whose
message names the file, the column, how many values failed, an example and the likely fix
in `clients.yml` (`sources.incidents.datetime_format: "%d/%m/%Y %H:%M"`).

The rule: at least `MIN_FAILED` values of the column in one file failed, and they are more
than half of the values it gives there (for a required value left blank: more than half of
the file's rows). An unknown client is different: one export often holds clients without a
site, so only a source none of whose rows names a client of `clients.yml` is unreadable.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator.errors import Problem
from generator.inputs.config import Config, Source
from generator.inputs.load import FILE, LINE
from generator.inputs.tables import Column, Table

MIN_FAILED = 5
MISSING = "required value is missing"
# Formats tried on the values, in order of preference: day first before month first (as is
# common in Hong Kong), then the year first; a time with minutes, seconds or AM/PM.
DATE_FORMATS = (
    *(
        order.replace("/", separator)
        for order in ("%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d/%m/%y", "%m/%d/%y")
        for separator in "/-."
    ),
    *("%d %b %Y", "%d-%b-%Y", "%d %B %Y", "%b %d %Y", "%Y%m%d"),
)
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p")
TIMESTAMP_FORMATS = tuple(f"{date} {time}" for date in DATE_FORMATS for time in TIME_FORMATS)
SAMPLE = 1000  # distinct values a format is tried on
MAPPED_EXAMPLES = 4  # distinct values shown in a `values:` mapping to write


def unreadable_columns(
    frame: pd.DataFrame,
    failed: list[pd.DataFrame],
    table: Table,
    source: Source,
    config: Config,
) -> list[Problem]:
    """One problem per column and file whose values mostly failed. `failed`: the problems
    found, one frame per column and rule (as `validate._problems` makes them)."""
    found = []
    for problems in failed:
        if len(problems) < MIN_FAILED:
            continue
        column = table.column(str(problems["column"].iloc[0]))
        message = str(problems["message"].iloc[0])
        blank = message == MISSING
        if column.name == "client_id" and not blank:
            found += _no_known_client(frame, problems, table)
            continue
        totals = _per_file(frame, None if blank else column.name)
        for file, count in problems[FILE].value_counts().items():
            total = totals.get(file, 0)
            if count < MIN_FAILED or count * 2 <= total:
                continue
            in_file = problems[problems[FILE] == file]
            values = frame.loc[(frame[FILE] == file) & frame[column.name].notna(), column.name]
            if blank:
                what = f"{count} of {total} rows have no value, which is required"
                fix = _blank_fix(column, table)
            else:
                example = in_file["value"].iloc[0]
                what = f"{count} of {total} values cannot be used ({message}), e.g. {example!r}"
                fix = _fix(column, table, source, config, values, in_file["value"])
            found.append(
                Problem(
                    file=str(file),
                    line=int(in_file[LINE].iloc[0]),
                    column=column.name,
                    message=f"{what}; {fix}",
                )
            )
    return found


def _per_file(frame: pd.DataFrame, column: str | None) -> dict[str, int]:
    """Rows per file (with a value in `column`, if given)."""
    files = frame[FILE].astype("category")
    given = np.ones(len(frame), bool) if column is None else frame[column].notna().to_numpy()
    if len(files.cat.categories) == 1:  # the common case: nothing to count per row
        counts = [int(np.count_nonzero(given))]
    else:
        codes = files.cat.codes.to_numpy()[given]
        counts = np.bincount(codes, minlength=len(files.cat.categories)).tolist()
    return dict(zip(map(str, files.cat.categories), counts, strict=True))


def _no_known_client(frame: pd.DataFrame, problems: pd.DataFrame, table: Table) -> list[Problem]:
    given = int(frame["client_id"].notna().sum())
    if len(problems) < given:
        return []
    example = problems["value"].iloc[0]
    key = f"sources.{table.name}"
    return [
        Problem(
            file=str(problems[FILE].iloc[0]),
            line=int(problems[LINE].iloc[0]),
            column="client_id",
            message=(
                f"none of the {given} rows names a client of clients.yml, e.g. {example!r}; "
                f"map them to client ids with {key}.values.client_id: "
                f"{_mapping(problems['value'])}, or give every row one client with "
                f"{key}.defaults.client_id"
            ),
        )
    ]


def _blank_fix(column: Column, table: Table) -> str:
    key = f"sources.{table.name}"
    return (
        f"if the export has it under another header, map it with {key}.columns.{column.name}; "
        f"for one value on every row, {key}.defaults.{column.name}"
    )


def _fix(
    column: Column,
    table: Table,
    source: Source,
    config: Config,
    values: pd.Series,
    failed: pd.Series,
) -> str:
    """The likely fix in clients.yml for a column whose values mostly failed."""
    key = f"sources.{table.name}"
    if column.kind in ("timestamp", "date"):
        setting = "datetime_format" if column.kind == "timestamp" else "date_format"
        formats = TIMESTAMP_FORMATS if column.kind == "timestamp" else DATE_FORMATS
        found = _format_reading(values, formats)
        if found is None:
            return (
                f"no common format reads them all: set {key}.{setting} to the export's "
                f'(day first, for example: "{formats[0]}")'
            )
        fix = f"they read with {key}.{setting}: {json.dumps(found)}"
        swapped = found.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
        if swapped != found and _format_reading(values, (swapped,)):
            fix += f' (day first; if the month comes first: "{swapped}")'
        return fix
    if column.kind == "number":
        return f"check that {key}.columns.{column.name} names the export's column of numbers"
    if column.kind == "boolean":
        target = "true or false"
    elif column.allowed:
        target = "one of " + ", ".join(column.allowed)
    elif column.name == "priority":
        priorities = sorted({p for client in config.clients for p in client.sla.incidents})
        target = f"a priority of the client's SLA ({', '.join(priorities)})"
    elif column.name == "site_id":
        target = "a site id of the client in clients.yml"
    elif column.name == "system":
        target = "a system id of the site in clients.yml"
    else:
        target = "the values this column takes"
    return (
        f"map them to {target} with {key}.values.{column.name}: {_mapping(failed)}, "
        f"or check that {key}.columns.{column.name} names the right column"
    )


def _mapping(failed: pd.Series) -> str:
    """A `values:` mapping to fill in: the most frequent failed values, each to `?`."""
    common = failed.dropna().astype(str).value_counts().index[:MAPPED_EXAMPLES]
    pairs = ", ".join(f"{json.dumps(value, ensure_ascii=False)}: ?" for value in common)
    more = ", ..." if failed.nunique() > MAPPED_EXAMPLES else ""
    return "{" + pairs + more + "}"


def _format_reading(values: pd.Series, formats: tuple[str, ...]) -> str | None:
    """The first of `formats` that reads every one of (a sample of) the values."""
    sample = pa.array(values.astype(str).drop_duplicates().head(SAMPLE).str.strip(), pa.string())
    if not len(sample):
        return None
    for candidate in formats:
        # As the reader parses (nanoseconds: a two-digit year read by %Y is out of range).
        parsed = pc.strptime(sample, format=candidate, unit="ns", error_is_null=True)
        if parsed.null_count == 0:
            return candidate
    return None
