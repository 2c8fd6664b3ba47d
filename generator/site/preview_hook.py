"""MkDocs hook for plain `mkdocs serve` / `mkdocs build` at the repository root: generate the
pages of one client (SVCSITE_CLIENT, else the first in clients.yml) of the portfolio in
SVCSITE_DATA (else data/) before the build, and watch that portfolio for edits.

Files are rewritten only when their text changed, so the watcher of the generated folder
does not rebuild forever.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.exceptions import PluginError

from generator.build import as_of_instant, portfolio_figures
from generator.cache import Cache
from generator.errors import InputError, UsageError
from generator.inputs.read import read_inputs
from generator.site.client_site import handwritten_pages, navigation, site_url, write_docs
from generator.site.i18n import SOURCE, language
from generator.site.pages import client_pages, split_by_client

PREVIEW_DIR = Path("build") / "preview"
# Shared with `svcsite build --out site`; SVCSITE_CACHE puts it elsewhere (as `make bench` does).
CACHE_DIR = Path(os.environ.get("SVCSITE_CACHE", Path("build") / "cache"))


def on_config(config):
    data_dir = Path(os.environ.get("SVCSITE_DATA", "data"))
    return preview(config, data_dir, os.environ.get("SVCSITE_CLIENT"))


def preview(config, data_dir: Path, client_id: str | None):
    """Generate the pages of `client_id` (else the first client) of the portfolio in
    `data_dir`, point MkDocs at them and watch `data_dir`."""
    # MkDocs' own error type: the operator sees the problems, not a traceback, and
    # `mkdocs serve` keeps running until the inputs are mended.
    kept = Cache(CACHE_DIR)
    try:
        inputs = read_inputs(data_dir, kept=kept)
        client_id = client_id or inputs.config.clients[0].id
        client = inputs.config.client(client_id)
    except InputError as error:
        problems = "\n".join(f"  {problem}" for problem in error.problems)
        raise PluginError(f"svcsite: the inputs cannot be read:\n{problems}") from None
    except UsageError as error:
        raise PluginError(f"svcsite: SVCSITE_CLIENT: {error}") from None
    figures = portfolio_figures(inputs, as_of_instant(inputs, None), kept)
    kept.save()
    records = split_by_client(figures).get(client_id, {})
    # The client's main language, as published (SVCSITE_LANGUAGE: another of its languages).
    code = os.environ.get("SVCSITE_LANGUAGE") or client.languages[0]
    if code not in client.languages:
        languages = ", ".join(client.languages)
        raise PluginError(
            f"svcsite: SVCSITE_LANGUAGE: {code!r} is not one of {client_id}'s ({languages})"
        )
    with language(code):
        handwritten = handwritten_pages(client_id)
        pages = client_pages(inputs, figures, client, records, handwritten)
        nav = navigation(handwritten)
    if code != SOURCE:  # Material's own words in the language
        config.theme["language"] = code
    docs_dir = PREVIEW_DIR / client_id
    staging = PREVIEW_DIR / f".{client_id}.new"
    write_docs(pages, handwritten, staging)
    _sync(staging, docs_dir)
    config.docs_dir = str(docs_dir.resolve())
    config.site_name = client.name
    config.site_url = config.site_url or site_url(inputs, client_id)
    config.nav = nav
    # `mkdocs serve` reloads on edits of the portfolio it shows, wherever it is.
    if str(data_dir.resolve()) not in config.watch:
        config.watch.append(str(data_dir.resolve()))
    return config


def _sync(source: Path, target: Path) -> None:
    """Make `target` hold exactly `source`'s files, touching only what differs."""
    import shutil

    target.mkdir(parents=True, exist_ok=True)
    wanted = {p.relative_to(source) for p in source.rglob("*") if p.is_file()}
    for relative in wanted:
        new, old = source / relative, target / relative
        if not old.is_file() or old.read_bytes() != new.read_bytes():
            old.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(new, old)
    for old in [p for p in target.rglob("*") if p.is_file()]:
        if old.relative_to(target) not in wanted:
            old.unlink()
    shutil.rmtree(source)
