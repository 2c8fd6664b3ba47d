"""Charts: small functions from a tidy table to an Altair (Vega-Lite) chart, and `embed`,
which places a chart in a Markdown page as data (contract 6).

Each chart carries only the aggregated rows it draws; the site's own Vega bundle
(`vega_bundle`) and `site_overrides/assets/javascripts/charts.js` draw it in the browser.
Text from the CSVs reaches a page only HTML-escaped: in the `data-spec` attribute, the
description and every cell of the data table.
"""

from __future__ import annotations

import copy
import hashlib
import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import vl_convert

from generator.cache import Cache, key
from generator.safety.markup import inline
from generator.site import i18n
from generator.site.i18n import N_, _
from generator.site.render import DASH, number

# Material's font stack when `theme.font` is false; Vega cannot inherit the page's font.
FONT = "-apple-system, BlinkMacSystemFont, Helvetica, Arial, sans-serif"
# Chinese labels in the reader's own system fonts (Apple, Windows, Android and Linux): no web
# font is downloaded.
FONT_CJK = (
    "-apple-system, BlinkMacSystemFont, Helvetica, Arial, 'PingFang TC', 'PingFang HK', "
    "'Microsoft JhengHei', 'Noto Sans CJK TC', 'Noto Sans TC', 'Source Han Sans TC', sans-serif"
)
# Okabe and Ito's palette, distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]
GOOD = "#009E73"  # met, on time, done
LATE = "#E69F00"
BAD = "#D55E00"  # breached, overdue
OPEN = "#56B4E9"
PENDING = "#999999"
CLOSED = "#BBBBBB"  # withdrawn, dropped
# One colour per status, whichever chart shows it (keys are lower case).
STATUS_COLOURS = {
    "met": GOOD,
    "on time": GOOD,
    "done": GOOD,
    "resolved in time": GOOD,
    "late": LATE,
    "resolved late": LATE,
    "breached": BAD,
    "overdue": BAD,
    "late or overdue": BAD,
    "open": OPEN,
    "open, within target": OPEN,
    "pending": PENDING,
    "withdrawn": CLOSED,
    "dropped": CLOSED,
}
# Response times: two measures, neither a status colour nor the target's red.
MEASURE_COLOURS = ["#0072B2", "#CC79A7"]
HEIGHT = 240
_CHART_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_INERT_IN_JSON = str.maketrans(
    {character: f"\\u{ord(character):04x}" for character in "<>&'[]()*!`"}
)
# Headers of the data table, for the columns the pages pass; others are spelt out.
HEADERS = {
    "pct": N_("Percent"),
    "p10": N_("10th percentile (min)"),
    "p25": N_("25th percentile (min)"),
    "median": N_("Median (min)"),
    "p75": N_("75th percentile (min)"),
    "p90": N_("90th percentile (min)"),
}
# The other columns the pages pass, as the data table heads them in another language (in
# English they are spelt out from the column's name, as they always were).
COLUMNS = {
    "period": N_("Period"),
    "measure": N_("Measure"),
    "target": N_("Target"),
    "status": N_("Status"),
    "count": N_("Count"),
    "system": N_("System"),
    "category": N_("Category"),
    "outcome": N_("Outcome"),
    "priority": N_("Priority"),
    "incidents": N_("Incidents"),
    "kind": N_("Kind"),
    "courses": N_("Courses"),
    "score": N_("Score"),
    "surveys": N_("Surveys"),
    "on_time": N_("On time"),
    "late": N_("Late"),
    "overdue": N_("Overdue"),
    "pending": N_("Pending"),
    "day": N_("Day"),
    "date": N_("Date"),
    "site": N_("Site"),
    "against": N_("Against"),
}
# The status labels of the charts, marked here: a chart shows each in the page's language,
# in the colour of its English name.
STATUS_LABELS = (
    N_("Met"), N_("On time"), N_("Done"), N_("Resolved in time"), N_("Late"),
    N_("Resolved late"), N_("Breached"), N_("Overdue"), N_("Late or overdue"), N_("Open"),
    N_("Open, within target"), N_("Pending"), N_("Withdrawn"), N_("Dropped"),
)  # fmt: skip
QUANTILES = {"p10": 0.1, "p25": 0.25, "median": 0.5, "p75": 0.75, "p90": 0.9}
# Axis ticks of SLA hours: an hour, a working day, a day, a week, ...
HOUR_TICKS = (0, 1, 2, 4, 8, 12, 24, 48, 72, 96, 120, 168, 240, 336, 504, 720, 1440, 2160)


def compliance_trend(
    frame: pd.DataFrame, title: str = N_("Figures against their targets")
) -> alt.LayerChart:
    """Percent per measure and period (lines and points), each with its target dashed.

    Columns: period (label), measure, pct (NaN: no figure), target (NaN: none agreed),
    and optionally decimals (per row: how a percent is shown; availability uses 2).
    """
    data = _trend_data(frame)
    focus = alt.selection_point(fields=["measure"], bind="legend", name="focus_measure")
    x = _period_x()
    y = alt.Y(
        "pct:Q",
        title=_("Percent"),
        scale=alt.Scale(domain=[_floor(data), 100], nice=False, clamp=True),
    )
    # Two columns of measures where they fit, one on a phone (the plot's width decides).
    colour = alt.Color(
        "measure:N",
        title=None,
        sort=None,
        legend=alt.Legend(orient="bottom", columns=alt.ExprRef("width < 480 ? 1 : 2")),
    )
    tooltip = [
        alt.Tooltip("period:O", title=_("Period")),
        alt.Tooltip("measure:N", title=_("Measure")),
        alt.Tooltip("shown:N", title=_("Percent")),
        alt.Tooltip("target_shown:N", title=_("Target")),
    ]
    base = alt.Chart(data).transform_calculate(
        shown=_shown("pct", _("no figure")),
        target_shown=_shown("target", _("none agreed")),
    )
    figures = base.mark_line(point=alt.OverlayMarkDef(size=50, filled=True), strokeWidth=2).encode(
        x=x,
        y=y,
        color=colour,
        opacity=alt.condition(focus, alt.value(1), alt.value(0.15)),
        tooltip=tooltip,
    )
    targets = base.mark_line(strokeDash=[5, 4], strokeWidth=1.5).encode(
        x=x,
        y=alt.Y("target:Q"),
        color=colour,
        opacity=alt.condition(focus, alt.value(0.8), alt.value(0.1)),
        tooltip=tooltip,
    )
    chart = alt.layer(
        figures.add_params(focus).properties(name="figures"), targets.properties(name="targets")
    )
    return _styled(chart, title, decimals={"pct": 1, "target": 1})


def _trend_data(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        pct=_numbers(frame["pct"]),
        target=_numbers(frame["target"]),
        decimals=frame["decimals"].fillna(1).astype(int) if "decimals" in frame else 1,
    )[["period", "measure", "pct", "target", "decimals"]]


class TrendSpecs:
    """compliance_trend's specs for many frames of one kind (a service report's periods, for
    every report of a client): Altair builds the chart once, at a few hundredths of a second;
    each spec is that one with its own data, y axis and description - the spec Altair would
    make (tests/test_charts.py compares them)."""

    def __init__(self) -> None:
        self._built: dict | None = None  # in the language of the first spec asked for

    def spec(self, frame: pd.DataFrame, description: str) -> dict:
        data = _trend_data(frame)
        if self._built is None:
            self._built = compliance_trend(frame).to_dict(validate=False)
        spec = copy.deepcopy(self._built)
        # The rows and name Altair gives inline data (its sanitized records, named by a hash of
        # their JSON), made without building a chart: a few milliseconds a report.
        values = data.astype(object).where(data.notna(), None).to_dict("records")
        digest = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode())
        name = f"data-{digest.hexdigest()[:32]}"
        spec["data"], spec["datasets"] = {"name": name}, {name: values}
        spec["layer"][0]["encoding"]["y"]["scale"]["domain"] = [_floor(data), 100]
        spec["description"] = _description(description)
        return spec


def response_time_distribution(
    frame: pd.DataFrame, title: str = N_("Response times against target")
) -> alt.LayerChart:
    """SLA hours per priority: 10th to 90th percentile (line), middle half (bar), median
    (white tick) and the target (dark tick), one row per measure and priority.

    Columns: [measure,] priority, p10, p25, median, p75, p90, target (minutes) and
    optionally incidents; or one row per incident: [measure,] priority, minutes, target,
    which is aggregated to those quantiles first.
    """
    data = quantiles(frame) if "minutes" in frame else frame.copy()
    if "measure" not in data:
        data.insert(0, "measure", _("Response"))
    columns = [
        "measure",
        "priority",
        *(["incidents"] if "incidents" in data else []),
        *QUANTILES,
        "target",
    ]
    data = data[columns]
    hours = {f"{name}_h": f"datum.{name} / 60" for name in [*QUANTILES, "target"]}
    y = alt.Y("priority:N", title=None, sort=None)
    offset = alt.YOffset("measure:N", sort=None)
    ticks = _hour_ticks(data[["p90", "target"]].max().max() / 60)
    x_scale = alt.Scale(type="sqrt", domain=[0, ticks[-1]], nice=False)
    tooltip = [
        alt.Tooltip("measure:N", title=_("Measure")),
        alt.Tooltip("priority:N", title=_("Priority")),
        *(
            [alt.Tooltip("incidents:Q", title=_("Incidents"), format=",d")]
            if "incidents" in data
            else []
        ),
        *(
            alt.Tooltip(
                f"{name}_h:Q",
                title=_("{name} (hours)").format(name=_(HEADERS[name]).split(" (")[0]),
                format=".1f",
            )
            for name in QUANTILES
        ),
        alt.Tooltip("target_h:Q", title=_("Target (hours)"), format=".1f"),
    ]
    base = alt.Chart(data).transform_calculate(**hours)
    whiskers = base.mark_rule(strokeWidth=1.5).encode(
        y=y,
        yOffset=offset,
        x=alt.X(
            "p10_h:Q",
            title=_("SLA hours (square-root scale)"),
            scale=x_scale,
            axis=alt.Axis(values=ticks, grid=True),
        ),
        x2="p90_h:Q",
        color=alt.Color(
            "measure:N",
            title=None,
            sort=None,
            scale=alt.Scale(range=MEASURE_COLOURS),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=tooltip,
    )
    boxes = base.mark_bar(size=10, cornerRadius=2).encode(
        y=y, yOffset=offset, x="p25_h:Q", x2="p75_h:Q", color="measure:N", tooltip=tooltip
    )
    medians = base.mark_tick(color="white", thickness=2, size=10).encode(
        y=y, yOffset=offset, x="median_h:Q", tooltip=tooltip
    )
    targets = base.mark_tick(color=BAD, opacity=1, thickness=3, size=16).encode(
        y=y, yOffset=offset, x="target_h:Q", tooltip=tooltip
    )
    chart = alt.layer(
        whiskers.properties(name="range"),
        boxes.properties(name="middle_half"),
        medians.properties(name="median"),
        targets.properties(name="target"),
    )
    decimals = {"incidents": 0, **dict.fromkeys([*QUANTILES, "target"], 0)}
    # Two short lines: one long line would run past a phone's screen.
    subtitle = [
        _("Bar: middle half of incidents. Line: 10th to 90th percentile."),
        _("White: median. Red: target."),
    ]
    return _styled(
        chart,
        alt.Title(title, subtitle=subtitle),
        decimals=decimals,
        height=14 * len(data) + 10 * data["priority"].nunique(),
    )


def quantiles(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per incident ([measure,] priority, minutes, target) to one row per
    measure and priority: incidents, p10, p25, median, p75, p90 (linear interpolation), target."""
    keys = [key for key in ("measure", "priority") if key in frame]
    timed = frame.assign(minutes=_numbers(frame["minutes"])).dropna(subset=["minutes"])
    groups = timed.groupby(keys, sort=False, observed=True)
    result = groups["minutes"].quantile(list(QUANTILES.values())).unstack()
    result.columns = list(QUANTILES)
    result.insert(0, "incidents", groups["minutes"].size())
    result["target"] = groups["target"].first()
    return result.reset_index()


def preventive_on_time(
    frame: pd.DataFrame, title: str = N_("Preventive maintenance by outcome")
) -> alt.Chart:
    """Preventive jobs due per period, stacked by outcome, with the on-time % in the tooltip.

    Columns: period, on_time, late, overdue, pending (counts).
    """
    statuses = {"on_time": _("On time"), "late": _("Late"), "overdue": _("Overdue"),
                "pending": _("Pending")}  # fmt: skip
    data = frame[["period", *statuses]].rename(columns=statuses)
    on_time, late, overdue = (statuses[key] for key in ("on_time", "late", "overdue"))
    chart = (
        alt.Chart(data)
        .transform_calculate(
            judged=f"datum['{on_time}'] + datum['{late}'] + datum['{overdue}']",
            on_time_pct="datum.judged > 0 "
            f"? format(100 * datum['{on_time}'] / datum.judged, '.1f') + '%' : '{NO_FIGURE()}'",
        )
        .transform_fold(list(statuses.values()), as_=["status", "count"])
        .mark_bar()
        .encode(
            x=_period_x(),
            y=alt.Y("count:Q", title=_("Jobs due"), stack="zero"),
            color=_status_colour("status", list(statuses.values())),
            tooltip=[
                alt.Tooltip("period:O", title=_("Period")),
                alt.Tooltip("status:N", title=_("Outcome")),
                alt.Tooltip("count:Q", title=_("Jobs"), format=",d"),
                alt.Tooltip("on_time_pct:N", title=_("On time %")),
            ],
        )
        .properties(name="jobs")
    )
    return _styled(chart, title)


def complaints_by_category(
    frame: pd.DataFrame, title: str = N_("Complaints by category and outcome")
) -> alt.Chart:
    """Complaints per category (most first), stacked by outcome.

    Columns: category, outcome, count.
    """
    data = frame[["category", "outcome", "count"]]
    outcomes = list(dict.fromkeys(data["outcome"].astype(str)))
    outcomes.sort(key=_status_rank)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("category:N", title=None, sort="-x", axis=alt.Axis(labelLimit=160)),
            x=alt.X("sum(count):Q", title=_("Complaints")),
            color=_status_colour("outcome", outcomes),
            tooltip=[
                alt.Tooltip("category:N", title=_("Category")),
                alt.Tooltip("outcome:N", title=_("Outcome")),
                alt.Tooltip("sum(count):Q", title=_("Complaints"), format=",d"),
            ],
        )
        .properties(name="complaints")
    )
    return _styled(chart, title, height=24 * data["category"].nunique())


def availability_heatmap(
    frame: pd.DataFrame, title: str = N_("System availability by period"), low: float | None = None
) -> alt.LayerChart:
    """System x period cells coloured by availability read against the target (see
    `_availability_colour`). Periods without a figure are pale grey.

    Columns: system (display name), period, pct (NaN: no figure), optionally target.
    """
    return _availability_cells(frame, "period", _period_x(), N_("Period"), title, low)


def _availability_cells(
    frame: pd.DataFrame,
    field: str,
    x: alt.X,
    field_title: str,
    title: str,
    low: float | None = None,
) -> alt.LayerChart:
    data = frame.assign(pct=_numbers(frame["pct"]))[
        ["system", field, "pct", *(["target"] if "target" in frame else [])]
    ]
    data = data.assign(against=against_target(data))
    y = alt.Y("system:N", title=None, sort=None, axis=alt.Axis(labelLimit=160))
    tooltip = [
        alt.Tooltip("system:N", title=_("System")),
        alt.Tooltip(f"{field}:O", title=_(field_title)),
        alt.Tooltip("shown:N", title=_("Availability")),
        alt.Tooltip("against:N", title=_("Against target")),
    ]
    base = alt.Chart(data).transform_calculate(
        shown=f"isValid(datum.pct) ? format(datum.pct, '.2f') + '%' : '{NO_FIGURE()}'"
    )
    missing = (
        base.transform_filter("!isValid(datum.pct)")
        .mark_rect(color=PENDING, opacity=0.25)
        .encode(x=x, y=y, tooltip=tooltip)
    )
    cells = (
        base.transform_filter("isValid(datum.pct)")
        .mark_rect()
        .encode(x=x, y=y, color=_availability_colour(data, low), tooltip=tooltip)
    )
    chart = alt.layer(missing.properties(name="no_figure"), cells.properties(name="cells"))
    return _styled(
        chart, title, decimals={"pct": 2, "target": 2}, height=28 * data["system"].nunique()
    )


def NO_FIGURE() -> str:
    return _("no figure")


AT_TARGET = N_("Target met")
BELOW_TARGET = N_("Below target")
FAR_BELOW = N_("A point or more below target")
NO_TARGET = N_("no target agreed")


def against_target(data: pd.DataFrame) -> pd.Series:
    """Each cell read against its target, in words (the tooltip and the data table)."""
    if "target" not in data:
        return pd.Series(_(NO_TARGET), index=data.index)
    target = _numbers(data["target"])
    words = pd.Series(
        np.select(
            [data["pct"] >= target, data["pct"] >= target - 1, data["pct"].notna()],
            [_(AT_TARGET), _(BELOW_TARGET), _(FAR_BELOW)],
            _("no figure"),
        ),
        index=data.index,
    )
    return words.where(target.notna(), _(NO_TARGET))


def _availability_colour(data: pd.DataFrame, low: float | None) -> alt.Color:
    """Read against the target: the target met in the good colour, below it in the late one,
    a point or more below in the bad one; a reader sees at once which cells missed. Without
    a target, a sequential scale clamped at `low` (default 99: 99.5 and 100 look different)."""
    if (data["against"] != _(NO_TARGET)).any():
        bands = [_(AT_TARGET), _(BELOW_TARGET), _(FAR_BELOW)]
        return alt.Color(
            "against:N",
            title=None,
            sort=bands,
            scale=alt.Scale(domain=bands, range=[GOOD, LATE, BAD]),
            legend=alt.Legend(orient="bottom"),
        )
    low = 99.0 if low is None else low
    return alt.Color(
        "pct:Q",
        title=_("Availability %"),
        scale=alt.Scale(scheme="orangered", reverse=True, domain=[low, 100], clamp=True),
        legend=alt.Legend(orient="bottom", format=".1f", values=[low, (low + 100) / 2, 100]),
    )


def action_status(
    frame: pd.DataFrame, title: str = N_("Actions by meeting period and status")
) -> alt.Chart:
    """Actions raised at each period's meetings, stacked by their status now.

    Columns: period, status (done, open, overdue, dropped), count.
    """
    data = frame[["period", "status", "count"]].assign(
        status=lambda f: f["status"].astype(str).str.capitalize()
    )
    if not i18n.is_source():
        labels = ("Done", "Open", "Overdue", "Dropped")
        data = data.assign(status=data["status"].replace({label: _(label) for label in labels}))
    statuses = sorted(dict.fromkeys(data["status"].astype(str)), key=_status_rank)
    colour = _status_colour("status", statuses)
    return _styled(_stacked_by_period(data, colour, N_("Status"), "count", N_("Actions")), title)


def survey_scores(frame: pd.DataFrame, title: str = N_("Survey score by period")) -> alt.Chart:
    """The mean survey score (1 to 5) of each period, with how many answers gave one; a
    period without a score is a gap in the line.

    Columns: period, score (mean, may be missing), surveys (count).
    """
    data = frame[["period", "score", "surveys"]]
    base = alt.Chart(data).encode(
        x=_period_x(),
        y=alt.Y("score:Q", title=_("Mean score (1 to 5)"), scale=alt.Scale(domain=[1, 5])),
        tooltip=[
            alt.Tooltip("period:O", title=_("Period")),
            alt.Tooltip("score:Q", title=_("Mean score"), format=".1f"),
            alt.Tooltip("surveys:Q", title=_("Survey answers"), format=",d"),
        ],
    )
    line = base.mark_line(color=PALETTE[0]).properties(name="score")
    points = base.mark_point(color=PALETTE[0], filled=True, size=50)
    return _styled(alt.layer(line, points), title, decimals={"score": 1})


def training_by_kind(
    frame: pd.DataFrame, title: str = N_("Courses completed by kind")
) -> alt.Chart:
    """Courses completed in each period, stacked by kind of course.

    Columns: period, kind (its display name), courses (count).
    """
    data = frame[["period", "kind", "courses"]]
    colour = alt.Color(
        "kind:N",
        title=_("Kind"),
        scale=alt.Scale(range=PALETTE),
        legend=alt.Legend(orient="bottom"),
    )
    return _styled(_stacked_by_period(data, colour, N_("Kind"), "courses", N_("Courses")), title)


def _period_x() -> alt.X:
    """The periods along the x axis, in the order given, labels level and never overlapping."""
    return alt.X("period:O", title=None, sort=None, axis=alt.Axis(labelAngle=0, labelOverlap=True))


def _stacked_by_period(
    data: pd.DataFrame, colour: alt.Color, series_title: str, count: str, unit: str
) -> alt.Chart:
    """A bar per period of the `count` column summed, stacked by the colour's series."""
    total = f"sum({count}):Q"
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=_period_x(),
            y=alt.Y(total, title=_(unit), stack="zero"),
            color=colour,
            tooltip=[
                alt.Tooltip("period:O", title=_("Period")),
                alt.Tooltip(colour.shorthand, title=_(series_title)),
                alt.Tooltip(total, title=_(unit), format=",d"),
            ],
        )
        .properties(name=unit.lower())
    )


def _description(description: str) -> str:
    return " ".join(str(description).split())


def embed(chart: alt.TopLevelMixin, description: str, table: pd.DataFrame, chart_id: str) -> str:
    """The chart as an HTML block for a Markdown page: the spec as data, the description as
    its caption and accessible name, and its data as a table the reader can open."""
    # The specs are validated against the Vega-Lite schema by the tests (tests/test_charts.py);
    # validating them again for every client costs a third of a second per client.
    spec = chart.properties(description=_description(description)).to_dict(validate=False)
    return embed_spec(spec, description, table, chart_id)


def embed_spec(spec: dict, description: str, table: pd.DataFrame, chart_id: str) -> str:
    """`embed` of a ready spec (its description set).

    One element per line and no blank line, so that Markdown keeps the block as raw HTML."""
    if not _CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must be lower-case letters, digits and dashes: {chart_id!r}")
    text = spec_json(spec)
    decimals = spec.get("usermeta", {}).get("svcsite", {}).get("decimals", {})
    caption = inline(description)
    return "\n".join(
        [
            f'<figure class="svc-chart" id="chart-{chart_id}">',
            f'<div class="svc-chart__canvas" id="chart-{chart_id}-canvas" role="img" '
            f'aria-label="{caption}" data-spec="{html.escape(text, quote=True)}"></div>',
            f"<figcaption>{caption}</figcaption>",
            '<details class="svc-chart__data">',
            "<summary>" + _("Data table") + "</summary>",
            *data_table(table, decimals),
            "</details>",
            "</figure>",
        ]
    )


def spec_json(spec: dict) -> str:
    """The spec as compact, sorted JSON in which no string holds a character that HTML or
    Markdown could act on (`<`, `[`, `(`, ... become \\u escapes): the same JSON to a parser,
    inert text to everything else."""
    text = json.dumps(
        spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return _JSON_STRING.sub(lambda string: string.group(0).translate(_INERT_IN_JSON), text)


def data_table(table: pd.DataFrame, decimals: Mapping[str, int] | None = None) -> list[str]:
    """The lines of an HTML table of `table`: every cell inert text, numbers formatted.

    `decimals`: places per float column (default 1); a `decimals` column, where present,
    sets the places of those columns row by row (availability: 2) and is not shown."""
    decimals = decimals or {}
    columns = [column for column in table.columns if column != "decimals"]
    kinds = {column: _kind(table[column]) for column in columns}
    per_row = table["decimals"].tolist() if "decimals" in table else [None] * len(table)
    header = "".join(
        f"<th{'' if kinds[column] == 'text' else _NUMBER}>{inline(_header(column))}</th>"
        for column in columns
    )
    lines = ["<table>", f"<thead><tr>{header}</tr></thead>", "<tbody>"]
    for row_decimals, row in zip(per_row, table[columns].itertuples(index=False), strict=True):
        cells = []
        for column, value in zip(columns, row, strict=True):
            if kinds[column] == "text":
                cells.append(f"<td>{inline(value) or DASH}</td>")
                continue
            places = 0 if kinds[column] == "integer" else decimals.get(column, 1)
            if row_decimals is not None and column in decimals and not pd.isna(row_decimals):
                places = int(row_decimals)
            cells.append(f"<td{_NUMBER}>{_number(value, places)}</td>")
        lines.append(f"<tr>{''.join(cells)}</tr>")
    return [*lines, "</tbody>", "</table>"]


_bundle_folder: Path | None = None


def keep_bundle_in(folder: Path) -> None:
    """Look for the Vega bundle an earlier run made in `folder` (a cache), and keep a new one
    there: making it takes about a second in every new process."""
    global _bundle_folder
    _bundle_folder = folder


@cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed in one script (globals `vega`, `vegaLite`, `vegaEmbed`):
    served from the site itself, so charts draw offline and load nothing from elsewhere."""
    if _bundle_folder is None:
        return vl_convert.javascript_bundle()
    kept = Cache(_bundle_folder)
    made_by = f"vl-convert-python {metadata.version('vl-convert-python')}"
    bundle = kept.through("vega-bundle", key(made_by), vl_convert.javascript_bundle)
    kept.save()
    return bundle


# --- the common look ---------------------------------------------------------------------


def _styled(
    chart: alt.TopLevelMixin,
    title: str | alt.Title,
    decimals: Mapping[str, int] | None = None,
    height: int = HEIGHT,
) -> alt.TopLevelMixin:
    """One look for every chart: the column's width (Vega-Lite fits the chart to it), a
    transparent background so that the page's light or dark colour shows, the palette, the
    page's font stack and no chart border. Heights are in pixels: a step height would make
    Vega-Lite warn on every draw that it drops "fit-y".
    `decimals` (per column) tells `embed` how to show the numbers of the data table."""
    usermeta = {"svcsite": {"decimals": dict(decimals or {})}}
    if isinstance(title, str):
        title = _(title)
    elif isinstance(title, alt.Title) and isinstance(title.text, str):
        title = alt.Title(_(title.text), subtitle=title.subtitle)
    # One copy of the chart with its whole config (each `.configure_*` would copy it again).
    return chart.properties(
        title=title,
        width="container",
        height=height,
        background="transparent",
        usermeta=usermeta,
        config=_CONFIG if i18n.is_source() else _CONFIG_CJK,
    )


_CONFIG = alt.Config(
    font=FONT,
    range=alt.RangeConfig(category=PALETTE),
    view=alt.ViewConfig(stroke=None),
    title=alt.TitleConfig(anchor="start", fontSize=14, fontWeight="bold", offset=10),
    axis=alt.AxisConfig(
        labelFontSize=11, titleFontSize=11, titleFontWeight="normal", gridOpacity=0.5
    ),
    # A legend below the plot is one row where it fits; on a phone it wraps into two columns.
    legend=alt.LegendConfig(
        labelFontSize=11,
        titleFontSize=11,
        labelLimit=240,
        symbolType="circle",
        columns=alt.ExprRef("width < 480 ? 2 : 0"),
    ),
)


_CONFIG_CJK = _CONFIG.copy()
_CONFIG_CJK.font = FONT_CJK


def _status_colour(field: str, statuses: Sequence[str]) -> alt.Color:
    """Status colours that mean the same on every chart; unknown statuses take the palette."""
    spare = iter(PALETTE)
    colours = [_colour_of(status) or next(spare, PENDING) for status in statuses]
    return alt.Color(
        f"{field}:N",
        title=None,
        sort=list(statuses),
        scale=alt.Scale(domain=list(statuses), range=colours),
        legend=alt.Legend(orient="bottom"),
    )


def _status_rank(status: str) -> tuple[int, str]:
    """Good outcomes first (at the bottom of a stack), then late, bad, open and closed ones."""
    order = [GOOD, LATE, BAD, OPEN, PENDING, CLOSED]
    colour = _colour_of(status)
    return (order.index(colour) if colour else len(order), status)


def _colour_of(status: str) -> str | None:
    """The colour of a status label, in English or in the page's language."""
    if i18n.is_source():
        return STATUS_COLOURS.get(status.lower())
    translated = {_(label).lower(): STATUS_COLOURS.get(label.lower()) for label in STATUS_LABELS}
    return STATUS_COLOURS.get(status.lower()) or translated.get(status.lower())


def _shown(field: str, missing: str) -> str:
    """A Vega expression: the percent with the row's decimals, or `missing`."""
    return (
        f"isValid(datum.{field}) && isFinite(datum.{field}) "
        f"? format(datum.{field}, '.' + datum.decimals + 'f') + '%' : '{missing}'"
    )


def _hour_ticks(longest: float) -> list[float]:
    """The ticks from 0 to the first one at or past `longest` hours."""
    if not longest > 0:  # no time, or NaN
        return [0, 1]
    end = next((tick for tick in HOUR_TICKS if tick >= longest), None)
    if end is None:
        return [*HOUR_TICKS, math.ceil(longest)]
    return [tick for tick in HOUR_TICKS if tick <= end]


def _floor(data: pd.DataFrame) -> float:
    """The y axis starts at 0, or closer to 100 when every figure and target is high,
    so that 95 and 100 are far apart: a multiple of 10 at least 5 under the lowest value."""
    values = pd.concat([data["pct"], data["target"]]).dropna()
    if values.empty:
        return 0.0
    return float(max(0, math.floor((values.min() - 5) / 10) * 10))


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype(float)


_NUMBER = ' class="svc-num"'  # right-aligned by charts.css


def _kind(values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return "text"
    return "integer" if pd.api.types.is_integer_dtype(values) else "number"


def _header(column: str) -> str:
    if column in HEADERS:
        return _(HEADERS[column])
    if not i18n.is_source() and column in COLUMNS:
        return _(COLUMNS[column])
    return column.replace("_", " ").capitalize()


def _number(value: object, decimals: int) -> str:
    """1,234 or 95.2; a missing value is a dash."""
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return DASH
    if not i18n.is_source():
        return number(value, decimals)
    return f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]
