"""Load and validate: `clients.yml` and the CSV exports in, typed tables and the
data-quality report out. The first stage of the pipeline, and its only input I/O."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator.errors import InputError
from generator.inputs.config import Config, load_config
from generator.inputs.load import load_tables
from generator.inputs.quality import DataQuality, data_quality
from generator.inputs.validate import CheckedTable, validate_table

CONFIG_FILE = "clients.yml"


@dataclass(frozen=True)
class Inputs:
    config: Config
    tables: dict[str, pd.DataFrame]  # the rows used, typed; a source not supplied is absent
    quality: DataQuality


def read_inputs(data_dir: Path) -> Inputs:
    """Read and check everything in `data_dir`; raise InputError on a structural problem."""
    config, checked, quality = check_inputs(data_dir)
    return Inputs(config, {name: result.used for name, result in checked.items()}, quality)


def check_inputs(data_dir: Path) -> tuple[Config, dict[str, CheckedTable], DataQuality]:
    """`read_inputs` up to the data-quality report: the rows used are not yet set apart."""
    config = load_config(data_dir / CONFIG_FILE)
    raw = load_tables(data_dir, config)
    checked = {name: validate_table(table, config) for name, table in raw.items()}
    # A column that mostly could not be read would be published as zeros: stop instead.
    unreadable = [problem for result in checked.values() for problem in result.unreadable]
    if unreadable:
        raise InputError(unreadable)
    quality = data_quality(raw, checked, [client.id for client in config.clients])
    return config, checked, quality
