"""What keeps `svcsite check` and an unchanged rebuild cheap (issue 10), asserted as
behaviour, not as timings: what is imported, parsed, counted and started."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CLIENTS_YML, REPO, write
from generator.inputs.config import load_config
from generator.inputs.quality import STATUSES, status_counts


def imported_modules(*args: str) -> set[str]:
    """Every module a fresh `python -m generator ARGS` imports, by `-X importtime`."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "generator", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def test_check_imports_the_input_stage_only(portfolio: Path) -> None:
    modules = imported_modules("check", "--data", str(portfolio))
    assert "generator.inputs.read" in modules
    unused = {"altair", "vl_convert", "jinja2", "mkdocs", "material", "rich"}
    assert not {module.split(".")[0] for module in modules} & unused
    ours = {module for module in modules if module.startswith("generator")}
    # the input stage, and the figures' clock, with which clients.yml's calendars are checked
    needed = {"generator", "generator.cli", "generator.check", "generator.errors"}
    needed |= {"generator.figures", "generator.figures.clock"}
    assert {module for module in ours if not module.startswith("generator.inputs")} <= needed


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
def test_clients_yml_is_parsed_by_libyaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = []

    class Recording(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
        def __init__(self, stream: str) -> None:
            parsed.append(stream)
            super().__init__(stream)

    monkeypatch.setattr(yaml, "CSafeLoader", Recording)
    config = load_config(write(tmp_path / "clients.yml", CLIENTS_YML))
    assert len(parsed) == 1
    assert [client.id for client in config.clients] == ["harbour-tower", "kowloon-school"]


KEYS = ["b.csv", "a.csv", "c.csv", None]


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(STATUSES)), max_size=60),
    categorical=st.booleans(),
    unused_category=st.booleans(),
)
def test_status_counts_are_crosstab_counts(
    rows: list[tuple[str | None, str]], categorical: bool, unused_category: bool
) -> None:
    keys = pd.Series([key for key, _ in rows], dtype=object)
    if categorical:
        categories = sorted(
            {key for key, _ in rows if key} | ({"z.csv"} if unused_category else set())
        )
        keys = keys.astype(pd.CategoricalDtype(categories))
    status = pd.Series(pd.Categorical([s for _, s in rows], categories=list(STATUSES)))
    expected = pd.crosstab(keys, status).reindex(columns=list(STATUSES), fill_value=0)
    counts = status_counts(keys, status)
    assert {key: row for key, row in counts.items() if sum(row)} == {
        str(key): tuple(int(n) for n in row)
        for key, row in zip(expected.index, expected.to_numpy(), strict=True)
        if row.sum()
    }
    assert all(isinstance(n, int) for row in counts.values() for n in row)
    assert sum(map(sum, counts.values())) == int(np.sum([key is not None for key, _ in rows]))
