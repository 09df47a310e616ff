"""Shared SVG plumbing for the charts: the `Svg` string, escaping, numbers, text widths, ticks, shapes, legends.

Only plain SVG 1.1 with presentation attributes, so the same markup renders in browsers and in WeasyPrint.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

FONT_SIZE = 12
CANVAS_WIDTH = 560  # viewBox width: 12 units of text read as ~14 px on a 17 cm PDF column, ~8.5 px at 390 px
INK = "#1a1a1a"
MUTED = "#595959"
AXIS = "#8c8c8c"
GRID = "#e6e6e6"
STRIPE = "#f5f5f5"
# Okabe–Ito, ordered so that neighbours differ most; yellow last (weak on white).
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
DIMENSION_COLOURS = {"trust_index": "#000000", "competence": "#0072B2", "reliability": "#009E73",
                     "integrity": "#E69F00", "empathy": "#CC79A7"}  # design.md §9: one colour per dimension
DASHES = ("", "7 3", "2 3", "9 3 2 3", "4 4", "12 3", "2 2 6 2", "1 4")
SHAPES = ("circle", "square", "triangle", "diamond", "triangle-down", "plus")

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\Z")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
_BREAK = re.compile(r"[^ /]+/?|/| +")  # words, each keeping a trailing "/" (unit paths break after it)


class Svg(str):
    """SVG markup; `__html__` makes Django templates (and Jinja) insert it unescaped without importing Django."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


def missing(value) -> bool:
    """None, NaN and infinities are "not shown"."""
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def num(value: float, digits: int = 2) -> str:
    """A number for the markup: rounded, no trailing zeros, never "-0"."""
    rounded = round(float(value), digits)
    text = f"{rounded:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{rounded:.0f}"
    return "0" if text in ("-0", "") else text


def esc(text) -> str:
    """XML-escape text for element content and attribute values (characters XML forbids are dropped)."""
    text = _INVALID_XML.sub("", str(text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#39;")


def safe_id(chart_id: str) -> str:
    """An XML id without spaces (aria-labelledby splits on them); starts with a letter."""
    cleaned = _ID_UNSAFE.sub("-", str(chart_id)) or "chart"
    return cleaned if cleaned[0].isalpha() else f"c{cleaned}"


def colour(value: str | None, index: int) -> str:
    """The caller's colour when it is a plain hex colour, else the palette's by index."""
    if value and _COLOUR.match(value):
        return value
    return OKABE_ITO[index % len(OKABE_ITO)]


def char_width(char: str) -> float:
    if char in "il.,:;|!'ìíîïj()[]·/ ":
        return 0.32
    if char in "mwMW—@%":
        return 0.9
    if char.isupper() or char in "0123456789+–#$&?":
        return 0.66
    return 0.56


def text_width(text: str, size: float) -> float:
    """Approximate rendered width of sans-serif text (a little generous, so labels never collide)."""
    return sum(char_width(c) for c in text) * size


def truncate(text: str, width: float, size: float) -> str:
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(text: str, width: float, size: float, at_slash: bool) -> list[list[str]]:
    lines: list[list[str]] = [[]]
    for token in _BREAK.findall(text.strip()):
        current = lines[-1]
        if current and text_width("".join(current + [token]).rstrip(), size) > width:
            slash = max((k for k, t in enumerate(current[:-1]) if t.endswith("/")), default=None) if at_slash else None
            carried = current[slash + 1:] if slash is not None else []  # break after the last "/" instead
            lines[-1] = current[: len(current) - len(carried)]
            lines.append(carried + [token])
            while lines[-1] and not lines[-1][0].strip():
                lines[-1].pop(0)
        else:
            current.append(token)
    return lines


def fit_lines(text: str, width: float, size: float, max_lines: int = 2) -> tuple[list[str], bool]:
    """Wrap at spaces and after "/" (preferred, so unit paths break between units) into at most `max_lines` lines.

    Returns the lines and whether anything was cut (then the caller shows the full text on hover).
    """
    candidates = []
    for at_slash in (True, False):
        lines = _wrap(text, width, size, at_slash)
        cut = len(lines) > max_lines
        if cut:
            lines = lines[: max_lines - 1] + [[token for line in lines[max_lines - 1:] for token in line]]
        joined = ["".join(line).strip() for line in lines]
        fitted = [truncate(line, width, size) for line in joined]
        candidates.append((fitted, cut or fitted != joined))
    return candidates[0] if not candidates[0][1] or candidates[1][1] else candidates[1]

def attrs(values: dict) -> str:
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        shown = num(value) if isinstance(value, float | int) and not isinstance(value, bool) else esc(value)
        parts.append(f' {key}="{shown}"')
    return "".join(parts)


def el(name: str, content: str | None = None, **values) -> str:
    """One element; attribute names use "_" for "-" (stroke_width → stroke-width); content is markup."""
    rendered = attrs({key.rstrip("_").replace("_", "-"): value for key, value in values.items()})
    return f"<{name}{rendered}/>" if content is None else f"<{name}{rendered}>{content}</{name}>"


def text(x: float, y: float, content: str, *, size: float = FONT_SIZE, fill: str = INK, anchor: str = "start", **extra) -> str:
    return el("text", esc(content), x=x, y=y, font_size=size, fill=fill, text_anchor=anchor, **extra)


def titled(tooltip: str, markup: str) -> str:
    """Markup in a group whose <title> shows on hover and is read by screen readers."""
    return el("g", (el("title", esc(tooltip)) if tooltip else "") + markup)


def points(pairs: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{num(x)},{num(y)}" for x, y in pairs)


def shape(kind: str, x: float, y: float, r: float, *, fill: str, stroke: str = "#ffffff", stroke_width: float = 1) -> str:
    """A point marker; shapes differ so series and groups stay apart in greyscale."""
    style = {"fill": fill, "stroke": stroke, "stroke_width": stroke_width}
    if kind == "square":
        s = r * 0.88
        return el("rect", x=x - s, y=y - s, width=2 * s, height=2 * s, **style)
    if kind == "triangle":
        return el("polygon", points=points([(x, y - r * 1.2), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8)]), **style)
    if kind == "triangle-down":
        return el("polygon", points=points([(x, y + r * 1.2), (x + r * 1.1, y - r * 0.8), (x - r * 1.1, y - r * 0.8)]), **style)
    if kind == "diamond":
        return el("polygon", points=points([(x, y - r * 1.25), (x + r * 1.25, y), (x, y + r * 1.25), (x - r * 1.25, y)]), **style)
    if kind == "plus":
        a, b = r * 1.2, r * 0.45
        outline = [(-b, -a), (b, -a), (b, -b), (a, -b), (a, b), (b, b), (b, a), (-b, a), (-b, b), (-a, b), (-a, -b), (-b, -b)]
        return el("polygon", points=points([(x + dx, y + dy) for dx, dy in outline]), **style)
    return el("circle", cx=x, cy=y, r=r, **style)


def nice_ticks(low: float, high: float) -> list[float]:
    """Round tick values covering [low, high]: steps 1, 2, 5 (or 25, 250…) × 10^k, including 0 when in range.

    Prefers 4–5 intervals and steps that land on both ends: 0–100 → 0, 25, 50, 75, 100; −20–20 → steps of 10.
    """
    span = high - low
    if not span > 0:
        return [low]
    best: tuple[float, float] | None = None
    magnitude = math.floor(math.log10(span))
    for exponent in range(magnitude - 2, magnitude + 1):
        for mantissa in (1, 2, 2.5, 5):
            if mantissa == 2.5 and exponent < 1:
                continue
            step = mantissa * 10.0 ** exponent
            intervals = span / step
            if not 2 <= intervals <= 10:
                continue
            on_ends = all(abs(v / step - round(v / step)) < 1e-9 for v in (low, high))
            score = abs(intervals - 4.5) + (0 if on_ends else 2) - step * 1e-9  # ties → fewer ticks
            if best is None or score < best[0]:
                best = (score, step)
    step = best[1] if best else span
    first = math.ceil(low / step - 1e-9)
    ticks = []
    k = first
    while k * step <= high + step * 1e-9:
        ticks.append(round(k * step, 10) + 0.0)
        k += 1
    return ticks


def tick_label(value: float) -> str:
    """Tick text: a real minus sign for negatives, no "+"."""
    shown = num(value, 2)
    return shown.replace("-", "−")


class Linear:
    """Maps a domain interval onto a pixel interval (either may run backwards)."""

    def __init__(self, domain: tuple[float, float], pixels: tuple[float, float]):
        (self.d0, self.d1), (self.p0, self.p1) = domain, pixels

    def __call__(self, value: float) -> float:
        return self.p0 + (value - self.d0) / (self.d1 - self.d0) * (self.p1 - self.p0)

    def clamp(self, value: float) -> float:
        return min(max(value, min(self.d0, self.d1)), max(self.d0, self.d1))


def runs(flags: Sequence[bool]) -> list[list[int]]:
    """Indices grouped into runs of consecutive True flags (the pieces of a line with gaps)."""
    result: list[list[int]] = []
    for index, flag in enumerate(flags):
        if not flag:
            continue
        if result and result[-1][-1] == index - 1:
            result[-1].append(index)
        else:
            result.append([index])
    return result


LegendEntry = tuple[float, Callable[[float, float], str], str]  # (sample width, draw(x, centre_y), label)


def flow_legend(entries: Sequence[LegendEntry], *, left: float, top: float, width: float,
                size: float = FONT_SIZE) -> tuple[str, float]:
    """Legend entries laid out left to right, wrapping into rows within `width`; returns markup and height."""
    row_height, gap = size + 8, size * 1.6
    parts, x, y = [], left, top
    for sample_width, draw, label in entries:
        label = truncate(str(label or ""), width - sample_width - 6, size)
        entry_width = sample_width + 6 + text_width(label, size)
        if x > left and x + entry_width > left + width:
            x, y = left, y + row_height
        centre = y + row_height / 2
        parts.append(draw(x, centre) + text(x + sample_width + 6, centre + size * 0.35, label, size=size))
        x += entry_width + gap
    height = (y - top + row_height) if entries else 0
    return el("g", "".join(parts)), height


def document(*, chart_id: str, title: str, description: str, width: float, height: float, body: str,
             defs: str = "") -> Svg:
    """The <svg> root: responsive (viewBox, width 100 %), accessible (role, title, desc, aria-labelledby)."""
    cid = safe_id(chart_id)
    root = attrs({"xmlns": "http://www.w3.org/2000/svg", "version": "1.1", "id": cid,
                  "viewBox": f"0 0 {num(width)} {num(height)}", "width": "100%", "role": "img",
                  "aria-labelledby": f"{cid}-title {cid}-desc", "font-family": "sans-serif", "font-size": FONT_SIZE})
    head = el("title", esc(title), id=f"{cid}-title") + "\n" + el("desc", esc(description), id=f"{cid}-desc")
    parts = [f"<svg{root}>", head]
    if defs:
        parts.append(el("defs", defs))
    parts += [body, "</svg>"]
    return Svg("\n".join(parts))


def empty_chart(*, chart_id: str, title: str, description: str, message: str, width: float = CANVAS_WIDTH) -> Svg:
    """A valid chart that says there is nothing to show (callers may pass zero series or rows)."""
    height = 120
    body = (el("rect", x=0.5, y=0.5, width=width - 1, height=height - 1, fill="#ffffff", stroke=GRID)
            + text(width / 2, height / 2 + FONT_SIZE * 0.35, message, size=FONT_SIZE + 1, fill=MUTED, anchor="middle"))
    return document(chart_id=chart_id, title=title, description=description, width=width, height=height, body=body)
