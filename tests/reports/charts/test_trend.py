"""trend_svg: lines over waves with interval bands, gaps for missing waves, a legend and incident markers."""

from __future__ import annotations

import math

from reports.charts import DIMENSION_COLOURS, Marker, Point, Series, trend_svg
from reports.charts._svg import text_width
from tests.reports.charts.svgcheck import NS, elements, inside_viewbox, numbers, parse, texts, titles

WAVES = ["2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4", "2026 Q1", "2026 Q2"]


def point(value, width=5, n=40):
    return Point(value, value - width, value + width, n) if value is not None and value == value else Point(value)


def chart(series, *, labels=WAVES, markers=(), **kwargs):
    return parse(trend_svg(chart_id="trend", title="Trust over time", description="Per wave", x_labels=labels,
                           series=series, markers=markers, **kwargs))


def test_missing_waves_are_gaps_not_zeros():
    # given a series with a None and a NaN wave
    root = chart([Series("Integrity", [point(60), point(None), point(62), point(float("nan")), point(70), point(71)])])
    # when it is drawn
    # then only the last two waves are joined by a line; the lone middle value is a marker only
    lines = elements(root, "polyline")
    assert len(lines) == 1 and len(numbers(lines[0].get("points"))) == 4
    # and the hover texts name exactly the waves that have a value
    assert [t.split(":")[0] for t in titles(root)] == [f"Integrity · {w}" for w in ("2025 Q1", "2025 Q3", "2026 Q1", "2026 Q2")]
    # and nothing is drawn at the zero line (y of the 0 tick) for the missing waves
    zero_y = next(float(t.get("y")) for t in elements(root, "text") if t.text == "0") - 12 * 0.35
    marks = [float(c.get("cy")) for g in elements(root, "g") if g.find(f"{NS}title") is not None for c in g.findall(f"{NS}circle")]
    assert len(marks) == 4 and all(abs(y - zero_y) > 20 for y in marks)


def test_interval_bands_follow_runs_of_values():
    # given a series with intervals and one gap
    root = chart([Series("Competence", [point(60), point(61), point(None), point(65), point(66), point(67)])])
    # then one shaded band per run of at least two waves
    bands = [p for p in elements(root, "polygon") if p.get("fill-opacity")]
    assert len(bands) == 2
    assert len(numbers(bands[0].get("points"))) == 2 * 2 * 2 and len(numbers(bands[1].get("points"))) == 3 * 2 * 2


def test_series_differ_by_dash_and_marker_shape_not_only_colour():
    # given three series, the first two with the design's dimension colours
    root = chart([Series("Competence", [point(60)] * 6, color=DIMENSION_COLOURS["competence"]),
                  Series("Integrity", [point(50)] * 6, color=DIMENSION_COLOURS["integrity"]),
                  Series("Empathy", [point(40)] * 6, color="not a colour")])
    # then every line has its own colour and dash pattern (greyscale print) and its own marker element kind
    lines = elements(root, "polyline")
    assert [line.get("stroke") for line in lines][:2] == ["#0072B2", "#E69F00"]
    assert lines[2].get("stroke").startswith("#") and "not" not in lines[2].get("stroke")
    assert len({line.get("stroke-dasharray") for line in lines}) == 3
    assert len(elements(root, "circle")) >= 6 and len(elements(root, "rect")) >= 6


def test_legend_names_every_series_above_the_data():
    # given four series with values up to the top of the axis
    names = ["Trust Index", "Competence", "Reliability", "Betrouwbaarheid en integriteit"]
    root = chart([Series(name, [point(100, 0)] * 6) for name in names])
    # then each name is in the legend, and every legend row lies above the highest data point
    legend_y = [float(t.get("y")) for t in elements(root, "text") if t.text in names]
    data_y = [y for line in elements(root, "polyline") for y in numbers(line.get("points"))[1::2]]
    assert len(legend_y) == 4 and max(legend_y) < min(data_y) - 8


def test_y_axis_has_round_ticks():
    # given the default POMP axis, and a difference axis
    pomp = chart([Series("A", [point(50)] * 6)])
    difference = chart([Series("A", [point(3, 2)] * 6)], y_min=-20, y_max=20, y_label="Change")
    # then ticks are at 0, 25 … 100 and at −20 … 20 in steps of 10 including 0
    assert [t for t in texts(pomp) if t.isdigit()] == ["0", "25", "50", "75", "100"]
    assert ["−20", "−10", "0", "10", "20"] == [t for t in texts(difference) if t.lstrip("−").isdigit()]
    assert "Change" in texts(difference)


def test_incident_markers_are_dashed_lines_with_their_labels_that_do_not_collide():
    # given two incidents close together and one outside the waves
    markers = [Marker(1.5, "Incident: data leak (12 Mar)"), Marker(1.7, "Reorganisation"), Marker(9, "Later")]
    root = chart([Series("Integrity", [point(60)] * 6)], markers=markers)
    # then each has a dashed vertical line and its label
    dashed = [line for line in elements(root, "line") if line.get("stroke-dasharray") == "4 3"]
    assert len(dashed) == 3 and all(line.get("x1") == line.get("x2") for line in dashed)
    labels = {t.text: t for t in elements(root, "text") if t.text in {m.label for m in markers}}
    assert set(labels) == {m.label for m in markers}
    # and the two labels close together sit on different rows
    assert labels["Incident: data leak (12 Mar)"].get("y") != labels["Reorganisation"].get("y")
    # and the one beyond the last wave is kept inside the chart
    assert inside_viewbox(root)


def test_long_or_many_wave_labels_rotate_instead_of_overlapping():
    # given few short labels, and many long ones
    short = chart([Series("A", [point(50)] * 6)])
    many = [f"Wave {i} — March {2020 + i}" for i in range(14)]
    long = chart([Series("A", [point(50)] * 14)], labels=many)
    # then short labels stay horizontal and do not overlap
    spans = sorted((float(t.get("x")) - text_width(t.text, 12) / 2, float(t.get("x")) + text_width(t.text, 12) / 2)
                   for t in elements(short, "text") if t.text in WAVES)
    assert len(spans) == 6 and all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))
    # and long ones are rotated (every one still shown, all inside the chart)
    rotated = [t for t in elements(long, "text") if t.text in many]
    assert len(rotated) == 14 and all("rotate(-40" in t.get("transform") for t in rotated)
    assert min(float(t.get("x")) - text_width(t.text, 12) * math.cos(math.radians(40)) for t in rotated) >= 0
    assert inside_viewbox(long)


def test_values_outside_the_axis_stay_inside_the_chart():
    # given values and intervals beyond 0–100
    root = chart([Series("A", [Point(120, 90, 150), Point(-10, -30, 5), Point(50, 40, 60)])], labels=WAVES[:3])
    # then everything is clipped to the plot area
    assert inside_viewbox(root)


def test_point_tooltips_carry_value_interval_and_n():
    # given one point with interval and n
    root = chart([Series("Integrity", [Point(61.44, 55.2, 67.9, 57)])], labels=["2026 Q1"])
    # then its hover text gives all three, rounded for reading
    assert titles(root) == ["Integrity · 2026 Q1: 61 [55–68] · n = 57"]
    assert elements(root, "line")  # a one-wave interval is drawn as a vertical bar
    assert root.find(f"{NS}title").text == "Trust over time"
