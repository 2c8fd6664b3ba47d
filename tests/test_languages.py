"""Languages (contract 13): a client's site in each of its languages, the catalog complete,
and the English site as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import CLIENTS_YML, write
from generator.build import build
from generator.errors import InputError
from generator.inputs.read import read_inputs
from generator.site import i18n

AS_OF = "2026-10-31T23:59"
POT = i18n.LOCALE_DIR / "messages.pot"


def with_languages(data: Path, client_id: str, languages: str) -> None:
    text = (data / "clients.yml").read_text(encoding="utf-8")
    text = text.replace(f"- id: {client_id}\n", f"- id: {client_id}\n    languages: {languages}\n")
    write(data / "clients.yml", text)


def test_a_client_is_in_english_unless_it_says_otherwise(portfolio: Path) -> None:
    with_languages(portfolio, "kowloon-school", "[zh-Hant, en]")
    config = read_inputs(portfolio).config
    assert config.client("harbour-tower").languages == ["en"]
    assert config.client("kowloon-school").languages == ["zh-Hant", "en"]


@pytest.mark.parametrize(
    ("languages", "message"),
    [
        ("[en, fr]", "clients[0].languages[1]: Input should be 'en' or 'zh-Hant' (got 'fr')"),
        ("[en, en]", "clients[0].languages: each language once"),
        ("[]", "clients[0].languages"),
    ],
)
def test_an_unknown_language_is_named_by_its_key_path(
    portfolio: Path, languages: str, message: str
) -> None:
    with_languages(portfolio, "harbour-tower", languages)
    with pytest.raises(InputError) as raised:
        read_inputs(portfolio)
    assert any(message in str(problem) for problem in raised.value.problems)


def _catalog(language: str):
    with i18n.catalog_path(i18n.LANGUAGES[language]).open("rb") as po:
        return read_po(po)


@pytest.mark.parametrize("language", [c for c, lang in i18n.LANGUAGES.items() if lang.catalog])
def test_every_message_is_translated(language: str) -> None:
    """No message of the template without a translation, and none merely guessed (fuzzy)."""
    with POT.open("rb") as pot:
        wanted = {message.id for message in read_po(pot) if message.id}
    catalog = _catalog(language)
    translated = {
        message.id
        for message in catalog
        if message.id
        and "fuzzy" not in message.flags
        and all(message.string if isinstance(message.string, tuple) else [message.string])
    }
    assert sorted(wanted - translated) == []


@pytest.mark.parametrize("language", [c for c, lang in i18n.LANGUAGES.items() if lang.catalog])
def test_a_translation_keeps_the_placeholders_of_its_message(language: str) -> None:
    placeholder = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}")
    for message in _catalog(language):
        if message.id and isinstance(message.id, str):
            assert set(placeholder.findall(message.string)) == set(
                placeholder.findall(message.id)
            ), message.id


@pytest.fixture
def bilingual(portfolio: Path, in_repo: Path, tmp_path: Path) -> Path:
    """harbour-tower in English then Chinese, kowloon-school in Chinese then English."""
    with_languages(portfolio, "harbour-tower", "[en, zh-Hant]")
    with_languages(portfolio, "kowloon-school", "[zh-Hant, en]")
    out = tmp_path / "site"
    assert build(portfolio, out, as_of=AS_OF) == 0
    return out


def _lang(page: Path) -> str:
    found = re.search(r'<html lang="([^"]+)"', page.read_text(encoding="utf-8"))
    assert found is not None
    return found.group(1)


def test_each_language_is_a_site_of_its_own(bilingual: Path) -> None:
    assert _lang(bilingual / "harbour-tower" / "index.html") == "en"
    assert _lang(bilingual / "harbour-tower" / "zh" / "incidents" / "index.html") == "zh-Hant"
    assert _lang(bilingual / "kowloon-school" / "index.html") == "zh-Hant"
    assert _lang(bilingual / "kowloon-school" / "en" / "incidents" / "index.html") == "en"
    for site in ("harbour-tower", "harbour-tower/zh", "kowloon-school", "kowloon-school/en"):
        assert (bilingual / site / "search" / "search_index.json").is_file()
        assert (bilingual / site / "sitemap.xml").is_file()


def test_the_language_switch_leads_to_the_same_page(bilingual: Path) -> None:
    page = (bilingual / "harbour-tower" / "incidents" / "index.html").read_text(encoding="utf-8")
    links = dict(re.findall(r'<a href="([^"]+)" hreflang="([^"]+)" class="md-select__link"', page))
    assert links == {"/harbour-tower/incidents/": "en", "/harbour-tower/zh/incidents/": "zh-Hant"}
    page = (bilingual / "kowloon-school" / "en" / "index.html").read_text(encoding="utf-8")
    links = dict(re.findall(r'<a href="([^"]+)" hreflang="([^"]+)" class="md-select__link"', page))
    assert links == {"/kowloon-school/": "zh-Hant", "/kowloon-school/en/": "en"}


def _english(site: Path) -> dict[str, bytes]:
    """The English site's files without the language switch (its one difference), white
    space collapsed (the switch's template leaves blank lines)."""
    switch = re.compile(
        rb'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">'
        rb'|<div class="md-header__option">\s*<div class="md-select">.*?</ul>\s*</div>\s*</div>\s*</div>',
        re.DOTALL,
    )
    return {
        path.relative_to(site).as_posix(): re.sub(rb"\s+", b" ", switch.sub(b"", path.read_bytes()))
        for path in sorted(site.rglob("*"))
        if path.is_file()
        and not path.relative_to(site).as_posix().startswith("zh/")
        and path.suffix != ".gz"
    }


def test_adding_a_language_changes_nothing_of_the_english_site(
    portfolio: Path, bilingual: Path, tmp_path: Path
) -> None:
    write(portfolio / "clients.yml", CLIENTS_YML)
    english = tmp_path / "english"
    assert build(portfolio, english, as_of=AS_OF, clients=["harbour-tower"]) == 0
    before, after = _english(english / "harbour-tower"), _english(bilingual / "harbour-tower")
    assert sorted(before) == sorted(after)
    assert [name for name in before if before[name] != after[name]] == []
