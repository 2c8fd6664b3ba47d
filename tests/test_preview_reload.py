"""A running preview's rebuild after an edit: when only the previewed client's lines of an
export changed, only its rows are read again, and its pages are those a cold build makes
(the portfolio benchmark included), byte for byte; any other edit reads the whole portfolio
again."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO
from generator.build import as_of_instant
from generator.cache import Cache
from generator.demo import write_demo
from generator.figures.metrics import compute_figures
from generator.inputs.read import read_inputs
from generator.site import preview
from generator.site.client_site import handwritten_pages
from generator.site.pages import client_pages, client_records, split_by_client

CLIENT = "harbour-tower"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    write_demo(root / "data", clients=6, months=4, seed=5, content=root / "content")
    return root


@pytest.fixture
def root(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo portfolio and its content, as the current folder; no preview running yet."""
    root = tmp_path / "portfolio"
    shutil.copytree(demo, root)
    monkeypatch.chdir(root)
    monkeypatch.setattr(preview, "_baseline", None)
    # Every file's stamp trusted, though the files were all written a moment ago (otherwise
    # "racy", read again): the tests' edits must be seen through the stamps.
    monkeypatch.setattr(preview, "_RACY_NS", 0)
    return root


def _pages_previewed(root: Path, client_id: str = CLIENT) -> dict[str, str]:
    shown = preview.preview_figures(root / "data", client_id, Cache(root / "cache"))
    inputs, figures, client_id = shown.inputs, shown.figures, shown.client_id
    client = inputs.config.client(client_id)
    records = client_records(figures, client_id)
    return client_pages(inputs, figures, client, records, handwritten_pages(client_id))


def _pages_built(root: Path, client_id: str = CLIENT) -> dict[str, str]:
    inputs = read_inputs(root / "data")
    figures = compute_figures(inputs.config, inputs.tables, as_of_instant(inputs, None))
    client = inputs.config.client(client_id)
    records = split_by_client(figures).get(client_id, {})
    return client_pages(inputs, figures, client, records, handwritten_pages(client_id))


def _edit_line(root: Path, export: str, client: str, edit: Callable[[str], str]) -> None:
    """Replace the client's last line in the export by `edit` of it."""
    path = root / "data" / export
    lines = path.read_text().splitlines(keepends=True)
    index = max(i for i, line in enumerate(lines) if f",{client}," in line)
    lines[index] = edit(lines[index])
    path.write_text("".join(lines))


def _field(position: int, change: Callable[[str], str]) -> Callable[[str], str]:
    """An edit of a line: its field at `position` changed."""

    def edit(line: str) -> str:
        fields = next(csv.reader([line]))
        fields[position] = change(fields[position])
        written = io.StringIO()
        csv.writer(written, lineterminator="\n").writerow(fields)
        return written.getvalue()

    return edit


_new_priority = _field(4, lambda priority: "P1" if priority != "P1" else "P3")


def _id_of_another_client(root: Path) -> str:
    lines = (root / "data" / "incidents.csv").read_text().splitlines()
    return next(line.split(",")[0] for line in lines[1:] if f",{CLIENT}," not in line)


EDITS: dict[str, tuple[Callable[[Path], None], bool]] = {
    # the edit, and whether only the client's rows are read again
    "a priority of the client's": (
        lambda root: _edit_line(root, "incidents.csv", CLIENT, _new_priority),
        True,
    ),
    "a summary of the client's": (
        lambda root: _edit_line(
            root, "incidents.csv", CLIENT, _field(12, lambda summary: f"Edited: {summary}")
        ),
        True,
    ),
    "a row of the client's removed": (
        lambda root: _edit_line(root, "incidents.csv", CLIENT, lambda line: ""),
        True,
    ),
    "a row of the client's added": (
        lambda root: _edit_line(
            root, "incidents.csv", CLIENT, lambda line: line + line.replace("INC", "INX", 1)
        ),
        True,
    ),
    "a complaint of the client's": (
        lambda root: _edit_line(
            root, "complaints.csv", CLIENT, _field(13, lambda text: f"Edited: {text}")
        ),
        True,
    ),
    "another client's row": (
        lambda root: _edit_line(root, "incidents.csv", "riverside-plaza", _new_priority),
        False,
    ),
    "the client's row given to another client": (
        lambda root: _edit_line(
            root,
            "incidents.csv",
            CLIENT,
            lambda line: line.replace(f",{CLIENT},", ",riverside-plaza,"),
        ),
        False,
    ),
    "an id of another client's taken": (
        lambda root: _edit_line(
            root,
            "incidents.csv",
            CLIENT,
            _field(0, lambda _: _id_of_another_client(root)),
        ),
        False,
    ),
    "the config": (
        lambda root: (root / "data" / "clients.yml").write_text(
            (root / "data" / "clients.yml").read_text().replace("target_pct: 95", "target_pct: 94")
        ),
        False,
    ),
    "the header": (
        lambda root: (root / "data" / "incidents.csv").write_text(
            (root / "data" / "incidents.csv").read_text().replace("summary", "Summary", 1)
        ),
        False,
    ),
}


@pytest.mark.parametrize("name", EDITS)
def test_after_an_edit_the_preview_shows_what_a_build_shows(
    root: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit, client_only = EDITS[name]
    assert _pages_previewed(root) == _pages_built(root)  # the server's first build
    edit(root)
    read_again: list[Path] = []
    read_inputs_of = preview.read_inputs
    monkeypatch.setattr(
        preview,
        "read_inputs",
        lambda data, **kw: read_again.append(data) or read_inputs_of(data, **kw),
    )
    assert _pages_previewed(root) == _pages_built(root)
    assert read_again == ([] if client_only else [(root / "data").resolve()])


def test_a_quarterly_client_after_an_edit_shows_what_a_build_shows(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its figures are computed per quarter alone, the months left out (and its pages,
    which show no month, the same)."""
    client = "bauhinia-secondary-school"
    assert _pages_previewed(root, client) == _pages_built(root, client)
    _edit_line(root, "incidents.csv", client, _new_priority)
    monkeypatch.setattr(preview, "read_inputs", None)  # only the client's rows read again
    assert _pages_previewed(root, client) == _pages_built(root, client)


def test_a_preview_started_again_renders_no_page_and_never_a_stale_one(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server's first build keeps its pages under the fingerprint of what they are made
    from: a server started again on the same inputs renders none, and one started on other
    inputs (an edited row, an edited hand-written page) renders them."""
    for name in ("mkdocs.yml", "site_overrides"):  # as at the repository's root
        (root / name).symlink_to(REPO / name)
    rendered: list[str] = []
    client_pages_of = preview.client_pages

    def counted(*args, **kwargs):
        rendered.append("pages")
        return client_pages_of(*args, **kwargs)

    monkeypatch.setattr(preview, "client_pages", counted)

    def started_again() -> dict[str, str]:
        monkeypatch.setattr(preview, "_baseline", None)
        shown = preview.preview_figures(root / "data", CLIENT, Cache(root / "cache"))
        records = client_records(shown.figures, CLIENT)
        handwritten = handwritten_pages(CLIENT)
        return preview.preview_pages(shown, records, handwritten, "en", Cache(root / "cache"))

    assert started_again() == _pages_built(root)
    assert started_again() == _pages_built(root)
    assert rendered == ["pages"]
    _edit_line(root, "incidents.csv", CLIENT, _new_priority)
    assert started_again() == _pages_built(root)
    assert rendered == ["pages", "pages"]
    minutes = next((root / "content").rglob("minutes-*.md"))
    minutes.write_text(minutes.read_text() + "\nAdded after the meeting.\n")
    assert started_again() == _pages_built(root)
    assert rendered == ["pages", "pages", "pages"]


def test_the_same_exports_again_read_nothing(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _pages_previewed(root)
    monkeypatch.setattr(preview, "load_source", None)
    monkeypatch.setattr(preview, "read_inputs", None)
    read: list[str] = []
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: read.append(path.name) or read_bytes(path))
    assert _pages_previewed(root) == first
    assert not [name for name in read if name.endswith(".csv")]


def test_an_export_changed_within_a_tick_of_its_stamp_is_read_again(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file's stamp is trusted only when the file had not changed for a while when it was
    taken: the clock's tick is coarse, and a second save within it can keep the stamp."""
    monkeypatch.setattr(preview, "_RACY_NS", 2_000_000_000)
    _pages_previewed(root)  # the files were all written a moment ago
    baseline = preview._baseline
    assert baseline is not None
    export = (root / "data" / "incidents.csv").resolve()
    assert baseline.unchanged_bytes(export) is None
    old = dataclasses.replace(baseline, stamped_ns=baseline.stamped_ns + 10_000_000_000)
    assert old.unchanged_bytes(export) == export.read_bytes()
    export.write_bytes(export.read_bytes().replace(b"P1", b"P2", 1))  # the same size
    assert old.unchanged_bytes(export) is None


@pytest.mark.parametrize("when", ["2026-06-01 09:00", "2026-12-01 09:00"])
def test_with_no_as_of_in_the_config_the_preview_shows_what_a_build_shows(
    root: Path, when: str
) -> None:
    """The report's instant is then the latest time in the data, which a record of the
    client's may hold (a later reported time is quarantined, an earlier one is not)."""
    clients = root / "data" / "clients.yml"
    clients.write_text(re.sub(r"(?m)^as_of: .*\n", "", clients.read_text()))
    assert _pages_previewed(root) == _pages_built(root)
    _edit_line(root, "incidents.csv", CLIENT, _field(5, lambda _: when))  # reported_at
    assert _pages_previewed(root) == _pages_built(root)
