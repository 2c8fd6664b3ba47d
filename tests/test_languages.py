"""Languages (contract 13): a client's site in each of its languages, the catalog complete,
and the English site as it was."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import CLIENTS_YML, INCIDENTS, REPO, write
from generator.build import build
from generator.errors import InputError
from generator.inputs.read import read_inputs
from generator.safety.audit import audit_sites
from generator.site import i18n
from generator.site.client_site import handwritten_pages

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


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """harbour-tower in English then Chinese, kowloon-school in Chinese then English (built
    once for the tests of this module)."""
    root = tmp_path_factory.mktemp("bilingual")
    data = root / "data"
    write(data / "clients.yml", CLIENTS_YML)
    write(data / "incidents.csv", INCIDENTS)
    with_languages(data, "harbour-tower", "[en, zh-Hant]")
    with_languages(data, "kowloon-school", "[zh-Hant, en]")
    out = root / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        assert build(data, out, as_of=AS_OF) == 0
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
    portfolio: Path, bilingual: Path, tmp_path: Path, in_repo: Path
) -> None:
    write(portfolio / "clients.yml", CLIENTS_YML)
    english = tmp_path / "english"
    assert build(portfolio, english, as_of=AS_OF, clients=["harbour-tower"]) == 0
    before, after = _english(english / "harbour-tower"), _english(bilingual / "harbour-tower")
    assert sorted(before) == sorted(after)
    assert [name for name in before if before[name] != after[name]] == []


# Words a Chinese page may hold in Latin letters: codes, units and names that are not English
# interface text (the records themselves are shown as given and are not looked at here).
LATIN_ALLOWED = {"SLA", "HK", "CSV", "PDF", "HKID", "Cap", "x", "pp"}
FILE_NAME = re.compile(r"\b[\w-]+\.(?:csv|json|pdf|xml|ics)\b")


def _interface_text(page: str) -> list[str]:
    """What the interface says on a page: table heads, navigation, headings, captions and
    the titles, axes and legends of its charts (not the records' own cells)."""
    texts = re.findall(r"<th[^>]*>(.*?)</th>", page)
    texts += re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', page, re.DOTALL)
    texts += re.findall(r"<h[1-3][^>]*>(.*?)<", page)
    texts += re.findall(r"<figcaption>(.*?)</figcaption>", page)
    texts += re.findall(r"<summary>(.*?)</summary>", page)
    for spec in re.findall(r'data-spec="([^"]+)"', page):
        decoded = json.loads(html.unescape(spec))
        # Titles and the series a legend names (the records' own categories are data).
        shown = {"title", "subtitle", "measure", "status", "outcome", "against"}
        texts += [value for key, value in _pairs(decoded) if key in shown]
    return [text for text in texts if isinstance(text, str)]


def _pairs(value, key=None):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _pairs(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from _pairs(item, key)
    else:
        yield key, value


@pytest.mark.parametrize(
    "page",
    [
        "index.html",
        "incidents/index.html",
        "availability/index.html",
        "reports/2026-10/index.html",
        "agreement/index.html",
        "annual-review/index.html",
        "sites/index.html",
        "maintenance/index.html",
        "complaints/index.html",
        "actions/index.html",
        "training/index.html",
        "compliance/index.html",
        "downloads/index.html",
        "reports/index.html",
    ],
)
def test_a_chinese_page_has_no_english_interface_word(bilingual: Path, page: str) -> None:
    text = (bilingual / "harbour-tower" / "zh" / page).read_text(encoding="utf-8")
    # Hand-written pages (content/) and the client's name are shown as they are written.
    given = {page.title for page in handwritten_pages("harbour-tower")}
    given.add(read_inputs(bilingual.parent / "data").config.client("harbour-tower").name)
    words = {
        word
        for shown in _interface_text(text)
        if html.unescape(shown).strip() not in given
        for word in re.findall(
            r"[A-Za-z]{2,}", FILE_NAME.sub(" ", re.sub(r"<[^>]+>|&\w+;", " ", shown))
        )
    }
    assert sorted(words - LATIN_ALLOWED) == []


def test_a_password_client_is_encrypted_in_each_language(
    portfolio: Path, in_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_languages(portfolio, "harbour-tower", "[en, zh-Hant]")
    text = (portfolio / "clients.yml").read_text(encoding="utf-8")
    text = text.replace(
        "    reporting: monthly\n", "    reporting: monthly\n    password_env: HT_PW\n", 1
    )
    write(portfolio / "clients.yml", text)
    monkeypatch.setenv("HT_PW", "correct horse battery staple")
    out = tmp_path / "site"
    assert build(portfolio, out, as_of=AS_OF, clients=["harbour-tower"]) == 0
    for site, words in [("harbour-tower", "Incidents"), ("harbour-tower/zh", "事故")]:
        # Each language has its own search index, encrypted: no record, no heading in it.
        index = (out / site / "search" / "search_index.json").read_text(encoding="utf-8")
        assert "INC-1" not in index and "Camera 3 offline" not in index
        assert "encryptcontent" in json.loads(index).get("config", {}) or words not in index
        page = (out / site / "reports" / "2026-10" / "index.html").read_text(encoding="utf-8")
        assert "INC-1" not in page and "Camera 3 offline" not in page
        assert "encrypted_content" in page or "encryptcontent" in page


def test_the_audit_checks_every_language(bilingual: Path, tmp_path: Path) -> None:
    """Another client's name in a Chinese page, a phone number in the search index of a
    second language (English under a Chinese-first site): each found, as in a main one."""
    site = tmp_path / "site"
    shutil.copytree(bilingual, site)
    inputs = read_inputs(bilingual.parent / "data")
    assert audit_sites(site, inputs.config, inputs) == []
    page = site / "harbour-tower" / "zh" / "incidents" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<p>Kowloon Bay Secondary School</p>")
    index = site / "kowloon-school" / "en" / "search" / "search_index.json"
    text = index.read_text(encoding="utf-8")
    planted = '"docs":[{"location":"x/","title":"Call 9123 4567","text":""},'
    index.write_text(text.replace('"docs":[', planted, 1), encoding="utf-8")
    found = {
        (Path(f.file).relative_to(site).as_posix(), f.reason.split(" ")[0])
        for f in audit_sites(site, inputs.config, inputs)
    }
    assert ("harbour-tower/zh/incidents/index.html", "names") in found
    assert any(path == "kowloon-school/en/search/search_index.json" for path, _ in found), found


def test_a_hand_written_page_may_have_a_variant_per_language(tmp_path: Path) -> None:
    write(tmp_path / "shared" / "about.md", "# About these reports\n")
    write(tmp_path / "shared" / "about.zh.md", "# 關於這些報告\n")
    write(tmp_path / "clients" / "harbour-tower" / "minutes-2026-10-08.md", "# Minutes\n")

    def pages(language: str) -> list[tuple[str, str]]:
        found = handwritten_pages("harbour-tower", tmp_path, language)
        return [(page.path, page.title) for page in found]

    assert pages("en") == [
        ("about.md", "About these reports"),
        ("minutes-2026-10-08.md", "Minutes"),
    ]
    assert pages("zh-Hant") == [("about.md", "關於這些報告"), ("minutes-2026-10-08.md", "Minutes")]
    # What the site is made from (its fingerprint): every file.
    assert [path for path, _ in pages("*")] == ["about.md", "about.zh.md", "minutes-2026-10-08.md"]
