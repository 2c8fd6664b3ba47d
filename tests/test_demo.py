"""The synthetic demo portfolio (`generator.demo`): deterministic, contract-shaped, realistic."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml

from generator.demo import DEMO_END, DemoSummary, write_demo

# Contract 4.2, canonical columns in order.
HEADERS = {
    "incidents.csv": "incident_id,client_id,site_id,system,priority,reported_at,attended_at,"
    "resolved_at,paused_minutes,pause_reason,outage,cause,summary,reported_by",
    "maintenance.csv": "job_id,client_id,site_id,system,kind,due_date,completed_at,status,"
    "first_time_fix,notes,technician",
    "complaints.csv": "complaint_id,client_id,site_id,received_at,channel,category,"
    "acknowledged_at,resolved_at,status,escalated,root_cause,corrective_action,satisfaction,"
    "description,complainant_name,complainant_phone,complainant_email",
    "actions.csv": "action_id,client_id,meeting_date,meeting,level,decision,owner,due_date,"
    "status,closed_on,outcome,feedback_id",
    "feedback.csv": "feedback_id,client_id,site_id,received_at,kind,score,channel,text,given_by",
    "training.csv": "training_id,client_id,staff_ref,role,course,kind,completed_on,hours,result,"
    "expires_on",
}
ID_COLUMN = {
    "incidents.csv": "incident_id",
    "maintenance.csv": "job_id",
    "complaints.csv": "complaint_id",
    "actions.csv": "action_id",
    "feedback.csv": "feedback_id",
    "training.csv": "training_id",
}
TIMESTAMPS = {
    "incidents.csv": ("reported_at", "attended_at", "resolved_at"),
    "maintenance.csv": ("completed_at",),
    "complaints.csv": ("received_at", "acknowledged_at", "resolved_at"),
    "actions.csv": (),
    "feedback.csv": ("received_at",),
    "training.csv": (),
}
DATES = {
    "incidents.csv": (),
    "maintenance.csv": ("due_date",),
    "complaints.csv": (),
    "actions.csv": ("meeting_date", "due_date", "closed_on"),
    "feedback.csv": (),
    "training.csv": ("completed_on", "expires_on"),
}
DURATION = re.compile(r"^\d+(m|h)$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PHONE = re.compile(r"(?<!\d)[2-9]\d{3}[ -]?\d{4}(?!\d)")


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def _records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line on which the record starts, row) per record, as an editor numbers lines."""
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        start = 2
        for row in reader:
            out.append((start, row))
            start = reader.line_num + 1
    return out


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    root = tmp_path_factory.mktemp("small")
    summary = write_demo(root / "data", clients=3, months=4, content=root / "content")
    return root, summary


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    root = tmp_path_factory.mktemp("clean")
    summary = write_demo(root / "data", clients=6, months=6, defects=False)
    return root / "data", summary


def test_preventive_visits_are_planned_after_the_data(clean) -> None:
    data, _ = clean
    rows = list(csv.DictReader((data / "maintenance.csv").open(encoding="utf-8")))
    later = [r for r in rows if r["kind"] == "preventive" and r["due_date"] >= "2026-11-01"]
    assert later  # the calendar's visits still to come
    assert all(r["due_date"] <= "2026-12-15" for r in later)
    assert {r["status"] for r in later} <= {"open", "completed", "cancelled"}
    assert sum(r["status"] == "open" for r in later) > len(later) // 2


def test_same_arguments_give_identical_bytes(small, tmp_path: Path) -> None:
    root, summary = small
    again = write_demo(tmp_path / "data", clients=3, months=4, content=tmp_path / "content")
    assert again == summary
    assert _files(tmp_path) == _files(root)


def test_a_different_seed_gives_different_data(small, tmp_path: Path) -> None:
    root, _ = small
    write_demo(tmp_path, clients=3, months=4, seed=8)
    for name in HEADERS:
        assert (tmp_path / name).read_bytes() != (root / "data" / name).read_bytes(), name


def test_clients_yml_follows_the_contract(clean) -> None:
    data, summary = clean
    doc = yaml.safe_load((data / "clients.yml").read_text(encoding="utf-8"))
    assert list(doc) == ["provider", "timezone", "as_of", "calendars", "clients", "benchmarks"]
    # outside reference figures, said to be illustrative
    assert [b["figure"] for b in doc["benchmarks"]] == ["availability_pct", "attend_pct"]
    assert all("Illustrative" in b["source"] for b in doc["benchmarks"])
    assert set(doc["provider"]) == {"name", "email", "phone", "licence", "personal_data", "safety"}
    assert doc["timezone"] == "Asia/Hong_Kong"
    assert doc["as_of"] == datetime(2026, 11, 1, 0, 0)  # the end of the data window
    business = doc["calendars"]["business"]
    assert business["hours"] == {
        **{d: "09:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")},
        "sat": "09:00-13:00",
    }
    assert business["holidays"] == "HK"
    assert all(isinstance(d, date) for d in business["extra_closed"])
    assert date(2026, 12, 24) in business["extra_closed"]

    clients = doc["clients"]
    assert [c["id"] for c in clients] == list(summary.clients)
    assert len({c["id"] for c in clients}) == len(clients) == 6
    # Two bilingual clients, one of them Chinese first (contract 13); the others English only.
    assert [c.get("languages", ["en"]) for c in clients] == [
        ["en", "zh-Hant"], ["en"], ["en"], ["zh-Hant", "en"], ["en"], ["en"]
    ]  # fmt: skip
    for c in clients:
        keys = ["id", "name", "reporting", "password_env", "sites", "sla", "people"]
        if "languages" in c:
            keys.insert(2, "languages")
        assert list(c) == [*keys, "scheduled_meetings"]
        # the review meetings arranged after the data, for the calendar (issue 16)
        assert c["scheduled_meetings"]
        assert all(m["date"] > doc["as_of"].date() for m in c["scheduled_meetings"])
        assert SLUG.match(c["id"]), c["id"]
        assert c["reporting"] in ("monthly", "quarterly")
        assert c["password_env"] is None
        site_ids = [s["id"] for s in c["sites"]]
        assert len(set(site_ids)) == len(site_ids)
        for s in c["sites"]:
            assert set(s) == {"id", "name", "systems"}
            assert re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", s["id"])
            assert s["systems"] and all(re.match(r"^[a-z0-9_]+$", x) for x in s["systems"])
        sla = c["sla"]
        assert list(sla)[:5] == [
            "incidents",
            "incident_target_pct",
            "maintenance",
            "complaints",
            "availability_target_pct",
        ]
        assert set(list(sla)[5:]) <= {"suspend_during", "credits", "changes"}  # contract 10
        assert list(sla["incidents"]) == ["P1", "P2", "P3", "P4"]
        for target in sla["incidents"].values():
            assert set(target) == {"attend", "restore", "calendar"}
            assert DURATION.match(target["attend"]) and DURATION.match(target["restore"])
            assert target["calendar"] in ("24x7", "business")
        assert set(sla["maintenance"]) == {"grace_days", "target_pct"}
        assert set(sla["complaints"]) == {"acknowledge", "resolve", "calendar", "target_pct"}
        assert sla["complaints"]["calendar"] == "business"
        assert 90 <= sla["availability_target_pct"] <= 100
        assert len(c["people"]) >= 5 and all(isinstance(p, str) for p in c["people"])

    # one client of each kind: the contract's harbour-tower, a bank branch network, a school
    # reporting quarterly, a data centre with a 1-hour P1 attendance target
    assert clients[0]["id"] == "harbour-tower"
    assert max(len(c["sites"]) for c in clients) >= 12
    # the bank: 60 branches and a head office, its faults gathered at a few branches
    bank = next(c for c in clients if c["id"] == "pacific-orient-bank")
    assert sum(s["id"].startswith("BR") for s in bank["sites"]) == 60
    assert any(c["reporting"] == "quarterly" for c in clients)
    assert any(c["sla"]["incidents"]["P1"]["attend"] == "1h" for c in clients)
    systems = {x for c in clients for s in c["sites"] for x in s["systems"]}
    assert {"cctv", "access_control", "intruder_alarm"} <= systems
    assert systems & {"video_intercom", "car_park_barrier", "fire_alarm_interface"}


def test_every_csv_has_the_canonical_header(small) -> None:
    root, _ = small
    for name, header in HEADERS.items():
        first = (root / "data" / name).read_bytes().split(b"\n", 1)[0].decode("utf-8")
        assert first == header, name


def test_summary_counts_the_rows_written(small) -> None:
    root, summary = small
    assert summary.rows == {name: len(_records(root / "data" / name)) for name in HEADERS}
    assert all(count > 0 for count in summary.rows.values())


def test_row_counts_scale_with_clients_and_months(small, clean) -> None:
    _, few = small
    _, more = clean
    for name in HEADERS:
        assert more.rows[name] > few.rows[name], name
    # contract 9: ~1,000,000 incidents, 300,000 jobs, 60,000 complaints for 200 x 36;
    # six clients (one of each kind) x 6 months should be on the same scale per client-month
    per_client_month = {name: count / 36 for name, count in more.rows.items()}
    assert 80 < per_client_month["incidents.csv"] < 220
    # (the preventive visits planned for the 45 days after the data are some more)
    assert 20 < per_client_month["maintenance.csv"] < 80
    assert 3 < per_client_month["complaints.csv"] < 15


def test_records_match_the_portfolio(clean) -> None:
    data, _ = clean
    doc = yaml.safe_load((data / "clients.yml").read_text(encoding="utf-8"))
    systems = {(c["id"], s["id"]): set(s["systems"]) for c in doc["clients"] for s in c["sites"]}
    for name in ("incidents.csv", "maintenance.csv", "complaints.csv"):
        frame = _read(data / name)
        assert frame.client_id.isin({c["id"] for c in doc["clients"]}).all(), name
        with_site = frame[frame.site_id.notna()]
        pairs = set(zip(with_site.client_id, with_site.site_id, strict=True))
        assert pairs <= set(systems), name
        if "system" in frame:
            for (client, site), group in frame.groupby(["client_id", "site_id"]):
                assert set(group.system) <= systems[(client, site)], (name, client, site)
    assert _read(data / "actions.csv").client_id.isin({c["id"] for c in doc["clients"]}).all()


def test_clean_output_has_no_defects(clean) -> None:
    data, summary = clean
    assert summary.defects == ()
    end = pd.Timestamp(DEMO_END)
    for name, header in HEADERS.items():
        frame = _read(data / name)
        assert list(frame.columns) == header.split(",")
        assert frame[ID_COLUMN[name]].is_unique, name
        for column in TIMESTAMPS[name]:
            text = frame[column].dropna()
            parsed = pd.to_datetime(text, format="%Y-%m-%d %H:%M", errors="coerce")
            assert parsed.notna().all(), (name, column)
            assert (parsed <= end).all(), (name, column)
        for column in DATES[name]:
            parsed = pd.to_datetime(frame[column].dropna(), format="%Y-%m-%d", errors="coerce")
            assert parsed.notna().all(), (name, column)
    inc = _read(data / "incidents.csv")
    assert set(inc.priority) == {"P1", "P2", "P3", "P4"}
    assert set(inc.outage) == {"true", "false"}
    reported = pd.to_datetime(inc.reported_at)
    assert (pd.to_datetime(inc.attended_at).dropna() >= reported[inc.attended_at.notna()]).all()
    assert (pd.to_datetime(inc.resolved_at).dropna() >= reported[inc.resolved_at.notna()]).all()
    assert (inc.paused_minutes.dropna().astype(int) > 0).all()
    assert inc.pause_reason.notna().sum() == inc.paused_minutes.notna().sum()
    mnt = _read(data / "maintenance.csv")
    assert set(mnt.status) <= {"open", "completed", "cancelled"}
    assert set(mnt.kind) == {"preventive", "corrective"}
    assert set(mnt.first_time_fix.dropna()) <= {"true", "false"}
    assert mnt[mnt.kind == "preventive"].first_time_fix.isna().all()
    cmp_ = _read(data / "complaints.csv")
    assert set(cmp_.status) <= {"open", "resolved", "escalated", "withdrawn"}
    assert cmp_.satisfaction.dropna().astype(int).between(1, 5).all()
    assert set(cmp_.escalated) <= {"true", "false"}
    act = _read(data / "actions.csv")
    assert set(act.status) <= {"open", "done", "dropped"}
    assert set(act.level) == {"working", "senior"}
    assert act[act.status == "done"].closed_on.notna().all()


def test_data_look_real(clean) -> None:
    data, _ = clean
    inc = _read(data / "incidents.csv")
    share = inc.priority.value_counts(normalize=True)
    assert 0.02 < share["P1"] < 0.1 and 0.35 < share["P3"] < 0.55
    assert 0.08 < (inc.outage == "true").mean() < 0.3
    # resolved remotely without attendance, paused restores, still open at the end
    assert (inc.attended_at.isna() & inc.resolved_at.notna()).any()
    assert 0.03 < inc.paused_minutes.notna().mean() < 0.2
    open_ = inc[inc.resolved_at.isna()]
    assert len(open_) > 0
    assert (
        pd.to_datetime(open_.reported_at) > pd.Timestamp(DEMO_END) - pd.Timedelta(days=30)
    ).mean() > 0.5
    hours = pd.to_datetime(inc.reported_at).dt.hour
    assert ((hours >= 8) & (hours < 19)).mean() > 0.6
    assert ((hours < 7) | (hours >= 20)).any()
    mnt = _read(data / "maintenance.csv")
    done = mnt[mnt.due_date < "2026-11-01"]  # not the visits planned after the data
    assert (done.status == "completed").mean() > 0.9
    ftf = mnt[mnt.kind == "corrective"].first_time_fix.dropna()
    assert 0.7 < (ftf == "true").mean() < 0.95
    cmp_ = _read(data / "complaints.csv")
    assert (cmp_.status == "resolved").mean() > 0.7
    assert cmp_.root_cause[cmp_.status == "resolved"].notna().all()


def test_free_text_gives_redaction_work(clean) -> None:
    data, _ = clean
    doc = yaml.safe_load((data / "clients.yml").read_text(encoding="utf-8"))
    people = {p for c in doc["clients"] for p in c["people"]}
    text = pd.concat(
        [
            _read(data / "incidents.csv").summary,
            _read(data / "maintenance.csv").notes.dropna(),
            _read(data / "complaints.csv").description,
        ]
    )
    assert text.str.contains(PHONE).any()
    assert text.str.contains(r"@example\.", regex=True).any()
    assert text.apply(lambda t: any(p in t for p in people)).any()
    assert text.str.contains("\n").any()  # quoted multi-line fields
    # but only a few percent of the rows
    assert text.str.contains(PHONE).mean() < 0.1


def test_planted_defects_are_where_the_summary_says(small) -> None:
    root, summary = small
    by_file: dict[str, list] = {}
    for defect in summary.defects:
        by_file.setdefault(defect.file, []).append(defect)
    assert set(by_file) == set(HEADERS)
    problems = {d.problem for d in summary.defects}
    assert {
        "unparseable timestamp",
        "duplicate id",
        "unknown priority",
        "satisfaction outside 1-5",
    } <= problems
    for name, defects in by_file.items():
        records = dict(_records(root / "data" / name))
        assert len(defects) <= max(4, summary.rows[name] // 10_000 + 4)
        for d in defects:
            row = records[d.line]
            assert row[ID_COLUMN[name]] == d.record_id
            assert row[d.column] == d.value
        ids = [row[ID_COLUMN[name]] for row in records.values()]
        duplicated = {i for i in ids if ids.count(i) > 1}
        assert duplicated == {d.record_id for d in defects if d.problem == "duplicate id"}
    incidents = _read(root / "data" / "incidents.csv")
    assert "P9" in set(incidents.priority)
    assert "7" in set(_read(root / "data" / "complaints.csv").satisfaction.dropna())


def test_minutes_are_written_for_the_first_client(small) -> None:
    root, summary = small
    content = root / "content" / "clients"
    assert [p.name for p in content.iterdir()] == [summary.clients[0]]
    files = sorted((content / summary.clients[0]).glob("minutes-*.md"))
    assert len(files) == summary.minutes > 0
    actions = _read(root / "data" / "actions.csv")
    mine = actions[actions.client_id == summary.clients[0]]
    doc = yaml.safe_load((root / "data" / "clients.yml").read_text(encoding="utf-8"))
    people = doc["clients"][0]["people"]
    assert {f.stem.removeprefix("minutes-") for f in files} == set(mine.meeting_date)
    for f in files:
        text = f.read_text(encoding="utf-8")
        day = f.stem.removeprefix("minutes-")
        assert "## Attendees" in text and "## Agenda" in text and "## Decisions" in text
        assert "Contractor service manager" in text
        decided = set(re.findall(r"^\| (ACT\d+) \|", text, flags=re.M))
        assert decided == set(mine.action_id[mine.meeting_date == day])
        assert not any(p in text for p in people)


def test_no_minutes_without_content(clean) -> None:
    data, summary = clean
    assert summary.minutes == 0
    assert not (data.parent / "content").exists()


def test_the_period_ends_at_end(tmp_path: Path) -> None:
    end = datetime(2025, 3, 15, 12, 0)
    write_demo(tmp_path, clients=2, months=3, end=end, defects=False)
    inc = _read(tmp_path / "incidents.csv")
    reported = pd.to_datetime(inc.reported_at)
    assert reported.min() >= pd.Timestamp(2025, 1, 1)
    assert reported.max() <= pd.Timestamp(end)
    assert pd.to_datetime(inc.resolved_at).max() <= pd.Timestamp(end)


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_demo(tmp_path, clients=0)
    with pytest.raises(ValueError):
        write_demo(tmp_path, months=0)


def test_the_banks_faults_gather_at_a_few_branches_and_systems(clean) -> None:
    data, _ = clean
    incidents = pd.read_csv(data / "incidents.csv", usecols=["client_id", "site_id", "system"])
    branches = incidents[
        (incidents["client_id"] == "pacific-orient-bank")
        & incidents["site_id"].str.startswith("BR")
    ]
    per_pair = branches.groupby(["site_id", "system"]).size().sort_values(ascending=False)
    # 4 of 180 (branch, system) pairs (2%) hold more than a fifth of the branches' faults
    hot = per_pair.head(4)
    assert hot.sum() > len(branches) / 5, per_pair.head(8)
    assert set(hot.index.get_level_values("site_id")) <= {"BR07", "BR19", "BR33", "BR52"}
