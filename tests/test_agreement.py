"""The agreement over time (contract 10): versions of the terms and service credits."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_config import config_errors
from test_metrics import (
    CLIENTS_YML,
    HEAD,
    SLA,
    document,
    hk,
    inc,
    job,
    make_portfolio,
    period,
)

from conftest import write
from generator.figures.metrics import compute_figures
from generator.inputs.config import load_config
from generator.inputs.read import read_inputs

# From 2026-10-15 (mid-October): P3 attend 6 h instead of 9 h, P1 on the business calendar,
# 97% of incidents, grace days 2 instead of 7.
CHANGES = """\
      changes:
        - effective_from: 2026-10-15
          agreed: "Senior review meeting, 2026-10-08"
          incidents: {P3: {attend: 6h}, P1: {calendar: business}}
          incident_target_pct: 97
          maintenance: {grace_days: 2}
"""
VERSIONED = CLIENTS_YML.replace(SLA, SLA + CHANGES)


def test_a_change_is_merged_key_by_key(tmp_path: Path) -> None:
    sla = load_config(write(tmp_path / "clients.yml", VERSIONED)).client("alpha").sla
    first, second = (version.terms for version in sla.versions)
    assert first.incidents["P3"].attend == 540.0
    assert second.incidents["P3"].attend == 360.0
    assert second.incidents["P3"].restore == 1620.0  # unchanged keys are kept
    assert second.incidents["P1"].calendar == "business"
    assert second.incidents["P1"].attend == 120.0
    assert (second.incident_target_pct, second.maintenance.grace_days) == (97, 2)
    assert second.maintenance.target_pct == 98
    assert sla.versions[1].changes == (
        ("incidents.P1.calendar", "24x7", "business"),
        ("incidents.P3.attend", "540.0m", "360.0m"),
        ("incident_target_pct", 95.0, 97.0),
        ("maintenance.grace_days", 7, 2),
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            "{P3: {attend: 6h, respond: 2h}}",
            "clients[0].sla.changes[0].incidents.P3.respond: unknown key",
        ),
        (
            "{P3: {attend: 6 hours}}",
            "clients[0].sla.changes[0].incidents.P3.attend: expected a duration like '90m' or '4h', got '6 hours'",
        ),
        (
            "{P3: {calendar: office}}",
            "clients[0].sla.changes[0].incidents.P3.calendar: calendar 'office' is not defined (defined: 24x7, business)",
        ),
        (
            "{P9: {attend: 1h}}",
            "clients[0].sla.changes[0].incidents.P9: priority 'P9' is not in the agreement (P1, P2, P3, P4): a change can only change the targets of its priorities",
        ),
    ],
)
def test_errors_in_a_change_name_its_key_path(tmp_path: Path, change: str, expected: str) -> None:
    text = VERSIONED.replace("{P3: {attend: 6h}, P1: {calendar: business}}", change)
    assert config_errors(tmp_path, text) == [expected]


def test_changes_out_of_order_and_sections_brought_in_whole(tmp_path: Path) -> None:
    later = (
        CHANGES
        + """\
        - effective_from: 2026-09-01
          incident_target_pct: 90
"""
    )
    beta = """\
      changes:
        - effective_from: 2026-07-01
          maintenance: {target_pct: 90}
"""
    text = CLIENTS_YML.replace(SLA, SLA + later) + beta
    assert config_errors(tmp_path, text) == [
        "clients[0].sla.changes[1].effective_from: 2026-09-01 is not after the change before it (2026-10-15): list changes oldest first",
        "clients[1].sla.changes[0].maintenance.grace_days: required key is missing (the agreement had no maintenance terms before)",
    ]


def test_every_record_is_judged_by_the_terms_in_force_at_its_start(tmp_path: Path) -> None:
    data = make_portfolio(
        tmp_path / "data",
        [
            # Thu 2026-10-08 10:00 -> 17:30: 7.5 business hours: met on 9 h.
            inc("I-1", "2026-10-08 10:00", "2026-10-08 17:30"),
            # Thu 2026-10-15 10:00 -> 17:30: 7.5 h, over the new 6 h: breached.
            inc("I-2", "2026-10-15 10:00", "2026-10-15 17:30"),
            # P1 reported Sat 2026-10-17 20:00, attended Sun 09:00: 13 h on 24x7 but 0 h on
            # the business calendar it is measured on from 2026-10-15: met.
            inc("I-3", "2026-10-17 20:00", "2026-10-18 09:00", priority="P1"),
        ],
        maintenance=[
            # Due 2026-10-10, done 2026-10-14: within 7 days' grace.
            job("M-1", "preventive", "2026-10-10", "2026-10-14 10:00", "completed"),
            # Due 2026-10-20, done 2026-10-24: past the new 2 days' grace: late.
            job("M-2", "preventive", "2026-10-20", "2026-10-24 10:00", "completed"),
        ],
        clients_yml=VERSIONED,
    )
    october = period(document(data, "alpha", "2026-11-30 23:59"), "2026-10")
    assert october["incidents"]["attend"] | {"median_minutes": None, "p90_minutes": None} == {
        "met": 2, "breached": 1, "pending": 0, "compliance_pct": 2 / 3 * 100,
        "median_minutes": None, "p90_minutes": None,
    }  # fmt: skip
    assert october["maintenance"]["preventive"]["on_time"] == 1
    assert october["maintenance"]["preventive"]["late"] == 1
    # The change is in force at October's end: its targets are the new ones.
    assert october["targets"] == {
        "incident_pct": 97.0, "preventive_pct": 98.0, "complaint_pct": 95.0, "availability_pct": 99.5,
    }  # fmt: skip


def test_a_period_s_targets_are_those_at_its_end_or_at_as_of(tmp_path: Path) -> None:
    data = make_portfolio(
        tmp_path / "data",
        [inc("I-1", "2026-09-08 10:00", "2026-09-08 11:00")],
        clients_yml=VERSIONED,
    )
    doc = document(data, "alpha", "2026-10-31 23:59")
    assert period(doc, "2026-09")["targets"]["incident_pct"] == 95.0
    assert period(doc, "2026-10")["targets"]["incident_pct"] == 97.0
    # Rebuilt as of 2026-10-14, October is in progress under the first terms.
    past = document(data, "alpha", "2026-10-14 12:00")
    assert period(past, "2026-10")["targets"]["incident_pct"] == 95.0


def _yml_with(sla: str) -> str:
    return (
        HEAD
        + """\
clients:
  - id: alpha
    name: Alpha Tower
    sites:
      - {id: A1, name: Alpha One, systems: [cctv, access_control]}
"""
        + sla
    )


SPLIT = pd.Timestamp("2026-10-15", tz="Asia/Hong_Kong")
LATER_SLA = (
    SLA.replace(
        "P3: {attend: 9h, restore: 27h, calendar: business}",
        "P3: {attend: 6h, restore: 27h, calendar: business}",
    )
    .replace(
        "P1: {attend: 2h, restore: 8h, calendar: 24x7}",
        "P1: {attend: 2h, restore: 8h, calendar: business}",
    )
    .replace("incident_target_pct: 95", "incident_target_pct: 97")
)


incidents = st.lists(
    st.tuples(
        st.integers(0, 60 * 24 * 50),  # minutes after 2026-09-20 00:00
        st.integers(0, 60 * 30),  # minutes to attend
        st.integers(0, 60 * 60),  # minutes more to restore
        st.sampled_from(["P1", "P3"]),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=15, deadline=None)
@given(incidents)
def test_splitting_at_a_change_gives_the_versioned_figures(tmp_path_factory, rows) -> None:
    """Judging each side of effective_from with its own fixed terms gives the same judgement
    of every record, and the same counts per period, as the versioned build."""
    start = pd.Timestamp("2026-09-20", tz="Asia/Hong_Kong")
    lines = []
    for number, (offset, attend, restore, priority) in enumerate(rows):
        reported = start + pd.Timedelta(minutes=offset)
        times = [reported + pd.Timedelta(minutes=m) for m in (attend, attend + restore)]
        lines.append(
            inc(
                f"I-{number}",
                *(t.strftime("%Y-%m-%d %H:%M") for t in [reported, *times]),
                priority=priority,
            )
        )
    as_of = hk("2026-11-30 23:59")
    judged = {}
    for name, sla in (("versioned", SLA + CHANGES), ("before", SLA), ("after", LATER_SLA)):
        data = make_portfolio(tmp_path_factory.mktemp(name), lines, clients_yml=_yml_with(sla))
        inputs = read_inputs(data)
        judged[name] = compute_figures(inputs.config, inputs.tables, as_of).records["incidents"]
    columns = [
        "incident_id",
        "attend_status",
        "attend_minutes",
        "restore_status",
        "restore_minutes",
    ]
    versioned = judged["versioned"].set_index("incident_id")[columns[1:]]
    before = judged["before"][judged["before"]["reported_at"] < SPLIT]
    after = judged["after"][judged["after"]["reported_at"] >= SPLIT]
    split = pd.concat([before, after]).set_index("incident_id")[columns[1:]]
    pd.testing.assert_frame_equal(
        versioned.sort_index(), split.sort_index(), check_categorical=False
    )


CREDITS = """\
      credits:
        monthly_fee: 48000
        rules:
          - {figure: attend_pct, credit_pct: 2}
          - {figure: restore_pct, below: 50, credit_pct: 3}
          - {figure: availability_pct, below: 99.0, credit_pct: 5}
        cap_pct: 4
"""


def test_service_credits_per_period(tmp_path: Path) -> None:
    data = make_portfolio(
        tmp_path / "data",
        [
            # September: attend 1 of 2 met (50% < 95%): 2%; restore 2 of 2 met: no rule.
            inc("I-1", "2026-09-08 10:00", "2026-09-08 11:00", "2026-09-08 12:00"),
            inc("I-2", "2026-09-09 10:00", "2026-09-10 11:00", "2026-09-10 12:00"),
            # October: attend met, restore breached (0% < 50%): 3%; outage 2 days of a
            # 31-day month at one of three (site, system) pairs: 97.85% < 99.0: 5%; cap 4%.
            inc("I-3", "2026-10-05 10:00", "2026-10-05 11:00", "2026-10-09 10:00", outage="true"),
        ],
        clients_yml=CLIENTS_YML.replace(SLA, SLA + CREDITS),
    )
    doc = document(data, "alpha", "2026-10-31 23:59")
    assert period(doc, "2026-09")["credits"] == {
        "pct": 2.0,
        "amount": 960.0,
        "rules": ["attend_pct"],
    }
    assert period(doc, "2026-10")["credits"] == {
        "pct": 4.0, "amount": 1920.0, "rules": ["restore_pct", "availability_pct"],
    }  # fmt: skip
    assert document(data, "beta", "2026-10-31 23:59")["periods"][-1]["credits"] is None


def test_a_credit_compares_the_figure_as_shown(tmp_path: Path) -> None:
    # 19 of 20 met = 95.0%: not below 95. A rule at 95.05 compares 95.0 as shown: applies.
    rows = [
        inc(f"I-{n}", f"2026-09-{n + 1:02d} 10:00", f"2026-09-{n + 1:02d} 10:30") for n in range(19)
    ]
    rows.append(inc("I-19", "2026-09-21 10:00", "2026-09-22 17:30"))
    credits = CREDITS.replace(
        "{figure: restore_pct, below: 50, credit_pct: 3}",
        "{figure: attend_pct, below: 95.04, credit_pct: 3}",
    )
    data = make_portfolio(
        tmp_path / "data", rows, clients_yml=CLIENTS_YML.replace(SLA, SLA + credits)
    )
    september = period(document(data, "alpha", "2026-09-30 23:59"), "2026-09")
    assert september["incidents"]["attend"]["compliance_pct"] == 95.0
    assert september["credits"]["rules"] == ["attend_pct"]
    assert september["credits"]["pct"] == 3.0


def test_pages_show_the_history_the_change_in_its_report_and_the_credit_owed(
    tmp_path: Path,
) -> None:
    from test_pages import html, pages_for

    data = make_portfolio(
        tmp_path / "data",
        [
            inc("I-1", "2026-10-08 10:00", "2026-10-08 17:30", "2026-10-08 17:30"),
            inc("I-2", "2026-10-15 10:00", "2026-10-15 17:30", "2026-10-15 17:30"),
        ],
        clients_yml=CLIENTS_YML.replace(SLA, SLA + CREDITS + CHANGES),
    )
    pages = pages_for(data, "alpha", hk("2026-10-31 23:59"))
    agreement = html(pages, "agreement.md")
    assert "Changes to the agreement" in agreement
    assert "Agreed at: Senior review meeting, 2026&#45;10&#45;08." in agreement
    assert "<td>Incidents P3&#58; attend within</td>\n<td>9 h</td>\n<td>6 h</td>" in agreement
    assert (
        "Incidents attended within target below its target&#58; 2&#46;0&#37; of the fee"
        in agreement
    )
    assert "At least <strong>97.0%</strong> of incidents" in agreement  # in force now
    report = html(pages, "reports/2026-10.md")
    assert "The agreement changed during October\u00a02026" in report
    assert "<strong>As first agreed</strong>: incidents I&#45;1." in report
    assert "<strong>From 2026-10-15</strong>: incidents I&#45;2." in report
    # Attendance 50% < 97% in force at October's end: 2% of HK$48,000.
    assert "Service credit owed for October\u00a02026: HK$960.00" in report
    assert "Service credit owed for October\u00a02026: HK$960.00" in html(pages, "index.md")


def test_nothing_about_versions_or_credits_without_them(tmp_path: Path) -> None:
    from test_pages import html, pages_for

    data = make_portfolio(tmp_path / "data", [inc("I-1", "2026-10-08 10:00", "2026-10-08 17:30")])
    pages = pages_for(data, "alpha", hk("2026-10-31 23:59"))
    text = " ".join(
        html(pages, path) for path in ("index.md", "agreement.md", "reports/2026-10.md")
    )
    for word in ("credit", "Changes to the agreement", "changed during", "As first agreed"):
        assert word not in text


def test_the_demo_shows_the_agreement_over_time(tmp_path: Path) -> None:
    from generator.demo import write_demo

    write_demo(tmp_path / "data", clients=6, months=24, seed=7)
    inputs = read_inputs(tmp_path / "data")
    clients = {client.id: client.sla for client in inputs.config.clients}
    changed = {i: sla.changes for i, sla in clients.items() if sla.changes}
    starts = [change.effective_from.day for changes in changed.values() for change in changes]
    assert len(changed) >= 2 and 1 in starts and any(day > 1 for day in starts)  # one mid-period
    assert all(change.agreed for changes in changed.values() for change in changes)
    assert any(sla.credits for sla in clients.values())
    assert any("T8" in sla.suspend_during for sla in clients.values())
    assert any(not (sla.changes or sla.credits or sla.suspend_during) for sla in clients.values())
    assert {"T8", "Black rainstorm"} <= set(inputs.tables["weather"]["warning"])


def test_an_as_of_rebuild_gives_the_terms_and_credits_of_that_time(tmp_path: Path) -> None:
    from test_cli import svcsite

    data = make_portfolio(
        tmp_path / "data",
        [
            # Attended in 7.5 business hours: met on 9 h, breached on 6 h (from 2026-10-15).
            inc("I-1", "2026-10-08 10:00", "2026-10-08 17:30", "2026-10-08 17:30"),
            inc("I-2", "2026-10-20 10:00", "2026-10-20 17:30", "2026-10-20 17:30"),
        ],
        clients_yml=_yml_with(SLA + CREDITS + CHANGES),  # alpha alone: "beta" is in Vega
    )
    built = {}
    for as_of in ("2026-10-14T12:00", "2026-10-31T23:59"):
        out = tmp_path / as_of.replace(":", "")
        result = svcsite("build", "--data", str(data), "--out", str(out),
                         "--as-of", as_of)  # fmt: skip
        assert result.returncode == 0, result.stderr
        metrics = json.loads((out / "alpha" / "downloads" / "metrics.json").read_text())
        agreement = (out / "alpha" / "agreement" / "index.html").read_text()
        built[as_of] = (metrics["periods"][-1], agreement)
    (before, page_before), (after, page_after) = built.values()
    assert before["targets"]["incident_pct"] == 95.0
    assert before["credits"] == {"pct": 0.0, "amount": 0.0, "rules": []}
    assert "Changes to the agreement" not in page_before
    assert "At least <strong>95.0%</strong>" in page_before
    assert after["targets"]["incident_pct"] == 97.0
    assert after["credits"] == {"pct": 2.0, "amount": 960.0, "rules": ["attend_pct"]}
    assert "Changes to the agreement" in page_after


def test_where_a_change_was_agreed_is_published_redacted(tmp_path: Path) -> None:
    from test_pages import html, pages_for

    agreed = 'agreed: "Senior review meeting, 2026-10-08, with Chan Tai Man (9123 4567)"'
    text = VERSIONED.replace('agreed: "Senior review meeting, 2026-10-08"', agreed)
    text = text.replace(
        "    name: Alpha Tower\n", "    name: Alpha Tower\n    people: [Chan Tai Man]\n"
    )
    data = make_portfolio(tmp_path / "data", [inc("I-1", "2026-10-15 10:00")], clients_yml=text)
    pages = pages_for(data, "alpha", hk("2026-10-31 23:59"))
    published = html(pages, "agreement.md") + html(pages, "reports/2026-10.md")
    assert "Chan Tai Man" not in published and "9123" not in published
    assert "Senior review meeting" in published
