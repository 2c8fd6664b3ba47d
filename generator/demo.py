"""A realistic, seeded, deterministic synthetic portfolio (``svcsite demo``).

The portfolio is that of a Hong Kong security-systems contractor (a Type III security company
licensee) maintaining CCTV, access control, intruder alarms, video intercoms, car park barriers
and fire alarm interfaces for residential estates, bank branch networks, shopping malls,
schools, hotels and data centres.

Everything is drawn from ``numpy.random.default_rng`` streams derived from the seed and the
client's position, and the data end at a fixed instant (``DEMO_END``), so the same arguments
always write byte-identical files. Rows are generated as numpy arrays per table (loops run over
clients, templates and meetings, never over rows), so 200 clients x 36 months (about a million
incidents) take seconds.
"""

from __future__ import annotations

import calendar as _calendar
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import holidays as _holidays
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml

__all__ = [
    "ACTION_COLUMNS",
    "COMPLAINT_COLUMNS",
    "DEMO_END",
    "FEEDBACK_COLUMNS",
    "INCIDENT_COLUMNS",
    "MAINTENANCE_COLUMNS",
    "TRAINING_COLUMNS",
    "DemoSummary",
    "PlantedDefect",
    "write_demo",
]

DEMO_END = datetime(2026, 10, 31, 23, 59)
"""The last instant of the demo data: fixed, so the output never depends on today's date."""

INCIDENT_COLUMNS = (
    "incident_id",
    "client_id",
    "site_id",
    "system",
    "priority",
    "reported_at",
    "attended_at",
    "resolved_at",
    "paused_minutes",
    "pause_reason",
    "outage",
    "cause",
    "summary",
    "reported_by",
)
MAINTENANCE_COLUMNS = (
    "job_id",
    "client_id",
    "site_id",
    "system",
    "kind",
    "due_date",
    "completed_at",
    "status",
    "first_time_fix",
    "notes",
    "technician",
)
COMPLAINT_COLUMNS = (
    "complaint_id",
    "client_id",
    "site_id",
    "received_at",
    "channel",
    "category",
    "acknowledged_at",
    "resolved_at",
    "status",
    "escalated",
    "root_cause",
    "corrective_action",
    "satisfaction",
    "description",
    "complainant_name",
    "complainant_phone",
    "complainant_email",
)
ACTION_COLUMNS = (
    "action_id",
    "client_id",
    "meeting_date",
    "meeting",
    "level",
    "decision",
    "owner",
    "due_date",
    "status",
    "closed_on",
    "outcome",
    "feedback_id",
)
FEEDBACK_COLUMNS = (
    "feedback_id",
    "client_id",
    "site_id",
    "received_at",
    "kind",
    "score",
    "channel",
    "text",
    "given_by",
)
TRAINING_COLUMNS = (
    "training_id",
    "client_id",
    "staff_ref",
    "role",
    "course",
    "kind",
    "completed_on",
    "hours",
    "result",
    "expires_on",
)


@dataclass(frozen=True)
class PlantedDefect:
    """One deliberate data defect: where it is and what a validator should say about it."""

    file: str  # e.g. "incidents.csv"
    line: int  # line of the file on which the record starts (header = line 1)
    record_id: str
    column: str
    problem: str
    value: str


@dataclass(frozen=True)
class DemoSummary:
    """What `write_demo` wrote: rows per file (header excluded, defects included)."""

    clients: tuple[str, ...]
    incidents: int
    maintenance: int
    complaints: int
    actions: int
    minutes: int  # meeting-minutes files written under `content`
    defects: tuple[PlantedDefect, ...] = ()
    feedback: int = 0
    training: int = 0

    @property
    def rows(self) -> dict[str, int]:
        """Rows written per CSV file name."""
        return {
            "incidents.csv": self.incidents,
            "maintenance.csv": self.maintenance,
            "complaints.csv": self.complaints,
            "actions.csv": self.actions,
            "feedback.csv": self.feedback,
            "training.csv": self.training,
        }

    def __str__(self) -> str:
        text = (
            f"{len(self.clients)} clients: {self.incidents:,} incidents, "
            f"{self.maintenance:,} maintenance jobs, {self.complaints:,} complaints, "
            f"{self.actions:,} actions"
        )
        if self.minutes:
            text += f", {self.minutes} meeting minutes"
        if self.defects:
            text += f" ({len(self.defects)} deliberate data defects)"
        return text


# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------

# Portfolio density (contract section 9): 200 clients x 36 months ~ 1,000,000 incidents,
# 300,000 maintenance jobs and 60,000 complaints. Rates are per unit of client weight
# (sum over the client's (site, system) pairs of site weight x system weight) and month;
# calibrated so that the average client of the kind cycle gets ~139 incidents, ~42 jobs
# and ~8 complaints a month.
_INCIDENTS_PER_WEIGHT_MONTH = 7.35
_COMPLAINTS_PER_SQRT_WEIGHT_MONTH = 2.05
_CORRECTIVE_SHARE = 0.165  # share of incidents (x cause factor) that raise a follow-up job

SYSTEMS = (
    "cctv",
    "access_control",
    "intruder_alarm",
    "video_intercom",
    "car_park_barrier",
    "fire_alarm_interface",
)
_SYS = {name: i for i, name in enumerate(SYSTEMS)}
_SYSTEM_WEIGHT = np.array([1.6, 1.3, 0.7, 0.9, 0.8, 0.35])
_SYSTEM_TEXT = np.array(
    [
        "CCTV",
        "access control",
        "intruder alarm",
        "video intercom",
        "car park barrier",
        "fire alarm interface",
    ],
    dtype=object,
)
_MONTHLY_PM = np.array([True, True, False, False, True, False])  # else quarterly
_DEVICES = (
    ("Camera",),
    ("Card reader", "Door"),
    ("Detector", "Zone"),
    ("Door station", "Handset"),
    ("Barrier",),
    ("Interface module",),
)
_LOCATIONS = (
    (
        "car park B2",
        "car park B1",
        "main lobby",
        "loading bay",
        "lift lobby 12/F",
        "lift lobby 3/F",
        "staircase B",
        "perimeter fence (east)",
        "podium entrance",
        "roof",
        "rear lane",
        "back-of-house corridor",
        "refuse room",
        "entrance canopy",
    ),
    (
        "main entrance",
        "staff entrance",
        "server room",
        "plant room",
        "back-of-house corridor",
        "lift car 3",
        "car park lift lobby",
        "roof door",
        "management office",
        "store room",
    ),
    (
        "management office",
        "store room",
        "roof access",
        "rear door",
        "IT room",
        "staff room",
        "ground floor shopfront",
        "basement corridor",
    ),
    ("main lobby", "side entrance", "car park lobby", "podium gate", "clubhouse entrance"),
    ("car park entrance", "car park exit", "loading bay gate", "B1 ramp", "visitor lane"),
    ("fire control room", "main entrance", "staircase doors", "2/F fire panel", "basement"),
)

_PRIORITIES = ("P1", "P2", "P3", "P4")
# Clients (by position) read in two languages: one in English and Chinese, one (a school)
# Chinese first; the others in English only.
DEMO_LANGUAGES = {0: ["en", "zh-Hant"], 3: ["zh-Hant", "en"]}


@dataclass(frozen=True)
class _Cause:
    name: str
    systems: Mapping[str, float]
    templates: tuple[str, ...]
    work: tuple[str, ...]
    remote: float = 0.0  # probability of a remote fix (no attendance)
    outage: bool = True  # can take the system down
    corrective: float = 1.0  # relative chance of a follow-up corrective job


_CAUSES: tuple[_Cause, ...] = (
    _Cause(
        "Power supply failure",
        {
            "cctv": 10,
            "access_control": 8,
            "intruder_alarm": 4,
            "video_intercom": 6,
            "car_park_barrier": 6,
            "fire_alarm_interface": 3,
        },
        (
            "{device} {n} at {loc} lost power; faulty 12V PSU replaced",
            "{device}s at {loc} down after power trip; MCB reset and PSU replaced",
            "{device} {n} at {loc} intermittent, PSU output 10.8V; unit replaced",
        ),
        ("replaced PSU with 5A unit and fitted surge protection", "UPS installed on the circuit"),
        corrective=1.2,
    ),
    _Cause(
        "Hard disk failure on NVR",
        {"cctv": 7},
        (
            "NVR {k} reporting HDD failure, recording gaps on {n} channels; disk replaced and "
            "array rebuilt",
            "NVR {k} disk S.M.A.R.T. errors; 8TB surveillance HDD replaced",
        ),
        ("replaced remaining HDDs of the same batch in NVR {k}", "RAID health check on NVR {k}"),
        corrective=2.0,
    ),
    _Cause(
        "Network switch failure",
        {"cctv": 6, "access_control": 4, "video_intercom": 3},
        (
            "{device}s at {loc} offline; PoE switch failed and replaced",
            "Intermittent loss of {device}s at {loc}; switch port errors, uplink re-terminated",
        ),
        ("replaced spare PoE switch in site stock", "re-patched cabinet and labelled uplinks"),
        corrective=1.2,
    ),
    _Cause(
        "PoE injector failure",
        {"cctv": 5},
        ("Camera {n} at {loc} offline; replaced PoE injector",),
        ("replaced injectors of the same batch",),
    ),
    _Cause(
        "Camera vandalised",
        {"cctv": 3},
        (
            "Camera {n} at {loc} dome smashed; housing and camera replaced",
            "Camera {n} at {loc} sprayed with paint; dome cleaned and anti-vandal cover fitted",
        ),
        ("fitted anti-vandal housing to camera {n}",),
        corrective=1.5,
    ),
    _Cause(
        "Water ingress",
        {"cctv": 4, "intruder_alarm": 2, "car_park_barrier": 2, "access_control": 2},
        (
            "{device} {n} at {loc} faulty after heavy rain; water ingress, housing resealed",
            "{device} {n} at {loc} foggy image / shorting after rainstorm; connector replaced",
        ),
        ("resealed cable glands and fitted drip loops", "relocated junction box above flood level"),
        corrective=1.5,
    ),
    _Cause(
        "Firmware fault",
        {"cctv": 3, "access_control": 3, "video_intercom": 3, "intruder_alarm": 1},
        (
            "NVR {k} rebooting repeatedly; firmware rolled back remotely",
            "{device} {n} at {loc} freezing; firmware updated to vendor hotfix",
        ),
        ("firmware baseline applied to all units",),
        remote=0.7,
        corrective=0.4,
    ),
    _Cause(
        "Camera view obstructed",
        {"cctv": 4},
        (
            "Camera {n} at {loc} view blocked by new signage; camera repositioned",
            "Camera {n} at {loc} blurred image; lens refocused and dome cleaned",
        ),
        ("agreed new camera position with client",),
        outage=False,
        corrective=0.3,
    ),
    _Cause(
        "Time synchronisation drift",
        {"cctv": 1},
        ("NVR {k} timestamps drifted {m} minutes; NTP server reconfigured remotely",),
        ("NTP monitoring added",),
        remote=0.9,
        outage=False,
        corrective=0.1,
    ),
    _Cause(
        "Card reader fault",
        {"access_control": 9},
        (
            "Card reader {n} at {loc} not reading staff cards; reader replaced",
            "Cards intermittently rejected at {loc}; reader {n} antenna re-seated",
        ),
        ("replaced card reader {n} with new model",),
    ),
    _Cause(
        "Door contact misaligned",
        {"access_control": 6, "intruder_alarm": 5},
        (
            "Door {n} at {loc} raising door-forced alarms; door contact realigned",
            "Zone {n} at {loc} open on arming; door contact realigned and screws tightened",
        ),
        ("door closer adjusted so the door shuts fully",),
        corrective=0.6,
    ),
    _Cause(
        "Electromagnetic lock failure",
        {"access_control": 5},
        ("Maglock at {loc} not holding; lock and armature plate replaced",),
        ("replaced maglock and bracket",),
    ),
    _Cause(
        "Door controller offline",
        {"access_control": 4},
        ("Door controller {k} at {loc} offline; network cable re-terminated, controller rebooted",),
        ("replaced controller {k} and restored configuration",),
        remote=0.3,
    ),
    _Cause(
        "Card database sync error",
        {"access_control": 3},
        ("New staff cards not accepted at {loc}; controller database resynchronised remotely",),
        ("scheduled nightly database sync",),
        remote=0.85,
        outage=False,
        corrective=0.1,
    ),
    _Cause(
        "Exit button fault",
        {"access_control": 3},
        ("Exit button at {loc} stuck; button replaced",),
        ("replaced exit buttons on the floor",),
    ),
    _Cause(
        "False alarm",
        {"intruder_alarm": 10, "fire_alarm_interface": 3},
        (
            "Zone {n} ({loc}) false alarm at night; PIR sensitivity adjusted",
            "Repeated false alarms from zone {n} at {loc}; detector moved away from air-con outlet",
            "Spurious fire signal released doors at {loc}; interface relay contacts cleaned",
        ),
        ("detector relocated and walk-tested",),
        remote=0.25,
        outage=False,
        corrective=0.5,
    ),
    _Cause(
        "Backup battery failure",
        {"intruder_alarm": 5, "access_control": 2},
        ("Panel at {loc} low battery trouble; 12V 7Ah battery replaced",),
        ("replaced batteries older than three years",),
    ),
    _Cause(
        "Detector fault",
        {"intruder_alarm": 6},
        (
            "PIR detector zone {n} at {loc} tamper fault; detector replaced",
            "Glass-break detector at {loc} not responding on walk test; replaced",
        ),
        ("replaced detector and walk-tested zone {n}",),
    ),
    _Cause(
        "Signalling path failure",
        {"intruder_alarm": 3},
        ("Panel at {loc} not reporting to monitoring centre; IP communicator reset remotely",),
        ("added 4G backup communicator",),
        remote=0.6,
    ),
    _Cause(
        "Handset fault",
        {"video_intercom": 6},
        ("Flat {flat} intercom handset no audio; handset replaced",),
        ("replaced handset in flat {flat}",),
        outage=False,
    ),
    _Cause(
        "Door station fault",
        {"video_intercom": 4},
        ("Lobby door station at {loc} display blank; panel replaced",),
        ("replaced door station front panel",),
    ),
    _Cause(
        "Barrier arm damaged",
        {"car_park_barrier": 6},
        ("Barrier arm at {loc} struck by vehicle; arm replaced",),
        ("fitted breakaway arm",),
        corrective=1.5,
    ),
    _Cause(
        "Loop detector fault",
        {"car_park_barrier": 5},
        ("Barrier at {loc} not lifting; induction loop detector retuned",),
        ("re-cut and resealed induction loop",),
    ),
    _Cause(
        "Octopus reader fault",
        {"car_park_barrier": 3},
        ("Octopus reader at {loc} not responding; reader reset",),
        ("replaced Octopus reader module",),
        remote=0.4,
    ),
    _Cause(
        "Interface module fault",
        {"fire_alarm_interface": 5},
        ("Fire alarm interface at {loc} not releasing doors on test; relay module replaced",),
        ("replaced interface relay module and retested with FSI contractor",),
        corrective=1.5,
    ),
    _Cause(
        "Signal wiring fault",
        {"fire_alarm_interface": 3, "access_control": 1},
        ("Fire signal to access control at {loc} lost; wiring repaired",),
        ("replaced damaged fire-rated cable",),
    ),
)

_CONTACT_NOTES = (
    " Reported by {person}, tel {phone}.",
    " Please call {person} on {phone} before attending.",
    " Site contact: {person} ({email}).",
    " Access via guard {person}, mobile {phone_dash}.",
    " Key held by {person}, call {phone}.",
    " {person} ({phone_intl}) to be informed on completion.",
)

_PAUSE_REASONS = (
    "Awaiting client access to plant room",
    "Part on order with client approval",
    "Client requested work after office hours",
    "Awaiting landlord permit for ceiling works",
    "Site closed under typhoon signal No. 8",
    "Awaiting client approval of quotation",
    "Tenant fit-out works in progress",
)

_PM_NOTES = (
    (
        "Monthly PM: {n} cameras cleaned and checked, NVR HDD health OK, {d} days retention "
        "verified",
        "PM visit: {n} cameras checked, 1 dome cleaned of spider webs; NVR firmware current",
        "Monthly PM: {n} cameras checked; camera {k} image dark at night, IR LED to be replaced",
    ),
    (
        "PM: {n} card readers and maglocks tested, door contacts adjusted, event log reviewed",
        "PM visit: {n} doors tested incl. fire release; 1 door closer adjusted",
    ),
    (
        "Quarterly PM: {n} zones walk-tested, panel battery {v}V, monitoring centre signalling "
        "test OK",
        "Quarterly PM: all {n} detectors tested, 1 PIR lens cleaned; signalling test OK",
    ),
    (
        "Quarterly PM: door stations and {n} handsets sampled, audio and video OK",
        "Quarterly PM: lobby panels cleaned, {n} handsets tested, 1 handset reported faint audio",
    ),
    (
        "Monthly PM: barrier arms and loops tested, {n} Octopus transactions verified, gearbox "
        "lubricated",
        "Monthly PM: barrier timing adjusted, safety loop tested, arm fixings tightened",
    ),
    (
        "Quarterly PM: fire signal test with FSI contractor, all {n} doors released and reset OK",
        "Quarterly PM: interface relays tested, {n} doors released, lift homing signal OK",
    ),
)
_PM_REMARKS = (
    "\nRemarks: tenant asked to reschedule part of the visit.",
    "\nRemarks: ceiling access restricted; two devices checked from ladder only.\n"
    "Follow-up visit to be booked.",
    "\nRemarks: management office informed of findings.",
)
_ACCESS_NOTES = (
    " Access arranged by {person}.",
    " Keys collected from {person} at the management office.",
)
_CANCEL_NOTES = (
    "Cancelled: site closed for renovation",
    "Cancelled: duplicate work order",
    "Cancelled: client postponed visit",
)

_CHANNELS = ("phone", "email", "portal", "letter", "in person")
_CHANNEL_P = (0.3, 0.3, 0.2, 0.07, 0.13)
_CATEGORIES = (
    "Response time",
    "Workmanship",
    "Communication",
    "False alarms",
    "Billing",
    "Staff conduct",
    "Privacy",
    "System reliability",
)
_CATEGORY_P = (0.22, 0.12, 0.16, 0.14, 0.07, 0.07, 0.06, 0.16)
_COMPLAINT_TEXT = (
    (
        "Reported the {sys} fault at {site} in the morning and nobody came until {h} hours later.",
        "{Sys} at {site} has been down for {d} days and the technician has still not come.",
    ),
    (
        "After the camera replacement at {site} the cable trunking was left open and dust "
        "everywhere.",
        "The new card reader at {site} is loose and the door still does not lock properly.",
    ),
    (
        "No update on the {sys} repair at {site} for {d} days despite several calls.",
        "We were not told the {sys} would be switched off during maintenance at {site}.",
    ),
    (
        "The intruder alarm at {site} went off {d} times this week after midnight.",
        "Repeated false alarms at {site} are disturbing residents; please fix it for good.",
    ),
    (
        "Invoice {inv} charges for a call-out that is covered by the contract.",
        "Invoice {inv} lists parts that were never installed at {site}.",
    ),
    (
        "Technician at {site} did not show his staff card and argued with our guard.",
        "Contractor staff smoked in the staircase at {site} during the visit.",
    ),
    (
        "A camera at {site} seems to look straight into flat {flat}; please adjust it.",
        "Who can view the CCTV recordings of {site}? I want to know how long they are kept.",
    ),
    (
        "The {sys} at {site} has failed again, fault number {d} this quarter.",
        "{Sys} at {site} keeps going offline at night; the guards cannot rely on it.",
    ),
)
_COMPLAINT_TEXT_ZH = (
    "大堂閉路電視鏡頭損壞{d}日仍未維修，請盡快處理。",
    "停車場閘口經常故障，住客要等候很久，請跟進。",
    "保安系統晚上經常誤鳴，影響住戶休息。",
)
_COMPLAINT_PERSONAL = (
    " Please call me on {phone}.",
    " Contact me at {email}.",
    " My HKID is {hkid} for your records.",
    " I already spoke to {person} at the management office but nothing happened.",
    " Reply to {email} or call {phone_intl}.",
)
_COMPLAINT_MARKUP = (
    "<b>URGENT</b> ",
    "<script>alert('x')</script> ",
    "[see photo](http://example.com/photo.jpg) ",
)
_ROOT_CAUSES = (
    (
        "Only one technician on call that evening",
        "Job dispatched to the wrong team",
        "Part not carried on the van",
    ),
    ("Site not cleaned after work", "Installation not checked by supervisor"),
    ("Job notes not shared with client", "No notice of planned shutdown was sent"),
    ("Detector facing air-con outlet", "Door contact gap too wide", "Insects inside detector"),
    ("Call-out wrongly billed as chargeable", "Invoice raised from quotation, not job sheet"),
    ("Technician forgot staff card", "Subcontractor not briefed on site rules"),
    ("Camera field of view not masked", "Retention policy not explained to residents"),
    ("Ageing equipment at end of life", "Recurring network fault not escalated"),
)
_CORRECTIVE_ACTIONS = (
    (
        "Second technician added to the evening roster",
        "Dispatch rules corrected",
        "Van stock list updated",
    ),
    ("Site cleaned and apology given", "Supervisor sign-off added to job closure"),
    ("Progress updates every 24 hours on open jobs", "Shutdown notice template introduced"),
    ("Detector relocated and walk-tested", "Contact realigned", "Detector cleaned and sealed"),
    ("Invoice credited", "Invoice reissued from the job sheet"),
    ("Technician counselled; staff card checks at briefing", "Subcontractor rebriefed"),
    ("Privacy mask applied to camera", "Retention notice posted in lobby"),
    ("Replacement proposal issued to client", "Network fault escalated to vendor"),
)
_SATISFACTION_GOOD = np.array([0.03, 0.07, 0.2, 0.38, 0.32])
_SATISFACTION_POOR = np.array([0.25, 0.3, 0.25, 0.15, 0.05])

_SURNAMES = (
    "Chan",
    "Wong",
    "Lee",
    "Cheung",
    "Lau",
    "Ho",
    "Ng",
    "Leung",
    "Lam",
    "Tang",
    "Yip",
    "Cheng",
    "Fung",
    "Kwok",
    "Chow",
    "Mak",
    "Tsang",
    "Lo",
    "Yeung",
    "Siu",
    "Chu",
    "Tam",
    "Law",
    "Poon",
    "Choi",
    "Kwan",
    "Au",
    "So",
    "Li",
    "Ma",
)
_GIVEN = (
    "Siu Ming",
    "Tai Man",
    "Ka Wai",
    "Wing Yan",
    "Chi Keung",
    "Mei Ling",
    "Kin Wah",
    "Hoi Yan",
    "Wai Kit",
    "Suk Fan",
    "Yuk Lan",
    "Chun Kit",
    "Ka Ho",
    "Pui Shan",
    "Man Yee",
    "Kwok Wai",
)
_ENGLISH = (
    "Peter",
    "Mandy",
    "Kenneth",
    "Winnie",
    "Raymond",
    "Carmen",
    "Eric",
    "Joyce",
    "Alan",
    "Vivian",
    "Jason",
    "Fiona",
    "Dickson",
    "Queenie",
    "Ivan",
    "Candy",
    "Terence",
    "Gloria",
    "Samuel",
    "Iris",
)

_DISTRICTS = (
    "Central",
    "Admiralty",
    "Wan Chai",
    "Causeway Bay",
    "North Point",
    "Quarry Bay",
    "Tai Koo",
    "Chai Wan",
    "Aberdeen",
    "Sheung Wan",
    "Kennedy Town",
    "Happy Valley",
    "Tsim Sha Tsui",
    "Jordan",
    "Yau Ma Tei",
    "Mong Kok",
    "Prince Edward",
    "Sham Shui Po",
    "Cheung Sha Wan",
    "Kowloon City",
    "To Kwa Wan",
    "Hung Hom",
    "Kowloon Bay",
    "Kwun Tong",
    "Lam Tin",
    "Wong Tai Sin",
    "Diamond Hill",
    "Tseung Kwan O",
    "Sha Tin",
    "Tai Wai",
    "Ma On Shan",
    "Tai Po",
    "Fanling",
    "Sheung Shui",
    "Yuen Long",
    "Tin Shui Wai",
    "Tuen Mun",
    "Tsuen Wan",
    "Kwai Fong",
    "Tsing Yi",
    "Tung Chung",
    "Sai Kung",
)
# Districts added to a client's name once the brand names of its kind are used up.
_NAME_DISTRICTS = (
    "Kwun Tong",
    "Sha Tin",
    "Tsuen Wan",
    "Central",
    "Mong Kok",
    "Tuen Mun",
    "Yuen Long",
    "Tai Po",
    "Wan Chai",
    "Sai Kung",
    "Tseung Kwan O",
    "Kowloon Bay",
    "Causeway Bay",
    "Tsim Sha Tsui",
    "Sham Shui Po",
    "Fanling",
    "Tung Chung",
    "Aberdeen",
    "North Point",
    "Kwai Fong",
)
_DC_DISTRICTS = (
    ("Tseung Kwan O", "TKO"),
    ("Chai Wan", "CW"),
    ("Kwai Chung", "KC"),
    ("Tsuen Wan", "TW"),
    ("Fo Tan", "FT"),
    ("Kwun Tong", "KT"),
    ("Tai Po", "TP"),
    ("Sha Tin", "ST"),
)

_KINDS = ("residential", "bank", "mall", "school", "hotel", "datacentre")
# (client name, short name, site-id prefix) per kind.
_BRANDS: Mapping[str, tuple[tuple[str, str, str], ...]] = {
    "residential": (
        ("Harbour Tower Owners' Corporation", "Harbour Tower", "HT"),
        ("The Incorporated Owners of Lions Rise Gardens", "Lions Rise Gardens", "LR"),
        ("The Incorporated Owners of Pine Crest Court", "Pine Crest Court", "PC"),
        ("The Incorporated Owners of Bayview Heights", "Bayview Heights", "BH"),
        ("The Incorporated Owners of Kingsford Terrace", "Kingsford Terrace", "KT"),
        ("The Incorporated Owners of Park Vista Court", "Park Vista Court", "PV"),
        ("The Incorporated Owners of Hillcrest Gardens", "Hillcrest Gardens", "HG"),
        ("The Incorporated Owners of Jade Garden Estate", "Jade Garden Estate", "JG"),
    ),
    "bank": (
        ("Pacific Orient Bank", "Pacific Orient Bank", "BR"),
        ("Kowloon Commercial Bank", "Kowloon Commercial Bank", "BR"),
        ("Victoria Savings Bank", "Victoria Savings Bank", "BR"),
        ("Jade Harbour Bank", "Jade Harbour Bank", "BR"),
        ("Eastern Pearl Bank", "Eastern Pearl Bank", "BR"),
        ("Golden Bauhinia Bank", "Golden Bauhinia Bank", "BR"),
        ("Lion Rock Mutual Bank", "Lion Rock Mutual Bank", "BR"),
        ("Sampan Trust Bank", "Sampan Trust Bank", "BR"),
    ),
    "mall": (
        ("Riverside Plaza Management Ltd", "Riverside Plaza", "RP"),
        ("Peak Gate Mall Management Ltd", "Peak Gate Mall", "PG"),
        ("Kingsway Centre Management Ltd", "Kingsway Centre", "KC"),
        ("Silver Bay Plaza Management Ltd", "Silver Bay Plaza", "SB"),
        ("Moonlight Square Management Ltd", "Moonlight Square", "MS"),
        ("Grandview Shopping Centre Ltd", "Grandview Shopping Centre", "GV"),
        ("East Point Arcade Management Ltd", "East Point Arcade", "EP"),
        ("Dragon Gate Mall Management Ltd", "Dragon Gate Mall", "DG"),
    ),
    "school": (
        ("Bauhinia Secondary School", "Bauhinia Secondary School", "BSS"),
        ("Lion Rock College", "Lion Rock College", "LRC"),
        ("Victoria Park Secondary School", "Victoria Park Secondary School", "VPS"),
        ("Maple Grove College", "Maple Grove College", "MGC"),
        ("Harbourview Secondary School", "Harbourview Secondary School", "HSS"),
        ("Evergreen Christian College", "Evergreen Christian College", "ECC"),
        ("Kingfisher Memorial College", "Kingfisher Memorial College", "KMC"),
        ("Skylark Secondary School", "Skylark Secondary School", "SSS"),
    ),
    "hotel": (
        ("Pearl Crest Hotel", "Pearl Crest Hotel", "PCH"),
        ("Lantern Bay Hotel", "Lantern Bay Hotel", "LBH"),
        ("Hotel Soleil Kowloon", "Hotel Soleil Kowloon", "HSK"),
        ("Bauhinia Tower Hotel", "Bauhinia Tower Hotel", "BTH"),
        ("Junk Bay Harbour Hotel", "Junk Bay Harbour Hotel", "JBH"),
        ("Orchid Court Hotel", "Orchid Court Hotel", "OCH"),
        ("Skyview Kowloon Hotel", "Skyview Kowloon Hotel", "SKH"),
        ("Twin Peaks Hotel", "Twin Peaks Hotel", "TPH"),
    ),
    "datacentre": (
        ("Granite Data Centres (HK) Ltd", "Granite Data Centres", "DC"),
        ("Harbourlink Data Centre Ltd", "Harbourlink Data Centre", "DC"),
        ("Nexus Colocation Ltd", "Nexus Colocation", "DC"),
        ("Skyline Data Centres Ltd", "Skyline Data Centres", "DC"),
        ("Summit Digital Vaults Ltd", "Summit Digital Vaults", "DC"),
        ("Bluewater Data Centres Ltd", "Bluewater Data Centres", "DC"),
        ("Ironbridge Colo Ltd", "Ironbridge Colo", "DC"),
        ("Typhoon Shelter Data Centre Ltd", "Typhoon Shelter Data Centre", "DC"),
    ),
}
_PRIORITY_P: Mapping[str, tuple[float, float, float, float]] = {
    "datacentre": (0.07, 0.18, 0.45, 0.30),
    "bank": (0.06, 0.16, 0.44, 0.34),
}
_DEFAULT_PRIORITY_P = (0.05, 0.15, 0.45, 0.35)
_REDUNDANCY = {"datacentre": 0.15, "mall": 0.4, "hotel": 0.8}
_CLIENT_ROLE = {
    "residential": ("Client property manager", "Owners' Corporation chairman"),
    "bank": ("Client branch operations manager", "Client head of security"),
    "mall": ("Client facilities manager", "Client general manager"),
    "school": ("School business manager", "School principal"),
    "hotel": ("Client security manager", "Client general manager"),
    "datacentre": ("Client data centre operations manager", "Client head of operations"),
}
_CONTRACTOR_ROLES = {
    "service": "Contractor service manager",
    "account": "Contractor account manager",
    "tech": "Contractor technical lead",
}
# (decision, owner: service|account|tech|client|client_senior, outcome when done)
_WORKING_DECISIONS = (
    (
        "Analyse repeat false alarms at {site} and report findings at the next meeting",
        "tech",
        "Detectors relocated; false alarms down from {n} to 1 a month",
    ),
    (
        "Replace NVR hard disks older than four years at {site} before the wet season",
        "service",
        "{n} disks replaced; recording retention verified",
    ),
    (
        "Arrange after-hours access to the plant room at {site} for corrective works",
        "client",
        "Access arranged; works completed",
    ),
    (
        "Recover P3 attendance in {period}: add a second technician on weekday evenings",
        "service",
        "Second technician rostered; P3 attendance back within target",
    ),
    (
        "Keep spare card readers and maglocks in on-site stock at {site}",
        "tech",
        "Spares delivered and logged in the site store",
    ),
    (
        "Confirm after-hours escalation contacts for {site}",
        "client",
        "Escalation list updated and circulated",
    ),
    (
        "Review the {period} complaints about {sys} and agree corrective action",
        "service",
        "Root causes agreed; technicians briefed",
    ),
    (
        "Reschedule preventive maintenance at {site} outside opening hours",
        "service",
        "New schedule agreed and issued",
    ),
    (
        "Clear overdue preventive maintenance jobs within two weeks",
        "service",
        "All overdue jobs completed",
    ),
    (
        "Issue the monthly service report by the 5th working day",
        "account",
        "Reports issued on time since",
    ),
    (
        "Check typhoon readiness of external cameras and barriers at {site}",
        "tech",
        "Inspection done; {n} housings resealed",
    ),
    (
        "Trim trees obstructing camera views at {site}",
        "client",
        "Trees trimmed by the landscaping contractor",
    ),
)
_SENIOR_DECISIONS = (
    (
        "Approve budget to upgrade analogue cameras at {site} to IP",
        "client_senior",
        "Budget approved; upgrade scheduled",
    ),
    (
        "Agree revised P3 restore target from next quarter",
        "account",
        "SLA amendment signed",
    ),
    (
        "Add {sys} at {site} to the maintenance scope",
        "account",
        "Variation order issued",
    ),
    (
        "Benchmark {sys} availability against similar sites and present options",
        "account",
        "Benchmark presented; no change needed",
    ),
    (
        "Review staffing of the after-hours call-out team after {period}",
        "service",
        "Standby roster extended",
    ),
    (
        "Commission an audit of CCTV retention and access logs under the PDPO",
        "client_senior",
        "Audit completed; two findings closed",
    ),
    (
        "Plan lifecycle replacement of the access control system at {site}",
        "account",
        "Five-year replacement plan agreed",
    ),
)
_DROPPED_OUTCOMES = (
    "Dropped: superseded by the system upgrade project",
    "Dropped at the client's request",
    "Dropped: no longer needed after site changes",
)

_MONTH_ABBR = tuple(_calendar.month_abbr)
_SEASON = np.array([0.95, 0.8, 0.92, 0.95, 1.05, 1.2, 1.25, 1.25, 1.2, 1.0, 0.95, 0.93])
_SEASON = _SEASON / _SEASON.mean()
_WEEKDAY_W = np.array([1.15, 1.08, 1.06, 1.06, 1.05, 0.8, 0.6])
_WEEKDAY_W = _WEEKDAY_W / _WEEKDAY_W.mean()
_HOURS = {
    "mon": "09:00-18:00",
    "tue": "09:00-18:00",
    "wed": "09:00-18:00",
    "thu": "09:00-18:00",
    "fri": "09:00-18:00",
    "sat": "09:00-13:00",
}
_OPEN = ((540, 540),) * 5 + ((540, 240), (0, 0))  # (open start minute, open minutes) Mon..Sun

_NUM = np.array([str(i) for i in range(10000)], dtype=object)
_PAD3 = np.array([f"{i:03d}" for i in range(1000)], dtype=object)
_PAD4 = np.array([f"{i:04d}" for i in range(10000)], dtype=object)
_LETTERS = np.array(list(string.ascii_uppercase), dtype=object)
_CHECK = np.array([*string.digits, "A"], dtype=object)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _obj(values: Sequence[str]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def _duration(minutes: int) -> str:
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def _day(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def _minute(dt: datetime) -> int:
    return _day(dt.date()) * 1440 + dt.hour * 60 + dt.minute


_L = pa.large_string()
_Table = dict[str, pa.Array]  # column name -> large_string array (null = empty field)


def _text(values: Any) -> pa.Array:
    """An object array of str/None (or an Arrow array) as a large_string array."""
    if isinstance(values, pa.Array):
        return values if values.type == _L else values.cast(_L)
    return pa.array(values, type=_L)


def _take(values: Sequence[str], idx: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """values[idx[i]] per row (null where not valid), without Python objects per row."""
    mask = None if valid is None else ~np.asarray(valid, dtype=bool)
    index = pa.array(np.asarray(idx, dtype=np.int64), mask=mask)
    return pa.array(list(values), type=_L).take(index)


def _dates_table(first: int, last: int) -> list[str]:
    origin = date(1970, 1, 1)
    return [(origin + timedelta(days=d)).isoformat() for d in range(first, last + 1)]


_TIMES = [f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)]


def _fmt_ts(minutes: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Minutes since 1970 -> 'YYYY-MM-DD HH:MM' (null where not valid)."""
    minutes = np.asarray(minutes, dtype=np.int64)
    ok = np.ones(len(minutes), dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    if not ok.any():
        return pa.nulls(len(minutes), type=_L)
    day = minutes // 1440
    first, last = int(day[ok].min()), int(day[ok].max())
    day_text = _take(_dates_table(first, last), np.where(ok, day - first, 0), ok)
    time_text = _take(_TIMES, minutes % 1440)
    return pc.binary_join_element_wise(day_text, time_text, pa.scalar(" ", _L))


def _fmt_date(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    days = np.asarray(days, dtype=np.int64)
    ok = np.ones(len(days), dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    if not ok.any():
        return pa.nulls(len(days), type=_L)
    first, last = int(days[ok].min()), int(days[ok].max())
    return _take(_dates_table(first, last), np.where(ok, days - first, 0), ok)


def _fmt_bool(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return _take(("false", "true"), np.asarray(values, dtype=np.int64), valid)


def _fmt_int(values: np.ndarray, valid: np.ndarray) -> pa.Array:
    mask = ~np.asarray(valid, dtype=bool)
    return pa.array(np.asarray(values, dtype=np.int64), mask=mask).cast(_L)


def _table(columns: Mapping[str, Any], names: Sequence[str]) -> _Table:
    assert list(columns) == list(names)
    return {name: _text(columns[name]) for name in names}


def _csv_field(column: pa.Array) -> pa.Array:
    """Quote a field only when it has to be (RFC 4180); nulls become empty fields."""
    quote, empty = pa.scalar('"', _L), pa.scalar("", _L)
    needs = pc.match_substring_regex(column, r'[",\r\n]')
    if pc.any(needs).as_py():
        escaped = pc.replace_substring(column, '"', '""')
        column = pc.if_else(
            needs, pc.binary_join_element_wise(quote, escaped, quote, empty), column
        )
    return pc.fill_null(column, empty)


def _write_csv(path: Path, table: _Table) -> None:
    """CSV with a header row, UTF-8, LF line ends, minimal quoting; built in Arrow, in chunks."""
    columns = list(table.values())
    rows = len(columns[0]) if columns else 0
    sep, newline, empty = pa.scalar(",", _L), pa.scalar("\n", _L), pa.scalar("", _L)
    with open(path, "wb") as f:
        f.write((",".join(table) + "\n").encode("utf-8"))
        step = 200_000
        for start in range(0, rows, step):
            part = [_csv_field(column.slice(start, step)) for column in columns]
            lines = pc.binary_join_element_wise(*part, sep) if len(part) > 1 else part[0]
            lines = pc.binary_join_element_wise(lines, newline, empty)
            offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
            offsets = offsets[lines.offset : lines.offset + len(lines) + 1]
            f.write(memoryview(lines.buffers()[2])[int(offsets[0]) : int(offsets[-1])])


def _ids(prefix: str, count: int, width: int) -> np.ndarray:
    """prefix + zero-padded 1-based sequence numbers: INC0000001, INC0000002, ..."""
    width = max(width, len(str(count)), 5)
    n = np.arange(1, count + 1)
    hi = _obj([f"{i:0{width - 4}d}" for i in range(count // 10000 + 1)])
    return prefix + hi[n // 10000] + _PAD4[n % 10000]


def _pick(rng: np.random.Generator, n: int, offsets: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per row, a uniform index into its own slice [offset, offset + count)."""
    return offsets + np.minimum((rng.random(n) * counts).astype(np.int64), counts - 1)


def _fill(
    templates: Sequence[str], which: np.ndarray, fields: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Render template `which[i]` for every row i with the row's field values (object arrays).

    Loops over templates, never over rows.
    """
    out = np.empty(len(which), dtype=object)
    order = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[order], np.arange(len(templates) + 1))
    parser = string.Formatter()
    for t, template in enumerate(templates):
        rows = order[bounds[t] : bounds[t + 1]]
        if rows.size == 0:
            continue
        acc = np.full(rows.size, "", dtype=object)
        for literal, name, _spec, _conv in parser.parse(template):
            if literal:
                acc = acc + literal
            if name is not None:
                acc = acc + fields[name][rows]
        out[rows] = acc
    return out


class _Calendar:
    """The `business` calendar over a day range, for converting wall time to SLA minutes."""

    def __init__(self, first: date, last: date, closed: set[date]):
        self.day0 = _day(first)
        days = np.arange(self.day0, _day(last) + 1)
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (3)
        table = np.array(_OPEN)
        self.start = table[weekday, 0]
        self.length = table[weekday, 1].copy()
        closed_idx = np.array(sorted(_day(d) - self.day0 for d in closed), dtype=np.int64)
        closed_idx = closed_idx[(closed_idx >= 0) & (closed_idx < len(days))]
        self.length[closed_idx] = 0
        self.weekday = weekday
        self.workday = (weekday < 5) & (self.length > 0)
        self.cum = np.concatenate([[0], np.cumsum(self.length)[:-1]])
        self.cum_end = self.cum + self.length

    def to_cal(self, minutes: np.ndarray) -> np.ndarray:
        d = np.clip(minutes // 1440 - self.day0, 0, len(self.cum) - 1)
        tod = minutes - (d + self.day0) * 1440
        return self.cum[d] + np.clip(tod - self.start[d], 0, self.length[d])

    def from_cal(self, cal: np.ndarray) -> np.ndarray:
        d = np.minimum(np.searchsorted(self.cum_end, cal, side="left"), len(self.cum) - 1)
        return (d + self.day0) * 1440 + self.start[d] + (cal - self.cum[d])

    def next_workday(self, days: np.ndarray) -> np.ndarray:
        """The first Monday-Friday working day on or after each day (day numbers)."""
        idx = np.arange(len(self.workday))
        nxt = np.where(self.workday, idx, len(idx) - 1)
        nxt = np.minimum.accumulate(nxt[::-1])[::-1]
        d = np.clip(days - self.day0, 0, len(idx) - 1)
        return nxt[d] + self.day0


# --------------------------------------------------------------------------------------------
# The portfolio (clients.yml)
# --------------------------------------------------------------------------------------------


@dataclass
class _Site:
    id: str
    name: str
    systems: list[str]
    weight: float
    hot: dict[str, float] = field(default_factory=dict)  # system -> how many times the faults

    def system_weight(self, system: str) -> float:
        return self.weight * _SYSTEM_WEIGHT[_SYS[system]] * self.hot.get(system, 1.0)


@dataclass
class _Client:
    index: int
    kind: str
    id: str
    name: str
    short: str
    reporting: str
    sites: list[_Site]
    sla: dict[str, Any]
    people: list[str]
    staff: int  # people[:staff] work at the client (managers, guards); the rest are residents
    phones: list[str]
    emails: list[str]
    quality: float  # multiplies the contractor's delays for this client
    start_month: int  # first month (index into the period) with records

    @property
    def weight(self) -> float:
        return sum(s.system_weight(x) for s in self.sites for x in s.systems)


def _sla(kind: str) -> dict[str, Any]:
    inc = {
        "P1": (120, 480, "24x7"),
        "P2": (240, 1440, "24x7"),
        "P3": (540, 1620, "business"),
        "P4": (1080, 2700, "business"),
    }
    target, grace, pm_target, avail = 95, 7, 98, 99.5
    ack, resolve, cmp_target = 540, 5400, 95
    if kind == "datacentre":
        inc = {
            "P1": (60, 240, "24x7"),
            "P2": (120, 480, "24x7"),
            "P3": (240, 1440, "24x7"),
            "P4": (540, 1620, "business"),
        }
        target, grace, pm_target, avail, ack, resolve = 98, 3, 99, 99.9, 240, 2700
    elif kind == "bank":
        inc["P2"] = (240, 720, "24x7")
        grace, avail = 5, 99.7
    elif kind == "hotel":
        inc["P1"] = (90, 360, "24x7")
        inc["P2"] = (180, 720, "24x7")
        avail = 99.7
    elif kind == "school":
        inc = {
            "P1": (240, 720, "24x7"),
            "P2": (540, 1620, "business"),
            "P3": (1080, 2700, "business"),
            "P4": (2160, 5400, "business"),
        }
        target, avail, cmp_target = 90, 99.0, 90
    return {
        "incidents": {
            p: _Flow({"attend": _duration(a), "restore": _duration(r), "calendar": c})
            for p, (a, r, c) in inc.items()
        },
        "incident_target_pct": target,
        "maintenance": _Flow({"grace_days": grace, "target_pct": pm_target}),
        "complaints": _Flow(
            {
                "acknowledge": _duration(ack),
                "resolve": _duration(resolve),
                "calendar": "business",
                "target_pct": cmp_target,
            }
        ),
        "availability_target_pct": avail,
    }


def _people(rng: np.random.Generator, count: int, domain: str) -> tuple[list[str], list[str]]:
    names: list[str] = []
    emails: list[str] = []
    while len(names) < count:
        surname = _SURNAMES[rng.integers(len(_SURNAMES))]
        if rng.random() < 0.55:
            first = _ENGLISH[rng.integers(len(_ENGLISH))]
            name, local = f"{first} {surname}", f"{first}.{surname}"
        else:
            given = _GIVEN[rng.integers(len(_GIVEN))]
            name, local = f"{surname} {given}", f"{surname}.{given.replace(' ', '')}"
        if name in names:
            continue
        names.append(name)
        emails.append(f"{local.lower()}@{domain}")
    return names, emails


# The flagship bank's 60 branches: a branch in every district, a second one in the busiest;
# its faults gather at a few branches, each on one or two systems (ageing readers, a camera
# cable run, a noisy alarm zone), so that its Sites pages show something to find.
_FLAGSHIP_BRANCHES = 60
_SECOND_BRANCH = "Plaza"
_HOT_BRANCHES = {
    7: {"access_control": 20.0},
    19: {"cctv": 16.0},
    33: {"intruder_alarm": 14.0, "access_control": 6.0},
    52: {"cctv": 10.0},
}


def _sites(
    kind: str, short: str, prefix: str, rng: np.random.Generator, flagship: bool = False
) -> list[_Site]:
    core = ["cctv", "access_control", "intruder_alarm"]
    sites: list[_Site] = []
    if kind == "residential":
        intercom = rng.random() < 0.7
        for i in range(1, int(rng.integers(2, 6)) + 1):
            systems = core + (["video_intercom"] if intercom else [])
            block = f"{short} {i}" if short.endswith("Tower") else f"{short} Block {'ABCDE'[i - 1]}"
            sites.append(_Site(f"{prefix}{i}", block, systems, 1.0))
        sites.append(_Site(f"{prefix}CP", f"{short} Car Park", ["cctv", "car_park_barrier"], 0.6))
        if rng.random() < 0.5:
            sites.append(_Site(f"{prefix}CH", f"{short} Clubhouse", list(core), 0.5))
    elif kind == "bank":
        branches = int(rng.integers(12, 31))
        districts = rng.permutation(len(_DISTRICTS))[:branches]
        if flagship:
            names = [f"{d} Branch" for d in _DISTRICTS]
            names += [f"{d} {_SECOND_BRANCH} Branch" for d in _DISTRICTS]
            for i, name in enumerate(names[:_FLAGSHIP_BRANCHES], start=1):
                hot = dict(_HOT_BRANCHES.get(i, {}))
                sites.append(_Site(f"BR{i:02d}", name, list(core), 0.06, hot))
        for i, d in enumerate(sorted(districts) if not flagship else (), start=1):
            sites.append(_Site(f"BR{i:02d}", f"{_DISTRICTS[d]} Branch", list(core), 0.35))
        sites.append(_Site("HO", "Head Office", [*core, "fire_alarm_interface"], 2.0))
        if rng.random() < 0.5:
            sites.append(_Site("CC", "Cash Centre", list(core), 1.0))
    elif kind == "mall":
        sites.append(_Site(f"{prefix}1", short, [*core, "fire_alarm_interface"], 4.0))
        sites.append(_Site(f"{prefix}CP", f"{short} Car Park", ["cctv", "car_park_barrier"], 1.2))
        if rng.random() < 0.4:
            sites.append(_Site(f"{prefix}2", f"{short} Phase 2", list(core), 2.0))
    elif kind == "school":
        sites.append(_Site(f"{prefix}1", f"{short} Main Campus", list(core), 1.2))
        if rng.random() < 0.5:
            sites.append(
                _Site(f"{prefix}2", f"{short} Sports Centre", ["cctv", "access_control"], 0.5)
            )
    elif kind == "hotel":
        systems = [*core, "fire_alarm_interface"]
        if rng.random() < 0.7:
            systems.insert(3, "car_park_barrier")
        sites.append(_Site(f"{prefix}1", short, systems, 2.5))
        if rng.random() < 0.3:
            sites.append(
                _Site(
                    f"{prefix}2",
                    f"{short} Serviced Apartments",
                    ["cctv", "access_control", "video_intercom"],
                    1.0,
                )
            )
    else:  # datacentre
        count = int(rng.integers(1, 4))
        for d in sorted(rng.permutation(len(_DC_DISTRICTS))[:count]):
            district, code = _DC_DISTRICTS[d]
            sites.append(
                _Site(
                    f"{code}1",
                    f"{district} Data Centre",
                    [*core, "fire_alarm_interface"],
                    3.0,
                )
            )
    return sites


def _portfolio(clients: int, months: int, seed: int) -> list[_Client]:
    out: list[_Client] = []
    used: set[str] = set()
    for index in range(clients):
        rng = np.random.default_rng([seed, index, 0])
        kind = _KINDS[index % len(_KINDS)]
        rnd = index // len(_KINDS)
        brands = _BRANDS[kind]
        name, short, prefix = brands[rnd % len(brands)]
        if rnd >= len(brands):
            district = _NAME_DISTRICTS[(rnd // len(brands) - 1) % len(_NAME_DISTRICTS)]
            name, short = f"{name} ({district})", f"{short} {district}"
            extra = rnd // (len(brands) * (len(_NAME_DISTRICTS) + 1))
            if extra:
                name, short = f"{name} {extra + 1}", f"{short} {extra + 1}"
        slug = _slug(short)
        base, n = slug, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        sites = _sites(kind, short, prefix, rng, flagship=kind == "bank" and rnd == 0)
        staff = 4 + min(8, len(sites) // 3) + int(rng.integers(0, 3))
        residents = int(rng.integers(4, 9)) if kind in ("residential", "school") else 2
        domain = f"{slug.split('-')[0]}{slug.split('-')[-1][:3]}.example.com"
        staff_names, staff_emails = _people(rng, staff, domain)
        res_names, res_emails = _people(rng, residents + staff, "example.net")
        res_pairs = [
            (a, b) for a, b in zip(res_names, res_emails, strict=True) if a not in staff_names
        ]
        res_pairs = res_pairs[:residents]
        people = staff_names + [a for a, _ in res_pairs]
        emails = staff_emails + [b for _, b in res_pairs]
        first = rng.choice([5, 6, 9], size=len(people))
        digits = rng.integers(0, 10_000_000, size=len(people))
        phones = [
            f"{f}{d // 10000:03d} {d % 10000:04d}" for f, d in zip(first, digits, strict=True)
        ]
        quarterly = kind == "school" or (kind == "residential" and rnd % 2 == 1)
        late = index >= len(_KINDS) and rng.random() < 0.1 and months >= 4
        out.append(
            _Client(
                index=index,
                kind=kind,
                id=slug,
                name=name,
                short=short,
                reporting="quarterly" if quarterly else "monthly",
                sites=sites,
                sla=_sla(kind),
                people=people,
                staff=len(staff_names),
                phones=phones,
                emails=emails,
                quality=float(np.exp(rng.normal(0.0, 0.18))),
                start_month=int(rng.integers(1, months // 2 + 1)) if late else 0,
            )
        )
    return out


class _Flow(dict):
    """A mapping written in YAML flow style: {a: 1, b: 2}."""


class _FlowList(list):
    """A list written in YAML flow style: [a, b]."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True)
)
_Dumper.add_representer(
    _FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)


def _clients_yaml(portfolio: list[_Client], years: range, seed: int, as_of: datetime) -> str:
    doc = {
        "provider": _Flow(
            {
                "name": "Sentinel Systems Ltd",
                "email": "service@example.com",
                "phone": "+852 0000 0000",
                # Expires within 90 days of the demo's as-of date: the build warns.
                "licence": _Flow(
                    {
                        "type": "Type III (installation and maintenance of security devices)",
                        "number": "SKL-000123",
                        "expiry": date(
                            as_of.year + (as_of.month + 1) // 12, (as_of.month + 1) % 12 + 1, 15
                        ),
                    }
                ),
                "personal_data": _Flow(
                    {"retention_months": 24, "officer": "Data Protection Officer"}
                ),
                "safety": _Flow({"officer": "Safety Officer"}),
            }
        ),
        "timezone": "Asia/Hong_Kong",
        # The report stands at the end of the data window, so its last month is complete.
        "as_of": as_of,
        "calendars": {
            "business": {
                "hours": _Flow(_HOURS),
                "holidays": "HK",
                "extra_closed": _FlowList(date(y, 12, 24) for y in years),
            }
        },
        "clients": [
            {
                "id": c.id,
                "name": c.name,
                **({"languages": _FlowList(DEMO_LANGUAGES[i])} if i in DEMO_LANGUAGES else {}),
                "reporting": c.reporting,
                "password_env": None,
                "sites": [
                    _Flow({"id": s.id, "name": s.name, "systems": _FlowList(s.systems)})
                    for s in c.sites
                ],
                "sla": c.sla,
                "people": list(c.people),
                "scheduled_meetings": _scheduled_meetings(c, seed, as_of),
            }
            for i, c in enumerate(portfolio)
        ],
        # Outside reference figures for the scorecards: invented for the demo, and said so.
        "benchmarks": [
            _Flow(
                {
                    "figure": "availability_pct",
                    "value": 99.9,
                    "source": "Illustrative, not a published survey",
                    "year": 2025,
                }
            ),
            _Flow(
                {
                    "figure": "attend_pct",
                    "value": 95.0,
                    "source": "Illustrative, not a published survey",
                    "year": 2025,
                }
            ),
        ],
    }
    head = (
        "# Synthetic demo portfolio written by `svcsite demo` "
        f"(seed {seed}): every name, number and record is invented.\n"
    )
    body = yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return head + body


def _scheduled_meetings(c: _Client, seed: int, as_of: datetime) -> list[_Flow]:
    """The review meetings already arranged after the data, as `_meetings` would hold them:
    the working meeting of the as-of month (monthly clients) and those of the next quarter."""
    offset = int(np.random.default_rng([seed, c.index, 4]).integers(0, 7))  # as in _meetings

    def workday(year: int, month: int, day: int) -> date:
        when = date(year + (month - 1) // 12, (month - 1) % 12 + 1, day)
        return when + timedelta(days=max(0, 7 - when.weekday()) if when.weekday() >= 5 else 0)

    def period(year: int, month: int) -> tuple[int, int]:  # the month before, as (year, month)
        return (year, month - 1) if month > 1 else (year - 1, 12)

    year, month = as_of.year, as_of.month
    arranged = []
    if c.reporting == "monthly":
        py, pm = period(year, month)
        arranged.append(
            (
                workday(year, month, 7 + offset),
                "10:00-11:30",
                f"Monthly review {_MONTH_ABBR[pm]} {py}",
                "working",
            )
        )
    quarter = month + (-(month - 1)) % 3  # the next quarter's first month (1, 4, 7, 10)
    qy, qm = year + (quarter - 1) // 12, (quarter - 1) % 12 + 1
    last_quarter = f"Q{(qm - 2) % 12 // 3 + 1} {qy if qm > 1 else qy - 1}"
    if c.reporting == "monthly":
        arranged.append(
            (
                workday(qy, qm, 16 + offset),
                "14:30-16:30",
                f"Quarterly review {last_quarter}",
                "senior",
            )
        )
    else:
        arranged.append(
            (
                workday(qy, qm, 7 + offset),
                "10:00-11:30",
                f"Quarterly working review {last_quarter}",
                "working",
            )
        )
        if qm in (1, 7):
            half = f"H{2 if qm == 1 else 1} {qy - 1 if qm == 1 else qy}"
            arranged.append(
                (
                    workday(qy, qm, 16 + offset),
                    "14:30-16:30",
                    f"Half-yearly review {half}",
                    "senior",
                )
            )
    return [
        _Flow(
            {
                "date": day,
                "time": time,
                "title": title,
                "level": level,
                "location": f"{c.sites[0].name}, meeting room",
            }
        )
        for day, time, title, level in arranged
        if day > as_of.date()
    ]


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


@dataclass
class _Context:
    portfolio: list[_Client]
    seed: int
    cal: _Calendar
    days: np.ndarray  # day numbers of the period
    month_of_day: np.ndarray  # index of the period month of each day
    month_first: np.ndarray  # day number of the first day of each period month
    month_label: list[tuple[int, int]]  # (year, month) per period month
    end_min: int
    end_day: int
    # flattened portfolio lookups
    site_client: np.ndarray
    site_id: np.ndarray
    site_name: np.ndarray
    site_weight: np.ndarray
    pair_client: np.ndarray
    pair_site: np.ndarray
    pair_system: np.ndarray
    pair_weight: np.ndarray
    people: np.ndarray
    phones: np.ndarray
    phones_dash: np.ndarray
    phones_intl: np.ndarray
    emails: np.ndarray
    people_off: np.ndarray
    people_n: np.ndarray
    staff_n: np.ndarray
    client_id: np.ndarray
    kind: np.ndarray  # kind index per client

    def rng(self, *stream: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, 1_000_003, *stream])

    def person_fields(self, idx: np.ndarray) -> dict[str, np.ndarray]:
        return {
            "person": self.people[idx],
            "phone": self.phones[idx],
            "phone_dash": self.phones_dash[idx],
            "phone_intl": self.phones_intl[idx],
            "email": self.emails[idx],
        }


def _context(portfolio: list[_Client], months: int, seed: int, end: datetime) -> _Context:
    first_month = end.year * 12 + end.month - 1 - (months - 1)
    labels = [((first_month + i) // 12, (first_month + i) % 12 + 1) for i in range(months)]
    month_first = np.array([_day(date(y, m, 1)) for y, m in labels])
    start, end_day = date(*labels[0], 1), end.date()
    days = np.arange(_day(start), _day(end_day) + 1)
    month_of_day = np.searchsorted(month_first, days, side="right") - 1
    years = range(start.year - 1, end_day.year + 3)
    hk = _holidays.country_holidays("HK", years=list(years), categories=("public", "optional"))
    closed = set(hk) | {date(y, 12, 24) for y in years}
    cal = _Calendar(start - timedelta(days=7), end_day + timedelta(days=800), closed)

    site_client, site_id, site_name, site_weight = [], [], [], []
    pair_client, pair_site, pair_system, pair_weight = [], [], [], []
    people, phones, emails, off, cnt, staff = [], [], [], [], [], []
    for c in portfolio:
        for s in c.sites:
            gs = len(site_id)
            site_client.append(c.index)
            site_id.append(s.id)
            site_name.append(s.name)
            site_weight.append(s.weight)
            for x in s.systems:
                pair_client.append(c.index)
                pair_site.append(gs)
                pair_system.append(_SYS[x])
                pair_weight.append(s.system_weight(x))
        off.append(len(people))
        cnt.append(len(c.people))
        staff.append(c.staff)
        people += c.people
        phones += c.phones
        emails += c.emails
    phones_obj = _obj(phones)
    return _Context(
        portfolio=portfolio,
        seed=seed,
        cal=cal,
        days=days,
        month_of_day=month_of_day,
        month_first=month_first,
        month_label=labels,
        end_min=_minute(end),
        end_day=_day(end_day),
        site_client=np.array(site_client),
        site_id=_obj(site_id),
        site_name=_obj(site_name),
        site_weight=np.array(site_weight),
        pair_client=np.array(pair_client),
        pair_site=np.array(pair_site),
        pair_system=np.array(pair_system),
        pair_weight=np.array(pair_weight),
        people=_obj(people),
        phones=phones_obj,
        phones_dash=_obj([p.replace(" ", "-") for p in phones]),
        phones_intl=_obj([f"+852 {p}" for p in phones]),
        emails=_obj(emails),
        people_off=np.array(off),
        people_n=np.array(cnt),
        staff_n=np.array(staff),
        client_id=_obj([c.id for c in portfolio]),
        kind=np.array([_KINDS.index(c.kind) for c in portfolio]),
    )


def _sla_minutes(c: _Client) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    att, res, is24 = np.zeros(4), np.zeros(4), np.zeros(4, dtype=bool)
    for i, p in enumerate(_PRIORITIES):
        target = c.sla["incidents"][p]
        att[i] = _parse_duration(target["attend"])
        res[i] = _parse_duration(target["restore"])
        is24[i] = target["calendar"] == "24x7"
    return att, res, is24


def _parse_duration(text: str) -> float:
    return float(text[:-1]) * (60 if text.endswith("h") else 1)


def _day_weights(ctx: _Context, season: bool) -> np.ndarray:
    weekday = (ctx.days + 3) % 7
    w = _WEEKDAY_W[weekday].copy()
    if season:
        months = np.array([m for _, m in ctx.month_label])[ctx.month_of_day]
        w *= _SEASON[months - 1]
    holiday = ctx.cal.length[ctx.days - ctx.cal.day0] == 0
    w[holiday & (weekday < 6)] *= 0.65
    return w


def _incidents(ctx: _Context) -> tuple[_Table, dict[str, np.ndarray]]:
    dw = _day_weights(ctx, season=True)
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("client", "pair", "day", "prio")}
    for c in ctx.portfolio:
        rng = np.random.default_rng([ctx.seed, c.index, 1])
        active = ctx.month_of_day >= c.start_month
        w = dw * active
        expected = _INCIDENTS_PER_WEIGHT_MONTH * c.weight * w.sum() / 30.44
        n = int(rng.poisson(expected))
        pairs = np.flatnonzero(ctx.pair_client == c.index)
        pw = ctx.pair_weight[pairs]
        parts["client"].append(np.full(n, c.index))
        parts["pair"].append(pairs[rng.choice(len(pairs), n, p=pw / pw.sum())])
        parts["day"].append(rng.choice(len(ctx.days), n, p=w / w.sum()))
        parts["prio"].append(rng.choice(4, n, p=_PRIORITY_P.get(c.kind, _DEFAULT_PRIORITY_P)))
    client, pair, day, prio = (np.concatenate(parts[k]) for k in ("client", "pair", "day", "prio"))
    rng = ctx.rng(1)
    n = len(client)
    business = rng.random(n) < 0.74
    tod = np.where(business, 480 + rng.random(n) * 660, rng.random(n) * 1440).astype(np.int64)
    reported = ctx.days[day] * 1440 + tod
    keep = reported <= ctx.end_min
    order = np.lexsort((pair[keep], client[keep], reported[keep]))
    client, pair, day, prio, reported = (
        a[keep][order] for a in (client, pair, day, prio, reported)
    )
    n = len(client)
    system = ctx.pair_system[pair]
    site = ctx.pair_site[pair]

    # cause per system
    cause = np.zeros(n, dtype=np.int64)
    for s, _ in enumerate(SYSTEMS):
        rows = np.flatnonzero(system == s)
        ids = [i for i, c in enumerate(_CAUSES) if SYSTEMS[s] in c.systems]
        p = np.array([_CAUSES[i].systems[SYSTEMS[s]] for i in ids], dtype=float)
        cause[rows] = np.array(ids)[rng.choice(len(ids), rows.size, p=p / p.sum())]

    # SLA targets of each row
    att_t = np.zeros((len(ctx.portfolio), 4))
    res_t = np.zeros((len(ctx.portfolio), 4))
    is24_t = np.zeros((len(ctx.portfolio), 4), dtype=bool)
    for c in ctx.portfolio:
        att_t[c.index], res_t[c.index], is24_t[c.index] = _sla_minutes(c)
    ta, tr, is24 = att_t[client, prio], res_t[client, prio], is24_t[client, prio]
    quality = np.array([c.quality for c in ctx.portfolio])[client]
    month = np.array([m for _, m in ctx.month_label])[ctx.month_of_day[day]]
    load = 1.0 + 0.6 * (_SEASON[month - 1] - 1.0)  # busy wet season -> slower
    factor = quality * load

    outage_ok = np.array([c.outage for c in _CAUSES])[cause]
    # big, redundant installations (data centres, malls) rarely go down as a whole
    redundancy = np.array([_REDUNDANCY.get(k, 1.0) for k in _KINDS])[ctx.kind[client]]
    p_outage = np.array([1.0, 0.95, 0.12, 0.02])[prio] * redundancy
    outage = outage_ok & (rng.random(n) < p_outage)
    remote = rng.random(n) < np.array([c.remote for c in _CAUSES])[cause]
    urgency = np.where(outage, 0.5, 1.0)  # a system down is chased harder
    attend = ta * np.exp(rng.normal(np.log(0.34), 0.7, n)) * factor * urgency
    attend = np.maximum(1, np.rint(attend))
    attend = np.minimum(attend, 20 * ta)
    repair = tr * np.exp(rng.normal(np.log(0.27), 0.8, n)) * factor * np.where(outage, 0.1, 1.0)
    repair = np.minimum(np.maximum(5, np.rint(repair)), 20 * tr)
    remote_fix = np.maximum(1, np.rint(ta * np.exp(rng.normal(np.log(0.3), 0.6, n)) * factor))
    paused_any = ~remote & (rng.random(n) < 0.10)
    paused = np.where(
        paused_any, np.clip(np.rint(np.exp(rng.normal(np.log(180), 0.8, n)) / 5) * 5, 15, 2880), 0
    ).astype(np.int64)
    restore = np.where(remote, remote_fix, attend + repair) + paused

    base = ctx.cal.to_cal(reported)
    wall = is24 | outage  # a system that is down is restored round the clock
    attended_at = np.where(wall, reported + attend, ctx.cal.from_cal(base + attend))
    resolved_at = np.where(wall, reported + restore, ctx.cal.from_cal(base + restore))
    attended_at, resolved_at = attended_at.astype(np.int64), resolved_at.astype(np.int64)
    has_attended = ~remote & (attended_at <= ctx.end_min)
    has_resolved = resolved_at <= ctx.end_min
    has_paused = paused_any & has_resolved
    times = {
        "reported_at": _fmt_ts(reported),
        "attended_at": _fmt_ts(attended_at, has_attended),
        "resolved_at": _fmt_ts(resolved_at, has_resolved),
        "paused_minutes": _fmt_int(paused, has_paused),
    }
    resolved = np.where(has_resolved, resolved_at, -1)
    # free the per-row intermediates before the text is built (1M rows at full size)
    del ta, tr, is24, quality, month, load, factor, redundancy, p_outage, outage_ok, urgency
    del attend, repair, remote_fix, paused_any, paused, restore, base, wall, attended_at
    del resolved_at, has_attended, has_resolved, business, tod

    # free text
    dev_off = np.cumsum([0, *(len(d) for d in _DEVICES)])
    loc_off = np.cumsum([0, *(len(x) for x in _LOCATIONS)])
    devices = _obj([d for ds in _DEVICES for d in ds])
    locations = _obj([x for xs in _LOCATIONS for x in xs])
    dev_n = np.diff(dev_off)
    loc_n = np.diff(loc_off)
    number = rng.integers(1, 65, n)
    fields = {
        "device": devices[_pick(rng, n, dev_off[system], dev_n[system])],
        "loc": locations[_pick(rng, n, loc_off[system], loc_n[system])],
        "n": _NUM[number],
        "k": _NUM[rng.integers(1, 5, n)],
        "m": _NUM[rng.integers(3, 16, n)],
        "flat": _NUM[rng.integers(2, 41, n)] + _LETTERS[rng.integers(0, 8, n)],
    }
    templates = [t for c in _CAUSES for t in c.templates]
    tpl_off = np.cumsum([0, *(len(c.templates) for c in _CAUSES)])
    which = _pick(rng, n, tpl_off[cause], np.diff(tpl_off)[cause])
    summary = _fill(templates, which, fields)
    staff = _pick(rng, n, ctx.people_off[client], ctx.staff_n[client])
    contact = np.flatnonzero(rng.random(n) < 0.035)
    if contact.size:
        who = _pick(
            rng, contact.size, ctx.people_off[client[contact]], ctx.people_n[client[contact]]
        )
        note = _fill(
            _CONTACT_NOTES,
            rng.integers(0, len(_CONTACT_NOTES), contact.size),
            ctx.person_fields(who),
        )
        summary[contact] = summary[contact] + note
    pause_reason = _take(_PAUSE_REASONS, rng.integers(0, len(_PAUSE_REASONS), n), has_paused)

    ids = _ids("INC", n, 7)
    frame = _table(
        {
            "incident_id": ids,
            "client_id": _take(ctx.client_id, client),
            "site_id": _take(ctx.site_id, site),
            "system": _take(SYSTEMS, system),
            "priority": _take(_PRIORITIES, prio),
            **times,
            "pause_reason": pause_reason,
            "outage": _fmt_bool(outage),
            "cause": _take([c.name for c in _CAUSES], cause),
            "summary": summary,
            "reported_by": _take(ctx.people, staff),
        },
        INCIDENT_COLUMNS,
    )
    raw = {
        "client": client,
        "site": site,
        "system": system,
        "prio": prio,
        "cause": cause,
        "reported": reported,
        "resolved": resolved,
        "outage": outage,
        "number": number,
        "id": ids,
    }
    return frame, raw


def _maintenance(ctx: _Context, inc: dict[str, np.ndarray]) -> tuple[_Table, dict]:
    months = len(ctx.month_first)
    grace = np.array([c.sla["maintenance"]["grace_days"] for c in ctx.portfolio])
    pm_client, pm_pair, pm_due, pm_often = [], [], [], []
    firsts = _month_firsts_after(ctx.month_first, _UPCOMING_MONTHS)
    for c in ctx.portfolio:
        rng = np.random.default_rng([ctx.seed, c.index, 2])
        pairs = np.flatnonzero(ctx.pair_client == c.index)
        visits = _pm_visits(c.kind, ctx.pair_system[pairs], ctx.site_weight[ctx.pair_site[pairs]])
        phase = rng.integers(0, 3, pairs.size)
        early_dom, dom = rng.integers(1, 15, pairs.size), rng.integers(5, 26, pairs.size)
        dom = np.where(visits == 2, early_dom, dom)
        # and the visits of the months after the data window, still to come (calendar.ics)
        m = np.tile(np.arange(c.start_month, months + _UPCOMING_MONTHS), pairs.size)
        p = np.repeat(np.arange(pairs.size), months + _UPCOMING_MONTHS - c.start_month)
        keep = (visits[p] > 0) | ((m - phase[p]) % 3 == 0)
        m, p = m[keep], p[keep]
        twice = visits[p] == 2  # fortnightly: a second visit 14 days later
        m, p = np.concatenate([m, m[twice]]), np.concatenate([p, p[twice]])
        due = firsts[m] + dom[p] - 1 + np.where(np.arange(len(m)) >= len(twice), 14, 0)
        keep = due <= ctx.end_day + _UPCOMING_DAYS
        pm_client.append(np.full(int(keep.sum()), c.index))
        pm_pair.append(pairs[p[keep]])
        pm_due.append(due[keep])
        pm_often.append(visits[p[keep]] == 2)
    rng = ctx.rng(2)
    pm_pair_a, pm_due_a = np.concatenate(pm_pair), np.concatenate(pm_due)
    npm = len(pm_pair_a)

    # corrective jobs: follow-ups of incidents
    share = _CORRECTIVE_SHARE * np.array([c.corrective for c in _CAUSES])[inc["cause"]]
    src = np.flatnonzero(rng.random(len(inc["cause"])) < share)
    cm_pair_client = inc["client"][src]
    ncm = len(src)

    kind = np.concatenate([np.zeros(npm, dtype=bool), np.ones(ncm, dtype=bool)])  # corrective?
    client = np.concatenate([np.concatenate(pm_client), cm_pair_client]).astype(np.int64)
    site = np.concatenate([ctx.pair_site[pm_pair_a], inc["site"][src]])
    system = np.concatenate([ctx.pair_system[pm_pair_a], inc["system"][src]])
    rep_day = inc["reported"][src] // 1440
    due = np.concatenate([pm_due_a, rep_day + np.where(inc["prio"][src] <= 1, 3, 7)])
    n = len(client)
    g = grace[client]

    # completion
    r = rng.random(n)
    often = np.concatenate([*pm_often, np.zeros(ncm, dtype=bool)])
    early = -rng.integers(0, np.where(often, 5, 12), n)
    within = rng.integers(1, np.maximum(g, 1) + 1)
    late = g + 1 + rng.geometric(0.1, n)
    pm_offset = np.where(r < 0.9, early, np.where(r < 0.965, within, late))
    completed_day = due + pm_offset
    if ncm:  # a follow-up is done a few days after its incident was reported
        cm_days = np.rint(np.exp(rng.normal(np.log(2.5), 0.8, ncm))).astype(np.int64)
        completed_day[npm:] = rep_day + cm_days
    bank = ctx.kind[client] == _KINDS.index("bank")
    tod = np.where(
        bank & ~kind,
        19 * 60 + rng.integers(0, 210, n),  # bank branches: after closing
        9 * 60 + 30 + rng.integers(0, 450, n),
    )
    completed_at = completed_day * 1440 + tod
    if ncm:
        completed_at[npm:] = np.maximum(completed_at[npm:], inc["reported"][src] + 60)
    stuck = rng.random(n) < 0.002
    cancelled = rng.random(n) < np.where(kind, 0.02, 0.01)
    done = ~stuck & ~cancelled & (completed_at <= ctx.end_min)
    status = np.where(cancelled, "cancelled", np.where(done, "completed", "open")).astype(object)
    ftf = rng.random(n) < 0.85
    ftf_valid = kind & done

    # notes
    nf = {
        "n": _NUM[rng.integers(4, 65, n)],
        "d": _NUM[rng.choice([31, 31, 31, 62, 90], n)],
        "k": _NUM[rng.integers(1, 40, n)],
        "v": _obj(["13.1", "13.4", "13.6", "13.8", "12.9"])[rng.integers(0, 5, n)],
    }
    pm_tpl = [t for ts in _PM_NOTES for t in ts]
    pm_off = np.cumsum([0, *(len(ts) for ts in _PM_NOTES)])
    pm_which = _pick(rng, n, pm_off[system], np.diff(pm_off)[system])
    notes = _fill(pm_tpl, pm_which, nf)
    if ncm:
        work = [w for c in _CAUSES for w in c.work]
        work_off = np.cumsum([0, *(len(c.work) for c in _CAUSES)])
        cause = inc["cause"][src]
        wf = {
            "n": _NUM[inc["number"][src]],
            "k": _NUM[rng.integers(1, 5, ncm)],
            "flat": _NUM[rng.integers(2, 41, ncm)] + _LETTERS[rng.integers(0, 8, ncm)],
            "device": _obj(["unit"] * ncm),
        }
        phrase = _fill(work, _pick(rng, ncm, work_off[cause], np.diff(work_off)[cause]), wf)
        notes[npm:] = "Follow-up to " + inc["id"][src] + ": " + phrase
    remark = np.flatnonzero(~kind & (rng.random(n) < 0.01))
    notes[remark] = (
        notes[remark] + _obj(_PM_REMARKS)[rng.integers(0, len(_PM_REMARKS), remark.size)]
    )
    access = np.flatnonzero(rng.random(n) < 0.03)
    if access.size:
        who = _pick(rng, access.size, ctx.people_off[client[access]], ctx.people_n[client[access]])
        notes[access] = notes[access] + _fill(
            _ACCESS_NOTES, rng.integers(0, len(_ACCESS_NOTES), access.size), ctx.person_fields(who)
        )
    notes[cancelled] = _obj(_CANCEL_NOTES)[rng.integers(0, len(_CANCEL_NOTES), n)][cancelled]
    not_started = ~done & ~cancelled
    notes[not_started & ~kind] = None
    technicians = _technicians(ctx.seed)
    tech = technicians[rng.integers(0, len(technicians), n)]
    tech[not_started] = None

    order = np.lexsort((system, site, kind, client, due))
    frame = _table(
        {
            "job_id": _ids("WO", n, 7),
            "client_id": _take(ctx.client_id, client[order]),
            "site_id": _take(ctx.site_id, site[order]),
            "system": _take(SYSTEMS, system[order]),
            "kind": _take(("preventive", "corrective"), kind[order]),
            "due_date": _fmt_date(due[order]),
            "completed_at": _fmt_ts(completed_at[order], done[order]),
            "status": status[order],
            "first_time_fix": _fmt_bool(ftf[order], ftf_valid[order]),
            "notes": notes[order],
            "technician": tech[order],
        },
        MAINTENANCE_COLUMNS,
    )
    raw = {
        "client": client[order],
        "due": due[order],
        "kind": kind[order],
        "done": done[order],
        "completed": completed_at[order],
    }
    return frame, raw


# Preventive visits are planned this far past the end of the data: open jobs, still to come.
_UPCOMING_MONTHS = 2
_UPCOMING_DAYS = 45


def _month_firsts_after(month_first: np.ndarray, extra: int) -> np.ndarray:
    """The day numbers of the first days of the months, and of `extra` months after them."""
    last = date(1970, 1, 1) + timedelta(days=int(month_first[-1]))
    later = [
        _day(date(last.year + (last.month - 1 + k) // 12, (last.month - 1 + k) % 12 + 1, 1))
        for k in range(1, extra + 1)
    ]
    return np.concatenate([month_first, np.array(later, dtype=month_first.dtype)])


def _pm_visits(kind: str, system: np.ndarray, site_weight: np.ndarray) -> np.ndarray:
    """Preventive visits a month per (site, system): 0 quarterly, 1 monthly, 2 fortnightly."""
    visits = _MONTHLY_PM[system].astype(np.int64)
    if kind == "bank":  # bank branches test every system monthly
        visits[:] = 1
    elif kind == "datacentre":  # data centres: fortnightly checks, fire interface monthly
        visits = np.where(system == _SYS["fire_alarm_interface"], 1, 2)
    visits[(site_weight >= 4) & (system == _SYS["cctv"])] = 2  # a mall's hundreds of cameras
    return visits


def _technicians(seed: int) -> np.ndarray:
    rng = np.random.default_rng([seed, 1_000_003, 99])
    names, _ = _people(rng, 36, "sentinel.example.com")
    return _obj(names)


def _complaints(ctx: _Context) -> tuple[_Table, dict]:
    dw = _day_weights(ctx, season=False)
    parts: dict[str, list[np.ndarray]] = {"client": [], "day": [], "site": []}
    for c in ctx.portfolio:
        rng = np.random.default_rng([ctx.seed, c.index, 3])
        w = dw * (ctx.month_of_day >= c.start_month)
        n = int(
            rng.poisson(_COMPLAINTS_PER_SQRT_WEIGHT_MONTH * np.sqrt(c.weight) * w.sum() / 30.44)
        )
        sites = np.flatnonzero(ctx.site_client == c.index)
        sw = ctx.site_weight[sites]
        parts["client"].append(np.full(n, c.index))
        parts["day"].append(rng.choice(len(ctx.days), n, p=w / w.sum()))
        parts["site"].append(sites[rng.choice(len(sites), n, p=sw / sw.sum())])
    client, day, site = (np.concatenate(parts[k]) for k in ("client", "day", "site"))
    rng = ctx.rng(3)
    n = len(client)
    tod = np.where(rng.random(n) < 0.7, 540 + rng.random(n) * 540, rng.random(n) * 1440)
    received = ctx.days[day] * 1440 + tod.astype(np.int64)
    keep = received <= ctx.end_min
    order = np.lexsort((site[keep], client[keep], received[keep]))
    client, site, received = (a[keep][order] for a in (client, site, received))
    n = len(client)
    has_site = rng.random(n) < 0.9
    channel = rng.choice(len(_CHANNELS), n, p=_CHANNEL_P)
    category = rng.choice(len(_CATEGORIES), n, p=_CATEGORY_P)
    quality = np.array([c.quality for c in ctx.portfolio])[client]
    ack_t = np.array([_parse_duration(c.sla["complaints"]["acknowledge"]) for c in ctx.portfolio])
    res_t = np.array([_parse_duration(c.sla["complaints"]["resolve"]) for c in ctx.portfolio])
    ack_t, res_t = ack_t[client], res_t[client]
    speed = np.array([0.6, 1.2, 1.0, 1.6, 0.5])[channel]
    ack = np.maximum(1, np.rint(ack_t * np.exp(rng.normal(np.log(0.2), 1.05, n)) * speed * quality))
    escalated = rng.random(n) < 0.06
    res = res_t * np.exp(rng.normal(np.log(0.27), 0.8, n)) * quality * np.where(escalated, 2.5, 1)
    res = ack + np.maximum(30, np.rint(res))
    never = escalated & (rng.random(n) < 0.1)
    base = ctx.cal.to_cal(received)
    ack_at = ctx.cal.from_cal(base + ack)
    res_at = ctx.cal.from_cal(base + res)
    withdrawn = rng.random(n) < 0.03
    has_ack = ack_at <= ctx.end_min
    has_res = ~withdrawn & ~never & (res_at <= ctx.end_min)
    status = np.where(
        withdrawn,
        "withdrawn",
        np.where(has_res, "resolved", np.where(escalated, "escalated", "open")),
    ).astype(object)
    breached = (res > res_t) | escalated
    rated = has_res & (rng.random(n) < 0.5)
    good = 1 + (rng.random(n)[:, None] > np.cumsum(_SATISFACTION_GOOD)).sum(axis=1)
    poor = 1 + (rng.random(n)[:, None] > np.cumsum(_SATISFACTION_POOR)).sum(axis=1)
    satisfaction = np.minimum(np.where(breached, poor, good), 5)

    # text
    sys_idx = rng.choice(len(SYSTEMS), n, p=[0.4, 0.3, 0.15, 0.05, 0.05, 0.05])
    site_text = np.where(has_site, ctx.site_name[site], "our premises").astype(object)
    fields = {
        "site": site_text,
        "sys": _SYSTEM_TEXT[sys_idx],
        "Sys": _obj([s[0].upper() + s[1:] for s in _SYSTEM_TEXT])[sys_idx],
        "d": _NUM[rng.integers(2, 7, n)],
        "h": _NUM[rng.integers(3, 31, n)],
        "inv": "INV-" + _NUM[rng.integers(2024, 2027, n)] + "-" + _PAD4[rng.integers(0, 10000, n)],
        "flat": _NUM[rng.integers(2, 41, n)] + _LETTERS[rng.integers(0, 8, n)],
    }
    text_tpl = [t for ts in _COMPLAINT_TEXT for t in ts]
    text_off = np.cumsum([0, *(len(ts) for ts in _COMPLAINT_TEXT)])
    description = _fill(
        text_tpl, _pick(rng, n, text_off[category], np.diff(text_off)[category]), fields
    )
    local = np.isin(ctx.kind[client], [_KINDS.index("residential"), _KINDS.index("school")])
    zh = np.flatnonzero(local & (rng.random(n) < 0.03))
    if zh.size:
        which = rng.integers(0, len(_COMPLAINT_TEXT_ZH), zh.size)
        description[zh] = _fill(_COMPLAINT_TEXT_ZH, which, {k: v[zh] for k, v in fields.items()})
    person = _pick(rng, n, ctx.people_off[client], ctx.people_n[client])
    pf = ctx.person_fields(person)
    pf["hkid"] = (
        _LETTERS[rng.integers(0, 26, n)]
        + _PAD3[rng.integers(0, 1000, n)]
        + _PAD3[rng.integers(0, 1000, n)]
        + "("
        + _CHECK[rng.integers(0, 11, n)]
        + ")"
    )
    personal = np.flatnonzero(rng.random(n) < 0.06)
    if personal.size:
        which = rng.integers(0, len(_COMPLAINT_PERSONAL), personal.size)
        extra = _fill(_COMPLAINT_PERSONAL, which, {k: v[personal] for k, v in pf.items()})
        description[personal] = description[personal] + extra
    multi = np.flatnonzero(rng.random(n) < 0.01)
    description[multi] = description[multi] + "\nSecond complaint about this in a month."
    markup = np.flatnonzero(rng.random(n) < 0.002)
    description[markup] = (
        _obj(_COMPLAINT_MARKUP)[rng.integers(0, len(_COMPLAINT_MARKUP), markup.size)]
        + description[markup]
    )

    rc_off = np.cumsum([0, *(len(x) for x in _ROOT_CAUSES)])
    ca_off = np.cumsum([0, *(len(x) for x in _CORRECTIVE_ACTIONS)])
    root = _obj([x for xs in _ROOT_CAUSES for x in xs])[
        _pick(rng, n, rc_off[category], np.diff(rc_off)[category])
    ]
    action = _obj([x for xs in _CORRECTIVE_ACTIONS for x in xs])[
        _pick(rng, n, ca_off[category], np.diff(ca_off)[category])
    ]
    root[~has_res] = None
    action[~has_res] = None

    named = rng.random(n) < 0.85
    name = np.where(named, pf["person"], None).astype(object)
    phone = np.where(named & (rng.random(n) < 0.75), pf["phone_intl"], None).astype(object)
    by_mail = np.isin(channel, [1, 2])
    email = np.where(named & (by_mail | (rng.random(n) < 0.2)), pf["email"], None).astype(object)

    frame = _table(
        {
            "complaint_id": _ids("CMP", n, 6),
            "client_id": ctx.client_id[client],
            "site_id": np.where(has_site, ctx.site_id[site], None).astype(object),
            "received_at": _fmt_ts(received),
            "channel": _obj(_CHANNELS)[channel],
            "category": _obj(_CATEGORIES)[category],
            "acknowledged_at": _fmt_ts(ack_at, has_ack),
            "resolved_at": _fmt_ts(res_at, has_res),
            "status": status,
            "escalated": _fmt_bool(escalated),
            "root_cause": root,
            "corrective_action": action,
            "satisfaction": _fmt_int(satisfaction, rated),
            "description": description,
            "complainant_name": name,
            "complainant_phone": phone,
            "complainant_email": email,
        },
        COMPLAINT_COLUMNS,
    )
    return frame, {"client": client, "received": received}


_FEEDBACK_KINDS = ("compliment", "suggestion", "enquiry", "survey")
_FEEDBACK_KIND_P = (0.3, 0.2, 0.2, 0.3)
_FEEDBACK_CHANNELS = ("survey form", "email", "portal", "phone", "review meeting")
_FEEDBACK_TEXT = {
    "compliment": (
        "Thank you to the engineer who fixed the {sys} at {site} so quickly.",
        "The technician at {site} was polite and explained the {sys} fault clearly.",
        "Preventive maintenance at {site} was done without disturbing our tenants.",
        "Very good follow-up on last month's {sys} problem.",
    ),
    "enquiry": (
        "When is the next preventive maintenance visit for the {sys} at {site}?",
        "How long is {sys} footage kept before it is overwritten?",
        "Can the {sys} at {site} be extended to the new loading bay?",
        "Please call me back on {phone} about the {sys} quotation.",
    ),
    "survey": (
        "Annual service survey.",
        "Quarterly satisfaction survey: response times and communication.",
        "Post-visit survey after the {sys} repair at {site}.",
    ),
}
# (suggestion, the decision a review meeting takes on it)
_SUGGESTIONS = (
    (
        "Could the monthly report show response times per site?",
        "Add response times per site to the service report",
    ),
    (
        "Please send a text message when an engineer is on the way to {site}.",
        "Notify the duty officer at {site} by SMS when an engineer is dispatched",
    ),
    (
        "Our night staff would like a refresher on the {sys} panel.",
        "Run a refresher on the {sys} panel for the client's night staff",
    ),
    (
        "Schedule preventive visits at {site} outside peak hours.",
        "Move preventive visits at {site} outside peak hours",
    ),
    (
        "Label the {sys} equipment at {site} with its location.",
        "Label the {sys} equipment at {site} with its location",
    ),
)
_SURVEY_GOOD = (0.02, 0.05, 0.15, 0.43, 0.35)


def _feedback(ctx: _Context) -> tuple[_Table, dict]:
    """Compliments, suggestions, enquiries and survey answers: a few a month per client."""
    parts: dict[str, list[np.ndarray]] = {"client": [], "day": [], "site": []}
    for c in ctx.portfolio:
        rng = np.random.default_rng([ctx.seed, c.index, 6])
        live = ctx.month_of_day >= c.start_month
        n = int(rng.poisson(1.2 * np.sqrt(c.weight) * live.sum() / 30.44))
        sites = np.flatnonzero(ctx.site_client == c.index)
        parts["client"].append(np.full(n, c.index))
        parts["day"].append(rng.choice(np.flatnonzero(live), n))
        parts["site"].append(sites[rng.integers(0, len(sites), n)])
    client, day, site = (np.concatenate(parts[k]) for k in ("client", "day", "site"))
    rng = ctx.rng(6)
    n = len(client)
    received = ctx.days[day] * 1440 + (540 + rng.random(n) * 540).astype(np.int64)
    keep = received <= ctx.end_min
    order = np.lexsort((site[keep], client[keep], received[keep]))
    client, site, received = (a[keep][order] for a in (client, site, received))
    n = len(client)
    kind = rng.choice(len(_FEEDBACK_KINDS), n, p=_FEEDBACK_KIND_P)
    quality = np.array([c.quality for c in ctx.portfolio])[client]
    score = 1 + (rng.random(n)[:, None] > np.cumsum(_SURVEY_GOOD)).sum(axis=1)
    score = np.clip(score - (quality > 1.1) * (rng.random(n) < 0.5), 1, 5)
    person = _pick(rng, n, ctx.people_off[client], ctx.people_n[client])
    pf = ctx.person_fields(person)
    fields = {
        "site": ctx.site_name[site],
        "sys": _SYSTEM_TEXT[rng.choice(3, n)],
        "phone": pf["phone"],
    }
    text = np.empty(n, dtype=object)
    suggestion = rng.integers(0, len(_SUGGESTIONS), n)
    for k, name in enumerate(_FEEDBACK_KINDS):
        rows = np.flatnonzero(kind == k)
        if name == "suggestion":
            which = suggestion[rows]
            templates: Sequence[str] = [text for text, _ in _SUGGESTIONS]
        else:
            templates = _FEEDBACK_TEXT[name]
            which = rng.integers(0, len(templates), rows.size)
        text[rows] = _fill(templates, which, {f: v[rows] for f, v in fields.items()})
    survey = kind == _FEEDBACK_KINDS.index("survey")
    channel = np.where(survey, 0, rng.integers(1, len(_FEEDBACK_CHANNELS), n))
    named = ~survey | (rng.random(n) < 0.3)
    frame = _table(
        {
            "feedback_id": _ids("FBK", n, 6),
            "client_id": ctx.client_id[client],
            "site_id": np.where(rng.random(n) < 0.8, ctx.site_id[site], None).astype(object),
            "received_at": _fmt_ts(received),
            "kind": _obj(_FEEDBACK_KINDS)[kind],
            "score": _fmt_int(score, survey & (rng.random(n) < 0.95)),
            "channel": _obj(_FEEDBACK_CHANNELS)[channel],
            "text": text,
            "given_by": np.where(named, pf["person"], None).astype(object),
        },
        FEEDBACK_COLUMNS,
    )
    raw = {
        "client": client,
        "received": received,
        "suggestion": np.where(kind == _FEEDBACK_KINDS.index("suggestion"), suggestion, -1),
        "fields": fields,
    }
    return frame, raw


def _answer_feedback(ctx: _Context, actions: _Table, feedback: _Table, raw: dict) -> _Table:
    """About half the suggestions are taken up at the client's next meeting: its first action
    becomes the suggestion's decision, with its feedback_id (one suggestion an action)."""
    rng = ctx.rng(7)
    a_client = pc.index_in(actions["client_id"], value_set=pa.array(ctx.client_id.tolist(), _L))
    a_client = a_client.to_numpy(zero_copy_only=False).astype(np.int64)
    a_day = np.array(actions["meeting_date"].to_numpy(zero_copy_only=False), "datetime64[D]")
    # Actions in order of (client, meeting day): the first one after a day is a search away.
    key = a_client * 1_000_000 + a_day.astype(np.int64)
    order = np.argsort(key, kind="stable")
    taken = np.flatnonzero((raw["suggestion"] >= 0) & (rng.random(len(raw["client"])) < 0.5))
    client = raw["client"][taken]
    wanted = client * 1_000_000 + raw["received"][taken] // 1440
    position = np.searchsorted(key[order], wanted, side="right")
    found = position < len(order)
    action = order[np.minimum(position, len(order) - 1)]
    found &= a_client[action] == client
    taken, action = taken[found], action[found]
    _, first = np.unique(action, return_index=True)
    taken, action = taken[first], action[first]
    fields = {name: values[taken] for name, values in raw["fields"].items()}
    decision = np.array(actions["decision"].to_pylist(), dtype=object)
    decision[action] = _fill([d for _, d in _SUGGESTIONS], raw["suggestion"][taken], fields)
    feedback_id = np.full(len(decision), None, dtype=object)
    feedback_id[action] = np.array(feedback["feedback_id"].to_pylist(), dtype=object)[taken]
    outcome = np.array(actions["outcome"].to_pylist(), dtype=object)
    done = action[np.array(actions["status"].to_pylist(), dtype=object)[action] == "done"]
    outcome[done] = "Done as suggested; the client confirmed the change"
    return actions | {
        "decision": _text(decision),
        "outcome": _text(outcome),
        "feedback_id": _text(feedback_id),
    }


# (course, kind, hours, months a certificate is valid or 0)
_COURSES = (
    ("Customer service and complaint handling", "customer_service", 7, 0),
    ("Personal data privacy for field staff (Cap 486)", "customer_service", 3, 0),
    ("IP CCTV configuration and troubleshooting", "technical", 14, 0),
    ("Access control commissioning", "technical", 14, 0),
    ("Intruder alarm panel programming", "technical", 7, 0),
    ("Working at height", "safety", 7, 24),
    ("Electrical safety for low-voltage work", "safety", 7, 24),
    ("Construction industry safety training (green card)", "safety", 8, 36),
    ("First aid certificate", "other", 30, 36),
)
_COURSE_AT_HEIGHT = 5
_TRAINEE_ROLES = (
    "Service technician",
    "Senior technician",
    "Project engineer",
    "Service coordinator",
)


def _training(ctx: _Context) -> _Table:
    """The contractor's staff training: a shared team (blank client: it serves every
    client) and a small team per client, each person a course every few months."""
    rng = ctx.rng(8)
    shared = 10
    team = [shared] + [int(rng.integers(3, 7)) for _ in ctx.portfolio]
    owner = np.repeat(np.arange(-1, len(ctx.portfolio)), team)  # -1: every client
    staff = len(owner)
    role = rng.integers(0, len(_TRAINEE_ROLES), staff)
    per_person = rng.poisson(len(ctx.month_first) / 5, staff)
    person = np.repeat(np.arange(staff), per_person)
    day = ctx.days[rng.integers(0, len(ctx.days), len(person))]
    course = rng.integers(0, len(_COURSES), len(person))
    # The shared team's working-at-height refresher in the first quarter: two years on, its
    # certificates are the ones about to expire.
    person = np.concatenate([np.arange(shared), person])
    day = np.concatenate([ctx.days[0] + rng.integers(0, 90, shared), day])
    course = np.concatenate([np.full(shared, _COURSE_AT_HEIGHT), course])
    day = ctx.cal.next_workday(day)
    order = np.lexsort((person, day))
    order = order[day[order] <= ctx.end_day]
    person, day, course = person[order], day[order], course[order]
    n = len(person)
    kind = _obj([c[1] for c in _COURSES])[course]
    hours = np.array([c[2] for c in _COURSES])[course]
    valid_months = np.array([c[3] for c in _COURSES])[course]
    r = rng.random(n)
    assessed = kind != "customer_service"
    result = np.where(assessed, np.where(r < 0.04, "failed", "passed"), "attended").astype(object)
    expires = day + np.rint(valid_months * 30.44).astype(np.int64)
    certified = (valid_months > 0) & (result == "passed")
    client = owner[person]
    return _table(
        {
            "training_id": _ids("TRN", n, 5),
            "client_id": np.where(client >= 0, ctx.client_id[np.maximum(client, 0)], None).astype(
                object
            ),
            "staff_ref": "STF-" + _PAD4[person + 1],
            "role": _obj(_TRAINEE_ROLES)[role[person]],
            "course": _obj([c[0] for c in _COURSES])[course],
            "kind": kind,
            "completed_on": _fmt_date(day),
            "hours": _NUM[hours],
            "result": result,
            "expires_on": _fmt_date(expires, certified),
        },
        TRAINING_COLUMNS,
    )


_AD_HOC_REASONS = (
    "repeated CCTV faults",
    "access card reader failures",
    "survey feedback on response times",
    "alarm false activations",
)


@dataclass
class _Meeting:
    client: int
    day: int
    level: str  # working | senior
    label: str
    reviewed: tuple[int, ...]  # indices of the period months reviewed
    period: str  # the reviewed period in words
    actions: list[int]  # row positions in the actions frame
    kind: str = "regular"  # regular | ad_hoc


def _meetings(ctx: _Context) -> list[_Meeting]:
    out: list[_Meeting] = []
    months = len(ctx.month_first)
    for c in ctx.portfolio:
        offset = int(np.random.default_rng([ctx.seed, c.index, 4]).integers(0, 7))
        for m in range(c.start_month + 1, months):
            year, month = ctx.month_label[m]
            quarter_month = month in (1, 4, 7, 10)
            q_year, quarter = (year, (month - 1) // 3) if month > 1 else (year - 1, 4)
            if c.reporting == "monthly" or quarter_month:
                day = int(ctx.cal.next_workday(np.array([ctx.month_first[m] + 6 + offset]))[0])
                if c.reporting == "monthly":
                    py, pm = ctx.month_label[m - 1]
                    period = f"{_MONTH_ABBR[pm]} {py}"
                    label, reviewed = f"Monthly review {period}", (m - 1,)
                else:
                    period = f"Q{quarter} {q_year}"
                    label = f"Quarterly working review {period}"
                    reviewed = tuple(range(max(0, m - 3), m))
                if day <= ctx.end_day:
                    out.append(_Meeting(c.index, day, "working", label, reviewed, period, []))
            if quarter_month and (c.reporting == "monthly" or month in (1, 7)):
                day = int(ctx.cal.next_workday(np.array([ctx.month_first[m] + 15 + offset]))[0])
                if c.reporting == "monthly":
                    period = f"Q{quarter} {q_year}"
                    label, reviewed = f"Quarterly review {period}", tuple(range(max(0, m - 3), m))
                else:
                    half = 2 if month == 1 else 1
                    period = f"H{half} {year - 1 if month == 1 else year}"
                    label, reviewed = f"Half-yearly review {period}", tuple(range(max(0, m - 6), m))
                if day <= ctx.end_day:
                    out.append(_Meeting(c.index, day, "senior", label, reviewed, period, []))
            if month in (2, 5, 8, 11) and (m + c.index) % 2 == 0:  # now and then, off-cycle
                day = int(ctx.cal.next_workday(np.array([ctx.month_first[m] + 23]))[0])
                py, pm = ctx.month_label[m - 1]
                reason = _AD_HOC_REASONS[(m + c.index) % len(_AD_HOC_REASONS)]
                if day <= ctx.end_day:
                    out.append(
                        _Meeting(
                            c.index,
                            day,
                            "working",
                            f"Ad hoc meeting: {reason}",
                            (m - 1,),
                            f"{_MONTH_ABBR[pm]} {py}",
                            [],
                            kind="ad_hoc",
                        )
                    )
    out.sort(key=lambda x: (x.day, x.client, x.level))
    return out


# ---- the agreement over time (contract 10) -----------------------------------------------------

# The warnings that stop the clocks where an agreement says so, as the Observatory names them.
_SEVERE = ("T8", "T9", "T10", "Black rainstorm")
# Invented warnings of each summer (month, day, hour, minute, hours in force), in the season
# they come: a typhoon's signals one after another, black rainstorms, a T3 that stops nothing.
_WARNINGS = (
    ("T3", (7, 17, 9, 40), 26.0),
    ("T8", (7, 18, 11, 40), 9.5),
    ("Black rainstorm", (8, 4, 5, 10), 3.5),
    ("T8", (9, 1, 14, 20), 11.0),
    ("T9", (9, 2, 1, 20), 2.5),
    ("T10", (9, 2, 3, 50), 6.0),
    ("T8", (9, 2, 9, 50), 5.5),
    ("Black rainstorm", (9, 8, 0, 5), 4.0),
)


def _weather(ctx: _Context, end: datetime) -> str:
    """weather.csv: the warnings of every summer of the period (a different week each year)."""
    first = datetime(*ctx.month_label[0], 1)
    lines = ["warning,start,end"]
    for year in range(first.year, end.year + 1):
        for label, (month, day, hour, minute), hours in _WARNINGS:
            start = datetime(year, month, day, hour, minute) + timedelta(days=7 * (year % 3))
            stop = start + timedelta(hours=hours)
            if first <= start and stop <= end:
                lines.append(f"{label},{start:%Y-%m-%d %H:%M},{stop:%Y-%m-%d %H:%M}")
    return "\n".join(lines) + "\n"


def _agreement_over_time(ctx: _Context, meetings: list[_Meeting]) -> None:
    """Changes agreed at senior reviews, service credits and severe-weather terms, by kind of
    client: residential estates tighten P3 attendance from a month's first day and have
    credits; banks stop their clocks in severe weather, move grace days and the availability
    target in the middle of a month, and have credits; hotels stop their clocks; schools,
    malls and data centres keep their first terms."""
    months = len(ctx.month_first)
    for c in ctx.portfolio:
        senior = [m for m in meetings if m.client == c.index and m.level == "senior"]
        if c.kind == "residential":
            c.sla["credits"] = {
                "monthly_fee": 38000,
                "rules": [
                    _Flow({"figure": "attend_pct", "below": 90, "credit_pct": 2}),
                    _Flow({"figure": "restore_pct", "below": 92, "credit_pct": 3}),
                    _Flow({"figure": "availability_pct", "below": 99.3, "credit_pct": 5}),
                ],
                "cap_pct": 10,
            }
            meeting = _meeting_near(senior, ctx.month_first[months // 2])
            if meeting is not None:
                effective = _first_of_next_month(meeting.day)
                c.sla["changes"] = [
                    _change(
                        meeting,
                        effective,
                        {"incidents": {"P3": _Flow({"attend": "6h"})}, "incident_target_pct": 97},
                    )
                ]
        elif c.kind == "bank":
            c.sla["suspend_during"] = _FlowList(_SEVERE)
            c.sla["credits"] = {
                "monthly_fee": 96000,
                "rules": [
                    _Flow({"figure": "availability_pct", "below": 99.75, "credit_pct": 5}),
                    _Flow({"figure": "preventive_on_time_pct", "below": 93, "credit_pct": 2}),
                ],
                "cap_pct": 8,
            }
            meeting = _meeting_near(senior, ctx.month_first[months * 2 // 3])
            if meeting is not None:
                effective = meeting.day + 14  # the middle of a month
                changed = {"maintenance": _Flow({"grace_days": 3}), "availability_target_pct": 99.8}
                c.sla["changes"] = [_change(meeting, effective, changed)]
        elif c.kind == "hotel":
            c.sla["suspend_during"] = _FlowList(_SEVERE)


def _meeting_near(meetings: list[_Meeting], day: int) -> _Meeting | None:
    """The last of the meetings held by `day`, if any."""
    held = [m for m in meetings if m.day <= day]
    return held[-1] if held else None


def _first_of_next_month(day: int) -> int:
    d = date(1970, 1, 1) + timedelta(days=int(day))
    return _day(date(d.year + d.month // 12, d.month % 12 + 1, 1))


def _change(meeting: _Meeting, effective: int, changed: dict[str, Any]) -> dict[str, Any]:
    return {
        "effective_from": date(1970, 1, 1) + timedelta(days=int(effective)),
        "agreed": f"{meeting.label}, {_date_text(meeting.day)}",
        **changed,
    }


def _actions(ctx: _Context, meetings: list[_Meeting]) -> tuple[_Table, dict]:
    rng = ctx.rng(4)
    nm = len(meetings)
    m_client = np.array([x.client for x in meetings], dtype=np.int64)
    m_day = np.array([x.day for x in meetings], dtype=np.int64)
    m_senior = np.array([x.level == "senior" for x in meetings], dtype=bool)
    count = rng.integers(2, 7, nm)
    meeting = np.repeat(np.arange(nm), count)
    pos = np.arange(len(meeting)) - np.repeat(np.cumsum(count) - count, count)
    for i, x in enumerate(meetings):
        x.actions = list(range(int(count[:i].sum()), int(count[: i + 1].sum())))
    n = len(meeting)
    client, day, senior = m_client[meeting], m_day[meeting], m_senior[meeting]
    nw, ns = len(_WORKING_DECISIONS), len(_SENIOR_DECISIONS)
    start = rng.integers(0, 1000, nm)[meeting]
    tpl = np.where(senior, nw + (start + pos) % ns, (start + pos) % nw)
    decisions = [*_WORKING_DECISIONS, *_SENIOR_DECISIONS]
    site = _pick(
        rng,
        n,
        np.searchsorted(ctx.site_client, client, side="left"),
        np.bincount(ctx.site_client, minlength=len(ctx.portfolio))[client],
    )
    fields = {
        "site": ctx.site_name[site],
        "sys": _SYSTEM_TEXT[rng.choice(3, n)],
        "period": _obj([x.period for x in meetings])[meeting],
        "n": _NUM[rng.integers(3, 13, n)],
    }
    decision = _fill([d[0] for d in decisions], tpl, fields)
    outcome_done = _fill([d[2] for d in decisions], tpl, fields)
    owner_kind = _obj([d[1] for d in decisions])[tpl]
    roles = {k: np.full(n, v, dtype=object) for k, v in _CONTRACTOR_ROLES.items()}
    kinds = ctx.kind[client]
    roles["client"] = _obj([_CLIENT_ROLE[k][0] for k in _KINDS])[kinds]
    roles["client_senior"] = _obj([_CLIENT_ROLE[k][1] for k in _KINDS])[kinds]
    owner = np.full(n, None, dtype=object)
    for key, values in roles.items():
        sel = owner_kind == key
        owner[sel] = values[sel]
    due = day + rng.choice([14, 21, 28, 28, 42, 56, 90], n)
    r = rng.random(n)
    closed = day + np.maximum(1, np.rint(rng.uniform(0.2, 1.3, n) * (due - day))).astype(np.int64)
    done = (r < 0.8) & (closed <= ctx.end_day)
    dropped = (r >= 0.8) & (r < 0.86) & (day + 14 <= ctx.end_day)
    status = np.where(done, "done", np.where(dropped, "dropped", "open")).astype(object)
    outcome = np.where(
        done,
        outcome_done,
        np.where(
            dropped,
            _obj(_DROPPED_OUTCOMES)[rng.integers(0, len(_DROPPED_OUTCOMES), n)],
            np.where(rng.random(n) < 0.4, "In progress", None),
        ),
    ).astype(object)
    frame = _table(
        {
            "action_id": _ids("ACT", n, 6),
            "client_id": ctx.client_id[client],
            "meeting_date": _fmt_date(day),
            "meeting": _obj([x.label for x in meetings])[meeting],
            "level": np.where(senior, "senior", "working").astype(object),
            "decision": decision,
            "owner": owner,
            "due_date": _fmt_date(due),
            "status": status,
            "closed_on": _fmt_date(closed, done),
            "outcome": outcome,
            "feedback_id": np.full(n, None, dtype=object),
        },
        ACTION_COLUMNS,
    )
    raw = {"due": due, "closed": np.where(done, closed, -1), "status": status}
    return frame, raw


def _date_text(day: int) -> str:
    return (date(1970, 1, 1) + timedelta(days=int(day))).isoformat()


def _write_minutes(
    ctx: _Context,
    content: Path,
    meetings: list[_Meeting],
    actions: _Table,
    act: dict,
    raw: Mapping[str, dict],
    clients: int,
) -> int:
    written = 0
    inc, mnt, cmp_ = raw["incidents"], raw["maintenance"], raw["complaints"]
    action_id = actions["action_id"].to_pylist()
    decision = actions["decision"].to_pylist()
    owner = actions["owner"].to_pylist()
    due_date = actions["due_date"].to_pylist()
    for c in ctx.portfolio[:clients]:
        folder = content / "clients" / c.id
        folder.mkdir(parents=True, exist_ok=True)
        mine = [x for x in meetings if x.client == c.index]
        role, senior_role = _CLIENT_ROLE[c.kind]
        inc_c = inc["client"] == c.index
        mnt_c = mnt["client"] == c.index
        cmp_c = cmp_["client"] == c.index
        inc_month = np.searchsorted(ctx.month_first, inc["reported"] // 1440, side="right") - 1
        mnt_month = np.searchsorted(ctx.month_first, mnt["due"], side="right") - 1
        cmp_month = np.searchsorted(ctx.month_first, cmp_["received"] // 1440, side="right") - 1
        rng = np.random.default_rng([ctx.seed, c.index, 5])
        for i, x in enumerate(mine):
            if x.level == "senior":
                people = [
                    "Contractor account manager",
                    "Contractor service manager",
                    "Contractor operations director",
                    senior_role,
                    role,
                ]
            else:
                people = [
                    "Contractor service manager",
                    "Contractor technical lead",
                    role,
                    "Client security supervisor",
                ]
            front = {
                "date": date.fromisoformat(_date_text(x.day)),
                "level": x.level,
                "kind": x.kind,
                "title": x.label,
                "attendees": people,
            }
            lines = ["---", yaml.safe_dump(front, sort_keys=False, width=200).strip(), "---", ""]
            lines += [f"# {x.label}: minutes", ""]
            lines += [
                f"- **Client:** {c.name}",
                f"- **Date:** {_date_text(x.day)}",
                f"- **Level:** {x.level} level, {x.kind.replace('_', ' ')}",
                f"- **Period reviewed:** {x.period}",
                "",
                "## Attendees",
                "",
            ]
            lines += [f"- {p}" for p in people]
            lines += [
                "",
                "## Agenda",
                "",
                "1. Actions of previous meetings",
                f"2. Service performance in {x.period} against the SLA",
                "3. Complaints and feedback",
                "4. Maintenance programme",
            ]
            if x.level == "senior":
                lines += [
                    "5. Benchmark against similar arrangements",
                    "6. Changes to the SLA and budget",
                ]
            else:
                lines += ["5. Any other business"]
            lines += ["", "## Discussion", "", "### Actions of previous meetings", ""]
            prev_day = mine[i - 1].day if i else -1
            carried = []
            for y in mine[:i]:
                for a in y.actions:
                    st, cl, due = act["status"][a], act["closed"][a], act["due"][a]
                    closed_before = (st == "done" and cl <= prev_day) or (
                        st == "dropped" and due < prev_day
                    )
                    if closed_before:
                        continue
                    aid, text = action_id[a], decision[a]
                    if st == "done" and cl <= x.day:
                        state = f"done on {_date_text(cl)}"
                    elif st == "dropped" and due < x.day:
                        state = "dropped"
                    elif due < x.day:
                        state = f"open, overdue (due {_date_text(due)})"
                    else:
                        state = f"open, due {_date_text(due)}"
                    carried.append(f"- {aid} ({text}): {state}.")
            lines += carried or ["- No actions were open."]
            sel = inc_c & np.isin(inc_month, x.reviewed)
            by_p = np.bincount(inc["prio"][sel], minlength=4)
            outages = int(inc["outage"][sel].sum())
            pm = mnt_c & np.isin(mnt_month, x.reviewed) & ~mnt["kind"]
            pm_done = int((pm & mnt["done"] & (mnt["completed"] < x.day * 1440)).sum())
            received = int((cmp_c & np.isin(cmp_month, x.reviewed)).sum())
            lines += [
                "",
                "### Service performance",
                "",
                f"The contractor's service manager presented the service report for {x.period}. "
                f"{int(sel.sum())} incidents were reported (P1 {by_p[0]}, P2 {by_p[1]}, "
                f"P3 {by_p[2]}, P4 {by_p[3]}); {outages} of them took a system out of service.",
                "Attendance and restore times were reviewed against the SLA targets; "
                "breaches were discussed one by one and their causes recorded.",
                "",
                "### Complaints and feedback",
                "",
                f"{received} complaints were received in {x.period}. "
                + (
                    "The meeting reviewed the open ones and the root causes of those resolved."
                    if received
                    else "None were received."
                ),
                "",
                "### Maintenance programme",
                "",
                f"{int(pm.sum())} preventive maintenance visits were due in {x.period}; "
                f"{pm_done} had been completed by the date of this meeting.",
            ]
            if x.level == "senior":
                lines += [
                    "",
                    "### Benchmark, SLA and budget",
                    "",
                    "The account manager compared the headline figures with the portfolio's "
                    "quartiles for similar arrangements (no other client is named). "
                    + (
                        "The client asked for options to improve availability of ageing systems."
                        if rng.random() < 0.5
                        else "No change to the SLA targets was proposed this time."
                    ),
                ]
            lines += [
                "",
                "## Decisions",
                "",
                "| Action | Decision | Owner | Due |",
                "| --- | --- | --- | --- |",
            ]
            for a in x.actions:
                lines.append(f"| {action_id[a]} | {decision[a]} | {owner[a]} | {due_date[a]} |")
            lines += [
                "",
                f"Next meeting: to be confirmed by the {_CONTRACTOR_ROLES['service'].lower()}.",
                "",
            ]
            path = folder / f"minutes-{_date_text(x.day)}.md"
            path.write_text("\n".join(lines), encoding="utf-8")
            written += 1
    return written


# --------------------------------------------------------------------------------------------
# Deliberate defects
# --------------------------------------------------------------------------------------------

_DUPLICATE = object()


def _valid(column: str) -> Any:
    return lambda t: pc.is_valid(t[column]).to_numpy(zero_copy_only=False)


def _equals(column: str, value: str) -> Any:
    return lambda t: pc.fill_null(pc.equal(t[column], value), False).to_numpy(zero_copy_only=False)


def _plant(
    table: _Table,
    file: str,
    specs: Sequence[tuple[str, str, Any, Any]],
    rng: np.random.Generator,
    text_columns: Sequence[str],
) -> tuple[_Table, list[PlantedDefect]]:
    """Plant defects: each spec is (column, problem, value | callable | _DUPLICATE, eligible).

    At least one row per spec and about 0.01% of the rows over all specs. A duplicate is a
    copy of a row written right after it (the copy is the defect).
    """
    id_col = next(iter(table))
    n = len(table[id_col])
    per_spec = max(1, int(n * 1e-4 / len(specs)))
    used = np.zeros(n, dtype=bool)
    changes: list[tuple[int, str, str, str]] = []  # (row, column, problem, value)
    dups: list[int] = []
    for column, problem, value, eligible in specs:
        pool = np.flatnonzero(~used if eligible is None else (~used & eligible(table)))
        if pool.size == 0:
            continue
        rows = np.sort(rng.choice(pool, min(per_spec, pool.size), replace=False))
        used[rows] = True
        if value is _DUPLICATE:
            dups += rows.tolist()
            continue
        new = value(table, rows) if callable(value) else [value] * rows.size
        mask = np.zeros(n, dtype=bool)
        mask[rows] = True
        table[column] = pc.replace_with_mask(table[column], pa.array(mask), pa.array(new, _L))
        changes += [(int(r), column, problem, str(v)) for r, v in zip(rows, new, strict=True)]
    dups_a = np.array(sorted(dups), dtype=np.int64)
    src = np.insert(np.arange(n), dups_a + 1, dups_a)
    copy = np.insert(np.zeros(n, dtype=bool), dups_a + 1, True)
    if dups_a.size:
        index = pa.array(src)
        table = {k: v.take(index) for k, v in table.items()}
    extra = np.zeros(len(src), dtype=np.int64)
    for col in text_columns:
        count = pc.fill_null(pc.count_substring(table[col], "\n"), 0)
        extra += count.to_numpy(zero_copy_only=False).astype(np.int64)
    line = 2 + np.concatenate([[0], np.cumsum(1 + extra)[:-1]])
    ids = table[id_col]
    orig_pos = np.flatnonzero(~copy)  # final position of original row r
    defects = [
        PlantedDefect(file, int(line[orig_pos[r]]), ids[int(orig_pos[r])].as_py(), c, p, v)
        for r, c, p, v in changes
    ]
    for pos in np.flatnonzero(copy):
        rid = ids[int(pos)].as_py()
        defects.append(PlantedDefect(file, int(line[pos]), rid, id_col, "duplicate id", rid))
    defects.sort(key=lambda d: d.line)
    return table, defects


def _hours_before(column: str, hours: int) -> Any:
    def value(table: _Table, rows: np.ndarray) -> list[str]:
        out = []
        for text in table[column].take(pa.array(rows)).to_pylist():
            when = datetime.strptime(text, "%Y-%m-%d %H:%M") - timedelta(hours=hours)
            out.append(when.strftime("%Y-%m-%d %H:%M"))
        return out

    return value


def _defect_specs(end: datetime) -> Mapping[str, list[tuple[str, str, Any, Any]]]:
    y = end.year
    return {
        "incidents.csv": [
            ("reported_at", "unparseable timestamp", f"31/02/{y} 25:00", None),
            ("incident_id", "duplicate id", _DUPLICATE, None),
            ("priority", "unknown priority", "P9", None),
            (
                "resolved_at",
                "resolved_at before reported_at",
                _hours_before("reported_at", 3),
                lambda t: _valid("resolved_at")(t) & ~_valid("attended_at")(t),
            ),
        ],
        "maintenance.csv": [
            ("completed_at", "unparseable timestamp", f"{y}-02-30 10:00", _valid("completed_at")),
            ("job_id", "duplicate id", _DUPLICATE, None),
            ("status", "unknown status", "done", None),
        ],
        "complaints.csv": [
            ("received_at", "unparseable timestamp", f"{y}-04-31 14:00", None),
            ("complaint_id", "duplicate id", _DUPLICATE, None),
            ("satisfaction", "satisfaction outside 1-5", "7", _equals("status", "resolved")),
        ],
        "actions.csv": [
            ("action_id", "duplicate id", _DUPLICATE, None),
            ("status", "unknown status", "pending", None),
        ],
        "feedback.csv": [
            ("score", "score outside 1-5", "6", _valid("score")),
        ],
        "training.csv": [
            ("completed_on", "unparseable date", f"{y}-13-01", None),
        ],
    }


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def write_demo(
    out: Path,
    *,
    clients: int = 6,
    months: int = 24,
    seed: int = 7,
    end: datetime = DEMO_END,
    content: Path | None = None,
    defects: bool = True,
    minutes_clients: int = 1,
) -> DemoSummary:
    """Write a synthetic portfolio to `out` and return what was written.

    Writes out/clients.yml, out/incidents.csv, out/maintenance.csv, out/complaints.csv and
    out/actions.csv covering the `months` calendar months that end with `end`. When `content`
    is given, also writes the minutes of every review meeting of the first `minutes_clients`
    clients to content/clients/<client-id>/minutes-<YYYY-MM-DD>.md (attendees by role,
    agenda, discussion, decisions naming the action ids of actions.csv). With `defects` a few
    deliberate data defects are planted in every CSV (listed in `DemoSummary.defects`).
    The same arguments always give byte-identical files.
    """
    if clients < 1:
        raise ValueError("clients must be at least 1")
    if months < 1:
        raise ValueError("months must be at least 1")
    end = end.replace(second=0, microsecond=0, tzinfo=None)
    out = Path(out)
    portfolio = _portfolio(clients, months, seed)
    ctx = _context(portfolio, months, seed, end)
    first_year = ctx.month_label[0][0]
    meetings = _meetings(ctx)
    _agreement_over_time(ctx, meetings)
    out.mkdir(parents=True, exist_ok=True)
    text = _clients_yaml(
        portfolio, range(first_year, end.year + 1), seed, end + timedelta(minutes=1)
    )
    (out / "clients.yml").write_text(text, encoding="utf-8", newline="\n")

    incidents, inc_raw = _incidents(ctx)
    maintenance, mnt_raw = _maintenance(ctx, inc_raw)
    complaints, cmp_raw = _complaints(ctx)
    actions, act_raw = _actions(ctx, meetings)
    (out / "weather.csv").write_text(_weather(ctx, end), encoding="utf-8", newline="\n")
    feedback, fb_raw = _feedback(ctx)
    actions = _answer_feedback(ctx, actions, feedback, fb_raw)
    training = _training(ctx)

    minutes = 0
    if content is not None:
        raw = {"incidents": inc_raw, "maintenance": mnt_raw, "complaints": cmp_raw}
        minutes = _write_minutes(
            ctx, Path(content), meetings, actions, act_raw, raw, minutes_clients
        )

    frames = {
        "incidents.csv": (incidents, ("summary",)),
        "maintenance.csv": (maintenance, ("notes",)),
        "complaints.csv": (complaints, ("description",)),
        "actions.csv": (actions, ()),
        "feedback.csv": (feedback, ("text",)),
        "training.csv": (training, ()),
    }
    planted: list[PlantedDefect] = []
    specs = _defect_specs(end)
    for i, (name, (table, text_columns)) in enumerate(frames.items()):
        if defects and len(next(iter(table.values()))):
            rng = np.random.default_rng([seed, 1_000_003, 50 + i])
            table, found = _plant(table, name, specs[name], rng, text_columns)
            planted += found
            frames[name] = (table, text_columns)
        _write_csv(out / name, table)
    return DemoSummary(
        clients=tuple(c.id for c in portfolio),
        incidents=len(frames["incidents.csv"][0]["incident_id"]),
        maintenance=len(frames["maintenance.csv"][0]["job_id"]),
        complaints=len(frames["complaints.csv"][0]["complaint_id"]),
        actions=len(frames["actions.csv"][0]["action_id"]),
        minutes=minutes,
        defects=tuple(planted),
        feedback=len(frames["feedback.csv"][0]["feedback_id"]),
        training=len(frames["training.csv"][0]["training_id"]),
    )
