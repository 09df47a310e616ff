"""interval_svg: a forest plot with paired groups, clipped intervals, a reference line and notes."""

from __future__ import annotations

from reports.charts import IntervalRow, interval_svg
from reports.charts._svg import text_width
from tests.reports.charts.svgcheck import elements, inside_viewbox, numbers, parse, texts, titles


def chart(rows, **kwargs):
    return parse(interval_svg(chart_id="gap", title="Inside vs outside", description="Per dimension", rows=rows, **kwargs))


PAIRED = [IntervalRow("Competence", 71, 66, 76, "Inside", "n 57 · 71 [66–76]"),
          IntervalRow("Competence", 64, 58, 70, "Outside", "n 61 · 64 [58–70]"),
          IntervalRow("Betrouwbaarheid", 60, 54, 66, "Inside", "n 57 · 60 [54–66]"),
          IntervalRow("Betrouwbaarheid", 52, 44, 60, "Outside", "n 61 · 52 [44–60]")]


def test_paired_rows_share_one_band_with_a_shape_per_group_and_a_legend():
    # given inside and outside rows for two dimensions
    root = chart(PAIRED)
    shown = texts(root)
    # then each dimension is labelled once, each group is in the legend once, and every note is printed
    assert shown.count("Competence") == 1 and shown.count("Betrouwbaarheid") == 1
    assert shown.count("Inside") == 1 and shown.count("Outside") == 1
    assert all(row.note in shown for row in PAIRED)
    # and the groups differ by marker shape and colour, not colour alone
    circles = elements(root, "circle")
    squares = [r for r in elements(root, "rect") if r.get("fill") == "#D55E00"]
    assert len(circles) == 3 and len(squares) == 3  # two rows + the legend sample each
    assert {c.get("fill") for c in circles} == {"#0072B2"}
    # and both rows of a pair sit within their dimension's band, the inside one above
    y_inside, y_outside = sorted(float(c.get("cy")) for c in circles)[1], sorted(float(r.get("y")) for r in squares)[1]
    assert y_inside < y_outside


def test_clipped_intervals_end_in_an_arrow_at_the_axis_and_stay_inside():
    # given intervals running past both ends of 0–100, and a value beyond the axis
    root = chart([IntervalRow("Integrity", 93, 85, 104), IntervalRow("Empathy", 55, -8, 62),
                  IntervalRow("Reliability", 110, 101, 120)])
    # then each clipped end is an arrowhead (a filled polygon without outline) pointing outwards;
    # the interval wholly beyond the axis gets a single one
    arrows = [p for p in elements(root, "polygon") if p.get("stroke") is None]
    assert len(arrows) == 3
    tips = sorted(numbers(p.get("points"))[0] - numbers(p.get("points"))[2] for p in arrows)
    assert tips[0] < 0 < tips[1] and tips[2] > 0
    # and the value beyond the axis is an open marker at the edge
    open_marks = [c for c in elements(root, "circle") if c.get("fill") == "#ffffff"]
    assert len(open_marks) == 1
    # and nothing leaves the plot's x range, let alone the viewBox
    assert inside_viewbox(root)
    plot_right = max(float(line.get("x2")) for line in elements(root, "line") if line.get("stroke") == "#8c8c8c")
    assert max(x for p in arrows for x in numbers(p.get("points"))[::2]) <= plot_right


def test_differences_get_round_ticks_around_zero_and_a_reference_line():
    # given differences on −20 … 20 with a reference at 0
    root = chart([IntervalRow("Sales/North", -6, -12, -1, note="n 22")], x_min=-20, x_max=20, reference=0,
                 x_label="Difference with the organisation")
    # then the ticks are −20, −10, 0, 10, 20 and a dashed line marks zero
    assert ["−20", "−10", "0", "10", "20"] == [t for t in texts(root) if t.lstrip("−").isdigit()]
    zero_x = next(float(t.get("x")) for t in elements(root, "text") if t.text == "0")
    reference = [line for line in elements(root, "line") if line.get("stroke-dasharray") == "5 3"]
    assert len(reference) == 1 and float(reference[0].get("x1")) == zero_x
    assert "Difference with the organisation" in texts(root)


def test_missing_value_draws_nothing_for_that_row_but_keeps_its_label_and_note():
    # given a hidden outside group (no figures) next to a shown inside group
    root = chart([IntervalRow("Integrity", 62, 55, 69, "Inside", "n 57"),
                  IntervalRow("Integrity", None, None, None, "Outside", "fewer than 10")])
    # then only the inside row has a marker and a whisker, yet the note explains the other
    assert len([c for c in elements(root, "circle") if c.get("stroke") == "#ffffff"]) == 2  # row + legend
    assert not [r for r in elements(root, "rect") if r.get("fill") == "#D55E00" and r.get("stroke") == "#ffffff"
                and float(r.get("y")) > 30]
    assert "fewer than 10" in texts(root)
    assert [t for t in titles(root) if t.startswith("Integrity · Outside")] == ["Integrity · Outside · fewer than 10"]


def test_long_labels_wrap_before_the_plot_and_never_overlap_it():
    # given unit paths of very different lengths
    labels = ["Operations/Planning/Night shift/Weekend team/Zone B", "Sales", "Customer Service & Support"]
    root = chart([IntervalRow(label, 50, 40, 60) for label in labels])
    # then every label line ends before the leftmost whisker could start (x of the axis minimum)
    plot_left = min(float(line.get("x1")) for line in elements(root, "line") if line.get("stroke") == "#8c8c8c")
    label_lines = [t for t in elements(root, "text") if float(t.get("x")) < plot_left]
    assert all(float(t.get("x")) + text_width(t.text, 12) < plot_left for t in label_lines)
    # and the longest is wrapped over two lines, nothing lost
    first_two = [t.text for t in label_lines][:2]
    assert "".join(first_two).replace(" ", "") == labels[0].replace(" ", "") and "Sales" in texts(root)
    assert inside_viewbox(root)


def test_labels_too_long_for_two_lines_are_cut_with_the_full_text_on_hover():
    # given a label far longer than the label column
    label = "Operations/Planning/Night shift/Weekend team/Zone B/Loading docks/North entrance/Temporary staff"
    root = chart([IntervalRow(label, 50, 40, 60)])
    # then two lines are shown, the second ending in an ellipsis, and the full label is the hover title
    plot_left = min(float(line.get("x1")) for line in elements(root, "line") if line.get("stroke") == "#8c8c8c")
    shown = [t.text for t in elements(root, "text") if float(t.get("x")) < plot_left]
    assert shown[0] == "Operations/Planning/" and len(shown) == 2 and shown[1].endswith("…")
    assert label in titles(root)
