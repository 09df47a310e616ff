"""Respondent-level scores (measurement-science.md §2.2).

A dimension score is the mean of the answered items when at least ceil(2/3·k) of its
k items are answered, else missing. Everything is then put on the POMP 0-100 scale,
P = 100·(s − min)/(max − min). Trust Index = mean of the four dimension POMPs (needs
all four), How = mean(competence, reliability), Why = mean(integrity, empathy); equal
weights so the meaning of the index does not drift between waves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .items import DIMENSIONS, OUTCOMES, ItemSpec, common_scale, recode, role_columns, validate_responses

INDICES: Mapping[str, tuple[str, ...]] = {
    "trust_index": DIMENSIONS,
    "how": ("competence", "reliability"),
    "why": ("integrity", "empathy"),
}


@dataclass(frozen=True, eq=False)
class RespondentScores:
    """POMP scores per measure (one float per respondent, NaN = no valid score).

    `scales[m]` is the raw (min, max) of measure m, or None when its parts use
    different scales; `item_sets[m]` the item columns behind m.
    """

    pomp: Mapping[str, np.ndarray]
    scales: Mapping[str, tuple[int, int] | None]
    item_sets: Mapping[str, tuple[int, ...]]

    @property
    def n_respondents(self) -> int:
        return len(next(iter(self.pomp.values())))

    def raw(self, measure: str) -> np.ndarray | None:
        """Scores on the raw response scale (a linear map of POMP), if there is one."""
        scale = self.scales[measure]
        if scale is None:
            return None
        return scale[0] + self.pomp[measure] * (scale[1] - scale[0]) / 100

    def take(self, rows: np.ndarray) -> RespondentScores:
        """The same scores for a subset (or reordering) of respondents."""
        return RespondentScores({m: v[rows] for m, v in self.pomp.items()}, self.scales, self.item_sets)


def min_answered(k: int) -> int:
    """ceil(2/3·k) in integer arithmetic: 1→1, 2→2, 3→2, 4→3, 6→4."""
    return -(-2 * k // 3)


def dimension_score(block: np.ndarray) -> np.ndarray:
    """Mean of answered items per row when at least ceil(2/3·k) answered, else NaN."""
    answered = ~np.isnan(block)
    count = answered.sum(axis=1)
    total = np.where(answered, block, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    return np.where(count >= min_answered(block.shape[1]), mean, np.nan)


def pomp(score: np.ndarray, scale_min: float, scale_max: float) -> np.ndarray:
    """Percent of maximum possible: 100·(s − min)/(max − min) [22]."""
    return 100.0 * (np.asarray(score, dtype=float) - scale_min) / (scale_max - scale_min)


def score_respondents(values: np.ndarray, items: Sequence[ItemSpec]) -> RespondentScores:
    """Validate, recode and score every respondent (rows of `values`)."""
    return score_recoded(recode(validate_responses(values, items), items), items)


def score_recoded(recoded: np.ndarray, items: Sequence[ItemSpec]) -> RespondentScores:
    """Score already validated and recoded responses."""
    scores: dict[str, np.ndarray] = {}
    scales: dict[str, tuple[int, int] | None] = {}
    item_sets: dict[str, tuple[int, ...]] = {}
    for role in (*DIMENSIONS, *OUTCOMES):
        columns = role_columns(items, role)
        if not columns:
            if role in DIMENSIONS:
                raise ValueError(f"the instrument has no items for the dimension {role!r}")
            continue
        scale = common_scale(items, columns)
        if scale is None:
            raise ValueError(f"items of {role!r} must share one response scale")
        scores[role] = pomp(dimension_score(recoded[:, list(columns)]), *scale)
        scales[role], item_sets[role] = scale, columns
    for index, parts in INDICES.items():
        scores[index] = np.mean(np.column_stack([scores[p] for p in parts]), axis=1)
        scales[index] = scales[parts[0]] if len({scales[p] for p in parts}) == 1 else None
        item_sets[index] = tuple(c for p in parts for c in item_sets[p])
    return RespondentScores(scores, scales, item_sets)
