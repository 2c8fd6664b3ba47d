"""The PDF of each service report and of the annual review, for the
senior review meeting: printed by the system Chromium (through Playwright) from the built
page, after MkDocs, with a lean print stylesheet (not Material's), the charts drawn as SVG
by the site's own Vega bundle (vector in the PDF), page numbers and "Confidential to
<client>" on every page.

Chromium, not WeasyPrint: on the demo a report took 0.07 s to print in a browser kept open,
against 0.3-0.4 s in WeasyPrint with the same stylesheet; and the charts need no vl-convert
in the build's worker processes, where it deadlocks once the parent has used it (the parent
makes the Vega bundle with it before forking).

A PDF is kept in `build/pdf-cache/`, named by the hash of everything it is printed from (its
HTML, header, footer and the browser): a rebuild reprints only the reports that changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any

from generator.site.render import render

ENGINE_VARIABLE = "SVCSITE_CHROMIUM"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = (
    "install Chromium and poppler's pdftotext (Debian or Ubuntu: apt-get install chromium "
    f"poppler-utils), or set {ENGINE_VARIABLE} to a Chrome or Chromium executable"
)
PDF_FOLDER = "downloads/reports"
CACHE_DAYS = 30
ANNUAL = "annual-review"
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*)</article>', re.S)
# Left out of print: the records behind a period (on the site and in its CSV downloads), the
# charts' data tables (the chart is drawn), permanent links, and the link to the PDF itself.
_NOT_PRINTED = re.compile(
    r'<details class="svc-(?:records|chart__data)".*?</details>'
    r'|<a class="headerlink"[^>]*>.*?</a>'
    r'|<p class="svc-pdf-link">.*?</p>',
    re.S,
)
_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) \()(D:\d{14}[^)]*)\)")
_SCRIPTS = ("assets/javascripts/vega-bundle.js", "assets/javascripts/charts.js")
_DRAWN = """() => [...document.querySelectorAll('.svc-chart__canvas')]
  .every(e => ['true', 'error'].includes(e.getAttribute('data-drawn')))"""


class PrintError(Exception):
    """The PDFs of a client could not be printed."""


@dataclass(frozen=True)
class PrintJob:
    """One PDF: the built page it is printed from and where it goes, relative to the site."""

    page: str  # e.g. "reports/2026-10/index.html"
    pdf: str  # e.g. "downloads/reports/2026-10.pdf"


def pdf_path(name: str) -> str:
    """Where the PDF of a report (its period's label) or of the annual review is published."""
    return f"{PDF_FOLDER}/{name}.pdf"


@cache
def engine() -> str | None:
    """The Chrome or Chromium executable that prints the PDFs ($SVCSITE_CHROMIUM, else the
    first on PATH), or None: then no PDF is made and the pages say so. The audit reads the
    PDFs with pdftotext: without it, none is printed either."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return None
    if shutil.which("pdftotext") is None:
        return None
    wanted = os.environ.get(ENGINE_VARIABLE)
    candidates = [wanted] if wanted else [shutil.which(name) for name in BROWSERS]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK) and Path(candidate).is_file():
            return str(Path(candidate).resolve())
    return None


@cache
def engine_identity() -> str:
    """What a PDF is printed with, for the build fingerprints and the cache: the browser's
    file (its path, size and time), or 'none'."""
    path = engine()
    if path is None:
        return "none"
    status = Path(path).stat()
    return f"{path} {status.st_size} {status.st_mtime_ns} {_fonts()}"


# fontconfig's name of each language the sites are printed in, where Latin fonts do not do.
_FONT_LANGUAGES = {"zh-Hant": "zh-tw"}


def missing_fonts(languages: set[str]) -> list[str]:
    """The languages of `languages` no installed font can print (their PDFs would show empty
    boxes); none when fontconfig cannot be asked."""
    lister = shutil.which("fc-list")
    if lister is None:
        return []
    return [
        code
        for code in sorted(languages)
        if code in _FONT_LANGUAGES
        and not subprocess.run(
            [lister, f":lang={_FONT_LANGUAGES[code]}"], capture_output=True, check=False
        ).stdout.strip()
    ]


def _fonts() -> str:
    """A digest of the fonts installed (fontconfig's list): a PDF printed before a font was
    added (Chinese text drawn as empty boxes) is printed again, not taken from the cache."""
    lister = shutil.which("fc-list")
    if lister is None:
        return "no fc-list"
    listed = subprocess.run(
        [lister, "--format", "%{file} %{family}\n"], capture_output=True, text=True, check=False
    ).stdout
    return hashlib.sha256("\n".join(sorted(listed.splitlines())).encode()).hexdigest()


def print_pdfs(
    site_dir: Path, jobs: Sequence[PrintJob], confidential_to: str, cache_dir: Path
) -> int:
    """Print each job's page of the built site into its PDF; return how many were printed
    (the others came from the cache)."""
    documents = [(job, _document(site_dir, job)) for job in jobs]
    footer = render("print/footer.html.j2", client=confidential_to)
    keys = {job.pdf: _key(site_dir, document, footer) for job, document in documents}
    missing = [
        (job, doc) for job, doc in documents if not _cached(cache_dir, keys[job.pdf]).is_file()
    ]
    if missing:  # in the thread that owns this process's browser
        _thread().submit(_print, site_dir, missing, footer, cache_dir, keys).result()
    for job, _ in documents:
        target = site_dir / job.pdf
        target.parent.mkdir(parents=True, exist_ok=True)
        cached = _cached(cache_dir, keys[job.pdf])
        shutil.copyfile(cached, target)
        os.utime(cached)  # in use: kept by _prune
    _prune(cache_dir)
    return len(missing)


@cache
def _prune(cache_dir: Path) -> None:
    """Once per process: remove the PDFs no build has used for CACHE_DAYS days."""
    cutoff = time.time() - CACHE_DAYS * 86_400
    for path in cache_dir.glob("*/*.pdf"):
        with contextlib.suppress(OSError):  # another worker's prune took it first
            if path.stat().st_mtime < cutoff:
                path.unlink()


def _document(site_dir: Path, job: PrintJob) -> str:
    """The printed part of a built page: its article, less what is not printed."""
    page = (site_dir / job.page).read_text(encoding="utf-8")
    found = _ARTICLE.search(page)
    if found is None:
        raise PrintError(f"{job.page}: no article to print")
    return _NOT_PRINTED.sub("", found.group(1))


def _dated(pdf: bytes) -> bytes:
    """The PDF dated by SOURCE_DATE_EPOCH (the build sets it to the as-of time), not by the
    moment it was printed: the same inputs give the same bytes. Same length, same offsets."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return pdf
    stamp = time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(int(epoch))).encode()

    def dated(match: re.Match[bytes]) -> bytes:  # only where the length stays (the offsets)
        same = len(match.group(2)) == len(stamp)
        return match.group(1) + (stamp if same else match.group(2)) + b")"

    return _PDF_DATE.sub(dated, pdf, count=2)


def _title(document: str) -> str:
    """The document's heading as text, for the header of its pages."""
    found = re.search(r"<h1[^>]*>(.*?)</h1>", document, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""


def _key(site_dir: Path, document: str, footer: str) -> str:
    digest = hashlib.sha256()
    dated = os.environ.get("SOURCE_DATE_EPOCH", "")
    for part in (engine_identity(), dated, render("print/shell.html.j2"), footer, document):
        digest.update(part.encode() + b"\0")
    for script in _SCRIPTS:  # what draws the charts
        digest.update((site_dir / script).read_bytes())
    return digest.hexdigest()


def _cached(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}.pdf"


def _print(
    site_dir: Path,
    documents: list[tuple[PrintJob, str]],
    footer: str,
    cache_dir: Path,
    keys: dict[str, str],
) -> None:
    """Print the documents in this process's browser page: each replaces the last, and its
    charts are drawn (by the Vega bundle loaded once) before it is printed."""
    from playwright.sync_api import Error

    try:
        page = _browser_page(site_dir)
        for job, document in documents:
            title = _title(document)
            page.evaluate(
                "([html, title]) => { document.body.innerHTML = html; document.title = title;"
                " window.svcCharts.drawAll(true); }",
                [document, title],
            )
            page.wait_for_function(_DRAWN, timeout=30_000)
            pdf = page.pdf(
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template=render("print/header.html.j2", title=title),
                footer_template=footer,
                margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
            )
            cached = _cached(cache_dir, keys[job.pdf])
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(f".{os.getpid()}.part")
            partial.write_bytes(_dated(pdf))
            partial.replace(cached)
    except (Error, PrintError) as error:
        # Here, in the printing thread: the next print starts a browser afresh.
        _close({key: _SESSION.pop(key, None) for key in ("browser", "playwright", "page")})
        if isinstance(error, PrintError):
            raise
        first = str(error.message).splitlines()[0] if error.message else type(error).__name__
        raise PrintError(f"Chromium could not print its PDFs ({first})") from None


# One browser per process, kept open for every client that process builds (starting one
# costs about a second, a PDF a tenth of that), and driven from one thread of its own: the
# Playwright sync API refuses to run where an asyncio loop runs (a test's own browser), and a
# browser belongs to the thread that started it. Closed by close_browser(), or when the
# process ends (a worker of the build's pool, after its last client). A forked process
# starts its own (the parent's thread is not in it).
_SESSION: dict[str, Any] = {}


def _thread() -> ThreadPoolExecutor:
    if _SESSION.get("pid") != os.getpid():
        _SESSION.clear()
        _SESSION["pid"] = os.getpid()
        _SESSION["thread"] = ThreadPoolExecutor(1, thread_name_prefix="svcsite-pdf")
        Finalize(None, close_browser, exitpriority=10)
    return _SESSION["thread"]


def _browser_page(site_dir: Path) -> Any:
    """The browser's page, the Vega bundle loaded (in the printing thread)."""
    if "page" in _SESSION and _SESSION["browser"].is_connected():
        return _SESSION["page"]
    from playwright.sync_api import sync_playwright

    executable = engine()
    if executable is None:
        raise PrintError(f"no browser to print the PDFs: {INSTALL_HINT}")
    playwright = sync_playwright().start()
    _SESSION["playwright"] = playwright
    browser = playwright.chromium.launch(executable_path=executable)
    _SESSION["browser"] = browser
    # As wide as the printed page (A4 less its margins), so that the charts are drawn at the
    # size they are printed.
    page = browser.new_page(viewport={"width": 690, "height": 1000})
    page.set_content(render("print/shell.html.j2"))
    for script in _SCRIPTS:  # the same in every client's site
        page.add_script_tag(content=(site_dir / script).read_text(encoding="utf-8"))
    if not page.evaluate("typeof window.vegaEmbed === 'function' && !!window.svcCharts"):
        raise PrintError(f"the site's {_SCRIPTS[0]} does not draw charts: no PDF can be printed")
    _SESSION["page"] = page
    return page


def close_browser() -> None:
    """Close this process's browser and its thread, if it has them."""
    if _SESSION.get("pid") != os.getpid():
        return
    session = dict(_SESSION)
    _SESSION.clear()  # the next print starts afresh
    thread = session["thread"]
    thread.submit(_close, session).result()
    thread.shutdown()


def _close(session: dict[str, Any]) -> None:
    browser, playwright = session.get("browser"), session.get("playwright")
    try:
        if browser is not None:
            browser.close()
    except Exception:  # already gone: nothing to close
        pass
    finally:
        if playwright is not None:
            playwright.stop()
