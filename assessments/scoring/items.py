"""Item metadata, validation and keying (measurement-science.md §2.1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DIMENSIONS: tuple[str, ...] = ("competence", "reliability", "integrity", "empathy")
OUTCOMES: tuple[str, ...] = ("global_trust", "intention")
ROLES: tuple[str, ...] = (*DIMENSIONS, *OUTCOMES, "unscored")


@dataclass(frozen=True)
class ItemSpec:
    """One item of an instrument: its column key, role, keying and integer scale."""

    key: str
    role: str
    reverse: bool = False
    scale_min: int = 1
    scale_max: int = 7

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"item {self.key!r}: unknown role {self.role!r}")
        if not self.scale_max > self.scale_min:
            raise ValueError(f"item {self.key!r}: scale_max must exceed scale_min")

    @property
    def midpoint(self) -> float:
        return (self.scale_min + self.scale_max) / 2


def validate_responses(values: np.ndarray, items: Sequence[ItemSpec]) -> np.ndarray:
    """Return `values` as a float array after checking shape and scale.

    NaN means "don't know" or missing. Any other value must be an integer point on
    the item's scale; anything else raises ValueError naming the item.
    """
    array = np.asarray(values, dtype=float)
    if array.ndim != 2 or array.shape[1] != len(items):
        raise ValueError(f"expected a 2-D array with {len(items)} columns, got shape {array.shape}")
    for column, item in enumerate(items):
        answered = array[:, column][~np.isnan(array[:, column])]
        bad = (answered < item.scale_min) | (answered > item.scale_max) | (answered != np.round(answered))
        if bad.any():
            raise ValueError(f"item {item.key!r}: value {answered[bad][0]!r} is not on the scale "
                             f"{item.scale_min}..{item.scale_max}")
    return array


def recode(values: np.ndarray, items: Sequence[ItemSpec]) -> np.ndarray:
    """Reverse-key items marked `reverse`: x' = (min + max) - x; NaN stays NaN (§2.1)."""
    recoded = np.array(values, dtype=float, copy=True)
    for column, item in enumerate(items):
        if item.reverse:
            recoded[:, column] = item.scale_min + item.scale_max - recoded[:, column]
    return recoded


def role_columns(items: Sequence[ItemSpec], role: str) -> tuple[int, ...]:
    return tuple(i for i, item in enumerate(items) if item.role == role)


def common_scale(items: Sequence[ItemSpec], columns: Sequence[int]) -> tuple[int, int] | None:
    """The one (min, max) shared by `columns`, or None when they differ."""
    scales = {(items[c].scale_min, items[c].scale_max) for c in columns}
    return scales.pop() if len(scales) == 1 else None
