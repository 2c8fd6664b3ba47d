"""An independent check of the figures (contract 5) in metrics.json (contract 6).

Every expected figure below is computed by hand from the contract's words, with the arithmetic
in a comment next to it; none is taken from the engine. Calendar of the fixtures: business =
mon-fri 09:00-18:00, sat 09:00-13:00, HK general holidays (categories public AND optional),
extra_closed 2026-12-24, timezone Asia/Hong_Kong. Targets (minutes):
P1 attend 120 / restore 480 (24x7), P2 240 / 1440 (24x7), P3 540 / 1620 (business),
P4 1080 / 2700 (business); complaints acknowledge 540 / resolve 5400 (business).

Weekdays used: 2026-10-01 is a Thursday, so Oct: Fri 2, 9, 16, 23, 30; Sat 3, 10, 17, 24, 31;
Mon 5, 12, 19 (Chung Yeung observed, closed), 26. Nov: Sun 1, Mon 2, 9, 23, 30; Fri 6.
"""

from __future__ import annotations

import json
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ACTIONS_HEADER, COMPLAINTS_HEADER, INCIDENTS_HEADER, MAINTENANCE_HEADER, write
from generator.figures.metrics import compute_figures
from generator.figures.report import client_metrics, metrics_json
from generator.inputs.read import read_inputs

HK = "Asia/Hong_Kong"

SLA = """\
    sla:
      incidents:
        P1: {attend: 2h, restore: 8h, calendar: 24x7}
        P2: {attend: 4h, restore: 24h, calendar: 24x7}
        P3: {attend: 9h, restore: 27h, calendar: business}
        P4: {attend: 18h, restore: 45h, calendar: business}
      incident_target_pct: 95
      maintenance: {grace_days: 7, target_pct: 98}
      complaints: {acknowledge: 9h, resolve: 90h, calendar: business, target_pct: 95}
      availability_target_pct: 99.5
"""

HEAD = """\
provider: {name: Sentinel Systems Ltd, email: service@example.com, phone: "+852 0000 0000"}
timezone: Asia/Hong_Kong
calendars:
  business:
    hours: {mon: "09:00-18:00", tue: "09:00-18:00", wed: "09:00-18:00",
            thu: "09:00-18:00", fri: "09:00-18:00", sat: "09:00-13:00"}
    holidays: HK
    extra_closed: [2026-12-24]
"""

# alpha: monthly, two sites, three (site, system) pairs. beta: quarterly.
CLIENTS_YML = (
    HEAD
    + """\
clients:
  - id: alpha
    name: Alpha Tower
    reporting: monthly
    sites:
      - {id: A1, name: Alpha One, systems: [cctv, access_control]}
      - {id: A2, name: Alpha Two, systems: [cctv]}
"""
    + SLA
    + """\
  - id: beta
    name: Beta School
    reporting: quarterly
    sites:
      - {id: B1, name: Beta Campus, systems: [cctv, intruder_alarm]}
    sla:
      incidents:
        P1: {attend: 2h, restore: 8h, calendar: 24x7}
        P2: {attend: 4h, restore: 24h, calendar: business}
      incident_target_pct: 90
"""
)


def _row(header: str, values: dict[str, str]) -> str:
    columns = header.split(",")
    assert set(values) <= set(columns), set(values) - set(columns)
    return ",".join(values.get(column, "") for column in columns)


def _csv(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


def inc(
    incident_id: str,
    reported: str,
    attended: str = "",
    resolved: str = "",
    *,
    priority: str = "P3",
    client: str = "alpha",
    site: str = "A1",
    system: str = "cctv",
    paused: str = "",
    outage: str = "false",
) -> str:
    return _row(
        INCIDENTS_HEADER,
        {
            "incident_id": incident_id,
            "client_id": client,
            "site_id": site,
            "system": system,
            "priority": priority,
            "reported_at": reported,
            "attended_at": attended,
            "resolved_at": resolved,
            "paused_minutes": paused,
            "outage": outage,
        },
    )


def job(
    job_id: str,
    kind: str,
    due: str,
    completed: str = "",
    status: str = "open",
    ftf: str = "",
    *,
    client: str = "alpha",
    site: str = "A1",
    system: str = "cctv",
) -> str:
    return _row(
        MAINTENANCE_HEADER,
        {
            "job_id": job_id,
            "client_id": client,
            "site_id": site,
            "system": system,
            "kind": kind,
            "due_date": due,
            "completed_at": completed,
            "status": status,
            "first_time_fix": ftf,
        },
    )


def complaint(
    complaint_id: str,
    received: str,
    acknowledged: str = "",
    resolved: str = "",
    status: str = "open",
    escalated: str = "false",
    satisfaction: str = "",
    *,
    client: str = "alpha",
) -> str:
    return _row(
        COMPLAINTS_HEADER,
        {
            "complaint_id": complaint_id,
            "client_id": client,
            "site_id": "A1" if client == "alpha" else "",
            "received_at": received,
            "channel": "phone",
            "category": "response time",
            "acknowledged_at": acknowledged,
            "resolved_at": resolved,
            "status": status,
            "escalated": escalated,
            "satisfaction": satisfaction,
        },
    )


def action(
    action_id: str,
    meeting: str,
    status: str,
    due: str = "",
    closed: str = "",
    *,
    client: str = "alpha",
) -> str:
    return _row(
        ACTIONS_HEADER,
        {
            "action_id": action_id,
            "client_id": client,
            "meeting_date": meeting,
            "level": "working",
            "decision": "Replace the reader",
            "owner": "Contractor service manager",
            "due_date": due,
            "status": status,
            "closed_on": closed,
        },
    )


def make_portfolio(
    data: Path,
    incidents: list[str],
    maintenance: list[str] | None = None,
    complaints: list[str] | None = None,
    actions: list[str] | None = None,
    clients_yml: str = CLIENTS_YML,
) -> Path:
    write(data / "clients.yml", clients_yml)
    write(data / "incidents.csv", _csv(INCIDENTS_HEADER, incidents))
    for name, header, rows in (
        ("maintenance", MAINTENANCE_HEADER, maintenance),
        ("complaints", COMPLAINTS_HEADER, complaints),
        ("actions", ACTIONS_HEADER, actions),
    ):
        if rows is not None:
            write(data / f"{name}.csv", _csv(header, rows))
    return data


def hk(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=HK)


def document(data: Path, client_id: str, as_of: str) -> dict[str, Any]:
    inputs = read_inputs(data)
    assert inputs.quality.problems == []
    figures = compute_figures(inputs.config, inputs.tables, hk(as_of))
    client = next(c for c in inputs.config.clients if c.id == client_id)
    return client_metrics(figures, client, inputs.quality)


def period(doc: dict[str, Any], name: str) -> dict[str, Any]:
    found = [p for p in doc["periods"] if p["period"] == name]
    assert len(found) == 1, [p["period"] for p in doc["periods"]]
    return found[0]


def names(doc: dict[str, Any]) -> list[str]:
    return [p["period"] for p in doc["periods"]]


NO_JUDGEMENT = {
    "met": 0,
    "breached": 0,
    "pending": 0,
    "compliance_pct": None,
    "median_minutes": None,
    "p90_minutes": None,
}


# ---- incidents: attend ------------------------------------------------------------------------


def test_attend_on_calendar_edges(tmp_path: Path) -> None:
    # as_of Fri 2026-10-30 12:00.
    data = make_portfolio(
        tmp_path / "data",
        [
            # Fri 17:00-18:00 = 60, Sat 09:00-13:00 = 240, Mon 09:00-10:00 = 60 -> 360 <= 540 met
            inc("I-01", "2026-10-09 17:00", "2026-10-12 10:00", priority="P3"),
            # Fri 20:00 is after closing: Fri 0, Sat 240, Mon 09:00-09:45 = 45 -> 285 <= 1080 met
            inc("I-02", "2026-10-09 20:00", "2026-10-12 09:45", priority="P4"),
            # Saturday noon: Sat 12:00-13:00 = 60, Mon 09:00-09:30 = 30 -> 90 met
            inc("I-03", "2026-10-10 12:00", "2026-10-12 09:30", priority="P3"),
            # Fri 17-18 = 60, Sat 240, Sun 0, Mon 10-19 Chung Yeung (observed) 0,
            # Tue 09:00-12:00 = 180 -> 480 <= 540 met (1020, breached, if Monday were counted)
            inc("I-04", "2026-10-16 17:00", "2026-10-20 12:00", priority="P3"),
            # resolved without attendance: response = resolved_at, 24x7 10:00-13:00 = 180 <= 240
            inc("I-05", "2026-10-22 10:00", "", "2026-10-22 13:00", priority="P2"),
            # 24x7 10:00-14:00 = 240 = target -> met (<=)
            inc("I-06", "2026-10-27 10:00", "2026-10-27 14:00", priority="P2"),
            # P1 on 24x7 over a weekend night: Sat 23:00 -> Sun 01:30 = 150 > 120 breached
            inc("I-07", "2026-10-24 23:00", "2026-10-25 01:30", priority="P1"),
            # no response; as_of: 09:00-12:00 = 180 > 120 -> breached
            inc("I-08", "2026-10-30 09:00", priority="P1"),
            # no response; as_of: 11:00-12:00 = 60 <= 120 -> pending
            inc("I-09", "2026-10-30 11:00", priority="P1"),
            # no response; Mon-Thu 4 x 540 = 2160 + Fri 09:00-12:00 180 = 2340 > 1080 breached
            inc("I-10", "2026-10-26 09:00", priority="P4"),
            # no response; Fri 10:00-12:00 = 120 <= 540 pending
            inc("I-11", "2026-10-30 10:00", priority="P3"),
            # no response; Thu 12:00-18:00 = 360 + Fri 180 = 540 = target -> pending (not >)
            inc("I-12", "2026-10-29 12:00", priority="P3"),
        ],
    )
    october = period(document(data, "alpha", "2026-10-30 12:00"), "2026-10")
    assert october["incidents"]["reported"] == 12
    # P1: I-07, 08, 09; P2: I-05, 06; P3: I-01, 03, 04, 11, 12; P4: I-02, 10
    assert october["incidents"]["by_priority"] == {"P1": 3, "P2": 2, "P3": 5, "P4": 2}
    assert october["incidents"]["attend"] == {
        "met": 6,  # I-01..06
        "breached": 3,  # I-07, 08, 10
        "pending": 3,  # I-09, 11, 12
        "compliance_pct": pytest.approx(600 / 9),  # 6 / (6 + 3) * 100 = 66.67
        # responded and judged: 90, 150, 180, 240, 285, 360, 480 (n=7)
        "median_minutes": 240.0,  # position 0.5 * 6 = 3 -> 240
        "p90_minutes": pytest.approx(408.0),  # position 5.4 -> 360 + 0.4 * (480 - 360) = 408
    }


def test_attend_across_holidays_and_extra_closed(tmp_path: Path) -> None:
    data = make_portfolio(
        tmp_path / "data",
        [
            # Thu 04-02 17-18 = 60; Fri 04-03 Good Friday, Sat 04-04 day following Good Friday
            # (optional category), Sun, Mon 04-06, Tue 04-07 closed; Wed 04-08 09:00-09:30 = 30
            # -> 90
            inc("H-1", "2026-04-02 17:00", "2026-04-08 09:30"),
            # Fri 09-25 17:30-18:00 = 30; Sat 09-26 (day following Mid-Autumn) closed; Sun;
            # Mon 09:00-09:30 = 30 -> 60
            inc("H-2", "2026-09-25 17:30", "2026-09-28 09:30"),
            # Wed 09-30 17-18 = 60; Thu 10-01 National Day closed; Fri 10-02 09-10 = 60 -> 120
            # (reported in September)
            inc("H-3", "2026-09-30 17:00", "2026-10-02 10:00"),
            # Wed 12-23 17-18 = 60; Thu 12-24 extra_closed; Fri 12-25, Sat 12-26 holidays; Sun;
            # Mon 12-28 09-10 = 60 -> 120
            inc("H-4", "2026-12-23 17:00", "2026-12-28 10:00"),
        ],
    )
    doc = document(data, "alpha", "2026-12-31 12:00")
    # every month from the first record (April) to as_of (December), empty ones included
    assert names(doc) == [f"2026-{m:02d}" for m in range(4, 13)]

    def attend(minutes: list[float], median: float, p90: float) -> dict[str, Any]:
        return {
            "met": len(minutes),
            "breached": 0,
            "pending": 0,
            "compliance_pct": 100.0,
            "median_minutes": median,
            "p90_minutes": p90,
        }

    assert period(doc, "2026-04")["incidents"]["attend"] == attend([90], 90.0, 90.0)
    # 60, 120: median 90, p90 = 60 + 0.9 * 60 = 114
    assert period(doc, "2026-09")["incidents"]["attend"] == attend(
        [60, 120], 90.0, pytest.approx(114.0)
    )
    assert period(doc, "2026-12")["incidents"]["attend"] == attend([120], 120.0, 120.0)
    may = period(doc, "2026-05")["incidents"]
    assert may == {
        "reported": 0,
        "by_priority": {"P1": 0, "P2": 0, "P3": 0, "P4": 0},
        "repeat": 0,
        "attend": NO_JUDGEMENT,
        "restore": NO_JUDGEMENT,
    }


# ---- incidents: restore -----------------------------------------------------------------------


def test_restore_with_pauses(tmp_path: Path) -> None:
    # as_of Mon 2026-11-30 12:00.
    data = make_portfolio(
        tmp_path / "data",
        [
            # 24x7 08:00-18:00 = 600 - 150 paused = 450 <= 480 met (600 alone: breached)
            inc(
                "R-1",
                "2026-11-02 08:00",
                "2026-11-02 09:00",
                "2026-11-02 18:00",
                priority="P1",
                paused="150",
            ),
            # 24x7 08:00-10:00 = 120 - 500 paused -> floored at 0, met
            inc(
                "R-2",
                "2026-11-03 08:00",
                "2026-11-03 09:00",
                "2026-11-03 10:00",
                priority="P1",
                paused="500",
            ),
            # Fri 11-06 17-18 = 60, Sat 240, Mon 540, Tue 540, Wed 540, Thu 09-10 = 60 -> 1980
            # - 300 paused = 1680 > 1620 breached
            inc(
                "R-3",
                "2026-11-06 17:00",
                "2026-11-07 09:30",
                "2026-11-12 10:00",
                priority="P3",
                paused="300",
            ),
            # 24x7 Thu 00:00 -> Fri 06:00 = 30h = 1800 > 1440 breached
            inc("R-4", "2026-11-05 00:00", "2026-11-05 01:00", "2026-11-06 06:00", priority="P2"),
            # unresolved: Mon 11-23..Fri 11-27 5 x 540 = 2700, Sat 240, Mon 11-30 09-12 = 180
            # -> 3120 - 300 = 2820 > 2700 breached
            inc("R-5", "2026-11-23 09:00", "2026-11-23 10:00", priority="P4", paused="300"),
            # unresolved: 3120 - 500 = 2620 <= 2700 pending
            inc("R-6", "2026-11-23 09:00", priority="P4", paused="500"),
            # unresolved: 24x7 08:00-12:00 = 240 <= 480 pending
            inc("R-7", "2026-11-30 08:00", priority="P1"),
        ],
    )
    november = period(document(data, "alpha", "2026-11-30 12:00"), "2026-11")
    assert november["incidents"]["restore"] == {
        "met": 2,
        "breached": 3,
        "pending": 2,
        "compliance_pct": 40.0,  # 2 / 5 * 100
        # resolved and judged: 0, 450, 1680, 1800
        "median_minutes": 1065.0,  # position 1.5 -> (450 + 1680) / 2
        "p90_minutes": pytest.approx(1764.0),  # position 2.7 -> 1680 + 0.7 * 120
    }


# ---- as_of: later records left out, later times blank ------------------------------------------

AS_OF_T1 = "2026-10-15 12:00"  # Thu


def test_as_of_leaves_later_records_out_and_later_times_blank(tmp_path: Path) -> None:
    full = make_portfolio(
        tmp_path / "full",
        [
            # attended 14:00 and resolved 16:00 are after T1: blank. Elapsed 09:00-12:00 = 180
            # <= 240 -> attend pending (300, breached, if the later time were used); restore
            # pending (180 <= 1440)
            inc("A-1", "2026-10-15 09:00", "2026-10-15 14:00", "2026-10-15 16:00", priority="P2"),
            # attend Mon 09-10 = 60 met; resolved Fri 10-16 after T1: blank; elapsed Mon 540 +
            # Tue 540 + Wed 540 + Thu 09-12 180 = 1800 > 1620 -> restore breached
            inc("A-2", "2026-10-12 09:00", "2026-10-12 10:00", "2026-10-16 10:00", priority="P3"),
            # reported after T1: left out
            inc("A-3", "2026-10-16 09:00", "2026-10-16 10:00", "2026-10-16 11:00", priority="P1"),
            # reported after T1, in November: left out, and no 2026-11 period
            inc("A-4", "2026-11-02 09:00", "2026-11-02 10:00", "2026-11-02 11:00", priority="P1"),
            # resolved exactly at T1 (not after): attend 1 met, restore 1 met
            inc("A-5", "2026-10-15 11:59", "", "2026-10-15 12:00", priority="P1"),
            # an outage resolved after T1: down 06:00 -> T1 = 360 min; attend 60 met; restore
            # elapsed 360 <= 480 pending
            inc(
                "A-6",
                "2026-10-15 06:00",
                "2026-10-15 07:00",
                "2026-10-15 18:00",
                priority="P1",
                outage="true",
            ),
        ],
        maintenance=[
            # completed after T1: not completed at T1; deadline 10-08 < 10-15 -> overdue
            job("M-1", "preventive", "2026-10-01", "2026-10-16 10:00", "completed"),
            # due after the T1 date: left out
            job("M-2", "preventive", "2026-10-20"),
            job("M-3", "corrective", "2026-10-10", "2026-10-14 10:00", "completed", "true"),
            # completed after T1: counted, but not a completed job for the first-time-fix rate
            job("M-4", "corrective", "2026-10-11", "2026-10-16 10:00", "completed", "false"),
        ],
        complaints=[
            # ack Mon 10:00-11:00 = 60 met; resolved after T1: blank, so open; resolve elapsed
            # Mon 10:00-18:00 480 + Tue 540 + Wed 540 + Thu 180 = 1740 <= 5400 pending
            complaint(
                "K-1", "2026-10-12 10:00", "2026-10-12 11:00", "2026-10-16 10:00", "resolved"
            ),
            # received after T1: left out
            complaint("K-2", "2026-10-16 10:00", "2026-10-16 11:00", status="open"),
        ],
        actions=[
            # closed after T1: open at T1, and due 10-10 < 10-15 -> overdue
            action("X-1", "2026-10-05", "done", due="2026-10-10", closed="2026-10-20"),
            # meeting after T1: left out
            action("X-2", "2026-10-20", "open", due="2026-10-30"),
            action("X-3", "2026-10-05", "done", due="2026-10-30", closed="2026-10-14"),
        ],
    )
    doc = document(full, "alpha", AS_OF_T1)
    assert doc["as_of"] == "2026-10-15T12:00:00+08:00"
    assert names(doc) == ["2026-10"]
    october = period(doc, "2026-10")
    assert october["incidents"] == {
        "reported": 4,
        "by_priority": {"P1": 2, "P2": 1, "P3": 1, "P4": 0},
        "repeat": 3,  # A1 cctv: A-2 (10-12), then within 30 days after it
        "attend": {
            "met": 3,  # A-2 60, A-5 1, A-6 60
            "breached": 0,
            "pending": 1,
            "compliance_pct": 100.0,
            "median_minutes": 60.0,  # 1, 60, 60
            "p90_minutes": 60.0,  # position 1.8 -> 60 + 0.8 * 0
        },
        "restore": {
            "met": 1,  # A-5 (1 min)
            "breached": 1,  # A-2, no minutes
            "pending": 2,
            "compliance_pct": 50.0,
            "median_minutes": 1.0,
            "p90_minutes": 1.0,
        },
    }
    assert october["maintenance"] == {
        "preventive": {
            "due": 1,
            "on_time": 0,
            "late": 0,
            "overdue": 1,
            "pending": 0,
            "cancelled": 0,
            "on_time_pct": 0.0,  # 0 / 1
        },
        "corrective": {"count": 2, "first_time_fix_pct": 100.0},  # M-3 only: 1 / 1
    }
    assert october["complaints"] == {
        "received": 1,
        "acknowledge": {
            "met": 1,
            "breached": 0,
            "pending": 0,
            "compliance_pct": 100.0,
            "median_minutes": 60.0,
            "p90_minutes": 60.0,
        },
        "resolve": {
            "met": 0,
            "breached": 0,
            "pending": 1,
            "compliance_pct": None,
            "median_minutes": None,
            "p90_minutes": None,
        },
        "open": 1,  # K-1 was still open at T1
        "escalated": 0,
        "satisfaction": {"mean": None, "responses": 0},
    }
    assert october["actions"] == {"raised": 2, "open": 1, "overdue": 1, "done": 1, "dropped": 0}
    # October up to T1: 14.5 days = 20880 min; A1 cctv down 360
    a1_cctv = 100 * (1 - 360 / 20880)
    assert october["availability"] == {
        "overall_pct": pytest.approx((a1_cctv + 100 + 100) / 3),
        "by_system": {
            "access_control": 100.0,
            "cctv": pytest.approx((a1_cctv + 100) / 2),
        },
    }

    # The same report from the records as they stood at T1 (later rows absent, later times
    # blank, statuses as they were): identical periods.
    past = make_portfolio(
        tmp_path / "past",
        [
            inc("A-1", "2026-10-15 09:00", priority="P2"),
            inc("A-2", "2026-10-12 09:00", "2026-10-12 10:00", priority="P3"),
            inc("A-5", "2026-10-15 11:59", "", "2026-10-15 12:00", priority="P1"),
            inc("A-6", "2026-10-15 06:00", "2026-10-15 07:00", priority="P1", outage="true"),
        ],
        maintenance=[
            job("M-1", "preventive", "2026-10-01"),
            job("M-3", "corrective", "2026-10-10", "2026-10-14 10:00", "completed", "true"),
            job("M-4", "corrective", "2026-10-11"),
        ],
        complaints=[complaint("K-1", "2026-10-12 10:00", "2026-10-12 11:00")],
        actions=[
            action("X-1", "2026-10-05", "open", due="2026-10-10"),
            action("X-3", "2026-10-05", "done", due="2026-10-30", closed="2026-10-14"),
        ],
    )
    rebuilt = document(past, "alpha", AS_OF_T1)
    assert rebuilt["periods"] == doc["periods"]


# ---- periods ------------------------------------------------------------------------------------


def test_every_period_from_first_record_to_as_of_and_month_edges(tmp_path: Path) -> None:
    # as_of 2026-10-01 01:00 local.
    data = make_portfolio(
        tmp_path / "data",
        [
            inc("P-1", "2026-07-15 10:00", "2026-07-15 10:30", "2026-07-15 11:00", priority="P1"),
            # 2026-09-30 23:59 +08:00 (15:59 UTC): September; attended 00:29 local -> 30 met
            inc("P-2", "2026-09-30T15:59:00Z", "2026-09-30T16:29:00Z", priority="P1"),
            # 2026-10-01 00:00 +08:00 (16:00 UTC on 09-30): October; not attended, elapsed 60
            # <= 120 pending
            inc("P-3", "2026-09-30T16:00:00Z", priority="P1"),
            # quarterly client: 2026-07-01 00:00 local (Q3), 09-30 23:59 local (Q3),
            # 10-01 00:00 local (Q4)
            inc("B-1", "2026-06-30T16:00:00Z", client="beta", site="B1", priority="P1"),
            inc("B-2", "2026-09-30 23:59:00+08:00", client="beta", site="B1", priority="P1"),
            inc("B-3", "2026-10-01 00:00", client="beta", site="B1", priority="P1"),
        ],
        # alpha's first record is this job, due in June
        maintenance=[job("M-1", "preventive", "2026-06-20", "2026-06-22 10:00", "completed")],
    )
    doc = document(data, "alpha", "2026-10-01 01:00")
    assert names(doc) == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    reported = [p["incidents"]["reported"] for p in doc["periods"]]
    assert reported == [0, 1, 0, 1, 1]
    assert period(doc, "2026-06")["maintenance"]["preventive"] == {
        "due": 1,
        "on_time": 1,  # 06-22 <= 06-20 + 7
        "late": 0,
        "overdue": 0,
        "pending": 0,
        "cancelled": 0,
        "on_time_pct": 100.0,
    }
    # an empty month: counts 0, percentages and minutes null
    august = period(doc, "2026-08")
    assert august["incidents"] == {
        "reported": 0,
        "by_priority": {"P1": 0, "P2": 0, "P3": 0, "P4": 0},
        "repeat": 0,
        "attend": NO_JUDGEMENT,
        "restore": NO_JUDGEMENT,
    }
    assert august["maintenance"] == {
        "preventive": {
            "due": 0,
            "on_time": 0,
            "late": 0,
            "overdue": 0,
            "pending": 0,
            "cancelled": 0,
            "on_time_pct": None,
        },
        "corrective": {"count": 0, "first_time_fix_pct": None},
    }
    assert august["availability"]["overall_pct"] == 100.0  # no outage
    september = period(doc, "2026-09")["incidents"]
    assert september["by_priority"] == {"P1": 1, "P2": 0, "P3": 0, "P4": 0}
    assert september["attend"] == {
        "met": 1,
        "breached": 0,
        "pending": 0,
        "compliance_pct": 100.0,
        "median_minutes": 30.0,
        "p90_minutes": 30.0,
    }
    # no denominator: no figure (not 0, not 100)
    assert period(doc, "2026-10")["incidents"]["attend"] == {
        "met": 0,
        "breached": 0,
        "pending": 1,
        "compliance_pct": None,
        "median_minutes": None,
        "p90_minutes": None,
    }

    quarterly = document(data, "beta", "2026-10-01 01:00")
    assert names(quarterly) == ["2026-Q3", "2026-Q4"]
    assert [p["incidents"]["reported"] for p in quarterly["periods"]] == [2, 1]
    assert quarterly["periods"][0]["incidents"]["by_priority"] == {"P1": 2, "P2": 0}


def test_no_denominator_anywhere_gives_null_figures(tmp_path: Path) -> None:
    # as_of Tue 2026-10-20 12:00: nothing in the portfolio is met or breached yet.
    data = make_portfolio(
        tmp_path / "data",
        # 24x7 11:00-12:00 = 60 <= 120 (attend) and <= 480 (restore): pending
        [inc("N-1", "2026-10-20 11:00", priority="P1")],
        maintenance=[
            # deadline 10-20 + 7 = 10-27, not past: pending
            job("M-1", "preventive", "2026-10-20"),
            # open: counted, no completed job for the first-time-fix rate
            job("M-2", "corrective", "2026-10-19"),
        ],
    )
    october = period(document(data, "alpha", "2026-10-20 12:00"), "2026-10")
    pending = NO_JUDGEMENT | {"pending": 1}
    assert october["incidents"]["attend"] == pending
    assert october["incidents"]["restore"] == pending
    assert october["maintenance"] == {
        "preventive": {
            "due": 1,
            "on_time": 0,
            "late": 0,
            "overdue": 0,
            "pending": 1,
            "cancelled": 0,
            "on_time_pct": None,  # 0 / 0: no figure
        },
        "corrective": {"count": 1, "first_time_fix_pct": None},
    }
    assert october["benchmark"] == {}


# ---- maintenance ----------------------------------------------------------------------------------


def test_maintenance_preventive_and_corrective(tmp_path: Path) -> None:
    # as_of Tue 2026-10-20 12:00; grace 7 days.
    data = make_portfolio(
        tmp_path / "data",
        [inc("I-1", "2026-10-01 10:00", "2026-10-01 11:00", priority="P1")],
        maintenance=[
            # deadline 10-01 + 7 = 10-08, completed on 10-08 -> on time
            job("M-1", "preventive", "2026-10-01", "2026-10-08 17:00", "completed"),
            # completed 10-09, one day after the deadline -> late
            job("M-2", "preventive", "2026-10-01", "2026-10-09 09:00", "completed"),
            # not completed, deadline 10-12, as_of date 10-20 past it -> overdue
            job("M-3", "preventive", "2026-10-05"),
            # not completed, deadline 10-20 = as_of date, not past -> pending
            job("M-4", "preventive", "2026-10-13"),
            job("M-5", "preventive", "2026-10-02", status="cancelled"),
            # deadline 10-19; completed 10-19 16:30 UTC = 10-20 00:30 local -> late
            job("M-6", "preventive", "2026-10-12", "2026-10-19T16:30:00Z", "completed"),
            # due after the as_of date: left out
            job("M-7", "preventive", "2026-10-25"),
            # deadline 10-13; completed 10-13 15:59 UTC = 10-13 23:59 local -> on time
            job("M-8", "preventive", "2026-10-06", "2026-10-13T15:59:00Z", "completed"),
            job("C-1", "corrective", "2026-10-03", "2026-10-03 15:00", "completed", "true"),
            job("C-2", "corrective", "2026-10-04", "2026-10-05 10:00", "completed", "false"),
            # completed, flag not given: counted, not in the rate
            job("C-3", "corrective", "2026-10-05", "2026-10-06 10:00", "completed"),
            # open: counted, not in the rate
            job("C-4", "corrective", "2026-10-06"),
            # cancelled: not counted
            job("C-5", "corrective", "2026-10-07", status="cancelled", ftf="true"),
            job("C-6", "corrective", "2026-10-08", "2026-10-08 12:00", "completed", "true"),
            # completed after as_of: counted, not completed at as_of, not in the rate
            job("C-7", "corrective", "2026-10-09", "2026-10-21 10:00", "completed", "true"),
        ],
    )
    october = period(document(data, "alpha", "2026-10-20 12:00"), "2026-10")
    assert october["maintenance"] == {
        "preventive": {
            "due": 7,  # all five kinds: M-1..M-6, M-8
            "on_time": 2,  # M-1, M-8
            "late": 2,  # M-2, M-6
            "overdue": 1,  # M-3
            "pending": 1,  # M-4
            "cancelled": 1,  # M-5
            "on_time_pct": 40.0,  # 2 / (2 + 2 + 1) * 100
        },
        "corrective": {
            "count": 6,  # C-1, 2, 3, 4, 6, 7
            "first_time_fix_pct": pytest.approx(200 / 3),  # C-1 T, C-2 F, C-6 T: 2 / 3
        },
    }


# ---- complaints -----------------------------------------------------------------------------------


def test_complaints(tmp_path: Path) -> None:
    # as_of Fri 2026-10-30 12:00.
    data = make_portfolio(
        tmp_path / "data",
        [inc("I-1", "2026-10-01 10:00", "2026-10-01 11:00", priority="P1")],
        complaints=[
            # ack Fri 17-18 60 + Sat 240 + Mon 09-10 60 = 360 met; resolved Fri 60 + Sat 240 +
            # Mon 540 + Tue 09-12 180 = 1020 met
            complaint(
                "K-1",
                "2026-10-09 17:00",
                "2026-10-12 10:00",
                "2026-10-13 12:00",
                "resolved",
                satisfaction="4",
            ),
            # ack Sat 12-13 60 + Mon 10-19 holiday 0 + Tue 09-12 180 = 240 met; unresolved:
            # Sat 60 + Tue-Fri 10-20..23 4 x 540 + Sat 24 240 + Mon-Thu 10-26..29 4 x 540
            # + Fri 09-12 180 = 4800 <= 5400 pending; status escalated -> open
            complaint("K-2", "2026-10-17 12:00", "2026-10-20 12:00", "", "escalated", "true"),
            # received on National Day (closed); ack Fri 10-02 09-10 = 60 met; unresolved since
            # 10-01: 19 weekdays x 540 + 4 Saturdays x 240 + 180 = 11400 > 5400 breached
            complaint("K-3", "2026-10-01 10:00", "2026-10-02 10:00"),
            # withdrawn: ack 60 met, left out of resolve; satisfaction still counts
            complaint(
                "K-4", "2026-10-05 10:00", "2026-10-05 11:00", "", "withdrawn", satisfaction="3"
            ),
            # no ack: Tue, Wed, Thu 3 x 540 + Fri 180 = 1800 > 540 breached; resolve pending
            complaint("K-5", "2026-10-27 09:00"),
            # no ack: Fri 10:00-12:00 = 120 pending; resolve pending
            complaint("K-6", "2026-10-30 10:00"),
            # ack 30 met; resolved Mon 10-05 09:00 -> Fri 10-16 18:00: 5 x 540 + Sat 240 +
            # 5 x 540 = 5640 > 5400 breached; escalated on the way
            complaint(
                "K-7",
                "2026-10-05 09:00",
                "2026-10-05 09:30",
                "2026-10-16 18:00",
                "resolved",
                "true",
                "2",
            ),
            # resolved without acknowledgement: both 10:00-15:00 = 300, met
            complaint(
                "K-8", "2026-10-06 10:00", "", "2026-10-06 15:00", "resolved", satisfaction="5"
            ),
            # received after as_of: left out
            complaint("K-9", "2026-11-02 10:00", status="open"),
        ],
    )
    october = period(document(data, "alpha", "2026-10-30 12:00"), "2026-10")
    assert october["complaints"] == {
        "received": 8,  # K-1..K-8
        "acknowledge": {
            "met": 6,  # K-1 360, K-2 240, K-3 60, K-4 60, K-7 30, K-8 300
            "breached": 1,  # K-5
            "pending": 1,  # K-6
            "compliance_pct": pytest.approx(600 / 7),  # 6 / 7 * 100 = 85.71
            # 30, 60, 60, 240, 300, 360: position 2.5 -> (60 + 240) / 2 = 150
            "median_minutes": 150.0,
            "p90_minutes": pytest.approx(330.0),  # position 4.5 -> 300 + 0.5 * 60
        },
        "resolve": {
            "met": 2,  # K-1 1020, K-8 300
            "breached": 2,  # K-3 (open), K-7 5640
            "pending": 3,  # K-2, K-5, K-6
            "compliance_pct": 50.0,
            "median_minutes": 1020.0,  # 300, 1020, 5640
            "p90_minutes": pytest.approx(4716.0),  # position 1.8 -> 1020 + 0.8 * 4620
        },
        "open": 4,  # K-2 (escalated), K-3, K-5, K-6
        "escalated": 2,  # K-2, K-7
        "satisfaction": {"mean": 3.5, "responses": 4},  # (4 + 3 + 2 + 5) / 4
    }


# ---- availability ---------------------------------------------------------------------------------


def test_availability(tmp_path: Path) -> None:
    # as_of 2026-11-15 00:00; October = 31 x 1440 = 44640 min; November up to as_of = 14 x
    # 1440 = 20160 min. Pairs: (A1, cctv), (A1, access_control), (A2, cctv).
    data = make_portfolio(
        tmp_path / "data",
        [
            # A1 cctv: 10:00-14:00, 12:00-16:00 and 11:00-11:30 overlap -> once: 10:00-16:00 = 360
            inc(
                "O-1",
                "2026-10-10 10:00",
                "2026-10-10 10:30",
                "2026-10-10 14:00",
                priority="P1",
                outage="true",
            ),
            inc(
                "O-2",
                "2026-10-10 12:00",
                "2026-10-10 12:30",
                "2026-10-10 16:00",
                priority="P2",
                outage="true",
            ),
            inc(
                "O-7",
                "2026-10-10 11:00",
                "2026-10-10 11:10",
                "2026-10-10 11:30",
                priority="P1",
                outage="true",
            ),
            # A1 access_control: 10-31 22:00 -> 11-01 03:00: October 120, November 180
            inc(
                "O-3",
                "2026-10-31 22:00",
                "2026-10-31 22:30",
                "2026-11-01 03:00",
                priority="P1",
                system="access_control",
                outage="true",
            ),
            # A2 cctv: unresolved, 11-14 12:00 -> as_of = 720
            inc(
                "O-4",
                "2026-11-14 12:00",
                "2026-11-14 12:30",
                priority="P1",
                site="A2",
                outage="true",
            ),
            # not an outage
            inc(
                "O-5",
                "2026-10-05 10:00",
                "2026-10-05 10:30",
                "2026-10-06 10:00",
                priority="P1",
                site="A2",
            ),
            # A1 cctv: resolved after as_of -> runs to as_of: 22:00 -> 24:00 = 120
            inc(
                "O-6",
                "2026-11-14 22:00",
                "2026-11-14 22:30",
                "2026-11-16 08:00",
                priority="P1",
                outage="true",
            ),
        ],
    )
    doc = document(data, "alpha", "2026-11-15 00:00")
    assert names(doc) == ["2026-10", "2026-11"]

    oct_a1_cctv = 100 * (1 - 360 / 44640)  # 99.1935
    oct_a1_access = 100 * (1 - 120 / 44640)  # 99.7312
    oct_a2_cctv = 100.0
    assert period(doc, "2026-10")["availability"] == {
        "overall_pct": pytest.approx((oct_a1_cctv + oct_a1_access + oct_a2_cctv) / 3),  # 99.6416
        "by_system": {
            "access_control": pytest.approx(oct_a1_access),
            "cctv": pytest.approx((oct_a1_cctv + oct_a2_cctv) / 2),  # 99.5968
        },
    }
    nov_a1_cctv = 100 * (1 - 120 / 20160)  # 99.4048
    nov_a1_access = 100 * (1 - 180 / 20160)  # 99.1071
    nov_a2_cctv = 100 * (1 - 720 / 20160)  # 96.4286
    assert period(doc, "2026-11")["availability"] == {
        "overall_pct": pytest.approx((nov_a1_cctv + nov_a1_access + nov_a2_cctv) / 3),  # 98.3135
        "by_system": {
            "access_control": pytest.approx(nov_a1_access),
            "cctv": pytest.approx((nov_a1_cctv + nov_a2_cctv) / 2),  # 97.9167
        },
    }


def test_availability_over_three_months_and_a_quarter_end(tmp_path: Path) -> None:
    # as_of 2026-12-10 00:00. Months: October 44640 min, November 30 x 1440 = 43200,
    # December up to as_of 9 x 1440 = 12960. Quarters: Q3 = 92 x 1440 = 132480,
    # Q4 up to as_of = (31 + 30 + 9) x 1440 = 100800.
    data = make_portfolio(
        tmp_path / "data",
        [
            # alpha A2 cctv: 10-31 23:00 -> 12-01 01:00: October 60, all of November, December 60
            inc(
                "L-1",
                "2026-10-31 23:00",
                "2026-10-31 23:30",
                "2026-12-01 01:00",
                priority="P1",
                site="A2",
                outage="true",
            ),
            # beta B1 intruder_alarm: 09-30 22:00 -> 10-01 02:00: Q3 120, Q4 120
            inc(
                "L-2",
                "2026-09-30 22:00",
                "2026-09-30 22:30",
                "2026-10-01 02:00",
                priority="P1",
                client="beta",
                site="B1",
                system="intruder_alarm",
                outage="true",
            ),
        ],
    )
    doc = document(data, "alpha", "2026-12-10 00:00")
    assert names(doc) == ["2026-10", "2026-11", "2026-12"]

    def alpha(a2_cctv: float) -> dict[str, Any]:
        # A1 cctv and A1 access_control: 100 (no outage)
        return {
            "overall_pct": pytest.approx((100 + 100 + a2_cctv) / 3),
            "by_system": {
                "access_control": 100.0,
                "cctv": pytest.approx((100 + a2_cctv) / 2),
            },
        }

    assert period(doc, "2026-10")["availability"] == alpha(100 * (1 - 60 / 44640))
    # November down throughout: A2 cctv 0; cctv (100 + 0) / 2 = 50; overall 200 / 3 = 66.67
    assert period(doc, "2026-11")["availability"] == alpha(0.0)
    assert period(doc, "2026-12")["availability"] == alpha(100 * (1 - 60 / 12960))

    quarterly = document(data, "beta", "2026-12-10 00:00")
    assert names(quarterly) == ["2026-Q3", "2026-Q4"]

    def beta(intruder: float) -> dict[str, Any]:
        return {
            "overall_pct": pytest.approx((100 + intruder) / 2),
            "by_system": {"cctv": 100.0, "intruder_alarm": pytest.approx(intruder)},
        }

    assert quarterly["periods"][0]["availability"] == beta(100 * (1 - 120 / 132480))
    assert quarterly["periods"][1]["availability"] == beta(100 * (1 - 120 / 100800))


# ---- actions --------------------------------------------------------------------------------------


def test_actions(tmp_path: Path) -> None:
    # as_of Tue 2026-10-20 12:00.
    data = make_portfolio(
        tmp_path / "data",
        [inc("I-1", "2026-09-28 10:00", "2026-09-28 11:00", priority="P1")],
        actions=[
            action("X-1", "2026-10-05", "open", due="2026-10-19"),  # overdue: 10-19 < 10-20
            action("X-2", "2026-10-05", "open", due="2026-10-20"),  # due on the as_of date
            action("X-3", "2026-10-05", "open"),  # no due date
            action("X-4", "2026-10-05", "done", due="2026-10-09", closed="2026-10-10"),
            # closed after as_of: open, and due 10-15 < 10-20 -> overdue
            action("X-5", "2026-10-05", "done", due="2026-10-15", closed="2026-10-25"),
            action("X-6", "2026-10-12", "dropped", due="2026-10-15", closed="2026-10-13"),
            action("X-7", "2026-10-25", "open", due="2026-10-26"),  # meeting after as_of
            action("X-8", "2026-09-28", "open", due="2026-10-01"),  # September, overdue
        ],
    )
    doc = document(data, "alpha", "2026-10-20 12:00")
    assert period(doc, "2026-09")["actions"] == {
        "raised": 1,
        "open": 1,
        "overdue": 1,
        "done": 0,
        "dropped": 0,
    }
    assert period(doc, "2026-10")["actions"] == {
        "raised": 6,  # X-1..X-6
        "open": 4,
        "overdue": 2,
        "done": 1,
        "dropped": 1,
    }


# ---- benchmark ------------------------------------------------------------------------------------


def _bench_client(client_id: str, reporting: str) -> str:
    return f"""\
  - id: {client_id}
    name: Client {client_id}
    reporting: {reporting}
    sites:
      - {{id: S-{client_id}, name: Site {client_id}, systems: [cctv]}}
    sla:
      incidents:
        P1: {{attend: 2h, restore: 8h, calendar: 24x7}}
      incident_target_pct: 95
      maintenance: {{grace_days: 7, target_pct: 98}}
"""


BENCH_CLIENTS = ["c1", "c2", "c3", "c4", "c5", "c6"]


def _bench_incidents(client_id: str, month: str, met: int, breached: int) -> list[str]:
    """P1 on 24x7: met = attended (and resolved) 60 min after the report, breached = 180 min
    (> 120); restore is 60 or 180 <= 480, met either way."""
    rows = []
    for n, minutes in enumerate([60] * met + [180] * breached, start=1):
        day = f"2026-{month}-{n + 1:02d}"
        done = (pd.Timestamp(f"{day} 10:00") + pd.Timedelta(minutes=minutes)).strftime(
            "%Y-%m-%d %H:%M"
        )
        rows.append(
            inc(
                f"{client_id}-{month}-{n}",
                f"{day} 10:00",
                done,
                done,
                priority="P1",
                client=client_id,
                site=f"S-{client_id}",
            )
        )
    return rows


def test_benchmark(tmp_path: Path) -> None:
    yml = (
        HEAD
        + "clients:\n"
        + "".join(_bench_client(c, "monthly") for c in BENCH_CLIENTS)
        + _bench_client("q1", "quarterly")
    )
    incidents = (
        # October attend %: c1 0/1 = 0, c2 1/4 = 25, c3 1/2 = 50, c4 3/4 = 75, c5 100, q1 100
        _bench_incidents("c1", "10", 0, 1)
        + _bench_incidents("c2", "10", 1, 3)
        + _bench_incidents("c3", "10", 1, 1)
        + _bench_incidents("c4", "10", 3, 1)
        + _bench_incidents("c5", "10", 1, 0)
        + _bench_incidents("q1", "10", 1, 0)
        # November attend %: c1 100, c2 100, c3 50, c6 0, q1 0
        + _bench_incidents("c1", "11", 1, 0)
        + _bench_incidents("c2", "11", 1, 0)
        + _bench_incidents("c3", "11", 1, 1)
        + _bench_incidents("c6", "11", 0, 1)
        + _bench_incidents("q1", "11", 0, 1)
    )
    data = make_portfolio(
        tmp_path / "data",
        incidents,
        # preventive on-time % for only 4 clients (100 each): never benchmarked
        maintenance=[
            job(
                f"M-{c}",
                "preventive",
                "2026-10-05",
                "2026-10-06 10:00",
                "completed",
                client=c,
                site=f"S-{c}",
            )
            for c in ("c1", "c2", "c3", "c4")
        ],
        clients_yml=yml,
    )
    as_of = "2026-11-30 12:00"

    def quartiles(clients: int, p25: float, median: float, p75: float) -> dict[str, Any]:
        return {
            "clients": clients,
            "p25": pytest.approx(p25),
            "median": pytest.approx(median),
            "p75": pytest.approx(p75),
        }

    all_100 = 100.0, 100.0, 100.0
    c2 = document(data, "c2", as_of)
    assert names(c2) == ["2026-10", "2026-11"]
    assert period(c2, "2026-10")["incidents"]["attend"]["compliance_pct"] == 25.0
    # October: 0, 25, 50, 75, 100, 100 (n=6): p25 position 1.25 -> 25 + 0.25 * 25 = 31.25;
    # median position 2.5 -> 62.5; p75 position 3.75 -> 75 + 0.75 * 25 = 93.75.
    # Restore 100 for the same 6; availability 100 for the 6 clients with October in their
    # range (c6 starts in November); preventive: 4 clients -> omitted; no complaints -> omitted.
    assert period(c2, "2026-10")["benchmark"] == {
        "attend_pct": quartiles(6, 31.25, 62.5, 93.75),
        "restore_pct": quartiles(6, *all_100),
        "availability_pct": quartiles(6, *all_100),
    }
    # November: 0, 0, 50, 100, 100 (exactly 5): p25 position 1 -> 0; median 50; p75 100.
    # Availability: all 7 clients.
    assert period(c2, "2026-11")["benchmark"] == {
        "attend_pct": quartiles(5, 0.0, 50.0, 100.0),
        "restore_pct": quartiles(5, *all_100),
        "availability_pct": quartiles(7, *all_100),
    }

    # The quarterly client: everyone's Q4 figure. c1 1/2 = 50, c2 2/5 = 40, c3 2/4 = 50,
    # c4 75, c5 100, c6 0, q1 1/2 = 50 -> 0, 40, 50, 50, 50, 75, 100 (n=7):
    # p25 position 1.5 -> 40 + 0.5 * 10 = 45; median position 3 -> 50;
    # p75 position 4.5 -> 50 + 0.5 * 25 = 62.5. Preventive: still 4 clients -> omitted.
    q1 = document(data, "q1", as_of)
    assert names(q1) == ["2026-Q4"]
    assert q1["periods"][0]["incidents"]["attend"]["compliance_pct"] == 50.0
    assert q1["periods"][0]["benchmark"] == {
        "attend_pct": quartiles(7, 45.0, 50.0, 62.5),
        "restore_pct": quartiles(7, *all_100),
        "availability_pct": quartiles(7, *all_100),
    }


# ---- the document ---------------------------------------------------------------------------------

JUDGED_KEYS = {
    k: None
    for k in ("met", "breached", "pending", "compliance_pct", "median_minutes", "p90_minutes")
}
SITE_KEYS = {
    "incidents": {"reported": None, "repeat": None, "attend": JUDGED_KEYS, "restore": JUDGED_KEYS},
    "availability_pct": None,
    "preventive": {"due": None, "on_time_pct": None},
}
PERIOD_KEYS = {
    "period": None,
    "incidents": {
        "reported": None,
        "by_priority": {"P1": None, "P2": None, "P3": None, "P4": None},
        "repeat": None,
        "attend": JUDGED_KEYS,
        "restore": JUDGED_KEYS,
    },
    "maintenance": {
        "preventive": {
            k: None
            for k in ("due", "on_time", "late", "overdue", "pending", "cancelled", "on_time_pct")
        },
        "corrective": {"count": None, "first_time_fix_pct": None},
    },
    "complaints": {
        "received": None,
        "acknowledge": JUDGED_KEYS,
        "resolve": JUDGED_KEYS,
        "open": None,
        "escalated": None,
        "satisfaction": {"mean": None, "responses": None},
    },
    "availability": {
        "overall_pct": None,
        "by_system": {"access_control": None, "cctv": None},
    },
    "actions": {k: None for k in ("raised", "open", "overdue", "done", "dropped")},
    "feedback": {
        k: None
        for k in ("received", "compliment", "suggestion", "enquiry", "survey", "survey_mean")
    },
    "meetings": {"working": None, "senior": None, "ad_hoc": None},
    "training": {
        "courses": None,
        "staff": None,
        "hours": None,
        "by_kind": {k: None for k in ("customer_service", "technical", "safety", "other")},
    },
    "targets": {
        k: None for k in ("incident_pct", "preventive_pct", "complaint_pct", "availability_pct")
    },
    "benchmark": {},
    "credits": None,
    "by_site": {site: SITE_KEYS for site in ("A1", "A2")},
}
COUNT_KEYS = {k: None for k in ("received", "used", "superseded", "quarantined")}


def structure(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: structure(item) for key, item in value.items()}
    if isinstance(value, list):
        return [structure(item) for item in value]
    return None


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    return [value]


def test_document_has_exactly_the_contract_keys(tmp_path: Path) -> None:
    data = make_portfolio(
        tmp_path / "data",
        [
            inc("I-1", "2026-09-10 10:00", "2026-09-10 11:00", "2026-09-10 12:00", priority="P1"),
            inc("I-2", "2026-10-10 10:00", "2026-10-10 11:00", priority="P3"),
        ],
        maintenance=[job("M-1", "preventive", "2026-10-01", "2026-10-02 10:00", "completed")],
        complaints=[complaint("K-1", "2026-10-05 10:00", "2026-10-05 11:00")],
        actions=[action("X-1", "2026-10-05", "open", due="2026-10-30")],
    )
    doc = document(data, "alpha", "2026-10-31 23:59")
    assert doc["as_of"] == "2026-10-31T23:59:00+08:00"
    assert doc["client"] == "alpha"
    assert structure(doc) == {
        "client": None,
        "as_of": None,
        "periods": [PERIOD_KEYS, PERIOD_KEYS],
        "data": {
            "incidents": COUNT_KEYS,
            "maintenance": COUNT_KEYS,
            "complaints": COUNT_KEYS,
            "actions": COUNT_KEYS,
            "feedback": None,
            "training": None,
        },
    }
    assert names(doc) == ["2026-09", "2026-10"]
    # the document is plain JSON (no NaN, no numpy types) and survives the round trip
    assert json.loads(metrics_json(doc)) == doc
    # counts are integers, not floats
    october = period(doc, "2026-10")
    assert type(october["incidents"]["reported"]) is int
    assert type(october["maintenance"]["preventive"]["due"]) is int
    assert type(october["complaints"]["received"]) is int
    assert type(october["actions"]["raised"]) is int


def test_absent_source_is_null_and_data_counts(tmp_path: Path) -> None:
    yml = CLIENTS_YML + "sources:\n  incidents: {file: incidents-*.csv}\n"
    data = tmp_path / "data"
    write(data / "clients.yml", yml)
    write(
        data / "incidents-2026-09.csv",
        _csv(
            INCIDENTS_HEADER,
            [
                inc("S-1", "2026-09-10 10:00", "2026-09-10 11:00", priority="P1"),
                inc("S-2", "2026-09-11 10:00", priority="P1"),  # replaced by the later file
                inc("S-3", "2026-09-12 10:00", priority="P1", client="beta", site="B1"),
            ],
        ),
    )
    write(
        data / "incidents-2026-10.csv",
        _csv(
            INCIDENTS_HEADER,
            [
                inc(
                    "S-2", "2026-09-11 10:00", "2026-09-11 10:30", "2026-09-11 12:00", priority="P1"
                ),
                inc("S-4", "2026-10-01 10:00", priority="P9"),  # unknown priority: quarantined
                inc("S-5", "2026-10-01 10:00", priority="P1", system="lift"),  # quarantined
            ],
        ),
    )
    write(
        data / "maintenance.csv",
        _csv(
            MAINTENANCE_HEADER,
            [
                job("M-1", "preventive", "2026-10-01", "2026-10-02 10:00", "completed"),
                job("M-2", "preventive", "2026-10-01", client="beta", site="B1"),
            ],
        ),
    )
    inputs = read_inputs(data)
    assert inputs.quality.absent == ["complaints", "actions", "feedback", "training"]
    figures = compute_figures(inputs.config, inputs.tables, hk("2026-10-31 23:59"))
    doc = client_metrics(figures, inputs.config.client("alpha"), inputs.quality)
    assert names(doc) == ["2026-09", "2026-10"]
    for entry in doc["periods"]:
        # no such records supplied: null, never 0
        assert set(leaves(entry["complaints"])) == {None}, entry["complaints"]
        assert set(leaves(entry["actions"])) == {None}, entry["actions"]
    september = period(doc, "2026-09")
    assert september["incidents"]["reported"] == 2  # S-1 and the later S-2
    assert september["incidents"]["restore"]["met"] == 1  # S-2 as replaced: 120 <= 480
    # alpha's rows: S-1, S-2 (twice), S-4, S-5 -> 5 in = 2 used + 1 superseded + 2 quarantined
    assert doc["data"]["incidents"] == {"received": 5, "used": 2, "superseded": 1, "quarantined": 2}
    assert doc["data"]["maintenance"] == {
        "received": 1,
        "used": 1,
        "superseded": 0,
        "quarantined": 0,
    }
    for absent in ("complaints", "actions"):
        assert doc["data"].get(absent) is None


# ---- sites (contract 11) ----------------------------------------------------------------------


def test_repeat_faults_look_back_the_clients_window_per_site_and_system(tmp_path: Path) -> None:
    yml = CLIENTS_YML.replace(
        "    reporting: monthly\n", "    reporting: monthly\n    repeat_window_days: 10\n", 1
    )
    data = make_portfolio(
        tmp_path / "data",
        [
            inc("R-1", "2026-09-25 10:00", priority="P1"),  # first at A1 cctv
            inc("R-2", "2026-10-05 10:00", priority="P1"),  # 10 days after R-1: repeat
            inc("R-3", "2026-10-15 10:01", priority="P1"),  # 10 days 1 minute after R-2: not
            inc("R-4", "2026-10-15 10:01", priority="P1"),  # same instant as R-3: not
            inc("R-5", "2026-10-16 10:00", priority="P1"),  # a day after: repeat
            inc("R-6", "2026-10-16 11:00", priority="P1", system="access_control"),  # not
            inc("R-7", "2026-10-17 10:00", priority="P1", site="A2"),  # other site: not
            inc("R-8", "2026-10-17 10:00", priority="P1", client="beta", site="B1"),  # beta: not
            inc("R-9", "2026-10-20 10:00", priority="P1", client="beta", site="B1"),  # 3 d: repeat
        ],
        clients_yml=yml,
    )
    alpha = document(data, "alpha", "2026-10-31 23:59")
    assert period(alpha, "2026-09")["incidents"]["repeat"] == 0
    assert period(alpha, "2026-10")["incidents"]["repeat"] == 2
    october = period(alpha, "2026-10")["by_site"]
    assert october["A1"]["incidents"]["repeat"] == 2
    assert october["A2"]["incidents"]["repeat"] == 0
    beta = document(data, "beta", "2026-10-31 23:59")
    assert beta["periods"][-1]["incidents"]["repeat"] == 1  # beta's default 30 days


def test_figures_per_site(tmp_path: Path) -> None:
    # as_of Sat 2026-10-31 23:59: October's length is 31 days = 44640 minutes.
    data = make_portfolio(
        tmp_path / "data",
        [
            # A1: attend 60 met, restore 120 met (P1: 120/480)
            inc("S-1", "2026-10-05 10:00", "2026-10-05 11:00", "2026-10-05 12:00", priority="P1"),
            # A1: attend 180 breached, restore 300 met; an outage of the access control: 300 min
            inc(
                "S-2",
                "2026-10-06 10:00",
                "2026-10-06 13:00",
                "2026-10-06 15:00",
                priority="P1",
                system="access_control",
                outage="true",
            ),
            # A2: attend 30 met, restore 1440 breached (P1), outage of 1440 min
            inc(
                "S-3",
                "2026-10-07 10:00",
                "2026-10-07 10:30",
                "2026-10-08 10:00",
                priority="P1",
                site="A2",
                outage="true",
            ),
        ],
        maintenance=[
            job("M-1", "preventive", "2026-10-01", "2026-10-02 10:00", "completed"),  # A1 on time
            job("M-2", "preventive", "2026-10-01", "2026-10-20 10:00", "completed", site="A2"),
            job("M-3", "preventive", "2026-10-02", status="cancelled", site="A2"),
        ],
    )
    october = period(document(data, "alpha", "2026-10-31 23:59"), "2026-10")
    a1, a2 = october["by_site"]["A1"], october["by_site"]["A2"]
    assert a1["incidents"]["reported"] == 2
    assert a1["incidents"]["attend"] == {
        "met": 1, "breached": 1, "pending": 0, "compliance_pct": 50.0,
        "median_minutes": 120.0, "p90_minutes": pytest.approx(168.0),  # 60 + 0.9 * 120
    }  # fmt: skip
    assert a1["incidents"]["restore"]["compliance_pct"] == 100.0
    assert a2["incidents"]["restore"] == {
        "met": 0, "breached": 1, "pending": 0, "compliance_pct": 0.0,
        "median_minutes": 1440.0, "p90_minutes": 1440.0,
    }  # fmt: skip
    # A1: mean of cctv 100 and access control 1 - 300/44640; A2: cctv 1 - 1440/44640
    assert a1["availability_pct"] == pytest.approx((100 + (1 - 300 / 44640) * 100) / 2)
    assert a2["availability_pct"] == pytest.approx((1 - 1440 / 44640) * 100)
    assert a1["preventive"] == {"due": 1, "on_time_pct": 100.0}
    # M-2: deadline 10-08, completed 10-20: late; M-3 cancelled: due, but not judged
    assert a2["preventive"] == {"due": 2, "on_time_pct": 0.0}
    assert list(october["by_site"]) == ["A1", "A2"]  # clients.yml's order


SITES_YML = CLIENTS_YML.replace(
    "      - {id: A2, name: Alpha Two, systems: [cctv]}\n",
    "      - {id: A2, name: Alpha Two, systems: [cctv]}\n"
    "      - {id: 中環分行, name: Central Branch, systems: [cctv, access_control]}\n"
    "      - {id: Location 143, name: Kiosk, systems: [access_control]}\n",
)
SITE_SYSTEMS = [
    ("A1", "cctv"),
    ("A1", "access_control"),
    ("A2", "cctv"),
    ("中環分行", "cctv"),
    ("中環分行", "access_control"),
    ("Location 143", "access_control"),
]
_instants = st.integers(0, 90 * 24 * 60).map(
    lambda minutes: pd.Timestamp("2026-08-01 00:00") + pd.Timedelta(minutes=minutes)
)
_incident = st.tuples(
    st.sampled_from(SITE_SYSTEMS),
    st.sampled_from(["P1", "P2", "P3", "P4"]),
    _instants,
    st.sampled_from([None, 30, 600, 3000]),  # attended after (minutes)
    st.sampled_from([None, 60, 2000, 9000]),  # resolved after (minutes)
    st.booleans(),
)
_job = st.tuples(
    st.sampled_from(SITE_SYSTEMS),
    st.integers(0, 90),  # due, days after 2026-08-01
    st.sampled_from([None, 2, 20]),  # completed after (days)
    st.sampled_from(["open", "completed", "cancelled"]),
)


def _at(instant: pd.Timestamp) -> str:
    return instant.strftime("%Y-%m-%d %H:%M")


@settings(max_examples=25, deadline=None)
@given(incidents=st.lists(_incident, max_size=40), jobs=st.lists(_job, max_size=15))
def test_site_figures_add_up_to_the_clients(incidents: list, jobs: list) -> None:
    """Summed or pooled over the sites, the by_site counts are the client's, every period."""
    rows = []
    for number, ((site, system), priority, reported, attend, restore, outage) in enumerate(
        incidents
    ):
        resolved = reported + pd.Timedelta(minutes=restore) if restore else None
        attended = reported + pd.Timedelta(minutes=attend) if attend else None
        if attended and resolved and attended > resolved:
            attended = resolved
        rows.append(inc(f"I-{number}", _at(reported), _at(attended) if attended else "",
                        _at(resolved) if resolved else "", priority=priority, site=site,
                        system=system, outage=str(outage).lower()))  # fmt: skip
    job_rows = []
    for number, ((site, system), due, done, status) in enumerate(jobs):
        due_date = pd.Timestamp("2026-08-01") + pd.Timedelta(days=due)
        completed = _at(due_date + pd.Timedelta(days=done, hours=10)) if done else ""
        if status == "completed" and not completed:
            status = "open"
        completed = completed if status == "completed" else ""
        job_rows.append(
            job(
                f"M-{number}",
                "preventive",
                str(due_date.date()),
                completed,
                status,
                site=site,
                system=system,
            )
        )
    with TemporaryDirectory() as folder:
        data = make_portfolio(Path(folder), rows, maintenance=job_rows, clients_yml=SITES_YML)
        doc = document(data, "alpha", "2026-10-31 23:59")
    for entry in doc["periods"]:
        sites = entry["by_site"].values()
        assert len(entry["by_site"]) == 4
        client = entry["incidents"]
        for key in ("reported", "repeat"):
            assert sum(site["incidents"][key] for site in sites) == client[key]
        for part in ("attend", "restore"):
            for count in ("met", "breached", "pending"):
                assert sum(site["incidents"][part][count] for site in sites) == client[part][count]
        assert (
            sum(s["preventive"]["due"] for s in sites) == entry["maintenance"]["preventive"]["due"]
        )
        # availability: the client's overall figure is the mean over every (site, system) pair,
        # so the sites' figures weighted by their number of systems give it back
        weights = [2, 1, 2, 1]
        pooled = sum(w * s["availability_pct"] for w, s in zip(weights, sites, strict=True)) / 6
        assert pooled == pytest.approx(entry["availability"]["overall_pct"])
