"""One client's figures, ready for its pages: `metrics.json` in the shape of contract 6 and
the breaches behind each figure. (The change of each headline figure against the period
before is taken from consecutive periods of this document, on the scorecard.)"""

from __future__ import annotations

import functools
import json
import math
from typing import Any

import pandas as pd

from generator.figures.definitions import BENCHMARKED, TARGETS
from generator.figures.metrics import BREACHED, START_COLUMN, Figures
from generator.figures.periods import REPORTING, Granularity, label, period_codes
from generator.inputs.config import Client
from generator.inputs.quality import DataQuality, RowCounts
from generator.inputs.tables import FEEDBACK_KINDS, TRAINING_KINDS
from generator.safety.redact import redact_text

_JUDGED = ("met", "breached", "pending", "compliance_pct", "median_minutes", "p90_minutes")
# The shape of one period in metrics.json; "*" stands for the client's own priorities or systems.
SHAPE: dict[str, Any] = {
    "incidents": {
        "reported": None,
        "by_priority": "*priorities",
        "repeat": None,
        "attend": _JUDGED,
        "restore": _JUDGED,
    },
    "maintenance": {
        "preventive": ("due", "on_time", "late", "overdue", "pending", "cancelled", "on_time_pct"),
        "corrective": ("count", "first_time_fix_pct"),
    },
    "complaints": {
        "received": None,
        "acknowledge": _JUDGED,
        "resolve": _JUDGED,
        "open": None,
        "escalated": None,
        "satisfaction": ("mean", "responses"),
    },
    "availability": {"overall_pct": None, "by_system": "*systems"},
    "actions": ("raised", "open", "overdue", "done", "dropped"),
    "feedback": ("received", *FEEDBACK_KINDS, "survey_mean"),
    "meetings": ("working", "senior", "ad_hoc"),
    "training": {"courses": None, "staff": None, "hours": None, "by_kind": TRAINING_KINDS},
}
# The shape of one site within a period's `by_site` (contract 11).
SITE_SHAPE: dict[str, Any] = {
    "incidents": {"reported": None, "repeat": None, "attend": _JUDGED, "restore": _JUDGED},
    "availability_pct": None,
    "preventive": ("due", "on_time_pct"),
}


def granularity_of(client: Client) -> Granularity:
    return REPORTING[client.reporting]  # type: ignore[return-value]


def client_periods(figures: Figures, client: Client) -> pd.DataFrame:
    """The client's figure columns, one row per period code (its own reporting frequency)."""
    frame = figures.periods[granularity_of(client)]
    return frame.xs(client.id, level="client_id")


def client_metrics(figures: Figures, client: Client, quality: DataQuality) -> dict[str, Any]:
    """The content of downloads/metrics.json for one client."""
    granularity = granularity_of(client)
    frame = client_periods(figures, client)
    benchmark = figures.benchmark[granularity]
    keys = {
        "priorities": list(client.sla.incidents),
        "systems": sorted({system for site in client.sites for system in site.systems}),
    }
    by_site = _by_site(figures, client, granularity, keys)
    periods = []
    # One client's periods: a few dozen at most. to_dict keeps each column's own type.
    for code, values in frame.to_dict(orient="index").items():
        entry: dict[str, Any] = {"period": label(int(code), granularity)}
        for section, shape in SHAPE.items():
            entry[section] = _nest(section, shape, values, keys)
        entry["targets"] = {key: _value(values.get(f"targets.{key}")) for key in TARGETS}
        entry["benchmark"] = _benchmark(benchmark, int(code))
        entry["by_site"] = by_site.get(int(code), {})
        entry["credits"] = _credits(values)
        periods.append(entry)
    return {
        "client": client.id,
        "as_of": figures.as_of.isoformat(),
        "periods": periods,
        "data": {name: _counts(quality, client.id, name) for name in SHAPE_SOURCES},
    }


SHAPE_SOURCES = ("incidents", "maintenance", "complaints", "actions", "feedback", "training")


def client_site_periods(figures: Figures, client: Client) -> pd.DataFrame:
    """The client's `by_site` columns, one row per (site id, period code)."""
    frame = figures.sites[granularity_of(client)]
    return frame.xs(client.id, level="client_id")


def published_site_ids(client: Client) -> dict[str, str]:
    """Each site id as published (metrics.json's keys): redacted like every text."""
    ids = [site.id for site in client.sites]
    return dict(zip(ids, redact_text(pd.Series(ids, dtype="str"), client.people), strict=True))


def _by_site(
    figures: Figures, client: Client, granularity: Granularity, keys: dict[str, list[str]]
) -> dict[int, dict[str, Any]]:
    """Period code -> published site id -> the site's figures, in clients.yml's site order."""
    frame = client_site_periods(figures, client)
    names = published_site_ids(client)
    order = {site_id: position for position, site_id in enumerate(names)}
    rows = frame.reset_index()
    rows = rows.assign(_order=rows["site_id"].astype(str).map(order)).sort_values(
        ["period", "_order"], kind="stable"
    )
    result: dict[int, dict[str, Any]] = {}
    columns = list(frame.columns)
    for code, site_id, *values in rows[["period", "site_id", *columns]].itertuples(index=False):
        row = dict(zip(columns, values, strict=True))
        result.setdefault(int(code), {})[names[str(site_id)]] = {
            section: _nest(section, shape, row, keys) for section, shape in SITE_SHAPE.items()
        }
    return result


def _nest(path: str, shape: Any, values: dict[str, Any], keys: dict[str, list[str]]) -> Any:
    if shape is None:
        return _value(values.get(path))
    if isinstance(shape, str):  # "*priorities" / "*systems"
        return {key: _value(values.get(f"{path}.{key}")) for key in keys[shape[1:]]}
    if isinstance(shape, tuple):
        return {leaf: _value(values.get(f"{path}.{leaf}")) for leaf in shape}
    return {name: _nest(f"{path}.{name}", sub, values, keys) for name, sub in shape.items()}


def _value(value: Any) -> int | float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, bool):
        return int(value)
    return (
        int(value) if float(value).is_integer() and not isinstance(value, float) else float(value)
    )


def _credits(values: dict[str, Any]) -> dict[str, Any] | None:
    """The period's service credit, or None when its terms have no credits."""
    pct = _value(values.get("credits.pct"))
    if pct is None:
        return None
    rules = values["credits.rules"]
    return {
        "pct": float(pct),
        "amount": float(values["credits.amount"]),
        "rules": rules.split(",") if rules else [],
    }


def _benchmark(benchmark: pd.DataFrame, code: int) -> dict[str, dict[str, float]]:
    if code not in benchmark.index:
        return {}
    row = benchmark.loc[code]
    result = {}
    for metric_id in BENCHMARKED:
        clients = row.get(f"{metric_id}.clients")
        if clients is None or pd.isna(clients):
            continue
        result[metric_id] = {
            "clients": int(clients),
            "p25": float(row[f"{metric_id}.p25"]),
            "median": float(row[f"{metric_id}.median"]),
            "p75": float(row[f"{metric_id}.p75"]),
        }
    return result


def _counts(quality: DataQuality, client_id: str, source: str) -> dict[str, int] | None:
    if source in quality.absent:
        return None
    counts = quality.by_client.get(client_id, {}).get(source, RowCounts())
    return {
        "received": counts.received,
        "used": counts.used,
        "superseded": counts.superseded,
        "quarantined": counts.quarantined,
    }


def metrics_json(document: dict[str, Any]) -> str:
    """The document with a line per key and per period. Indenting every key would take
    Python's pure encoder (ten times slower than the C one): with sixty sites a period, most
    of a bank's page time."""
    dump = functools.partial(json.dumps, ensure_ascii=False, allow_nan=False)
    lines = []
    for key, value in document.items():
        if key == "periods" and value:
            text = "[\n  " + ",\n  ".join(dump(period) for period in value) + "\n ]"
        else:
            text = dump(value)
        lines.append(f"{dump(key)}: {text}")
    return "{\n " + ",\n ".join(lines) + "\n}\n"


def breaches(records: dict[str, pd.DataFrame], granularity: Granularity) -> pd.DataFrame:
    """Every record of one client that missed its target, with the period it belongs to:
    which target, by how much. One pass over the client's records for all its periods."""
    rows = []
    timed = {"incidents": ("incident_id", ("attend", "restore")),
             "complaints": ("complaint_id", ("acknowledge", "resolve"))}  # fmt: skip
    for source, (id_column, parts) in timed.items():
        frame = records.get(source)
        for part in parts if frame is not None else ():
            missed = frame[frame[f"{part}_status"] == BREACHED]
            actual = missed[f"{part}_minutes"].fillna(missed["open_minutes"])
            priority = missed["priority"] if source == "incidents" else None
            rows.append(
                _missed(missed, source, id_column, part, priority, granularity)
                | {
                    "target_minutes": missed[f"{part}_target"],
                    "actual_minutes": actual,
                    "over_minutes": actual - missed[f"{part}_target"],
                    "still_open": missed[f"{part}_minutes"].isna(),
                }
            )
    maintenance = records.get("maintenance")
    if maintenance is not None:
        missed = maintenance[maintenance["job_status"].isin(["late", "overdue"])]
        rows.append(
            _missed(missed, "maintenance", "job_id", missed["job_status"], None, granularity)
            | {
                "target_minutes": None,
                "actual_minutes": None,
                "over_minutes": missed["days_late"] * 1440.0,
                "still_open": missed["job_status"] == "overdue",
            }
        )
    columns = ["period", "record", "source", "measure", "priority"]
    columns += ["target_minutes", "actual_minutes", "over_minutes", "still_open"]
    frames = [pd.DataFrame(row, columns=columns) for row in rows]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def _missed(
    missed: pd.DataFrame,
    source: str,
    id_column: str,
    measure: object,
    priority: object,
    granularity: Granularity,
) -> dict[str, object]:
    return {
        "period": period_codes(missed[START_COLUMN[source]], granularity),
        "record": missed[id_column],
        "source": source,
        "measure": measure,
        "priority": priority,
    }
