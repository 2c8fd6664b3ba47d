"""Load and validate: `clients.yml` and the CSV exports in, typed tables and the
data-quality report out. The first stage of the pipeline, and its only input I/O."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator.errors import InputError
from generator.inputs.config import Config, load_config
from generator.inputs.load import load_tables
from generator.inputs.minutes import CONTENT_DIR, read_minutes
from generator.inputs.quality import DataQuality, data_quality
from generator.inputs.validate import CheckedTable, validate_table

CONFIG_FILE = "clients.yml"


@dataclass(frozen=True)
class Inputs:
    config: Config
    # The rows used, typed; a source not supplied is absent. "minutes": the front matter of
    # the clients' minutes pages in content/, when there are any.
    tables: dict[str, pd.DataFrame]
    quality: DataQuality


def read_inputs(data_dir: Path, content_dir: Path = CONTENT_DIR) -> Inputs:
    """Read and check everything in `data_dir` and the minutes in `content_dir` (the
    hand-written pages the sites are built with); raise InputError on a structural problem."""
    config, checked, quality, minutes = check_inputs(data_dir, content_dir)
    tables = {name: result.used for name, result in checked.items()}
    if len(minutes):
        tables["minutes"] = minutes
    return Inputs(config, tables, quality)


def check_inputs(
    data_dir: Path, content_dir: Path = CONTENT_DIR
) -> tuple[Config, dict[str, CheckedTable], DataQuality, pd.DataFrame]:
    """`read_inputs` up to the data-quality report and the meetings' minutes: the rows used
    are not yet set apart."""
    config = load_config(data_dir / CONFIG_FILE)
    minutes = read_minutes(config, content_dir)
    raw = load_tables(data_dir, config)
    checked = {name: validate_table(table, config) for name, table in raw.items()}
    # A column that mostly could not be read would be published as zeros: stop instead.
    unreadable = [problem for result in checked.values() for problem in result.unreadable]
    if unreadable:
        raise InputError(unreadable)
    quality = data_quality(raw, checked, [client.id for client in config.clients])
    return config, checked, quality, minutes
