"""`clients.yml`: the provider, calendars, clients, their sites and SLAs, and source adapters.

Declared once with pydantic; every error names the full key path
(`clients[2].sla.incidents.P3.calendar`) and what was expected.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
)

from generator import N_
from generator.errors import InputError, Problem, UsageError
from generator.figures.clock import WEEKDAYS, make_calendar, parse_hours
from generator.figures.definitions import BENCHMARKED
from generator.inputs.tables import SOURCES

ALWAYS_OPEN = "24x7"
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SYSTEM_ID = r"^[a-z0-9_]+$"
SYSTEM_NAMES = {
    "cctv": N_("CCTV"),
    "access_control": N_("Access control"),
    "intruder_alarm": N_("Intruder alarm"),
    "video_intercom": N_("Video intercom"),
    "car_park_barrier": N_("Car park barrier"),
    "fire_alarm_interface": N_("Fire alarm interface"),
    "pa_system": N_("PA system"),
    "nvr": N_("NVR"),
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mh])\s*$")
SITE_SLUG_LENGTH = 60  # characters of a site id kept in its slug (a file name: 255 bytes at most)


def system_name(system_id: str) -> str:
    """Display name of a system id: the common ones by name, others title-cased."""
    if system_id in SYSTEM_NAMES:
        from generator.site.i18n import gettext  # the site stage's, where names are shown

        return gettext(SYSTEM_NAMES[system_id])
    return system_id.replace("_", " ").capitalize()


def _minutes(value: Any) -> float:
    """'90m' -> 90.0, '4h' -> 240.0."""
    match = _DURATION.match(str(value)) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"expected a duration like '90m' or '4h', got {value!r}")
    number, unit = float(match.group(1)), match.group(2)
    return number * 60 if unit == "h" else number


def _open_hours(text: str) -> str:
    parse_hours(text)
    return text


def _meeting_time(text: str) -> str:
    if len(parse_hours(text)) != 1:
        raise ValueError(f"expected one time range such as '10:00-11:30', got {text!r}")
    return text


def _site_id(value: Any) -> str:
    """Any non-empty text, as the exports spell it; surrounding spaces are not part of it
    (the exports' values lose theirs when read)."""
    if not isinstance(value, str):
        # To YAML `id: 0143` is the number 99 and `id: no` is false: only quotes keep the text.
        raise ValueError(
            f"expected text, got {value!r}: put the id in quotes, as the export spells it"
        )
    if not value.strip():
        raise ValueError("expected a site id: any non-empty text")
    return value.strip()


def slug(text: str) -> str:
    """A readable URL path segment and file name for `text`: its letters and digits, in
    lower case, any other run of characters one hyphen ('Location 143' -> 'location-143',
    '中環分行' -> '中環分行'); 'site' for text without a letter or a digit. Not unique by
    itself: see `unique_slugs`."""
    normal = unicodedata.normalize("NFKC", text).lower()
    kept = "".join(c if unicodedata.category(c)[0] in "LNM" else " " for c in normal)
    words = "-".join(kept.split())[:SITE_SLUG_LENGTH].strip("-")
    # NFC: the same bytes whichever way the text was composed (file names are compared as bytes).
    return unicodedata.normalize("NFC", words) or "site"


# Dumped as it is written ('540.0m'), so that merged terms validate again (see Sla.versions).
Minutes = Annotated[float, BeforeValidator(_minutes), PlainSerializer(lambda m: f"{m}m")]
OpenHours = Annotated[str, AfterValidator(_open_hours)]
Percent = Annotated[float, Field(ge=0, le=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Licence(Strict):
    """The provider's security company licence (Security and Guarding Services Ordinance,
    Cap 460), shown on every client's Licence and compliance page."""

    type: str = Field(min_length=1)  # e.g. "Type III (installation and maintenance)"
    number: str = Field(min_length=1)
    expiry: date


class PersonalData(Strict):
    """What the personal data collection statement (Cap 486) needs beyond its prose: how long
    complainants' personal data is kept, and who answers requests for access or correction
    (a role; the provider's own e-mail address and phone number are given with it)."""

    retention_months: int = Field(ge=1)
    officer: str = Field(default="Data Protection Officer", min_length=1)


class Safety(Strict):
    """Who answers for safety at work on the clients' sites (Cap 509), a role."""

    officer: str = Field(default="Safety Officer", min_length=1)


class Provider(Strict):
    name: str
    email: str | None = None
    phone: str | None = None
    licence: Licence | None = None
    personal_data: PersonalData | None = None
    safety: Safety | None = None


class CalendarConfig(Strict):
    """A business calendar: weekday opening hours, minus holidays and extra closed dates."""

    hours: dict[Literal[WEEKDAYS], OpenHours] = Field(default_factory=dict)  # type: ignore[valid-type]
    holidays: str | None = None
    extra_closed: list[date] = Field(default_factory=list)

    @field_validator("holidays")
    @classmethod
    def _holidays_known(cls, country: str | None) -> str | None:
        if country is not None:
            make_calendar("check", "UTC", holidays=country)
        return country


class IncidentTarget(Strict):
    attend: Minutes
    restore: Minutes
    calendar: str


class MaintenanceSla(Strict):
    grace_days: int = Field(ge=0)
    target_pct: Percent


class ComplaintSla(Strict):
    acknowledge: Minutes
    resolve: Minutes
    calendar: str
    target_pct: Percent


class CreditRule(Strict):
    """A service credit: `credit_pct` of the period's fee when `figure`, rounded as shown, is
    below `below` (default: that figure's target in force for the period)."""

    figure: Literal[BENCHMARKED]  # type: ignore[valid-type]
    below: Percent | None = None
    credit_pct: float = Field(gt=0, le=100)


class Credits(Strict):
    monthly_fee: float = Field(ge=0)  # HK$; a quarterly client's period fee is 3x
    rules: list[CreditRule] = Field(min_length=1)
    cap_pct: Percent = 100


class SlaTerms(Strict):
    """The terms of the agreement at one time."""

    incidents: dict[str, IncidentTarget] = Field(min_length=1)
    incident_target_pct: Percent
    maintenance: MaintenanceSla | None = None
    complaints: ComplaintSla | None = None
    availability_target_pct: Percent | None = None
    suspend_during: list[str] = Field(default_factory=list)  # weather warnings' labels
    credits: Credits | None = None


class IncidentTargetChange(Strict):
    attend: Minutes | None = None
    restore: Minutes | None = None
    calendar: str | None = None


class MaintenanceChange(Strict):
    grace_days: int | None = Field(default=None, ge=0)
    target_pct: Percent | None = None


class ComplaintChange(Strict):
    acknowledge: Minutes | None = None
    resolve: Minutes | None = None
    calendar: str | None = None
    target_pct: Percent | None = None


class CreditsChange(Strict):
    monthly_fee: float | None = Field(default=None, ge=0)
    rules: list[CreditRule] | None = Field(default=None, min_length=1)
    cap_pct: Percent | None = None


class SlaChange(Strict):
    """A later agreed change: only the keys that changed, merged key by key over the terms
    before it (a list, such as the credit rules or `suspend_during`, is replaced whole)."""

    effective_from: date  # in force from its local midnight
    agreed: str | None = None  # where it was agreed, e.g. "Senior review meeting, 2026-06-15"
    incidents: dict[str, IncidentTargetChange] | None = None
    incident_target_pct: Percent | None = None
    maintenance: MaintenanceChange | None = None
    complaints: ComplaintChange | None = None
    availability_target_pct: Percent | None = None
    suspend_during: list[str] | None = None
    credits: CreditsChange | None = None

    def changed(self) -> dict[str, Any]:
        """The keys this change sets, as clients.yml holds them."""
        return self.model_dump(exclude_unset=True, exclude={"effective_from", "agreed"})


@dataclass(frozen=True)
class SlaVersion:
    """The terms in force from `effective_from` (None: as first agreed)."""

    number: int
    effective_from: date | None
    agreed: str | None
    terms: SlaTerms
    changes: tuple[tuple[str, Any, Any], ...]  # (key path, old value, new value)


class Sla(SlaTerms):
    changes: list[SlaChange] = Field(default_factory=list)  # oldest first

    @cached_property
    def versions(self) -> tuple[SlaVersion, ...]:
        """The terms as first agreed, then after each change."""
        terms = SlaTerms.model_validate(self.model_dump(exclude={"changes"}))
        versions = [SlaVersion(0, None, None, terms, ())]
        for number, change in enumerate(self.changes, start=1):
            before = terms.model_dump()
            merged = merge_terms(before, change.changed())
            terms = SlaTerms.model_validate(merged)
            diff = tuple(_differences("", before, terms.model_dump()))
            versions.append(SlaVersion(number, change.effective_from, change.agreed, terms, diff))
        return tuple(versions)

    def in_force(self, day: date) -> SlaTerms:
        """The terms in force on a (local) date."""
        terms = self.versions[0].terms
        for version in self.versions[1:]:
            if version.effective_from is not None and version.effective_from <= day:
                terms = version.terms
        return terms


def merge_terms(before: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """`change` over `before`, key by key: mappings merge, anything else is replaced."""
    merged = dict(before)
    for key, value in change.items():
        old = merged.get(key)
        merged[key] = (
            merge_terms(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
        )
    return merged


def _differences(path: str, old: Any, new: Any) -> Iterator[tuple[str, Any, Any]]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in dict.fromkeys([*old, *new]):
            yield from _differences(f"{path}.{key}" if path else key, old.get(key), new.get(key))
    elif old != new:
        yield path, old, new


class Site(Strict):
    id: Annotated[str, BeforeValidator(_site_id)]
    name: str
    systems: list[Annotated[str, Field(pattern=SYSTEM_ID)]] = Field(min_length=1)


class ScheduledMeeting(Strict):
    """A review meeting already arranged, for the client's calendar (calendar.ics)."""

    date: date
    time: Annotated[str, AfterValidator(_meeting_time)] | None = None  # "10:00-11:30", local
    title: str = Field(min_length=1)  # e.g. "Quarterly review Q4 2026"
    level: Literal["working", "senior"] | None = None
    location: str | None = None


class Client(Strict):
    id: Annotated[str, Field(pattern=SLUG)]
    name: str
    reporting: Literal["monthly", "quarterly"] = "monthly"
    password_env: str | None = None
    people: list[str] = Field(default_factory=list)
    sites: list[Site] = Field(min_length=1)
    sla: Sla
    # A repeat fault: an incident whose (site, system) had another in this many days before.
    repeat_window_days: int = Field(default=30, ge=1, le=366, strict=True)
    # Review meetings arranged ahead: the calendar holds those on or after the as-of date.
    scheduled_meetings: list[ScheduledMeeting] = Field(default_factory=list)
    # The site's languages (contract 13); the first is its main one, the others follow it in
    # a folder of their own (zh-Hant: zh/).
    languages: list[Literal["en", "zh-Hant"]] = Field(default_factory=lambda: ["en"], min_length=1)

    @field_validator("languages")
    @classmethod
    def _distinct_languages(cls, languages: list[str]) -> list[str]:
        if len(set(languages)) < len(languages):
            raise ValueError(f"each language once, got {languages}")
        return languages


def unique_slugs(texts: list[str], reserved: Collection[str] = ()) -> list[str]:
    """`slug(text)` of each text, and when an earlier text (in order) or `reserved` (names
    taken by other pages, such as `index`) has it already, the first free one of `-2`,
    `-3`... Appending a text never changes the slugs of the others."""
    slugs: list[str] = []
    taken: set[str] = set(reserved)
    for text in texts:
        base = candidate = slug(text)
        number = 2
        while candidate in taken:
            candidate, number = f"{base}-{number}", number + 1
        slugs.append(candidate)
        taken.add(candidate)
    return slugs


class OutsideBenchmark(Strict):
    """A published reference figure from outside the portfolio (contract 11), shown beside
    the portfolio range wherever that figure appears, with where it comes from."""

    figure: str  # a benchmarked figure's id, e.g. attend_pct
    value: Percent
    source: Annotated[str, Field(min_length=1)]
    year: int = Field(ge=1900, le=2100)

    @field_validator("figure")
    @classmethod
    def _benchmarked(cls, figure: str) -> str:
        from generator.figures.definitions import BENCHMARKED  # it imports this module

        if figure not in BENCHMARKED:
            raise ValueError(f"unknown figure {figure!r}; expected one of {', '.join(BENCHMARKED)}")
        return figure


class Source(Strict):
    """How to read one real export: where it is, its headers, formats and values."""

    file: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    datetime_format: str | None = None
    date_format: str | None = None
    encoding: str | None = None
    na_values: list[str] = Field(default_factory=list)
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    defaults: dict[str, str] = Field(default_factory=dict)
    keep: Literal["last"] | None = None

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, encoding: str | None) -> str | None:
        if encoding is not None:
            import codecs

            try:
                codecs.lookup(encoding)
            except LookupError:
                raise ValueError(f"unknown encoding {encoding!r}") from None
        return encoding


class Config(Strict):
    """The whole of clients.yml. Its cross-references (calendars, unique ids, the sources'
    columns) are checked by `load_config`, with the fields, in one run."""

    provider: Provider
    timezone: str = "Asia/Hong_Kong"
    site_url: str | None = None  # where the sites are published; each client is site_url/<id>/
    as_of: datetime | None = None
    calendars: dict[str, CalendarConfig] = Field(default_factory=dict)
    clients: list[Client] = Field(min_length=1)
    sources: dict[Literal[tuple(SOURCES)], Source] = Field(default_factory=dict)  # type: ignore[valid-type]
    benchmarks: list[OutsideBenchmark] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, timezone: str) -> str:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {timezone!r}") from None
        return timezone

    def client(self, client_id: str) -> Client:
        """The client of that id; an unknown id is a usage error naming the known ones."""
        for client in self.clients:
            if client.id == client_id:
                return client
        known = ", ".join(client.id for client in self.clients)
        raise UsageError(f"unknown client {client_id!r} (known: {known})")

    def source(self, table_name: str) -> Source:
        return self.sources.get(table_name, Source())


def _mapping(value: Any) -> dict[Any, Any]:
    """A part of the raw config that should be a mapping; anything else is a field error,
    reported by pydantic, and holds nothing to cross-check."""
    return value if isinstance(value, dict) else {}


def _sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _reference_problems(raw: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(key path, message) of each cross-reference problem: a calendar that is not defined,
    a duplicate client or site id, a source naming a column its table does not have or a
    client that is not defined. Checked on the raw data, so that they are reported with the
    field errors, in one run (pydantic's model validators only run once the fields are
    valid); values of the wrong type are field errors and are left out here."""
    defined = _mapping(raw.get("calendars"))
    calendars = {ALWAYS_OPEN, *map(str, defined)}
    known_calendars = ", ".join(sorted(calendars))
    if ALWAYS_OPEN in defined:
        yield f"calendars.{ALWAYS_OPEN}", f"'{ALWAYS_OPEN}' is built in and cannot be redefined"

    def undefined(where: str, target: Any) -> Iterator[tuple[str, str]]:
        calendar = _mapping(target).get("calendar")
        if isinstance(calendar, str) and calendar not in calendars:
            yield (
                f"{where}.calendar",
                f"calendar {calendar!r} is not defined (defined: {known_calendars})",
            )

    clients: list[str] = []
    for index, client in enumerate(map(_mapping, _sequence(raw.get("clients")))):
        where = f"clients[{index}]"
        client_id = client.get("id")
        if isinstance(client_id, str):
            if client_id in clients:
                yield f"{where}.id", f"duplicate client id {client_id!r}"
            else:
                clients.append(client_id)
        sites: set[str] = set()
        for site_index, site in enumerate(map(_mapping, _sequence(client.get("sites")))):
            site_id = site.get("id")
            site_id = site_id.strip() if isinstance(site_id, str) else ""
            if site_id in sites:
                yield f"{where}.sites[{site_index}].id", f"duplicate site id {site_id!r}"
            elif site_id:
                sites.add(site_id)
        sla = _mapping(client.get("sla"))
        for priority, target in _mapping(sla.get("incidents")).items():
            yield from undefined(f"{where}.sla.incidents.{priority}", target)
        yield from undefined(f"{where}.sla.complaints", sla.get("complaints"))
        yield from _change_problems(f"{where}.sla", sla, undefined)
    for table_name, source in _mapping(raw.get("sources")).items():
        table = SOURCES.get(table_name)
        if table is None:
            continue
        for part in ("columns", "values", "defaults"):
            for column in _mapping(_mapping(source).get(part)):
                if column not in table.column_names:
                    yield (
                        f"sources.{table_name}.{part}.{column}",
                        f"{table.file_name} has no column {column!r}",
                    )
        client_id = _mapping(_mapping(source).get("defaults")).get("client_id")
        if isinstance(client_id, str) and clients and client_id not in clients:
            yield (
                f"sources.{table_name}.defaults.client_id",
                f"client {client_id!r} is not defined (defined: {', '.join(clients)})",
            )


# A section a change brings into an agreement that had none must be whole.
_SECTION_KEYS = {
    "maintenance": ("grace_days", "target_pct"),
    "complaints": ("acknowledge", "resolve", "calendar", "target_pct"),
    "credits": ("monthly_fee", "rules"),
}


def _change_problems(
    where: str, sla: dict[str, Any], undefined: Callable[[str, Any], Iterator[tuple[str, str]]]
) -> Iterator[tuple[str, str]]:
    """A change's cross-references: calendars, priorities the agreement has, sections it
    brings in whole, and dates in order (oldest first)."""
    priorities = [str(priority) for priority in _mapping(sla.get("incidents"))]
    sections = {name for name in _SECTION_KEYS if sla.get(name) is not None}
    previous: date | None = None
    for index, change in enumerate(map(_mapping, _sequence(sla.get("changes")))):
        at = f"{where}.changes[{index}]"
        for priority, target in _mapping(change.get("incidents")).items():
            if str(priority) not in priorities:
                yield (
                    f"{at}.incidents.{priority}",
                    f"priority {priority!r} is not in the agreement ({', '.join(priorities)}): "
                    "a change can only change the targets of its priorities",
                )
            yield from undefined(f"{at}.incidents.{priority}", target)
        yield from undefined(f"{at}.complaints", change.get("complaints"))
        for name, keys in _SECTION_KEYS.items():
            if name not in change:
                continue
            if change[name] is None:
                sections.discard(name)
                continue
            if name not in sections:
                for key in keys:
                    if key not in _mapping(change[name]):
                        yield (
                            f"{at}.{name}.{key}",
                            f"required key is missing (the agreement had no {name} terms before)",
                        )
                sections.add(name)
        day = _date(change.get("effective_from"))
        if day is not None and previous is not None and day <= previous:
            yield (
                f"{at}.effective_from",
                f"{day} is not after the change before it ({previous}): list changes oldest first",
            )
        previous = day or previous


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


_PYDANTIC_MESSAGES = {
    "extra_forbidden": "unknown key",
    "missing": "required key is missing",
}


def _key_path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _pydantic_problems(file: Path, error: ValidationError) -> list[Problem]:
    problems = []
    for detail in error.errors():
        cause = detail.get("ctx", {}).get("error")
        location = tuple(part for part in detail["loc"] if not str(part).startswith("function-"))
        # pydantic adds the Literal choice to the path of a dict key error; drop it.
        if detail["type"] == "literal_error" and location and location[-1] == "[key]":
            location = location[:-1]
            message = (
                f"unknown key {detail['input']!r}; expected one of {detail['ctx']['expected']}"
            )
        elif isinstance(cause, ValueError):
            message = str(cause)
        else:
            message = _PYDANTIC_MESSAGES.get(detail["type"], detail["msg"])
            if detail["type"] not in ("missing", "extra_forbidden") and not isinstance(
                detail["input"], dict | list
            ):
                message += f" (got {detail['input']!r})"
        problems.append(Problem(file=str(file), column=_key_path(location), message=message))
    return problems


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date as YAML reads it; one that is no date (2026-11-31) stays text, for the field's
    check to name with its key path (PyYAML would raise a bare ValueError)."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


class _SafeLoader(yaml.SafeLoader):
    pass


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


for _loader in (_SafeLoader, _FastLoader):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _parse_yaml(text: str) -> Any:
    """libyaml's safe loader where PyYAML has it: the pure-Python one takes seconds on a
    200-client clients.yml. On an error the pure-Python one parses again, for its message
    (it says what it found where: "expected ',' or '}', but got ':'")."""
    try:
        return yaml.load(text, Loader=_FastLoader)
    except yaml.YAMLError:
        return yaml.load(text, Loader=_SafeLoader)


def load_config(path: Path) -> Config:
    """Read and validate clients.yml; raise InputError listing every problem."""
    if not path.is_file():
        raise InputError([Problem(file=str(path), message="file not found")])
    try:
        raw = _parse_yaml(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise InputError(
            [Problem(file=str(path), line=line, message=f"not valid YAML: {problem}")]
        ) from None
    except UnicodeDecodeError as error:
        raise InputError(
            [Problem(file=str(path), message=f"not UTF-8 text ({error.reason})")]
        ) from None
    if not isinstance(raw, dict):
        raise InputError(
            [Problem(file=str(path), message="expected a mapping of keys at the top level")]
        )
    # Every problem at once: the fields' (pydantic's), then the cross-references'.
    references = [
        Problem(file=str(path), column=key, message=message)
        for key, message in _reference_problems(raw)
    ]
    try:
        config = Config.model_validate(raw)
    except ValidationError as error:
        raise InputError(_pydantic_problems(path, error) + references) from None
    if references:
        raise InputError(references)
    return config
