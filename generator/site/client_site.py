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

import pandas as pd
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from generator import __version__
from generator.figures.metrics import Figures
from generator.figures.report import client_metrics, metrics_json
from generator.inputs.config import Client
from generator.inputs.minutes import CONTENT_DIR
from generator.inputs.read import Inputs
from generator.site import charts, pdf
from generator.site import hook as site_hook
from generator.site.pages import client_documents
from generator.site.pdf import PrintJob
from generator.site.render import render
from generator.site.urls import site_url

MKDOCS_FILE = Path("mkdocs.yml")
THEME_DIR = Path("site_overrides")
SITE_HOOK = Path(site_hook.__file__)
BUNDLE = "assets/javascripts/vega-bundle.js"
# Generated pages, in the order of the navigation; hand-written pages follow.
NAV = [
    {"Overview": "index.md"},
    {"Service reports": "reports/index.md"},
    {"Annual review": "annual-review.md"},
    {"Incidents": "incidents.md"},
    {"Maintenance": "maintenance.md"},
    {"Complaints and feedback": "complaints.md"},
    {"System availability": "availability.md"},
    {"Sites": "sites/index.md"},
    {"Improvement actions and meetings": "actions.md"},
    {"Service agreement and methodology": "agreement.md"},
    {"Training": "training.md"},
    {"Licence and compliance": "compliance.md"},
    {"Downloads": "downloads.md"},
]


@dataclass(frozen=True)
class HandWritten:
    """A hand-written Markdown page of `content/`: where it goes and its title."""

    path: str
    title: str
    source: Path


def handwritten_pages(client_id: str, content_dir: Path = CONTENT_DIR) -> list[HandWritten]:
    """`content/shared/` (every client) then `content/clients/<id>/` (this client only). A
    hand-written page with the path of a generated one replaces it."""
    pages = []
    for folder in (content_dir / "shared", content_dir / "clients" / client_id):
        if folder.is_dir():
            for source in sorted(folder.rglob("*")):
                if source.is_file():
                    relative = source.relative_to(folder).as_posix()
                    pages.append(HandWritten(relative, _title(source), source))
    return pages


def _title(path: Path) -> str:
    if path.suffix == ".md":
        # A page that is not UTF-8 fails its client's MkDocs build, which names it; not here.
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return path.stem.replace("-", " ").capitalize()


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
    nav: list[dict[str, object]] = list(NAV)
    if minutes:  # newest first, in a group of their own, after the actions
        after = next(i for i, item in enumerate(nav) if "actions.md" in item.values()) + 1
        nav.insert(after, {"Meeting minutes": minutes[::-1]})
    return nav + other


class ClientBuildError(Exception):
    """This client's site cannot be built; the others can."""


def plugins(client: Client, work_dir: Path) -> list[object]:
    """Search, and with `password_env` the encryption of every page and the search index."""
    if client.password_env is None:
        return ["search"]
    password = os.environ.get(client.password_env)
    if not password:
        raise ClientBuildError(
            f"{client.id}: the environment variable {client.password_env} (its password_env) is not set"
        )
    return [
        "search",
        {
            "encryptcontent": {
                "global_password": password,
                "search_index": "encrypted",
                # One origin (GitHub Pages) serves every client: keys must not be shared.
                "remember_prefix": f"svcsite-{client.id}-",
                "session_storage": True,
                "cache_file": str(work_dir / "encryptcontent.cache"),
                "title_prefix": "",
                "summary": "This service report is confidential.",
                "placeholder": "Password",
                "password_button": True,
                "password_button_text": "Open",
                "encryption_info_message": "Enter the password your service manager gave you.",
                "decryption_failure_message": "That password is not right.",
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


def prepare_client(
    inputs: Inputs, figures: Figures, client_id: str, records: dict[str, pd.DataFrame]
) -> PreparedSite:
    client = inputs.config.client(client_id)
    handwritten = handwritten_pages(client_id)
    printing = pdf.engine() is not None
    pages, prints = client_documents(inputs, figures, client, records, handwritten, printing)
    return PreparedSite(client, pages, handwritten, prints)


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
    for page in handwritten_pages(client_id):
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


def build_client_site(prepared: PreparedSite, inputs: Inputs, site_dir: Path) -> None:
    """Build one client's complete site into `site_dir`; ClientBuildError if it cannot be."""
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="svcsite-docs-") as work:
        docs = Path(work) / "docs"
        write_docs(prepared.pages, prepared.handwritten, docs)
        settings = mkdocs_settings(prepared, inputs, docs, site_dir, Path(work))
        try:
            mkdocs_build(load_config(config_file=str(MKDOCS_FILE), **settings))
        except Exception as error:  # the client's content or the theme: this client only
            raise ClientBuildError(
                f"{prepared.client.id}: MkDocs could not build its site "
                f"({type(error).__name__}: {error})"
            ) from error


def print_review_pack(prepared: PreparedSite, site_dir: Path, cache_dir: Path) -> int:
    """Print the PDFs of a built site (see generator.site.pdf); return how many were printed
    rather than taken from the cache. ClientBuildError if they cannot be."""
    if not prepared.prints:
        return 0
    try:
        return pdf.print_pdfs(site_dir, prepared.prints, prepared.client.name, cache_dir)
    except pdf.PrintError as error:
        raise ClientBuildError(f"{prepared.client.id}: {error}") from None


def mkdocs_settings(
    prepared: PreparedSite, inputs: Inputs, docs_dir: Path, site_dir: Path, work_dir: Path
) -> dict[str, object]:
    """What one client's site sets over mkdocs.yml."""
    client = prepared.client
    return {
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "plugins": plugins(client, work_dir),
        "site_name": client.name,
        "site_url": site_url(inputs, client.id),
        "nav": navigation(prepared.handwritten),
        "copyright": html.escape(
            f"Prepared by {inputs.config.provider.name}. Confidential to {client.name}."
        ),
        # Not preview_hook.py, which generates the pages for `mkdocs serve`: here they are written.
        "hooks": [str(SITE_HOOK)],
        "watch": [],
    }


def write_root(out_dir: Path) -> None:
    """The published root: names no client, and keeps search engines out."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "index.html").write_text(render("root/index.html.j2"), encoding="utf-8")
    (out_dir / "404.html").write_text(render("root/404.html.j2"), encoding="utf-8")
    (out_dir / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
