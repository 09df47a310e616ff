"""Heatmap: units (rows) × measures (columns); only significant differences are coloured, each with a glyph."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reports.charts._svg import (
    CANVAS_WIDTH,
    FONT_SIZE,
    INK,
    MUTED,
    Svg,
    document,
    el,
    empty_chart,
    fit_lines,
    flow_legend,
    num,
    points,
    safe_id,
    text,
    text_width,
    titled,
    truncate,
)

WIDTH = CANVAS_WIDTH
PAD = 8
CELL_HEIGHT = 30  # at least; rows with two-line labels are taller
MIN_CELL, MAX_CELL = 48, 104
ROTATION = 45
LINE = FONT_SIZE + 3
BORDER = "#d0d0d0"
UP, DOWN = "#0072B2", "#D55E00"
# fill, text colour (contrast ≥ 4.5 : 1 on the fill), glyph
STATES = {"up": (UP, "#ffffff", "up"), "down": (DOWN, "#000000", "down"), "none": ("#ffffff", MUTED, None)}
DEFAULT_LEGEND = {"up": "Significantly higher", "down": "Significantly lower", "none": "No clear difference",
                  "hidden": "Hidden: group too small"}


@dataclass(frozen=True)
class HeatCell:
    text: str  # what the cell shows, e.g. "+8" or "62"; never shown for "hidden"
    state: str  # "up" | "down" | "none" | "hidden"
    tooltip: str = ""  # a full sentence, in the cell's <title>


def _glyph(kind: str, x: float, y: float, fill: str) -> str:
    """▲ or ▼ drawn as a polygon (no font needed), centred on (x, y)."""
    tip, base = (-4.5, 3.5) if kind == "up" else (4.5, -3.5)
    return el("polygon", points=points([(x, y + tip), (x + 5, y + base), (x - 5, y + base)]), fill=fill,
              class_=f"glyph-{kind}")


def _cell(cell: HeatCell | None, x: float, y: float, width: float, height: float, hatch: str) -> str:
    box = {"x": x + 1, "y": y + 1, "width": width - 2, "height": height - 2}
    if cell is None:
        return el("rect", **box, fill="#ffffff", stroke=BORDER, stroke_width=0.5)
    if cell.state == "hidden":
        return titled(cell.tooltip, el("rect", **box, fill=f"url(#{hatch})", stroke=BORDER, stroke_width=0.5))
    fill, ink, glyph = STATES.get(cell.state, STATES["none"])
    content = truncate(str(cell.text or ""), width - 22, FONT_SIZE)
    parts = [el("rect", **box, fill=fill, stroke=BORDER if fill == "#ffffff" else fill, stroke_width=0.5)]
    cx, baseline = x + width / 2, y + height / 2 + FONT_SIZE * 0.35
    if glyph:
        total = 10 + 4 + text_width(content, FONT_SIZE)
        start = cx - total / 2
        parts.append(_glyph(glyph, start + 5, y + height / 2, ink))
        parts.append(text(start + 14, baseline, content, fill=ink, font_weight="bold"))
    elif content:
        parts.append(text(cx, baseline, content, fill=ink, anchor="middle"))
    return titled(cell.tooltip, "".join(parts))


def _legend_sample(state: str, hatch: str):
    def draw(x: float, y: float) -> str:
        if state == "hidden":
            return el("rect", x=x, y=y - 7, width=22, height=14, fill=f"url(#{hatch})", stroke=BORDER, stroke_width=0.5)
        fill, ink, glyph = STATES[state]
        box = el("rect", x=x, y=y - 7, width=22, height=14, fill=fill, stroke=BORDER if fill == "#ffffff" else fill,
                 stroke_width=0.5)
        return box + (_glyph(glyph, x + 11, y, ink) if glyph else "")
    return draw


def _hatch(pattern_id: str) -> str:
    return el("pattern", el("rect", x=0, y=0, width=6, height=6, fill="#f0f0f0")
              + el("line", x1=0, y1=0, x2=0, y2=6, stroke="#a6a6a6", stroke_width=1.5),
              id=pattern_id, patternUnits="userSpaceOnUse", width=6, height=6, patternTransform="rotate(45)")


def heatmap_svg(*, chart_id: str, title: str, description: str, row_labels: Sequence[str],
                column_labels: Sequence[str], cells: Mapping[tuple[int, int], HeatCell],
                legend: Mapping[str, str] | None = None, no_data: str = "No data") -> Svg:
    """Units (rows) × measures (columns). Up = blue with ▲, down = vermillion with ▼ (shape and text colour differ
    too, for print and colour-blind readers); "none" is white with grey text; "hidden" is a grey hatch, no text.

    `legend` maps states to the (translated) legend text; English defaults; an empty text drops that entry.
    """
    rows, columns = [str(label) for label in row_labels], [str(label) for label in column_labels]
    if not rows or not columns:
        return empty_chart(chart_id=chart_id, title=title, description=description, message=no_data, width=WIDTH)
    hatch = f"{safe_id(chart_id)}-hatch"

    row_lines = [fit_lines(label, WIDTH * 0.3, FONT_SIZE) for label in rows]
    left = PAD + max(text_width(line, FONT_SIZE) for lines, _ in row_lines for line in lines) + 10
    cell_width = min(max((WIDTH - PAD - left) / len(columns), MIN_CELL), MAX_CELL)
    right = left + cell_width * len(columns)

    # Column labels: side by side (up to two lines each) when they fit, else rotated 45°.
    column_lines = [fit_lines(label, cell_width - 6, FONT_SIZE) for label in columns]
    rotated = any(cut for _, cut in column_lines)
    if rotated:
        shown = [truncate(label, 170, FONT_SIZE) for label in columns]
        reach = [text_width(label, FONT_SIZE) * math.cos(math.radians(ROTATION)) for label in shown]
        header = max(reach) + FONT_SIZE
        width = max(right, *(left + (j + 0.5) * cell_width + r + 4 for j, r in enumerate(reach))) + PAD
    else:
        header = max(len(lines) for lines, _ in column_lines) * LINE + 6
        width = max(right + PAD, WIDTH)
    top = PAD + header
    row_heights = [max(CELL_HEIGHT, len(lines) * LINE + 8) for lines, _ in row_lines]
    row_tops = [top + sum(row_heights[:i]) for i in range(len(rows))]
    table_bottom = top + sum(row_heights)

    texts = dict(DEFAULT_LEGEND, **(legend or {}))
    entries = [(22, _legend_sample(state, hatch), texts[state]) for state in ("up", "down", "none", "hidden") if texts.get(state)]
    legend_markup, legend_height = flow_legend(entries, left=PAD, top=table_bottom + 10, width=width - 2 * PAD,
                                               size=FONT_SIZE - 1)
    height = table_bottom + 10 + legend_height + PAD

    parts = []
    for j, label in enumerate(columns):
        cx = left + (j + 0.5) * cell_width
        if rotated:
            full = shown[j]
            parts.append(titled(label if full != label else "", text(
                cx, top - 6, full, fill=INK, transform=f"rotate(-{ROTATION} {num(cx)} {num(top - 6)})")))
        else:
            lines, _ = column_lines[j]
            first = top - 6 - (len(lines) - 1) * LINE
            parts.append("".join(text(cx, first + k * LINE, line, anchor="middle") for k, line in enumerate(lines)))
    for i, (lines, cut) in enumerate(row_lines):
        y, row_height = row_tops[i], row_heights[i]
        first = y + row_height / 2 - (len(lines) - 1) * LINE / 2 + FONT_SIZE * 0.35
        parts.append(titled(rows[i] if cut else "", "".join(text(PAD, first + k * LINE, line) for k, line in enumerate(lines))))
        for j in range(len(columns)):
            parts.append(_cell(cells.get((i, j)), left + j * cell_width, y, cell_width, row_height, hatch))
    parts.append(legend_markup)
    return document(chart_id=chart_id, title=title, description=description, width=width, height=height,
                    body="\n".join(parts), defs=_hatch(hatch))
