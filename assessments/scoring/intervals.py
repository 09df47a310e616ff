"""Interval and test primitives, vectorised over numpy arrays (measurement-science.md §2.3, §3.4–3.6).

Every function accepts scalars or equal-shaped arrays and returns NaN where a figure is
not estimable (n too small, zero variance); callers turn NaN into None for output.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import stats

ArrayLike = float | np.ndarray


def _quantile(level: float) -> float:
    return float(stats.norm.ppf((1 + level) / 2))


def t_interval(mean: ArrayLike, sd: ArrayLike, n: ArrayLike, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """m ± t(1−γ/2, n−1)·s/√n; NaN when n < 2."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.where(n >= 2, n - 1, np.nan)
        half = stats.t.ppf((1 + level) / 2, df) * np.asarray(sd) / np.sqrt(n)
    return np.asarray(mean) - half, np.asarray(mean) + half


def wilson(successes: ArrayLike, n: ArrayLike, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval [29]: centre (p + z²/2n)/(1 + z²/n), half-width
    z/(1 + z²/n)·√(p(1−p)/n + z²/4n²). NaN when n = 0."""
    z = _quantile(level)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.asarray(successes, dtype=float) / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z / denominator * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def newcombe(x_a: ArrayLike, n_a: ArrayLike, x_b: ArrayLike, n_b: ArrayLike,
             level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Newcombe hybrid score interval (method 10) for p_a − p_b [30]:
    L = d − √((p_a − l_a)² + (u_b − p_b)²), U = d + √((u_a − p_a)² + (p_b − l_b)²)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        p_a = np.asarray(x_a, dtype=float) / np.asarray(n_a, dtype=float)
        p_b = np.asarray(x_b, dtype=float) / np.asarray(n_b, dtype=float)
    low_a, high_a = wilson(x_a, n_a, level)
    low_b, high_b = wilson(x_b, n_b, level)
    diff = p_a - p_b
    low = diff - np.sqrt((p_a - low_a) ** 2 + (high_b - p_b) ** 2)
    high = diff + np.sqrt((high_a - p_a) ** 2 + (p_b - low_b) ** 2)
    return diff, low, high


class Welch(NamedTuple):
    """Welch two-sample comparison of a − b."""

    diff: np.ndarray
    se: np.ndarray
    df: np.ndarray
    t: np.ndarray
    p: np.ndarray
    low: np.ndarray
    high: np.ndarray


def welch(mean_a: ArrayLike, var_a: ArrayLike, n_a: ArrayLike, mean_b: ArrayLike, var_b: ArrayLike,
          n_b: ArrayLike, level: float = 0.95) -> Welch:
    """t = (m_a − m_b)/√(s_a²/n_a + s_b²/n_b) with Welch–Satterthwaite df [31].

    NaN when a group has n < 2 (no variance) or both variances are zero (no
    standard error, so neither a test nor an interval exists).
    """
    n_a, n_b = np.asarray(n_a, dtype=float), np.asarray(n_b, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        part_a = np.where(n_a >= 2, np.asarray(var_a, dtype=float) / n_a, np.nan)
        part_b = np.where(n_b >= 2, np.asarray(var_b, dtype=float) / n_b, np.nan)
        se = np.sqrt(part_a + part_b)
        se = np.where(se > 0, se, np.nan)
        df = (part_a + part_b) ** 2 / (part_a**2 / (n_a - 1) + part_b**2 / (n_b - 1))
        diff = np.asarray(mean_a, dtype=float) - np.asarray(mean_b, dtype=float)
        t = diff / se
        p = 2 * stats.t.sf(np.abs(t), df)
        half = stats.t.ppf((1 + level) / 2, df) * se
    return Welch(diff, se, df, t, p, diff - half, diff + half)


def hedges_g(mean_a: ArrayLike, var_a: ArrayLike, n_a: ArrayLike, mean_b: ArrayLike, var_b: ArrayLike,
             n_b: ArrayLike) -> np.ndarray:
    """Hedges' g = d·J, d = (m_a − m_b)/s_pooled, s_pooled² = ((n_a−1)s_a² + (n_b−1)s_b²)/(n_a+n_b−2),
    J = 1 − 3/(4(n_a+n_b) − 9) (§3.5; Borenstein et al. 2009, ch. 4). NaN when s_pooled = 0."""
    n_a, n_b = np.asarray(n_a, dtype=float), np.asarray(n_b, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.sqrt(((n_a - 1) * np.asarray(var_a) + (n_b - 1) * np.asarray(var_b)) / (n_a + n_b - 2))
        pooled = np.where(pooled > 0, pooled, np.nan)
        d = (np.asarray(mean_a) - np.asarray(mean_b)) / pooled
        return d * (1 - 3 / (4 * (n_a + n_b) - 9))


def bh_qvalues(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q_(i) = min_{j≥i} m·p_(j)/j, capped at 1) [32].

    NaN entries are not part of the family and stay NaN.
    """
    p_values = np.asarray(p_values, dtype=float)
    q = np.full(p_values.shape, np.nan)
    present = ~np.isnan(p_values)
    m = int(present.sum())
    if m == 0:
        return q
    order = np.argsort(p_values[present])
    ranked = p_values[present][order] * m / np.arange(1, m + 1)
    adjusted = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    family = np.empty(m)
    family[order] = adjusted
    q[present] = family
    return q
