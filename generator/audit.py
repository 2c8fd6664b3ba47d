"""`svcsite audit`: scan built client sites for what must never be there (contract 8).

Every file of a client's site is read as text (pages, search index, sitemap, assets) and
checked for any other client's id, name or site names; each page is checked for resources
loaded from another host.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from generator.config import Client, Config

# Elements whose src/href make the browser fetch something (links a reader clicks do not).
_FETCHING = re.compile(
    r"<(?:script|img|iframe|source|video|audio|embed|track|input)\b[^>]*?\bsrc\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)"
    r"|<link\b[^>]*?\bhref\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)"
    r"|<object\b[^>]*?\bdata\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)",
    re.IGNORECASE,
)
_CSS_URL = re.compile(r"url\(\s*[\"']?((?:https?:)?//[^\"')\s]+)", re.IGNORECASE)
_TEXT_SUFFIXES = {
    ".html",
    ".htm",
    ".js",
    ".json",
    ".xml",
    ".css",
    ".txt",
    ".csv",
    ".md",
    ".svg",
    ".map",
}
# A `<link>` to the site's own canonical address is not a fetch from another host.
_NON_FETCHING_REL = re.compile(r"rel\s*=\s*[\"']?(?:canonical|alternate)", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


def _identifiers(client: Client) -> list[str]:
    """What names a client: its id, its name and its sites' names (ids of sites are too
    short and generic to search for reliably)."""
    return [client.id, client.name, *(site.name for site in client.sites)]


def _foreign_pattern(config: Config, client_id: str | None) -> re.Pattern[str] | None:
    """Any identifier of a client other than `client_id` (None: of any client)."""
    own = (
        {text.casefold() for text in _identifiers(config.client(client_id))} if client_id else set()
    )
    foreign = {
        text
        for client in config.clients
        if client.id != client_id
        for text in _identifiers(client)
        if text.casefold() not in own and len(text) >= 4
    }
    if not foreign:
        return None
    alternatives = sorted(foreign, key=len, reverse=True)
    return re.compile(
        r"(?<![\w-])(?:" + "|".join(map(re.escape, alternatives)) + r")(?![\w-])", re.IGNORECASE
    )


def audit_sites(site_dir: Path, config: Config) -> list[Finding]:
    """Every finding in every client site under `site_dir`, and in the landing pages."""
    findings: list[Finding] = []
    for client in config.clients:
        client_dir = site_dir / client.id
        if client_dir.is_dir():
            findings += audit_client(client_dir, config, client.id)
    everyone = _foreign_pattern(config, None)
    for landing in ("index.html", "404.html", "robots.txt"):
        path = site_dir / landing
        if path.is_file() and everyone is not None:
            match = everyone.search(_readable(path))
            if match:
                findings.append(Finding(str(path), f"names a client: {match.group(0)!r}"))
    return findings


def audit_client(client_dir: Path, config: Config, client_id: str) -> list[Finding]:
    pattern = _foreign_pattern(config, client_id)
    findings = []
    for path in sorted(
        p for p in client_dir.rglob("*") if p.is_file() and p.suffix.lower() in _TEXT_SUFFIXES
    ):
        text = _readable(path)
        if pattern is not None:
            match = pattern.search(text)
            if match:
                findings.append(Finding(str(path), f"names another client: {match.group(0)!r}"))
        if path.suffix.lower() in {".html", ".htm", ".css"}:
            findings += [
                Finding(str(path), f"loads from another host: {url}")
                for url in _external_fetches(text)
            ]
    return findings


def _readable(path: Path) -> str:
    """The file's text with HTML entities and JSON escapes resolved, so that an escaped name
    is found as readily as a plain one."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    unescaped = html.unescape(text)
    if path.suffix.lower() == ".json":
        with contextlib.suppress(ValueError):
            unescaped = json.dumps(json.loads(text), ensure_ascii=False)
    return text + "\n" + unescaped


def _external_fetches(text: str) -> list[str]:
    urls = []
    for match in _FETCHING.finditer(text):
        tag_text = match.group(0)
        if match.group(2) and _NON_FETCHING_REL.search(tag_text):
            continue
        urls.append(next(group for group in match.groups() if group))
    urls += _CSS_URL.findall(text)
    return sorted(set(urls))
