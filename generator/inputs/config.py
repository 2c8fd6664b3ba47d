"""`clients.yml`: the provider, calendars, clients, their sites and SLAs, and source adapters.

Declared once with pydantic; every error names the full key path
(`clients[2].sla.incidents.P3.calendar`) and what was expected.
"""

from __future__ import annotations

import re
from datetime import date, datetime
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
    ValidationError,
    field_validator,
    model_validator,
)

from generator.errors import InputError, Problem
from generator.figures.clock import WEEKDAYS, make_calendar, parse_hours
from generator.inputs.tables import TABLES

ALWAYS_OPEN = "24x7"
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SITE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
SYSTEM_ID = r"^[a-z0-9_]+$"
SYSTEM_NAMES = {
    "cctv": "CCTV",
    "access_control": "Access control",
    "intruder_alarm": "Intruder alarm",
    "video_intercom": "Video intercom",
    "car_park_barrier": "Car park barrier",
    "fire_alarm_interface": "Fire alarm interface",
    "pa_system": "PA system",
    "nvr": "NVR",
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mh])\s*$")


def system_name(system_id: str) -> str:
    """Display name of a system id: the common ones by name, others title-cased."""
    return SYSTEM_NAMES.get(system_id, system_id.replace("_", " ").capitalize())


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


Minutes = Annotated[float, BeforeValidator(_minutes)]
OpenHours = Annotated[str, AfterValidator(_open_hours)]
Percent = Annotated[float, Field(ge=0, le=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Provider(Strict):
    name: str
    email: str | None = None
    phone: str | None = None


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


class Sla(Strict):
    incidents: dict[str, IncidentTarget] = Field(min_length=1)
    incident_target_pct: Percent
    maintenance: MaintenanceSla | None = None
    complaints: ComplaintSla | None = None
    availability_target_pct: Percent | None = None


class Site(Strict):
    id: Annotated[str, Field(pattern=SITE_ID)]
    name: str
    systems: list[Annotated[str, Field(pattern=SYSTEM_ID)]] = Field(min_length=1)


class Client(Strict):
    id: Annotated[str, Field(pattern=SLUG)]
    name: str
    reporting: Literal["monthly", "quarterly"] = "monthly"
    password_env: str | None = None
    people: list[str] = Field(default_factory=list)
    sites: list[Site] = Field(min_length=1)
    sla: Sla

    def site(self, site_id: str) -> Site | None:
        return next((site for site in self.sites if site.id == site_id), None)


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
    provider: Provider
    timezone: str = "Asia/Hong_Kong"
    site_url: str | None = None  # where the sites are published; each client is site_url/<id>/
    as_of: datetime | None = None
    calendars: dict[str, CalendarConfig] = Field(default_factory=dict)
    clients: list[Client] = Field(min_length=1)
    sources: dict[Literal[tuple(TABLES)], Source] = Field(default_factory=dict)  # type: ignore[valid-type]

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, timezone: str) -> str:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {timezone!r}") from None
        return timezone

    @model_validator(mode="after")
    def _references(self) -> Config:
        problems = list(self._reference_problems())
        if problems:
            raise _ReferenceErrors(problems)
        return self

    def _reference_problems(self):
        calendars = {ALWAYS_OPEN, *self.calendars}
        known = ", ".join(sorted(calendars))
        if ALWAYS_OPEN in self.calendars:
            yield f"calendars.{ALWAYS_OPEN}", f"'{ALWAYS_OPEN}' is built in and cannot be redefined"
        seen_clients: set[str] = set()
        for index, client in enumerate(self.clients):
            where = f"clients[{index}]"
            if client.id in seen_clients:
                yield f"{where}.id", f"duplicate client id {client.id!r}"
            seen_clients.add(client.id)
            seen_sites: set[str] = set()
            for site_index, site in enumerate(client.sites):
                if site.id in seen_sites:
                    yield f"{where}.sites[{site_index}].id", f"duplicate site id {site.id!r}"
                seen_sites.add(site.id)
            for priority, target in client.sla.incidents.items():
                if target.calendar not in calendars:
                    yield (
                        f"{where}.sla.incidents.{priority}.calendar",
                        f"calendar {target.calendar!r} is not defined (defined: {known})",
                    )
            complaints = client.sla.complaints
            if complaints is not None and complaints.calendar not in calendars:
                yield (
                    f"{where}.sla.complaints.calendar",
                    f"calendar {complaints.calendar!r} is not defined (defined: {known})",
                )
        for table_name, source in self.sources.items():
            table = TABLES[table_name]
            for part in ("columns", "values", "defaults"):
                for column in getattr(source, part):
                    if column not in table.column_names:
                        yield (
                            f"sources.{table_name}.{part}.{column}",
                            f"{table.file_name} has no column {column!r}",
                        )

    def client(self, client_id: str) -> Client:
        return next(client for client in self.clients if client.id == client_id)

    def source(self, table_name: str) -> Source:
        return self.sources.get(table_name, Source())


class _ReferenceErrors(ValueError):
    """Cross-reference errors, each with its own key path (pydantic only knows the root)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


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
        if isinstance(cause, _ReferenceErrors):
            problems += [
                Problem(file=str(file), column=path, message=msg) for path, msg in cause.problems
            ]
            continue
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


def load_config(path: Path) -> Config:
    """Read and validate clients.yml; raise InputError listing every problem."""
    if not path.is_file():
        raise InputError([Problem(file=str(path), message="file not found")])
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
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
    try:
        return Config.model_validate(raw)
    except ValidationError as error:
        raise InputError(_pydantic_problems(path, error)) from None
