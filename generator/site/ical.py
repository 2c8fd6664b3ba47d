"""The calendar of a client's site (`calendar.ics`, RFC 5545): the preventive maintenance
visits still to come after the as-of time (site, system, due date) and the review meetings
arranged in clients.yml (`scheduled_meetings`), so that a building manager can arrange access.

The visits are written a column at a time; the words come from templates/feeds/calendar.j2.
Every value is as published elsewhere on the site (site names redacted, system names).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pandas as pd

from generator.inputs.config import slug, system_name
from generator.site.render import environment

if TYPE_CHECKING:
    from generator.site.pages import ClientView

CALENDAR = "calendar.ics"
_SLOT = re.compile("\x00([a-z]+)\x00")
_LIMIT = 75  # octets per line, then folded (RFC 5545 3.1)


def ical_calendar(view: ClientView, visits: pd.DataFrame | None, base: str) -> str:
    """The client's calendar: its visits by due date, then its meetings by date."""
    words = environment().get_template("feeds/calendar.j2").module
    client, provider = view.client, view.config.provider.name
    stamp = view.figures.as_of.tz_convert("UTC").strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//svcsite//{_text(provider)}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(str(words.calendar_name(client.name)))}",
        f"X-WR-CALDESC:{_text(str(words.calendar_description(client.name, provider)))}",
        f"X-WR-TIMEZONE:{view.config.timezone}",
    ]
    if visits is not None and len(visits):
        lines += _visit_lines(view, visits, base, stamp, words)
    lines += _meeting_lines(view, base, stamp, words)
    lines.append("END:VCALENDAR")
    return "".join(f"{_fold(line)}\r\n" for line in lines)


def _visit_lines(view: ClientView, visits: pd.DataFrame, base: str, stamp: str, words) -> list[str]:
    provider = view.config.provider.name
    system = visits["system"].astype(str).map(system_name)
    site = visits["site_id"].astype(str).map(view.site_names)
    job = visits["job_id"].astype(str)
    due = visits["due_date"]
    slots = {"system": system, "site": site, "job": job, "provider": provider}
    host = _uid_host(view, base)
    columns = [
        pd.Series("BEGIN:VEVENT", index=visits.index),
        "UID:" + _texts(job + ".maintenance" + host),
        f"DTSTAMP:{stamp}",
        "DTSTART;VALUE=DATE:" + due.dt.strftime("%Y%m%d"),
        "DTEND;VALUE=DATE:" + (due + pd.Timedelta(days=1)).dt.strftime("%Y%m%d"),
        "SUMMARY:" + _texts(_fill(words.visit_summary, slots)),
        "LOCATION:" + _texts(site),
        "DESCRIPTION:" + _texts(_fill(words.visit_description, slots)),
        "CATEGORIES:Preventive maintenance",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]
    events = pd.concat([pd.Series(c, index=visits.index) for c in columns], axis=1)
    return events.to_numpy().ravel().tolist()


def _meeting_lines(view: ClientView, base: str, stamp: str, words) -> list[str]:
    """The meetings arranged for the as-of date or later (a handful, from clients.yml)."""
    today = view.figures.as_of.tz_localize(None).date()
    timezone = view.config.timezone
    provider = view.config.provider.name
    lines: list[str] = []
    for meeting in view.client.scheduled_meetings:
        if meeting.date < today:
            continue
        if meeting.time is None:
            when = [
                f"DTSTART;VALUE=DATE:{meeting.date:%Y%m%d}",
                f"DTEND;VALUE=DATE:{meeting.date + pd.Timedelta(days=1):%Y%m%d}",
            ]
        else:
            start, end = (
                pd.Timestamp(f"{meeting.date} {t}").tz_localize(timezone).tz_convert("UTC")
                for t in meeting.time.split("-")
            )
            when = [f"DTSTART:{start:%Y%m%dT%H%M%SZ}", f"DTEND:{end:%Y%m%dT%H%M%SZ}"]
        uid = f"{meeting.date}.{slug(meeting.title)}.meeting{_uid_host(view, base)}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_text(uid)}",
            f"DTSTAMP:{stamp}",
            *when,
            f"SUMMARY:{_text(meeting.title)}",
            *([f"LOCATION:{_text(meeting.location)}"] if meeting.location else []),
            f"DESCRIPTION:{_text(str(words.meeting_description(meeting.level, provider)))}",
            "CATEGORIES:Review meeting",
            "END:VEVENT",
        ]
    return lines


def _uid_host(view: ClientView, base: str) -> str:
    """The end of every UID of the calendar: the client and the host it is published on, so
    that an event keeps its UID from build to build (calendar apps update it in place)."""
    return f".{view.client.id}@{urlsplit(base).hostname or 'localhost'}"


def _fill(macro, slots: dict[str, pd.Series | str]) -> pd.Series:
    """A template's sentence for every row: the macro is rendered once around markers, which
    are then replaced by the columns (a column at a time, not a row at a time)."""
    names = macro.arguments
    pattern = str(macro(*(f"\x00{name}\x00" for name in names)))
    parts = _SLOT.split(pattern)
    result: pd.Series | str = parts[0]
    for index, part in enumerate(parts[1:], start=1):
        result = result + (slots[part] if index % 2 else part)
    return result  # type: ignore[return-value]


def _text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _texts(values: pd.Series) -> pd.Series:
    """`_text` of a column at once."""
    for old, new in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\r\n", "\\n"), ("\n", "\\n")):
        values = values.str.replace(old, new, regex=False)
    return values


def _fold(line: str) -> str:
    """A content line longer than 75 octets, folded: CRLF and a space before each further
    75-octet piece (74 after the space), never inside a character."""
    if len(line.encode()) <= _LIMIT:
        return line
    pieces, piece, size = [], "", 0
    for character in line:
        octets = len(character.encode())
        if size + octets > (_LIMIT if not pieces else _LIMIT - 1):
            pieces.append(piece)
            piece, size = "", 0
        piece += character
        size += octets
    pieces.append(piece)
    return "\r\n ".join(pieces)
