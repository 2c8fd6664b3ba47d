"""Feedback, meetings, training and compliance (contract 12): the figures of metrics.json
against a straightforward computation over the records, one record at a time; the minutes'
front matter; the licence; and what the pages say with and without the records."""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import svcsite
from test_metrics import ACTIONS_HEADER, _csv, _row, document, inc, make_portfolio
from test_pages import pages_for

from conftest import write
from generator.errors import InputError
from generator.inputs.read import read_inputs

PROPERTY = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FIRST_DAY = date(2026, 7, 1)  # a Wednesday; every record falls from here to the as-of date
AS_OF = "2026-10-31 23:59"
FEEDBACK_HEADER = "feedback_id,client_id,site_id,received_at,kind,score,channel,text,given_by"
TRAINING_HEADER = (
    "training_id,client_id,staff_ref,role,course,kind,completed_on,hours,result,expires_on"
)
KINDS = ("compliment", "suggestion", "enquiry", "survey")
COURSE_KINDS = ("customer_service", "technical", "safety", "other")
# Both clients have records from FIRST_DAY: their periods run from it to the as-of date.
OPENING = [
    inc("I-A", "2026-07-01 10:00", "2026-07-01 11:00", "2026-07-01 12:00", priority="P1"),
    inc(
        "I-B",
        "2026-07-01 10:00",
        "2026-07-01 11:00",
        "2026-07-01 12:00",
        priority="P1",
        client="beta",
        site="B1",
    ),
]
days = st.integers(0, (date(2026, 10, 31) - FIRST_DAY).days)


def period_name(day: date, client: str) -> str:
    """alpha reports monthly, beta quarterly."""
    if client == "alpha":
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def by_period(doc: dict[str, Any], section: str) -> dict[str, dict[str, Any]]:
    return {p["period"]: p[section] for p in doc["periods"]}


# ---- feedback ------------------------------------------------------------------------------

feedback_rows = st.lists(
    st.tuples(
        st.sampled_from(["alpha", "beta"]),
        days,
        st.integers(0, 23),
        st.sampled_from(KINDS),
        st.one_of(st.none(), st.integers(1, 5)),
    ),
    max_size=30,
)


@given(feedback_rows)
@PROPERTY
def test_feedback_figures_are_the_records_counted_one_by_one(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, int, int, str, int | None]]
) -> None:
    data = make_portfolio(tmp_path_factory.mktemp("p") / "data", OPENING)
    lines = [
        _row(
            FEEDBACK_HEADER,
            {
                "feedback_id": f"FB-{n}",
                "client_id": client,
                "received_at": f"{FIRST_DAY + timedelta(days=day)} {hour:02d}:30",
                "kind": kind,
                "score": "" if score is None else str(score),
            },
        )
        for n, (client, day, hour, kind, score) in enumerate(rows)
    ]
    write(data / "feedback.csv", _csv(FEEDBACK_HEADER, lines))
    for client in ("alpha", "beta"):
        expected: dict[str, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
        scores: dict[str, list[int]] = defaultdict(list)
        for row_client, day, _, kind, score in rows:
            if row_client == client:
                name = period_name(FIRST_DAY + timedelta(days=day), client)
                expected[name][kind] += 1
                if kind == "survey" and score is not None:
                    scores[name].append(score)
        for name, figures in by_period(document(data, client, AS_OF), "feedback").items():
            counts = expected[name]
            mean = sum(scores[name]) / len(scores[name]) if scores[name] else None
            assert figures == {
                "received": sum(counts.values()),
                **counts,
                "survey_mean": pytest.approx(mean) if mean is not None else None,
            }, (client, name)


# ---- training ------------------------------------------------------------------------------

training_rows = st.lists(
    st.tuples(
        st.sampled_from(["alpha", "beta", None]),  # None: the team serving every client
        st.sampled_from(["STF-0001", "STF-0002", "STF-0003", "STF-0004"]),
        days,
        st.one_of(st.none(), st.sampled_from(COURSE_KINDS)),
        st.one_of(st.none(), st.integers(0, 16).map(lambda half_hours: half_hours / 2)),
        st.one_of(st.none(), st.sampled_from(["passed", "failed", "attended"])),
    ),
    max_size=30,
)


@given(training_rows)
@PROPERTY
def test_training_figures_are_the_records_counted_one_by_one(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str | None, str, int, str | None, float | None, str | None]],
) -> None:
    data = make_portfolio(tmp_path_factory.mktemp("p") / "data", OPENING)
    lines = [
        _row(
            TRAINING_HEADER,
            {
                "training_id": f"TRN-{n}",
                "client_id": client or "",
                "staff_ref": staff,
                "course": "Course",
                "kind": kind or "",
                "completed_on": str(FIRST_DAY + timedelta(days=day)),
                "hours": "" if hours is None else str(hours),
                "result": result or "",
            },
        )
        for n, (client, staff, day, kind, hours, result) in enumerate(rows)
    ]
    write(data / "training.csv", _csv(TRAINING_HEADER, lines))
    for client in ("alpha", "beta"):
        courses: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
        for row_client, staff, day, kind, hours, result in rows:
            if row_client in (client, None) and result != "failed":
                name = period_name(FIRST_DAY + timedelta(days=day), client)
                courses[name].append((staff, kind or "other", hours or 0.0))
        for name, figures in by_period(document(data, client, AS_OF), "training").items():
            done = courses[name]
            assert figures == {
                "courses": len(done),
                "staff": len({staff for staff, _, _ in done}),
                "hours": pytest.approx(sum(hours for _, _, hours in done)),
                "by_kind": {k: sum(kind == k for _, kind, _ in done) for k in COURSE_KINDS},
            }, (client, name)


# ---- meetings ------------------------------------------------------------------------------

LEVELS = ("working", "senior")
meeting_records = st.tuples(
    # actions: (client, meeting day, level or none)
    st.lists(
        st.tuples(
            st.sampled_from(["alpha", "beta"]), days, st.one_of(st.none(), st.sampled_from(LEVELS))
        ),
        max_size=20,
    ),
    # minutes of alpha: meeting day -> (level, kind)
    st.dictionaries(
        days, st.tuples(st.sampled_from(LEVELS), st.sampled_from(["regular", "ad_hoc"]))
    ),
)


def minutes_page(day: date, level: str, kind: str) -> str:
    return (
        f"---\ndate: {day}\nlevel: {level}\nkind: {kind}\ntitle: Review of {day}\n"
        "attendees: [Contractor service manager, Client property manager]\n---\n\n# Minutes\n"
    )


@given(meeting_records)
@PROPERTY
def test_meeting_figures_are_the_meetings_counted_one_by_one(
    tmp_path_factory: pytest.TempPathFactory,
    records: tuple[list[tuple[str, int, str | None]], dict[int, tuple[str, str]]],
) -> None:
    actions, minutes = records
    root = tmp_path_factory.mktemp("p")
    data = make_portfolio(
        root / "data",
        OPENING,
        actions=[
            _row(
                ACTIONS_HEADER,
                {
                    "action_id": f"ACT-{n}",
                    "client_id": client,
                    "meeting_date": str(FIRST_DAY + timedelta(days=day)),
                    "level": level or "",
                    "decision": "Do it",
                    "status": "open",
                },
            )
            for n, (client, day, level) in enumerate(actions)
        ],
    )
    for day, (level, kind) in minutes.items():
        meeting = FIRST_DAY + timedelta(days=day)
        write(
            root / "content/clients/alpha" / f"minutes-{meeting}.md",
            minutes_page(meeting, level, kind),
        )
    for client in ("alpha", "beta"):
        # One meeting a date: its minutes' level and kind, else its first action's level.
        meetings: dict[int, tuple[str | None, str | None]] = {}
        for row_client, day, level in actions:
            if row_client == client and meetings.get(day, (None, None))[0] is None:
                meetings[day] = (level, None)
        if client == "alpha":
            meetings |= minutes
        expected: dict[str, dict[str, int]] = defaultdict(
            lambda: {"working": 0, "senior": 0, "ad_hoc": 0}
        )
        for day, (level, kind) in meetings.items():
            counts = expected[period_name(FIRST_DAY + timedelta(days=day), client)]
            if level is not None:
                counts[level] += 1
            counts["ad_hoc"] += kind == "ad_hoc"
        with contextlib.chdir(root):  # the minutes are read from content/, as in a build
            doc = document(data, client, AS_OF)
        for name, figures in by_period(doc, "meetings").items():
            assert figures == expected[name], (client, name)


# ---- minutes' front matter -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# Minutes\n", "1: minutes need front matter between '---' lines"),
        (
            "---\ndate: 2026-10-08\nlevel: board\nkind: regular\ntitle: T\nattendees: [A]\n---\n",
            ": level: Input should be 'working' or 'senior' ('board')",
        ),
        (
            "---\ndate: 2026-10-08\nlevel: senior\ntitle: T\nattendees: [A]\n---\n",
            ": kind: required key is missing",
        ),
        (
            "---\ndate: 8 Oct\nlevel: senior\nkind: regular\ntitle: T\nattendees: [A]\n---\n",
            ": date: Input should be a valid date",
        ),
        ("---\ndate: [2026\n---\n", ": front matter is not valid YAML"),
    ],
)
def test_a_minutes_page_with_bad_front_matter_stops_the_build_naming_it(
    portfolio: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    monkeypatch.chdir(portfolio.parent)
    page = Path("content/clients/harbour-tower/minutes-2026-10-08.md")
    write(page, text)
    with pytest.raises(InputError) as raised:
        read_inputs(portfolio)
    assert str(page) + ("" if message.startswith(":") else ":") in str(raised.value)
    assert message in str(raised.value)
    result = svcsite("check", "--data", str(portfolio), cwd=portfolio.parent)
    assert result.returncode == 1
    assert str(page) in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_two_minutes_pages_of_one_date_are_an_error(
    portfolio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(portfolio.parent)
    folder = Path("content/clients/harbour-tower")
    write(folder / "minutes-a.md", minutes_page(date(2026, 10, 8), "working", "regular"))
    write(folder / "minutes-b.md", minutes_page(date(2026, 10, 8), "senior", "ad_hoc"))
    with pytest.raises(InputError) as raised:
        read_inputs(portfolio)
    assert str(raised.value) == (
        f"{folder / 'minutes-b.md'}: date: another minutes page of this client has the same "
        "date: one page a meeting ('2026-10-08')"
    )


# ---- the register, feedback and training on the pages ------------------------------------


def test_the_register_lists_every_meeting_with_its_minutes_and_actions(
    portfolio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(portfolio.parent)
    folder = Path("content/clients/harbour-tower")
    write(folder / "minutes-2026-10-08.md", minutes_page(date(2026, 10, 8), "working", "regular"))
    write(folder / "minutes-2026-10-20.md", minutes_page(date(2026, 10, 20), "senior", "ad_hoc"))
    action = "ACT-{n},harbour-tower,{day},Review,{level},Do it,Manager,{due},{status},,"
    write(
        portfolio / "actions.csv",
        "\n".join(
            [
                ACTIONS_HEADER,
                action.format(n=1, day="2026-10-08", level="", due="2026-10-15", status="open"),
                action.format(n=2, day="2026-10-08", level="", due="2026-11-15", status="done"),
                action.format(n=3, day="2026-09-30", level="senior", due="", status="open"),
            ]
        )
        + "\n",
    )
    pages = pages_for(portfolio, "harbour-tower")
    october = json.loads(pages["downloads/metrics.json"])["periods"][-1]
    assert october["period"] == "2026-10"
    assert october["meetings"] == {"working": 1, "senior": 1, "ad_hoc": 1}
    register = pages["actions.md"].split("## Meetings")[1].split("## Minutes")[0]
    rows = [line for line in register.splitlines() if line.startswith("| 2026")]
    assert rows == [
        "| 2026-10-20 | [Review of 2026&#45;10&#45;20](minutes-2026-10-20.md) | senior | ad hoc "
        "| 2026-09 | Contractor service manager; Client property manager | 0 | 0 | 0 | 0 | 0 |",
        "| 2026-10-08 | [Review of 2026&#45;10&#45;08](minutes-2026-10-08.md) | working | regular "
        "| 2026-09 | Contractor service manager; Client property manager | 2 | 0 | 1 | 1 | 0 |",
        "| 2026-09-30 | Review | senior | not recorded | 2026-08 |  | 1 | 1 | 0 | 0 | 0 |",
    ]


def test_pages_say_when_no_feedback_training_or_meetings_were_supplied(
    portfolio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(portfolio.parent)  # no content/: no minutes
    pages = pages_for(portfolio, "harbour-tower")
    assert "No feedback records supplied" in pages["complaints.md"]
    assert "No training records supplied" in pages["training.md"]
    assert "No meeting records supplied" in pages["actions.md"]
    assert "0 courses" not in pages["training.md"]
    period = json.loads(pages["downloads/metrics.json"])["periods"][-1]
    for section in ("feedback", "meetings", "training"):
        values = period[section]
        flat = [
            v
            for value in values.values()
            for v in (value.values() if isinstance(value, dict) else [value])
        ]
        assert set(flat) == {None}, section


def test_the_training_page_counts_staff_and_lists_expiring_certificates(portfolio: Path) -> None:
    write(
        portfolio / "training.csv",
        _csv(
            TRAINING_HEADER,
            [
                "TRN-1,,STF-0001,Technician,Working at height,safety,2026-10-05,7,passed,2027-01-29",
                "TRN-2,harbour-tower,STF-0001,Technician,Alarm panels,technical,2026-10-06,3.5,passed,",
                "TRN-3,harbour-tower,STF-0002,Engineer,First aid,,2026-10-07,30,failed,2027-10-07",
                "TRN-4,kowloon-school,STF-0003,Engineer,CCTV,technical,2026-10-08,14,passed,2026-11-15",
                "TRN-5,harbour-tower,STF-0004,Engineer,First aid,other,2026-10-09,30,passed,2027-01-30",
            ],
        ),
    )
    pages = pages_for(portfolio, "harbour-tower")
    october = json.loads(pages["downloads/metrics.json"])["periods"][-1]
    assert october["training"] == {
        "courses": 3,  # TRN-1 (the shared team), TRN-2, TRN-5; TRN-3 failed
        "staff": 2,  # STF-0001 twice, STF-0004
        "hours": 40.5,
        "by_kind": {"customer_service": 0, "technical": 1, "safety": 1, "other": 1},
    }
    expiring = pages["training.md"].split("## Certificates")[1].split("## Courses")[0]
    # as of 2026-10-31: within 90 days is up to 2027-01-29; TRN-5 a day later, TRN-4 is not ours
    assert "Working at height | Technician | 2026-10-05 | 2027-01-29" in expiring
    assert "First aid" not in expiring and "CCTV" not in expiring
    assert "STF-" not in "\n".join(pages.values())


# ---- licence -------------------------------------------------------------------------------


def test_licence_details_are_checked_with_their_key_paths(portfolio: Path) -> None:
    text = (portfolio / "clients.yml").read_text()
    bad = text.replace(
        'phone: "+852 0000 0000"}',
        'phone: "+852 0000 0000", licence: {type: III, number: "", expiry: soon},'
        " personal_data: {retention_months: 0}}",
    )
    write(portfolio / "clients.yml", bad)
    result = svcsite("check", "--data", str(portfolio))
    assert result.returncode == 1
    for key in (
        "provider.licence.number",
        "provider.licence.expiry",
        "provider.personal_data.retention_months",
    ):
        assert f"clients.yml: {key}: " in result.stderr, key
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("expiry", "warned"), [("2027-01-29", True), ("2027-01-30", False)])
def test_the_build_warns_when_the_licence_expires_within_90_days(
    portfolio: Path, tmp_path: Path, expiry: str, warned: bool
) -> None:
    text = (portfolio / "clients.yml").read_text()
    write(
        portfolio / "clients.yml",
        text.replace(
            'phone: "+852 0000 0000"}',
            f'phone: "+852 0000 0000", licence: {{type: III, number: SKL-1, expiry: {expiry}}}}}',
        ),
    )
    pages = pages_for(portfolio, "harbour-tower")
    assert "| Number | SKL&#45;1 |" in pages["compliance.md"]
    assert ("Licence renewal due" in pages["compliance.md"]) is warned
    result = svcsite(
        "build", "--data", str(portfolio), "--out", str(tmp_path / "site"),
        "--client", "kowloon-school", "--as-of", "2026-10-31T23:59",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    warning = (
        f"warning: the security company licence SKL-1 (provider.licence) expires on {expiry}, "
        "within 90 days of the as-of date 2026-10-31"
    )
    assert (warning in result.stderr) is warned


def test_without_licence_details_the_page_says_so(portfolio: Path) -> None:
    page = pages_for(portfolio, "harbour-tower")["compliance.md"]
    assert "No licence details supplied" in page
    assert "Personal Data (Privacy) Ordinance (Cap 486)" in page
    assert "Occupational Safety and Health Ordinance (Cap 509)" in page


def test_a_shared_training_record_is_every_clients_and_audited_on_every_site(
    portfolio: Path, tmp_path: Path
) -> None:
    """A training row with no client is the team serving every client: on every site by
    design, and so searched by the audit on every site like any record. Here its course
    names one client's site, which the other client's site must not show."""
    write(
        portfolio / "training.csv",
        _csv(
            TRAINING_HEADER,
            [
                "TRN-1,,STF-0001,Technician,Working at height,safety,2026-10-05,7,passed,",
                "TRN-2,,STF-0002,Technician,Induction at Main Campus,safety,2026-10-06,2,passed,",
            ],
        ),
    )
    out = tmp_path / "site"
    result = svcsite(
        "build", "--data", str(portfolio), "--out", str(out), "--as-of", "2026-10-31T23:59"
    )
    assert result.returncode == 1
    assert "build failed for 1 client(s): harbour-tower" in result.stderr
    school = (out / "kowloon-school/training/index.html").read_text(encoding="utf-8")
    assert "Working at height" in school and "Induction at Main Campus" in school
    assert not (out / "harbour-tower").exists()  # not published with another client's site
