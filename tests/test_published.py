"""Every text value that is published is redacted (contract 8), whichever column it is in:
categories, channels, causes, owners, meeting names, site names... not only free text. The
columns come from the table declarations, so a column added later is covered too."""

from __future__ import annotations

import csv
import gzip
import html
import io
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import svcsite
from test_pages import pages_for
from test_redact import emails, hk_phones, hkids, international_phones

from conftest import CLIENTS_YML, write
from generator.inputs.tables import TABLES

# One row per source for harbour-tower (people: [Chan Tai Man]): every text column that is
# not a reference to clients.yml holds text around a value that must never be published.
ROWS = {
    "incidents": {
        "incident_id": "INC-1", "client_id": "harbour-tower", "site_id": "HT1",
        "system": "cctv", "priority": "P1", "reported_at": "2026-10-02 10:00",
        "attended_at": "2026-10-02 13:00", "resolved_at": "2026-10-03 15:00",
        "paused_minutes": "30", "pause_reason": "Awaiting tenant on 9123 4567",
        "outage": "true", "cause": "Badge A123456(7) cloned",
        "summary": "Mail from tm.chan@example.com", "reported_by": "Wong Siu Ming",
    },
    "maintenance": {
        "job_id": "JOB-1", "client_id": "harbour-tower", "site_id": "Kiosk 2877 5678",
        "system": "cctv",
        "kind": "preventive", "due_date": "2026-09-20", "completed_at": "",
        "status": "open", "first_time_fix": "", "notes": "Key from Chan Tai Man",
        "technician": "Lam Ka Ho",
    },
    "complaints": {
        "complaint_id": "CMP-1", "client_id": "harbour-tower", "site_id": "HT1",
        "received_at": "2026-10-03 10:00", "channel": "E-mail mary.wong@example.net",
        "category": "Noise, call +852 6123 4567", "acknowledged_at": "",
        "resolved_at": "", "status": "open", "escalated": "false",
        "root_cause": "HKID Z987654(3) on file", "corrective_action": "Told CHAN Tai-man",
        "satisfaction": "", "description": "Ring +44 20 7946 0958",
        "complainant_name": "Ho Ka Yan", "complainant_phone": "5555 1212",
        "complainant_email": "ho.ky@example.org",
    },
    "actions": {
        "action_id": "ACT-1", "client_id": "harbour-tower", "meeting_date": "2026-10-10",
        "meeting": "Review with 2345 6789", "level": "senior",
        "decision": "Copy ops@tower.example.hk", "owner": "Tai Man Chan",
        "due_date": "2026-09-30", "status": "open", "closed_on": "",
        "outcome": "Card AB987654(A) revoked", "feedback_id": "FB-1",
    },
    "feedback": {
        "feedback_id": "FB-1", "client_id": "harbour-tower", "site_id": "HT1",
        "received_at": "2026-10-04 11:00", "kind": "suggestion", "score": "",
        "channel": "Survey via sam.lee@example.com",
        "text": "Please call me back on 9876 5432", "given_by": "Cheung Mei Ling",
    },
    "training": {
        "training_id": "TRN-1", "client_id": "harbour-tower", "staff_ref": "STF-0042X",
        "role": "Technician HKID C234567(9)", "course": "First aid, tutor Chan Tai Man",
        "kind": "safety", "completed_on": "2026-10-05", "hours": "7", "result": "passed",
        "expires_on": "2026-12-01",
    },
}  # fmt: skip
# What must be gone from every published file, and the text around it that must stay.
SECRETS = ["9123 4567", "A123456", "tm.chan@example.com", "Chan Tai Man", "mary.wong@example",
           "6123 4567", "Z987654", "CHAN Tai-man", "7946 0958", "2345 6789", "ops@tower",
           "Tai Man Chan", "AB987654", "Wong Siu Ming", "Lam Ka Ho", "Ho Ka Yan", "5555 1212",
           "ho.ky@example.org", "2877 1234", "2877 5678", "sam.lee@example", "9876 5432",
           "Cheung Mei Ling", "STF-0042X", "C234567"]  # fmt: skip
KEPT = ["Awaiting tenant on", "cloned", "Mail from", "Key from", "Noise, call", "on file",
        "Told", "Review with", "revoked", "Harbour Tower podium", "Kiosk [phone removed]",
        "Lobby kiosk", "Survey via", "Please call me back on", "Technician", "First aid, tutor"]  # fmt: skip
# Site ids and names come from exports too: one of each holds a phone number.
CLIENTS = CLIENTS_YML.replace(
    "name: Harbour Tower,", "name: Harbour Tower podium tel 2877 1234,"
).replace(
    "      - {id: HT1,",
    '      - {id: "Kiosk 2877 5678", name: Lobby kiosk, systems: [cctv]}\n      - {id: HT1,',
)


def csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_portfolio(data: Path, rows: dict[str, dict[str, str]] = ROWS) -> Path:
    write(data / "clients.yml", CLIENTS)
    school = {"client_id": "kowloon-school", "site_id": "KB1", "system": "intruder_alarm"}
    for source, row in rows.items():
        # The other client's row: its own references, plain text, no personal data.
        table = TABLES[source]
        other = {**row, table.id_column: f"{row[table.id_column]}-KB"}
        other |= {k: v for k, v in school.items() if k in row}
        other |= {column: "Routine" for _, column in redacted_text_columns() if column in row}
        other |= {column: "" for column in table.personal_columns}
        if "priority" in row:
            other["priority"] = "P2"
        write(data / f"{source}.csv", csv_text([row, other]))
    return data


def readable(text: str) -> str:
    """Text as a reader (or the audit) sees it: HTML entities and JSON escapes resolved."""
    text = html.unescape(text)
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda match: chr(int(match.group(1), 16)), text)


def redacted_text_columns() -> list[tuple[str, str]]:
    """(source, column) of every published text column that is not a reference to
    clients.yml (those are checked against it; site names come from clients.yml)."""
    return [
        (source, column.name)
        for source, table in TABLES.items()
        for column in table.columns
        if column.redacted and column.kind != "reference"
    ]


def published_texts(folder: Path) -> dict[str, str]:
    """Every file of a built site as a reader sees it, packed files unpacked."""
    texts = {}
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        texts[str(path.relative_to(folder))] = readable(data.decode("utf-8", errors="replace"))
    return texts


def test_every_redacted_column_of_every_source_holds_a_planted_value() -> None:
    """The fixture covers the declarations: a text column added later must get a value."""
    for source, column in redacted_text_columns():
        value = ROWS[source][column]
        assert any(secret in value for secret in SECRETS), (source, column)
    for source, table in TABLES.items():
        for column in table.personal_columns:
            assert ROWS[source][column] in SECRETS, (source, column)


def test_no_page_download_or_chart_holds_personal_data_of_any_text_column(tmp_path: Path) -> None:
    pages = {
        path: readable(text)
        for path, text in pages_for(write_portfolio(tmp_path / "data"), "harbour-tower").items()
    }
    everything = "\n".join(pages.values())
    for path, text in pages.items():
        for secret in SECRETS:
            assert secret not in text, (path, secret)
    for kept in KEPT:
        assert kept in everything, kept  # the column is published, only the value is gone
    # The complaints chart (its spec, tooltips and data table) shows the redacted category.
    assert "Noise, call [phone removed]" in pages["complaints.md"]
    downloads = {name: pages[f"downloads/{name}.csv"] for name in TABLES}
    assert "Review with [phone removed]" in downloads["actions"]
    assert "[name removed]" in downloads["actions"]
    # Feedback beside the complaints, and what was changed because of it, redacted alike.
    complaints = pages["complaints.md"]
    assert "Please call me back on [phone removed]" in complaints
    assert "| FB-1 (suggestion) | Copy [e-mail removed] |" in complaints
    # Training: only counts of staff; the course and role redacted, also where it expires.
    assert pages["training.md"].count("First aid, tutor [name removed]") == 2
    assert "STF-0042X" not in downloads["training"]
    assert "staff_ref" not in downloads["training"].splitlines()[0]


def test_a_portfolio_with_personal_data_in_every_text_column_builds_and_passes_the_audit(
    tmp_path: Path,
) -> None:
    data = write_portfolio(tmp_path / "data")
    out = tmp_path / "site"
    result = svcsite("build", "--data", str(data), "--out", str(out), "--as-of", "2026-10-31T23:59")
    assert result.returncode == 0, result.stderr
    assert "audit" not in result.stderr
    texts = published_texts(out / "harbour-tower")
    assert any("search_index.json" in path for path in texts)
    for path, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, (path, secret)
    search = next(text for path, text in texts.items() if path.endswith("search_index.json"))
    assert "Noise, call [phone removed]" in search


personal_values = st.one_of(
    emails, hk_phones(), international_phones(), hkids(), st.just("Chan Tai Man")
)


@given(st.sampled_from(redacted_text_columns()), personal_values)
@settings(
    max_examples=int(os.environ.get("PUBLISHED_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_personal_data_in_any_text_column_never_reaches_a_page(
    tmp_path_factory: pytest.TempPathFactory, place: tuple[str, str], value: str
) -> None:
    source, column = place
    rows = {name: dict(row) for name, row in ROWS.items()}
    rows[source][column] = f"Before {value} after"
    pages = pages_for(write_portfolio(tmp_path_factory.mktemp("data"), rows), "harbour-tower")
    for path, text in pages.items():
        assert value not in readable(text), (path, source, column)
