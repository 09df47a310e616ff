"""Turning numpy results into JSON-safe Python values (NaN/inf → None)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np


def number(value: Any) -> float | None:
    """A finite Python float, or None for None/NaN/±inf."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def numbers(values: Any) -> tuple[float | None, ...]:
    return tuple(number(v) for v in values)


def clean(obj: Any) -> Any:
    """Recursively convert to plain JSON types; non-finite floats become None."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, np.integer)) and not isinstance(obj, np.bool_):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (float, np.floating)):
        return number(obj)
    if isinstance(obj, Mapping):
        return {str(key): clean(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple, np.ndarray)):
        return [clean(value) for value in obj]
    if hasattr(obj, "to_dict"):
        return clean(obj.to_dict())
    raise TypeError(f"cannot make {type(obj).__name__} JSON-safe")
