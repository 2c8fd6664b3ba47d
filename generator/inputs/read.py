"""Load and validate: `clients.yml` and the CSV exports in, typed tables and the
data-quality report out. The first stage of the pipeline, and its only input I/O."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator import cache
from generator.errors import InputError, Problem
from generator.inputs.config import Config, load_config
from generator.inputs.load import RawFile, load_source, source_files
from generator.inputs.minutes import CONTENT_DIR, read_minutes
from generator.inputs.quality import DataQuality, data_quality
from generator.inputs.tables import SOURCES
from generator.inputs.validate import CheckedTable, validate_table

CONFIG_FILE = "clients.yml"


@dataclass(frozen=True)
class Inputs:
    config: Config
    # The rows used, typed; a source not supplied is absent. "minutes": the front matter of
    # the clients' minutes pages in content/, when there are any.
    tables: dict[str, pd.DataFrame]
    quality: DataQuality
    # A hash of everything read (the exports' names and bytes, the config, the minutes): the
    # same digest, the same inputs. Empty when they were not hashed.
    digest: str = ""


def read_inputs(
    data_dir: Path, content_dir: Path = CONTENT_DIR, kept: cache.Cache | None = None
) -> Inputs:
    """Read and check everything in `data_dir` and the minutes in `content_dir` (the
    hand-written pages the sites are built with); raise InputError on a structural problem.
    With a cache, a source whose files, config and code are those of an earlier run is
    taken from it as that run validated it, and the others are put in it."""
    config, checked, quality, minutes, digests = _checked(data_dir, content_dir, kept)
    tables = {name: result.used for name, result in checked.items()}
    if len(minutes):
        tables["minutes"] = minutes
    digest = ""
    if kept is not None:
        minutes_digest = pd.util.hash_pandas_object(minutes, index=False).to_numpy().tobytes()
        digest = cache.key(*digests.items(), minutes_digest.hex(), list(minutes.columns))
    return Inputs(config, tables, quality, digest)


def check_inputs(
    data_dir: Path, content_dir: Path = CONTENT_DIR
) -> tuple[Config, dict[str, CheckedTable], DataQuality, pd.DataFrame]:
    """`read_inputs` up to the data-quality report and the meetings' minutes: the rows used
    are not yet set apart."""
    config, checked, quality, minutes, _ = _checked(data_dir, content_dir, None)
    return config, checked, quality, minutes


def _checked(
    data_dir: Path, content_dir: Path, kept: cache.Cache | None
) -> tuple[Config, dict[str, CheckedTable], DataQuality, pd.DataFrame, dict[str, str]]:
    config = load_config(data_dir / CONFIG_FILE)
    minutes = read_minutes(config, content_dir)
    config_digest = cache.key(config.model_dump_json()) if kept is not None else ""
    checked: dict[str, CheckedTable] = {}
    files: dict[str, list[RawFile]] = {}
    digests = {"config": config_digest}
    problems: list[Problem] = []
    for name, table in SOURCES.items():
        paths = source_files(data_dir, table, config.source(name))
        if kept is not None and paths:
            digests[name] = _source_key(name, paths, config_digest)
            found = kept.get(f"table-{name}", digests[name])
            if found is not None:
                checked[name], files[name] = found  # type: ignore[misc]
                continue
        try:
            raw = load_source(data_dir, name, config)
        except InputError as error:
            problems += error.problems
            continue
        if raw is None:
            continue
        checked[name], files[name] = validate_table(raw, config), raw.files
        # Kept only if the files did not change while they were read.
        if kept is not None and digests[name] == _source_key(name, paths, config_digest):
            kept.put(f"table-{name}", digests[name], (checked[name], files[name]))
    if problems:
        raise InputError(problems)
    # A column that mostly could not be read would be published as zeros: stop instead.
    unreadable = [problem for result in checked.values() for problem in result.unreadable]
    if unreadable:
        raise InputError(unreadable)
    quality = data_quality(files, checked, [client.id for client in config.clients])
    return config, checked, quality, minutes, digests


def _source_key(name: str, paths: list[Path], config_digest: str) -> str:
    """The cache key of one source: its name, the config, each file's name and bytes."""
    return cache.key(name, config_digest, *(f"{path}\0{cache.file_digest(path)}" for path in paths))
