"""Languages (contract 13): which ones a site can be in, the message catalogs, and the
language the pages are being written in now.

Messages are marked once, with `_()` in Python and in the templates, extracted by Babel into
`locale/messages.pot` (`make messages`) and translated in one `.po` per language. The `.po`
is compiled in memory when a site is first built in that language (no binary `.mo` is kept
in the repository). English is the source language: its messages are the marked text as it
is, so an English site is the same whether or not other languages exist.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

from generator import N_

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


@dataclass(frozen=True)
class Language:
    code: str  # as clients.yml names it: en, zh-Hant
    folder: str  # where a second language lives under the client's site ("" for none)
    locale: str  # Babel's (CLDR) locale: dates, numbers, durations
    catalog: str | None  # the folder of its catalog under locale/ (None: the source language)
    name: str  # in the language itself, for the language switch
    search: str  # the language of Material's search (lunr)


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "en", "en", None, "English", "en"),
    "zh-Hant": Language("zh-Hant", "zh", "zh_Hant_HK", "zh_Hant", "繁體中文", "zh"),
}
SOURCE = "en"

_current: ContextVar[str] = ContextVar("svcsite_language", default=SOURCE)


def folder(languages: list[str], code: str) -> str:
    """Where a client's site in `code` lives under its site: "" for its main language (the
    first of `languages`), else the language's folder followed by "/" (zh-Hant: "zh/")."""
    return "" if code == languages[0] else f"{LANGUAGES[code].folder}/"


def catalog_path(language: Language) -> Path:
    assert language.catalog is not None
    return LOCALE_DIR / language.catalog / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(code: str) -> _gettext.NullTranslations:
    """The compiled catalog of a language (English: the messages as marked). Fuzzy entries
    are left out, as gettext does: a guess is not a translation."""
    language = LANGUAGES[code]
    if language.catalog is None:
        return _gettext.NullTranslations()
    # Babel only here: `svcsite check` names systems through this module and never compiles.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language.catalog)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


@contextmanager
def language(code: str) -> Iterator[Language]:
    """Write pages in `code` within the block."""
    token = _current.set(code)
    try:
        yield LANGUAGES[code]
    finally:
        _current.reset(token)


def current() -> Language:
    return LANGUAGES[_current.get()]


def is_source() -> bool:
    return _current.get() == SOURCE


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, count)


_ = gettext
__all__ = ["LANGUAGES", "N_", "_", "gettext", "ngettext"]
