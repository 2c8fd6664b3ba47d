"""Severe weather (contract 10.2): listed warnings stop the incident attend and restore
clocks of the clients that agreed so; nothing else changes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from test_metrics import CLIENTS_YML, SLA, _csv, hk, inc, make_portfolio

from conftest import write
from generator.figures.metrics import compute_figures
from generator.inputs.read import read_inputs

WEATHER_HEADER = "warning,start,end"
SUSPENDING = CLIENTS_YML.replace(SLA, SLA + '      suspend_during: ["T8", "Black rainstorm"]\n')
AS_OF = "2026-10-31 23:59"


def judged(data: Path, weather: list[str] | None, as_of: str = AS_OF) -> pd.DataFrame:
    if weather is not None:
        write(data / "weather.csv", _csv(WEATHER_HEADER, weather))
    inputs = read_inputs(data)
    assert inputs.quality.problems == []
    figures = compute_figures(inputs.config, inputs.tables, hk(as_of))
    return figures.records["incidents"].set_index("incident_id")


def test_listed_warnings_stop_the_clocks_once_and_others_do_not(tmp_path: Path) -> None:
    data = make_portfolio(
        tmp_path / "data",
        [
            # P1 on 24x7: 10:00 -> attended 14:00 (4 h), restored 20:00 (10 h).
            inc("I-1", "2026-10-05 10:00", "2026-10-05 14:00", "2026-10-05 20:00", priority="P1"),
            # Beta does not suspend: the same times count in full.
            inc(
                "B-1",
                "2026-10-05 10:00",
                "2026-10-05 14:00",
                "2026-10-05 20:00",
                priority="P1",
                client="beta",
                site="B1",
            ),
        ],
        clients_yml=SUSPENDING,
    )
    records = judged(
        data,
        [
            # T8 11:00-13:00 and a Black rainstorm 12:00-15:00 overlap: 11:00-15:00, 4 h.
            "T8,2026-10-05 11:00,2026-10-05 13:00",
            "Black rainstorm,2026-10-05 12:00,2026-10-05 15:00",
            # T3 is not listed: it stops nothing.
            "T3,2026-10-05 16:00,2026-10-05 18:00",
        ],
    )
    # attend: 4 h less 11:00-14:00 (3 h) = 1 h; restore: 10 h less 4 h = 6 h.
    assert records.loc["I-1", "attend_minutes"] == 60.0
    assert records.loc["I-1", "restore_minutes"] == 360.0
    assert records.loc["I-1", "attend_status"] == "met"  # within 2 h: breached without the stop
    assert records.loc["I-1", "suspended_minutes"] == 240.0
    assert records.loc["B-1", "attend_minutes"] == 240.0
    assert records.loc["B-1", "suspended_minutes"] == 0.0


def test_the_clock_stops_for_pending_and_breached_at_as_of(tmp_path: Path) -> None:
    data = make_portfolio(
        tmp_path / "data",
        [inc("I-1", "2026-10-31 10:00", priority="P1")],  # not attended by as_of
        clients_yml=SUSPENDING,
    )
    # As of 13:00: 3 h open, over the 2 h to attend, but T8 from 11:30, still in force.
    records = judged(data, ["T8,2026-10-31 11:30,"], as_of="2026-10-31 13:00")
    assert records.loc["I-1", "open_minutes"] == 90.0
    assert records.loc["I-1", "attend_status"] == "pending"
    records = judged(data, ["T8,2026-10-31 11:30,2026-10-31 12:00"], as_of="2026-10-31 13:00")
    assert records.loc["I-1", "attend_status"] == "breached"  # 2 h 30 min


def test_weather_rows_are_quarantined_like_any_source(tmp_path: Path) -> None:
    data = make_portfolio(
        tmp_path / "data", [inc("I-1", "2026-10-05 10:00")], clients_yml=SUSPENDING
    )
    write(
        data / "weather.csv",
        _csv(
            WEATHER_HEADER,
            ["T8,2026-10-05 11:00,2026-10-05 10:00", "T8,tomorrow,", ",2026-10-05 11:00,"],
        ),
    )
    problems = [str(problem) for problem in read_inputs(data).quality.problems]
    weather = str(data / "weather.csv")
    assert problems == [
        f"{weather}:2: end: is before start ('2026-10-05 10:00')",
        f"{weather}:3: start: not a valid timestamp: expected an ISO 8601 timestamp such as 2026-10-31 14:05 ('tomorrow')",
        f"{weather}:4: warning: required value is missing",
    ]


# Business calendar: mon-fri 09:00-18:00, sat 09:00-13:00. P3 incidents are on it.
minutes_of_october = st.integers(0, 60 * 24 * 20)


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(minutes_of_october, st.integers(0, 3000), st.integers(0, 3000)),
        min_size=1,
        max_size=12,
    )
)
def test_a_warning_wholly_outside_open_hours_changes_nothing(tmp_path_factory, rows) -> None:
    lines = _incidents(rows, "P3")
    data = make_portfolio(tmp_path_factory.mktemp("data"), lines, clients_yml=SUSPENDING)
    columns = [
        "attend_minutes",
        "restore_minutes",
        "attend_status",
        "restore_status",
        "open_minutes",
    ]
    without = judged(data, [])[columns]
    # Sat 13:00 to Mon 09:00, and a weeknight 18:00 to 09:00: the business calendar is closed.
    closed = [
        "T8,2026-10-10 13:00,2026-10-12 09:00",
        "Black rainstorm,2026-10-13 18:00,2026-10-14 09:00",
    ]
    pd.testing.assert_frame_equal(judged(data, closed)[columns], without)


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(minutes_of_october, st.integers(0, 3000), st.integers(0, 3000)),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(["P1", "P3"]),
)
def test_a_warning_covering_a_whole_incident_makes_its_sla_time_zero(
    tmp_path_factory, rows, priority
) -> None:
    lines = _incidents(rows, priority)
    data = make_portfolio(tmp_path_factory.mktemp("data"), lines, clients_yml=SUSPENDING)
    records = judged(data, ["T8,2026-09-30 00:00,2026-11-30 00:00"])
    assert (records["attend_minutes"] == 0).all()
    assert (records["restore_minutes"] == 0).all()
    assert (records["attend_status"] == "met").all()


def _incidents(rows: list[tuple[int, int, int]], priority: str) -> list[str]:
    start = pd.Timestamp("2026-10-01 00:00")
    lines = []
    for number, (offset, attend, restore) in enumerate(rows):
        reported = start + pd.Timedelta(minutes=offset)
        attended = reported + pd.Timedelta(minutes=attend)
        resolved = attended + pd.Timedelta(minutes=restore)
        times = (t.strftime("%Y-%m-%d %H:%M") for t in (reported, attended, resolved))
        lines.append(inc(f"I-{number}", *times, priority=priority))
    return lines


def test_reports_list_the_period_s_warnings_and_what_they_touched(tmp_path: Path) -> None:
    from test_pages import html, pages_for

    data = make_portfolio(
        tmp_path / "data",
        [
            inc("I-1", "2026-10-05 10:00", "2026-10-05 14:00", "2026-10-05 20:00", priority="P1"),
            inc("I-2", "2026-10-06 10:00", "2026-10-06 11:00", "2026-10-06 12:00", priority="P1"),
            inc(
                "B-1",
                "2026-10-05 10:00",
                "2026-10-05 14:00",
                priority="P1",
                client="beta",
                site="B1",
            ),
        ],
        clients_yml=SUSPENDING,
    )
    write(
        data / "weather.csv",
        _csv(
            WEATHER_HEADER,
            ["T8,2026-10-05 11:00,2026-10-05 13:00", "T3,2026-10-07 11:00,2026-10-07 13:00"],
        ),
    )
    pages = pages_for(data, "alpha", hk(AS_OF))
    report = html(pages, "reports/2026-10.md")
    assert "<h2>Severe weather in October\u00a02026</h2>" in report
    assert (
        '<td>T8</td>\n<td>2026-10-05 11:00</td>\n<td>2026-10-05 13:00</td>\n<td style="text-align: right;">1</td>'
        in report
    )
    assert "<strong>T8 from 2026-10-05 11:00</strong>: I&#45;1.</p>" in report
    assert "T3" not in report  # not a warning alpha's terms list
    agreement = html(pages, "agreement.md")
    assert "while any of these warnings is in force: T8, Black rainstorm" in agreement
    beta = pages_for(data, "beta", hk(AS_OF))
    text = " ".join(html(beta, path) for path in ("agreement.md", "reports/2026-Q4.md", "index.md"))
    assert "weather" not in text.lower()


def test_a_weather_export_is_adapted_by_sources(tmp_path: Path) -> None:
    adapter = """\
sources:
  weather:
    file: signals-*.csv
    columns: {warning: Signal, start: Issued, end: Cancelled}
    datetime_format: "%d/%m/%Y %H:%M"
    values: {warning: {"Typhoon Signal No. 8": T8}}
"""
    data = make_portfolio(
        tmp_path / "data",
        [inc("I-1", "2026-10-05 10:00", "2026-10-05 14:00", "2026-10-05 20:00", priority="P1")],
        clients_yml=SUSPENDING + adapter,
    )
    write(
        data / "signals-2026.csv",
        "Signal,Issued,Cancelled\nTyphoon Signal No. 8,05/10/2026 11:00,05/10/2026 13:00\n",
    )
    records = judged(data, None)
    assert records.loc["I-1", "attend_minutes"] == 120.0  # 4 h less 2 h under T8
