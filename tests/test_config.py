"""clients.yml: every config error names its key path, verbatim."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_cli import svcsite

from conftest import CLIENTS_YML, write
from generator.errors import InputError
from generator.inputs.config import (
    SITE_SLUG_LENGTH,
    load_config,
    slug,
    system_name,
    unique_slugs,
)


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
    assert harbour.repeat_window_days == 30  # the default


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
            "      - {id: KB1, name: Main Campus, systems: [cctv, intruder_alarm]}",
            "      - {id: KB1, name: Main Campus, systems: [cctv, intruder_alarm]}\n"
            "      - {id: ' KB1 ', name: Annex, systems: [cctv]}",
            "clients[1].sites[1].id: duplicate site id 'KB1'",
        ),
        (
            "{id: KB1, name: Main Campus",
            "{id: '  ', name: Main Campus",
            "clients[1].sites[0].id: expected a site id: any non-empty text",
        ),
        (
            "{id: KB1, name: Main Campus",
            "{id: 0143, name: Main Campus",
            "clients[1].sites[0].id: expected text, got 99: put the id in quotes, as the export spells it",
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
        (
            "    reporting: quarterly",
            "    reporting: quarterly\n    repeat_window_days: 0",
            "clients[1].repeat_window_days: Input should be greater than or equal to 1 (got 0)",
        ),
        (
            "    reporting: quarterly",
            "    reporting: quarterly\n    repeat_window_days: 30 days",
            "clients[1].repeat_window_days: Input should be a valid integer (got '30 days')",
        ),
        (
            "timezone: Asia/Hong_Kong",
            "timezone: Asia/Hong_Kong\nbenchmarks:\n"
            "  - {figure: attend_pct, value: 93, source: Survey, year: 2025}\n"
            "  - {figure: attend_rate, value: 93, source: Survey, year: 2025}",
            "benchmarks[1].figure: unknown figure 'attend_rate'; expected one of attend_pct, "
            "restore_pct, preventive_on_time_pct, complaint_resolve_pct, availability_pct",
        ),
        (
            "timezone: Asia/Hong_Kong",
            "timezone: Asia/Hong_Kong\nbenchmarks:\n"
            "  - {figure: availability_pct, value: 99.9, year: 2025}",
            "benchmarks[0].source: required key is missing",
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
        "sources.invoices: unknown key 'invoices'; expected one of 'incidents', 'maintenance', 'complaints', 'actions', 'feedback', 'training' or 'weather'"
    ]


def test_yaml_syntax_errors_give_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "clients.yml", "provider: {name: x\nclients: [")
    with pytest.raises(InputError) as caught:
        load_config(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:2: not valid YAML: expected ',' or '}}', but got ':'"
    ]


def test_a_date_that_does_not_exist_is_named_by_its_key_path(tmp_path: Path) -> None:
    """PyYAML reads 2026-11-31 as a date and fails with a bare ValueError: it stays text and
    the field names it (and a real date next to it is still a date)."""
    text = CLIENTS_YML.replace(
        "extra_closed: [2026-12-24]", "extra_closed: [2026-12-24, 2026-02-30]"
    )
    errors = config_errors(tmp_path, text)
    assert len(errors) == 1 and errors[0].startswith("calendars.business.extra_closed[1]: ")
    assert "'2026-02-30'" in errors[0]


def test_system_display_names() -> None:
    assert [
        system_name(s) for s in ("cctv", "access_control", "intruder_alarm", "lift_interface")
    ] == [
        "CCTV",
        "Access control",
        "Intruder alarm",
        "Lift interface",
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    """Field errors and cross-references in one run: the cross-references are checked on the
    raw data, whatever the fields."""
    text = (
        CLIENTS_YML.replace("calendar: business}", "calendar: bussiness}", 1)
        .replace(
            "P2: {attend: 4h, restore: 24h, calendar: 24x7}",
            "P2: {attend: 4 hours, restore: 24h, calendar: 24x7}",
            1,
        )
        .replace("    reporting: quarterly", "    reporting: yearly")
        .replace(
            "      - {id: KB1, name: Main Campus,",
            "      - {id: KB1, name: Annex, systems: [cctv]}\n      - {id: KB1, name: Main Campus,",
        )
        .replace("  - id: kowloon-school", "  - id: harbour-tower")
    ) + (
        "sources:\n  incidents:\n    columns: {incident_no: number}\n"
        "    defaults: {client_id: harbor-tower}\n"
    )
    expected = [
        "clients[0].sla.incidents.P2.attend: expected a duration like '90m' or '4h', got '4 hours'",
        "clients[1].reporting: Input should be 'monthly' or 'quarterly' (got 'yearly')",
        "clients[0].sla.incidents.P3.calendar: calendar 'bussiness' is not defined (defined: 24x7, business)",
        "clients[1].id: duplicate client id 'harbour-tower'",
        "clients[1].sites[1].id: duplicate site id 'KB1'",
        "sources.incidents.columns.incident_no: incidents.csv has no column 'incident_no'",
        "sources.incidents.defaults.client_id: client 'harbor-tower' is not defined (defined: harbour-tower)",
    ]
    assert config_errors(tmp_path, text) == expected
    # The same through the command line: every problem, one line each, exit 1, no traceback.
    write(tmp_path / "data" / "clients.yml", text)
    result = svcsite("check", "--data", str(tmp_path / "data"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'data' / 'clients.yml'}: {line}" for line in expected
    ]


def test_a_malformed_part_is_one_field_error_not_a_crash(tmp_path: Path) -> None:
    """The cross-references are read from raw data of any shape."""
    text = CLIENTS_YML.replace(
        "    sites:\n      - {id: HT1", "    sites: nothing\n    old_sites:\n      - {id: HT1", 1
    )
    text = text.replace(
        "      incidents:\n        P1: {attend: 2h, restore: 8h, calendar: 24x7}\n        P2: {attend: 4h, restore: 24h, calendar: business}",
        "      incidents: [P1, P2]",
    )
    assert config_errors(tmp_path, text) == [
        "clients[0].sites: Input should be a valid list (got 'nothing')",
        "clients[0].old_sites: unknown key",
        "clients[1].sla.incidents: Input should be a valid dictionary",
    ]


SITES = """\
      - {id: Location 143, name: Main Campus, systems: [cctv, intruder_alarm]}
      - {id: 中環分行, name: Central Branch, systems: [cctv]}
      - {id: " KB-1.a ", name: Annex, systems: [cctv]}
      - {id: location-143, name: Hall, systems: [cctv]}
"""


def test_site_ids_are_any_text_as_the_exports_spell_them(tmp_path: Path) -> None:
    old = "      - {id: KB1, name: Main Campus, systems: [cctv, intruder_alarm]}\n"
    config = load_config(write(tmp_path / "clients.yml", CLIENTS_YML.replace(old, SITES)))
    school = config.client("kowloon-school")
    assert [site.id for site in school.sites] == [
        "Location 143",
        "中環分行",
        "KB-1.a",
        "location-143",
    ]
    assert unique_slugs([site.id for site in school.sites]) == [
        "location-143",
        "中環分行",
        "kb-1-a",
        "location-143-2",
    ]
    # A site called "Index" does not take the Sites index's page.
    assert unique_slugs(["Index", "index"], reserved=("index",)) == ["index-2", "index-3"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Location 143", "location-143"),
        ("中環分行", "中環分行"),
        ("Café  No.5 / Lobby", "café-no-5-lobby"),
        ("Cafe\u0301", "café"),  # composed as on another machine: the same bytes
        ("ＨＴ１", "ht1"),  # full-width, as typed with a Chinese input method
        ("HT_2", "ht-2"),
        ("#&?", "site"),
        ("x" * 70, "x" * SITE_SLUG_LENGTH),
        ("a" * (SITE_SLUG_LENGTH - 1) + " b", "a" * (SITE_SLUG_LENGTH - 1)),
    ],
)
def test_a_site_slug_keeps_the_letters_and_digits(text: str, expected: str) -> None:
    assert slug(text) == expected


# An id as an export may spell it; ids are unique once their surrounding spaces are gone.
SITE_IDS = st.lists(
    st.text(min_size=1, max_size=80).filter(str.strip), min_size=1, max_size=12, unique_by=str.strip
)


@given(SITE_IDS, st.sampled_from([(), ("index",)]))
def test_site_slugs_are_unique_non_empty_url_safe_and_stable(
    site_ids: list[str], reserved: tuple[str, ...]
) -> None:
    values = unique_slugs(site_ids, reserved)
    assert len(values) == len(site_ids)
    assert len(set(values)) == len(values)
    assert not set(values) & set(reserved)
    for value in values:
        # One path segment, readable: letters, digits (any script) and inner single hyphens,
        # NFC, short enough for a file name.
        assert all(c == "-" or unicodedata.category(c)[0] in "LNM" for c in value), value
        assert re.fullmatch(r"[^-]+(-[^-]+)*", value), value
        assert unicodedata.normalize("NFC", value) == value
        assert len(value.encode()) <= 255
    # Deterministic, and appending a site never changes the slugs of the others.
    assert unique_slugs(site_ids, reserved) == values
    if len(site_ids) > 1:
        assert unique_slugs(site_ids[:-1], reserved) == values[:-1]
