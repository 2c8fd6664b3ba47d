"""clients.yml: every config error names its key path, verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CLIENTS_YML, write
from generator.errors import InputError
from generator.inputs.config import load_config, system_name


def config_errors(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path / "clients.yml", text)
    with pytest.raises(InputError) as caught:
        load_config(path)
    return [str(problem).removeprefix(f"{path}: ") for problem in caught.value.problems]


def test_the_contract_example_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "clients.yml", CLIENTS_YML))
    harbour = config.client("harbour-tower")
    assert harbour.sla.incidents["P3"].attend == 540.0
    assert harbour.sla.incidents["P1"].restore == 480.0
    assert harbour.sla.complaints.resolve == 5400.0
    assert config.client("kowloon-school").reporting == "quarterly"
    assert config.client("kowloon-school").sla.maintenance is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "P3: {attend: 9h, restore: 27h, calendar: business}",
            "P3: {attend: 9h, restore: 27h, calendar: bussiness}",
            "clients[0].sla.incidents.P3.calendar: calendar 'bussiness' is not defined (defined: 24x7, business)",
        ),
        (
            "P2: {attend: 4h, restore: 24h, calendar: 24x7}\n        P3",
            "P2: {attend: 4 hours, restore: 24h, calendar: 24x7}\n        P3",
            "clients[0].sla.incidents.P2.attend: expected a duration like '90m' or '4h', got '4 hours'",
        ),
        (
            "    reporting: quarterly",
            "    reporting: yearly",
            "clients[1].reporting: Input should be 'monthly' or 'quarterly' (got 'yearly')",
        ),
        (
            "  - id: kowloon-school",
            "  - id: harbour-tower",
            "clients[1].id: duplicate client id 'harbour-tower'",
        ),
        (
            "    people: [Chan Tai Man]",
            "    people: [Chan Tai Man]\n    colour: blue",
            "clients[0].colour: unknown key",
        ),
        (
            "      - {id: KB1, name: Main Campus, systems: [cctv, intruder_alarm]}",
            "      - {id: KB1, name: Main Campus, systems: [cctv, intruder_alarm]}\n"
            "      - {id: KB1, name: Annex, systems: [cctv]}",
            "clients[1].sites[1].id: duplicate site id 'KB1'",
        ),
        (
            "  - id: kowloon-school",
            "  - id: Kowloon School",
            "clients[1].id: String should match pattern '^[a-z0-9]+(-[a-z0-9]+)*$' (got 'Kowloon School')",
        ),
        (
            'sat: "09:00-13:00"}',
            'sat: "9-1"}',
            "calendars.business.hours.sat: expected 'HH:MM-HH:MM', got '9-1'",
        ),
        (
            'sat: "09:00-13:00"}',
            'sat: "09:00-13:00", sab: "09:00-13:00"}',
            "calendars.business.hours.sab: unknown key 'sab'; expected one of 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or 'sun'",
        ),
        (
            "timezone: Asia/Hong_Kong",
            "timezone: Asia/Kowloon",
            "timezone: unknown time zone 'Asia/Kowloon'",
        ),
        (
            "    holidays: HK",
            "    holidays: XX",
            "calendars.business.holidays: unknown holiday country 'XX'",
        ),
        (
            "      incident_target_pct: 95\n",
            "      incident_target_pct: 195\n",
            "clients[0].sla.incident_target_pct: Input should be less than or equal to 100 (got 195)",
        ),
        (
            "      maintenance: {grace_days: 7, target_pct: 98}",
            "      maintenance: {target_pct: 98}",
            "clients[0].sla.maintenance.grace_days: required key is missing",
        ),
    ],
)
def test_config_errors_name_the_key_path(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in CLIENTS_YML
    assert config_errors(tmp_path, CLIENTS_YML.replace(old, new, 1)) == [expected]


def test_every_field_error_is_reported_at_once(tmp_path: Path) -> None:
    text = CLIENTS_YML.replace("    reporting: monthly", "    reporting: weekly").replace(
        "    reporting: quarterly", "    reporting: yearly"
    )
    assert config_errors(tmp_path, text) == [
        "clients[0].reporting: Input should be 'monthly' or 'quarterly' (got 'weekly')",
        "clients[1].reporting: Input should be 'monthly' or 'quarterly' (got 'yearly')",
    ]


def test_every_reference_error_is_reported_at_once(tmp_path: Path) -> None:
    text = CLIENTS_YML.replace("calendar: business}", "calendar: office}")
    assert config_errors(tmp_path, text) == [
        "clients[0].sla.incidents.P3.calendar: calendar 'office' is not defined (defined: 24x7, business)",
        "clients[0].sla.incidents.P4.calendar: calendar 'office' is not defined (defined: 24x7, business)",
        "clients[1].sla.incidents.P2.calendar: calendar 'office' is not defined (defined: 24x7, business)",
    ]


def test_a_source_adapter_may_only_name_canonical_columns(tmp_path: Path) -> None:
    text = CLIENTS_YML + "sources:\n  incidents:\n    columns: {incident_no: number}\n"
    assert config_errors(tmp_path, text) == [
        "sources.incidents.columns.incident_no: incidents.csv has no column 'incident_no'"
    ]


def test_an_unknown_source_is_named(tmp_path: Path) -> None:
    text = CLIENTS_YML + "sources:\n  invoices:\n    file: x.csv\n"
    assert config_errors(tmp_path, text) == [
        "sources.invoices: unknown key 'invoices'; expected one of 'incidents', 'maintenance', 'complaints' or 'actions'"
    ]


def test_yaml_syntax_errors_give_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "clients.yml", "provider: {name: x\nclients: [")
    with pytest.raises(InputError) as caught:
        load_config(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:2: not valid YAML: expected ',' or '}}', but got ':'"
    ]


def test_system_display_names() -> None:
    assert [
        system_name(s) for s in ("cctv", "access_control", "intruder_alarm", "lift_interface")
    ] == [
        "CCTV",
        "Access control",
        "Intruder alarm",
        "Lift interface",
    ]
