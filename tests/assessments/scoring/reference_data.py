"""Published data sets used by the scoring tests (data only; sources in each docstring)."""

from __future__ import annotations

import numpy as np

from assessments.scoring import DIMENSIONS, ItemSpec

# pingouin's `cronbach_alpha` data set (pingouin/datasets/cronbach_alpha.csv, long format
# Subj/Items/Scores), here wide: 15 respondents (rows) × items Q1..Q10 (columns). The
# pingouin documentation (`pingouin.cronbach_alpha` docstring example, "tested against the
# R package psych") prints alpha = 0.591719 with Feldt 95% CI [0.195, 0.84].
PINGOUIN_CRONBACH = np.array([
    [3, 5, 7, 2, 6, 1, 4, 2, 6, 5, 4, 4, 5, 6, 4],
    [2, 4, 3, 4, 5, 2, 3, 4, 5, 4, 3, 2, 5, 5, 3],
    [4, 6, 5, 3, 6, 3, 5, 4, 5, 6, 5, 3, 6, 5, 5],
    [1, 3, 5, 3, 5, 4, 3, 3, 5, 4, 2, 2, 2, 4, 5],
    [4, 5, 6, 2, 4, 2, 5, 7, 1, 3, 5, 5, 3, 2, 3],
    [5, 1, 4, 2, 4, 5, 2, 2, 6, 5, 3, 3, 3, 2, 1],
    [1, 2, 3, 2, 4, 2, 1, 2, 5, 3, 2, 4, 2, 1, 3],
    [4, 5, 3, 6, 6, 3, 2, 4, 2, 1, 3, 2, 4, 4, 2],
    [3, 5, 6, 6, 7, 5, 4, 6, 3, 7, 4, 3, 4, 6, 3],
    [2, 5, 5, 3, 5, 2, 3, 5, 2, 2, 1, 4, 5, 5, 4],
], dtype=float).T

# R's `attitude` data set (Chatterjee & Price, "Regression Analysis by Example"): 30
# departments; columns rating, complaints, privileges, learning, raises, critical, advance.
# Published general dominance (R package dominanceanalysis README, `averageContribution`
# of lm(rating ~ ., attitude)): complaints 0.371, privileges 0.051, learning 0.156,
# raises 0.120, critical 0.007, advance 0.028 (3 decimals); full-model R² 0.733.
ATTITUDE = np.array([
    [43, 51, 30, 39, 61, 92, 45], [63, 64, 51, 54, 63, 73, 47], [71, 70, 68, 69, 76, 86, 48],
    [61, 63, 45, 47, 54, 84, 35], [81, 78, 56, 66, 71, 83, 47], [43, 55, 49, 44, 54, 49, 34],
    [58, 67, 42, 56, 66, 68, 35], [71, 75, 50, 55, 70, 66, 41], [72, 82, 72, 67, 71, 83, 31],
    [67, 61, 45, 47, 62, 80, 41], [64, 53, 53, 58, 58, 67, 34], [67, 60, 47, 39, 59, 74, 41],
    [69, 62, 57, 42, 55, 63, 25], [68, 83, 83, 45, 59, 77, 35], [77, 77, 54, 72, 79, 77, 46],
    [81, 90, 50, 72, 60, 54, 36], [74, 85, 64, 69, 79, 79, 63], [65, 60, 65, 75, 55, 80, 60],
    [65, 70, 46, 57, 75, 85, 46], [50, 58, 68, 54, 64, 78, 52], [50, 40, 33, 34, 43, 64, 33],
    [64, 61, 52, 62, 66, 80, 41], [53, 66, 52, 50, 63, 80, 37], [40, 37, 42, 58, 50, 57, 49],
    [63, 54, 42, 48, 66, 75, 33], [66, 77, 66, 63, 88, 76, 72], [78, 75, 58, 74, 80, 78, 49],
    [48, 57, 44, 45, 51, 83, 38], [85, 85, 71, 71, 77, 74, 55], [82, 82, 39, 59, 64, 78, 39],
], dtype=float)


def instrument(per_dimension: int = 4, reverse: tuple[str, ...] = ()) -> list[ItemSpec]:
    """Four dimensions × `per_dimension` items on 1–7, one global trust item, two intention items."""
    items = [ItemSpec(f"{d}_{i}", d, reverse=f"{d}_{i}" in reverse) for d in DIMENSIONS for i in range(per_dimension)]
    return [*items, ItemSpec("global", "global_trust"), ItemSpec("intention_0", "intention"),
            ItemSpec("intention_1", "intention")]


def responses(n: int, items: list[ItemSpec], *, seed: int = 0, dont_know: float = 0.05) -> np.ndarray:
    """One-factor simulated answers on each item's scale with a share of don't know (NaN)."""
    rng = np.random.default_rng(seed)
    latent = rng.standard_normal(n)
    values = np.column_stack([
        np.clip(np.round((item.scale_min + item.scale_max) / 2 + 0.5 + 1.2 * latent + rng.standard_normal(n)),
                item.scale_min, item.scale_max) for item in items])
    values[rng.random(values.shape) < dont_know] = np.nan
    return values
