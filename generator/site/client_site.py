"""Sites: one complete MkDocs + Material site per client, from that client's pages, and the
published root (a landing page that names no client, 404.html, robots.txt)."""

from __future__ import annotations

import hashlib
import html
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from generator import __version__
from generator.figures.metrics import Figures
from generator.figures.report import client_metrics, metrics_json
from generator.inputs.config import Client
from generator.inputs.minutes import CONTENT_DIR
from generator.inputs.read import Inputs
from generator.site import charts, i18n, pdf
from generator.site import hook as site_hook
from generator.site.i18n import N_, _
from generator.site.pages import client_documents
from generator.site.pdf import PrintJob
from generator.site.render import COMPILED, render
from generator.site.urls import site_url

MKDOCS_FILE = Path("mkdocs.yml")
THEME_DIR = Path("site_overrides")
SITE_HOOK = Path(site_hook.__file__)
BUNDLE = "assets/javascripts/vega-bundle.js"
# Generated pages, in the order of the navigation; hand-written pages follow.
NAV = [
    {N_("Overview"): "index.md"},
    {N_("Service reports"): "reports/index.md"},
    {N_("Annual review"): "annual-review.md"},
    {N_("Incidents"): "incidents.md"},
    {N_("Maintenance"): "maintenance.md"},
    {N_("Complaints and feedback"): "complaints.md"},
    {N_("System availability"): "availability.md"},
    {N_("Sites"): "sites/index.md"},
    {N_("Improvement actions and meetings"): "actions.md"},
    {N_("Service agreement and methodology"): "agreement.md"},
    {N_("Training"): "training.md"},
    {N_("Licence and compliance"): "compliance.md"},
    {N_("Downloads"): "downloads.md"},
]
# Chinese is segmented a character at a time (no word list): a search for 事故 finds the
# pages with both characters, with no dictionary to load in the build or the browser. The
# breaks fall only between two characters, never at the ends of a text (no empty words).
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
SEARCH_SEPARATOR = rf"[\s\-\u3000-\u303f\uff01-\uff0f]+|(?<=[{CJK}])(?=.)|(?<=.)(?=[{CJK}])"


@dataclass(frozen=True)
class HandWritten:
    """A hand-written Markdown page of `content/`: where it goes and its title."""

    path: str
    title: str
    source: Path


def handwritten_pages(
    client_id: str, content_dir: Path = CONTENT_DIR, language: str | None = None
) -> list[HandWritten]:
    """`content/shared/` (every client) then `content/clients/<id>/` (this client only). A
    hand-written page with the path of a generated one replaces it. A page may have a
    variant per language, named with the language's folder before its suffix
    (`about.zh.md`): the site in that language shows it in the page's place, the others
    leave it out. `language`: the site's (default: the one pages are written in now), or
    "*" for every file as it is (what a client's site is made from)."""
    code = i18n.current().code if language is None else language
    folders = {lang.folder for lang in i18n.LANGUAGES.values()}
    pages: list[HandWritten] = []
    for folder in (content_dir / "shared", content_dir / "clients" / client_id):
        if folder.is_dir():
            plain: list[HandWritten] = []
            variants: dict[str, HandWritten] = {}
            for source in sorted(folder.rglob("*")):
                if source.is_file():
                    relative = source.relative_to(folder).as_posix()
                    stem, _dot, suffix = relative.rpartition(".")
                    base, _dot, variant = stem.rpartition(".")
                    if language == "*" or not base or variant not in folders:
                        plain.append(HandWritten(relative, _title(source), source))
                    elif variant == i18n.LANGUAGES[code].folder:
                        relative = f"{base}.{suffix}"
                        variants[relative] = HandWritten(relative, _title(source), source)
            pages += [variants.get(page.path, page) for page in plain]
            pages += [
                page for path, page in variants.items() if path not in {p.path for p in plain}
            ]
    return pages


def _title(path: Path) -> str:
    if path.suffix == ".md":
        # A page that is not UTF-8 fails its client's MkDocs build, which names it; not here.
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return path.stem.replace("-", " ").capitalize()


def keep_between_runs(folder: Path) -> None:
    """Keep in `folder` (a build's or a preview's cache) what every new process would make
    again: the compiled templates and the Vega bundle."""
    COMPILED.keep_in(folder / "templates")
    charts.keep_bundle_in(folder)


def write_docs(pages: dict[str, str], handwritten: list[HandWritten], docs_dir: Path) -> None:
    """The generated pages and assets, then the hand-written content over them."""
    for relative, text in pages.items():
        path = docs_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    bundle = docs_dir / BUNDLE
    bundle.parent.mkdir(parents=True, exist_ok=True)
    bundle.write_text(charts.vega_bundle(), encoding="utf-8")
    for page in handwritten:
        target = docs_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page.source, target)


def navigation(handwritten: list[HandWritten]) -> list[dict[str, object]]:
    generated = {path for item in NAV for path in item.values()}
    extra = [
        {page.title: page.path}
        for page in handwritten
        if page.path.endswith(".md") and page.path not in generated
    ]
    minutes = [item for item in extra if "minutes" in next(iter(item.values()))]
    other = [item for item in extra if item not in minutes]
    nav: list[dict[str, object]] = [
        {_(title): path} for item in NAV for title, path in item.items()
    ]
    if minutes:  # newest first, in a group of their own, after the actions
        after = next(i for i, item in enumerate(nav) if "actions.md" in item.values()) + 1
        nav.insert(after, {_("Meeting minutes"): minutes[::-1]})
    return nav + other


class ClientBuildError(Exception):
    """This client's site cannot be built; the others can."""


def plugins(client: Client, work_dir: Path) -> list[object]:
    """Search, and with `password_env` the encryption of every page and the search index."""
    search: object = "search"
    if i18n.current().search != "en":
        search = {"search": {"lang": [i18n.current().search], "separator": SEARCH_SEPARATOR}}
    if client.password_env is None:
        return [search]
    password = os.environ.get(client.password_env)
    if not password:
        raise ClientBuildError(
            f"{client.id}: the environment variable {client.password_env} (its password_env) is not set"
        )
    return [
        search,
        {
            "encryptcontent": {
                "global_password": password,
                "search_index": "encrypted",
                # One origin (GitHub Pages) serves every client: keys must not be shared.
                "remember_prefix": f"svcsite-{client.id}-",
                "session_storage": True,
                "cache_file": str(work_dir / "encryptcontent.cache"),
                "title_prefix": "",
                "summary": _("This service report is confidential."),
                "placeholder": _("Password"),
                "password_button": True,
                "password_button_text": _("Open"),
                "encryption_info_message": _("Enter the password your service manager gave you."),
                "decryption_failure_message": _("That password is not right."),
                "encrypted_something": {"md-nav--secondary": ["nav", "class"]},
            }
        },
    ]


@dataclass(frozen=True)
class PreparedSite:
    """One client's pages, ready for MkDocs, and the PDFs to print from its built site."""

    client: Client
    pages: dict[str, str]
    handwritten: list[HandWritten]
    prints: list[PrintJob] = field(default_factory=list)
    language: str = i18n.SOURCE  # the language its pages are in


def prepare_client(
    inputs: Inputs, figures: Figures, client_id: str, records: dict[str, pd.DataFrame]
) -> PreparedSite:
    client = inputs.config.client(client_id)
    handwritten = handwritten_pages(client_id)
    printing = pdf.engine() is not None
    pages, prints = client_documents(inputs, figures, client, records, handwritten, printing)
    return PreparedSite(client, pages, handwritten, prints, i18n.current().code)


@cache
def code_digest() -> str:
    """What every site is made with: the generator's code and templates, the theme overrides,
    mkdocs.yml and the versions of MkDocs and its plugins."""
    digest = hashlib.sha256()
    for package in ("mkdocs", "mkdocs-material", "mkdocs-encryptcontent-plugin", "jinja2"):
        digest.update(f"{package} {metadata.version(package)}\n".encode())
    generator_dir = Path(__file__).parents[1]
    sources = [p for p in generator_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    sources += [p for p in THEME_DIR.rglob("*") if p.is_file()] + [MKDOCS_FILE]
    for path in sorted(sources):
        digest.update(f"{path}\n".encode() + path.read_bytes())
    return digest.hexdigest()


def input_fingerprint(inputs: Inputs, client_id: str, data: str) -> str:
    """Everything one client's site is made from, hashed before any page is rendered: its
    slice of the data and of the figures (`data`, its `data_fingerprint`), its config and
    the portfolio's, its password, its hand-written content, and the code."""
    client = inputs.config.client(client_id)
    config = inputs.config
    digest = hashlib.sha256(f"{data}\n".encode())
    digest.update(f"{__version__}\n{code_digest()}\n{site_url(inputs, client_id)}\n".encode())
    digest.update(f"{pdf.engine_identity()}\n".encode())  # a browser to print PDFs, or none
    digest.update(client.model_dump_json().encode())
    digest.update(config.provider.model_dump_json().encode())
    digest.update(f"{config.timezone}\n{sorted(inputs.quality.absent)}\n".encode())
    digest.update(config.model_dump_json(include={"calendars", "benchmarks"}).encode())
    if client.password_env:  # a new password must rebuild (only its hash is kept)
        digest.update(hashlib.sha256(os.environ.get(client.password_env, "").encode()).digest())
    for page in handwritten_pages(client_id, language="*"):
        digest.update(f"{page.path}\n".encode() + page.source.read_bytes())
    return digest.hexdigest()


def data_fingerprint(
    inputs: Inputs, figures: Figures, client_id: str, records: dict[str, pd.DataFrame]
) -> str:
    """One client's slice of the data and of the figures (with the portfolio benchmark),
    hashed: the same inputs and as-of time, the same slice."""
    client = inputs.config.client(client_id)
    digest = hashlib.sha256()
    # metrics.json: every figure of every period, the benchmark, the data counts, as_of.
    digest.update(metrics_json(client_metrics(figures, client, inputs.quality)).encode())
    if figures.warnings is not None and any(v.terms.suspend_during for v in client.sla.versions):
        # The service reports list the weather warnings, even those that stopped no clock.
        digest.update(
            pd.util.hash_pandas_object(figures.warnings, index=False).to_numpy().tobytes()
        )
    for source, frame in sorted(records.items()):
        digest.update(f"{source} {list(frame.columns)}\n".encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def language_folder(client: Client, code: str) -> str:
    """Where the site in `code` lives under the client's site: "" for its main language,
    else the language's folder followed by "/" (zh-Hant: "zh/")."""
    return i18n.folder(client.languages, code)


def build_client_site(prepared: PreparedSite, inputs: Inputs, site_dir: Path) -> None:
    """Build one client's complete site in the language of its pages into `site_dir` (its
    main language) or its language's folder there; ClientBuildError if it cannot be. The
    main language is built first: MkDocs empties its site folder."""
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    site_dir = site_dir / language_folder(prepared.client, prepared.language)
    with tempfile.TemporaryDirectory(prefix="svcsite-docs-") as work:
        docs = Path(work) / "docs"
        write_docs(prepared.pages, prepared.handwritten, docs)
        settings = mkdocs_settings(prepared, inputs, docs, site_dir, Path(work))
        try:
            config = load_config(config_file=str(MKDOCS_FILE), **settings)
            if prepared.language != i18n.SOURCE:  # Material's own words in the language
                config.theme["language"] = prepared.language
            if prepared.client.password_env is not None:
                _fresh_encryption_state()
            mkdocs_build(config)
        except Exception as error:  # the client's content or the theme: this client only
            raise ClientBuildError(
                f"{prepared.client.id}: MkDocs could not build its site "
                f"({type(error).__name__}: {error})"
            ) from error


def _fresh_encryption_state() -> None:
    """mkdocs-encryptcontent-plugin keeps its state (its keys, the path of its cache file)
    in a dict on its class, shared by every site built in one process: each password site
    (each language of a client, each client) starts from none, its cache file its own."""
    from encryptcontent.plugin import encryptContentPlugin

    encryptContentPlugin.setup = {}


def print_review_pack(prepared: PreparedSite, site_dir: Path, cache_dir: Path) -> int:
    """Print the PDFs of a built site (see generator.site.pdf); return how many were printed
    rather than taken from the cache. ClientBuildError if they cannot be."""
    if not prepared.prints:
        return 0
    try:
        return pdf.print_pdfs(
            site_dir / language_folder(prepared.client, prepared.language),
            prepared.prints,
            prepared.client.name,
            cache_dir,
        )
    except pdf.PrintError as error:
        raise ClientBuildError(f"{prepared.client.id}: {error}") from None


def mkdocs_settings(
    prepared: PreparedSite, inputs: Inputs, docs_dir: Path, site_dir: Path, work_dir: Path
) -> dict[str, object]:
    """What one client's site sets over mkdocs.yml."""
    client = prepared.client
    with i18n.language(prepared.language):
        settings: dict[str, object] = {
            "docs_dir": str(docs_dir),
            "site_dir": str(site_dir),
            "plugins": plugins(client, work_dir),
            "site_name": client.name,
            "site_url": site_url(inputs, client.id) + language_folder(client, prepared.language),
            "nav": navigation(prepared.handwritten),
            "copyright": html.escape(
                _("Prepared by {provider}. Confidential to {client}.").format(
                    provider=inputs.config.provider.name, client=client.name
                )
            ),
            # Not preview_hook.py, which generates the pages for `mkdocs serve`: here they
            # are written.
            "hooks": [str(SITE_HOOK)],
            "watch": [],
            # The feed's title in the page head (site_overrides/main.html).
            "extra": {"svcsite_feed_title": _("Service reports")},
        }
    if len(client.languages) > 1:
        settings["extra"]["alternate"] = alternates(inputs, client)  # type: ignore[index]
    return settings


def alternates(inputs: Inputs, client: Client) -> list[dict[str, str]]:
    """Material's language switch: each language's site root as a path on the server
    (`root`); the site hook makes each link the same page there (`link`)."""
    base = urlsplit(site_url(inputs, client.id)).path
    return [
        {
            "name": i18n.LANGUAGES[code].name,
            "lang": code,
            "root": base + language_folder(client, code),
            "link": base + language_folder(client, code),
        }
        for code in client.languages
    ]


def write_root(out_dir: Path) -> None:
    """The published root: names no client, and keeps search engines out."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "index.html").write_text(render("root/index.html.j2"), encoding="utf-8")
    (out_dir / "404.html").write_text(render("root/404.html.j2"), encoding="utf-8")
    (out_dir / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
