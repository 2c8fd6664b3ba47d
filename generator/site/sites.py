"""The Sites section (contract 11): an index of the client's sites with each one's figures of
the latest period against the targets, the worst first, and a page per site: its systems,
its figures per period, its repeat faults and the records behind them, its most frequent
causes, its open items and a daily availability strip per system.

Every figure comes from `by_site` of the client's metrics.json (one document, as on every
page). The records are the client's published ones: each list (open items, repeat faults,
causes, strips) is made once for all the client's sites, then split by site.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from generator.figures.definitions import BY_ID, SITE_FIGURES, SITE_TARGETED, Metric
from generator.figures.report import published_site_ids
from generator.inputs.config import Client, Site, system_name, unique_slugs
from generator.site import charts, i18n
from generator.site.i18n import _
from generator.site.render import number, pct

if TYPE_CHECKING:  # pages imports this module
    from generator.site.pages import ClientView

HOTSPOTS = 5  # sites named on the overview
TOP_CAUSES = 5
SITES_DIR = "sites"
STRIP_CLASSES = {
    charts.AT_TARGET: "met",
    charts.BELOW_TARGET: "below",
    charts.FAR_BELOW: "far",
    "no target agreed": "plain",
    "no figure": "none",
}


@dataclass(frozen=True)
class SiteFigure:
    """One figure of one site in one period, against the client's target for it."""

    path: str  # within the site's entry of by_site
    metric: Metric  # the client-level figure it restricts to the site
    value: float | None
    target: float | None

    @property
    def met(self) -> bool | None:
        return self.metric.meets(self.value, self.target)

    @property
    def cell(self) -> str:
        """The figure as shown in a table, marked in words (not only in colour) when below
        its target (a template macro would be called some ten thousand times a bank)."""
        decimals = self.metric.decimals
        shown = pct(self.value, decimals) if self.metric.unit == "%" else number(self.value)
        if self.met is False:
            if not i18n.is_source():
                below = _("Below the target of {target}").format(target=pct(self.target, decimals))
                return (
                    f'<span class="svc-status svc-status--missed" title="{below}">'
                    + _("{figure} below").format(figure=shown)
                    + "</span>"
                )
            return (
                '<span class="svc-status svc-status--missed" title="Below the target of '
                f'{pct(self.target, decimals)}">{shown} below</span>'
            )
        return shown


@dataclass
class SitesView:
    """What the Sites pages may see of one client (`view`: its ClientView)."""

    view: ClientView

    @property
    def client(self) -> Client:
        return self.view.client

    @cached_property
    def published_ids(self) -> dict[str, str]:
        return published_site_ids(self.client)

    @cached_property
    def slugs(self) -> dict[str, str]:
        """Each site's page name: a unique slug of the id as published (an id holding a
        phone number must not put it in an address), never the Sites index's own."""
        published = [self.published_ids[site.id] for site in self.client.sites]
        slugs = unique_slugs(published, reserved=("index",))
        return dict(zip(self.published_ids, slugs, strict=True))

    def path(self, site: Site) -> str:
        """The site page, relative to the docs folder."""
        return f"{SITES_DIR}/{self.slugs[site.id]}.md"

    def figures(self, site: Site, code: int) -> list[SiteFigure]:
        entry = self.view.period(code)["by_site"][self.published_ids[site.id]]
        result = []
        for path, metric_id in SITE_FIGURES.items():
            value: Any = entry
            for key in path.split("."):
                value = value.get(key) if isinstance(value, dict) else None
            metric = BY_ID[metric_id]
            target = metric.target_value(self.view.period(code)["targets"])
            result.append(SiteFigure(path, metric, None if value is None else float(value), target))
        return result

    def period_rows(self, site: Site) -> str:
        """The table rows of the site's figures per period, the latest first (made here: a
        template macro per row would be called some fifteen hundred times a bank)."""
        return "\n".join(
            f"<tr><td>{html.escape(self.view.title(code))}</td>"
            + "".join(f'<td class="svc-num">{f.cell}</td>' for f in self.figures(site, code))
            + "</tr>"
            for code in reversed(self.view.codes)
        )

    @cached_property
    def ranked(self) -> list[dict[str, Any]]:
        """Each site with its latest-period figures, the worst first: the most targets
        missed, then the most repeat faults, then the most incidents, then clients.yml's order."""
        rows = []
        for position, site in enumerate(self.client.sites):
            figures = self.figures(site, self.view.latest_code)
            by_path = {f.path: f for f in figures}
            rows.append(
                {
                    "site": site,
                    "name": self.view.site_names[site.id],
                    "path": self.path(site),
                    "figures": figures,
                    "missed": sum(1 for f in figures if f.path in SITE_TARGETED and f.met is False),
                    "repeat": by_path["incidents.repeat"].value or 0,
                    "reported": by_path["incidents.reported"].value or 0,
                    "position": position,
                }
            )
        return sorted(
            rows, key=lambda r: (-r["missed"], -r["repeat"], -r["reported"], r["position"])
        )

    def hotspots(self) -> list[dict[str, Any]]:
        """The sites that missed most in the latest period (none if none missed)."""
        return [row for row in self.ranked if row["missed"]][:HOTSPOTS]

    def systems(self, site: Site) -> str:
        return ", ".join(system_name(system) for system in site.systems)

    # ---- the client's records, split by site once ---------------------------------------------

    def _split(
        self, frame: pd.DataFrame, columns: list[str] | None = None
    ) -> dict[str, list[dict[str, Any]]]:
        """Rows (of `columns`) as records, per site."""
        if frame.empty:
            return {}
        # A row without a site id ("": no site's) belongs on no site's page.
        site_ids = frame["site_id"].astype("string").fillna("").to_numpy(dtype=object)
        order = np.argsort(site_ids, kind="stable")  # each site's rows together, in order
        shown = frame[columns] if columns is not None else frame
        records = shown.iloc[order].to_dict("records")
        sites, starts = np.unique(site_ids[order], return_index=True)
        ends = [*starts[1:], len(records)]
        return {
            str(site_id): records[start:end]
            for site_id, start, end in zip(sites, starts, ends, strict=True)
        }

    def _records(
        self, source: str, rows: Callable[[pd.DataFrame], pd.Series]
    ) -> pd.DataFrame | None:
        """The client's published records of `source` that `rows` picks, with their period
        (None: the source was not supplied)."""
        if source not in self.view.present:
            return None
        frame = self.view.public_records(source)
        if frame is None or frame.empty:
            return pd.DataFrame(columns=list(frame.columns) if frame is not None else ["site_id"])
        frame = frame.assign(period=self.view.record_periods[source].to_numpy())
        return frame[rows(frame).to_numpy()]

    @cached_property
    def _open(self) -> dict[str, dict[str, list[dict[str, Any]]] | None]:
        picks = {
            "incidents": (
                lambda f: f["resolved_at"].isna(),
                ["incident_id", "system", "priority", "reported_at", "attended_at", "cause"],
            ),
            "maintenance": (
                lambda f: f["job_status"] == "overdue",
                ["job_id", "system", "due_date", "days_late"],
            ),
            "complaints": (
                lambda f: f["status"].isin(["open", "escalated"]),
                ["complaint_id", "received_at", "category", "status"],
            ),
        }
        result: dict[str, dict[str, list[dict[str, Any]]] | None] = {}
        for source, (rows, columns) in picks.items():
            frame = self._records(source, rows)
            result[source] = None if frame is None else self._split(frame, columns)
        return result

    def open_items(self, site: Site) -> dict[str, list[dict[str, Any]] | None]:
        """What is open at the site at the as-of time: incidents not restored, overdue
        preventive jobs, open or escalated complaints (None: no such records supplied)."""
        return {
            source: None if by_site is None else by_site.get(site.id, [])
            for source, by_site in self._open.items()
        }

    @cached_property
    def _repeat_chains(self) -> dict[str, list[dict[str, Any]]]:
        incidents = self._records("incidents", lambda f: f["incident_id"].notna())
        if incidents is None or incidents.empty:
            return {}
        keys = ["site_id", "system"]
        ordered = incidents.sort_values([*keys, "reported_at"], kind="stable")
        same = (ordered[keys].astype(str) == ordered[keys].astype(str).shift()).all(axis=1)
        repeats = ordered["repeat"].astype(bool) & (ordered["period"] == self.view.latest_code)
        # Each repeat of the latest period, and the incident before it: the record behind it.
        behind = repeats.shift(-1, fill_value=False) & same.shift(-1, fill_value=False)
        chain = ordered[(repeats | behind).to_numpy()]
        columns = ["incident_id", "system", "reported_at", "priority", "repeat", "resolved_at"]
        return self._split(chain, [*columns, "cause", "summary"])

    def repeat_faults(self, site: Site) -> list[dict[str, Any]]:
        """The site's repeat faults of the latest period, each after the incident it
        repeated, by system, oldest first."""
        return self._repeat_chains.get(site.id, [])

    @cached_property
    def _causes(self) -> dict[str, list[dict[str, Any]]]:
        recent = self._records("incidents", lambda f: f["period"].isin(self.view.trend_codes()))
        if recent is None or recent.empty:
            return {}
        counts = (
            pd.DataFrame(
                {
                    "site_id": recent["site_id"].astype(str).to_numpy(),
                    "cause": recent["cause"].fillna("not recorded").astype(str).to_numpy(),
                    "repeat": recent["repeat"].astype(bool).to_numpy(),
                }
            )
            .groupby(["site_id", "cause"], sort=True)
            .agg(incidents=("repeat", "size"), repeats=("repeat", "sum"))
            .reset_index()
            .sort_values(["site_id", "incidents"], ascending=[True, False], kind="stable")
        )
        return self._split(counts.groupby("site_id", sort=False).head(TOP_CAUSES))

    def causes(self, site: Site) -> list[dict[str, Any]]:
        """The most frequent causes of the site's incidents over the trend's periods."""
        return self._causes.get(site.id, [])

    # ---- the daily strip --------------------------------------------------------------------

    @cached_property
    def _strips(self) -> dict[str, str]:
        """Each site's strip: a row of day cells per system, made for all sites at once,
        a column at a time (ninety days a system, sixty sites)."""
        daily = self.view.figures.daily
        if self.client.id not in daily.index:  # an index lookup, not a scan of the portfolio
            return {}
        rows = daily.loc[[self.client.id]].reset_index(drop=True)
        pairs = [(site.id, system) for site in self.client.sites for system in site.systems]
        order = pd.MultiIndex.from_tuples(pairs).get_indexer(
            pd.MultiIndex.from_arrays([rows["site_id"].astype(str), rows["system"].astype(str)])
        )
        rows = rows.assign(order=order).sort_values(["order", "day"], kind="stable")
        systems = rows["system"].astype(str)
        names = {system: system_name(system) for system in systems.unique()}
        table = pd.DataFrame(
            {
                "site_id": rows["site_id"].astype(str).to_numpy(),
                "system": systems.map(names).to_numpy(),
                "day": np.datetime_as_string(rows["day"].to_numpy(dtype="datetime64[D]")),
                "pct": rows["pct"].to_numpy(),
            }
        )
        # Each day read against the target in force that day (an agreed change may fall
        # inside the 90 days): one lookup per distinct day, not per cell.
        in_force = {
            day: self.client.sla.in_force(date.fromisoformat(day)).availability_target_pct
            for day in table["day"].unique()
        }
        table["target"] = table["day"].map(in_force).astype(float)
        table["against"] = charts.against_target(table)
        has_figure = table["pct"].notna().to_numpy()
        figure = np.where(has_figure, np.char.mod("%.2f", table["pct"].fillna(0).to_numpy()), "")
        day, against = table["day"].to_numpy(object), table["against"].to_numpy(object)
        classes = {_(words): name for words, name in STRIP_CLASSES.items()}
        kind = table["against"].map(classes).to_numpy(object)
        shown = np.where(has_figure, np.char.add(figure, "%"), _("no figure")).astype(object)
        cells = (
            '<i class="svc-d svc-d--' + kind + '" title="' + day + ": " + shown + " ("
            + np.char.lower(against.astype(str)).astype(object) + ')"></i>'
        )  # fmt: skip
        below = table["against"].isin([charts.BELOW_TARGET, charts.FAR_BELOW]).to_numpy()
        runs = _runs(table.assign(shown=shown))
        systems_of: dict[str, list[tuple[str, np.ndarray]]] = {}
        for (site_id, system), positions in table.groupby(
            ["site_id", "system"], sort=False
        ).indices.items():
            systems_of.setdefault(site_id, []).append((system, positions))
        days = table["day"].to_numpy(object)
        return {
            site_id: _strip(systems, days, cells, below, runs.get(site_id, ""))
            for site_id, systems in systems_of.items()
        }

    def strip(self, site: Site) -> str:
        return self._strips.get(site.id, "<p><em>No days to show yet.</em></p>")


def _runs(table: pd.DataFrame) -> dict[str, str]:
    """Each site's text alternative to its strip: the table rows of its days, a row per run
    of consecutive days a system had the same figure and reading (most days of most systems
    are one run at 100%, so every day's figure is told in a few rows, not ninety)."""
    keys = table[["site_id", "system", "shown", "against"]]
    starts = (keys != keys.shift()).any(axis=1)
    runs = table.groupby(starts.cumsum().to_numpy(), sort=False).agg(
        site_id=("site_id", "first"),
        system=("system", "first"),
        first=("day", "first"),
        last=("day", "last"),
        days=("day", "size"),
        shown=("shown", "first"),
        against=("against", "first"),
    )
    one_day = runs["days"] == 1
    span = runs["first"].where(one_day, runs["first"] + " to " + runs["last"])
    rows = (
        "<tr><td>" + runs["system"].map(html.escape) + "</td><td>" + span
        + '</td><td class="svc-num">' + runs["days"].astype(str)
        + '</td><td class="svc-num">' + runs["shown"]
        + "</td><td>" + runs["against"].map(html.escape) + "</td></tr>"
    )  # fmt: skip
    return rows.groupby(runs["site_id"].to_numpy(), sort=False).agg("\n".join).to_dict()


def _strip(
    systems: list[tuple[str, np.ndarray]],
    days: np.ndarray,
    cells: np.ndarray,
    below: np.ndarray,
    runs: str,
) -> str:
    """One site's strip: per system (its name, the positions of its days) a row of cells
    (the day's figure on hover), a caption, and every day's figure in a data table (the text
    alternative), a row per run of days with the same figure."""
    lines = ['<figure class="svc-strip">']
    for system, positions in systems:
        label = html.escape(
            f"{system}: {int(below[positions].sum())} of {len(positions)} days below target"
        )
        lines.append(
            f'<div class="svc-strip__row"><span class="svc-strip__system">{html.escape(system)}'
            f'</span><span class="svc-strip__days" role="img" aria-label="{label}">'
            + "".join(cells[positions])
            + "</span></div>"
        )
    first = systems[0][1]
    lines += [
        f'<div class="svc-strip__axis"><span>{days[first[0]]}</span>'
        f"<span>{days[first[-1]]}</span></div>",
        "<figcaption>"
        + _(
            "Availability of each system on each of the last {count} days, read against the "
            "target: {met} target met, {below} below target, {far} a point or more below. "
            "Point at a day for its figure."
        ).format(
            count=len(first),
            met='<i class="svc-strip__key svc-d--met"></i>',
            below='<i class="svc-strip__key svc-d--below"></i>',
            far='<i class="svc-strip__key svc-d--far"></i>',
        )
        + "</figcaption>",
        '<details class="svc-chart__data">',
        "<summary>" + _("Data table") + "</summary>",
        "<table>",
        "<thead><tr><th>" + _("System") + "</th><th>" + _("Days") + "</th>"
        '<th class="svc-num">' + _("Number of days") + "</th>"
        '<th class="svc-num">' + _("Availability each day") + "</th>"
        "<th>" + _("Against target") + "</th></tr></thead>",
        "<tbody>",
        runs,
        "</tbody>",
        "</table>",
        "</details>",
        "</figure>",
    ]
    return "\n".join(lines)


def sites_pages(
    sites: SitesView, render_page: Callable[..., dict[str, str]], context: dict[str, Any]
) -> dict[str, str]:
    """The Sites index and a page per site."""
    pages = render_page("sites/index.md", "pages/sites.md.j2", **context, sites=sites)
    for site in sites.client.sites:
        pages |= render_page(
            sites.path(site), "pages/site.md.j2", **context, sites=sites, site=site
        )
    return pages
