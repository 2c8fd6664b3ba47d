"""The data-quality report: for every file, rows in = used + superseded + quarantined, and
every quarantined row as `file:line: column: problem (value)`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from generator.errors import Problem
from generator.inputs.load import FILE, LINE, RawFile
from generator.inputs.tables import TABLES
from generator.inputs.validate import CheckedTable

STATUSES = ("used", "superseded", "quarantined")


@dataclass(frozen=True)
class RowCounts:
    received: int = 0
    used: int = 0
    superseded: int = 0
    quarantined: int = 0


@dataclass(frozen=True)
class FileReport:
    table: str
    file: str
    encoding: str
    counts: RowCounts


@dataclass(frozen=True)
class DataQuality:
    files: list[FileReport]
    problems: list[Problem]
    absent: list[str]  # sources not supplied
    # client id -> table -> counts of that client's rows (rows naming no known client are
    # only in the operator's report, never on a client's site)
    by_client: dict[str, dict[str, RowCounts]] = field(default_factory=dict)

    @property
    def quarantined(self) -> int:
        return sum(report.counts.quarantined for report in self.files)

    def table_counts(self, table: str) -> RowCounts:
        reports = [report.counts for report in self.files if report.table == table]
        return RowCounts(
            *(sum(getattr(c, name) for c in reports) for name in RowCounts.__dataclass_fields__)
        )

    def to_json(self) -> str:
        document = {
            "absent": self.absent,
            "files": [
                {"table": r.table, "file": r.file, "encoding": r.encoding, **asdict(r.counts)}
                for r in self.files
            ],
            "problems": [problem.as_dict() for problem in self.problems],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def summary_lines(self) -> list[str]:
        lines = [
            f"{r.file}: {r.counts.received} rows in, {r.counts.used} used, "
            f"{r.counts.superseded} superseded, {r.counts.quarantined} quarantined ({r.encoding})"
            for r in self.files
        ]
        lines += [f"{name}: no records supplied" for name in self.absent]
        return lines


def data_quality(
    raw_files: dict[str, list[RawFile]], checked: dict[str, CheckedTable], client_ids: list[str]
) -> DataQuality:
    files: list[FileReport] = []
    problems: list[Problem] = []
    by_client: dict[str, dict[str, RowCounts]] = {client: {} for client in client_ids}
    for name, result in checked.items():
        status = result.quarantine.status
        per_file = status_counts(result.raw[FILE], status)
        for raw_file in raw_files[name]:
            used, superseded, quarantined = per_file.get(raw_file.path, (0, 0, 0))
            quarantined += len(raw_file.broken)
            counts = RowCounts(raw_file.rows_in, used, superseded, quarantined)
            files.append(FileReport(name, raw_file.path, raw_file.encoding, counts))
        if "client_id" in result.raw:  # a portfolio's source (weather) is no client's
            by_client_counts = _client_counts(result, status, client_ids)
            for client, row in by_client_counts.items():
                by_client[client][name] = RowCounts(sum(row), *row)
        frame = result.quarantine.problems
        problems += [
            Problem(
                file=f,
                line=None if pd.isna(n) else int(n),
                column=c,
                message=m,
                value=None if pd.isna(v) else str(v),
            )
            for f, n, c, m, v in zip(
                frame[FILE],
                frame[LINE],
                frame["column"],
                frame["message"],
                frame["value"],
                strict=True,
            )
        ]
    absent = [name for name in TABLES if name not in checked]  # the clients' sources
    return DataQuality(files, problems, absent, by_client)


def status_counts(keys: pd.Series, status: pd.Series) -> dict[str, tuple[int, ...]]:
    """Rows of each key (a file, a client id) used, superseded and quarantined; rows with no
    key are not counted. `pd.crosstab`'s counts, from the categorical codes in one bincount:
    crosstab groups a million rows through a pivot table, most of a second of `check`."""
    keys = keys if isinstance(keys.dtype, pd.CategoricalDtype) else keys.astype("category")
    key_codes = keys.cat.codes.to_numpy()
    # each status's column in STATUSES, whatever the order of the status's categories
    column = np.array([STATUSES.index(value) for value in status.cat.categories])
    keyed = key_codes >= 0
    cells = key_codes[keyed].astype(np.int64) * len(STATUSES)
    cells += column[status.cat.codes.to_numpy()[keyed]]
    counts = np.bincount(cells, minlength=len(keys.cat.categories) * len(STATUSES))
    rows = counts.reshape(-1, len(STATUSES)).tolist()
    return {str(key): tuple(row) for key, row in zip(keys.cat.categories, rows, strict=True)}


def write_report(quality: DataQuality, directory: Path) -> None:
    """build/data-quality.json and .md: the operator's copy, with every quarantined value."""
    from generator.site.render import render  # the page templates: a build's, not a check's

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "data-quality.json").write_text(quality.to_json(), encoding="utf-8")
    (directory / "data-quality.md").write_text(
        render("data-quality.md.j2", quality=quality), encoding="utf-8"
    )


def _client_counts(
    result: CheckedTable, status: np.ndarray, client_ids: list[str]
) -> dict[str, tuple[int, int, int]]:
    """Used, superseded and quarantined rows per client. A table whose client may be blank
    (training): a blank row is every client's."""
    per_client = status_counts(result.raw["client_id"], status)
    everyone = (0, 0, 0)
    if not result.table.column("client_id").required:
        blank = result.raw["client_id"].isna().to_numpy()
        everyone = tuple(int((status[blank] == s).sum()) for s in STATUSES)
    return {
        client: tuple(
            a + b for a, b in zip(per_client.get(client, (0, 0, 0)), everyone, strict=True)
        )
        for client in client_ids
    }
