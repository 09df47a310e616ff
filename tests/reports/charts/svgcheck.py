"""Helpers for chart tests: parse the markup and collect what is drawn where."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from reports.charts._svg import text_width

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The markup as XML (raises when it is not well-formed)."""
    return ET.fromstring(str(svg))


def viewbox(root: ET.Element) -> tuple[float, float, float, float]:
    return tuple(float(v) for v in root.get("viewBox").split())


def texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{NS}text")]


def titles(root: ET.Element) -> list[str]:
    """The hover/screen-reader titles of drawn elements (not the chart's own title)."""
    return ["".join(node.itertext()) for node in root.iter(f"{NS}title") if node.get("id") is None]


def numbers(value: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", value)]


def drawn_points(root: ET.Element) -> list[tuple[float, float]]:
    """Every coordinate of lines, rects, circles, polygons and unrotated text outside <defs>."""
    inside_defs = {id(node) for defs in root.iter(f"{NS}defs") for node in defs.iter()}
    found = []
    for node in root.iter():
        if id(node) in inside_defs:
            continue
        tag, get = node.tag.removeprefix(NS), node.get
        if tag == "line":
            found += [(float(get("x1")), float(get("y1"))), (float(get("x2")), float(get("y2")))]
        elif tag == "rect":
            x, y, w, h = (float(get(k)) for k in ("x", "y", "width", "height"))
            found += [(x, y), (x + w, y + h)]
        elif tag == "circle":
            cx, cy, r = (float(get(k)) for k in ("cx", "cy", "r"))
            found += [(cx - r, cy - r), (cx + r, cy + r)]
        elif tag in ("polygon", "polyline"):
            values = numbers(get("points"))
            found += list(zip(values[::2], values[1::2], strict=True))
        elif tag == "text" and not get("transform"):
            found.append((float(get("x")), float(get("y"))))
    return found


def rotated_text_ends(root: ET.Element) -> list[tuple[float, float]]:
    """Both ends of every rotated label (estimated width, as the charts estimate it)."""
    found = []
    for node in root.iter(f"{NS}text"):
        match = re.match(r"rotate\((-?[\d.]+) ", node.get("transform", ""))
        if not match:
            continue
        angle, x, y = math.radians(float(match.group(1))), float(node.get("x")), float(node.get("y"))
        length = text_width("".join(node.itertext()), float(node.get("font-size")))
        if node.get("text-anchor") == "end":
            length = -length
        elif node.get("text-anchor") == "middle":
            x, y, length = x - length / 2 * math.cos(angle), y - length / 2 * math.sin(angle), length
        found += [(x, y), (x + length * math.cos(angle), y + length * math.sin(angle))]
    return found


def inside_viewbox(root: ET.Element) -> bool:
    """Every drawn coordinate, rotated labels included, lies within the viewBox."""
    x0, y0, width, height = viewbox(root)
    return all(x0 <= x <= x0 + width and y0 <= y <= y0 + height for x, y in drawn_points(root) + rotated_text_ends(root))


def elements(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(f"{NS}{tag}"))
