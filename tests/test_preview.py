"""The live preview (`svcsite serve`, plain `mkdocs serve` and `mkdocs build` at the
repository root): a user's mistake is one clear message, never a traceback, and a rebuild
says nothing that is not news."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, write


def _mkdocs_build(portfolio: Path, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-d", str(tmp_path / "preview")],
        cwd=REPO, env={**os.environ, "SVCSITE_DATA": str(portfolio), **env},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_svcsite_serve_an_unknown_client_is_a_usage_error(portfolio: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "serve", "no-such-client"],
        cwd=REPO, env={**os.environ, "SVCSITE_DATA": str(portfolio)},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "svcsite serve: unknown client 'no-such-client' (known: harbour-tower, kowloon-school)"
    )


def test_mkdocs_an_unknown_client_is_one_clear_error(portfolio: Path, tmp_path: Path) -> None:
    result = _mkdocs_build(portfolio, tmp_path, SVCSITE_CLIENT="no-such-client")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "svcsite: SVCSITE_CLIENT: unknown client 'no-such-client' "
        "(known: harbour-tower, kowloon-school)" in result.stderr
    )


def test_mkdocs_an_invalid_clients_yml_is_named_not_a_traceback(
    portfolio: Path, tmp_path: Path
) -> None:
    clients = portfolio / "clients.yml"
    clients.write_text(clients.read_text().replace("attend: 2h", "attend: soon", 1))
    result = _mkdocs_build(portfolio, tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        f"{clients}: clients[0].sla.incidents.P1.attend: "
        "expected a duration like '90m' or '4h', got 'soon'" in result.stderr
    )


def test_mkdocs_build_says_nothing_that_is_not_news(portfolio: Path, tmp_path: Path) -> None:
    result = _mkdocs_build(portfolio, tmp_path, SVCSITE_CLIENT="harbour-tower")
    assert result.returncode == 0, result.stderr
    assert "not included in the" not in result.stderr
    assert (tmp_path / "preview" / "reports" / "2026-10" / "index.html").is_file()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_mkdocs_serve_reloads_the_portfolio_it_shows_and_reports_a_broken_one_plainly(
    portfolio: Path,
) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a",
         f"127.0.0.1:{_free_port()}"],
        cwd=REPO, env={**os.environ, "SVCSITE_DATA": str(portfolio)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(server.stderr), daemon=True).start()

    def wait_for(text: str) -> None:
        deadline = time.monotonic() + 120
        while not any(text in line for line in lines):
            assert server.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.2)

    try:
        wait_for("Serving on")
        clients = portfolio / "clients.yml"
        write(clients, clients.read_text().replace("attend: 2h", "attend: soon", 1))
        wait_for("An error happened during the rebuild")
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = "".join(lines)
    assert "Traceback" not in output
    assert "clients[0].sla.incidents.P1.attend: expected a duration" in output


def test_svcsite_serve_previews_and_watches_the_portfolio_named_by_data(
    portfolio: Path, tmp_path: Path
) -> None:
    """`svcsite serve CLIENT --data DIR --dev-addr HOST:PORT`, run from the repository with a
    portfolio elsewhere: an edit of an export in DIR reaches the served page."""
    address = f"127.0.0.1:{_free_port()}"
    environment = {k: v for k, v in os.environ.items() if k != "SVCSITE_DATA"}
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "harbour-tower", "--data", str(portfolio),
         "--dev-addr", address],
        cwd=REPO, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(server.stderr), daemon=True).start()
    page = f"http://{address}/reports/2026-10/"

    def wait_for_page(text: str) -> None:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            try:
                with urllib.request.urlopen(page, timeout=10) as response:
                    if text in response.read().decode():
                        return
            except OSError:
                pass
            time.sleep(0.3)

    try:
        wait_for_page("Door 2 reader dead")
        incidents = portfolio / "incidents.csv"
        write(
            incidents, incidents.read_text().replace("Door 2 reader dead", "Door 2 reader mended")
        )
        wait_for_page("Door 2 reader mended")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "Traceback" not in "".join(lines)
    # Stopping `svcsite serve` stops the server: none is left serving (nor rewriting
    # build/preview/ behind the next preview's back).
    host, port = address.rsplit(":", 1)
    with pytest.raises(OSError):
        socket.create_connection((host, int(port)), timeout=5).close()


def test_a_page_whose_fragments_changed_is_rebuilt_by_a_dirty_build(tmp_path: Path) -> None:
    """`mkdocs serve --dirty` renders the pages whose files are newer than their output: the
    hook rewrites only what changed, and marks a page changed when only its fragments did."""
    from generator.site.preview_hook import _sync

    docs, staging = tmp_path / "docs", tmp_path / "new"
    files = {"index.md": "# Home", "reports/2026-10.md": "<!-- svcsite-fragment t -->"}
    fragments = {".fragments/reports/2026-10.json": '{"t": "<p>1</p>"}'}
    for relative, text in {**files, **fragments}.items():
        write(staging / relative, text)
    assert _sync(staging, docs)  # files added
    old = 1_000_000_000
    for path in docs.rglob("*.md"):
        os.utime(path, (old, old))
    for relative, text in {**files, ".fragments/reports/2026-10.json": '{"t": "<p>2</p>"}'}.items():
        write(staging / relative, text)
    assert not _sync(staging, docs)  # the same files
    assert (docs / "index.md").stat().st_mtime == old
    assert (docs / "reports" / "2026-10.md").stat().st_mtime > old


# The server's rebuilds in one process, as `mkdocs serve --dirty` makes them: the first, then
# one after an edit of the export (argv: site folder, export, old text, new text); prints the
# output pages written by the second.
SERVER_REBUILDS = """
import json, sys
from pathlib import Path
from generator.bench import serve_rebuild
site, export = Path(sys.argv[1]), Path(sys.argv[2])
serve_rebuild(site, first=True)
before = {str(p.relative_to(site)): p.stat().st_mtime_ns for p in site.rglob("*.html")}
export.write_text(export.read_text().replace(sys.argv[3], sys.argv[4]))
serve_rebuild(site)
print(json.dumps([name for name, mtime in before.items()
                  if (site / name).stat().st_mtime_ns != mtime]))
"""


def test_a_reload_after_an_edit_rebuilds_only_the_pages_it_changed(
    portfolio: Path, tmp_path: Path
) -> None:
    """A warm server's rebuild renders again only the pages whose text the edit changed:
    not every page (the theme is noted on the first build too, and the client's figures
    computed alone are the portfolio's to the last bit)."""
    site, clients = tmp_path / "site", portfolio / "clients.yml"
    # A fixed as-of time: the edited incident holds the latest time in the data, so that
    # otherwise the edit could move it, and the whole portfolio is read again.
    write(clients, "as_of: 2026-11-01 00:00:00\n" + clients.read_text())
    result = subprocess.run(
        [sys.executable, "-c", SERVER_REBUILDS, str(site), str(portfolio / "incidents.csv"),
         "Door 2 reader dead", "Door 2 reader mended"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "SVCSITE_DATA": str(portfolio), "SVCSITE_CLIENT": "harbour-tower",
             "SVCSITE_CACHE": str(tmp_path / "cache"), "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rewritten = set(json.loads(result.stdout))
    assert "reports/2026-10/index.html" in rewritten
    assert "Door 2 reader mended" in (site / "reports/2026-10/index.html").read_text()
    pages = {str(p.relative_to(site)) for p in site.rglob("*.html")}
    assert {"agreement/index.html", "about/index.html", "maintenance/index.html"} <= pages
    assert not rewritten & {"agreement/index.html", "about/index.html", "maintenance/index.html"}
    assert len(rewritten) < len(pages) / 2, sorted(rewritten)
