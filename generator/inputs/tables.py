"""One declaration per CSV export (contract 4.2): each column's type, whether it is required,
its allowed values, whether it is personal data, and what it means.

These declarations drive parsing, validation messages, redaction, the downloads and the
documentation of the inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from generator import N_

Kind = Literal["id", "reference", "category", "timestamp", "date", "boolean", "number", "text"]
# The kinds whose values are text as the export gives it (sites, categories, free text...).
TEXT_KINDS = ("reference", "category", "text")


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    description: str
    required: bool = False
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    free_text: bool = False  # prose: kept as typed (not trimmed)
    personal: bool = False  # never published

    @property
    def redacted(self) -> bool:
        """Published only after redaction (contract 8): every text whose values are not
        fixed by the declaration. Ids are references to records and stay as they are;
        personal data is never published at all."""
        return not self.personal and self.kind in TEXT_KINDS and not self.allowed


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    id_column: str | None  # None: rows have no id (nothing supersedes, nothing repeats)
    period_column: str
    columns: tuple[Column, ...]
    required_source: bool = False
    # (earlier, later): a row whose `later` instant precedes its `earlier` one is quarantined.
    order: tuple[tuple[str, str], ...] = field(default=())

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    @property
    def personal_columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.personal)

    @property
    def redacted_columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.redacted)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


CLIENT_ID = Column(
    "client_id", "reference", N_("The client's id, as in clients.yml."), required=True
)
BOOLEAN_TRUE = ("true", "yes", "y", "1", "t", "是")  # 是/否: yes/no in Chinese exports
BOOLEAN_FALSE = ("false", "no", "n", "0", "f", "否")
FEEDBACK_KINDS = ("compliment", "suggestion", "enquiry", "survey")
TRAINING_KINDS = ("customer_service", "technical", "safety", "other")

INCIDENTS = Table(
    name="incidents",
    description=N_(
        "Faults reported on the client's systems and how they were attended and restored."
    ),
    id_column="incident_id",
    period_column="reported_at",
    required_source=True,
    order=(("reported_at", "attended_at"), ("reported_at", "resolved_at")),
    columns=(
        Column("incident_id", "id", N_("The contractor's incident reference."), required=True),
        CLIENT_ID,
        Column("site_id", "reference", N_("The client's site, as in clients.yml."), required=True),
        Column("system", "reference", N_("The system at that site, e.g. cctv."), required=True),
        Column(
            "priority",
            "reference",
            N_("Priority, one of the client's SLA priorities."),
            required=True,
        ),
        Column("reported_at", "timestamp", N_("When the fault was reported."), required=True),
        Column("attended_at", "timestamp", N_("When an engineer attended (on site or remotely).")),
        Column("resolved_at", "timestamp", N_("When the system was restored.")),
        Column(
            "paused_minutes",
            "number",
            N_("Minutes the restore clock stopped with the client's agreement."),
            minimum=0,
        ),
        Column("pause_reason", "text", N_("Why the clock was paused."), free_text=True),
        Column(
            "outage", "boolean", N_("Whether the system was down (counts against availability).")
        ),
        Column("cause", "text", N_("The root cause found."), free_text=True),
        Column("summary", "text", N_("What happened and what was done."), free_text=True),
        Column("reported_by", "text", N_("Who reported the fault."), personal=True),
    ),
)

MAINTENANCE = Table(
    name="maintenance",
    description=N_("Planned (preventive) and corrective maintenance jobs."),
    id_column="job_id",
    period_column="due_date",
    columns=(
        Column("job_id", "id", N_("The contractor's job reference."), required=True),
        CLIENT_ID,
        Column("site_id", "reference", N_("The client's site, as in clients.yml."), required=True),
        Column("system", "reference", N_("The system at that site."), required=True),
        Column(
            "kind",
            "category",
            N_("Preventive or corrective."),
            required=True,
            allowed=("preventive", "corrective"),
        ),
        Column("due_date", "date", N_("The date the job was due."), required=True),
        Column("completed_at", "timestamp", N_("When the job was completed.")),
        Column(
            "status",
            "category",
            N_("Open, completed or cancelled."),
            required=True,
            allowed=("open", "completed", "cancelled"),
        ),
        Column(
            "first_time_fix",
            "boolean",
            N_("Whether a corrective job fixed the fault at the first visit."),
        ),
        Column("notes", "text", N_("The engineer's notes."), free_text=True),
        Column("technician", "text", N_("Who did the job."), personal=True),
    ),
)

COMPLAINTS = Table(
    name="complaints",
    description=N_("Complaints and feedback from the client, and how they were handled."),
    id_column="complaint_id",
    period_column="received_at",
    order=(("received_at", "acknowledged_at"), ("received_at", "resolved_at")),
    columns=(
        Column("complaint_id", "id", N_("The contractor's complaint reference."), required=True),
        CLIENT_ID,
        Column("site_id", "reference", N_("The site concerned, if any.")),
        Column("received_at", "timestamp", N_("When the complaint was received."), required=True),
        Column("channel", "text", N_("How it was received: phone, e-mail, portal, letter...")),
        Column("category", "text", N_("What it was about."), required=True),
        Column("acknowledged_at", "timestamp", N_("When it was acknowledged.")),
        Column("resolved_at", "timestamp", N_("When it was resolved.")),
        Column(
            "status",
            "category",
            N_("Open, resolved, escalated or withdrawn."),
            required=True,
            allowed=("open", "resolved", "escalated", "withdrawn"),
        ),
        Column("escalated", "boolean", N_("Whether it was escalated.")),
        Column("root_cause", "text", N_("The cause found."), free_text=True),
        Column(
            "corrective_action",
            "text",
            N_("What was done so that it does not happen again."),
            free_text=True,
        ),
        Column(
            "satisfaction",
            "number",
            N_("The complainant's satisfaction, 1 to 5."),
            minimum=1,
            maximum=5,
            integer=True,
        ),
        Column("description", "text", N_("The complaint."), free_text=True),
        Column("complainant_name", "text", N_("Who complained."), personal=True),
        Column("complainant_phone", "text", N_("Their phone number."), personal=True),
        Column("complainant_email", "text", N_("Their e-mail address."), personal=True),
    ),
)

ACTIONS = Table(
    name="actions",
    description=N_("Decisions and actions recorded at review meetings."),
    id_column="action_id",
    period_column="meeting_date",
    columns=(
        Column("action_id", "id", N_("The action's reference."), required=True),
        CLIENT_ID,
        Column(
            "meeting_date", "date", N_("The date of the meeting that raised it."), required=True
        ),
        Column(
            "meeting", "text", N_("The meeting, e.g. 'Quarterly review Q3 2026'."), free_text=True
        ),
        Column("level", "category", N_("Working or senior level."), allowed=("working", "senior")),
        Column("decision", "text", N_("What was decided."), required=True, free_text=True),
        Column("owner", "text", N_("Who owns the action (a role)."), free_text=True),
        Column("due_date", "date", N_("When it is due.")),
        Column(
            "status",
            "category",
            N_("Open, done or dropped."),
            required=True,
            allowed=("open", "done", "dropped"),
        ),
        Column("closed_on", "date", N_("When it was closed.")),
        Column("outcome", "text", N_("What came of it."), free_text=True),
        Column(
            "feedback_id",
            "id",
            N_(
                "The feedback record (feedback.csv) the decision answers, if any: what was changed "
                "because of a compliment, suggestion, enquiry or survey."
            ),
        ),
    ),
)

FEEDBACK = Table(
    name="feedback",
    description=N_("Compliments, suggestions, enquiries and survey answers from the client."),
    id_column="feedback_id",
    period_column="received_at",
    columns=(
        Column("feedback_id", "id", N_("The contractor's feedback reference."), required=True),
        CLIENT_ID,
        Column("site_id", "reference", N_("The site concerned, if any.")),
        Column("received_at", "timestamp", N_("When the feedback was received."), required=True),
        Column(
            "kind",
            "category",
            N_("Compliment, suggestion, enquiry or survey."),
            required=True,
            allowed=FEEDBACK_KINDS,
        ),
        Column(
            "score",
            "number",
            N_("A survey's score, 1 (poor) to 5 (excellent)."),
            minimum=1,
            maximum=5,
            integer=True,
        ),
        Column("channel", "text", N_("How it was received: survey form, e-mail, meeting...")),
        Column("text", "text", N_("What was said."), free_text=True),
        Column("given_by", "text", N_("Who gave it."), personal=True),
    ),
)

TRAINING = Table(
    name="training",
    description=N_(
        "Courses completed by the staff serving the client (a blank client: every client)."
    ),
    id_column="training_id",
    period_column="completed_on",
    columns=(
        Column("training_id", "id", N_("The training record's reference."), required=True),
        Column(
            "client_id",
            "reference",
            N_("The client whose team it was; blank: the team that serves every client."),
        ),
        Column(
            "staff_ref",
            "text",
            N_("The trainee's internal staff reference: counted, never published."),
            required=True,
            personal=True,
        ),
        Column("role", "text", N_("The trainee's role, e.g. 'Service technician'.")),
        Column("course", "text", N_("The course."), required=True),
        Column(
            "kind",
            "category",
            N_("Customer service, technical, safety or other."),
            allowed=TRAINING_KINDS,
        ),
        Column("completed_on", "date", N_("The date the course was completed."), required=True),
        Column("hours", "number", N_("Hours of training."), minimum=0),
        Column(
            "result",
            "category",
            N_("Passed, failed or attended."),
            allowed=("passed", "failed", "attended"),
        ),
        Column("expires_on", "date", N_("When the certificate expires, if it does.")),
    ),
)

WEATHER = Table(
    name="weather",
    description=N_(
        "Severe weather warnings in force (contract 10.2): the whole portfolio's, no "
        "client's; a client's `sla.suspend_during` names those that stop its clocks."
    ),
    id_column=None,
    period_column="start",
    order=(("start", "end"),),
    columns=(
        Column("warning", "text", N_("The warning, e.g. T8, T10, Black rainstorm."), required=True),
        Column("start", "timestamp", N_("When it was issued."), required=True),
        Column("end", "timestamp", N_("When it was cancelled (blank: still in force).")),
    ),
)

# Each client's records.
TABLES: dict[str, Table] = {
    table.name: table for table in (INCIDENTS, MAINTENANCE, COMPLAINTS, ACTIONS, FEEDBACK, TRAINING)
}
# Every source: the clients' records and the portfolio's weather warnings.
SOURCES: dict[str, Table] = TABLES | {WEATHER.name: WEATHER}
