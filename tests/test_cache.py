"""The cache under build/cache never shows what it kept from other inputs: after exports are
edited, renamed, added or deleted, the config or the minutes changed, the tables and every
figure read through the cache equal those of a cold run."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from generator.build import as_of_instant, portfolio_figures
from generator.cache import Cache
from generator.demo import write_demo
from generator.figures.metrics import Figures, compute_figures
from generator.inputs import read as read_module
from generator.inputs.read import Inputs, read_inputs


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    write_demo(root / "data", clients=3, months=6, seed=3, content=root / "content")
    return root


@pytest.fixture
def root(demo: Path, tmp_path: Path) -> Path:
    """The demo portfolio, its incidents in two files matched by a glob (the later file's
    version of an incident replaces the earlier's), and its minutes."""
    root = tmp_path / "portfolio"
    shutil.copytree(demo, root)
    data = root / "data"
    lines = (data / "incidents.csv").read_text().splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    middle = len(rows) // 2
    changed = _with_priority(rows[0], "P1")  # the first incident again, another priority
    (data / "incidents-a.csv").write_text(header + "".join(rows[:middle]))
    (data / "incidents-b.csv").write_text(header + "".join(rows[middle:]) + changed)
    (data / "incidents.csv").unlink()
    clients = data / "clients.yml"
    clients.write_text(clients.read_text() + "sources:\n  incidents: {file: incidents-*.csv}\n")
    return root


def _with_priority(row: str, priority: str) -> str:
    fields = row.split(",")
    fields[4] = priority if fields[4] != priority else "P2"
    return ",".join(fields)


def _read(root: Path, cache_dir: Path | None) -> tuple[Inputs, Figures]:
    """A cold run (no cache), or a run through the cache as a build or a preview makes it."""
    if cache_dir is None:
        inputs = read_inputs(root / "data", root / "content")
        return inputs, compute_figures(inputs.config, inputs.tables, as_of_instant(inputs, None))
    kept = Cache(cache_dir)
    inputs = read_inputs(root / "data", root / "content", kept=kept)
    figures = portfolio_figures(inputs, as_of_instant(inputs, None), kept)
    kept.save()
    return inputs, figures


def _assert_same(warm: tuple[Inputs, Figures], cold: tuple[Inputs, Figures]) -> None:
    (warm_inputs, warm_figures), (cold_inputs, cold_figures) = warm, cold
    assert warm_inputs.quality == cold_inputs.quality
    _assert_equal(warm_inputs.tables, cold_inputs.tables)
    for field in dataclasses.fields(Figures):
        _assert_equal(getattr(warm_figures, field.name), getattr(cold_figures, field.name))


def _assert_equal(warm: object, cold: object) -> None:
    if isinstance(cold, pd.DataFrame):
        pd.testing.assert_frame_equal(warm, cold)
    elif isinstance(cold, dict):
        assert isinstance(warm, dict) and list(warm) == list(cold)
        for key in cold:
            _assert_equal(warm[key], cold[key])
    else:
        assert warm == cold


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """An edit that keeps the file's size and its modification time: only its bytes say."""
    stat = path.stat()
    text = path.read_text()
    assert len(old) == len(new) and old in text
    path.write_text(text.replace(old, new, 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _edit_a_row(root: Path) -> None:
    data = root / "data" / "incidents-a.csv"
    second = data.read_text().splitlines()[2]  # (the first is replaced by incidents-b's)
    _same_size_edit(data, second, _with_priority(second, "P1"))


def _rename_keeping_the_order(root: Path) -> None:
    (root / "data" / "incidents-b.csv").rename(root / "data" / "incidents-c.csv")


def _rename_so_the_order_changes(root: Path) -> None:
    (root / "data" / "incidents-b.csv").rename(root / "data" / "incidents-0.csv")


def _swap_two_files(root: Path) -> None:
    data = root / "data"
    (data / "incidents-a.csv").rename(data / "swap.tmp")
    (data / "incidents-b.csv").rename(data / "incidents-a.csv")
    (data / "swap.tmp").rename(data / "incidents-b.csv")


def _delete_a_file_of_a_source(root: Path) -> None:
    (root / "data" / "incidents-b.csv").unlink()


def _delete_an_optional_source(root: Path) -> None:
    (root / "data" / "complaints.csv").unlink()


def _add_a_file(root: Path) -> None:
    data = root / "data"
    header, first = (data / "incidents-a.csv").read_text().splitlines()[:2]
    (data / "incidents-c.csv").write_text(f"{header}\n{_with_priority(first, 'P3')}\n")


def _change_the_config(root: Path) -> None:
    clients = root / "data" / "clients.yml"
    text = clients.read_text()
    assert "target_pct: 95" in text
    clients.write_text(text.replace("target_pct: 95", "target_pct: 90"))


def _change_the_as_of(root: Path) -> None:
    clients = root / "data" / "clients.yml"
    text = clients.read_text()
    assert "as_of: 2026-11-01 00:00:00" in text
    clients.write_text(text.replace("as_of: 2026-11-01 00:00:00", "as_of: 2026-10-15 00:00:00"))


def _delete_a_minutes_page(root: Path) -> None:
    next((root / "content" / "clients").rglob("minutes-*.md")).unlink()


def _edit_then_undo(root: Path) -> None:
    """Back to the bytes of the first run: its entries are right again."""
    data = root / "data" / "incidents-a.csv"
    text = data.read_text()
    second = text.splitlines()[2]
    data.write_text(text.replace(second, _with_priority(second, "P3")))
    _read(root, root.parent / "cache")  # the edited bytes, kept
    data.write_text(text)


CHANGES: list[Callable[[Path], None]] = [
    _edit_a_row,
    _rename_keeping_the_order,
    _rename_so_the_order_changes,
    _swap_two_files,
    _delete_a_file_of_a_source,
    _delete_an_optional_source,
    _add_a_file,
    _change_the_config,
    _change_the_as_of,
    _delete_a_minutes_page,
    _edit_then_undo,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_after_a_change_the_cache_gives_what_a_cold_run_gives(
    root: Path, tmp_path: Path, change: Callable[[Path], None]
) -> None:
    cache_dir = tmp_path / "cache"
    _assert_same(_read(root, cache_dir), _read(root, None))  # the first run, kept
    change(root)
    _assert_same(_read(root, cache_dir), _read(root, None))


def test_an_unchanged_portfolio_is_not_read_again(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    cold = _read(root, cache_dir)

    def fail(*args: object) -> None:
        raise AssertionError("read or computed again")

    monkeypatch.setattr(read_module, "load_source", fail)
    monkeypatch.setattr("generator.build.compute_figures", fail)
    _assert_same(_read(root, cache_dir), cold)


def test_an_edited_export_is_read_again_and_the_others_are_not(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    _read(root, cache_dir)
    _delete_an_optional_source(root)  # no complaints now
    _same_size_edit(root / "data" / "training.csv", "2026", "2025")
    read_again: list[str] = []
    load_source = read_module.load_source

    def spy(data_dir: Path, name: str, config: object) -> object:
        read_again.append(name)
        return load_source(data_dir, name, config)  # type: ignore[arg-type]

    monkeypatch.setattr(read_module, "load_source", spy)
    warm = _read(root, cache_dir)
    assert read_again == ["complaints", "training"]  # looked for (none now), and read again
    _assert_same(warm, _read(root, None))


def test_an_entry_that_cannot_be_read_back_is_made_again(root: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cold = _read(root, cache_dir)
    for entry in cache_dir.glob("*.pickle"):
        entry.write_bytes(entry.read_bytes()[:100])
    _assert_same(_read(root, cache_dir), cold)
    _assert_same(_read(root, cache_dir), cold)


def test_the_vega_bundle_is_made_once_and_found_by_the_next_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.site import charts

    made: list[str] = []

    def bundle() -> str:
        made.append("bundle")
        return "/* vega */"

    monkeypatch.setattr(charts.vl_convert, "javascript_bundle", bundle)
    monkeypatch.setattr(charts, "_bundle_folder", None)
    charts.vega_bundle.cache_clear()
    try:
        charts.keep_bundle_in(tmp_path)
        assert charts.vega_bundle() == "/* vega */"
        charts.vega_bundle.cache_clear()  # as in a new process
        assert charts.vega_bundle() == "/* vega */"
        assert made == ["bundle"]
    finally:
        charts.vega_bundle.cache_clear()


def test_compiled_templates_are_found_by_the_next_process_and_never_stale(
    tmp_path: Path,
) -> None:
    """A template compiled by one process is not compiled again by the next; one whose source
    changed is."""
    import jinja2

    from generator.site.render import CompiledTemplates

    templates = tmp_path / "templates"
    (templates / "page.j2").parent.mkdir()
    (templates / "page.j2").write_text("Hello {{ name }}")

    def environment() -> tuple[jinja2.Environment, list[str]]:
        compiled = CompiledTemplates()
        compiled.keep_in(tmp_path / "cache")
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), bytecode_cache=compiled)
        compiles: list[str] = []
        original = env.compile

        def compile(source, name=None, filename=None, raw=False, defer_init=False):
            compiles.append(name)
            return original(source, name, filename, raw, defer_init)

        env.compile = compile  # type: ignore[method-assign]
        return env, compiles

    first, compiled_first = environment()
    assert first.get_template("page.j2").render(name="Wan Chai") == "Hello Wan Chai"
    assert compiled_first == ["page.j2"]
    second, compiled_second = environment()  # a new process
    assert second.get_template("page.j2").render(name="Sha Tin") == "Hello Sha Tin"
    assert compiled_second == []
    (templates / "page.j2").write_text("Goodbye {{ name }}")
    third, compiled_third = environment()
    assert third.get_template("page.j2").render(name="Tai Po") == "Goodbye Tai Po"
    assert compiled_third == ["page.j2"]
