"""The review pack (issue 16): the Atom feed, the calendar of visits and meetings, the annual
review and the PDF of each service report, checked on the demo's built site."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from test_pages import pages_for

from conftest import CLIENTS_YML, INCIDENTS, REPO, write
from generator.build import build

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://reports.example.com/harbour-tower/"
CLIENT = "harbour-tower"


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's harbour-tower, built once for this module at its published address."""
    root = tmp_path_factory.mktemp("review-pack")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        patch.setenv("SVCSITE_SITE_URL", "https://reports.example.com/")
        assert build(REPO / "data", root / "site", clients=[CLIENT]) == 0
    return root / "site" / CLIENT


def _published(site: Path, url: str) -> Path:
    """The file of the built site that an address of it is served from."""
    assert url.startswith(BASE), url
    path = url.removeprefix(BASE).split("#")[0]
    return site / path / "index.html" if path == "" or path.endswith("/") else site / path


# ---- the feed ------------------------------------------------------------------------------


def test_the_feed_is_atom_with_a_resolving_entry_per_report_and_change(demo_site: Path) -> None:
    feed = ET.parse(demo_site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id").startswith("tag:reports.example.com,")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{BASE}feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    reports = sorted(p.name for p in (demo_site / "reports").iterdir() if p.is_dir())
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == len(ids) == len(reports) + 1  # the demo's one agreement change
    assert "tag:reports.example.com,2026-10-01:harbour-tower/reports/2026-10" in ids
    updated = [datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) for entry in entries]
    assert updated == sorted(updated, reverse=True)
    assert max(updated) == datetime.fromisoformat(feed.findtext(f"{ATOM}updated"))
    assert max(updated) <= datetime.fromisoformat("2026-11-01T00:00:00+08:00")  # the as-of time
    for entry in entries:
        assert entry.findtext(f"{ATOM}title")
        link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        page = _published(demo_site, link)
        assert page.is_file(), link
        if "#" in link:
            assert f'id="{link.split("#")[1]}"' in page.read_text(encoding="utf-8")


def test_the_feed_gives_the_report_figures(demo_site: Path) -> None:
    feed = ET.parse(demo_site / "feed.xml").getroot()
    latest = feed.find(f"{ATOM}entry")
    assert latest.findtext(f"{ATOM}title") == "Service report: October 2026"
    assert "incidents attended within target 92.0%" in latest.findtext(f"{ATOM}summary")


def test_every_page_advertises_the_feed(demo_site: Path) -> None:
    pages = list(demo_site.rglob("*.html"))
    link = re.compile(r'<link rel="alternate" type="application/atom\+xml" [^>]*href="([^"]+)"')
    for page in pages:
        found = link.search(page.read_text(encoding="utf-8"))
        assert found, page
        href = found.group(1)
        if page.name == "404.html":  # served at any depth: its links are absolute
            assert href == "/harbour-tower/feed.xml"
        else:
            assert (page.parent / href).resolve() == (demo_site / "feed.xml").resolve()


def test_a_password_protected_client_publishes_no_feed(tmp_path: Path) -> None:
    protected = CLIENTS_YML.replace(
        "    reporting: monthly\n", "    reporting: monthly\n    password_env: HT_PASSWORD\n", 1
    )
    write(tmp_path / "clients.yml", protected)
    write(tmp_path / "incidents.csv", INCIDENTS)
    pages = pages_for(tmp_path, CLIENT)
    assert "feed.xml" not in pages
    assert "publishes neither" in pages["reports/index.md"]
    open_pages = pages_for(tmp_path, "kowloon-school")
    assert open_pages["feed.xml"].startswith("<?xml")
    assert "[the feed of this site](../feed.xml)" in open_pages["reports/index.md"]
