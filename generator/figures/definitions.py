"""One declaration per figure: its id, title, unit, target, direction, where it sits in
`metrics.json`, and the sentence of the methodology that defines it (contract 5).

The computation names its columns by `path`; the scorecard, the charts, the methodology page
and the tests read these declarations, so a figure is described in one place only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from generator import N_


@dataclass(frozen=True)
class Metric:
    id: str
    title: str
    path: str  # dotted path within a period of metrics.json
    unit: Literal["%", "count", "minutes", "score", "hours"]
    methodology: str
    direction: Literal["higher", "lower", "none"] = "none"
    target: str | None = None  # a key of TARGETS
    headline: bool = False
    decimals: int = 1

    @property
    def source(self) -> str:
        return self.path.split(".")[0]

    def target_value(self, targets: dict[str, Any]) -> float | None:
        """This figure's target among a period's `targets` (metrics.json), or None when
        none is agreed."""
        value = targets.get(self.target) if self.target is not None else None
        return None if value is None else float(value)

    def meets(self, value: float | None, target: float | None) -> bool | None:
        if value is None or target is None:
            return None
        return value >= target if self.direction == "higher" else value <= target


# A period's percentage targets (metrics.json `targets`): each one's dotted key in `sla`.
TARGETS = {
    "incident_pct": "incident_target_pct",
    "preventive_pct": "maintenance.target_pct",
    "complaint_pct": "complaints.target_pct",
    "availability_pct": "availability_target_pct",
}

METRICS: tuple[Metric, ...] = (
    Metric(
        "incidents_reported",
        N_("Incidents reported"),
        "incidents.reported",
        "count",
        N_(
            "Every incident reported in the period (by the time it was reported), whatever its state."
        ),
    ),
    Metric(
        "repeat_faults",
        N_("Repeat faults"),
        "incidents.repeat",
        "count",
        N_(
            "Incidents of the period whose system at the same site had another incident reported within the "
            "agreed repeat window (in days) before their own report: the same fault coming back."
        ),
        direction="lower",
    ),
    Metric(
        "attend_pct",
        N_("Incidents attended within target"),
        "incidents.attend.compliance_pct",
        "%",
        N_(
            "Attendance is met when the SLA time from the report to the first attendance (or the restoration, where an incident was resolved without attendance), measured on the calendar of the incident's priority, is within the target for its priority. An incident not yet attended is breached once the SLA time to the report's as-of time exceeds the target, and pending until then. Compliance is met / (met + breached) x 100; with nothing met or breached there is no figure."
        ),
        direction="higher",
        target="incident_pct",
        headline=True,
    ),
    Metric(
        "attend_median_minutes",
        N_("Median time to attend"),
        "incidents.attend.median_minutes",
        "minutes",
        N_(
            "The median SLA minutes to attend, over the attended incidents that were met or breached (linear interpolation)."
        ),
        direction="lower",
    ),
    Metric(
        "attend_p90_minutes",
        N_("90th percentile time to attend"),
        "incidents.attend.p90_minutes",
        "minutes",
        N_(
            "The 90th percentile of SLA minutes to attend, over the attended incidents that were met or breached (linear interpolation)."
        ),
        direction="lower",
    ),
    Metric(
        "restore_pct",
        N_("Incidents restored within target"),
        "incidents.restore.compliance_pct",
        "%",
        N_(
            "Restoration is met when the SLA time from the report to the restoration, less any minutes the clock was paused with the client's agreement (never below zero),, measured on the calendar of the incident's priority, is within the target for its priority. An incident not yet restored is breached once the SLA time to the as-of time, less pauses, exceeds the target, and pending until then. Compliance is met / (met + breached) x 100; with nothing met or breached there is no figure."
        ),
        direction="higher",
        target="incident_pct",
        headline=True,
    ),
    Metric(
        "restore_median_minutes",
        N_("Median time to restore"),
        "incidents.restore.median_minutes",
        "minutes",
        N_(
            "The median SLA minutes to restore (less pauses), over the restored incidents that were met or breached."
        ),
        direction="lower",
    ),
    Metric(
        "restore_p90_minutes",
        N_("90th percentile time to restore"),
        "incidents.restore.p90_minutes",
        "minutes",
        N_(
            "The 90th percentile of SLA minutes to restore (less pauses), over the restored incidents that were met or breached."
        ),
        direction="lower",
    ),
    Metric(
        "preventive_due",
        N_("Preventive jobs due"),
        "maintenance.preventive.due",
        "count",
        N_(
            "Preventive maintenance jobs due in the period: on time, late, overdue, pending and cancelled."
        ),
    ),
    Metric(
        "preventive_on_time_pct",
        N_("Preventive maintenance on time"),
        "maintenance.preventive.on_time_pct",
        "%",
        N_(
            "A preventive job is on time when completed on a (local) date no later than its due date plus the grace "
            "days; late when completed after that; overdue when not completed and the as-of date is past that; "
            "pending otherwise. Cancelled jobs are counted apart and excluded. "
            "On-time % = on time / (on time + late + overdue) x 100."
        ),
        direction="higher",
        target="preventive_pct",
        headline=True,
    ),
    Metric(
        "corrective_count",
        N_("Corrective jobs"),
        "maintenance.corrective.count",
        "count",
        N_("Corrective jobs due in the period, cancelled ones excluded."),
    ),
    Metric(
        "first_time_fix_pct",
        N_("Corrective jobs fixed first time"),
        "maintenance.corrective.first_time_fix_pct",
        "%",
        N_(
            "Of the period's completed corrective jobs whose first-time-fix is recorded, the share fixed at the first visit."
        ),
        direction="higher",
    ),
    Metric(
        "complaints_received",
        N_("Complaints received"),
        "complaints.received",
        "count",
        N_("Every complaint received in the period, whatever its state."),
    ),
    Metric(
        "complaint_acknowledge_pct",
        N_("Complaints acknowledged within target"),
        "complaints.acknowledge.compliance_pct",
        "%",
        N_(
            "Acknowledgement is met when the SLA time from receipt to acknowledgement (or resolution, where a complaint was resolved without one), measured on the complaints calendar, is within the target for its client. A complaint not yet acknowledged is breached once the SLA time to the as-of time exceeds the target, and pending until then. Compliance is met / (met + breached) x 100; with nothing met or breached there is no figure."
        ),
        direction="higher",
        target="complaint_pct",
    ),
    Metric(
        "complaint_resolve_pct",
        N_("Complaints resolved within target"),
        "complaints.resolve.compliance_pct",
        "%",
        N_(
            "Resolution is met when the SLA time from receipt to resolution, measured on the complaints calendar, is within the target for its client. Withdrawn complaints are left out. A complaint not yet resolved is breached once the SLA time to the as-of time exceeds the target, and pending until then. Compliance is met / (met + breached) x 100; with nothing met or breached there is no figure."
        ),
        direction="higher",
        target="complaint_pct",
        headline=True,
    ),
    Metric(
        "complaints_open",
        N_("Complaints open"),
        "complaints.open",
        "count",
        N_("Complaints of the period whose status is open or escalated at the as-of time."),
        direction="lower",
    ),
    Metric(
        "complaints_escalated",
        N_("Complaints escalated"),
        "complaints.escalated",
        "count",
        N_("Complaints of the period that were escalated."),
        direction="lower",
    ),
    Metric(
        "satisfaction_mean",
        N_("Complainant satisfaction"),
        "complaints.satisfaction.mean",
        "score",
        N_(
            "The mean of the satisfaction scores (1 to 5) given for the period's complaints, with the number of scores."
        ),
        direction="higher",
    ),
    Metric(
        "availability_pct",
        N_("System availability"),
        "availability.overall_pct",
        "%",
        N_(
            "Each incident marked as an outage is down time of its site's system from its report to its restoration "
            "(or the as-of time), on the 24x7 clock; overlapping outages of one system at one site count once. "
            "Availability of a system at a site = 1 - down time / the period's length up to the as-of time. Per "
            "system: the mean over the sites that have it; overall: the mean over every system at every site."
        ),
        direction="higher",
        target="availability_pct",
        headline=True,
        decimals=2,
    ),
    Metric(
        "actions_raised",
        N_("Actions raised"),
        "actions.raised",
        "count",
        N_(
            "Actions recorded at the period's review meetings; of those, how many are open, done or dropped."
        ),
    ),
    Metric(
        "actions_overdue",
        N_("Actions overdue"),
        "actions.overdue",
        "count",
        N_("Open actions of the period whose due date is before the as-of date."),
        direction="lower",
    ),
    Metric(
        "feedback_received",
        N_("Feedback received"),
        "feedback.received",
        "count",
        N_(
            "Every compliment, suggestion, enquiry and survey answer received in the period (by the "
            "time it was received), with how many of each kind."
        ),
    ),
    Metric(
        "survey_mean",
        N_("Survey score"),
        "feedback.survey_mean",
        "score",
        N_(
            "The mean of the scores (1 to 5) of the period's survey answers that give one; with none, "
            "there is no figure."
        ),
        direction="higher",
    ),
    Metric(
        "meetings_working",
        N_("Working-level meetings"),
        "meetings.working",
        "count",
        N_(
            "Review meetings held in the period at working level: one a date, from the minutes' front "
            "matter, or from the actions recorded at a meeting without minutes."
        ),
    ),
    Metric(
        "meetings_senior",
        N_("Senior meetings"),
        "meetings.senior",
        "count",
        N_(
            "Review meetings held in the period at senior level, counted as working-level ones are."
        ),
    ),
    Metric(
        "meetings_ad_hoc",
        N_("Ad hoc meetings"),
        "meetings.ad_hoc",
        "count",
        N_(
            "Of the period's meetings, those whose minutes call them ad hoc (not on the agreed "
            "schedule); a meeting known only from its actions is not counted as ad hoc."
        ),
    ),
    Metric(
        "training_courses",
        N_("Courses completed"),
        "training.courses",
        "count",
        N_(
            "Training courses completed in the period (by their completion date) by the staff "
            "serving the client, its shared team included, with any result but failed; by kind, a "
            "course of no kind counting as other."
        ),
    ),
    Metric(
        "training_staff",
        N_("Staff trained"),
        "training.staff",
        "count",
        N_(
            "The number of different staff who completed a course in the period (counted by their "
            "internal reference, which is never published)."
        ),
    ),
    Metric(
        "training_hours",
        N_("Training hours"),
        "training.hours",
        "hours",
        N_(
            "The hours of the period's completed courses, added up (a course without hours adds none)."
        ),
    ),
)

BY_ID = {metric.id: metric for metric in METRICS}
HEADLINE = tuple(metric for metric in METRICS if metric.headline)
BENCHMARKED = (
    "attend_pct",
    "restore_pct",
    "preventive_on_time_pct",
    "complaint_resolve_pct",
    "availability_pct",
)
BENCHMARK_MIN_CLIENTS = 5

# The figures of each site (`by_site` in metrics.json, contract 11): its path within a site
# -> the client-level figure it restricts to the site (title, unit, target, methodology).
SITE_FIGURES = {
    "incidents.reported": "incidents_reported",
    "incidents.repeat": "repeat_faults",
    "incidents.attend.compliance_pct": "attend_pct",
    "incidents.restore.compliance_pct": "restore_pct",
    "availability_pct": "availability_pct",
    "preventive.due": "preventive_due",
    "preventive.on_time_pct": "preventive_on_time_pct",
}
# Of those, the figures judged against a target: a site "misses" each one below it.
SITE_TARGETED = tuple(path for path, metric in SITE_FIGURES.items() if BY_ID[metric].target)
