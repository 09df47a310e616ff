"""Trend chart: one line per series over the waves, shaded interval bands, a legend and incident markers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reports.charts._svg import (
    AXIS,
    CANVAS_WIDTH,
    DASHES,
    FONT_SIZE,
    GRID,
    INK,
    MUTED,
    SHAPES,
    Linear,
    Svg,
    colour,
    document,
    el,
    empty_chart,
    flow_legend,
    missing,
    nice_ticks,
    num,
    points,
    runs,
    shape,
    text,
    text_width,
    tick_label,
    titled,
    truncate,
)

WIDTH = CANVAS_WIDTH
PLOT_HEIGHT = 210
PAD = 8
ROTATION = 40  # degrees, for x labels that do not fit side by side
MARKER_SIZE = FONT_SIZE - 1


@dataclass(frozen=True)
class Point:
    """One wave of a series; `low`/`high` give its interval band."""

    value: float | None
    low: float | None = None
    high: float | None = None
    n: int | None = None


@dataclass(frozen=True)
class Series:
    name: str  # legend text, e.g. "Integrity"
    points: Sequence[Point]  # one per x label; a None value is a gap
    color: str | None = None  # "#RRGGBB"; default: the Okabe–Ito palette by position (see DIMENSION_COLOURS)


@dataclass(frozen=True)
class Marker:
    position: float  # in x label index units: 1.5 = halfway between x_labels[1] and x_labels[2]
    label: str  # e.g. "Incident: data leak (12 Mar)"


def _figure(value: float, precision: int) -> str:
    return num(value, precision).replace("-", "−")


def _tooltip(series: Series, label: str, point: Point, precision: int) -> str:
    shown = f"{series.name} · {label}: {_figure(point.value, precision)}"
    if not missing(point.low) and not missing(point.high):
        shown += f" [{_figure(point.low, precision)}–{_figure(point.high, precision)}]"
    if point.n is not None:
        shown += f" · n = {point.n}"
    return shown


def _legend_entry(index: int, item: Series):
    stroke = colour(item.color, index)

    def draw(x: float, y: float) -> str:
        return (el("line", x1=x, y1=y, x2=x + 28, y2=y, stroke=stroke, stroke_width=2,
                   stroke_dasharray=DASHES[index % len(DASHES)] or None)
                + shape(SHAPES[index % len(SHAPES)], x + 14, y, 4, fill=stroke))
    return 28, draw, item.name


def _x_layout(labels: list[str], left: float, plot_width: float) -> tuple[float, bool, int, float]:
    """Slot width, whether labels are rotated, label step (every k-th shown) and the bottom margin they need."""
    slot = plot_width / len(labels)
    widest = max(text_width(label, FONT_SIZE) for label in labels)
    if widest <= slot - 8:
        return slot, False, 1, FONT_SIZE + 12
    step = max(1, math.ceil(FONT_SIZE * 1.5 / slot))
    shown = [truncate(label, 150, FONT_SIZE) for label in labels]
    depth = max(text_width(label, FONT_SIZE) for label in shown) * math.sin(math.radians(ROTATION))
    return slot, True, step, depth + FONT_SIZE + 14


def _marker_rows(markers: list[tuple[float, str]], left: float, right: float) -> list[tuple[float, str, str, str, int]]:
    """Places each marker label on the first row where it overlaps no other: (x, label, shown text, anchor, row)."""
    rows: list[list[tuple[float, float]]] = []
    placed = []
    for x, label in markers:
        shown = truncate(label, (right - left) * 0.55, MARKER_SIZE)
        width = text_width(shown, MARKER_SIZE)
        anchor, x0 = ("start", x - 3) if x + width + 3 <= right else ("end", x - width - 3)
        span = (x0, x0 + width + 6)
        row = next((k for k, taken in enumerate(rows) if all(span[1] <= a or b <= span[0] for a, b in taken)), len(rows))
        if row == len(rows):
            rows.append([])
        rows[row].append(span)
        placed.append((x, label, shown, anchor, row))
    return placed


def trend_svg(*, chart_id: str, title: str, description: str, x_labels: Sequence[str], series: Sequence[Series],
              markers: Sequence[Marker] = (), y_min: float = 0, y_max: float = 100, y_label: str = "",
              no_data: str = "No data") -> Svg:
    """Lines over waves with shaded interval bands, a legend, vertical dashed incident markers with their label.

    Missing values (None/NaN) leave gaps; a lone value between gaps shows as its marker (and whisker).
    `no_data` is the (translated) text shown when there is nothing to draw.
    """
    labels = [str(label) for label in x_labels]
    count = len(labels)
    series = list(series)
    if not count or not any(not missing(p.value) for s in series for p in list(s.points)[:count]):
        return empty_chart(chart_id=chart_id, title=title, description=description, message=no_data, width=WIDTH)
    if missing(y_min) or missing(y_max) or y_max <= y_min:
        y_min, y_max = 0.0, 100.0
    ticks = nice_ticks(y_min, y_max)
    precision = 0 if y_max - y_min >= 20 else 1

    # Horizontal layout: y label and tick labels on the left, x slots across the rest.
    tick_width = max(text_width(tick_label(t), FONT_SIZE) for t in ticks)
    left = PAD + (FONT_SIZE + 8 if y_label else 0) + tick_width + 8
    right = WIDTH - PAD - 4
    slot, rotated, label_step, bottom = _x_layout(labels, left, right - left)
    for _ in range(3):  # rotated labels reach down-left of their tick: the leftmost may need a wider margin
        overhang = max(min(text_width(label, FONT_SIZE), 150) * math.cos(math.radians(ROTATION)) - (i + 0.5) * slot - 4
                       for i, label in enumerate(labels)) if rotated else 0
        if overhang <= left - PAD:
            break
        left = PAD + overhang + 2
        slot, rotated, label_step, bottom = _x_layout(labels, left, right - left)

    def x_at(position: float) -> float:
        return left + (position + 0.5) * slot

    # Vertical layout: legend, marker label rows, plot, x labels.
    legend, legend_height = flow_legend([_legend_entry(i, item) for i, item in enumerate(series)], left=left, top=PAD,
                                        width=right - left)
    marker_points = sorted((min(max(x_at(float(m.position)), left), right), m.label)
                           for m in markers if not missing(m.position))
    placed = _marker_rows(marker_points, left, right)
    marker_rows = max((row for *_, row in placed), default=-1) + 1
    row_height = MARKER_SIZE + 5
    top = PAD + legend_height + 6 + marker_rows * row_height + (4 if marker_rows else 0)
    bottom_y = top + PLOT_HEIGHT
    height = bottom_y + bottom
    y = Linear((y_min, y_max), (bottom_y, top))

    parts = [legend]
    # Grid and y axis.
    for t in ticks:
        parts.append(el("line", x1=left, y1=y(t), x2=right, y2=y(t), stroke=GRID, stroke_width=1))
        parts.append(text(left - 6, y(t) + FONT_SIZE * 0.35, tick_label(t), fill=MUTED, anchor="end"))
    if y_label:
        cx, cy = PAD + FONT_SIZE * 0.8, (top + bottom_y) / 2
        parts.append(text(cx, cy, truncate(y_label, PLOT_HEIGHT, FONT_SIZE), fill=MUTED, anchor="middle",
                          transform=f"rotate(-90 {num(cx)} {num(cy)})"))
    # X axis and labels.
    parts.append(el("line", x1=left, y1=bottom_y, x2=right, y2=bottom_y, stroke=AXIS, stroke_width=1))
    for i, label in enumerate(labels):
        x = x_at(i)
        parts.append(el("line", x1=x, y1=bottom_y, x2=x, y2=bottom_y + 4, stroke=AXIS, stroke_width=1))
        if (count - 1 - i) % label_step:
            continue
        if rotated:
            ly = bottom_y + FONT_SIZE + 4
            parts.append(text(x + 4, ly, truncate(label, 150, FONT_SIZE), fill=MUTED, anchor="end",
                              transform=f"rotate(-{ROTATION} {num(x + 4)} {num(ly)})"))
        else:
            parts.append(text(x, bottom_y + FONT_SIZE + 6, label, fill=MUTED, anchor="middle"))
    # Incident markers: dashed line from the label's row down through the plot.
    for x, full, shown, anchor, row in placed:
        label_y = PAD + legend_height + 6 + row * row_height + MARKER_SIZE
        tx = x + 3 if anchor == "start" else x - 3
        parts.append(titled(full, el("line", x1=x, y1=label_y + 3, x2=x, y2=bottom_y, stroke=INK, stroke_width=1,
                                     stroke_dasharray="4 3", stroke_opacity=0.7)
                            + text(tx, label_y, shown, size=MARKER_SIZE, fill=INK, anchor=anchor)))
    # Series: bands below, then lines, then point markers on top.
    bands, lines, dots = [], [], []
    for index, item in enumerate(series):
        stroke = colour(item.color, index)
        pts = list(item.points)[:count]
        with_band = [not missing(p.value) and not missing(p.low) and not missing(p.high) for p in pts]
        for run in runs(with_band):
            if len(run) == 1:
                i = run[0]
                lo, hi = y(y.clamp(pts[i].low)), y(y.clamp(pts[i].high))
                bands.append(el("line", x1=x_at(i), y1=lo, x2=x_at(i), y2=hi, stroke=stroke, stroke_width=6,
                                stroke_opacity=0.25))
                continue
            upper = [(x_at(i), y(y.clamp(pts[i].high))) for i in run]
            lower = [(x_at(i), y(y.clamp(pts[i].low))) for i in reversed(run)]
            bands.append(el("polygon", points=points(upper + lower), fill=stroke, fill_opacity=0.13, stroke="none"))
        for run in runs([not missing(p.value) for p in pts]):
            if len(run) > 1:
                lines.append(el("polyline", points=points([(x_at(i), y(y.clamp(pts[i].value))) for i in run]),
                                fill="none", stroke=stroke, stroke_width=2, stroke_linejoin="round",
                                stroke_dasharray=DASHES[index % len(DASHES)] or None))
            for i in run:
                marker = shape(SHAPES[index % len(SHAPES)], x_at(i), y(y.clamp(pts[i].value)), 4, fill=stroke)
                dots.append(titled(_tooltip(item, labels[i], pts[i], precision), marker))
    parts += [el("g", "".join(bands)), el("g", "".join(lines)), el("g", "".join(dots))]
    return document(chart_id=chart_id, title=title, description=description, width=WIDTH, height=height,
                    body="\n".join(parts))
