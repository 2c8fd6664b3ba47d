"""The records the standards ask for besides the SLA figures (contract 12): feedback, the
register of review meetings, and staff training. Vectorised over the whole portfolio, like
`generator.figures.metrics`, whose per-period frames these columns join.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.inputs.config import Config
from generator.inputs.tables import FEEDBACK_KINDS, TRAINING_KINDS

KEYS = ["client_id", "period"]
EXPIRY_WARNING_DAYS = 90
ACTION_STATES = ["open", "overdue", "done", "dropped"]


def with_shared_training(training: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Training records with a blank client are the team that serves every client: by design
    they are each client's own, so they are repeated once per client."""
    shared = training["client_id"].isna().to_numpy()
    if not shared.any():
        return training
    clients = [client.id for client in config.clients]
    repeated = training[shared].loc[lambda f: f.index.repeat(len(clients))].copy()
    repeated["client_id"] = np.tile(clients, int(shared.sum()))
    own = training[~shared].astype({"client_id": str})
    combined = pd.concat([own, repeated.astype({"client_id": str})], ignore_index=True)
    return combined.astype({"client_id": "category"})


def judge_training(training: pd.DataFrame, config: Config, as_of: pd.Timestamp) -> pd.DataFrame:
    """Each client's training, the shared team's included, with whether a course counts as
    completed (any result but failed) and whether its certificate expires within
    EXPIRY_WARNING_DAYS days of the as-of date (not before it)."""
    frame = with_shared_training(training, config).copy()
    as_of_date = pd.Timestamp(as_of.tz_localize(None).date())
    frame["completed"] = (frame["result"] != "failed").to_numpy()
    frame["expiring"] = (frame["expires_on"] >= as_of_date) & (
        frame["expires_on"] <= as_of_date + pd.Timedelta(days=EXPIRY_WARNING_DAYS)
    )
    return frame


def meeting_register(minutes: pd.DataFrame | None, actions: pd.DataFrame | None) -> pd.DataFrame:
    """One row per meeting (a client and a date): from its minutes' front matter where there
    are minutes, else from the actions recorded at it; with the state of its actions now."""
    parts = []
    if actions is not None and len(actions):
        named = actions.assign(
            client_id=actions["client_id"].astype(str),
            date=actions["meeting_date"],
            state=np.where(actions["overdue"], "overdue", actions["status"].astype(str)),
        )
        counts = pd.crosstab([named["client_id"], named["date"]], named["state"]).reindex(
            columns=ACTION_STATES, fill_value=0
        )
        firsts = named.groupby(["client_id", "date"])[["meeting", "level"]].first()
        from_actions = firsts.astype(object).join(counts)
        from_actions["raised"] = counts.sum(axis=1)
        parts.append(from_actions.rename(columns={"meeting": "title"}))
    if minutes is not None and len(minutes):
        parts.append(minutes.set_index(["client_id", "date"]).drop(columns="file"))
    if not parts:
        text = {c: pd.Series(dtype=object) for c in ("title", "level", "kind", "attendees", "path")}
        counts = {c: pd.Series(dtype="int64") for c in ["raised", *ACTION_STATES]}
        return pd.DataFrame(
            {
                "client_id": pd.Series(dtype=object),
                "date": pd.Series(dtype="datetime64[ns]"),
                **text,
                **counts,
            }
        )
    # Minutes come last and win; actions fill in what minutes do not give.
    register = parts[0] if len(parts) == 1 else parts[1].combine_first(parts[0])
    for column in ("title", "level", "kind", "attendees", "path"):
        if column not in register:
            register[column] = None
    for column in ["raised", *ACTION_STATES]:
        register[column] = register.get(column, pd.Series(0, index=register.index))
        register[column] = register[column].fillna(0).astype("int64")
    return register.reset_index().sort_values(["client_id", "date"], ignore_index=True)


def feedback_figures(feedback: pd.DataFrame) -> pd.DataFrame:
    counts = feedback.groupby([*KEYS, "kind"], observed=True).size().unstack("kind")
    counts = counts.reindex(columns=list(FEEDBACK_KINDS), fill_value=0).fillna(0)
    result = pd.DataFrame({"feedback.received": feedback.groupby(KEYS, observed=True).size()})
    result = result.join(counts.add_prefix("feedback."))
    surveys = feedback[feedback["kind"] == "survey"]
    result["feedback.survey_mean"] = surveys.groupby(KEYS, observed=True)["score"].mean()
    return result


def meeting_figures(register: pd.DataFrame) -> pd.DataFrame:
    keys = [register[key] for key in KEYS]
    return pd.DataFrame(
        {
            "meetings.working": (register["level"] == "working").groupby(keys).sum(),
            "meetings.senior": (register["level"] == "senior").groupby(keys).sum(),
            "meetings.ad_hoc": (register["kind"] == "ad_hoc").groupby(keys).sum(),
        }
    )


def training_figures(training: pd.DataFrame) -> pd.DataFrame:
    """Courses completed (any result but failed), distinct staff who completed one, their
    hours, and the courses by kind (a course of no kind is `other`)."""
    completed = training[training["completed"]]
    groups = completed.groupby(KEYS, observed=True)
    kinds = completed.assign(kind=completed["kind"].astype(object).fillna("other"))
    by_kind = kinds.groupby([*KEYS, "kind"], observed=True).size().unstack("kind")
    by_kind = by_kind.reindex(columns=list(TRAINING_KINDS), fill_value=0).fillna(0)
    result = pd.DataFrame(
        {
            "training.courses": groups.size(),
            "training.staff": groups["staff_ref"].nunique(),
            "training.hours": groups["hours"].sum(),
        }
    )
    return result.join(by_kind.add_prefix("training.by_kind."))
