"""A ServiceNow-style export whose sites are named as people name them ('Location 143',
'中環分行') builds by config alone: other headers, a value map, a default for a column the
export lacks, day-first dates and one row per update, mapped in `sources:` (contract 4.1, 4.2)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from test_cli import svcsite

from conftest import write

CLIENTS = """\
provider: {name: Sentinel Systems Ltd, email: service@example.com, phone: "+852 0000 0000"}
timezone: Asia/Hong_Kong
calendars:
  business:
    hours: {mon: "09:00-18:00", tue: "09:00-18:00", wed: "09:00-18:00",
            thu: "09:00-18:00", fri: "09:00-18:00"}
clients:
  - id: tsing-yi-mall
    name: Tsing Yi Mall Management
    sites:
      - {id: Location 143, name: Location 143, systems: [cctv, access_control]}
      - {id: 中環分行, name: 中環分行, systems: [cctv]}
    sla:
      incidents:
        P1: {attend: 2h, restore: 8h, calendar: 24x7}
        P3: {attend: 9h, restore: 27h, calendar: business}
      incident_target_pct: 95
      availability_target_pct: 99.5
  - id: kowloon-school
    name: Kowloon Bay Secondary School
    sites:
      - {id: Location 14, name: Location 14, systems: [cctv]}
    sla:
      incidents:
        P1: {attend: 2h, restore: 8h, calendar: 24x7}
      incident_target_pct: 90
sources:
  incidents:
    file: exports/incident-*.csv
    columns: {incident_id: number, client_id: company, site_id: location, priority: priority,
              reported_at: opened_at, attended_at: u_attended, resolved_at: resolved_at,
              outage: u_outage, summary: short_description}
    datetime_format: "%d/%m/%Y %H:%M"
    values:
      client_id: {Tsing Yi Mall: tsing-yi-mall, Kowloon Bay SS: kowloon-school}
      priority: {"1 - Critical": P1, "3 - Moderate": P3}
    defaults: {system: cctv}
    keep: last
"""

# INC0001 is exported twice (opened, then resolved): the last row wins. INC0003 is filed
# under the other client's site.
EXPORT = """\
number,company,location,priority,opened_at,u_attended,resolved_at,u_outage,short_description,assignment_group
INC0001,Tsing Yi Mall,Location 143,1 - Critical,05/10/2026 10:00,05/10/2026 11:00,,true,Camera offline,Field Team A
INC0002,Tsing Yi Mall,中環分行,3 - Moderate,12/10/2026 10:00,12/10/2026 12:00,13/10/2026 10:00,false,Lens dirty,Field Team B
INC0001,Tsing Yi Mall,Location 143,1 - Critical,05/10/2026 10:00,05/10/2026 11:00,05/10/2026 16:00,true,Camera offline,Field Team A
INC0003,Tsing Yi Mall,Location 14,1 - Critical,20/10/2026 09:00,,,false,Wrong site,Field Team A
INC0004,Kowloon Bay SS,Location 14,1 - Critical,20/10/2026 09:00,20/10/2026 13:00,20/10/2026 14:00,false,Late attendance,Field Team C
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    root = tmp_path_factory.mktemp("servicenow")
    write(root / "data" / "clients.yml", CLIENTS)
    write(root / "data" / "exports" / "incident-2026-10.csv", EXPORT)
    result = svcsite(
        "build",
        "--data",
        str(root / "data"),
        "--out",
        str(root / "site"),
        "--as-of",
        "2026-10-31T23:59",
    )
    assert result.returncode == 0, result.stderr  # the audit passed too
    return root / "site", result.stdout, result.stderr


def test_the_export_is_read_and_a_site_that_is_not_the_clients_is_quarantined(
    built: tuple[Path, str, str],
) -> None:
    _, stdout, stderr = built
    assert re.search(
        r"incident-2026-10\.csv: 5 rows in, 3 used, 1 superseded, 1 quarantined", stdout
    )
    assert re.search(
        r"incident-2026-10\.csv:5: site_id: not one of this client's sites in clients.yml "
        r"\('Location 14'\)",
        stderr,
    )


def test_the_figures_of_sites_named_with_spaces_and_chinese(built: tuple[Path, str, str]) -> None:
    site, _, _ = built
    metrics = json.loads((site / "tsing-yi-mall/downloads/metrics.json").read_text())
    (october,) = metrics["periods"]
    incidents = october["incidents"]
    # P1 on 24x7: attended in 60 min, restored in 360. P3 on Mon-Fri 09-18, reported Monday
    # 12 October 10:00: attended in 120 business minutes, restored Tuesday 10:00 in 480 + 60.
    assert incidents["reported"] == 2
    assert incidents["by_priority"] == {"P1": 1, "P3": 1}
    assert incidents["attend"]["met"] == incidents["restore"]["met"] == 2
    assert incidents["attend"]["median_minutes"] == 90.0
    assert incidents["restore"]["median_minutes"] == 450.0
    # Down 6 hours at Location 143 of October's 44,639 minutes up to the as-of time.
    location_143 = 1 - 360 / 44639
    availability = october["availability"]
    assert availability["by_system"] == {
        "access_control": 100.0,
        "cctv": pytest.approx((location_143 + 1) / 2 * 100),
    }
    assert availability["overall_pct"] == pytest.approx((location_143 + 1 + 1) / 3 * 100)
    assert metrics["data"]["incidents"] == {
        "received": 4,
        "used": 2,
        "superseded": 1,
        "quarantined": 1,
    }


def test_the_pages_and_downloads_name_the_sites_as_the_export_does(
    built: tuple[Path, str, str],
) -> None:
    site, _, _ = built
    client = site / "tsing-yi-mall"
    availability = (client / "availability/index.html").read_text(encoding="utf-8")
    assert re.findall(r"<td>(Location 143|中環分行)</td>\s*<td>([^<]*)</td>", availability) == [
        ("Location 143", "CCTV, Access control"),
        ("中環分行", "CCTV"),
    ]
    report = (client / "reports/2026-10/index.html").read_text(encoding="utf-8")
    assert re.findall(r"<tr><td>(INC\d+)</td><td>([^<]*)</td>", report) == [
        ("INC0001", "Location 143"),
        ("INC0002", "中環分行"),
    ]
    with (client / "downloads/incidents.csv").open(encoding="utf-8", newline="") as file:
        rows = {row["incident_id"]: row["site_id"] for row in csv.DictReader(file)}
    assert rows == {"INC0001": "Location 143", "INC0002": "中環分行"}
    school = (site / "kowloon-school/reports/2026-10/index.html").read_text(encoding="utf-8")
    # Among its incidents (and its breaches: attended after 4 hours, on a 2-hour target).
    assert ("INC0004", "Location 14") in re.findall(
        r"<tr><td>(INC\d+)</td><td>([^<]*)</td>", school
    )


def test_sites_named_with_spaces_and_chinese_get_working_pages(
    built: tuple[Path, str, str],
) -> None:
    site, _, _ = built
    client = site / "tsing-yi-mall"
    metrics = json.loads((client / "downloads/metrics.json").read_text())
    (october,) = metrics["periods"]
    assert list(october["by_site"]) == ["Location 143", "中環分行"]
    assert october["by_site"]["中環分行"]["incidents"]["reported"] == 1
    index = (client / "sites/index.html").read_text(encoding="utf-8")
    # Each site's page is linked from the index, at its slug.
    links = re.findall(r'<a href="([^"]+)">(Location 143|中環分行)</a>', index)
    assert sorted((unquote(href), name) for href, name in links) == [
        ("location-143/", "Location 143"),
        ("中環分行/", "中環分行"),
    ]
    for slug, name in (("location-143", "Location 143"), ("中環分行", "中環分行")):
        page = (client / "sites" / slug / "index.html").read_text(encoding="utf-8")
        assert "<h1 id=" in page and name in page
        assert 'class="svc-strip"' in page  # the daily strip, spliced in after Markdown
        assert "svcsite-fragment" not in page
    # The strip of 中環分行: one cell a day of its one system, the day's figure on hover.
    page = (client / "sites/中環分行/index.html").read_text(encoding="utf-8")
    assert page.count('<i class="svc-d svc-d--') == 90
    assert 'title="2026-10-12: 100.00% (target met)"' in page
