"""Small, hand-checkable portfolios written to a temporary folder."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

CLIENTS_YML = """\
provider: {name: Sentinel Systems Ltd, email: service@example.com, phone: "+852 0000 0000"}
timezone: Asia/Hong_Kong
calendars:
  business:
    hours: {mon: "09:00-18:00", tue: "09:00-18:00", wed: "09:00-18:00",
            thu: "09:00-18:00", fri: "09:00-18:00", sat: "09:00-13:00"}
    holidays: HK
    extra_closed: [2026-12-24]
clients:
  - id: harbour-tower
    name: Harbour Tower Owners' Corporation
    reporting: monthly
    people: [Chan Tai Man]
    sites:
      - {id: HT1, name: Harbour Tower, systems: [cctv, access_control, intruder_alarm]}
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
  - id: kowloon-school
    name: Kowloon Bay Secondary School
    reporting: quarterly
    sites:
      - {id: KB1, name: Main Campus, systems: [cctv, intruder_alarm]}
    sla:
      incidents:
        P1: {attend: 2h, restore: 8h, calendar: 24x7}
        P2: {attend: 4h, restore: 24h, calendar: business}
      incident_target_pct: 90
"""

INCIDENTS_HEADER = (
    "incident_id,client_id,site_id,system,priority,reported_at,attended_at,resolved_at,"
    "paused_minutes,pause_reason,outage,cause,summary,reported_by"
)
MAINTENANCE_HEADER = "job_id,client_id,site_id,system,kind,due_date,completed_at,status,first_time_fix,notes,technician"
COMPLAINTS_HEADER = (
    "complaint_id,client_id,site_id,received_at,channel,category,acknowledged_at,resolved_at,status,"
    "escalated,root_cause,corrective_action,satisfaction,description,complainant_name,"
    "complainant_phone,complainant_email"
)
ACTIONS_HEADER = "action_id,client_id,meeting_date,meeting,level,decision,owner,due_date,status,closed_on,outcome"
INCIDENTS = (
    INCIDENTS_HEADER
    + """
INC-1,harbour-tower,HT1,cctv,P1,2026-10-02 10:00,2026-10-02 11:00,2026-10-02 15:00,,,true,PSU failure,Camera 3 offline,Chan Tai Man
INC-2,harbour-tower,HT1,access_control,P3,2026-10-09 17:00,2026-10-12 10:00,2026-10-12 12:00,30,Awaiting access,false,Reader fault,Door 2 reader dead,Lee
INC-3,kowloon-school,KB1,intruder_alarm,P2,2026-10-05 09:00,,,,,false,,False alarm zone 4,Wong
"""
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(textwrap.dedent(text).encode(encoding))
    return path


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    """A two-client portfolio with three incidents and no other sources."""
    data = tmp_path / "data"
    write(data / "clients.yml", CLIENTS_YML)
    write(data / "incidents.csv", INCIDENTS)
    return data


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, where mkdocs.yml and content/ are."""
    monkeypatch.chdir(REPO)
    return REPO


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled demo portfolio."""
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target
