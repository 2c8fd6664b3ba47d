"""What keeps `svcsite check` and an unchanged rebuild cheap (issue 10), asserted as
behaviour, not as timings: what is imported, parsed, counted and started."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CLIENTS_YML, INCIDENTS, REPO, write
from generator.build import build
from generator.check import check
from generator.inputs import validate
from generator.inputs.config import load_config
from generator.inputs.quality import STATUSES, status_counts
from generator.inputs.read import read_inputs
from generator.inputs.validate import _filtered
from generator.site import charts


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
    # the calendars' country codes are checked, not loaded (which imports 250 countries)
    assert not [module for module in modules if module.startswith("holidays.countries")]
    ours = {module for module in modules if module.startswith("generator")}
    # the input stage, the figures' clock, with which clients.yml's calendars are checked,
    # and the figures' declarations (no pandas), which name the figures credit rules may use
    needed = {"generator", "generator.cli", "generator.check", "generator.errors"}
    needed |= {"generator.figures", "generator.figures.clock", "generator.figures.definitions"}
    needed |= {"generator.cache"}  # the standard library's hashlib and pickle, for builds
    assert {module for module in ours if not module.startswith("generator.inputs")} <= needed


def test_check_does_not_set_the_rows_used_apart(
    portfolio: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only a build needs the rows used without the quarantined: a check never copies them."""
    bad_row = "INC-4,harbour-tower,HT1,cctv,P9,2026-10-03 10:00,,,,,false,,Camera 1,Lee\n"
    write(portfolio / "incidents.csv", INCIDENTS + bad_row)
    kept = []
    rows = validate.kept_rows
    monkeypatch.setattr(validate, "kept_rows", lambda *args: kept.append(1) or rows(*args))
    assert check(portfolio) == 0
    assert "4 rows in, 3 used, 0 superseded, 1 quarantined" in capsys.readouterr().out
    assert kept == []
    assert list(read_inputs(portfolio).tables["incidents"]["incident_id"]) == [
        "INC-1",
        "INC-2",
        "INC-3",
    ]
    assert kept == [1]


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


@settings(max_examples=200, deadline=None)
@given(
    chunks=st.lists(
        st.lists(st.one_of(st.none(), st.text(max_size=3)), max_size=40), min_size=1, max_size=4
    ),
    seed=st.integers(0, 2**32 - 1),
    dropped_share=st.sampled_from([0.0, 0.02, 0.5, 1.0]),
)
def test_kept_text_is_arrows_filter(
    chunks: list[list[str | None]], seed: int, dropped_share: float
) -> None:
    values = pa.chunked_array(chunks, type=pa.large_string())
    keep = np.random.default_rng(seed).random(len(values)) >= dropped_share
    kept = _filtered(values, keep)
    assert kept.type == values.type
    assert kept.to_pylist() == values.filter(pa.array(keep)).to_pylist()


def test_a_few_dropped_rows_do_not_copy_the_text() -> None:
    """A million rows with a quarantined one here and there: the kept text is the read text."""
    values = pa.chunked_array([[f"summary {i}" for i in range(1000)]] * 3, type=pa.large_string())
    keep = np.ones(len(values), dtype=bool)
    keep[[5, 1500, 1501, 2999]] = False
    kept = _filtered(values, keep)
    assert len(kept) == len(values) - 4
    read = {chunk.buffers()[2].address for chunk in values.chunks}
    assert {chunk.buffers()[2].address for chunk in kept.chunks} <= read


@pytest.fixture
def built(portfolio: Path, tmp_path: Path, in_repo: Path) -> Path:
    """The portfolio's sites, built once."""
    out = tmp_path / "site"
    assert build(data_dir=portfolio, out_dir=out, jobs=1) == 0
    return out


@pytest.fixture
def started(built: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the next build starts: "pool" for each worker pool, "bundle" for the Vega bundle."""
    started: list[str] = []
    get_context = multiprocessing.get_context

    def context(method: str | None = None) -> object:
        started.append("pool")
        return get_context(method)

    @cache  # as the real one: made once per process
    def bundle() -> str:
        started.append("bundle")
        return "/* the Vega bundle */"

    monkeypatch.setattr(multiprocessing, "get_context", context)
    monkeypatch.setattr(charts, "vega_bundle", bundle)
    return started


def test_an_unchanged_rebuild_starts_no_pool_and_makes_no_bundle(
    portfolio: Path, tmp_path: Path, built: Path, started: list[str]
) -> None:
    assert build(data_dir=portfolio, out_dir=built, jobs=2) == 0
    assert started == []
    timings = json.loads((tmp_path / "build" / "site-timings.json").read_text())
    assert timings["clients"] == {"built": 0, "unchanged": 2, "failed": 0}
    assert timings["client_sites_cpu_seconds"]["fingerprint"] > 0


def test_one_changed_client_is_built_here_with_one_bundle(
    portfolio: Path, tmp_path: Path, built: Path, started: list[str]
) -> None:
    write(portfolio / "incidents.csv", INCIDENTS.replace("False alarm zone 4", "Zone 4 fixed"))
    assert build(data_dir=portfolio, out_dir=built, jobs=2) == 0
    assert started == ["bundle"]  # one site to build: no pool for it
    timings = json.loads((tmp_path / "build" / "site-timings.json").read_text())
    assert timings["clients"] == {"built": 1, "unchanged": 1, "failed": 0}
    assert list(timings["per_client"]) == ["kowloon-school"]
    published = (path.read_bytes() for path in (built / "kowloon-school").rglob("*.csv"))
    assert any(b"Zone 4 fixed" in text for text in published)
