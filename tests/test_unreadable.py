"""A column that could not be read never becomes a published site of zeros (contract 4.3):
when most of a column's values in a file fail, the build stops with a message naming the
file, the column, how many failed, an example and the fix in clients.yml; quarantined rows
are said on the client's overview."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import svcsite
from test_pages import html, pages_for

from conftest import CLIENTS_YML, INCIDENTS, INCIDENTS_HEADER, MAINTENANCE_HEADER, write
from generator.errors import InputError
from generator.inputs.read import read_inputs
from generator.inputs.unreadable import MIN_FAILED


def incidents(reported: list[str], priority: str = "P1", outage: str = "false") -> str:
    rows = [
        f"INC-{n},harbour-tower,HT1,cctv,{priority},{at},,,,,{outage},,Camera fault,Lee"
        for n, at in enumerate(reported)
    ]
    return INCIDENTS_HEADER + "\n" + "\n".join(rows) + "\n"


def day_first(count: int) -> list[str]:
    return [f"{day % 28 + 1:02d}/04/2026 13:{day % 60:02d}" for day in range(count)]


def iso(count: int) -> list[str]:
    return [f"2026-04-{day % 28 + 1:02d} 13:{day % 60:02d}" for day in range(count)]


def errors(data: Path) -> list[str]:
    with pytest.raises(InputError) as raised:
        read_inputs(data)
    return [str(problem) for problem in raised.value.problems]


def with_source(setting: str) -> str:
    return CLIENTS_YML + f"sources:\n  incidents:\n    {setting}\n"


def test_day_first_dates_stop_the_build_with_the_setting_that_reads_them(
    portfolio: Path, tmp_path: Path
) -> None:
    """As seen: 240 incidents with day-first dates and no datetime_format were all
    quarantined and six sites said 0 incidents every month, exit 0."""
    write(portfolio / "incidents.csv", incidents(day_first(240)))
    out = tmp_path / "site"
    result = svcsite("build", "--data", str(portfolio), "--out", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(
        f"error: {portfolio}/incidents.csv:2: reported_at: 240 of 240 values cannot be used "
        "(not a valid timestamp: expected an ISO 8601 timestamp such as 2026-10-31 14:05), "
        "e.g. '01/04/2026 13:00'; they read with "
        'sources.incidents.datetime_format: "%d/%m/%Y %H:%M"\n'
    )
    assert not out.exists()
    # The setting proposed reads every row.
    write(portfolio / "clients.yml", with_source('datetime_format: "%d/%m/%Y %H:%M"'))
    checked = svcsite("check", "--data", str(portfolio))
    assert checked.returncode == 0, checked.stderr
    assert "240 rows in, 240 used, 0 superseded, 0 quarantined" in checked.stdout


@pytest.mark.parametrize(
    ("value", "fix"),
    [
        ("20/04/2026 13:06", '"%d/%m/%Y %H:%M"'),
        ("20-04-2026 13:06:07", '"%d-%m-%Y %H:%M:%S"'),
        ("04/20/2026 1:06 PM", '"%m/%d/%Y %I:%M %p"'),
        ("20.04.26 13:06", '"%d.%m.%y %H:%M"'),
        ("20 Apr 2026 13:06", '"%d %b %Y %H:%M"'),
        # Every day is 12 or less: day first, as is common in Hong Kong, and the other order.
        ("03/04/2026 13:06", '"%d/%m/%Y %H:%M" (day first; if the month comes first: "%m/%d/%Y %H:%M")'),
    ],
)  # fmt: skip
def test_the_format_proposed_reads_the_values(portfolio: Path, value: str, fix: str) -> None:
    write(portfolio / "incidents.csv", incidents([value] * MIN_FAILED))
    assert errors(portfolio)[0].endswith(f"they read with sources.incidents.datetime_format: {fix}")


def test_each_file_of_a_source_is_judged_on_its_own(portfolio: Path) -> None:
    """Monthly exports: one month exported day first fails, the others are read."""
    (portfolio / "incidents.csv").unlink()
    write(portfolio / "clients.yml", with_source('file: "exports/incidents-*.csv"'))
    text = incidents(iso(30) + day_first(6)).splitlines()
    write(portfolio / "exports/incidents-2026-03.csv", "\n".join(text[:31]) + "\n")
    write(portfolio / "exports/incidents-2026-04.csv", "\n".join(text[:1] + text[31:]) + "\n")
    [problem] = errors(portfolio)
    assert problem.startswith(
        f"{portfolio}/exports/incidents-2026-04.csv:2: reported_at: 6 of 6 values cannot be used"
    )


def test_day_first_dates_of_a_date_column_propose_its_date_format(portfolio: Path) -> None:
    rows = [
        f"JOB-{n},harbour-tower,HT1,cctv,preventive,{day}/09/2026,,open,,," for n, day in
        enumerate(range(13, 13 + MIN_FAILED))
    ]  # fmt: skip
    write(portfolio / "maintenance.csv", MAINTENANCE_HEADER + "\n" + "\n".join(rows) + "\n")
    [problem] = errors(portfolio)
    assert problem.startswith(f"{portfolio}/maintenance.csv:2: due_date: 5 of 5 values")
    assert problem.endswith('they read with sources.maintenance.date_format: "%d/%m/%Y"')


def test_values_the_export_spells_its_own_way_propose_a_values_mapping(portfolio: Path) -> None:
    write(portfolio / "incidents.csv", incidents(iso(40), priority="1 - Critical", outage="Down"))
    problems = errors(portfolio)
    assert problems == [
        f"{portfolio}/incidents.csv:2: outage: 40 of 40 values cannot be used (expected true or "
        "false), e.g. 'Down'; map them to true or false with sources.incidents.values.outage: "
        '{"Down": ?}, or check that sources.incidents.columns.outage names the right column',
        f"{portfolio}/incidents.csv:2: priority: 40 of 40 values cannot be used (not a priority "
        "of this client's SLA), e.g. '1 - Critical'; map them to a priority of the client's SLA "
        '(P1, P2, P3, P4) with sources.incidents.values.priority: {"1 - Critical": ?}, or check '
        "that sources.incidents.columns.priority names the right column",
    ]
    write(
        portfolio / "clients.yml",
        with_source('values: {priority: {"1 - Critical": P1}, outage: {Down: "true"}}'),
    )
    assert read_inputs(portfolio).quality.quarantined == 0


def test_a_required_column_left_blank_proposes_a_mapping_or_a_default(portfolio: Path) -> None:
    write(portfolio / "incidents.csv", incidents(iso(10), priority=""))
    assert errors(portfolio) == [
        f"{portfolio}/incidents.csv:2: priority: 10 of 10 rows have no value, which is required; "
        "if the export has it under another header, map it with sources.incidents.columns."
        "priority; for one value on every row, sources.incidents.defaults.priority"
    ]


def test_a_source_naming_no_client_of_clients_yml_is_unreadable(portfolio: Path) -> None:
    write(portfolio / "incidents.csv", incidents(iso(8)).replace("harbour-tower", "HT OC"))
    [problem] = errors(portfolio)
    assert problem.startswith(
        f"{portfolio}/incidents.csv:2: client_id: none of the 8 rows names a client of "
        "clients.yml, e.g. 'HT OC'; map them to client ids with sources.incidents.values."
        'client_id: {"HT OC": ?}'
    )


def test_clients_without_a_site_in_a_shared_export_are_only_quarantined(portfolio: Path) -> None:
    """One export often holds every client of the contractor, not all of them with a site."""
    text = incidents(iso(8))
    others = "\n".join(text.splitlines()[3:]).replace("harbour-tower", "not-configured")
    write(portfolio / "incidents.csv", "\n".join(text.splitlines()[:3]) + "\n" + others + "\n")
    assert read_inputs(portfolio).quality.quarantined == 6


@given(st.integers(0, 12), st.integers(0, 12))
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_a_column_is_unreadable_when_at_least_five_values_and_most_of_them_fail(
    portfolio: Path, good: int, bad: int
) -> None:
    write(portfolio / "incidents.csv", incidents(iso(good) + day_first(bad)))
    if bad >= MIN_FAILED and bad * 2 > good + bad:
        assert f"reported_at: {bad} of {good + bad} values cannot be used" in errors(portfolio)[0]
    else:
        assert read_inputs(portfolio).quality.quarantined == bad


def test_the_overview_says_how_many_rows_could_not_be_used(portfolio: Path) -> None:
    overview = html(pages_for(portfolio, "harbour-tower"), "index.md")
    assert "could not be used" not in overview
    write(
        portfolio / "incidents.csv",
        INCIDENTS + "INC-9,harbour-tower,HT1,cctv,P9,2026-10-02 10:00,,,,,,,,\n",
    )
    overview = html(pages_for(portfolio, "harbour-tower"), "index.md")
    warning = overview.split('<div class="admonition warning">')[1].split("</div>")[0]
    assert "<li>1 of 3 incident rows</li>" in warning
    assert overview.index("admonition warning") < overview.index("svc-scorecard")
    assert "could not be used" not in html(pages_for(portfolio, "kowloon-school"), "index.md")
