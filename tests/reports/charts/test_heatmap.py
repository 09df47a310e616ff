"""heatmap_svg: units × measures; only significant cells coloured, each with its own glyph; hidden cells hatched."""

from __future__ import annotations

import math

from reports.charts import HeatCell, heatmap_svg
from reports.charts._svg import text_width
from tests.reports.charts.svgcheck import NS, elements, inside_viewbox, parse, texts, titles

UNITS = ["Sales", "Sales/North", "Operations/Planning"]
MEASURES = ["Trust Index", "Competence", "Integrity"]


def chart(cells, *, rows=UNITS, columns=MEASURES, **kwargs):
    return parse(heatmap_svg(chart_id="heat", title="Units by dimension", description="Differences", row_labels=rows,
                             column_labels=columns, cells=cells, **kwargs))


def cell_groups(root):
    """Each cell with a tooltip: its <g> (title + shapes)."""
    return {"".join(g.find(f"{NS}title").itertext()): g for g in elements(root, "g") if g.find(f"{NS}title") is not None}


def test_up_and_down_differ_by_colour_glyph_and_text_colour():
    # given a significant rise and a significant fall
    root = chart({(0, 0): HeatCell("+8", "up", "Sales is 8 points above"), (1, 1): HeatCell("−6", "down", "North is 6 below")})
    cells = cell_groups(root)
    up, down = cells["Sales is 8 points above"], cells["North is 6 below"]
    # then the rise is blue with an upward triangle, the fall vermillion with a downward one
    assert up.find(f"{NS}rect").get("fill") == "#0072B2" and down.find(f"{NS}rect").get("fill") == "#D55E00"
    assert up.find(f"{NS}polygon").get("class") == "glyph-up" and down.find(f"{NS}polygon").get("class") == "glyph-down"
    # and the glyphs point opposite ways (apex above vs below the base)
    def apex_offset(polygon):
        ys = [float(p.split(",")[1]) for p in polygon.get("points").split()]
        return ys[0] - sum(ys[1:]) / 2
    assert apex_offset(up.find(f"{NS}polygon")) < 0 < apex_offset(down.find(f"{NS}polygon"))
    # and the figures are shown, in text colours that differ too (white on blue, black on vermillion)
    assert up.find(f"{NS}text").text == "+8" and down.find(f"{NS}text").text == "−6"
    assert up.find(f"{NS}text").get("fill") != down.find(f"{NS}text").get("fill")


def test_hidden_cells_show_a_hatch_and_no_number_even_if_given_one():
    # given a suppressed group, with a number passed by mistake
    root = chart({(2, 2): HeatCell("57", "hidden", "Too few answers to show")})
    cell = cell_groups(root)["Too few answers to show"]
    # then the cell is hatched and carries no text, and the number appears nowhere in the chart
    assert cell.find(f"{NS}rect").get("fill") == "url(#heat-hatch)" and cell.find(f"{NS}text") is None
    assert "57" not in texts(root)
    assert root.find(f"{NS}defs/{NS}pattern").get("id") == "heat-hatch"


def test_not_significant_cells_are_white_with_grey_text_and_missing_cells_empty():
    # given one non-significant cell; all others absent
    root = chart({(0, 1): HeatCell("62", "none", "Competence 62, no clear difference")})
    cell = cell_groups(root)["Competence 62, no clear difference"]
    # then it is white with grey text and no glyph
    assert cell.find(f"{NS}rect").get("fill") == "#ffffff" and cell.find(f"{NS}text").get("fill") == "#595959"
    assert cell.find(f"{NS}polygon") is None
    # and absent cells are empty white boxes (9 cells, 1 with text)
    table = [r for r in elements(root, "rect") if float(r.get("width")) > 30]
    assert len(table) == 9 and [t for t in texts(root) if t.isdigit()] == ["62"]


def test_legend_below_explains_each_state_in_the_callers_words():
    # given Dutch legend texts, one dropped
    legend = {"up": "Duidelijk hoger", "down": "Duidelijk lager", "none": "Geen duidelijk verschil", "hidden": ""}
    root = chart({(0, 0): HeatCell("+8", "up")}, legend=legend)
    shown = texts(root)
    # then the three given texts are shown, the English defaults and the dropped entry are not
    assert {"Duidelijk hoger", "Duidelijk lager", "Geen duidelijk verschil"} <= set(shown)
    assert not {"Significantly higher", "Hidden: group too small"} & set(shown)
    # and the legend lies below the table
    table_bottom = max(float(r.get("y")) + float(r.get("height")) for r in elements(root, "rect") if float(r.get("width")) > 30)
    legend_y = [float(t.get("y")) for t in elements(root, "text") if t.text in legend.values()]
    assert min(legend_y) > table_bottom


def test_default_legend_is_english():
    # given no legend texts
    shown = texts(chart({}))
    # then the English defaults are shown
    assert {"Significantly higher", "Significantly lower", "No clear difference", "Hidden: group too small"} <= set(shown)


def test_long_row_labels_widen_the_label_column_and_long_column_labels_rotate():
    # given long unit paths and Dutch dimension names that cannot sit side by side
    rows = ["Operations/Planning/Night shift", "Customer Service & Support", "Sales"]
    columns = ["Trust Index", "Competentie", "Betrouwbaarheid", "Integriteit", "Empathie", "Responspercentage",
               "Globaal vertrouwen", "Hoe", "Waarom"]
    root = chart({(i, j): HeatCell("+1", "none") for i in range(3) for j in range(9)}, rows=rows, columns=columns)
    # then no row label runs into the first cell
    first_cell_x = min(float(r.get("x")) for r in elements(root, "rect") if r.get("height") and float(r.get("height")) >= 28)
    for t in elements(root, "text"):
        if t.text in rows or (t.text or "").startswith(("Operations", "Customer")):
            assert float(t.get("x")) + text_width(t.text, 12) < first_cell_x
    # and the column labels are rotated, each fully within the chart's width
    headers = [t for t in elements(root, "text") if t.text in columns]
    assert len(headers) == 9 and all(t.get("transform", "").startswith("rotate(-45") for t in headers)
    width = float(root.get("viewBox").split()[2])
    reach = [float(t.get("x")) + text_width(t.text, 12) * math.cos(math.radians(45)) for t in headers]
    assert max(reach) <= width
    assert inside_viewbox(root)


def test_short_column_labels_stay_horizontal():
    # given three short measure names
    root = chart({})
    # then they are horizontal, centred over their columns
    headers = [t for t in elements(root, "text") if t.text in MEASURES]
    assert len(headers) == 3 and not any(t.get("transform") for t in headers)
    assert all(t.get("text-anchor") == "middle" for t in headers)


def test_cells_outside_the_table_are_ignored_and_unknown_states_are_neutral():
    # given a cell beyond the last column and a cell with an unknown state
    root = chart({(0, 9): HeatCell("+99", "up", "stray"), (0, 0): HeatCell("3", "weird", "odd state")})
    # then the stray cell is not drawn and the odd one is drawn as "no clear difference"
    assert "+99" not in texts(root) and "stray" not in titles(root)
    assert cell_groups(root)["odd state"].find(f"{NS}rect").get("fill") == "#ffffff"
