"""Sites: one complete MkDocs + Material site per client, from that client's pages."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from generator.inputs import Inputs
from generator.metrics import Figures
from generator.pages import client_pages

MKDOCS_FILE = Path("mkdocs.yml")
CONTENT_DIR = Path("content")
DEFAULT_BASE_URL = "http://localhost:8000/"


def site_url(inputs: Inputs, client_id: str) -> str:
    base = inputs.config.site_url or DEFAULT_BASE_URL
    return f"{base.rstrip('/')}/{client_id}/"


def write_docs(pages: dict[str, str], client_id: str, docs_dir: Path) -> None:
    """The hand-written content (shared, then the client's own) and the generated pages."""
    for source in (CONTENT_DIR / "shared", CONTENT_DIR / "clients" / client_id):
        if source.is_dir():
            shutil.copytree(source, docs_dir, dirs_exist_ok=True)
    for relative, markdown in pages.items():
        path = docs_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(markdown, encoding="utf-8")


def build_client_site(inputs: Inputs, figures: Figures, client_id: str, site_dir: Path) -> None:
    client = inputs.config.client(client_id)
    pages = client_pages(inputs, figures, client)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="svcsite-docs-") as docs:
        write_docs(pages, client_id, Path(docs))
        config = load_config(
            config_file=str(MKDOCS_FILE),
            docs_dir=docs,
            site_dir=str(site_dir),
            site_name=client.name,
            site_url=site_url(inputs, client_id),
            hooks=[],  # the hook regenerates pages for `mkdocs serve`; here they are written
            watch=[],
        )
        mkdocs_build(config)
