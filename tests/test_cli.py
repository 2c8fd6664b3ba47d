"""The command line as an operator meets it: exit codes, messages, never a traceback."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from conftest import INCIDENTS, REPO, write


def svcsite(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_a_clean_portfolio(portfolio: Path) -> None:
    result = svcsite("check", "--data", str(portfolio))
    assert result.returncode == 0, result.stderr
    assert (
        f"{portfolio}/incidents.csv: 3 rows in, 3 used, 0 superseded, 0 quarantined (utf-8)"
        in result.stdout
    )
    assert "complaints: no records supplied" in result.stdout


def test_a_missing_required_column_names_file_and_column_without_traceback(demo_copy: Path) -> None:
    text = (demo_copy / "incidents.csv").read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    columns = header.split(",")
    position = columns.index("priority")
    rows = [
        ",".join(c for i, c in enumerate(line.split(",")) if i != position)
        for line in rest.splitlines()[:5]
    ]
    write(
        demo_copy / "incidents.csv",
        ",".join(c for c in columns if c != "priority") + "\n" + "\n".join(rows) + "\n",
    )
    result = svcsite("check", "--data", str(demo_copy))
    assert result.returncode == 1
    assert (
        result.stderr
        == f"error: {demo_copy}/incidents.csv:1: priority: required column is missing\n"
    )
    assert "Traceback" not in result.stderr + result.stdout


def test_quarantined_rows_are_reported_and_strict_fails(portfolio: Path) -> None:
    write(portfolio / "incidents.csv", INCIDENTS.replace(",P3,", ",P7,"))
    result = svcsite("check", "--data", str(portfolio))
    assert result.returncode == 0
    assert (
        f"quarantined: {portfolio}/incidents.csv:3: priority: not a priority of this client's SLA ('P7')"
        in result.stderr
    )
    strict = svcsite("check", "--data", str(portfolio), "--strict")
    assert strict.returncode == 1
    assert "--strict: 1 row(s) quarantined" in strict.stderr


def test_strict_build_writes_nothing(portfolio: Path, tmp_path: Path) -> None:
    write(portfolio / "incidents.csv", INCIDENTS.replace(",P3,", ",P7,"))
    out = tmp_path / "site"
    result = svcsite("build", "--data", str(portfolio), "--out", str(out), "--strict")
    assert result.returncode == 1
    assert not out.exists()
    assert not (tmp_path / "build").exists()


def test_a_config_error_is_one_line_with_its_key_path(portfolio: Path) -> None:
    text = (
        (portfolio / "clients.yml")
        .read_text()
        .replace("calendar: business}", "calendar: office}", 1)
    )
    write(portfolio / "clients.yml", text)
    result = svcsite("check", "--data", str(portfolio))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"error: {portfolio}/clients.yml: clients[0].sla.incidents.P3.calendar: "
        "calendar 'office' is not defined (defined: 24x7, business)"
    )
    assert "Traceback" not in result.stderr


def test_serve_names_a_bad_address_or_client_before_mkdocs_starts(portfolio: Path) -> None:
    address = svcsite("serve", "--data", str(portfolio), "--dev-addr", "localhost")
    assert address.returncode == 2
    assert "--dev-addr: expected HOST:PORT such as 127.0.0.1:8000, got 'localhost'" in (
        address.stderr
    )
    client = svcsite("serve", "acme", "--data", str(portfolio))
    assert client.returncode == 2
    assert client.stderr.strip() == (
        "svcsite serve: unknown client 'acme' (known: harbour-tower, kowloon-school)"
    )


def test_bad_usage_exits_2(portfolio: Path) -> None:
    assert svcsite("build", "--jobs", "many").returncode == 2
    assert svcsite("frobnicate").returncode == 2
    unknown = svcsite(
        "build",
        "--data",
        str(portfolio),
        "--out",
        str(portfolio.parent / "site"),
        "--client",
        "acme",
    )
    assert unknown.returncode == 2
    assert "unknown client 'acme'" in unknown.stderr
    as_of = svcsite(
        "build",
        "--data",
        str(portfolio),
        "--out",
        str(portfolio.parent / "site"),
        "--as-of",
        "yesterday",
    )
    assert as_of.returncode == 2
    assert "--as-of" in as_of.stderr


def test_build_writes_sites_report_and_metrics(portfolio: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = svcsite(
        "build", "--data", str(portfolio), "--out", str(out), "--as-of", "2026-10-31T23:59"
    )
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"^harbour-tower: built in [0-9.]+ s \(pages [0-9.]+, MkDocs [0-9.]+, PDF [0-9.]+, "
        r"audit [0-9.]+\); "
        r"readable by anyone who has its address \(no password_env\)$",
        result.stdout,
        re.MULTILINE,
    )
    timings = json.loads((tmp_path / "build" / "site-timings.json").read_text())
    assert timings["clients"] == {"built": 2, "unchanged": 0, "failed": 0}
    assert set(timings["per_client"]["harbour-tower"]) == {
        "fingerprint",
        "pages",
        "mkdocs",
        "pdf",
        "audit",
    }
    for client in ("harbour-tower", "kowloon-school"):
        assert (out / client / "index.html").is_file()
    quality = json.loads((tmp_path / "build" / "data-quality.json").read_text())
    assert quality["files"][0]["received"] == 3
    metrics = json.loads((out / "harbour-tower" / "downloads" / "metrics.json").read_text())
    assert metrics["as_of"] == "2026-10-31T23:59:00+08:00"
    assert [p["period"] for p in metrics["periods"]] == ["2026-10"]


def test_a_failed_build_leaves_the_previous_site_as_it_was(portfolio: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert svcsite("build", "--data", str(portfolio), "--out", str(out)).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (portfolio / "incidents.csv").unlink()
    assert svcsite("build", "--data", str(portfolio), "--out", str(out)).returncode == 1
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_demo_writes_a_portfolio_that_checks(tmp_path: Path) -> None:
    result = svcsite(
        "demo", "--out", str(tmp_path / "data"), "--clients", "2", "--months", "3", "--seed", "3"
    )
    assert result.returncode == 0, result.stderr
    assert svcsite("check", "--data", str(tmp_path / "data")).returncode == 0


def test_an_unchanged_client_is_not_rebuilt(portfolio: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert svcsite("build", "--data", str(portfolio), "--out", str(out)).returncode == 0
    again = svcsite("build", "--data", str(portfolio), "--out", str(out), "--jobs", "2")
    assert again.returncode == 0
    assert "harbour-tower: unchanged, not rebuilt;" in again.stdout
    write(
        portfolio / "incidents.csv",
        INCIDENTS.replace("Door 2 reader dead", "Door 2 reader replaced"),
    )
    changed = svcsite("build", "--data", str(portfolio), "--out", str(out))
    assert "harbour-tower: built in" in changed.stdout
    assert "kowloon-school: unchanged, not rebuilt;" in changed.stdout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what a build reads from its working directory: mkdocs.yml, the theme
    overrides and the hand-written content."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root)
    for folder in ("site_overrides", "content"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def test_a_client_is_rebuilt_when_its_content_or_the_theme_changes(
    portfolio: Path, project: Path
) -> None:
    out = project / "site"

    def build() -> str:
        result = svcsite("build", "--data", str(portfolio), "--out", str(out), cwd=project)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "kowloon-school: built in" in build()
    assert "kowloon-school: unchanged, not rebuilt;" in build()
    write(
        project / "content" / "clients" / "kowloon-school" / "visit.md", "# Site visit\n\nDone.\n"
    )
    rebuilt = build()
    assert "kowloon-school: built in" in rebuilt
    assert "harbour-tower: unchanged, not rebuilt;" in rebuilt
    assert "Site visit" in (out / "kowloon-school" / "visit" / "index.html").read_text()
    stylesheet = project / "site_overrides" / "assets" / "stylesheets" / "svcsite.css"
    stylesheet.write_text(stylesheet.read_text() + "\n/* changed */\n")
    restyled = build()
    assert "kowloon-school: built in" in restyled
    assert "harbour-tower: built in" in restyled


def test_two_builds_of_the_same_inputs_are_identical(portfolio: Path, tmp_path: Path) -> None:
    def build(out: Path) -> dict[str, bytes]:
        result = svcsite(
            "build", "--data", str(portfolio), "--out", str(out), "--as-of", "2026-10-31T23:59"
        )
        assert result.returncode == 0, result.stderr
        return {
            p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
        }

    first, second = build(tmp_path / "one" / "site"), build(tmp_path / "two" / "site")
    assert "harbour-tower/reports/2026-10/index.html" in first
    assert first == second
    # Dated by the as-of time (UTC), not by the day of the build.
    assert b"<lastmod>2026-10-31</lastmod>" in first["harbour-tower/sitemap.xml"]
    packed = first["harbour-tower/sitemap.xml.gz"]
    midnight = datetime.fromisoformat("2026-10-31T00:00+00:00")  # of that day, as MkDocs dates
    assert int.from_bytes(packed[4:8], "little") == int(midnight.timestamp())


def test_a_site_that_fails_the_audit_is_not_published_and_the_others_are(
    portfolio: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert svcsite("build", "--data", str(portfolio), "--out", str(out)).returncode == 0
    before = {p: p.read_bytes() for p in (out / "harbour-tower").rglob("*") if p.is_file()}
    # harbour-tower's records now name the other client; kowloon-school has a new incident.
    changed = (
        INCIDENTS.replace("Door 2 reader dead", "Same fault as at Kowloon Bay Secondary School")
        + "INC-4,kowloon-school,KB1,cctv,P1,2026-10-06 09:00,,,,,false,,Camera 7 dark,Ho\n"
    )
    write(portfolio / "incidents.csv", changed)
    for attempt in range(2):  # not saved as built: the failed client is tried again next time
        result = svcsite("build", "--data", str(portfolio), "--out", str(out))
        assert result.returncode == 1
        assert re.search(
            r"^audit: harbour-tower/\S+: names another client: 'Kowloon Bay Secondary School'",
            result.stderr,
            re.MULTILINE,
        )
        assert (
            "error: harbour-tower: its site failed the audit (" in result.stderr
            and "its previous site is left as it was" in result.stderr
        )
        assert "build failed for 1 client(s): harbour-tower" in result.stderr
        assert "kowloon-school: built in" in result.stdout or attempt == 1
        after = {p: p.read_bytes() for p in (out / "harbour-tower").rglob("*") if p.is_file()}
        assert after == before
        assert (
            "Camera 7 dark"
            in (out / "kowloon-school" / "reports" / "2026-Q4" / "index.html").read_text()
        )
    assert (out / "index.html").is_file() and (out / "robots.txt").is_file()


def test_a_client_whose_site_cannot_be_built_does_not_stop_the_others(
    portfolio: Path, project: Path
) -> None:
    """A hand-written page saved in another encoding breaks that client's MkDocs build only."""
    page = project / "content" / "clients" / "kowloon-school" / "notes.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_bytes("# Notes\n\nCaf\u00e9 visit\n".encode("cp1252"))
    out = project / "site"
    result = svcsite("build", "--data", str(portfolio), "--out", str(out), cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "error: kowloon-school: MkDocs could not build its site (UnicodeDecodeError" in (
        result.stderr
    )
    assert "Error reading page 'notes.md'" in result.stderr
    assert "harbour-tower: built in" in result.stdout
    assert (out / "harbour-tower" / "index.html").is_file()
    assert not (out / "kowloon-school").exists()


def test_landing_pages_that_fail_the_audit_stay_as_they_were_and_the_clients_go_out(
    portfolio: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from generator import build as build_module

    out = tmp_path / "site"
    assert build_module.build(portfolio, out) == 0
    landing = (out / "index.html").read_bytes()
    write_root = build_module.write_root

    def naming_a_client(staging: Path) -> None:
        write_root(staging)
        page = staging / "index.html"
        page.write_text(
            page.read_text().replace("</body>", "Harbour Tower Owners' Corporation</body>")
        )

    monkeypatch.setattr(build_module, "write_root", naming_a_client)
    write(portfolio / "incidents.csv", INCIDENTS.replace("Camera 3 offline", "Camera 3 dark"))
    assert build_module.build(portfolio, out) == 1
    assert (out / "index.html").read_bytes() == landing
    assert "the landing pages failed the audit (index.html)" in capsys.readouterr().err
    assert (
        "Camera 3 dark"
        in (out / "harbour-tower" / "reports" / "2026-10" / "index.html").read_text()
    )


def test_a_client_removed_from_clients_yml_is_taken_down(portfolio: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert svcsite("build", "--data", str(portfolio), "--out", str(out)).returncode == 0
    assert (out / "kowloon-school" / "index.html").is_file()
    clients = (portfolio / "clients.yml").read_text()
    write(portfolio / "clients.yml", clients[: clients.index("  - id: kowloon-school")])
    write(portfolio / "incidents.csv", INCIDENTS.replace(INCIDENTS.splitlines()[-1], ""))
    result = svcsite("build", "--data", str(portfolio), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "kowloon-school: removed; it is no longer in clients.yml" in result.stdout
    assert not (out / "kowloon-school").exists()
    assert (out / "harbour-tower" / "index.html").is_file()


def test_mkdocs_at_the_repository_root_previews_a_client_with_its_record_tables(
    portfolio: Path, tmp_path: Path
) -> None:
    """What `svcsite serve` (plain `mkdocs serve`) shows: the hook generates the client's
    pages, and the record tables are spliced in as in a build."""
    env = {**os.environ, "SVCSITE_DATA": str(portfolio), "SVCSITE_CLIENT": "harbour-tower"}
    preview = tmp_path / "preview"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(preview)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = (preview / "reports" / "2026-10" / "index.html").read_text()
    assert "<td>INC-1</td>" in report
    assert "Door 2 reader dead" in report
    assert "svcsite-fragment" not in report
    assert not (preview / ".fragments").exists()


def test_a_missing_password_fails_that_client_only(portfolio: Path, tmp_path: Path) -> None:
    text = (
        (portfolio / "clients.yml")
        .read_text()
        .replace(
            "    reporting: monthly\n",
            "    reporting: monthly\n    password_env: SVCSITE_TEST_UNSET_PASSWORD\n",
            1,
        )
    )
    write(portfolio / "clients.yml", text)
    out = tmp_path / "site"
    result = svcsite("build", "--data", str(portfolio), "--out", str(out))
    assert result.returncode == 1
    assert (
        "error: harbour-tower: the environment variable SVCSITE_TEST_UNSET_PASSWORD (its password_env) "
        "is not set; its previous site is left as it was"
    ) in result.stderr
    assert (out / "kowloon-school" / "index.html").is_file()
    assert not (out / "harbour-tower").exists()


def test_a_fault_in_one_clients_pages_fails_that_client_only(
    portfolio: Path,
    tmp_path: Path,
    in_repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A bug of svcsite's own met on one client's records is that client's failure, named,
    with its traceback kept for the report: the other clients are still published."""
    from generator import build as build_module

    prepare = build_module.prepare_client

    def faulty(inputs, figures, client_id, records):  # type: ignore[no-untyped-def]
        if client_id == "harbour-tower":
            raise KeyError("site_name")
        return prepare(inputs, figures, client_id, records)

    monkeypatch.setattr(build_module, "prepare_client", faulty)
    out = tmp_path / "site"
    assert build_module.build(portfolio, out, jobs=1) == 1
    report = tmp_path / "build" / "site-errors" / "harbour-tower.txt"
    assert (
        "error: harbour-tower: its site could not be built (KeyError: 'site_name'); a fault in "
        f"svcsite itself, please report it with {report}"
    ) in capsys.readouterr().err
    assert "Traceback" in report.read_text() and "faulty" in report.read_text()
    assert (out / "kowloon-school" / "index.html").is_file()
    assert not (out / "harbour-tower").exists()


def test_shards_split_the_clients(portfolio: Path, tmp_path: Path) -> None:
    first = svcsite(
        "build", "--data", str(portfolio), "--out", str(tmp_path / "a"), "--shard", "1/2"
    )
    second = svcsite(
        "build", "--data", str(portfolio), "--out", str(tmp_path / "b"), "--shard", "2/2"
    )
    assert first.returncode == second.returncode == 0
    assert sorted(p.name for p in (tmp_path / "a").iterdir() if p.is_dir()) == ["harbour-tower"]
    assert sorted(p.name for p in (tmp_path / "b").iterdir() if p.is_dir()) == ["kowloon-school"]
    assert svcsite("build", "--shard", "3/2").returncode == 2


def test_a_password_client_has_no_plaintext_record_and_passes_the_audit(
    portfolio: Path, tmp_path: Path
) -> None:
    text = (
        (portfolio / "clients.yml")
        .read_text()
        .replace(
            "    reporting: monthly\n",
            "    reporting: monthly\n    password_env: SVCSITE_TEST_PASSWORD\n",
            1,
        )
    )
    write(portfolio / "clients.yml", text)
    out = tmp_path / "site"
    env = {**os.environ, "SVCSITE_TEST_PASSWORD": "correct horse battery staple"}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--data", str(portfolio), "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"^harbour-tower: built in .*; protected by the password in \$SVCSITE_TEST_PASSWORD$",
        result.stdout,
        re.MULTILINE,
    )
    files = [p for p in (out / "harbour-tower").rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix == ".csv" or p.name == "metrics.json"]
    for path in files:
        data = path.read_bytes()
        for record in (b"INC-1", b"PSU failure", b"Camera 3 offline", b"Door 2 reader dead"):
            assert record not in data, (path, record)
