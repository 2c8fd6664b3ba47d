"""Pages: every template renders for any client, every figure is documented, and the
scorecard is metrics.json."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import markdown
import pandas as pd
import pytest

from conftest import (
    ACTIONS_HEADER,
    CLIENTS_YML,
    COMPLAINTS_HEADER,
    INCIDENTS,
    MAINTENANCE_HEADER,
    write,
)
from generator.figures.definitions import METRICS
from generator.figures.metrics import compute_figures
from generator.figures.report import SHAPE
from generator.inputs.read import read_inputs
from generator.site.events import fragments_path, splice
from generator.site.pages import client_pages, split_by_client

AS_OF = pd.Timestamp("2026-10-31 23:59", tz="Asia/Hong_Kong")


def pages_for(data: Path, client_id: str, as_of: pd.Timestamp = AS_OF) -> dict[str, str]:
    """The files of a client's docs folder: its pages, their fragments, its downloads."""
    inputs = read_inputs(data)
    figures = compute_figures(inputs.config, inputs.tables, as_of)
    records = split_by_client(figures).get(client_id, {})
    return client_pages(inputs, figures, inputs.config.client(client_id), records)


def html(pages: dict[str, str], path: str) -> str:
    """The page's HTML as published: Markdown, then its fragments spliced in (as MkDocs
    does with generator.site.events)."""
    body = pages[path].split("---\n", 2)[-1]
    converted = markdown.markdown(
        body, extensions=["tables", "md_in_html", "admonition", "attr_list"]
    )
    return splice(converted, json.loads(pages.get(fragments_path(path), "{}")))


def test_every_page_renders_for_a_client_with_no_records_at_all(portfolio: Path) -> None:
    write(
        portfolio / "clients.yml",
        CLIENTS_YML
        + (
            "  - id: empty-estate\n    name: Empty Estate\n    sites:\n      - {id: E1, name: Block E, systems: [cctv]}\n"
            "    sla:\n      incidents:\n        P1: {attend: 2h, restore: 8h, calendar: 24x7}\n      incident_target_pct: 95\n"
        ),
    )
    pages = pages_for(portfolio, "empty-estate")
    assert {
        "index.md",
        "incidents.md",
        "maintenance.md",
        "complaints.md",
        "availability.md",
        "actions.md",
        "agreement.md",
        "downloads.md",
        "reports/index.md",
        "reports/2026-10.md",
        "downloads/metrics.json",
        "downloads/incidents.csv",
    } <= set(pages)
    assert "No incidents were reported in this period." in pages["reports/2026-10.md"]
    assert "No records to chart yet" in pages["incidents.md"]
    assert "No maintenance records supplied" in pages["maintenance.md"]
    assert "No repeat faults in October\u00a02026." in pages["sites/e1.md"]
    assert "No site missed a target" in pages["index.md"]
    # With every source supplied, but none of them holding a record of this client.
    for name, header in (
        ("maintenance", MAINTENANCE_HEADER),
        ("complaints", COMPLAINTS_HEADER),
        ("actions", ACTIONS_HEADER),
    ):
        write(portfolio / f"{name}.csv", header + "\n")
    site = pages_for(portfolio, "empty-estate")["sites/e1.md"]
    assert "No preventive job is overdue at this site." in site
    assert "No complaint about this site is open." in site
    assert "0 complaints" not in pages["complaints.md"]
    assert pages["downloads/incidents.csv"].splitlines() == [
        "incident_id,client_id,site_id,system,priority,reported_at,attended_at,resolved_at,"
        "paused_minutes,pause_reason,outage,cause,summary"
    ]
    document = json.loads(pages["downloads/metrics.json"])
    assert document["periods"][0]["incidents"]["reported"] == 0
    assert document["periods"][0]["incidents"]["attend"]["compliance_pct"] is None
    assert (
        document["periods"][0]["complaints"]["received"] is None
    )  # not supplied, never "0 complaints"


def test_every_figure_is_on_the_methodology_page_and_in_metrics_json(portfolio: Path) -> None:
    pages = pages_for(portfolio, "harbour-tower")
    period = json.loads(pages["downloads/metrics.json"])["periods"][0]
    for metric in METRICS:
        assert metric.title in pages["agreement.md"], metric.id
        value = period
        for key in metric.path.split("."):
            value = value[key]  # every declared figure has its place in metrics.json
    declared = {metric.path.split(".")[0] for metric in METRICS}
    assert declared == set(SHAPE)


def test_the_scorecard_shows_the_figures_of_metrics_json(portfolio: Path) -> None:
    pages = pages_for(portfolio, "harbour-tower")
    period = json.loads(pages["downloads/metrics.json"])["periods"][-1]
    overview = html(pages, "index.md")
    assert f"<strong>{period['incidents']['attend']['compliance_pct']:.1f}%</strong>" in overview
    assert f"<strong>{period['availability']['overall_pct']:.2f}%</strong>" in overview


def test_csv_text_is_shown_as_text_never_markup(portfolio: Path) -> None:
    hostile = "<script>alert(1)</script> [x](javascript:alert(1)) ![i](http://evil/x.png) {{ 7*7 }} | **bold** <img src=x onerror=alert(1)>"
    write(portfolio / "incidents.csv", INCIDENTS.replace("Camera 3 offline", f'"{hostile}"'))
    pages = pages_for(portfolio, "harbour-tower")
    rendered = html(pages, "reports/2026-10.md")
    assert "<script" not in rendered
    assert "<img" not in rendered
    assert 'href="javascript' not in rendered
    assert "49" not in rendered.split("Summary")[-1].split("</table>")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    cells = [unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", rendered)]
    assert " ".join(hostile.split()) in cells  # the reader sees exactly what was typed


@pytest.mark.parametrize("person", ["Chan Tai Man", "chan tai man"])
def test_personal_data_never_reaches_pages_or_downloads(portfolio: Path, person: str) -> None:
    summary = f"Called {person} on 9123 4567 and +852 2345-6789, mail tm.chan@example.com, HKID A123456(7)"
    write(portfolio / "incidents.csv", INCIDENTS.replace("Camera 3 offline", f'"{summary}"'))
    pages = pages_for(portfolio, "harbour-tower")
    for path, text in pages.items():
        for secret in (person, "9123 4567", "2345-6789", "tm.chan@example.com", "A123456", "Lee"):
            assert secret not in text, (path, secret)


def test_the_sites_index_puts_the_worst_site_first_and_the_overview_names_it(
    portfolio: Path,
) -> None:
    # A second site, Podium 2: INC-4 is attended after 8 hours on a 2-hour target and
    # restored after 32 on an 8-hour one; HT1's incidents met theirs.
    yml = CLIENTS_YML.replace(
        "      - {id: HT1, name: Harbour Tower, systems: [cctv, access_control, intruder_alarm]}\n",
        "      - {id: HT1, name: Harbour Tower, systems: [cctv, access_control, intruder_alarm]}\n"
        "      - {id: Podium 2, name: Podium, systems: [cctv]}\n",
    )
    write(portfolio / "clients.yml", yml)
    extra = (
        "INC-4,harbour-tower,Podium 2,cctv,P1,2026-10-20 10:00,2026-10-20 18:00,"
        "2026-10-21 18:00,,,true,Cable cut,Camera 1 down,\n"
        "INC-5,harbour-tower,Podium 2,cctv,P1,2026-10-25 10:00,2026-10-25 11:00,"
        "2026-10-25 12:00,,,false,Cable cut,Camera 1 down again,\n"
    )
    write(portfolio / "incidents.csv", INCIDENTS + extra)
    pages = pages_for(portfolio, "harbour-tower")
    assert {"sites/index.md", "sites/ht1.md", "sites/podium-2.md"} <= set(pages)
    index = html(pages, "sites/index.md")
    assert re.findall(r'<td><a href="([^"]+)">', index) == ["podium-2.md", "ht1.md"]
    overview = html(pages, "index.md")
    hot = overview.split("Sites that missed most")[1].split("<h2")[0]
    assert re.findall(r'<td><a href="([^"]+)">', hot) == ["sites/podium-2.md"]
    page = html(pages, "sites/podium-2.md")
    # INC-5 came 5 days after INC-4 on the same camera system: a repeat fault, with INC-4
    # (the record behind it) listed before it.
    repeats = page.split("<h2>Repeat faults</h2>")[1]
    assert re.findall(r"<tr><td>(INC&#45;\d)</td>", repeats) == ["INC&#45;4", "INC&#45;5"]
    assert "<td><strong>repeat</strong></td>" in repeats.split("INC&#45;5")[1]
    document = json.loads(pages["downloads/metrics.json"])
    assert document["periods"][-1]["by_site"]["Podium 2"]["incidents"]["repeat"] == 1
    assert document["periods"][-1]["incidents"]["repeat"] == 1


def test_a_site_called_index_gets_a_page_of_its_own_beside_the_sites_index(
    portfolio: Path,
) -> None:
    yml = CLIENTS_YML.replace(
        "      - {id: HT1, name: Harbour Tower, systems: [cctv, access_control, intruder_alarm]}\n",
        "      - {id: HT1, name: Harbour Tower, systems: [cctv, access_control, intruder_alarm]}\n"
        "      - {id: Index, name: Index Building, systems: [cctv]}\n",
    )
    write(portfolio / "clients.yml", yml)
    pages = pages_for(portfolio, "harbour-tower")
    assert "All sites" not in pages["sites/index.md"]  # still the index, not a site's page
    assert "# Index Building" in pages["sites/index-2.md"]
    index = html(pages, "sites/index.md")
    assert sorted(re.findall(r'<td><a href="([^"]+)">', index)) == ["ht1.md", "index-2.md"]


def test_an_outside_benchmark_is_shown_beside_the_portfolio_range_with_its_source(
    portfolio: Path,
) -> None:
    yml = CLIENTS_YML.replace(
        "timezone: Asia/Hong_Kong\n",
        "timezone: Asia/Hong_Kong\nbenchmarks:\n"
        "  - {figure: availability_pct, value: 99.9, source: Illustrative survey, year: 2025}\n",
        1,
    )
    write(portfolio / "clients.yml", yml)
    pages = pages_for(portfolio, "harbour-tower")
    for path in ("index.md", "reports/2026-10.md"):
        scorecard = html(pages, path)
        row = next(r for r in scorecard.split("<tr>") if r.startswith("<td>System availability"))
        assert "Published: 99.90% (Illustrative survey, 2025)" in row, path
        assert "Published" not in scorecard.split("<td>Incidents attended")[1].split("</tr>")[0]
    assert "| System availability | 99.90% | Illustrative survey | 2025 |" in pages["agreement.md"]
