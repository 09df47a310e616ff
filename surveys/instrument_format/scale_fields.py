"""Reads and checks a ``scale`` block (the instrument's, or one item's override)."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from . import fields
from .default_scale import DEFAULT_SCALE_LANGUAGES, default_scale
from .model import Scale, ScaleLabel
from .problems import Path, Problems, describe, one_of
from .vocabulary import MAX_SCALE_POINTS


def scale(p: Problems, path: Path, value: Any, languages: tuple[str, ...] | None) -> Scale | None:
    data = fields.mapping(
        p, path, value, required=("min", "max"), optional=("labels", "dont_know"), what="a scale (min, max, labels, dont_know)"
    )
    if data is None:
        return None
    before = len(p)
    bounds = _bounds(p, path, data)
    labels = _labels(p, (*path, "labels"), data.get("labels", []), bounds, languages)
    dont_know = data.get("dont_know")
    if dont_know is not None:
        dont_know = fields.texts(p, (*path, "dont_know"), dont_know, languages)
    if len(p) > before or bounds is None or labels is None:
        return None
    return Scale(min=bounds[0], max=bounds[1], labels=labels, dont_know=dont_know)


def default_or_problem(p: Problems, languages: tuple[str, ...] | None) -> Scale | None:
    """The default scale when the file has no ``scale`` and its languages allow it."""
    if languages is None:
        return None
    missing = [lang for lang in languages if lang not in DEFAULT_SCALE_LANGUAGES]
    if missing:
        p.add(
            ("scale",),
            f"missing field 'scale': the default scale has texts in en and nl only; write out a scale with texts in {one_of(languages)}",
        )
        return None
    return default_scale(languages)


def _bounds(p: Problems, path: Path, data: dict[str, Any]) -> tuple[int, int] | None:
    low = fields.whole_number(p, (*path, "min"), data["min"]) if "min" in data else None
    high = fields.whole_number(p, (*path, "max"), data["max"]) if "max" in data else None
    if low is None or high is None:
        return None
    if low >= high:
        p.add(path, f"min ({low}) must be smaller than max ({high})")
        return None
    if high - low + 1 > MAX_SCALE_POINTS:
        p.add(path, f"a scale can have at most {MAX_SCALE_POINTS} points; this one has {high - low + 1}")
        return None
    return low, high


def _labels(
    p: Problems, path: Path, value: Any, bounds: tuple[int, int] | None, languages: tuple[str, ...] | None
) -> tuple[ScaleLabel, ...] | None:
    if not isinstance(value, list):
        p.add(path, f"expected a list of labels (each with 'value' and 'text'), found {describe(value)}")
        return None
    labels = [_label(p, (*path, index), raw, bounds, languages) for index, raw in enumerate(value)]
    in_order = _in_order(p, path, [(index, label) for index, label in enumerate(labels) if label is not None])
    if not in_order or any(label is None for label in labels):
        return None
    return tuple(label for label in labels if label is not None)


def _label(p: Problems, path: Path, value: Any, bounds: tuple[int, int] | None, languages: tuple[str, ...] | None) -> ScaleLabel | None:
    data = fields.mapping(p, path, value, required=("value", "text"), optional=(), what="a label (value, text)")
    if data is None or "value" not in data or "text" not in data:
        return None
    number = fields.whole_number(p, (*path, "value"), data["value"])
    words = fields.texts(p, (*path, "text"), data["text"], languages)
    if number is not None and bounds is not None and not bounds[0] <= number <= bounds[1]:
        p.add((*path, "value"), f"value {number} is outside the scale ({bounds[0]} to {bounds[1]})")
        return None
    if number is None or words is None:
        return None
    return ScaleLabel(value=number, text=words)


def _in_order(p: Problems, path: Path, labels: list[tuple[int, ScaleLabel]]) -> bool:
    ok = True
    for (_, before), (index, after) in pairwise(labels):
        if after.value == before.value:
            p.add((*path, index), f"value {after.value} is labelled twice")
            ok = False
        elif after.value < before.value:
            p.add((*path, index), f"labels must go up in order: {after.value} comes after {before.value}")
            ok = False
    return ok
