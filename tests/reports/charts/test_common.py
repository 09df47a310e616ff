"""What every chart kind promises: valid, accessible, escaped, responsive, deterministic, print-safe SVG."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import pytest
from django.utils.html import conditional_escape

from reports.charts import HeatCell, IntervalRow, Marker, Point, Series, Svg, heatmap_svg, interval_svg, trend_svg
from tests.reports.charts.svgcheck import NS, elements, inside_viewbox, parse, texts

NASTY = 'Sales <North> & "Co" \'s'
NAN = float("nan")


def trend(label: str = "Integrity", chart_id: str = "trend-1") -> Svg:
    return trend_svg(chart_id=chart_id, title=f"Trend of {label}", description=f"Lines for {label}",
                     x_labels=["W1", label, "W3", "W4"],
                     series=[Series(label, [Point(60, 55, 65, 40), Point(None), Point(NAN, NAN, NAN), Point(64, 59, 69, 41)])],
                     markers=[Marker(1.5, label)], y_label=label)


def interval(label: str = "Competence", chart_id: str = "interval-1") -> Svg:
    return interval_svg(chart_id=chart_id, title=f"Intervals {label}", description=f"Rows {label}",
                        rows=[IntervalRow(label, 61, 55, 67, group=label, note=label),
                              IntervalRow("Other", NAN, None, NAN, group="Outside", note="n 12")],
                        x_label=label)


def heatmap(label: str = "Operations", chart_id: str = "heatmap-1") -> Svg:
    return heatmap_svg(chart_id=chart_id, title=f"Heatmap {label}", description=f"Units {label}",
                       row_labels=[label, "Sales"], column_labels=[label, "Trust Index"],
                       cells={(0, 0): HeatCell("+8", "up", tooltip=label), (1, 1): HeatCell("", "hidden")})


BUILDERS = {"trend": trend, "interval": interval, "heatmap": heatmap}
EMPTY = {
    "trend": lambda: trend_svg(chart_id="t", title="Trend", description="None yet", x_labels=[], series=[],
                               no_data="Geen gegevens"),
    "trend without values": lambda: trend_svg(chart_id="t", title="Trend", description="None yet", x_labels=["W1"],
                                              series=[Series("A", [Point(None)])], no_data="Geen gegevens"),
    "interval": lambda: interval_svg(chart_id="i", title="Gap", description="None yet", rows=[], no_data="Geen gegevens"),
    "heatmap": lambda: heatmap_svg(chart_id="h", title="Map", description="None yet", row_labels=[], column_labels=["A"],
                                   cells={}, no_data="Geen gegevens"),
}


@pytest.mark.parametrize("kind", BUILDERS)
def test_chart_is_valid_svg_with_title_and_description_referenced_by_aria(kind):
    # given a chart of each kind with a chart id
    svg = BUILDERS[kind](chart_id=f"{kind}-7")
    # when it is parsed as XML
    root = parse(svg)
    # then it is an image whose accessible name and description are its own <title> and <desc>
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.get("id") == f"{kind}-7-title" and desc.get("id") == f"{kind}-7-desc"
    assert title.text.startswith(("Trend of", "Intervals", "Heatmap")) and desc.text


@pytest.mark.parametrize("kind", BUILDERS)
def test_two_charts_on_one_page_have_distinct_ids(kind):
    # given the same chart drawn twice with different chart ids (and one id a caller wrote with a space)
    first, second = parse(BUILDERS[kind](chart_id="a b")), parse(BUILDERS[kind](chart_id="second"))
    # when their ids are collected
    ids = [{node.get("id") for node in root.iter() if node.get("id")} for root in (first, second)]
    # then none is shared, and no id contains a space that would break aria-labelledby
    assert not ids[0] & ids[1]
    assert all(" " not in value for value in ids[0] | ids[1])
    assert len(first.get("aria-labelledby").split()) == 2


@pytest.mark.parametrize("kind", BUILDERS)
def test_text_from_callers_is_escaped(kind):
    # given a label full of XML's special characters
    svg = BUILDERS[kind](label=NASTY)
    # when the chart is parsed
    root = parse(svg)
    # then the label reads back exactly as given, and no tag was injected
    assert NASTY in texts(root) + ["".join(node.itertext()) for node in root.iter(f"{NS}title")]
    assert "<North>" not in svg
    assert not any(node.tag.endswith("North") for node in root.iter())


@pytest.mark.parametrize("kind", BUILDERS)
def test_output_is_deterministic(kind):
    # given the same input twice
    # when the chart is drawn twice
    # then the markup is byte-identical
    assert BUILDERS[kind]().encode() == BUILDERS[kind]().encode()


@pytest.mark.parametrize("kind", BUILDERS)
def test_markup_is_responsive_print_safe_and_compact(kind):
    # given a chart
    svg = BUILDERS[kind]()
    root = parse(svg)
    # then it scales with its container (viewBox, width 100 %, no fixed height)
    assert root.get("width") == "100%" and root.get("height") is None and len(root.get("viewBox").split()) == 4
    # and it uses only what WeasyPrint renders: no script, no stylesheet, no foreignObject, sans-serif text
    assert not [node for node in root.iter() if node.tag.removeprefix(NS) in ("script", "style", "foreignObject", "image")]
    assert root.get("font-family") == "sans-serif"
    assert "<svg" in svg and "onload" not in svg and "href" not in svg
    # and every number in the geometry has at most two decimals
    geometry = " ".join(node.get(key) for node in root.iter() for key in ("x", "y", "x1", "y1", "cx", "cy", "points", "width")
                        if node.get(key) and node.get(key) != "100%")
    assert not re.search(r"\d\.\d{3}", geometry)
    # and everything drawn lies inside the viewBox
    assert inside_viewbox(root)


@pytest.mark.parametrize("kind", BUILDERS)
def test_missing_numbers_never_show_as_nan(kind):
    # given charts fed None and NaN (every builder above includes some)
    svg = BUILDERS[kind]()
    # then no "nan" or "inf" leaks into the markup
    assert "nan" not in svg.lower() and "inf" not in svg.lower()


@pytest.mark.parametrize("case", EMPTY)
def test_empty_input_gives_a_valid_chart_saying_there_is_no_data(case):
    # given no series / rows / units at all
    # when the chart is drawn
    root = parse(EMPTY[case]())
    # then it is still a titled image, showing the caller's "no data" text
    assert root.get("role") == "img" and root.find(f"{NS}title").text
    assert texts(root) == ["Geen gegevens"]


def test_svg_renders_unescaped_in_django_templates():
    # given a chart
    svg = heatmap()
    # when Django escapes it for a template
    # then it stays markup (Svg has __html__), yet the package itself never imports Django
    assert isinstance(svg, str) and conditional_escape(svg) == svg
    code = "import sys, reports.charts; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_nan_arguments_for_the_axis_fall_back_to_the_default_range():
    # given nonsense axis bounds
    svg = trend_svg(chart_id="t", title="T", description="D", x_labels=["W1"], series=[Series("A", [Point(50)])],
                    y_min=math.nan, y_max=-5)
    # then the chart uses 0–100 instead of failing
    assert {"0", "50", "100"} <= set(texts(parse(svg)))
    assert [e.get("points") for e in elements(parse(svg), "polyline")] == []  # one point: a marker, not a line
