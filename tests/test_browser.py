"""The built sites in a real browser: the demo portfolio is built once, served over HTTP on
127.0.0.1 and driven with Playwright in the system Chromium (contract sections 6 and 8).

Chromium is not optional here: CI installs it, so a missing /usr/bin/chromium fails.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import urllib.robotparser
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
import yaml
from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DASH = "–"
TIMEOUT_MS = 20_000
PASSWORD_ENV, PASSWORD = "SVCSITE_BROWSER_TEST_PASSWORD", "correct horse battery staple"

PORTFOLIO = yaml.safe_load((DATA / "clients.yml").read_text(encoding="utf-8"))
CLIENT_IDS = [client["id"] for client in PORTFOLIO["clients"]]
DEMO_CLIENT = "harbour-tower"  # the demo client with hand-written minutes in content/clients/

# The client with no records at all (test 6): one site, no row in any CSV.
EMPTY_CLIENT = {
    "id": "quiet-harbour-club",
    "name": "Quiet Harbour Club",
    "reporting": "monthly",
    "password_env": None,
    # Site ids as real exports spell them: with spaces, in Chinese (each gets a page).
    "sites": [
        {"id": "QHC1", "name": "Quiet Harbour Clubhouse", "systems": ["cctv", "access_control"]},
        {"id": "Location 143", "name": "Pier Kiosk", "systems": ["access_control"]},
        {"id": "中環分行", "name": "中環分行", "systems": ["cctv"]},
    ],
    "sla": {
        "incidents": {
            "P1": {"attend": "2h", "restore": "8h", "calendar": "24x7"},
            "P2": {"attend": "4h", "restore": "24h", "calendar": "24x7"},
            "P3": {"attend": "9h", "restore": "27h", "calendar": "business"},
            "P4": {"attend": "18h", "restore": "45h", "calendar": "business"},
        },
        "incident_target_pct": 95,
        "maintenance": {"grace_days": 7, "target_pct": 98},
        "complaints": {
            "acknowledge": "9h",
            "resolve": "90h",
            "calendar": "business",
            "target_pct": 95,
        },
        "availability_target_pct": 99.5,
    },
}

# ---------------------------------------------------------------------------------------------
# Build and serve
# ---------------------------------------------------------------------------------------------
#
# Material's instant navigation only takes over links that its sitemap.xml lists, and it maps
# the sitemap's URLs onto the current protocol and host but not the port; so, as on the
# published site, each build gets the address it is served from (`site_url` in a copy of the
# portfolio's clients.yml). Both builds start at once, each with a server already bound to a
# free port on 127.0.0.1; the server starts serving when its build is done.


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class SiteBuild:
    """`svcsite build` of a copy of the demo portfolio, then served over HTTP."""

    def __init__(
        self,
        root: Path,
        clients: tuple[str, ...] = (),
        extra: list | None = None,
        rows: dict[str, str] | None = None,
        protected: tuple[str, ...] = (),
    ):
        self.site = root / "site"
        handler = functools.partial(_QuietHandler, directory=str(self.site))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread: threading.Thread | None = None

        data = root / "data"
        shutil.copytree(DATA, data)
        config = yaml.safe_load((data / "clients.yml").read_text(encoding="utf-8"))
        config["site_url"] = f"{self.url}/"
        known = {client["id"] for client in config["clients"]}
        for client in extra or []:
            assert client["id"] not in known, f"{client['id']} is already a demo client"
            config["clients"].append(client)
        for client in config["clients"]:
            if client["id"] in protected:
                client["password_env"] = PASSWORD_ENV
        (data / "clients.yml").write_text(
            yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        for file_name, text in (rows or {}).items():  # records appended to an export
            with (data / file_name).open("a", encoding="utf-8") as export:
                export.write(text)
        jobs = str(min(4, os.cpu_count() or 1))
        self.command = [sys.executable, "-m", "generator", "build", "--data", str(data)]
        self.command += ["--out", str(self.site), "--jobs", jobs]
        for client in clients:
            self.command += ["--client", client]
        self.log = root / "build.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, PASSWORD_ENV: PASSWORD},
            )

    def ready(self) -> str:
        """Wait for the build, start serving it; the base URL (no trailing slash)."""
        if self.thread is None:
            try:
                code = self.process.wait(timeout=900)
            except subprocess.TimeoutExpired:
                self.process.kill()
                code = self.process.wait()
            if code != 0:
                output = self.log.read_text(encoding="utf-8", errors="replace")
                pytest.fail(
                    f"`{' '.join(self.command)}` (in {REPO}) exited {code}:\n{output[-4000:]}",
                    pytrace=False,
                )
            self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
            self.thread.start()
        return self.url

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.thread is not None:
            self.server.shutdown()
            self.thread.join(timeout=10)
        self.server.server_close()


@pytest.fixture(scope="session")
def builds(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, SiteBuild]]:
    """The builds the selected tests need, started together."""
    needed = set().union(*(getattr(item, "fixturenames", ()) for item in request.session.items))
    started: dict[str, SiteBuild] = {}
    try:
        if needed & {"demo_url", "demo_site"}:
            started["demo"] = SiteBuild(tmp_path_factory.mktemp("demo"))
        if "empty_url" in needed:
            started["empty"] = SiteBuild(
                tmp_path_factory.mktemp("empty-client"), (EMPTY_CLIENT["id"],), [EMPTY_CLIENT]
            )
        if "protected_url" in needed:
            started["protected"] = SiteBuild(
                tmp_path_factory.mktemp("protected"), (DEMO_CLIENT,), protected=(DEMO_CLIENT,)
            )
        if "hostile_url" in needed:
            started["hostile"] = SiteBuild(
                tmp_path_factory.mktemp("hostile"),
                ("harbour-tower", HOSTILE_CLIENT["id"]),
                [HOSTILE_CLIENT],
                rows=HOSTILE_ROWS,
            )
        yield started
    finally:
        for build in started.values():
            build.close()


@pytest.fixture(scope="session")
def demo_url(builds: dict[str, SiteBuild]) -> str:
    """Every client of the demo portfolio, built once per session and served."""
    return builds["demo"].ready()


@pytest.fixture(scope="session")
def demo_site(builds: dict[str, SiteBuild], demo_url: str) -> Path:
    return builds["demo"].site


@pytest.fixture(scope="session")
def empty_url(builds: dict[str, SiteBuild]) -> str:
    """The demo portfolio plus a client without a single record; only that client built."""
    return builds["empty"].ready()


@pytest.fixture(scope="session")
def protected_url(builds: dict[str, SiteBuild]) -> str:
    """harbour-tower alone, its site protected by a password (password_env)."""
    return builds["protected"].ready()


@pytest.fixture(scope="session")
def hostile_url(builds: dict[str, SiteBuild]) -> str:
    """harbour-tower with records whose free text is script, links and template syntax, and
    a client whose names and site id are markup."""
    return builds["hostile"].ready()


def http_get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# ---------------------------------------------------------------------------------------------
# The browser
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(apt-get install chromium); CI installs it.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Tab:
    """One page in a fresh browser context, with everything it requested and complained of."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign_requests(self, base: str) -> list[str]:
        """Requests that did not go to the local server (data: and blob: URLs stay local)."""
        origin = urlsplit(base).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).netloc != origin
        ]

    def assert_clean(self, base: str) -> None:
        assert not self.errors, "console errors or page errors:\n" + "\n".join(self.errors)
        foreign = self.foreign_requests(base)
        assert not foreign, "requests to other hosts than the local server:\n" + "\n".join(foreign)


@pytest.fixture
def tab(chromium: Any) -> Iterator[Tab]:
    context = chromium.new_context(
        viewport={"width": 1400, "height": 900}, color_scheme="light", service_workers="block"
    )
    context.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []
    errors: list[str] = []
    context.on("request", lambda request: requests.append(request.url))

    def on_console(message: Any) -> None:
        if message.type == "error":
            where = message.location or {}
            errors.append(
                f"console error on {message.page.url if message.page else '?'}: {message.text} "
                f"({where.get('url', '?')}:{where.get('lineNumber', '?')})"
            )

    def on_page(page: Any) -> None:
        page.on("pageerror", lambda error: errors.append(f"page error on {page.url}: {error}"))

    context.on("console", on_console)
    context.on("page", on_page)
    watched = Tab(context.new_page(), requests, errors)
    try:
        yield watched
    finally:
        context.close()


CHART_STATE = """() => Array.from(document.querySelectorAll('.svc-chart__canvas')).map(e => ({
    id: e.id,
    drawn: e.getAttribute('data-drawn'),
    scheme: e.getAttribute('data-scheme'),
    graphics: e.querySelectorAll('svg, canvas').length,
}))"""

CHARTS_SETTLED = """(scheme) => Array.from(document.querySelectorAll('.svc-chart__canvas')).every(
    e => (e.getAttribute('data-drawn') === 'true' || e.getAttribute('data-drawn') === 'error')
         && (!scheme || e.getAttribute('data-scheme') === scheme))"""


def assert_charts_drawn(page: Any, scheme: str | None = None) -> list[dict[str, Any]]:
    """Wait until every chart of the page is drawn (in `scheme`, when given), and say so."""
    # On a timeout, the assertions below say which chart is not drawn.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(CHARTS_SETTLED, arg=scheme, timeout=TIMEOUT_MS)
    charts = page.evaluate(CHART_STATE)
    for chart in charts:
        assert chart["drawn"] == "true", f"{page.url}: chart not drawn: {chart}"
        assert chart["graphics"] > 0, f"{page.url}: chart has no svg or canvas: {chart}"
        if scheme:
            assert chart["scheme"] == scheme, f"{page.url}: chart not drawn {scheme}: {chart}"
    return charts


ARTICLE = "article.md-content__inner"


def open_page(tab: Tab, url: str) -> Any:
    response = tab.page.goto(url, wait_until="load")
    assert response is not None, f"no response for {url}"
    assert response.status == 200, f"{url}: HTTP {response.status}"
    return response


def article_text(page: Any) -> str:
    return page.locator(ARTICLE).first.inner_text().replace("\u00a0", " ")


def robots_meta(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        'meta[name="robots"]', "elements => elements.map(e => e.getAttribute('content'))"
    )


def is_noindex_nofollow(content: str | None) -> bool:
    tokens = {token.strip().lower() for token in (content or "").split(",")}
    return {"noindex", "nofollow"} <= tokens


# ---------------------------------------------------------------------------------------------
# 1. Every page of a client loads cleanly and only from the local server
# ---------------------------------------------------------------------------------------------

PAGE_SUFFIXES = ("/", ".html")


def test_every_page_of_a_client_loads_without_errors_or_foreign_requests(
    demo_site: Path, demo_url: str, tab: Tab
) -> None:
    prefix = f"{demo_url}/{DEMO_CLIENT}/"
    queue, seen, files, visited = deque([prefix]), {prefix}, set(), []
    # Two pages load at once (the crawl is most of this module's time); each is checked in turn.
    idle, loading = [tab.page, tab.page.context.new_page()], deque()
    while queue or loading:
        while queue and idle:
            page, url = idle.pop(), queue.popleft()
            loading.append((page, url, page.goto(url, wait_until="commit")))
        page, url, response = loading.popleft()
        page.wait_for_load_state("load")
        assert response is not None and response.status == 200, f"{url}: {response}"
        visited.append(url)
        assert any(is_noindex_nofollow(c) for c in robots_meta(page)), f"{url}: no noindex"
        assert_charts_drawn(page)
        # The overview's nav leads everywhere; the reports index and the action log lead
        # to every service report and to the minutes.
        links = page.eval_on_selector_all("a[href]", "elements => elements.map(e => e.href)")
        idle.append(page)
        for link in links:
            target = urldefrag(link).url.split("?", 1)[0]
            if not target.startswith(prefix) or target in seen:
                continue
            seen.add(target)
            if target.endswith(PAGE_SUFFIXES):
                queue.append(target)
            else:
                files.add(target)

    for url in sorted(files):
        status, _ = http_get(url)
        assert status == 200, f"linked file {url}: HTTP {status}"

    # Every page of the built client was reached, including every report and the minutes.
    client_dir = demo_site / DEMO_CLIENT
    built = {
        prefix + (p.parent.relative_to(client_dir).as_posix() + "/").removeprefix("./")
        for p in client_dir.rglob("index.html")
    }
    visited_pages = {url.removesuffix("index.html") for url in visited}
    metrics = json.loads((client_dir / "downloads" / "metrics.json").read_text(encoding="utf-8"))
    reports = {f"{prefix}reports/{p['period']}/" for p in metrics["periods"]}
    minutes = {
        f"{prefix}{p.stem}/" for p in (REPO / "content" / "clients" / DEMO_CLIENT).glob("*.md")
    }
    for name in ("reports/", "incidents/", "maintenance/", "complaints/", "availability/"):
        assert prefix + name in visited_pages, f"nav does not lead to {name}"
    for name in ("actions/", "agreement/", "downloads/", "about/"):
        assert prefix + name in visited_pages, f"nav does not lead to {name}"
    assert reports <= visited_pages, f"reports not linked: {sorted(reports - visited_pages)}"
    assert minutes, "the demo client should have hand-written minutes"
    assert minutes <= visited_pages, f"minutes not linked: {sorted(minutes - visited_pages)}"
    assert built <= visited_pages, f"built pages no link leads to: {sorted(built - visited_pages)}"
    assert f"{prefix}downloads/metrics.json" in files
    tab.assert_clean(demo_url)


# ---------------------------------------------------------------------------------------------
# 2. Charts: first load, instant navigation, dark palette
# ---------------------------------------------------------------------------------------------


def nav_link(page: Any, name: str) -> Any:
    return page.locator(".md-sidebar--primary").get_by_role("link", name=name, exact=True).first


def test_charts_are_drawn_after_load_instant_navigation_and_palette_switch(
    demo_url: str, tab: Tab
) -> None:
    page = tab.page
    overview = f"{demo_url}/{DEMO_CLIENT}/"
    open_page(tab, overview)
    assert len(assert_charts_drawn(page, "light")) >= 1, "the overview has no chart"

    # Instant navigation: the window (and our marker in it) survives the page change.
    page.evaluate("window.__marker = 1")
    nav_link(page, "Incidents").click()
    page.wait_for_url(f"{overview}incidents/")
    page.locator(f"{ARTICLE} h1", has_text="Incidents").first.wait_for()
    assert page.evaluate("window.__marker") == 1, "the Incidents link did a full page load"
    assert len(assert_charts_drawn(page, "light")) >= 1, "the incidents page has no chart"

    # Dark palette: the visible toggle switches the scheme and every chart is redrawn dark.
    page.locator('label.md-header__button[for^="__palette"]:visible').first.click()
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert_charts_drawn(page, "dark")

    # Back to the overview, instantly: its charts are drawn in the dark palette straight away.
    page.locator(".md-sidebar--primary a.md-nav__link").first.click()
    page.wait_for_url(overview)
    page.locator(".svc-scorecard").first.wait_for()
    assert page.evaluate("window.__marker") == 1, "the overview link did a full page load"
    assert len(assert_charts_drawn(page, "dark")) >= 1
    tab.assert_clean(demo_url)


# ---------------------------------------------------------------------------------------------
# 3. The scorecard is metrics.json
# ---------------------------------------------------------------------------------------------

# Scorecard row (by the words of its label) -> metrics.json path, decimals, benchmark key.
HEADLINES = [
    (("attend",), ("incidents", "attend", "compliance_pct"), 1, "attend_pct"),
    (("restor",), ("incidents", "restore", "compliance_pct"), 1, "restore_pct"),
    (("maintenance",), ("maintenance", "preventive", "on_time_pct"), 1, "preventive_on_time_pct"),
    (("complaint",), ("complaints", "resolve", "compliance_pct"), 1, "complaint_resolve_pct"),
    (("availab",), ("availability", "overall_pct"), 2, "availability_pct"),
]
PERCENT = re.compile(r"-?\d+(?:\.\d+)?(?=%)")


def period_code(title: str) -> str:
    """'October 2026' -> '2026-10'; 'Q3 2026 …' -> '2026-Q3'."""
    title = " ".join(title.split())
    quarter = re.match(r"Q([1-4]) (\d{4})", title)
    if quarter:
        return f"{quarter[2]}-Q{quarter[1]}"
    return datetime.strptime(title, "%B %Y").strftime("%Y-%m")


def figure(period: dict[str, Any] | None, path: tuple[str, ...]) -> float | None:
    value: Any = period
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def shown(value: float | None, decimals: int, unit: str = "%") -> str:
    return DASH if value is None else f"{value:.{decimals}f}{unit}"


def english(client: str) -> str:
    """The folder of a client's English site: its root, or en/ where English comes second."""
    languages = next(c for c in PORTFOLIO["clients"] if c["id"] == client).get("languages", ["en"])
    return "" if languages[0] == "en" else "en/"


@pytest.mark.parametrize("client", CLIENT_IDS)
def test_scorecard_shows_the_figures_of_metrics_json(demo_url: str, tab: Tab, client: str) -> None:
    page = tab.page
    open_page(tab, f"{demo_url}/{client}/{english(client)}")
    metrics = page.evaluate("() => fetch('downloads/metrics.json').then(r => r.json())")
    assert metrics["client"] == client
    rows = page.eval_on_selector_all(
        ".svc-scorecard table tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.replace(/\\u00a0/g, ' ')"
        ".trim()))",
    )
    assert rows, "the overview has no scorecard (.svc-scorecard table)"
    header, body = rows[0], rows[1:]
    code = period_code(header[1])
    periods = [p["period"] for p in metrics["periods"]]
    assert code in periods, f"scorecard period {header[1]!r} ({code}) not in metrics.json"
    index = periods.index(code)
    current = metrics["periods"][index]
    previous = metrics["periods"][index - 1] if index > 0 else None
    change_col = next(i for i, h in enumerate(header) if "change" in h.lower())
    bench_col = next(i for i, h in enumerate(header) if "portfolio" in h.lower())

    assert len(body) == len(HEADLINES), f"scorecard rows: {[r[0] for r in body]}"
    for words, path, decimals, bench_key in HEADLINES:
        matching = [r for r in body if any(w in r[0].lower() for w in words)]
        assert len(matching) == 1, f"no single scorecard row for {path}: {[r[0] for r in body]}"
        row = matching[0]
        value = figure(current, path)
        assert row[1] == shown(value, decimals), f"{client} {code} {row[0]}: {row[1]} vs {value}"
        before = figure(previous, path)
        change = None if value is None or before is None else value - before
        assert row[change_col] == (DASH if change is None else f"{change:+.{decimals}f} pp"), (
            f"{client} {code} {row[0]} change: {row[change_col]} vs {value} - {before}"
        )
        bench = current.get("benchmark", {}).get(bench_key)
        expected = (
            [] if bench is None else [f"{bench[k]:.{decimals}f}" for k in ("p25", "median", "p75")]
        )
        portfolio_range, *published = row[bench_col].split("Published: ")
        outside = [b for b in PORTFOLIO.get("benchmarks", []) if b["figure"] == bench_key]
        assert published == [
            f"{b['value']:.{decimals}f}% ({b['source']}, {b['year']})" for b in outside
        ], f"{client} {row[0]} outside benchmarks: {published} vs {outside}"
        found = PERCENT.findall(portfolio_range)
        assert sorted(found, key=float) == sorted(expected, key=float), (
            f"{client} {code} {row[0]} portfolio: {row[bench_col]!r} vs {bench}"
        )
    tab.assert_clean(demo_url)


# ---------------------------------------------------------------------------------------------
# 3b. The bank's Sites: the index, a page per branch, instant navigation
# ---------------------------------------------------------------------------------------------

BANK = "pacific-orient-bank"
SITE_ROWS = """() => Array.from(document.querySelectorAll('.svc-sortable table tbody tr')).map(
    r => Array.from(r.cells).map(c => c.innerText.replace(/\u00a0/g, ' ').trim()))"""


HOTSPOT_LINKS = """() => {
    const links = [];
    let element = document.getElementById('sites-that-missed-most').nextElementSibling;
    while (element && element.tagName !== 'H2') {
        element.querySelectorAll('a').forEach(a => links.push(a.href));
        element = element.nextElementSibling;
    }
    return links;
}"""


def test_the_banks_sites_index_and_site_pages_load_and_draw(demo_url: str, tab: Tab) -> None:
    page = tab.page
    base = f"{demo_url}/{BANK}/"
    open_page(tab, base)
    config = next(c for c in PORTFOLIO["clients"] if c["id"] == BANK)
    # The overview names the sites that missed most, linked.
    hotspots = page.evaluate(HOTSPOT_LINKS)
    assert hotspots and all("/sites/" in href for href in hotspots), hotspots

    # Instant navigation to the index: every site, the most targets missed first.
    page.evaluate("window.__marker = 1")
    nav_link(page, "Sites").click()
    page.wait_for_url(f"{base}sites/")
    page.locator(".svc-sortable table").first.wait_for()
    assert page.evaluate("window.__marker") == 1, "the Sites link did a full page load"
    rows = page.evaluate(SITE_ROWS)
    assert len(rows) == len(config["sites"]) == 61
    missed = [int(row[-1]) for row in rows]
    assert missed == sorted(missed, reverse=True), "the index is not worst first"
    assert missed[0] >= 1
    # Sortable: the reported incidents column, largest first on the second select.
    header = page.locator(".svc-sortable th").nth(1)
    header.click()
    header.click()
    reported = [int(row[1].replace(",", "")) for row in page.evaluate(SITE_ROWS)]
    assert reported == sorted(reported, reverse=True), "the column did not sort"

    # The worst site's page, instantly: its figures, its strip of 90 days per system.
    first = page.locator(".svc-sortable tbody tr a").first
    name = first.inner_text()
    first.click()
    page.locator(f"{ARTICLE} h1", has_text=name).first.wait_for()
    assert page.evaluate("window.__marker") == 1, "the site link did a full page load"
    site = next(s for s in config["sites"] if s["name"] == name)
    strip = page.locator(".svc-strip")
    assert strip.locator(".svc-strip__row").count() == len(site["systems"])
    assert strip.locator(".svc-d").count() == 90 * len(site["systems"])
    title = strip.locator(".svc-d").last.get_attribute("title")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}: \d+\.\d{2}% \((target met|below target|"
                        r"a point or more below target)\)", title or ""), title  # fmt: skip
    assert_charts_drawn(page)
    text = article_text(page)
    for heading in ("Daily availability", "Repeat faults", "Most frequent causes", "Open items"):
        assert heading in text, f"{page.url}: no {heading}"
    # The colour of a day read against the target: met and missed days look different.
    colours = page.evaluate(
        """() => Array.from(new Set(Array.from(document.querySelectorAll('.svc-d'))
            .map(e => e.className + ' ' + getComputedStyle(e).backgroundColor)))"""
    )
    by_class = {c.split()[1]: c.split(" ", 2)[2] for c in colours}
    if len(by_class) > 1:
        assert len(set(by_class.values())) == len(by_class), by_class

    # Back to the index, then a full load of a site page of its own.
    page.get_by_role("link", name="All sites").first.click()
    page.wait_for_url(f"{base}sites/")
    page.locator(".svc-sortable table").first.wait_for()
    open_page(tab, f"{base}sites/br07/")
    assert page.locator(".svc-d").count() == 270
    assert_charts_drawn(page)
    tab.assert_clean(demo_url)


# ---------------------------------------------------------------------------------------------
# 4. Not for search engines; the landing page names no client
# ---------------------------------------------------------------------------------------------


class _RobotsMeta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.contents: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("name") or "").lower() == "robots":
            self.contents.append(values.get("content"))


def test_every_page_carries_noindex_nofollow(demo_site: Path) -> None:
    pages = sorted(demo_site.rglob("*.html"))
    assert len(pages) > 100
    missing = []
    for page in pages:
        parser = _RobotsMeta()
        parser.feed(page.read_text(encoding="utf-8"))
        if not any(is_noindex_nofollow(content) for content in parser.contents):
            missing.append(str(page.relative_to(demo_site)))
    assert not missing, f"pages without noindex, nofollow: {missing}"


def test_robots_txt_disallows_everything(demo_url: str) -> None:
    status, body = http_get(f"{demo_url}/robots.txt")
    assert status == 200
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(body.decode("utf-8").splitlines())
    for path in ["/", "/index.html", f"/{DEMO_CLIENT}/", f"/{DEMO_CLIENT}/reports/"]:
        for agent in ("*", "Googlebot", "Bingbot"):
            assert not robots.can_fetch(agent, f"{demo_url}{path}"), f"{agent} may fetch {path}"


def test_landing_page_names_no_client(demo_url: str, tab: Tab) -> None:
    open_page(tab, f"{demo_url}/")
    names = set()
    for client in PORTFOLIO["clients"]:
        names |= {client["id"], client["name"]}
        names |= {site["name"] for site in client.get("sites", [])}
    page = tab.page
    for text in (page.content(), page.inner_text("body")):
        found = sorted(name for name in names if name.lower() in text.lower())
        assert not found, f"the landing page names {found}"
    assert any(is_noindex_nofollow(c) for c in robots_meta(page))
    status, body = http_get(f"{demo_url}/404.html")
    assert status == 200
    found = sorted(name for name in names if name.lower() in body.decode("utf-8").lower())
    assert not found, f"the root 404 page names {found}"
    # The landing page links no icon, so Chromium asks for /favicon.ico by itself; on GitHub
    # Pages that request goes to the host's root, not to the published folder.
    tab.errors[:] = [e for e in tab.errors if "/favicon.ico" not in e]
    tab.assert_clean(demo_url)


# ---------------------------------------------------------------------------------------------
# 5. Material search
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "word"),
    [("", "Maintenance"), ("", "availability"), ("zh/", "事故"), ("zh/", "保養")],
)
def test_search_finds_a_word_of_the_site(demo_url: str, tab: Tab, folder: str, word: str) -> None:
    """In each language's site, its own index: Chinese segmented per character."""
    page = tab.page
    prefix = f"{demo_url}/{DEMO_CLIENT}/{folder}"
    open_page(tab, prefix)
    search = page.locator("input.md-search__input").first
    search.click()
    search.press_sequentially(word, delay=30)
    # Chinese is typed as text (as an input method commits it), without the key events
    # Material searches on: a key press after it, as a reader's next key would.
    search.press("End")
    results = page.locator(".md-search-result__item")
    results.first.wait_for()
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item a[href]", "elements => elements.map(e => e.href)"
    )
    assert hrefs, "search results without links"
    assert all(href.startswith(prefix) for href in hrefs), f"results off the site: {hrefs}"
    if not folder:  # the English site's results are not the Chinese site's
        assert not [href for href in hrefs if href.startswith(f"{prefix}zh/")], hrefs
    target = urldefrag(hrefs[0]).url.split("?", 1)[0]
    page.locator(".md-search-result__item a[href]").first.click()
    page.wait_for_url(lambda url: urldefrag(url).url.split("?", 1)[0] == target)
    page.locator(ARTICLE).first.wait_for()
    assert word.lower() in article_text(page).lower(), f"{page.url} does not mention {word}"
    tab.assert_clean(demo_url)


# ---------------------------------------------------------------------------------------------
# 6. A client with no records at all
# ---------------------------------------------------------------------------------------------

# Page -> what it says when there is nothing to show (case-insensitive, in the article text).
EMPTY_PAGES = {
    "": DASH,
    "incidents/": rf"no incidents|no records|{DASH}",
    "maintenance/": rf"no (preventive |maintenance )?(jobs?|maintenance)|no records|{DASH}",
    "complaints/": rf"no complaints|no records|{DASH}",
    "availability/": rf"no (outages?|incidents|records)|100\.00%|{DASH}",
    "actions/": r"\bno\b[^.]{0,60}\bactions?\b|no records",
    "reports/": DASH,
    "sites/": DASH,
    "sites/location-143/": r"no repeat faults",
    "sites/中環分行/": r"no repeat faults",
    # The team serving every client trains for this client too: its courses, or none.
    "training/": r"courses|no training",
    "compliance/": r"licence",
}
CHARTLESS = ("", "reports/", "compliance/")  # pages with no chart of their own
BROKEN_WORDS = re.compile(r"\b(nan|NaN|NaT|None|null|undefined|Traceback)\b|\{\{|\{%")

BLANK_ROWS = """() => Array.from(document.querySelectorAll('article.md-content__inner table tr'))
    .filter(r => r.cells.length > 0
                 && Array.from(r.cells).every(c => c.textContent.trim() === ''))
    .map(r => r.closest('table').querySelector('tr').textContent.replace(/\\s+/g, ' ').trim())"""


@pytest.mark.parametrize("path", list(EMPTY_PAGES))
def test_a_client_without_records_gets_complete_pages(empty_url: str, tab: Tab, path: str) -> None:
    page = tab.page
    url = f"{empty_url}/{EMPTY_CLIENT['id']}/{path}"
    open_page(tab, url)
    page.locator(f"{ARTICLE} h1").first.wait_for()
    assert_charts_drawn(page)
    # No chart frame is left empty: each is drawn, or the page says there is nothing to chart.
    frames = page.locator("figure.svc-chart").count()
    canvases = page.locator("figure.svc-chart .svc-chart__canvas").count()
    assert frames == canvases, f"{url}: a chart frame without a canvas"
    text = article_text(page)
    charted = frames or "no records to chart" in text.lower() or path in (*CHARTLESS, "sites/")
    if path.startswith("sites/") and path != "sites/":  # its chart: the strip of its one system
        charted = page.locator(".svc-strip .svc-d").count() == 90
    assert charted, f"{url}: neither a chart nor a note that there is nothing to chart"
    blank = page.evaluate(BLANK_ROWS)
    assert not blank, f"{url}: table rows with every cell empty, in tables headed {blank}"
    broken = BROKEN_WORDS.findall(text)
    assert not broken, f"{url}: the page shows {broken}"
    assert re.search(EMPTY_PAGES[path], text, re.I), (
        f"{url}: does not say there is nothing to show ({EMPTY_PAGES[path]!r}):\n{text[:1500]}"
    )
    tab.assert_clean(empty_url)


def test_a_client_without_records_has_no_feedback_meetings_or_own_training(
    empty_url: str, tab: Tab
) -> None:
    base = f"{empty_url}/{EMPTY_CLIENT['id']}/"
    open_page(tab, f"{base}complaints/")
    text = article_text(tab.page)
    assert "No feedback was received in these periods." in text
    assert "No improvements have been recorded from complaints or feedback yet." in text
    open_page(tab, f"{base}actions/")
    assert "No review meetings have been recorded yet." in article_text(tab.page)
    metrics = tab.page.evaluate("() => fetch('../downloads/metrics.json').then(r => r.json())")
    latest = metrics["periods"][-1]
    assert latest["feedback"]["received"] == 0
    assert latest["meetings"] == {"working": 0, "senior": 0, "ad_hoc": 0}
    tab.assert_clean(empty_url)


def test_a_client_without_records_has_a_report_for_its_period(empty_url: str, tab: Tab) -> None:
    base = f"{empty_url}/{EMPTY_CLIENT['id']}/"
    open_page(tab, base)
    metrics = tab.page.evaluate("() => fetch('downloads/metrics.json').then(r => r.json())")
    assert metrics["periods"], "metrics.json has no period for the client"
    for period in metrics["periods"][-3:]:
        url = f"{base}reports/{period['period']}/"
        open_page(tab, url)
        assert_charts_drawn(tab.page)
        text = article_text(tab.page)
        assert not BROKEN_WORDS.findall(text), f"{url}: {BROKEN_WORDS.findall(text)}"
        assert not tab.page.evaluate(BLANK_ROWS), f"{url}: blank table rows"
    tab.assert_clean(empty_url)


HOSTILE = (
    '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    " [click](javascript:window.__pwned=3) <iframe src=javascript:window.__pwned=4></iframe>"
    " {{ 7*7 }} {% raw %} !!! note | a | b |"
)
_CSV_HOSTILE = '"' + HOSTILE.replace('"', '""') + '"'
# A client and a site whose names (in clients.yml) and site id (in the exports too) are
# markup: MkDocs and Material put names in titles, headers and attributes.
HOSTILE_NAME = '</title><script>window.__pwned=5</script> & "Co"'
HOSTILE_SITE = "<script>window.__pwned=6</script> A&B"
HOSTILE_CLIENT = {
    **EMPTY_CLIENT,
    "id": "hostile-estate",
    "name": f"Estate {HOSTILE_NAME}",
    "sites": [{"id": HOSTILE_SITE, "name": f"Block {HOSTILE_NAME}", "systems": ["cctv"]}],
}
HOSTILE_ROWS = {
    "incidents.csv": (
        f"INC9900001,harbour-tower,HT1,cctv,P2,2026-10-20 10:00,2026-10-20 11:00,2026-10-20 15:00,,"
        f"{_CSV_HOSTILE},false,{_CSV_HOSTILE},{_CSV_HOSTILE},Reporter\n"
        f'INC9900002,hostile-estate,"{HOSTILE_SITE}",cctv,P2,2026-10-20 10:00,2026-10-20 11:00,'
        "2026-10-20 15:00,,,true,Power,Camera down,Reporter\n"
    ),
    "complaints.csv": (
        f"CMP990001,harbour-tower,HT1,2026-10-20 10:00,phone,{_CSV_HOSTILE},2026-10-20 11:00,"
        f"2026-10-21 11:00,resolved,false,{_CSV_HOSTILE},{_CSV_HOSTILE},4,{_CSV_HOSTILE},x,x,x\n"
    ),
}


def _hostile_page_is_inert(page: Page, dialogs: list[str]) -> None:
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert page.locator("article iframe, article script, article img[src='x']").count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "harbour-tower/",
        "harbour-tower/reports/2026-10/",
        "harbour-tower/complaints/",
        "harbour-tower/downloads/",
        "hostile-estate/",
        "hostile-estate/sites/",
    ],
)
def test_hostile_text_is_shown_as_text_and_runs_nothing(
    hostile_url: str, tab: Tab, path: str
) -> None:
    dialogs: list[str] = []
    tab.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_page(tab, f"{hostile_url}/{path}")
    page = tab.page
    _hostile_page_is_inert(page, dialogs)
    tab.assert_clean(hostile_url)
    if path.endswith(("reports/2026-10/", "complaints/")):
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        assert " ".join(HOSTILE.split()) in article_text(page)
    if path.startswith("hostile-estate/"):
        # The names read as typed: in the window's title and the page's header.
        assert page.title().endswith(f"Estate {HOSTILE_NAME}")
        assert f"Estate {HOSTILE_NAME}" in page.locator(".md-header__title").first.inner_text()
    if path == "hostile-estate/sites/":
        page.locator(".svc-sortable tbody tr a").first.click()
        page.locator(f"{ARTICLE} h1", has_text="Block").first.wait_for()
        _hostile_page_is_inert(page, dialogs)
        assert page.title().startswith(f"Block {HOSTILE_NAME} - Estate")
        assert page.locator(".svc-strip .svc-d").count() == 90
        tab.assert_clean(hostile_url)


# ---------------------------------------------------------------------------------------------
# A password site
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "lang", "all_incidents"),
    [
        ("", "en", "All {rows} incidents of the period"),
        ("zh/", "zh-Hant", "本期全部 {rows} 宗事故"),
    ],
)
def test_a_password_site_shows_its_figures_and_records_only_after_the_password(
    protected_url: str, tab: Tab, folder: str, lang: str, all_incidents: str
) -> None:
    """In each language: its own encrypted pages, opened by the same password."""
    open_page(tab, f"{protected_url}/{DEMO_CLIENT}/{folder}reports/2026-10/")
    page = tab.page
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator("input[type=password]").count() == 1
    assert page.locator("details.svc-records, .svc-scorecard").count() == 0
    page.fill("input[type=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("details.svc-records tbody tr", state="attached")
    rows = page.locator("details.svc-records tbody tr").count()
    summary = page.locator("details.svc-records summary").inner_text()
    assert summary == all_incidents.format(rows=rows)
    assert page.locator(".svc-scorecard table tbody tr").count() == 5
    assert "svcsite-fragment" not in page.content()
    tab.assert_clean(protected_url)


# ---------------------------------------------------------------------------------------------
# The headline reads whole on a phone
# ---------------------------------------------------------------------------------------------

PHONE_OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const outside = (box, right) => box.left < -0.5 || box.right > right + 0.5;
    const cells = Array.from(document.querySelectorAll('.svc-scorecard th, .svc-scorecard td'))
        .filter(cell => cell.offsetParent !== null)
        .filter(cell => outside(cell.getBoundingClientRect(), width)
                        || cell.scrollWidth > cell.clientWidth + 0.5)
        .map(cell => cell.textContent.trim());
    const legends = Array.from(document.querySelectorAll('.svc-chart__canvas svg')).flatMap(svg => {
        const frame = svg.getBoundingClientRect();
        return Array.from(svg.querySelectorAll('.role-legend-label text, .role-title text'))
            .filter(label => {
                const box = label.getBoundingClientRect();
                return box.left < frame.left - 0.5 || box.right > Math.min(frame.right, width) + 0.5;
            })
            .map(label => label.textContent);
    });
    const statuses = Array.from(document.querySelectorAll('.svc-scorecard .svc-status'))
        .filter(badge => badge.offsetParent !== null).length;
    return {cells, legends, statuses};
}"""


@pytest.mark.parametrize(
    ("client", "path"),
    [(DEMO_CLIENT, ""), ("bauhinia-secondary-school", ""), (DEMO_CLIENT, "incidents/"),
     (DEMO_CLIENT, "complaints/")],
)  # fmt: skip
def test_the_headline_and_charts_read_whole_on_a_390_px_phone(
    demo_url: str, chromium: Any, client: str, path: str
) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844}, color_scheme="light")
    try:
        page = context.new_page()
        page.goto(f"{demo_url}/{client}/{path}", wait_until="load")
        assert_charts_drawn(page, "light")
        layout = page.evaluate(PHONE_OVERFLOW)
    finally:
        context.close()
    assert layout["cells"] == [], "scorecard cells cut off at 390 px"
    assert layout["legends"] == [], "chart titles or legend labels clipped at 390 px"
    if not path:
        assert layout["statuses"] == 5, "every headline figure shows its status"


# ---------------------------------------------------------------------------------------------
# 10. The agreement over time: versions, severe weather and service credits (contract 10)
# ---------------------------------------------------------------------------------------------

AGREEMENT_WORDS = ("service credit", "changes to the agreement", "changed during", "weather")


def test_the_agreement_history_and_the_credit_owed_show(demo_url: str, tab: Tab) -> None:
    page = tab.page
    open_page(tab, f"{demo_url}/{DEMO_CLIENT}/agreement/")
    history = page.locator("h2", has_text="Changes to the agreement")
    assert history.count() == 1
    text = article_text(page)
    assert "Agreed at: Quarterly review" in text
    assert "Incidents P3: attend within\t9 h\t6 h" in text
    assert "Service credits" in text
    open_page(tab, f"{demo_url}/{DEMO_CLIENT}/")
    metrics = page.evaluate("() => fetch('downloads/metrics.json').then(r => r.json())")
    owed = [p for p in metrics["periods"] if p["credits"] and p["credits"]["pct"] > 0]
    assert owed, "the demo client owes a credit in some period"
    assert "service credit owed for" in article_text(page).lower()
    period = owed[-1]
    open_page(tab, f"{demo_url}/{DEMO_CLIENT}/reports/{period['period']}/")
    amount = f"HK${period['credits']['amount']:,.2f}"
    assert (
        page.locator(".admonition", has_text="Service credit owed").first.inner_text().count(amount)
    ), f"the report of {period['period']} shows {amount}"
    open_page(tab, f"{demo_url}/pacific-orient-bank/reports/2025-09/")
    weather = page.locator("h2", has_text="Severe weather in")
    assert weather.count() == 1
    assert "T10" in article_text(page)
    tab.assert_clean(demo_url)


@pytest.mark.parametrize("path", ["", "agreement/", "reports/2026-Q3/"])
def test_nothing_about_versions_weather_or_credits_without_them(
    demo_url: str, tab: Tab, path: str
) -> None:
    open_page(tab, f"{demo_url}/bauhinia-secondary-school/{path}")
    text = article_text(tab.page).lower()
    assert [word for word in AGREEMENT_WORDS if word in text] == []


# ---------------------------------------------------------------------------------------------
# 11. Feedback, meetings, training and compliance on a client with the records
# ---------------------------------------------------------------------------------------------


def test_feedback_meetings_training_and_licence_pages_of_a_client_with_records(
    demo_url: str, tab: Tab
) -> None:
    page = tab.page
    base = f"{demo_url}/{DEMO_CLIENT}/"
    metrics = json.loads(http_get(f"{base}downloads/metrics.json")[1])
    latest = metrics["periods"][-1]

    # Complaints and feedback: both side by side, the survey chart, what was changed.
    open_page(tab, f"{base}complaints/")
    charts = assert_charts_drawn(page)
    assert any("survey-scores" in chart["id"] for chart in charts), charts
    text = article_text(page)
    row = page.locator(f"{ARTICLE} table", has_text="Survey score").locator("tbody tr").first
    cells = [cell.strip() for cell in row.locator("td").all_inner_texts()]
    assert cells[1:4] == [
        str(latest["complaints"]["received"]),
        str(latest["feedback"]["received"]),
        str(latest["feedback"]["compliment"]),
    ], cells
    assert "What was changed because of them" in text
    assert re.search(r"FBK\d+ \(suggestion\)", text), "no action answers a suggestion"
    assert "[phone removed]" in text  # an enquiry's phone number, redacted

    # The meeting register: regular and ad hoc meetings, each linked to its minutes.
    open_page(tab, f"{base}actions/")
    register = page.locator(f"{ARTICLE} table", has_text="Period reviewed").first
    assert "ad hoc" in register.inner_text() and "regular" in register.inner_text()
    link = register.locator("a[href*='minutes-']").first
    title = link.inner_text()
    link.click()
    page.locator(f"{ARTICLE} h1", has_text=title).first.wait_for()

    # Training: the chart, certificates about to expire, no staff reference anywhere.
    open_page(tab, f"{base}training/")
    assert any("chart-training" in chart["id"] for chart in assert_charts_drawn(page))
    expiring = page.locator(f"{ARTICLE} table", has_text="Expires").first
    assert expiring.locator("tbody tr").count() > 0
    assert "STF-" not in page.content()

    # Licence and compliance: the licence, its renewal warning, the two statements.
    open_page(tab, f"{base}compliance/")
    text = article_text(page)
    licence = PORTFOLIO["provider"]["licence"]
    assert licence["number"] in text
    assert "Licence renewal due" in text
    assert "Cap 486" in text and "Cap 509" in text
    tab.assert_clean(demo_url)


# ---------------------------------------------------------------------------------------------
# Languages (contract 13): the demo's harbour-tower reads in English and Chinese
# ---------------------------------------------------------------------------------------------


def switch_language(page: Any, name: str) -> None:
    """Material's language switch in the header: open it, choose the language."""
    page.locator(".md-header .md-select").first.hover()
    page.locator(".md-select__link", has_text=name).first.click()


@pytest.mark.parametrize("path", ["", "incidents/", "reports/2026-10/", "sites/ht1/"])
def test_the_language_switch_leads_to_the_same_page(demo_url: str, tab: Tab, path: str) -> None:
    page = tab.page
    english = f"{demo_url}/{DEMO_CLIENT}/{path}"
    chinese = f"{demo_url}/{DEMO_CLIENT}/zh/{path}"
    open_page(tab, english)
    switch_language(page, "繁體中文")
    page.wait_for_url(chinese)
    page.locator(ARTICLE).first.wait_for()
    assert page.evaluate("document.documentElement.lang") == "zh-Hant"
    assert_charts_drawn(page)
    switch_language(page, "English")
    page.wait_for_url(english)
    page.locator(ARTICLE).first.wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"
    tab.assert_clean(demo_url)


@pytest.mark.parametrize(
    ("site", "lang"),
    [(f"{DEMO_CLIENT}/", "en"), (f"{DEMO_CLIENT}/zh/", "zh-Hant"),
     ("bauhinia-secondary-school/", "zh-Hant"), ("bauhinia-secondary-school/en/", "en")],
)  # fmt: skip
def test_charts_draw_in_both_languages(demo_url: str, tab: Tab, site: str, lang: str) -> None:
    page = tab.page
    for path in ("", "incidents/", "maintenance/", "complaints/", "availability/", "actions/"):
        open_page(tab, f"{demo_url}/{site}{path}")
        assert page.evaluate("document.documentElement.lang") == lang
        charts = assert_charts_drawn(page)
        assert charts or path == "", f"{site}{path} has no chart"
    # The chart's own words are in the page's language: the trend's title on the overview.
    open_page(tab, f"{demo_url}/{site}")
    assert_charts_drawn(page)
    titles = page.eval_on_selector_all(
        ".svc-chart__canvas svg .role-title-text", "elements => elements.map(e => e.textContent)"
    )
    expected = "各項數字與目標對比" if lang == "zh-Hant" else "Figures against their targets"
    assert expected in titles, titles
    tab.assert_clean(demo_url)
