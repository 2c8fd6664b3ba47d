"""MkDocs hook for plain `mkdocs serve` / `mkdocs build` at the repository root: generate the
pages of one client (SVCSITE_CLIENT, else the first in clients.yml) of the portfolio in
SVCSITE_DATA (else data/) before the build, and watch that portfolio for edits.

Files are rewritten only when their text changed, so the watcher of the generated folder
does not rebuild forever.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from mkdocs.exceptions import PluginError

from generator.cache import Cache
from generator.errors import InputError, UsageError
from generator.site.client_site import (
    MKDOCS_FILE,
    THEME_DIR,
    handwritten_pages,
    keep_between_runs,
    navigation,
    site_url,
    write_docs,
)
from generator.site.events import FOLDER
from generator.site.i18n import SOURCE, language
from generator.site.pages import client_records
from generator.site.preview import preview_figures, preview_pages, same_theme

PREVIEW_DIR = Path("build") / "preview"
# Shared with `svcsite build --out site`; SVCSITE_CACHE puts it elsewhere (as `make bench` does).
CACHE_DIR = Path(os.environ.get("SVCSITE_CACHE", Path("build") / "cache"))


def on_config(config):
    data_dir = Path(os.environ.get("SVCSITE_DATA", "data"))
    return preview(config, data_dir, os.environ.get("SVCSITE_CLIENT"))


def preview(config, data_dir: Path, client_id: str | None):
    """Generate the pages of `client_id` (else the first client) of the portfolio in
    `data_dir`, point MkDocs at them and watch `data_dir`."""
    keep_between_runs(CACHE_DIR)
    kept = Cache(CACHE_DIR)
    # MkDocs' own error type: the operator sees the problems, not a traceback, and
    # `mkdocs serve` keeps running until the inputs are mended.
    try:
        shown = preview_figures(data_dir, client_id, kept)
    except InputError as error:
        problems = "\n".join(f"  {problem}" for problem in error.problems)
        raise PluginError(f"svcsite: the inputs cannot be read:\n{problems}") from None
    except UsageError as error:
        raise PluginError(f"svcsite: SVCSITE_CLIENT: {error}") from None
    inputs, figures, client_id = shown.inputs, shown.figures, shown.client_id
    client = inputs.config.client(client_id)
    records = client_records(figures, client_id)
    # The client's main language, as published (SVCSITE_LANGUAGE: another of its languages).
    code = os.environ.get("SVCSITE_LANGUAGE") or client.languages[0]
    if code not in client.languages:
        languages = ", ".join(client.languages)
        raise PluginError(
            f"svcsite: SVCSITE_LANGUAGE: {code!r} is not one of {client_id}'s ({languages})"
        )
    with language(code):
        handwritten = handwritten_pages(client_id)
        pages = preview_pages(shown, records, handwritten, code, kept)
        nav = navigation(handwritten)
    if code != SOURCE:  # Material's own words in the language
        config.theme["language"] = code
    docs_dir = PREVIEW_DIR / client_id
    staging = PREVIEW_DIR / f".{client_id}.new"
    write_docs(pages, handwritten, staging)
    changed = _sync(staging, docs_dir)
    # `mkdocs serve --dirty` (as `svcsite serve` runs it) rebuilds the pages whose files are
    # newer than their output: after a full read, a change of theme or of the files (which
    # the navigation of every page shows), every page is. The theme is always noted, so that
    # the next rebuild knows it (a short-circuit here once made every reload a full one).
    theme_unchanged = same_theme(docs_dir, _theme_digest())
    if shown.whole or changed or not theme_unchanged:
        for path in docs_dir.rglob("*"):
            os.utime(path)
    config.docs_dir = str(docs_dir.resolve())
    config.site_name = client.name
    config.site_url = config.site_url or site_url(inputs, client_id)
    config.nav = nav
    # `mkdocs serve` reloads on edits of the portfolio it shows, wherever it is.
    if str(data_dir.resolve()) not in config.watch:
        config.watch.append(str(data_dir.resolve()))
    return config


def _sync(source: Path, target: Path) -> bool:
    """Make `target` hold exactly `source`'s files, touching only what differs (a page whose
    fragments differ, too); whether a file was added or removed."""
    import shutil

    target.mkdir(parents=True, exist_ok=True)
    wanted = {p.relative_to(source) for p in source.rglob("*") if p.is_file()}
    present = {p.relative_to(target) for p in target.rglob("*") if p.is_file()}
    for relative in wanted:
        new, old = source / relative, target / relative
        if not old.is_file() or old.read_bytes() != new.read_bytes():
            old.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(new, old)
            if relative.parts[0] == FOLDER:  # its page is rebuilt with it
                page = target / relative.relative_to(FOLDER).with_suffix(".md")
                if page.is_file():
                    os.utime(page)
    for relative in present - wanted:
        (target / relative).unlink()
    shutil.rmtree(source)
    return wanted != present


def _theme_digest() -> str:
    digest = hashlib.sha256(MKDOCS_FILE.read_bytes())
    for path in sorted(THEME_DIR.rglob("*")):
        if path.is_file():
            digest.update(f"{path}\n".encode() + path.read_bytes())
    return digest.hexdigest()
