"""The review pack (issue 16): the Atom feed, the calendar of visits and meetings, the annual
review and the PDF of each service report, checked on the demo's built site."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from test_pages import AS_OF, pages_for

from conftest import CLIENTS_YML, INCIDENTS, REPO, write
from generator.build import build
from generator.errors import InputError
from generator.inputs.read import read_inputs
from generator.safety.audit import audit_sites
from generator.site import pdf

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
        # Each language's site (the second under zh/) advertises its own feed.
        folder = "zh/" if page.relative_to(demo_site).parts[0] == "zh" else ""
        if page.name == "404.html":  # served at any depth: its links are absolute
            assert href == f"/harbour-tower/{folder}feed.xml"
        else:
            assert (page.parent / href).resolve() == (demo_site / folder / "feed.xml").resolve()


def test_a_password_protected_client_publishes_no_feed(tmp_path: Path) -> None:
    protected = CLIENTS_YML.replace(
        "    reporting: monthly\n", "    reporting: monthly\n    password_env: HT_PASSWORD\n", 1
    )
    write(tmp_path / "clients.yml", protected)
    write(tmp_path / "incidents.csv", INCIDENTS)
    pages = pages_for(tmp_path, CLIENT)
    assert "feed.xml" not in pages
    assert "this site publishes none of them" in pages["reports/index.md"]
    open_pages = pages_for(tmp_path, "kowloon-school")
    assert open_pages["feed.xml"].startswith("<?xml")
    assert "[the feed of this site](../feed.xml)" in open_pages["reports/index.md"]


# ---- the calendar --------------------------------------------------------------------------

MAINTENANCE = """\
job_id,client_id,site_id,system,kind,due_date,completed_at,status,first_time_fix,notes,technician
JOB-1,harbour-tower,HT1,cctv,preventive,2026-10-20,2026-10-21 10:00,completed,,,Lam
JOB-2,harbour-tower,HT1,cctv,preventive,2026-10-30,,open,,,
JOB-3,harbour-tower,HT1,access_control,preventive,2026-11-01,,open,,,
JOB-4,harbour-tower,HT1,intruder_alarm,preventive,2026-11-12,,open,,,
JOB-5,harbour-tower,HT1,cctv,corrective,2026-11-03,,open,,,
JOB-6,harbour-tower,HT1,cctv,preventive,2026-11-20,,cancelled,,,
JOB-7,harbour-tower,HT1,cctv,preventive,2026-11-05,2026-11-02 09:00,completed,,,Lam
JOB-8,harbour-tower,HT1,cctv,preventive,2026-11-06,2026-10-28 09:00,completed,,,Lam
JOB-9,kowloon-school,KB1,cctv,preventive,2026-11-07,,open,,,
"""


def _calendar_portfolio(tmp_path: Path) -> Path:
    meetings = (
        "    scheduled_meetings:\n"
        '      - {date: 2026-11-20, time: "10:00-11:30", title: "Quarterly review Q4, 2026",'
        " level: senior, location: Management office}\n"
        "      - {date: 2026-12-04, title: Working meeting}\n"
        "      - {date: 2026-10-04, title: A past meeting}\n"
    )
    clients = CLIENTS_YML.replace(
        "    people: [Chan Tai Man]\n", f"    people: [Chan Tai Man]\n{meetings}"
    )
    write(tmp_path / "clients.yml", clients)
    write(tmp_path / "incidents.csv", INCIDENTS)
    write(tmp_path / "maintenance.csv", MAINTENANCE)
    return tmp_path


def test_the_calendar_holds_the_visits_to_come_and_the_meetings_arranged(tmp_path: Path) -> None:
    icalendar = pytest.importorskip("icalendar")
    pages = pages_for(_calendar_portfolio(tmp_path), CLIENT, as_of=AS_OF)
    calendar = icalendar.Calendar.from_ical(pages["calendar.ics"])
    events = calendar.walk("VEVENT")
    # JOB-7 was completed after the as-of time: still to do at it. JOB-8 was done before.
    visits = [
        (str(e["SUMMARY"]), e.decoded("DTSTART")) for e in events if "JOB" in e["DESCRIPTION"]
    ]
    assert visits == [
        ("Preventive maintenance: Access control, Harbour Tower", date(2026, 11, 1)),
        ("Preventive maintenance: CCTV, Harbour Tower", date(2026, 11, 5)),
        ("Preventive maintenance: Intruder alarm, Harbour Tower", date(2026, 11, 12)),
    ]
    assert all(str(e["LOCATION"]) == "Harbour Tower" for e in events[:3])
    assert "(job JOB-3)" in events[0]["DESCRIPTION"]
    review, working = events[3:]
    assert str(review["SUMMARY"]) == "Quarterly review Q4, 2026"
    assert review.decoded("DTSTART") == datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    assert review.decoded("DTEND") == datetime(2026, 11, 20, 3, 30, tzinfo=UTC)
    assert str(review["LOCATION"]) == "Management office"
    assert "senior review meeting" in review["DESCRIPTION"]
    assert working.decoded("DTSTART") == date(2026, 12, 4)
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert all(line.endswith("\r") or not line for line in pages["calendar.ics"].split("\n"))
    # the other client's calendar holds its own visit only
    school = icalendar.Calendar.from_ical(pages_for(tmp_path, "kowloon-school")["calendar.ics"])
    assert [str(e["DESCRIPTION"]).count("JOB-9") for e in school.walk("VEVENT")] == [1]


def test_the_demo_calendar_holds_exactly_the_open_preventive_jobs_due_after_as_of(
    demo_site: Path,
) -> None:
    icalendar = pytest.importorskip("icalendar")
    rows = csv.DictReader((REPO / "data" / "maintenance.csv").open(encoding="utf-8"))
    expected = {
        (row["job_id"], date.fromisoformat(row["due_date"]))
        for row in rows
        if row["client_id"] == CLIENT
        and row["kind"] == "preventive"
        and row["status"] == "open"
        and row["due_date"] >= "2026-11-01"  # as_of: 2026-11-01 00:00
    }
    assert expected  # the demo plans visits after its data
    calendar = icalendar.Calendar.from_ical((demo_site / "calendar.ics").read_bytes())
    events = calendar.walk("VEVENT")
    visits = {
        (re.search(r"\(job (\S+)\)", str(e["DESCRIPTION"])).group(1), e.decoded("DTSTART"))
        for e in events
        if str(e["CATEGORIES"].to_ical(), "utf-8") == "Preventive maintenance"
    }
    assert visits == expected
    meetings = [
        str(e["SUMMARY"]) for e in events if "Review meeting" in str(e["CATEGORIES"].to_ical())
    ]
    assert meetings == ["Monthly review Oct 2026", "Quarterly review Q4 2026"]


def test_the_calendar_folds_long_lines_between_characters(tmp_path: Path) -> None:
    icalendar = pytest.importorskip("icalendar")
    data = _calendar_portfolio(tmp_path)
    yml = (data / "clients.yml").read_text(encoding="utf-8")
    (data / "clients.yml").write_text(
        yml.replace("Working meeting", "中環分行" * 30), encoding="utf-8"
    )
    text = pages_for(data, CLIENT, as_of=AS_OF)["calendar.ics"]
    assert max(len(line.encode()) for line in text.split("\r\n")) <= 75
    summaries = [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(text).walk("VEVENT")]
    assert "中環分行" * 30 in summaries


def test_a_calendar_meeting_with_a_bad_time_is_named_by_its_key_path(tmp_path: Path) -> None:
    data = _calendar_portfolio(tmp_path)
    yml = (data / "clients.yml").read_text(encoding="utf-8")
    (data / "clients.yml").write_text(yml.replace('"10:00-11:30"', '"10-11"'), encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_inputs(data)
    assert [str(p) for p in error.value.problems] == [
        f"{data / 'clients.yml'}: clients[0].scheduled_meetings[0].time: expected 'HH:MM-HH:MM', got '10-11'"
    ]


# ---- the annual review ---------------------------------------------------------------------


def _row(page: str, title: str) -> list[str]:
    """The cells of the table row that starts with `title`, as text."""
    row = re.search(rf"<tr><td>{re.escape(title)}</td>(.*?)</tr>", page, flags=re.S)
    assert row, title
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    ]


def test_the_annual_review_compares_the_year_with_the_year_before(demo_site: Path) -> None:
    metrics = json.loads((demo_site / "downloads" / "metrics.json").read_text(encoding="utf-8"))
    periods = {p["period"]: p for p in metrics["periods"]}
    now = [
        periods[f"{y}-{m:02d}"]
        for y, m in [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]
    ]
    before = [
        periods[f"{y}-{m:02d}"]
        for y, m in [(2024, 11), (2024, 12)] + [(2025, m) for m in range(1, 11)]
    ]

    def attend(year: list[dict]) -> float:
        met = sum(p["incidents"]["attend"]["met"] for p in year)
        return met / (met + sum(p["incidents"]["attend"]["breached"] for p in year)) * 100

    page = (demo_site / "annual-review" / "index.html").read_text(encoding="utf-8")
    page = page.replace("\u00a0", " ")
    assert "November 2025 to October 2026" in page and "November 2024 to October 2025" in page
    cells = _row(page, "Incidents attended within target")
    assert cells[:2] == [f"{attend(before):.1f}%", f"{attend(now):.1f}%"]
    assert cells[3] == f"{now[-1]['targets']['incident_pct']:.1f}%"
    missed = sum(
        p["incidents"]["attend"]["compliance_pct"] < p["targets"]["incident_pct"] for p in now
    )
    assert cells[5] == f"{missed} of 12"
    reported = _row(page, "Incidents reported")
    assert reported[1] == f"{sum(p['incidents']['reported'] for p in now):,}"
    # each site, this year over the year before
    site = _row(page, "Harbour Tower 1")
    assert site[0].startswith(f"{sum(p['by_site']['HT1']['incidents']['reported'] for p in now):,}")
    # the agreement change of the year, and the actions raised at its meetings
    assert 'id="from-2025-11-01"' in page
    assert "annual-trend" in page
    actions = list(csv.DictReader((demo_site / "downloads" / "actions.csv").open(encoding="utf-8")))
    of_year = [a for a in actions if "2025-11-01" <= a["meeting_date"] <= "2026-10-31"]
    assert f"The {len(of_year)} actions raised at this year" in page


def test_an_annual_review_without_a_complete_period_says_so(portfolio: Path) -> None:
    page = pages_for(portfolio, "kowloon-school")["annual-review.md"]
    assert "There is no complete quarter yet" in page
    october_ended = pd.Timestamp("2026-11-01 00:00", tz="Asia/Hong_Kong")
    page = pages_for(portfolio, CLIENT, october_ended)["annual-review.md"]
    assert "There is no complete period before this year yet" in page


# ---- the PDFs ------------------------------------------------------------------------------

needs_printing = pytest.mark.skipif(
    pdf.engine() is None or shutil.which("pdftotext") is None,
    reason="no Chromium to print PDFs, or no pdftotext (poppler-utils) to read them",
)


def _pages_text(path: Path) -> list[str]:
    """The text of each page of a PDF, as pdftotext reads it."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return result.stdout.split("\f")[:-1]


@needs_printing
def test_the_latest_reports_pdf_holds_its_figures_on_numbered_confidential_pages(
    demo_site: Path,
) -> None:
    from pypdf import PdfReader

    latest = demo_site / "downloads" / "reports" / "2026-10.pdf"
    pages = _pages_text(latest)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Confidential to Harbour Tower Owners' Corporation" in text
    text = "\n".join(pages)
    assert "Service report: October 2026" in text
    assert "prepared by Sentinel Systems Ltd" in text and "figures as of 2026-11-01 00:00" in text
    metrics = json.loads((demo_site / "downloads" / "metrics.json").read_text(encoding="utf-8"))
    october = next(p for p in metrics["periods"] if p["period"] == "2026-10")
    scorecard = text[text.index("Scorecard") : text.index("Trend")]
    figures = {
        "Incidents attended": (october["incidents"]["attend"]["compliance_pct"], 1),
        "Incidents restored": (october["incidents"]["restore"]["compliance_pct"], 1),
        "Preventive maintenance": (october["maintenance"]["preventive"]["on_time_pct"], 1),
        "Complaints resolved": (october["complaints"]["resolve"]["compliance_pct"], 1),
        "System availability": (october["availability"]["overall_pct"], 2),
    }
    for title, (value, decimals) in figures.items():
        line = next(line for line in scorecard.splitlines() if title in line)
        assert f"{value:.{decimals}f}%" in line, (title, line)
    # The charts are vector: their words are text, and the PDF holds no picture at all.
    assert "Figures against their targets" in text and "2026-10" in scorecard + text
    reader = PdfReader(latest)
    for page in reader.pages:
        objects = page["/Resources"].get("/XObject", {})
        assert all(objects[name].get("/Subtype") != "/Image" for name in objects)
    # The incidents of the period are on the site and in the CSV, not in the PDF.
    assert "All 141 incidents of the period" not in text


@needs_printing
def test_every_report_and_the_annual_review_has_a_linked_pdf(demo_site: Path) -> None:
    folder = demo_site / "downloads" / "reports"
    metrics = json.loads((demo_site / "downloads" / "metrics.json").read_text(encoding="utf-8"))
    labels = [period["period"] for period in metrics["periods"]]
    assert len(labels) == 24 and labels[0] == "2024-11" and labels[-1] == "2026-10"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{label}.pdf" for label in labels] + ["annual-review.pdf"]
    )
    for label in ("2026-10", "2024-11"):
        report = (demo_site / "reports" / label / "index.html").read_text(encoding="utf-8")
        assert f'<a href="../../downloads/reports/{label}.pdf" download>' in report
    index = (demo_site / "reports" / "index.html").read_text(encoding="utf-8")
    assert index.count("download>PDF</a>") == 24
    assert "Each report and" in index and "are also PDF files" in index
    annual = _pages_text(folder / "annual-review.pdf")
    assert "Annual review" in annual[0] and "November 2025 to October 2026" in annual[0]


@needs_printing
def test_an_unchanged_report_is_not_printed_again(demo_site: Path, tmp_path: Path) -> None:
    jobs = [pdf.PrintJob("reports/2026-09/index.html", pdf.pdf_path("2026-09"))]
    site = tmp_path / "site"
    shutil.copytree(demo_site, site)
    cache = tmp_path / "cache"
    assert pdf.print_pdfs(site, jobs, "Harbour Tower Owners' Corporation", cache) == 1
    assert pdf.print_pdfs(site, jobs, "Harbour Tower Owners' Corporation", cache) == 0
    page = site / "reports" / "2026-09" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Scorecard", "Score"), "utf-8")
    assert pdf.print_pdfs(site, jobs, "Harbour Tower Owners' Corporation", cache) == 1
    pdf.close_browser()


@needs_printing
def test_a_site_whose_charts_cannot_be_drawn_gets_no_pdf_and_a_clear_error(
    demo_site: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(demo_site, site, ignore=shutil.ignore_patterns("*.pdf"))
    (site / "assets" / "javascripts" / "vega-bundle.js").write_text("/* broken */", "utf-8")
    jobs = [pdf.PrintJob("reports/2026-10/index.html", pdf.pdf_path("2026-10"))]
    with pytest.raises(pdf.PrintError, match=r"vega-bundle\.js does not draw charts"):
        pdf.print_pdfs(site, jobs, "Harbour Tower Owners' Corporation", tmp_path / "cache")
    assert not (site / "downloads" / "reports" / "2026-10.pdf").exists()
    pdf.close_browser()


def test_without_a_browser_the_sites_are_built_without_pdfs_and_say_so(
    portfolio: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--data", str(portfolio), "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "SVCSITE_CHROMIUM": str(tmp_path / "no-such-browser")},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "warning: no PDF of the service reports is made" in result.stderr
    assert "apt-get install chromium" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (out / CLIENT / "downloads" / "reports").exists()
    index = (out / CLIENT / "reports" / "index.html").read_text(encoding="utf-8")
    assert "No PDF copy of the reports is available" in index


# ---- the audit of PDFs, feeds and calendars -------------------------------------------------


@needs_printing
def test_the_audit_reads_the_pdfs(demo_site: Path, tmp_path: Path) -> None:
    root = tmp_path / "published"
    site = root / CLIENT
    shutil.copytree(demo_site, site)
    inputs = read_inputs(REPO / "data")
    assert audit_sites(root, inputs.config, inputs) == []
    # Another client's name, printed into a PDF only (the page is put back as it was).
    page = site / "reports" / "2026-10" / "index.html"
    original = page.read_text(encoding="utf-8")
    page.write_text(
        original.replace('<h2 id="scorecard">', '<p>Pacific Orient Bank</p><h2 id="scorecard">'),
        "utf-8",
    )
    job = pdf.PrintJob("reports/2026-10/index.html", pdf.pdf_path("2026-10"))
    pdf.print_pdfs(site, [job], "Harbour Tower Owners' Corporation", tmp_path / "cache")
    pdf.close_browser()
    page.write_text(original, encoding="utf-8")
    assert "Pacific Orient Bank" in "".join(_pages_text(site / job.pdf))
    assert [str(f).removeprefix(f"{site}/") for f in audit_sites(root, inputs.config, inputs)] == [
        "downloads/reports/2026-10.pdf: names another client: 'Pacific Orient Bank'"
    ]


def test_the_audit_reads_the_feed_and_the_unfolded_calendar(
    demo_site: Path, tmp_path: Path
) -> None:
    root = tmp_path / "published"
    site = root / CLIENT
    shutil.copytree(demo_site, site, ignore=shutil.ignore_patterns("*.pdf"))
    inputs = read_inputs(REPO / "data")
    calendar = site / "calendar.ics"
    folded = (
        "SUMMARY:Visit with the Pacific Ori\r\n ent Bank team\r\nDESCRIPTION:Call 9876 5432\r\n"
    )
    calendar.write_text(
        calendar.read_text(encoding="utf-8").replace(
            "END:VCALENDAR", f"BEGIN:VEVENT\r\n{folded}END:VEVENT\r\nEND:VCALENDAR"
        ),
        encoding="utf-8",
    )
    feed = site / "feed.xml"
    feed.write_text(
        feed.read_text(encoding="utf-8").replace("</feed>", "<!-- call 9123 4567 --></feed>"),
        "utf-8",
    )
    assert sorted(
        str(f).removeprefix(f"{site}/") for f in audit_sites(root, inputs.config, inputs)
    ) == [
        "calendar.ics: names another client: 'Pacific Orient Bank'",
        "calendar.ics: phone number 98** ****",
        "feed.xml: phone number 91** ****",
    ]


def _fonts(path: Path) -> set[tuple[str, str]]:
    """The (name without its subset tag, type) of each font a PDF embeds, as pdffonts lists them."""
    listed = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True, text=True
    ).stdout.splitlines()[2:]
    return {(re.sub(r"^[A-Z]{6}\+", "", line.split()[0]), line[37:55].strip()) for line in listed}


@needs_printing
def test_a_chinese_report_is_printed_with_a_chinese_font(demo_site: Path) -> None:
    """Chinese text drawn with the Latin fonts of the English report would be empty boxes (its
    text still extracts): the Chinese PDF needs a font the English one does not (CI installs
    fonts-noto-cjk)."""
    english = _fonts(demo_site / "downloads" / "reports" / "2026-10.pdf")
    chinese_pdf = demo_site / "zh" / "downloads" / "reports" / "2026-10.pdf"
    assert "服務報告" in "".join(_pages_text(chinese_pdf))
    assert _fonts(chinese_pdf) - english, "no Chinese font: install fonts-noto-cjk"


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig is not installed")
def test_a_build_without_a_chinese_font_is_warned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdf.missing_fonts({"en", "zh-Hant"}) == []  # CI installs fonts-noto-cjk
    latin_only = tmp_path / "fonts.conf"
    latin_only.write_text(
        '<?xml version="1.0"?><fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(latin_only))
    assert pdf.missing_fonts({"en", "zh-Hant"}) == ["zh-Hant"]
    assert pdf.missing_fonts({"en"}) == []
