"""What runs inside MkDocs for every client site (through the hook file `site_hook.py`).

Record tables spliced into the built pages as ready HTML. A page's long record tables (hundreds of incidents a period) are rendered as inert HTML once,
written beside the page under `docs/.fragments/` (a dot-directory, which MkDocs neither
processes nor publishes), and marked in the Markdown by an HTML comment. Splicing them in after
Markdown spares Python-Markdown's raw-HTML parser and Material's search parser from reading
thousands of table cells that are excluded from search anyway: most of a site's build time.

On a password site the tables are spliced in before the page is encrypted, so that they are
encrypted with it; elsewhere, into the finished page.

Theme templates compiled once per process: MkDocs makes a new Jinja environment for every
site, which would compile Material's templates again for each of hundreds of clients.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

FOLDER = ".fragments"
MARKER = "<!-- svcsite-fragment {name} -->"
_MARKER = re.compile(r"<!-- svcsite-fragment ([a-z0-9-]+) -->")


def marker(name: str) -> str:
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise ValueError(f"a fragment name is lower-case letters, digits and dashes: {name!r}")
    return MARKER.format(name=name)


def fragment_path(page: str, name: str) -> str:
    """Where the fragment `name` of the page at `page` (e.g. reports/2026-10.md) is written,
    relative to the docs folder."""
    return (PurePosixPath(FOLDER) / PurePosixPath(page).with_suffix("") / f"{name}.html").as_posix()


def splice(text: str, page: str, read: Callable[[str], str]) -> str:
    """`text` (of the page at `page`) with every fragment marker replaced by its fragment;
    `read` gives a fragment's text from its path relative to the docs folder."""
    return _MARKER.sub(lambda match: read(fragment_path(page, match.group(1))), text)


def _spliced(text: str, page, config) -> str:
    def read(relative: str) -> str:
        try:
            return (Path(config.docs_dir) / relative).read_text(encoding="utf-8")
        except OSError as error:
            raise PluginError(f"{page.file.src_uri}: a fragment is missing ({error})") from None

    return splice(text, page.file.src_uri, read)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates in memory, keyed by name and checked against their source."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def on_env(env, config, files):
    env.bytecode_cache = _COMPILED
    return env


def _encrypted(config) -> bool:
    return "encryptcontent" in config.plugins


@event_priority(100)  # before encryptcontent keeps the page's HTML to encrypt
def on_page_content(html, page, config, files):
    if _encrypted(config):
        return _spliced(html, page, config)
    return html


def on_post_page(output, page, config):
    if _encrypted(config):
        return output
    return _spliced(output, page, config)
