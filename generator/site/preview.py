"""The figures of one client's preview, and what a running `mkdocs serve` keeps between its
rebuilds (this module is imported once per server; MkDocs loads the hook file afresh).

A server's first build reads the whole portfolio (through the cache) and computes every
figure: that is the baseline, kept in memory with the bytes of every export. On a rebuild,
when the only exports that differ from the baseline's differ in lines of the previewed
client alone (before and after the edit), those exports are read again and only that
client's rows are validated; its figures are computed from its rows alone, and the
portfolio benchmark from the baseline's figures of the other clients (whose rows did not
change) with the client's new ones. Anything else (the config or the minutes changed, a
file added, removed or renamed, another client's rows, a record id the client shares with
another client, the as-of time moved) is a full read, which becomes the baseline.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator.build import as_of_instant, latest_timestamp, portfolio_figures
from generator.cache import Cache, key
from generator.figures.metrics import Figures, benchmark, compute_figures
from generator.figures.periods import GRANULARITIES
from generator.figures.report import granularity_of
from generator.inputs.config import Config, Source
from generator.inputs.load import column_as_written, load_source, source_files
from generator.inputs.minutes import CONTENT_DIR, read_minutes
from generator.inputs.quality import data_quality
from generator.inputs.read import CONFIG_FILE, Inputs, read_inputs
from generator.inputs.tables import SOURCES, Table
from generator.inputs.validate import kept_rows, validate_table
from generator.site.client_site import HandWritten, data_fingerprint, input_fingerprint
from generator.site.pages import client_pages

_CHUNK = 1 << 20  # bytes compared at a time when looking for the first difference
_FEW_LINES = 1 << 20  # bytes of differing lines beyond which an export is read in full


# A file's size, times of change and inode. Between two stamps that are equal its bytes are
# the same (git's index trusts the same), unless it changed within a tick of the first being
# taken (a "racy" file: the clock's tick is coarse), whose bytes are always read again.
Stamp = tuple[int, int, int, int]
_RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class Baseline:
    data_dir: Path
    config: bytes  # clients.yml
    minutes: pd.DataFrame
    exports: dict[str, list[tuple[Path, bytes]]]  # source -> its files and their bytes
    inputs: Inputs
    figures: Figures
    stamps: dict[Path, Stamp]  # every file of the folder, as it was when `exports` were read
    stamped_ns: int  # when they were taken

    def unchanged_bytes(self, path: Path) -> bytes | None:
        """The bytes the baseline read of `path`, when its stamp says they are still its."""
        stamp = self.stamps.get(path)
        if stamp is None or max(stamp[1], stamp[2]) > self.stamped_ns - _RACY_NS:
            return None
        if not _still(path, stamp):
            return None
        return next((data for files in self.exports.values() for p, data in files if p == path))


@dataclass(frozen=True)
class Shown:
    """What one client's preview pages are made from."""

    inputs: Inputs
    figures: Figures
    client_id: str
    whole: bool  # the whole portfolio was read (else, at most the client's rows)


_baseline: Baseline | None = None
_themes: dict[Path, str] = {}  # docs folder -> the theme its pages were last made with


def same_theme(docs_dir: Path, digest: str) -> bool:
    """Whether the pages in `docs_dir` were last made with the theme of that digest."""
    same = _themes.get(docs_dir) == digest
    _themes[docs_dir] = digest
    return same


def preview_figures(data_dir: Path, client_id: str | None, cache: Cache) -> Shown:
    """The inputs and figures one client's pages are made from (the client's records, its
    figures and the portfolio benchmark, as a full build has them), for `client_id`, else the
    first client. InputError or UsageError as `read_inputs` and `Config.client` raise them."""
    global _baseline
    data_dir = data_dir.resolve()
    if _baseline is not None and _baseline.data_dir == data_dir:
        found = _from_baseline(_baseline, client_id)
        if found is not None:
            return Shown(*found, whole=False)
    _baseline = None
    stamped_ns = time.time_ns()
    before = _stamps(data_dir)
    inputs = read_inputs(data_dir, kept=cache)
    figures = portfolio_figures(inputs, as_of_instant(inputs, None), cache)
    cache.save()
    client = inputs.config.client(client_id or inputs.config.clients[0].id)
    config, exports = _config_bytes(data_dir), _exports(data_dir, inputs.config)
    # Kept only if no file of the portfolio changed while it was read.
    inside = all(path.is_relative_to(data_dir) for files in exports.values() for path, _ in files)
    if inside and before == _stamps(data_dir):
        _baseline = Baseline(
            data_dir,
            config,
            inputs.tables.get("minutes", pd.DataFrame()),
            exports,
            inputs,
            figures,
            before,
            stamped_ns,
        )
    return Shown(inputs, figures, client.id, whole=True)


def preview_pages(
    shown: Shown,
    records: dict[str, pd.DataFrame],
    handwritten: list[HandWritten],
    code: str,
    cache: Cache,
) -> dict[str, str]:
    """The client's pages in the current language (`code`). After a full read (a server's
    first build) they are those an earlier preview made from the same inputs, when one did:
    kept under the fingerprint an unchanged rebuild compares, so that a server started again
    renders none. After an edit they are rendered."""
    inputs, figures = shown.inputs, shown.figures
    client = inputs.config.client(shown.client_id)

    def rendered() -> dict[str, str]:
        return client_pages(inputs, figures, client, records, handwritten)

    if not shown.whole:
        return rendered()
    data = data_fingerprint(inputs, figures, client.id, records)
    entry_key = key(input_fingerprint(inputs, client.id, data), code)
    pages = cache.through("preview-pages", entry_key, rendered)
    cache.save()
    return pages


def _stamp(path: Path) -> Stamp:
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _still(path: Path, stamp: Stamp) -> bool:
    """Whether the file is there with that stamp."""
    try:
        return _stamp(path) == stamp
    except OSError:
        return False


def _stamps(data_dir: Path) -> dict[Path, Stamp]:
    """The stamp of every file in the portfolio's folder."""
    return {path: _stamp(path) for path in data_dir.rglob("*") if path.is_file()}


def _config_bytes(data_dir: Path) -> bytes | None:
    try:
        return (data_dir / CONFIG_FILE).read_bytes()
    except OSError:
        return None


def _exports(
    data_dir: Path,
    config: Config,
    baseline: Baseline | None = None,
    stamps: dict[Path, Stamp] | None = None,
) -> dict[str, list[tuple[Path, bytes]]]:
    """Each source's files and their bytes: those the baseline read, for a file whose stamp
    has not changed since (hundreds of megabytes not read again at every rebuild). `stamps`:
    filled with each file's stamp as it was before its bytes were read."""
    exports = {}
    for name, table in SOURCES.items():
        paths = source_files(data_dir, table, config.source(name))
        exports[name] = [(path, _bytes(path, baseline, stamps)) for path in paths]
    return exports


def _bytes(path: Path, baseline: Baseline | None, stamps: dict[Path, Stamp] | None) -> bytes:
    if stamps is not None:
        stamps[path] = _stamp(path)
    kept = baseline.unchanged_bytes(path) if baseline is not None else None
    return kept if kept is not None else path.read_bytes()


def _from_baseline(baseline: Baseline, client_id: str | None) -> tuple[Inputs, Figures, str] | None:
    if _config_bytes(baseline.data_dir) != baseline.config:
        return None
    config = baseline.inputs.config
    client = config.client(client_id or config.clients[0].id)
    minutes = read_minutes(config, CONTENT_DIR)
    if (len(minutes) or len(baseline.minutes)) and not minutes.equals(baseline.minutes):
        return None
    stamps: dict[Path, Stamp] = {}
    exports = _exports(baseline.data_dir, config, baseline, stamps)
    if {n: [p for p, _ in files] for n, files in exports.items()} != {
        n: [p for p, _ in files] for n, files in baseline.exports.items()
    }:
        return None
    changed = [name for name in SOURCES if exports[name] != baseline.exports[name]]
    if not changed:
        return baseline.inputs, baseline.figures, client.id
    for name in changed:
        for (_, old), (_, new) in zip(baseline.exports[name], exports[name], strict=True):
            if old != new and not _only_lines_of(
                old, new, client.id, SOURCES[name], config.source(name)
            ):
                return None
    return _client_only(baseline, config, client.id, changed, exports, stamps)


def _client_only(
    baseline: Baseline,
    config: Config,
    client_id: str,
    changed: list[str],
    exports: dict[str, list[tuple[Path, bytes]]],
    stamps: dict[Path, Stamp],
) -> tuple[Inputs, Figures, str] | None:
    """The client's inputs and figures, its edited sources read again, with the baseline's
    benchmark recomputed from the other clients' figures and the client's new ones."""
    tables = {
        name: _rows_of(name, frame, client_id)
        for name, frame in baseline.inputs.tables.items()
        if name not in changed
    }
    counts = dict(baseline.inputs.quality.by_client.get(client_id, {}))
    for name in changed:
        raw = load_source(baseline.data_dir, name, config)
        if raw is None:
            return None
        table = raw.table
        mine = _client_mask(raw.frame, client_id, table.column("client_id").required)
        if table.id_column is not None and _shares_ids(raw.frame[table.id_column], mine):
            return None  # which row supersedes which is then the whole table's
        raw = replace(raw, frame=kept_rows(raw.frame, mine))
        checked = validate_table(raw, config)
        if checked.unreadable:
            return None
        tables[name] = checked.used
        counts[name] = data_quality({name: raw.files}, {name: checked}, [client_id]).by_client[
            client_id
        ][name]
    for name in changed:  # saved again since its bytes were read: read in full
        if not all(_still(path, stamps[path]) for path, _ in exports[name]):
            return None
    one = config.model_copy(update={"clients": [config.client(client_id)]})
    quality = replace(
        baseline.inputs.quality, by_client={**baseline.inputs.quality.by_client, client_id: counts}
    )
    inputs = Inputs(one, tables, quality)
    as_of = baseline.figures.as_of
    if config.as_of is None and _moves_as_of(baseline, inputs, client_id):
        return None
    # Only the client's own periods: its pages show no other (those of the other kind, and
    # their benchmark, are then the other clients' alone).
    mine = compute_figures(one, tables, as_of, (granularity_of(config.client(client_id)),))
    periods = {g: _without(baseline.figures.periods[g], client_id) for g in GRANULARITIES}
    periods |= {g: pd.concat([periods[g], frame]) for g, frame in mine.periods.items()}
    figures = replace(mine, benchmark={g: benchmark(periods[g]) for g in GRANULARITIES})
    return replace(inputs, config=config), figures, client_id


def _shares_ids(ids: pd.Series, mine: np.ndarray) -> bool:
    """Whether an id of the client's rows is also an id of another client's row."""
    everyone = pa.array(ids, from_pandas=True)
    own = pc.drop_null(everyone.take(pa.array(np.flatnonzero(mine))))
    also = pc.is_in(everyone, value_set=own).to_numpy(zero_copy_only=False)
    return bool((also & ~mine).any())


def _moves_as_of(baseline: Baseline, inputs: Inputs, client_id: str) -> bool:
    """Whether the latest time in the data may not be the baseline's: the client's records
    held it, or hold it now (the records of no client, unchanged, are left out)."""
    kept = baseline.inputs.tables
    before = {n: _rows_of(n, kept[n], client_id) for n in kept if "client_id" in kept[n]}
    after = {n: frame for n, frame in inputs.tables.items() if "client_id" in frame}
    as_of = baseline.figures.as_of
    return any(
        latest_timestamp(replace(inputs, tables=tables)) >= as_of for tables in (before, after)
    )


def _rows_of(name: str, frame: pd.DataFrame, client_id: str) -> pd.DataFrame:
    """A table's rows of one client (with a training row of no client: every client's)."""
    if "client_id" not in frame:
        return frame
    required = name not in SOURCES or SOURCES[name].column("client_id").required
    return kept_rows(frame, _client_mask(frame, client_id, required))


def _client_mask(frame: pd.DataFrame, client_id: str, required: bool) -> np.ndarray:
    column = frame["client_id"]
    mine = (column == client_id).to_numpy(dtype=bool, na_value=False)
    return mine if required else mine | column.isna().to_numpy()


def _without(frame: pd.DataFrame, client_id: str) -> pd.DataFrame:
    return frame[frame.index.get_level_values("client_id") != client_id]


def _only_lines_of(old: bytes, new: bytes, client_id: str, table: Table, source: Source) -> bool:
    """Whether every line that differs between `old` and `new`, on both sides, is a record
    of `client_id` (the header unchanged)."""
    found = _changed_lines(old, new)
    header_end = old.find(b"\n") + 1
    if found is None or header_end == 0 or found[0] < header_end:
        return False
    for lines in found[1:]:
        if not lines.strip():
            continue
        client_ids = column_as_written(old[:header_end] + lines, "client_id", table, source)
        if client_ids is None or not (client_ids == client_id).all():
            return False
    return True


def _changed_lines(old: bytes, new: bytes) -> tuple[int, bytes, bytes] | None:
    """Where the lines that differ start, and those lines in `old` and in `new` (lines the
    same on both sides left out); None when they are not a few."""
    a, b = np.frombuffer(old, dtype=np.uint8), np.frombuffer(new, dtype=np.uint8)
    common = min(len(a), len(b))
    first = _first_difference(a[:common], b[:common])
    suffix = _first_difference(a[::-1][: common - first], b[::-1][: common - first])
    start = old.rfind(b"\n", 0, first) + 1
    old_end, new_end = _line_end(old, len(old) - suffix), _line_end(new, len(new) - suffix)
    if old[old_end:] != new[new_end:] or max(old_end, new_end) - start > _FEW_LINES:
        return None
    # A line removed or added can make its neighbour look changed: the same lines, from
    # either end, are left out.
    before, after = old[start:old_end].splitlines(True), new[start:new_end].splitlines(True)
    while before and after and before[-1] == after[-1]:
        before.pop(), after.pop()
    while before and after and before[0] == after[0]:
        start += len(before.pop(0))
        after.pop(0)
    return start, b"".join(before), b"".join(after)


def _line_end(text: bytes, position: int) -> int:
    """`position` if a line starts there, else where the next line starts."""
    if position == 0 or text[position - 1 : position] == b"\n":
        return position
    end = text.find(b"\n", position)
    return len(text) if end < 0 else end + 1


def _first_difference(a: np.ndarray, b: np.ndarray) -> int:
    for offset in range(0, len(a), _CHUNK):
        differ = np.flatnonzero(a[offset : offset + _CHUNK] != b[offset : offset + _CHUNK])
        if len(differ):
            return offset + int(differ[0])
    return len(a)
