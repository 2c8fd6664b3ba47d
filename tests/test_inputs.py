"""CSV exports in, typed rows, quarantined rows and their counts out (contract 4.2, 4.3)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from conftest import (
    ACTIONS_HEADER,
    CLIENTS_YML,
    COMPLAINTS_HEADER,
    INCIDENTS,
    INCIDENTS_HEADER,
    MAINTENANCE_HEADER,
    write,
)
from generator.errors import InputError
from generator.inputs.read import read_inputs


def problems(data: Path) -> list[str]:
    return [str(problem).removeprefix(f"{data}/") for problem in read_inputs(data).quality.problems]


def counts(data: Path) -> list[tuple[str, int, int, int, int]]:
    return [
        (
            Path(r.file).name,
            r.counts.received,
            r.counts.used,
            r.counts.superseded,
            r.counts.quarantined,
        )
        for r in read_inputs(data).quality.files
    ]


def test_clean_rows_are_typed_in_the_configured_timezone(portfolio: Path) -> None:
    inputs = read_inputs(portfolio)
    incidents = inputs.tables["incidents"]
    assert list(incidents["incident_id"]) == ["INC-1", "INC-2", "INC-3"]
    assert incidents.loc[0, "reported_at"] == pd.Timestamp("2026-10-02 02:00", tz="UTC")
    assert str(incidents["reported_at"].dt.tz) == "Asia/Hong_Kong"
    assert list(incidents["paused_minutes"].fillna(-1)) == [-1, 30.0, -1]
    assert list(incidents["outage"]) == [True, False, False]
    assert pd.isna(incidents.loc[2, "resolved_at"])
    assert list(incidents["_line"]) == [2, 3, 4]
    assert inputs.quality.absent == ["maintenance", "complaints", "actions", "feedback", "training"]
    assert counts(portfolio) == [("incidents.csv", 3, 3, 0, 0)]


def test_yes_and_no_in_chinese_are_read_as_true_and_false(portfolio: Path) -> None:
    text = INCIDENTS.replace(",true,PSU", ",是,PSU").replace(",false,Reader", ",否,Reader")
    write(portfolio / "incidents.csv", text)
    assert list(read_inputs(portfolio).tables["incidents"]["outage"]) == [True, False, False]


def _as_excel_writes_it(csv_text: str, delimiter: str) -> str:
    """The export with another delimiter, and headers as a person would type them."""
    rows = list(csv.reader(io.StringIO(csv_text.lstrip("\n"))))
    rows[0] = [name.replace("_", " ").title() for name in rows[0]]  # 'Incident Id'
    rows[0][0] = "INCIDENT-ID"
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_an_export_separated_otherwise_with_headers_typed_otherwise_reads_the_same(
    portfolio: Path, delimiter: str
) -> None:
    # A summary holding the delimiter and a comma, and a row with a field too many.
    text = INCIDENTS.replace("Camera 3 offline", f'"Camera 3 offline{delimiter} PSU, fan"')
    write(portfolio / "incidents.csv", text)
    expected = read_inputs(portfolio).tables["incidents"]
    exported = _as_excel_writes_it(text, delimiter) + delimiter.join(["INC-9"] * 15) + "\r\n"
    (portfolio / "incidents.csv").write_bytes(exported.encode("utf-8-sig"))
    inputs = read_inputs(portfolio)
    pd.testing.assert_frame_equal(
        inputs.tables["incidents"].drop(columns=["_file"]), expected.drop(columns=["_file"])
    )
    (broken,) = [str(p).removeprefix(f"{portfolio}/") for p in inputs.quality.problems]
    assert broken.startswith("incidents.csv:5: (row): expected 14 fields, found 15 ('INC-9")


def test_a_site_id_spelt_in_another_case_or_spacing_names_the_site_it_may_mean(
    portfolio: Path,
) -> None:
    write(
        portfolio / "incidents.csv",
        INCIDENTS_HEADER
        + """
INC-1,harbour-tower,ht1,cctv,P1,2026-10-02 10:00,,,,,,,lower case,
INC-2,harbour-tower,Ht1 ,cctv,P1,2026-10-02 10:00,,,,,,,mixed case,
INC-3,harbour-tower,HT 1,cctv,P1,2026-10-02 10:00,,,,,,,another id,
INC-4,harbour-tower,KB1,cctv,P1,2026-10-02 10:00,,,,,,,another client's site,
""",
    )
    unknown = "site_id: not one of this client's sites in clients.yml"
    assert problems(portfolio) == [
        f"incidents.csv:2: {unknown}; did you mean 'HT1'? ('ht1')",
        f"incidents.csv:3: {unknown}; did you mean 'HT1'? ('Ht1')",
        f"incidents.csv:4: {unknown} ('HT 1')",
        f"incidents.csv:5: {unknown} ('KB1')",
    ]


def test_every_row_problem_is_quarantined_with_file_line_column_and_value(portfolio: Path) -> None:
    write(
        portfolio / "incidents.csv",
        INCIDENTS_HEADER
        + """
INC-1,harbour-tower,HT1,cctv,P1,2026-10-02 10:00,2026-10-02 11:00,2026-10-02 15:00,,,true,,ok,
INC-2,harbour-tower,HT1,cctv,P1,31/02/2026 25:00,,,,,,,bad timestamp,
INC-3,acme,HT1,cctv,P1,2026-10-02 10:00,,,,,,,unknown client,
INC-4,harbour-tower,HT1,cctv,P9,2026-10-02 10:00,,,,,,,unknown priority,
INC-5,harbour-tower,KB1,cctv,P1,2026-10-02 10:00,,,,,,,another client's site,
INC-6,harbour-tower,HT1,lift,P1,2026-10-02 10:00,,,,,,,system not at the site,
INC-7,harbour-tower,HT1,cctv,P1,2026-10-02 10:00,,2026-10-01 09:00,,,,,resolved before reported,
INC-8,harbour-tower,HT1,cctv,P1,2026-10-02 10:00,,2026-10-02 12:00,-5,,,,negative pause,
INC-1,harbour-tower,HT1,cctv,P1,2026-10-03 10:00,,,,,,,duplicate id,
INC-9,harbour-tower,HT1,cctv,P1,,,,,,maybe,,"missing reported_at
and a bad outage on a two-line summary",
INC-10,harbour-tower,HT1,cctv,P1,2026-10-02 10:00,2026-10-02 09:00,,,,,,attended before reported,
""",
    )
    write(
        portfolio / "complaints.csv",
        COMPLAINTS_HEADER
        + """
C-1,harbour-tower,HT1,2026-10-02 10:00,phone,response time,,,open,false,,,7,too slow,,,
C-2,harbour-tower,,2026-10-02 10:00,phone,response time,,,pending,false,,,2.5,too slow,,,
""",
    )
    assert problems(portfolio) == [
        "incidents.csv:3: reported_at: not a valid timestamp: expected an ISO 8601 timestamp such as 2026-10-31 14:05 ('31/02/2026 25:00')",
        "incidents.csv:4: client_id: unknown client: not in clients.yml ('acme')",
        "incidents.csv:5: priority: not a priority of this client's SLA ('P9')",
        "incidents.csv:6: site_id: not one of this client's sites in clients.yml ('KB1')",
        "incidents.csv:7: system: not a system of this site in clients.yml ('lift')",
        "incidents.csv:8: resolved_at: is before reported_at ('2026-10-01 09:00')",
        "incidents.csv:9: paused_minutes: expected a number >= 0 ('-5')",
        "incidents.csv:10: incident_id: duplicate id in this file (first on line 2) ('INC-1')",
        "incidents.csv:11: reported_at: required value is missing",
        "incidents.csv:11: outage: expected true or false ('maybe')",
        "incidents.csv:13: attended_at: is before reported_at ('2026-10-02 09:00')",
        "complaints.csv:2: satisfaction: expected a whole number from 1 to 5 ('7')",
        "complaints.csv:3: status: expected one of open, resolved, escalated, withdrawn ('pending')",
        "complaints.csv:3: satisfaction: expected a whole number from 1 to 5 ('2.5')",
    ]
    assert counts(portfolio) == [("incidents.csv", 11, 1, 0, 10), ("complaints.csv", 2, 0, 0, 2)]
    by_client = read_inputs(portfolio).quality.by_client
    assert by_client["harbour-tower"]["incidents"].quarantined == 9  # 'acme' is nobody's
    assert by_client["kowloon-school"]["incidents"].received == 0


def test_rows_with_the_wrong_number_of_fields_are_quarantined_not_lost(portfolio: Path) -> None:
    write(
        portfolio / "incidents.csv",
        INCIDENTS_HEADER
        + """

INC-1,harbour-tower,HT1,cctv,P1,2026-10-02 10:00,,,,,,,ok,
INC-2,harbour-tower,HT1,cctv,P1,2026-10-02 10:00,,,,,,,one,field,too,many

INC-3,harbour-tower,HT1,cctv,P1,2026-10-02 10:00,,,,,,,"two
lines",
""",
    )
    assert problems(portfolio) == [
        "incidents.csv:4: (row): expected 14 fields, found 16 ('INC-2,harbour-tower,HT1,cctv,P1,2026-10-02 10:00,,,,,,,one,field,too,many')"
    ]
    assert list(read_inputs(portfolio).tables["incidents"]["_line"]) == [3, 6]
    assert counts(portfolio) == [("incidents.csv", 3, 2, 0, 1)]


def test_crlf_bom_and_quoted_line_breaks_keep_editor_line_numbers(portfolio: Path) -> None:
    text = (
        INCIDENTS_HEADER
        + '\r\nINC-1,harbour-tower,HT1,cctv,P1,2026-10-02 10:00,,,,,,,"a\r\nb\r\nc",\r\n'
        + "INC-2,harbour-tower,HT1,cctv,P1,bad,,,,,,,x,\r\n"
    )
    (portfolio / "incidents.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert problems(portfolio) == [
        "incidents.csv:5: reported_at: not a valid timestamp: expected an ISO 8601 timestamp such as 2026-10-31 14:05 ('bad')"
    ]
    inputs = read_inputs(portfolio)
    assert inputs.quality.files[0].encoding == "utf-8-sig"
    assert inputs.tables["incidents"].loc[0, "summary"] == "a\r\nb\r\nc"


def test_big5_export_from_excel_is_read(portfolio: Path) -> None:
    text = (
        INCIDENTS_HEADER
        + "\nINC-1,harbour-tower,HT1,cctv,P1,2026-10-02 10:00,,,,,,,閉路電視鏡頭故障，已更換電源,陳大文\n"
    )
    write(portfolio / "incidents.csv", text, encoding="cp950")
    inputs = read_inputs(portfolio)
    assert inputs.tables["incidents"].loc[0, "summary"] == "閉路電視鏡頭故障，已更換電源"
    assert inputs.quality.files[0].encoding == "cp950"


def test_hkscs_characters_fall_back_to_big5_hkscs(portfolio: Path) -> None:
    text = (
        INCIDENTS_HEADER + "\nINC-1,harbour-tower,HT1,cctv,P1,2026-10-02 10:00,,,,,,,鰂魚涌大廈,\n"
    )
    write(portfolio / "incidents.csv", text, encoding="big5hkscs")
    inputs = read_inputs(portfolio)
    assert inputs.tables["incidents"].loc[0, "summary"] == "鰂魚涌大廈"
    assert inputs.quality.files[0].encoding == "big5hkscs"


def test_a_missing_required_column_stops_with_file_and_column(portfolio: Path) -> None:
    write(portfolio / "incidents.csv", INCIDENTS.replace("priority,", "prio,", 1))
    with pytest.raises(InputError) as caught:
        read_inputs(portfolio)
    assert [str(p) for p in caught.value.problems] == [
        f"{portfolio}/incidents.csv:1: priority: required column is missing"
    ]


def test_a_missing_incidents_export_stops_the_build(portfolio: Path) -> None:
    (portfolio / "incidents.csv").unlink()
    with pytest.raises(InputError) as caught:
        read_inputs(portfolio)
    assert [str(p) for p in caught.value.problems] == [
        f"{portfolio}/incidents.csv: no incidents export found"
    ]


def test_later_files_of_a_glob_replace_rows_with_the_same_id(portfolio: Path) -> None:
    (portfolio / "incidents.csv").unlink()
    write(
        portfolio / "clients.yml",
        CLIENTS_YML + "sources:\n  incidents: {file: 'incidents-*.csv'}\n",
    )
    write(
        portfolio / "incidents-2026-09.csv",
        INCIDENTS_HEADER
        + """
INC-1,harbour-tower,HT1,cctv,P1,2026-09-30 10:00,,,,,,,still open,
INC-2,harbour-tower,HT1,cctv,P1,2026-09-30 11:00,,,,,,,open,
""",
    )
    write(
        portfolio / "incidents-2026-10.csv",
        INCIDENTS_HEADER
        + """
INC-1,harbour-tower,HT1,cctv,P1,2026-09-30 10:00,2026-10-01 09:00,2026-10-01 10:00,,,,,closed,
INC-2,harbour-tower,HT1,cctv,P1,not a time,,,,,,,broken update,
""",
    )
    inputs = read_inputs(portfolio)
    used = inputs.tables["incidents"].set_index("incident_id")
    assert used.loc["INC-1", "summary"] == "closed"
    assert used.loc["INC-2", "summary"] == "open"  # a quarantined row replaces nothing
    assert counts(portfolio) == [
        ("incidents-2026-09.csv", 2, 1, 1, 0),
        ("incidents-2026-10.csv", 2, 1, 0, 1),
    ]


SERVICENOW = """\
number,opened_at,resolved_at,location,priority,short_description
INC0001,03-10-2026 14:05,04-10-2026 09:30,HT1,1 - Critical,CCTV down
INC0002,03-10-2026 15:00,?,HT1,3 - Moderate,Door held
INC0001,03-10-2026 14:05,05-10-2026 09:30,HT1,1 - Critical,CCTV down again
INC0003,13-10-2026 15:00,,HT1,5 - Planning,Unknown priority
"""

ADAPTER = """\
sources:
  incidents:
    file: exports/servicenow-*.csv
    columns: {incident_id: number, reported_at: opened_at, resolved_at: resolved_at,
              site_id: location, priority: priority, summary: short_description}
    datetime_format: "%d-%m-%Y %H:%M"
    na_values: ["?"]
    values: {priority: {"1 - Critical": P1, "2 - High": P2, "3 - Moderate": P3, "4 - Low": P4}}
    defaults: {client_id: harbour-tower, system: access_control}
    keep: last
"""


def test_a_sources_adapter_reads_a_real_export_without_code(portfolio: Path) -> None:
    (portfolio / "incidents.csv").unlink()
    write(portfolio / "clients.yml", CLIENTS_YML + ADAPTER)
    write(portfolio / "exports" / "servicenow-2026-10.csv", SERVICENOW)
    inputs = read_inputs(portfolio)
    used = inputs.tables["incidents"].set_index("incident_id")
    # keep: last — the later update of INC0001 wins; day-first dates; "?" is missing.
    assert used.loc["INC0001", "resolved_at"] == pd.Timestamp(
        "2026-10-05 09:30", tz="Asia/Hong_Kong"
    )
    assert used.loc["INC0001", "reported_at"] == pd.Timestamp(
        "2026-10-03 14:05", tz="Asia/Hong_Kong"
    )
    assert used.loc["INC0001", "priority"] == "P1"
    assert pd.isna(used.loc["INC0002", "resolved_at"])
    assert used.loc["INC0002", "system"] == "access_control"
    assert [str(p).split("/")[-1] for p in inputs.quality.problems] == [
        "servicenow-2026-10.csv:5: priority: not a priority of this client's SLA ('5 - Planning')"
    ]
    assert counts(portfolio) == [("servicenow-2026-10.csv", 4, 2, 1, 1)]


def test_a_configured_datetime_format_names_itself_in_the_message(portfolio: Path) -> None:
    (portfolio / "incidents.csv").unlink()
    write(portfolio / "clients.yml", CLIENTS_YML + ADAPTER)
    write(
        portfolio / "exports" / "servicenow-1.csv",
        SERVICENOW.replace("13-10-2026 15:00", "2026-10-13 15:00"),
    )
    assert problems(portfolio)[0].endswith(
        "servicenow-1.csv:5: reported_at: not a valid timestamp: expected a timestamp as %d-%m-%Y %H:%M ('2026-10-13 15:00')"
    )


def test_timestamps_with_offsets_and_naive_ones_mix(portfolio: Path) -> None:
    write(
        portfolio / "incidents.csv",
        INCIDENTS_HEADER
        + """
INC-1,harbour-tower,HT1,cctv,P1,2026-10-02T02:00:00Z,,,,,,,utc,
INC-2,harbour-tower,HT1,cctv,P1,2026-10-02T10:00:00+08:00,,,,,,,offset,
INC-3,harbour-tower,HT1,cctv,P1,2026-10-02 10:00,,,,,,,naive,
""",
    )
    reported = read_inputs(portfolio).tables["incidents"]["reported_at"]
    assert reported.nunique() == 1
    assert reported.iloc[0] == pd.Timestamp("2026-10-02 10:00", tz="Asia/Hong_Kong")


def test_every_source_and_its_dates(portfolio: Path) -> None:
    write(
        portfolio / "maintenance.csv",
        MAINTENANCE_HEADER
        + """
J-1,harbour-tower,HT1,cctv,preventive,2026-10-05,2026-10-06 11:00,Completed,,Quarterly check,Ho
J-2,harbour-tower,HT1,cctv,inspection,2026-10-05,,open,,,Ho
J-3,harbour-tower,HT1,cctv,corrective,05/10/2026,,open,yes,,Ho
""",
    )
    write(
        portfolio / "actions.csv",
        ACTIONS_HEADER
        + """
A-1,harbour-tower,2026-10-15,Monthly review Oct 2026,working,Replace NVR disks,Contractor service manager,2026-11-15,open,,
A-2,harbour-tower,2026-10-15,Monthly review Oct 2026,board,Review budget,Client facilities manager,2026-11-15,done,2026-10-20,Agreed
""",
    )
    inputs = read_inputs(portfolio)
    assert problems(portfolio) == [
        "maintenance.csv:3: kind: expected one of preventive, corrective ('inspection')",
        "maintenance.csv:4: due_date: not a valid date: expected an ISO 8601 date such as 2026-10-31 ('05/10/2026')",
        "actions.csv:3: level: expected one of working, senior ('board')",
    ]
    maintenance = inputs.tables["maintenance"]
    assert maintenance.loc[0, "status"] == "completed"
    assert maintenance.loc[0, "due_date"] == pd.Timestamp("2026-10-05")
    assert inputs.tables["actions"].loc[0, "due_date"] == pd.Timestamp("2026-11-15")
    assert inputs.quality.absent == ["complaints", "feedback", "training"]
