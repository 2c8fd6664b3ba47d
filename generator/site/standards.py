"""What the pages show of the records the standards ask for besides the SLA (contract 12):
feedback and what was changed because of it, the register of review meetings, staff
training, and the licence and compliance statements. Read from one client's `ClientView`
(its published records and its metrics.json), never from anything of another client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from generator.figures.engagement import EXPIRY_WARNING_DAYS
from generator.figures.periods import period_codes
from generator.inputs.config import Config
from generator.inputs.tables import FEEDBACK_KINDS, TRAINING_KINDS
from generator.safety.redact import redact_text
from generator.site import charts
from generator.site.i18n import N_, _

if TYPE_CHECKING:
    from generator.site.pages import ClientView

KIND_NAMES = {
    "compliment": N_("Compliments"),
    "suggestion": N_("Suggestions"),
    "enquiry": N_("Enquiries"),
    "survey": N_("Surveys"),
    "customer_service": N_("Customer service"),
    "technical": N_("Technical"),
    "safety": N_("Safety"),
    "other": N_("Other"),
}
LICENCE_WARNING_DAYS = 90


def licence_warning(config: Config, as_of: pd.Timestamp) -> str | None:
    """The build's warning when the provider's licence expires within LICENCE_WARNING_DAYS
    days of the as-of date (or has expired); None otherwise."""
    licence = config.provider.licence
    if licence is None or licence.expiry > as_of.date() + timedelta(days=LICENCE_WARNING_DAYS):
        return None
    when = "expired on" if licence.expiry < as_of.date() else "expires on"
    return (
        f"the security company licence {licence.number} (provider.licence) {when} "
        f"{licence.expiry.isoformat()}, within {LICENCE_WARNING_DAYS} days of the as-of date "
        f"{as_of.date().isoformat()}: renew it and update provider.licence.expiry"
    )


@dataclass
class StandardsView:
    view: ClientView

    @property
    def kind_names(self) -> dict[str, str]:
        return {kind: _(name) for kind, name in KIND_NAMES.items()}

    @property
    def feedback_kinds(self) -> tuple[str, ...]:
        return FEEDBACK_KINDS

    @property
    def training_kinds(self) -> tuple[str, ...]:
        return TRAINING_KINDS

    @property
    def expiry_days(self) -> int:
        return EXPIRY_WARNING_DAYS

    # ---- feedback ------------------------------------------------------------------------

    def feedback_rows(self) -> list[dict[str, Any]]:
        """The published feedback of the report window's periods, newest first."""
        return self._recent("feedback", "received_at")

    def complaint_improvements(self) -> list[dict[str, Any]]:
        """The corrective actions of the window's complaints, newest first."""
        rows = self._recent("complaints", "received_at")
        return [row for row in rows if isinstance(row.get("corrective_action"), str)]

    def feedback_improvements(self) -> list[dict[str, Any]]:
        """Every action whose decision answers a feedback record, with that feedback's kind
        and text where it was supplied; newest meeting first."""
        actions = self.view.published["actions"]
        if actions is None or actions.empty or "feedback_id" not in actions:
            return []
        linked = actions[actions["feedback_id"].notna()]
        feedback = self.view.published["feedback"]
        if feedback is not None and len(feedback):
            about = feedback[["feedback_id", "kind"]].astype({"kind": object})
            linked = linked.merge(about, on="feedback_id", how="left")
        linked = linked.sort_values(["meeting_date", "action_id"], ascending=[False, True])
        return linked.to_dict("records")

    def survey_chart(self) -> str:
        rows = [
            {
                "period": self.view.label(code),
                "score": self.view.period(code)["feedback"]["survey_mean"],
                "surveys": self.view.period(code)["feedback"]["survey"],
            }
            for code in self.view.trend_codes()
        ]
        frame = pd.DataFrame(rows)
        if not frame["surveys"].sum():
            return _("*No survey answers to chart yet.*")
        return charts.embed(
            charts.survey_scores(frame),
            _(
                "The mean survey score (1 poor, 5 excellent) of each of the last "
                "{count} periods, with the number of survey answers."
            ).format(count=len(rows)),
            frame,
            "survey-scores",
        )

    # ---- meetings ------------------------------------------------------------------------

    def meetings(self) -> list[dict[str, Any]] | None:
        """The register of review meetings, newest first (None: neither minutes nor actions)."""
        if self.view.period(self.view.codes[-1])["meetings"]["working"] is None:
            return None
        register = self.view.records.get("meetings")
        if register is None:
            return []
        frame = register.copy()
        people = self.view.client.people
        for column in ("title", "attendees"):
            frame[column] = redact_text(frame[column].astype("str"), people).where(
                register[column].notna()
            )
        codes = period_codes(frame["date"], self.view.granularity)
        frame["reviewed"] = [self.view.label(int(code) - 1) for code in codes]
        return frame.sort_values("date", ascending=False).to_dict("records")

    # ---- training ------------------------------------------------------------------------

    def training_chart(self) -> str:
        rows = [
            {
                "period": self.view.label(code),
                "kind": _(KIND_NAMES[kind]),
                "courses": self.view.period(code)["training"]["by_kind"][kind],
            }
            for code in self.view.trend_codes()
            for kind in TRAINING_KINDS
        ]
        frame = pd.DataFrame(rows)
        if not frame["courses"].sum():
            return _("*No courses to chart yet.*")
        return charts.embed(
            charts.training_by_kind(frame),
            _("Courses completed in each of the last {count} periods, by kind of course.").format(
                count=len(self.view.trend_codes())
            ),
            frame,
            "training",
        )

    def expiring(self) -> list[dict[str, Any]]:
        """Certificates that expire within EXPIRY_WARNING_DAYS days of the as-of date: the
        course and the trainee's role only, soonest first."""
        training = self.view.published["training"]
        if training is None or training.empty:
            return []
        return training[training["expiring"]].sort_values("expires_on").to_dict("records")

    def recent_training(self) -> list[dict[str, Any]]:
        return self._recent("training", "completed_on")

    # ---- licence -------------------------------------------------------------------------

    @property
    def licence_days(self) -> int:
        return LICENCE_WARNING_DAYS

    @property
    def licence_expiring(self) -> bool:
        return licence_warning(self.view.config, self.view.figures.as_of) is not None

    def _recent(self, source: str, start: str) -> list[dict[str, Any]]:
        recent = self.view.codes[-self.view.recent_periods :]
        frame = self.view.public_records(
            source, lambda f: period_codes(f[start], self.view.granularity).isin(recent)
        )
        if frame is None or frame.empty:
            return []
        return frame.sort_values(start, ascending=False).to_dict("records")
