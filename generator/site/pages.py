"""Pages: each client's Markdown and downloads, rendered from templates and from that
client's slice of the figures only (contract 6, 8).

Python prepares small tidy tables (a client's periods, its records, its breaches); the
Jinja2 templates in `templates/pages/` hold the prose and the layout.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from generator.figures.definitions import BY_ID, HEADLINE, METRICS, Metric
from generator.figures.metrics import START_COLUMN, Figures
from generator.figures.periods import bounds, label, period_codes
from generator.figures.report import (
    breaches,
    client_metrics,
    client_periods,
    granularity_of,
    metrics_json,
)
from generator.inputs.config import ALWAYS_OPEN, Client, Config, system_name
from generator.inputs.quality import DataQuality
from generator.inputs.read import Inputs
from generator.inputs.tables import TABLES
from generator.safety.markup import html_column
from generator.safety.redact import redact_text
from generator.site import charts, i18n
from generator.site.agreement import AgreementView
from generator.site.annual import AnnualView
from generator.site.events import fragments_path, marker
from generator.site.feed import FEED, atom_feed
from generator.site.i18n import N_, _
from generator.site.ical import CALENDAR, ical_calendar
from generator.site.pdf import ANNUAL, PrintJob, pdf_path
from generator.site.render import (
    csv_instant_column,
    html_rows,
    month_title,
    quarter_title,
    render,
    timestamp_column,
)
from generator.site.sites import SitesView, sites_pages
from generator.site.standards import StandardsView
from generator.site.urls import site_url

CHARTS = {
    "response_times": "response_time_distribution",
    "preventive": "preventive_on_time",
    "complaints": "complaints_by_category",
    "availability": "availability_heatmap",
    "actions": "action_status",
}
BREACH_LABELS = {
    "attend": N_("Incident attendance"),
    "restore": N_("Incident restoration"),
    "acknowledge": N_("Complaint acknowledgement"),
    "resolve": N_("Complaint resolution"),
    "late": N_("Preventive job completed late"),
    "overdue": N_("Preventive job overdue"),
}
# The columns of a service report's incident list, in order (its header is in report.md.j2).
INCIDENT_ROW = ("incident_id", "site", "system", "priority", "reported_at", "attended_at",
                "resolved_at", "attend_status", "restore_status", "cause", "summary")  # fmt: skip
VISITS = "visits"  # split_by_client's key for the preventive visits still to come
# Words of clients.yml the pages show: translated where shown.
REPORTING = (N_("monthly"), N_("quarterly"))
TREND_PERIODS = 12
REPORT_WINDOW = 3  # a service report covers its period and the two before


def split_by_client(figures: Figures) -> dict[str, dict[str, pd.DataFrame]]:
    """Each client's records, split once for the whole portfolio (never re-filtered per client)."""
    result: dict[str, dict[str, pd.DataFrame]] = {}
    for source, records in figures.records.items():
        for client_id, frame in records.groupby("client_id", observed=True, sort=False):
            result.setdefault(str(client_id), {})[source] = frame.reset_index(drop=True)
    if figures.visits is not None:  # not a source: the calendar's visits, after as_of
        for client_id, frame in figures.visits.groupby("client_id", observed=True, sort=False):
            result.setdefault(str(client_id), {})[VISITS] = frame.reset_index(drop=True)
    return result


def client_records(figures: Figures, client_id: str) -> dict[str, pd.DataFrame]:
    """One client's records, as `split_by_client` gives them (for a preview of one client)."""
    frames = dict(figures.records)
    if figures.visits is not None:
        frames[VISITS] = figures.visits
    records = {}
    for source, frame in frames.items():
        keep = (frame["client_id"] == client_id).to_numpy(dtype=bool, na_value=False)
        if keep.any():
            records[source] = frame[keep].reset_index(drop=True)
    return records


@dataclass
class ClientView:
    """What the templates may see of one client: its config, figures and records."""

    client: Client
    config: Config
    figures: Figures
    quality: DataQuality
    records: dict[str, pd.DataFrame]  # this client's records only
    minutes: list[Any]  # hand-written minutes pages (path, title)

    @cached_property
    def granularity(self) -> str:
        return granularity_of(self.client)

    @cached_property
    def periods(self) -> pd.DataFrame:
        return client_periods(self.figures, self.client)

    @cached_property
    def codes(self) -> list[int]:
        return [int(code) for code in self.periods.index]

    @cached_property
    def complete_codes(self) -> list[int]:
        """Periods that had ended by the as-of time."""
        ends = bounds(self.codes, self.granularity, self.config.timezone)[1]
        return [
            code for code, end in zip(self.codes, ends, strict=True) if end <= self.figures.as_of
        ]

    @cached_property
    def latest_code(self) -> int:
        return self.complete_codes[-1] if self.complete_codes else self.codes[-1]

    @cached_property
    def present(self) -> set[str]:
        return {name for name in TABLES if name not in self.quality.absent}

    def label(self, code: int) -> str:
        return label(code, self.granularity)

    @cached_property
    def titles(self) -> dict[int, str]:
        """'October 2026' or 'Q4 2026', for every period of the client."""
        starts = bounds(self.codes, self.granularity, self.config.timezone)[0]
        title = month_title if self.granularity == "month" else quarter_title
        names = [title(start) for start in starts]
        return dict(zip(self.codes, names, strict=True))

    def title(self, code: int) -> str:
        return self.titles[code]

    @cached_property
    def document(self) -> dict[str, Any]:
        """metrics.json: the pages show the same figures, from the same document."""
        return client_metrics(self.figures, self.client, self.quality)

    def period(self, code: int) -> dict[str, Any]:
        """One period of metrics.json, e.g. period(code)["incidents"]["attend"]["met"]."""
        return self.document["periods"][self.codes.index(code)]

    def metric(self, metric_id: str) -> Metric:
        return BY_ID[metric_id]

    def figure(self, metric: Metric, code: int) -> float | None:
        value: Any = self.period(code)
        for key in metric.path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        return None if value is None else float(value)

    def data_counts(self) -> dict[str, dict[str, int] | None]:
        return self.document["data"]

    def open_items(self) -> dict[str, int | None]:
        """What is still open at the as-of time, whatever period it belongs to."""
        incidents = self.records.get("incidents")
        maintenance = self.records.get("maintenance")
        complaints = self.records.get("complaints")
        actions = self.records.get("actions")
        present = self.present
        return {
            "incidents": _count(incidents, lambda f: f["resolved_at"].isna())
            if "incidents" in present
            else None,
            "overdue_jobs": _count(maintenance, lambda f: f["job_status"] == "overdue")
            if "maintenance" in present
            else None,
            "complaints": _count(complaints, lambda f: f["status"].isin(["open", "escalated"]))
            if "complaints" in present
            else None,
            "actions": _count(actions, lambda f: f["status"] == "open")
            if "actions" in present
            else None,
            "overdue_actions": _count(actions, lambda f: f["overdue"])
            if "actions" in present
            else None,
        }

    def scorecard(self, code: int) -> list[dict[str, Any]]:
        """Each headline figure of the period against its target, its change and benchmark."""
        previous = self.codes[self.codes.index(code) - 1] if self.codes.index(code) > 0 else None
        benchmark = self.figures.benchmark[self.granularity]
        rows = []
        for metric in HEADLINE:
            value = self.figure(metric, code)
            target = metric.target_value(self.period(code)["targets"])
            before = self.figure(metric, previous) if previous is not None else None
            quartiles = None
            if (
                code in benchmark.index
                and f"{metric.id}.clients" in benchmark
                and pd.notna(benchmark.at[code, f"{metric.id}.clients"])
            ):
                quartiles = {
                    k: float(benchmark.at[code, f"{metric.id}.{k}"])
                    for k in ("p25", "median", "p75")
                }
            rows.append(
                {
                    "metric": metric,
                    "value": value,
                    "target": target,
                    "met": metric.meets(value, target),
                    "change": None if value is None or before is None else value - before,
                    "benchmark": quartiles,
                    "outside": [b for b in self.config.benchmarks if b.figure == metric.id],
                    "supplied": metric.source in self.present or metric.source == "availability",
                }
            )
        return rows

    @cached_property
    def record_periods(self) -> dict[str, pd.Series]:
        """The period of each of the client's records, per source (computed once)."""
        return {
            source: period_codes(frame[START_COLUMN[source]], self.granularity)
            for source, frame in self.records.items()
        }

    @cached_property
    def breach_records(self) -> pd.DataFrame:
        # From the published records: their priorities read as in the incident lists.
        published = {s: f for s, f in self.published.items() if s in self.records and f is not None}
        return breaches(published, self.granularity)

    def breaches(self, code: int) -> pd.DataFrame:
        """Every record of the period that missed its target."""
        return self.breach_records[self.breach_records["period"] == code]

    def systems(self) -> list[dict[str, str]]:
        ids = sorted({system for site in self.client.sites for system in site.systems})
        return [{"id": system, "name": system_name(system)} for system in ids]

    @cached_property
    def site_names(self) -> dict[str, str]:
        """Each site's name as published: redacted like every text (names come from exports)."""
        names = pd.Series([site.name for site in self.client.sites], dtype="str")
        redacted = redact_text(names, self.client.people)
        return dict(zip([site.id for site in self.client.sites], redacted, strict=True))

    def sites(self) -> list[dict[str, str]]:
        """The client's sites as published: name and systems."""
        return [
            {
                "name": self.site_names[site.id],
                "systems": ", ".join(system_name(system) for system in site.systems),
            }
            for site in self.client.sites
        ]

    @cached_property
    def published(self) -> dict[str, pd.DataFrame | None]:
        """Each source's records as they may be published: no personal-data column, every
        text column redacted, and `site`, the name of the record's site. Made once per
        client, whatever pages, charts and downloads show them."""
        published: dict[str, pd.DataFrame | None] = {}
        for source, table in TABLES.items():
            records = self.records.get(source)
            if source not in self.present:
                published[source] = None
            elif records is None:
                published[source] = pd.DataFrame(
                    columns=[c.name for c in table.columns if not c.personal]
                )
            else:
                frame = records.drop(columns=[c for c in table.personal_columns if c in records])
                if "site_id" in frame:
                    frame["site"] = frame["site_id"].astype("str").map(self.site_names)
                for column in table.redacted_columns:
                    frame[column] = redact_text(frame[column], self.client.people)
                published[source] = frame
        return published

    def public_records(
        self, source: str, rows: Callable[[pd.DataFrame], pd.Series] | None = None
    ) -> pd.DataFrame | None:
        """The published records (those `rows` picks), for display: system names for ids."""
        published = self.published[source]
        if published is None or published.empty:
            return published
        frame = published[rows(published)] if rows is not None else published.copy()
        if "system" in frame:
            frame["system"] = frame["system"].astype(str).map(system_name)
        return frame

    @cached_property
    def incidents_by_period(self) -> dict[int, list[str]]:
        """The published incidents of each period, in the order they were reported, as HTML
        table rows: formatted a column at a time (thousands of rows a client)."""
        frame = self.public_records("incidents")
        if frame is None or frame.empty:
            return {}
        period = self.record_periods["incidents"].to_numpy(dtype="int64", na_value=-1)
        ordered = frame.assign(period=period).sort_values(["period", "reported_at"], kind="stable")
        codes = ordered["period"].to_numpy()
        # Markdown never reads these rows: escaping for HTML is enough (and keeps them small).
        rows = html_rows(
            [
                timestamp_column(ordered[column])
                if column in ("reported_at", "attended_at", "resolved_at")
                else html_column(ordered[column])
                for column in INCIDENT_ROW
            ]
        )
        starts = np.flatnonzero(np.diff(codes, prepend=-2)).tolist()
        ends = [*starts[1:], len(rows)]
        return {int(codes[start]): rows[start:end] for start, end in zip(starts, ends, strict=True)}

    def incident_rows(self, code: int) -> list[str] | None:
        """The period's incidents as HTML table rows (None: no incident records supplied)."""
        if self.published["incidents"] is None:
            return None
        return self.incidents_by_period.get(code, [])

    def calendar_name(self, name: str) -> str:
        if name == ALWAYS_OPEN:
            return _("24x7 clock (always open)")
        return _("{name} calendar").format(name=name)

    def used_calendars(self) -> dict[str, Any]:
        """The calendars of every version of the terms."""
        names = set()
        for version in self.client.sla.versions:
            names |= {target.calendar for target in version.terms.incidents.values()}
            if version.terms.complaints:
                names.add(version.terms.complaints.calendar)
        return {
            name: self.config.calendars[name]
            for name in sorted(names)
            if name in self.config.calendars
        }

    @property
    def tables(self) -> dict[str, Any]:
        return TABLES

    @cached_property
    def recent_periods(self) -> int:
        return min(REPORT_WINDOW, len(self.codes))

    def overdue_jobs(self) -> list[dict[str, Any]]:
        frame = self.public_records("maintenance", lambda f: f["job_status"] == "overdue")
        if frame is None or frame.empty:
            return []
        return frame.sort_values("due_date").to_dict("records")

    def complaint_rows(self) -> list[dict[str, Any]]:
        recent = self.codes[-self.recent_periods :]
        frame = self.public_records(
            "complaints", lambda f: period_codes(f["received_at"], self.granularity).isin(recent)
        )
        if frame is None or frame.empty:
            return []
        return frame.sort_values("received_at", ascending=False).to_dict("records")

    def action_rows(self) -> list[dict[str, Any]]:
        frame = self.public_records("actions")
        if frame is None or frame.empty:
            return []
        return frame.sort_values(["meeting_date", "action_id"], ascending=[False, True]).to_dict(
            "records"
        )

    def chart(self, kind: str) -> str:
        """A chart of the last periods, with its description and data table."""
        frame, description = getattr(self, f"_{kind}_data")()
        if frame.empty:
            return "*No records to chart yet.*"
        draw = getattr(charts, CHARTS[kind])
        return charts.embed(draw(frame), description, frame, kind.replace("_", "-"))

    def _recent_records(self, source: str) -> pd.DataFrame:
        """The published records of the trend's periods (charts show their text)."""
        records = self.published[source] if source in self.records else None
        if records is None:
            return pd.DataFrame()
        codes = period_codes(records[START_COLUMN[source]], self.granularity)
        return records[codes.isin(self.trend_codes())]

    def _response_times_data(self) -> tuple[pd.DataFrame, str]:
        records = self._recent_records("incidents")
        terms = self.client.sla.in_force(self.figures.as_of.date())  # the targets now
        rows = []
        for measure, status, minutes in (
            ("Attend", "attend_status", "attend_minutes"),
            ("Restore", "restore_status", "restore_minutes"),
        ):
            timed = (
                records[records[status].isin(["met", "breached"]) & records[minutes].notna()]
                if len(records)
                else records
            )
            for priority in self.client.sla.incidents:
                values = (
                    timed.loc[timed["priority"] == priority, minutes]
                    if len(timed)
                    else pd.Series(dtype=float)
                )
                if values.empty:
                    continue
                quantiles = values.quantile([0.1, 0.25, 0.5, 0.75, 0.9])
                rows.append(
                    {
                        "measure": _(measure),
                        "priority": priority,
                        "incidents": int(values.size),
                        "p10": quantiles[0.1],
                        "p25": quantiles[0.25],
                        "median": quantiles[0.5],
                        "p75": quantiles[0.75],
                        "p90": quantiles[0.9],
                        "target": float(getattr(terms.incidents[priority], measure.lower())),
                    }
                )
        description = _(
            "SLA minutes to attend and to restore by priority over the last {count} periods: "
            "the middle half of incidents (box), the 10th to 90th percentile (line), the median, and the target."
        ).format(count=len(self.trend_codes()))
        return pd.DataFrame(rows), description

    def _preventive_data(self) -> tuple[pd.DataFrame, str]:
        rows = []
        for code in self.trend_codes():
            f = self.period(code)["maintenance"]["preventive"]
            rows.append(
                {
                    "period": self.label(code),
                    **{k: f[k] for k in ("on_time", "late", "overdue", "pending")},
                }
            )
        return pd.DataFrame(rows), _(
            "Preventive jobs due each period by outcome: on time, late, overdue or pending."
        )

    def _complaints_data(self) -> tuple[pd.DataFrame, str]:
        records = self._recent_records("complaints")
        if records.empty:
            return pd.DataFrame(), ""
        outcome = np.select(
            [
                records["status"] == "withdrawn",
                records["resolve_status"] == "met",
                records["resolve_status"] == "breached",
            ],
            [_("Withdrawn"), _("Resolved in time"), _("Late or overdue")],
            _("Open, within target"),
        )
        frame = (
            pd.DataFrame(
                {"category": records["category"].astype(str).to_numpy(), "outcome": outcome}
            )
            .groupby(["category", "outcome"])
            .size()
            .rename("count")
            .reset_index()
        )
        return (
            frame,
            _("Complaints of the last {count} periods by category and outcome.").format(
                count=len(self.trend_codes())
            ),
        )

    def _availability_data(self) -> tuple[pd.DataFrame, str]:
        rows = [
            {
                "system": system["name"],
                "period": self.label(code),
                "pct": self.period(code)["availability"]["by_system"][system["id"]],
                "target": self.client.sla.availability_target_pct,
            }
            for code in self.trend_codes()
            for system in self.systems()
        ]
        return pd.DataFrame(rows), _(
            "Availability of each system in each period, in percent of the period's time, "
            "read against the target: met, below it, or a point or more below it."
        )

    def _actions_data(self) -> tuple[pd.DataFrame, str]:
        rows = []
        for code in self.trend_codes():
            f = self.period(code)["actions"]
            for status in ("done", "open", "dropped"):
                count = f[status] - (f["overdue"] if status == "open" else 0)
                rows.append({"period": self.label(code), "status": status, "count": count})
            rows.append({"period": self.label(code), "status": "overdue", "count": f["overdue"]})
        return pd.DataFrame(rows), _(
            "Actions raised at each period's meetings, by their status now."
        )

    def window(self, code: int) -> list[int]:
        position = self.codes.index(code)
        return self.codes[max(0, position - REPORT_WINDOW + 1) : position + 1]

    def trend_codes(self) -> list[int]:
        return self.codes[-TREND_PERIODS:]

    def report_trend(self, code: int) -> str:
        """A service report's chart: the headline figures of the 12 periods to its own."""
        position = self.codes.index(code)
        codes = self.codes[max(0, position - TREND_PERIODS + 1) : position + 1]
        description = _(
            "Headline figures for the {count} periods to {title} against their targets."
        ).format(count=len(codes), title=self.title(code))
        frame = _trend_frame(self, codes)
        spec = self._report_trends.spec(frame, description)
        return charts.embed_spec(spec, description, frame, "report-trend")

    @cached_property
    def _report_trends(self) -> charts.TrendSpecs:
        return charts.TrendSpecs()


def _count(frame: pd.DataFrame | None, condition) -> int:
    return 0 if frame is None else int(condition(frame).sum())


def client_pages(
    inputs: Inputs,
    figures: Figures,
    client: Client,
    records: dict[str, pd.DataFrame],
    handwritten: Sequence[Any] = (),
) -> dict[str, str]:
    """Relative path -> text, for one client: its Markdown pages and its downloads.
    `handwritten`: the client's pages from content/ (path and title), for the links to them."""
    return client_documents(inputs, figures, client, records, handwritten)[0]


def client_documents(
    inputs: Inputs,
    figures: Figures,
    client: Client,
    records: dict[str, pd.DataFrame],
    handwritten: Sequence[Any] = (),
    printing: bool = False,
) -> tuple[dict[str, str], list[PrintJob]]:
    """`client_pages`, and the PDFs to print from the built site when `printing` (a browser
    is there to print them): every service report and the annual review; none for a
    password-protected site."""
    minutes = [page for page in handwritten if "minutes" in page.path and page.path.endswith(".md")]
    visits = records.get(VISITS)
    records = {source: frame for source, frame in records.items() if source != VISITS}
    view = ClientView(client, inputs.config, figures, inputs.quality, records, minutes)
    # A password covers pages only: a protected client's files travel inside its page, and
    # its feed and calendar (which no page can hold) are not published.
    protected = client.password_env is not None
    annual = AnnualView(view, AgreementView(view))
    jobs = print_jobs(view, annual) if printing and not protected else []
    context = {
        "view": view,
        "standards": StandardsView(view),
        "client": client,
        "provider": inputs.config.provider,
        "metrics": METRICS,
        "agreement": annual.agreement,
        "protected": protected,
        "printing": printing,
        "pdfs": {job.page: job.pdf for job in jobs},
    }
    sites = SitesView(view)
    pages = (
        render_page(
            "index.md", "pages/overview.md.j2", **context, trend=trend_chart(view), sites=sites
        )
        | render_page("incidents.md", "pages/incidents.md.j2", **context)
        | render_page("maintenance.md", "pages/maintenance.md.j2", **context)
        | render_page("complaints.md", "pages/complaints.md.j2", **context)
        | render_page("availability.md", "pages/availability.md.j2", **context)
        | render_page("actions.md", "pages/actions.md.j2", **context)
        | render_page("training.md", "pages/training.md.j2", **context)
        | render_page("compliance.md", "pages/compliance.md.j2", **context)
        | render_page(
            "agreement.md", "pages/agreement.md.j2", **context, calendars=inputs.config.calendars
        )
        | render_page("reports/index.md", "pages/reports.md.j2", **context)
        | render_page(
            f"{ANNUAL}.md",
            "pages/annual.md.j2",
            **context,
            annual=annual,
        )
        | sites_pages(sites, render_page, context)
    )
    for code in view.codes:
        pages |= render_page(
            f"reports/{view.label(code)}.md",
            "pages/report.md.j2",
            **context,
            code=code,
            breach_labels=BREACH_LABELS,
        )
    files = {"downloads/metrics.json": metrics_json(view.document)} | downloads(view)
    # Each language's feed and calendar link to that language's pages.
    base = site_url(inputs, client.id) + i18n.folder(client.languages, i18n.current().code)
    subscriptions = {
        FEED: atom_feed(view, context["agreement"], base),
        CALENDAR: ical_calendar(view, visits, base),
    }
    embedded = {
        Path(path).name: base64.b64encode(text.encode()).decode() for path, text in files.items()
    }
    pages |= render_page("downloads.md", "pages/downloads.md.j2", **context, embedded=embedded)
    return (pages if protected else pages | files | subscriptions), jobs


def print_jobs(view: ClientView, annual: AnnualView) -> list[PrintJob]:
    """The PDFs of a client: every service report, and its annual review once it has a
    complete period (printed once: build/pdf-cache keeps them)."""
    labels = [view.label(code) for code in view.codes]
    jobs = [PrintJob(f"reports/{label}/index.html", pdf_path(label)) for label in labels]
    if annual.now:
        jobs.append(PrintJob(f"{ANNUAL}/index.html", pdf_path(ANNUAL)))
    return jobs


def render_page(path: str, template: str, **context: object) -> dict[str, str]:
    """The page at `path`, and the fragments its template set aside with
    `fragment(name, html)`: ready HTML spliced in after Markdown (see generator.site.events)."""
    fragments: dict[str, str] = {}

    def fragment(name: str, html: str) -> str:
        fragments[name] = html
        return marker(name)

    page = {path: render(template, **context, fragment=fragment)}
    if not fragments:
        return page
    return page | {fragments_path(path): json.dumps(fragments, ensure_ascii=False)}


def trend_chart(
    view: ClientView,
    codes: list[int] | None = None,
    description: str | None = None,
    chart_id: str = "compliance-trend",
) -> str:
    """The headline figures of `codes` (default: the last 12 periods) against their targets."""
    codes = view.trend_codes() if codes is None else codes
    frame = _trend_frame(view, codes)
    return charts.embed(
        charts.compliance_trend(frame),
        description
        or _("Headline figures for the last {count} periods against their targets.").format(
            count=len(codes)
        ),
        frame,
        chart_id,
    )


def _trend_frame(view: ClientView, codes: list[int]) -> pd.DataFrame:
    rows = []
    for code in codes:
        for metric in HEADLINE:
            rows.append(
                {
                    "period": view.label(code),
                    "measure": _(metric.title),
                    "pct": view.figure(metric, code),
                    "target": metric.target_value(view.period(code)["targets"]),
                    "decimals": metric.decimals,
                }
            )
    return pd.DataFrame(rows)


def downloads(view: ClientView) -> dict[str, str]:
    """The client's own records as CSV: no personal-data column, text redacted."""
    files = {}
    for name, table in TABLES.items():
        published = view.published[name]
        if published is None:
            continue
        frame = published.copy()
        columns = [c.name for c in table.columns if not c.personal]
        for column in (c.name for c in table.columns if c.redacted or c.kind == "id"):
            # A cell starting like a formula would run in a spreadsheet: make it text.
            formula = frame[column].str.match(r"[=+\-@\t\r]", na=False)
            frame[column] = frame[column].where(~formula, "'" + frame[column])
        for column in columns:
            if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
                frame[column] = csv_instant_column(frame[column])
        files[f"downloads/{name}.csv"] = frame[columns].to_csv(index=False, lineterminator="\n")
    return files
