"""Interval chart (forest plot): one band per label, the value as a dot, the interval as a whisker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reports.charts._svg import (
    AXIS,
    CANVAS_WIDTH,
    FONT_SIZE,
    GRID,
    INK,
    MUTED,
    OKABE_ITO,
    SHAPES,
    STRIPE,
    Linear,
    Svg,
    document,
    el,
    empty_chart,
    fit_lines,
    flow_legend,
    missing,
    nice_ticks,
    num,
    points,
    shape,
    text,
    text_width,
    tick_label,
    titled,
    truncate,
)

WIDTH = CANVAS_WIDTH
PAD = 8
NOTE_SIZE = FONT_SIZE - 1
SUB_ROW = 17  # height per group within a band
LINE = FONT_SIZE + 3  # label line height
UNGROUPED = "#333333"


@dataclass(frozen=True)
class IntervalRow:
    label: str  # e.g. "Competence"
    value: float | None
    low: float | None
    high: float | None
    group: str = ""  # rows sharing a label form one band, a marker shape and colour per group, and a legend
    note: str = ""  # short text at the right end, e.g. "n 57 · 61 [55–67]"


def _style(groups: list[str], group: str) -> tuple[str, str]:
    """Marker shape and colour of a group; ungrouped rows are dark circles."""
    if not group:
        return "circle", UNGROUPED
    index = groups.index(group)
    return SHAPES[index % len(SHAPES)], OKABE_ITO[index % len(OKABE_ITO)]


def _legend_entry(groups: list[str], group: str):
    kind, stroke = _style(groups, group)
    return 14, lambda x, y: shape(kind, x + 7, y, 5, fill=stroke), group


def _arrow(x: float, y: float, direction: int, stroke: str) -> str:
    """An arrowhead with its tip on the axis edge: the interval continues beyond the axis."""
    return el("polygon", points=points([(x, y), (x - 7 * direction, y - 4.5), (x - 7 * direction, y + 4.5)]), fill=stroke)


def _figure(value: float) -> str:
    return num(value, 1).replace("-", "−")


def _figures(row: IntervalRow) -> str:
    """"61 [55–67]" for hover; parts that are missing are left out."""
    shown = "" if missing(row.value) else _figure(row.value)
    if not missing(row.low) and not missing(row.high):
        shown += f" [{_figure(row.low)}–{_figure(row.high)}]"
    return shown.strip()


def _row_marks(row: IntervalRow, y: float, scale: Linear, kind: str, stroke: str) -> str:
    parts = []
    if not missing(row.low) and not missing(row.high):
        low, high = sorted((float(row.low), float(row.high)))
        x0, x1 = scale(scale.clamp(low)), scale(scale.clamp(high))
        parts.append(el("line", x1=x0, y1=y, x2=x1, y2=y, stroke=stroke, stroke_width=2))
        arrows = []
        for end, x in ((low, x0), (high, x1)):
            clipped = scale.clamp(end)
            if clipped == end:
                parts.append(el("line", x1=x, y1=y - 4, x2=x, y2=y + 4, stroke=stroke, stroke_width=2))
            elif (x, end > clipped) not in arrows:  # an interval wholly beyond the axis gets one arrow
                arrows.append((x, end > clipped))
                parts.append(_arrow(x, y, 1 if end > clipped else -1, stroke))
    if not missing(row.value):
        value = float(row.value)
        inside = scale.clamp(value) == value
        parts.append(shape(kind, scale(scale.clamp(value)), y, 5, fill=stroke if inside else "#ffffff",
                           stroke="#ffffff" if inside else stroke, stroke_width=1 if inside else 2))
    return "".join(parts)


def interval_svg(*, chart_id: str, title: str, description: str, rows: Sequence[IntervalRow],
                 x_min: float = 0, x_max: float = 100, reference: float | None = None, x_label: str = "",
                 no_data: str = "No data") -> Svg:
    """Horizontal dot-and-whisker chart (a forest plot): one line per label, the value as a dot, the interval as
    a whisker, an optional vertical reference line (e.g. 0 for differences, or the organisation's value).

    Intervals beyond the axis end in an arrowhead at the edge; a value beyond it is an open marker at the edge.
    `no_data` is the (translated) text shown when there are no rows.
    """
    rows = list(rows)
    if not rows:
        return empty_chart(chart_id=chart_id, title=title, description=description, message=no_data, width=WIDTH)
    if missing(x_min) or missing(x_max) or x_max <= x_min:
        x_min, x_max = 0.0, 100.0
    bands: dict[str, list[IntervalRow]] = {}
    for row in rows:
        bands.setdefault(str(row.label), []).append(row)
    groups = list(dict.fromkeys(row.group for row in rows if row.group))

    # Columns: labels | plot | notes. Long labels wrap onto two lines, then are cut (full text on hover).
    label_width = min(max(text_width(label, FONT_SIZE) for label in bands), WIDTH * 0.3)
    note_width = min(max((text_width(row.note, NOTE_SIZE) for row in rows), default=0), WIDTH * 0.28)
    left = PAD + label_width + 12
    right = WIDTH - PAD - (note_width + 10 if note_width else 4)
    ticks = nice_ticks(x_min, x_max)
    tick_room = text_width(tick_label(ticks[-1]), FONT_SIZE) / 2 if ticks else 0
    right = min(right, WIDTH - PAD - tick_room)
    scale = Linear((x_min, x_max), (left, right))

    entries = [_legend_entry(groups, group) for group in groups]
    legend, legend_height = flow_legend(entries, left=left, top=PAD, width=WIDTH - PAD - left)
    top = PAD + legend_height + (6 if legend_height else 0)

    layout = []
    y = top
    for label, members in bands.items():
        lines, cut = fit_lines(label, label_width, FONT_SIZE)
        height = max(len(members) * SUB_ROW + 9, len(lines) * LINE + 11, 28)
        layout.append((label, members, lines, cut, y, height))
        y += height
    plot_bottom = y
    height = plot_bottom + FONT_SIZE + 12 + (FONT_SIZE + 8 if x_label else 0)

    stripes, grid, marks = [], [], []
    for number, (label, members, lines, cut, band_top, band_height) in enumerate(layout):
        if number % 2 == 0:
            stripes.append(el("rect", x=PAD / 2, y=band_top, width=WIDTH - PAD, height=band_height, fill=STRIPE))
        first = band_top + band_height / 2 - (len(lines) - 1) * LINE / 2 + FONT_SIZE * 0.35
        label_text = "".join(text(PAD, first + k * LINE, line, fill=INK) for k, line in enumerate(lines))
        marks.append(titled(label if cut else "", label_text))
        sub_top = band_top + (band_height - len(members) * SUB_ROW) / 2
        for k, row in enumerate(members):
            cy = sub_top + (k + 0.5) * SUB_ROW
            kind, stroke = _style(groups, row.group)
            tip = " · ".join(part for part in (label, row.group, _figures(row), row.note) if part)
            note = text(right + 10, cy + NOTE_SIZE * 0.35, truncate(row.note, note_width, NOTE_SIZE), size=NOTE_SIZE,
                        fill=MUTED) if row.note else ""
            marks.append(titled(tip, _row_marks(row, cy, scale, kind, stroke) + note))
    for t in ticks:
        grid.append(el("line", x1=scale(t), y1=top, x2=scale(t), y2=plot_bottom, stroke=GRID, stroke_width=1))
        grid.append(text(scale(t), plot_bottom + FONT_SIZE + 6, tick_label(t), fill=MUTED, anchor="middle"))
    grid.append(el("line", x1=left, y1=plot_bottom, x2=right, y2=plot_bottom, stroke=AXIS, stroke_width=1))
    if reference is not None and not missing(reference) and x_min <= reference <= x_max:
        grid.append(el("line", x1=scale(reference), y1=top - 2, x2=scale(reference), y2=plot_bottom, stroke=INK,
                       stroke_width=1.25, stroke_dasharray="5 3"))
    if x_label:
        grid.append(text((left + right) / 2, height - PAD, truncate(x_label, right - left, FONT_SIZE), fill=MUTED,
                         anchor="middle"))
    body = "\n".join([el("g", "".join(stripes)), el("g", "".join(grid)), legend, el("g", "".join(marks))])
    return document(chart_id=chart_id, title=title, description=description, width=WIDTH, height=height, body=body)
