"""Charts: each chart from a small hand-made table, checked through `to_dict()` (which
validates against the Vega-Lite schema); `embed` as a page would hold it; the Vega bundle."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import altair as alt
import markdown
import numpy as np
import pandas as pd
import pytest
import vl_convert

from generator.site import charts

REPO = Path(__file__).resolve().parent.parent
CHARTS_JS = REPO / "site_overrides/assets/javascripts/charts.js"
HOSTILE = ["<script>alert(1)</script>", '" onmouseover="x', "[link](javascript:alert(1))"]


# --- small tables, one per chart ------------------------------------------------------


def trend_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("2026-09", "Incidents attended within target", 96.0, 95.0, 1),
            ("2026-10", "Incidents attended within target", 90.909, 95.0, 1),
            ("2026-09", "System availability", 99.934, 99.5, 2),
            ("2026-10", "System availability", None, 99.5, 2),
        ],
        columns=["period", "measure", "pct", "target", "decimals"],
    )


def response_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("Attend", "P1", 12, 30.0, 45.0, 60.0, 90.0, 110.0, 120.0),
            ("Attend", "P2", 8, 60.0, 90.0, 150.0, 200.0, 260.0, 240.0),
            ("Restore", "P1", 12, 120.0, 200.0, 300.0, 420.0, 500.0, 480.0),
        ],
        columns=[
            "measure",
            "priority",
            "incidents",
            "p10",
            "p25",
            "median",
            "p75",
            "p90",
            "target",
        ],
    )


def preventive_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": ["2026-08", "2026-09", "2026-10"],
            "on_time": [18, 0, 9],
            "late": [1, 0, 1],
            "overdue": [1, 0, 0],
            "pending": [0, 2, 3],
        }
    )


def complaints_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("False alarm", "Resolved in time", 4),
            ("False alarm", "Late or overdue", 1),
            ("Staff conduct", "Open, within target", 2),
            ("Staff conduct", "Withdrawn", 1),
        ],
        columns=["category", "outcome", "count"],
    )


def availability_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("CCTV", "2026-09", 100.0),
            ("CCTV", "2026-10", 99.5),
            ("Access control", "2026-09", 99.93),
            ("Access control", "2026-10", None),
        ],
        columns=["system", "period", "pct"],
    )


def actions_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("2026-09", "done", 3),
            ("2026-09", "overdue", 1),
            ("2026-10", "open", 2),
            ("2026-10", "dropped", 1),
        ],
        columns=["period", "status", "count"],
    )


FRAMES = {
    "compliance_trend": trend_frame,
    "response_time_distribution": response_frame,
    "preventive_on_time": preventive_frame,
    "complaints_by_category": complaints_frame,
    "availability_heatmap": availability_frame,
    "action_status": actions_frame,
}


def spec_of(name: str) -> dict:
    return getattr(charts, name)(FRAMES[name]()).to_dict()


def units(spec: dict) -> list[dict]:
    """The single views of a spec: itself, or its layers."""
    return spec.get("layer", [spec])


def rows(spec: dict) -> list[dict]:
    """Every data row the spec carries, over all its datasets."""
    return [row for dataset in spec.get("datasets", {}).values() for row in dataset]


def tooltip_fields(unit: dict) -> list[str]:
    tooltip = unit["encoding"]["tooltip"]
    return [item["field"] for item in (tooltip if isinstance(tooltip, list) else [tooltip])]


def colour_of(spec: dict, status: str) -> str:
    scale = next(u["encoding"]["color"]["scale"] for u in units(spec) if "color" in u["encoding"])
    return dict(zip(scale["domain"], scale["range"], strict=True))[status]


# --- the charts -------------------------------------------------------------------------

EXPECTED = [
    # chart, marks, encodings of the first view, tooltip fields, title
    (
        "compliance_trend",
        ["line", "line"],
        {"x", "y", "color", "opacity", "tooltip"},
        ["period", "measure", "shown", "target_shown"],
        "Figures against their targets",
    ),
    (
        "response_time_distribution",
        ["rule", "bar", "tick", "tick"],
        {"x", "x2", "y", "yOffset", "color", "tooltip"},
        [
            "measure",
            "priority",
            "incidents",
            "p10_h",
            "p25_h",
            "median_h",
            "p75_h",
            "p90_h",
            "target_h",
        ],
        "Response times against target",
    ),
    (
        "preventive_on_time",
        ["bar"],
        {"x", "y", "color", "tooltip"},
        ["period", "status", "count", "on_time_pct"],
        "Preventive maintenance by outcome",
    ),
    (
        "complaints_by_category",
        ["bar"],
        {"x", "y", "color", "tooltip"},
        ["category", "outcome", "count"],
        "Complaints by category and outcome",
    ),
    (
        "availability_heatmap",
        ["rect", "rect"],
        {"x", "y", "tooltip"},
        ["system", "period", "shown", "against"],
        "System availability by period",
    ),
    (
        "action_status",
        ["bar"],
        {"x", "y", "color", "tooltip"},
        ["period", "status", "count"],
        "Actions by meeting period and status",
    ),
]


@pytest.mark.parametrize(("name", "marks", "encodings", "tooltip", "title"), EXPECTED)
def test_chart_has_its_marks_encodings_tooltips_and_title(name, marks, encodings, tooltip, title):
    spec = spec_of(name)
    views = units(spec)
    assert [
        view["mark"]["type"] if isinstance(view["mark"], dict) else view["mark"] for view in views
    ] == marks
    assert encodings == set(views[0]["encoding"])
    assert tooltip_fields(views[0]) == tooltip
    assert all("tooltip" in view["encoding"] for view in views)
    heading = spec["title"]
    assert (heading if isinstance(heading, str) else heading["text"]) == title


@pytest.mark.parametrize("name", FRAMES)
def test_chart_fills_the_column_on_the_page_background(name):
    spec = spec_of(name)
    assert spec["width"] == "container"
    assert spec["background"] == "transparent"
    assert spec["config"]["font"] == charts.FONT
    assert spec["config"]["range"]["category"] == charts.PALETTE


@pytest.mark.parametrize("name", FRAMES)
def test_chart_carries_the_rows_it_draws_and_no_more(name):
    frame = FRAMES[name]()
    spec = spec_of(name)
    assert len(spec["datasets"]) == 1
    assert len(rows(spec)) == len(frame)


@pytest.mark.parametrize("name", FRAMES)
def test_chart_is_drawn_by_vega(name):
    """The spec compiles and renders with the Vega that the site's bundle ships."""
    spec = spec_of(name)
    svg = vl_convert.vegalite_to_svg({**spec, "width": 480})
    assert svg.startswith("<svg")
    title = spec["title"] if isinstance(spec["title"], str) else spec["title"]["text"]
    assert title in svg


def test_response_times_are_aggregated_before_charting():
    """One row per incident in, one row per measure and priority out."""
    incidents = pd.DataFrame(
        {
            "measure": ["Attend"] * 1001 + ["Restore"] * 11,
            "priority": ["P1"] * 1001 + ["P2"] * 11,
            "minutes": [*np.arange(1001, dtype=float), *np.arange(0, 110, 10, dtype=float)],
            "target": [120.0] * 1001 + [480.0] * 11,
        }
    )
    spec = charts.response_time_distribution(incidents).to_dict()
    assert [(r["measure"], r["priority"], r["incidents"]) for r in rows(spec)] == [
        ("Attend", "P1", 1001),
        ("Restore", "P2", 11),
    ]
    attend = rows(spec)[0]
    assert [attend[q] for q in ("p10", "p25", "median", "p75", "p90")] == [100, 250, 500, 750, 900]
    assert attend["target"] == 120.0


def test_response_times_axis_reaches_the_longest_time():
    spec = spec_of("response_time_distribution")
    axis_x = units(spec)[0]["encoding"]["x"]
    assert axis_x["scale"]["type"] == "sqrt"
    assert axis_x["scale"]["domain"] == [0, 12]  # the longest: p90 500 minutes, 8.3 hours
    assert axis_x["axis"]["values"] == [0, 1, 2, 4, 8, 12]


@pytest.mark.parametrize(
    ("lowest", "floor"), [(90.909, 80), (95.0, 90), (100.0, 90), (42.0, 30), (3.0, 0)]
)
def test_compliance_trend_zooms_in_on_high_figures(lowest, floor):
    frame = trend_frame().assign(pct=[lowest, 100.0, 100.0, None], target=[95.0] * 4)
    spec = charts.compliance_trend(frame).to_dict()
    assert units(spec)[0]["encoding"]["y"]["scale"]["domain"] == [floor, 100]


def test_compliance_trend_keeps_a_missing_figure_missing():
    spec = spec_of("compliance_trend")
    assert [row["pct"] for row in rows(spec)] == [96.0, 90.909, 99.934, None]
    assert [row["decimals"] for row in rows(spec)] == [1, 1, 2, 2]


def test_compliance_trend_draws_targets_dashed_and_highlights_from_the_legend():
    spec = spec_of("compliance_trend")
    _, targets = units(spec)
    assert targets["mark"]["strokeDash"] == [5, 4]
    assert targets["encoding"]["y"]["field"] == "target"
    assert [param["name"] for param in spec["params"]] == ["focus_measure"]
    assert spec["params"][0]["bind"] == "legend"


def test_availability_colours_read_against_the_target():
    # without a target: a sequential scale clamped at 99, so that 99.5 and 100 differ
    spec = spec_of("availability_heatmap")
    scale = units(spec)[1]["encoding"]["color"]["scale"]
    assert scale["domain"] == [99.0, 100]
    assert scale["clamp"] is True
    # with one: met, below, a point or more below, each its own colour, named in words
    frame = availability_frame().assign(target=99.6)
    spec = charts.availability_heatmap(frame).to_dict()
    colour = units(spec)[1]["encoding"]["color"]
    assert colour["field"] == "against"
    assert dict(zip(colour["scale"]["domain"], colour["scale"]["range"], strict=True)) == {
        "Target met": charts.GOOD,
        "Below target": charts.LATE,
        "A point or more below target": charts.BAD,
    }
    against = {
        (row["system"], row["period"]): row["against"] for row in spec["datasets"].popitem()[1]
    }
    assert against == {
        ("CCTV", "2026-09"): "Target met",
        ("CCTV", "2026-10"): "Below target",
        ("Access control", "2026-09"): "Target met",
        ("Access control", "2026-10"): "no figure",
    }


def test_status_colours_mean_the_same_on_every_chart():
    preventive, complaints, actions = (
        spec_of(name) for name in ("preventive_on_time", "complaints_by_category", "action_status")
    )
    assert colour_of(preventive, "On time") == colour_of(actions, "Done") == charts.GOOD
    assert colour_of(complaints, "Resolved in time") == charts.GOOD
    assert colour_of(preventive, "Overdue") == colour_of(actions, "Overdue") == charts.BAD
    assert colour_of(complaints, "Late or overdue") == charts.BAD
    assert colour_of(preventive, "Pending") == charts.PENDING
    assert colour_of(preventive, "Late") == charts.LATE


def test_stacks_put_good_outcomes_first():
    spec = spec_of("complaints_by_category")
    assert spec["encoding"]["color"]["sort"] == [
        "Resolved in time",
        "Late or overdue",
        "Open, within target",
        "Withdrawn",
    ]
    assert spec_of("action_status")["encoding"]["color"]["sort"] == [
        "Done",
        "Overdue",
        "Open",
        "Dropped",
    ]


def test_preventive_on_time_percent_leaves_out_pending_jobs():
    spec = spec_of("preventive_on_time")
    calculate = {step["as"]: step["calculate"] for step in spec["transform"] if "calculate" in step}
    assert calculate["judged"] == "datum['On time'] + datum['Late'] + datum['Overdue']"
    assert "'no figure'" in calculate["on_time_pct"]


# --- embed ------------------------------------------------------------------------------


class Page(HTMLParser):
    """The elements, attributes and text of an HTML fragment, as a browser would read them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[str] = []
        self.captions: list[str] = []
        self._in: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in.append(tag)
        if tag in ("td", "th"):
            self.cells.append("")
        if tag == "figcaption":
            self.captions.append("")

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if self._in and self._in[-1] in ("td", "th"):
            self.cells[-1] += data
        if self._in and self._in[-1] == "figcaption":
            self.captions[-1] += data

    def canvas(self) -> dict[str, str | None]:
        (attrs,) = [a for tag, a in self.elements if a.get("class") == "svc-chart__canvas"]
        return attrs


def hostile_block() -> tuple[str, alt.TopLevelMixin, str]:
    frame = pd.DataFrame(
        {
            "category": HOSTILE,
            "outcome": ["Resolved in time", "Withdrawn", "Late or overdue"],
            "count": [1, 2, 3],
        }
    )
    chart = charts.complaints_by_category(frame)
    description = "Complaints " + " ".join(HOSTILE)
    return charts.embed(chart, description, frame, "complaints"), chart, description


def test_embed_shows_hostile_text_as_text_everywhere():
    block, _, description = hostile_block()
    for text in HOSTILE:
        assert text not in block
    assert "<script" not in block
    assert "](javascript" not in block
    page = Page(block)
    assert [tag for tag, _ in page.elements] == [
        "figure",
        "div",
        "figcaption",
        "details",
        "summary",
        "table",
        "thead",
        "tr",
        *["th"] * 3,
        "tbody",
        *(["tr", "td", "td", "td"] * 3),
    ]
    canvas = page.canvas()
    assert set(canvas) == {"class", "id", "role", "aria-label", "data-spec"}
    assert canvas["aria-label"] == description
    assert page.captions == [description]
    assert page.cells[3::3] == HOSTILE  # shown, as text, in the table
    spec = json.loads(canvas["data-spec"])
    assert [row["category"] for row in rows(spec)] == HOSTILE  # and as data in the spec
    assert spec["description"] == description


def test_embed_holds_the_spec_as_data_and_the_table_formatted():
    block = charts.embed(charts.compliance_trend(trend_frame()), "Trend", trend_frame(), "trend")
    page = Page(block)
    assert (
        json.loads(page.canvas()["data-spec"])
        == charts.compliance_trend(trend_frame()).properties(description="Trend").to_dict()
    )
    assert page.canvas()["role"] == "img"
    assert page.canvas()["id"] == "chart-trend-canvas"
    assert page.cells == [
        *["Period", "Measure", "Percent", "Target"],
        *["2026-09", "Incidents attended within target", "96.0", "95.0"],
        *["2026-10", "Incidents attended within target", "90.9", "95.0"],
        *["2026-09", "System availability", "99.93", "99.50"],
        *["2026-10", "System availability", charts.DASH, "99.50"],
    ]
    assert "<script" not in block


def test_embed_formats_counts_and_percentiles():
    block = charts.embed(
        charts.availability_heatmap(availability_frame()), "A", availability_frame(), "a"
    )
    assert Page(block).cells[5::3] == ["100.00", "99.50", "99.93", charts.DASH]
    counts = pd.DataFrame({"period": ["2026-10"], "status": ["open"], "count": [1234]})
    assert Page(charts.embed(charts.action_status(counts), "B", counts, "b")).cells[3:] == [
        "2026-10",
        "open",
        "1,234",
    ]


def test_embed_survives_markdown_with_md_in_html():
    block, chart, description = hostile_block()
    assert "\n\n" not in block
    text = f"# Complaints\n\nSome words.\n\n{block}\n\nMore *words*.\n"
    converted = markdown.markdown(text, extensions=["md_in_html", "tables"])
    page = Page(converted)
    spec = json.loads(page.canvas()["data-spec"])
    assert spec == chart.properties(description=description).to_dict()
    assert page.cells[3::3] == HOSTILE
    assert "<a " not in converted
    assert "<script" not in converted
    assert "<em>words</em>" in converted  # the Markdown around the block is still Markdown


def test_embed_is_deterministic():
    first, *_ = hostile_block()
    second, *_ = hostile_block()
    assert first == second
    spec = html.unescape(re.search(r'data-spec="([^"]*)"', first).group(1))
    assert spec == charts.spec_json(json.loads(spec))  # compact, keys sorted


def test_spec_json_is_the_same_json_without_active_characters():
    spec = {"b": ["<a href='x'>", "[l](javascript:y)", "*em* & `code` !"], "a": 'say "hi" \\ (1)'}
    text = charts.spec_json(spec)
    assert json.loads(text) == spec
    assert text == (
        r'{"a":"say \"hi\" \\ \u00281\u0029",'
        r'"b":["\u003ca href=\u0027x\u0027\u003e","\u005bl\u005d\u0028javascript:y\u0029",'
        r'"\u002aem\u002a \u0026 \u0060code\u0060 \u0021"]}'
    )


def test_embed_is_the_same_in_another_process():
    """No counter or hash seed reaches a name in the spec (views, params, datasets)."""
    code = (
        "import sys; sys.path.insert(0, 'tests'); import test_charts as t; "
        "sys.stdout.write(t.hostile_block()[0])"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert other == hostile_block()[0]


@pytest.mark.parametrize("chart_id", ["", "Trend", "a b", 'x" onclick="y', "-a"])
def test_embed_refuses_an_unsafe_chart_id(chart_id):
    with pytest.raises(ValueError, match="chart_id"):
        charts.embed(charts.action_status(actions_frame()), "A", actions_frame(), chart_id)


def test_embed_keeps_a_multiline_description_in_one_block():
    block = charts.embed(
        charts.action_status(actions_frame()), "One.\n\nTwo.", actions_frame(), "a"
    )
    assert "\n\n" not in block
    assert Page(block).captions == ["One. Two."]


# --- the Vega bundle and the script that draws -----------------------------------------


@pytest.fixture(scope="module")
def bundle() -> str:
    return charts.vega_bundle()


def test_bundle_is_cached(bundle):
    assert charts.vega_bundle() is bundle


def test_bundle_defines_vega_embed(bundle):
    assert "window.vegaEmbed=" in bundle
    assert "vegaLite" in bundle


def test_bundle_loads_no_code_from_elsewhere(bundle):
    assert not re.search(r"""<script[^>]+src\s*=\s*["']?(https?:)?//""", bundle)
    assert not re.search(r"""import\s*\(\s*["'](https?:)?//""", bundle)
    assert not re.search(r"""\bfrom\s*["'](https?:)?//""", bundle)
    assert not re.search(r"jsdelivr|unpkg|cdnjs|esm\.sh|skypack", bundle)
    # The only addresses: XML namespaces, the $schema id, links to an issue and to the editor.
    hosts = set(re.findall(r"https?://([a-zA-Z0-9.-]+)", bundle))
    assert hosts <= {"www.w3.org", "vega.github.io", "github.com"}


def test_drawing_script_reads_specs_as_data():
    script = CHARTS_JS.read_text(encoding="utf-8")
    assert "document$" in script
    assert "DOMContentLoaded" in script
    assert 'getAttribute("data-spec")' in script and "JSON.parse" in script
    assert "finalize()" in script
    assert "data-md-color-scheme" in script and "MutationObserver" in script
    for unsafe in ("eval(", "new Function", "innerHTML", "insertAdjacentHTML", "document.write"):
        assert unsafe not in script


@pytest.mark.parametrize("name", FRAMES)
def test_chart_accepts_categorical_text_columns(name):
    """The metrics hand over categoricals; the charts draw them like strings."""
    frame = FRAMES[name]()
    text = frame.select_dtypes(exclude="number").columns
    categorical = frame.astype(dict.fromkeys(text, "category"))
    assert getattr(charts, name)(categorical).to_dict() == spec_of(name)


def test_trend_specs_are_the_specs_altair_makes() -> None:
    """A service report's trend reuses the chart Altair built for the first report: each spec,
    with its own data, axis and description, is the one Altair would make for it."""
    frames = [
        pd.DataFrame(
            {
                "period": ["2026-01", "2026-02", "2026-02"],
                "measure": ["Attend", "Attend", "Availability"],
                "pct": [99.0, 97.5, 99.9],
                "target": [95.0, 95.0, 99.5],
                "decimals": [1, 1, 2],
            }
        ),
        pd.DataFrame(
            {
                "period": ["2026-02", "2026-03", "2026-03"],
                "measure": ["Attend", "Attend", "Availability"],
                "pct": [62.0, float("nan"), 99.2],
                "target": [95.0, float("nan"), 99.5],
                "decimals": [1, 1, 2],
            }
        ),
    ]
    specs = charts.TrendSpecs()
    for number, frame in enumerate(frames):
        description = f"Headline figures, report {number}  of two."
        expected = (
            charts.compliance_trend(frame)
            .properties(description=f"Headline figures, report {number} of two.")
            .to_dict(validate=False)
        )
        assert specs.spec(frame, description) == expected
