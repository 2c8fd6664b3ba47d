"""What runs inside MkDocs for every client site (through the hook file `hook.py`).

Fragments: a page's long tables (the incidents of a period, a service report's figures)
are rendered once as inert HTML, written beside the page as one JSON object under
`docs/.fragments/` (a dot-folder, which MkDocs neither processes nor publishes), and marked
in the Markdown by an HTML comment. Splicing them in after Markdown spares Python-Markdown's
raw-HTML parser and Material's search parser thousands of table cells that search leaves
out anyway: most of a site's build time. On a password site they are spliced in before the
page is encrypted, so that they are encrypted with it; elsewhere, into the finished page.

The theme, once per process: MkDocs makes a new Jinja environment for every site, compiles
Material's templates in it and lists every file of the theme (thousands of icons included);
with hundreds of client sites built in one process, the compiled templates and the listing
of the installed theme are kept.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path, PurePosixPath

import jinja2
from markupsafe import escape
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from generator.site.render import COMPILED

FOLDER = ".fragments"
MARKER = "<!-- svcsite-fragment {name} -->"
_MARKER = re.compile(r"<!-- svcsite-fragment ([a-z0-9-]+) -->")
_LINK = re.compile(r"<link\b[^>]*>")


def marker(name: str) -> str:
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise ValueError(f"a fragment name is lower-case letters, digits and dashes: {name!r}")
    return MARKER.format(name=name)


def fragments_path(page: str) -> str:
    """Where the fragments of the page at `page` (e.g. reports/2026-10.md) are written, as
    one JSON object of name -> HTML, relative to the docs folder."""
    return (PurePosixPath(FOLDER) / PurePosixPath(page).with_suffix(".json")).as_posix()


def splice(text: str, fragments: Mapping[str, str]) -> str:
    """`text` with every fragment marker replaced by its fragment."""
    return _MARKER.sub(lambda match: fragments[match.group(1)], text)


def _spliced(text: str, page, config) -> str:
    if not _MARKER.search(text):
        return text
    path = Path(config.docs_dir) / fragments_path(page.file.src_uri)
    try:
        return splice(text, json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as error:
        raise PluginError(f"{page.file.src_uri}: its fragments are missing ({error!r})") from None


def _listing(folder: str) -> tuple[str, ...]:
    """A theme folder's files, outside dot-folders (Material's thousands of `.icons` are
    never copied to a site: MkDocs would list them, then filter them out one by one)."""
    names = jinja2.FileSystemLoader(folder).list_templates()
    return tuple(name for name in names if not any(p.startswith(".") for p in name.split("/")))


_installed_listing = cache(_listing)


class _ThemeLoader(jinja2.FileSystemLoader):
    """The theme's loader, whose installed folders are listed once per process; the
    project's own overrides are listed afresh (they can change under `mkdocs serve`)."""

    def __init__(self, folders: list[str], own: str | None) -> None:
        super().__init__(folders)
        self.own = own

    def list_templates(self) -> list[str]:
        names: set[str] = set()
        for folder in self.searchpath:
            names.update(_listing(folder) if folder == self.own else _installed_listing(folder))
        return sorted(names)


@event_priority(100)  # before the search plugin asks for the theme's environment
def on_config(config):
    theme = config.theme
    make_environment = type(theme).get_env

    def get_env() -> jinja2.Environment:
        env = make_environment(theme)
        own = theme.custom_dir and os.path.abspath(theme.custom_dir)
        env.loader = _ThemeLoader([os.path.abspath(d) for d in theme.dirs], own)
        env.bytecode_cache = COMPILED
        return env

    # MkDocs makes the theme's environment several times per site, and once per site it
    # lists every file of the theme: here both come from what this process already has.
    theme.get_env = get_env
    return config


def on_pre_build(config) -> None:
    # The client's name, escaped once and marked so: Material writes the site name both as
    # it is and through its escape filter, and a name may hold "<" or "&". Here, after every
    # on_config (the preview's sets the name).
    config.site_name = escape(config.site_name)
    # Every page's head advertises the feed, where the site has one (see site_overrides/main.html).
    config.extra["svcsite_feed"] = (Path(config.docs_dir) / "feed.xml").is_file()


def on_page_context(context, page, config, nav):
    # The language switch leads to the same page in the other language (contract 13).
    for alternate in config.extra.get("alternate") or ():
        if "root" in alternate:
            alternate["link"] = alternate["root"] + page.url
    return context


def _alternate_roots(output: str, config) -> str:
    """The head's alternate links name each language's site root, not the page: Material
    reads each one's sitemap.xml (to keep the page when the language is switched), which is
    at the root. The switch in the header keeps the page's own link. (Attributes in any
    order: a password site's page is written again by its plugin.)"""
    alternates = [a for a in config.extra.get("alternate") or () if "root" in a]
    if not alternates:
        return output

    def rooted(match: re.Match[str]) -> str:
        tag = match.group(0)
        for alternate in alternates:
            link = f'href="{escape(alternate["link"])}"'
            if 'rel="alternate"' in tag and f'hreflang="{escape(alternate["lang"])}"' in tag:
                return tag.replace(link, f'href="{escape(alternate["root"])}"')
        return tag

    return _LINK.sub(rooted, output)


def _encrypted(config) -> bool:
    return "encryptcontent" in config.plugins


@event_priority(100)  # before encryptcontent keeps the page's HTML to encrypt
def on_page_content(html, page, config, files):
    if _encrypted(config):
        return _spliced(html, page, config)
    return html


def on_post_page(output, page, config):
    output = _alternate_roots(output, config)
    if _encrypted(config):
        return output
    return _spliced(output, page, config)
