"""Key drivers: exact general dominance (Shapley decomposition of R²) with a percentile
bootstrap (measurement-science.md §3.8).

GD_j = Σ_{S ⊆ P∖{j}} |S|!(p−|S|−1)!/p! · [R²(S ∪ {j}) − R²(S)]; the GD_j sum to the
full-model R². R² of every subset comes from the covariance matrix,
R²(S) = s_Syᵀ S_SS⁺ s_Sy / s_yy (pseudo-inverse, so a constant predictor adds 0), so
a bootstrap resample costs one weighted cross-product, not 2^p − 1 OLS fits.
Minimum n = 100 complete respondents (§8.10: org level, n ≥ 100); below that the
result says "not enough data" instead of giving unstable rankings. Complete cases are
sorted into a canonical order before resampling, so the same respondents in another row
order give the same intervals for the same seed.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from math import factorial
from typing import Any

import numpy as np

from .jsonsafe import clean, number, numbers

MIN_N = 100
RESAMPLES = 500
_BLOCK_CELLS = 4_000_000  # resample-count matrix cells per block (32 MB of float64)


@dataclass(frozen=True)
class Drivers:
    """General dominance weights of `predictors` for `outcome`, with bootstrap intervals.

    weights sum to r_squared; shares are weights / r_squared (proportions).
    """

    outcome: str
    predictors: tuple[str, ...]
    n: int
    r_squared: float | None = None
    r_squared_ci_low: float | None = None
    r_squared_ci_high: float | None = None
    weights: tuple[float | None, ...] = ()
    ci_low: tuple[float | None, ...] = ()
    ci_high: tuple[float | None, ...] = ()
    shares: tuple[float | None, ...] = ()
    resamples: int = 0
    seed: int | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        per_predictor = {
            name: {"weight": w, "ci_low": lo, "ci_high": hi, "share": s}
            for name, w, lo, hi, s in zip(self.predictors, self.weights, self.ci_low, self.ci_high, self.shares,
                                          strict=True)
        } if self.weights else {}
        return clean({"outcome": self.outcome, "n": self.n, "r_squared": self.r_squared,
                      "r_squared_ci_low": self.r_squared_ci_low, "r_squared_ci_high": self.r_squared_ci_high,
                      "predictors": per_predictor, "method": "general dominance (exact Shapley R²)",
                      "resamples": self.resamples, "seed": self.seed, "reason": self.reason})


def subset_r_squared(cov: np.ndarray) -> np.ndarray:
    """R² of every predictor subset; `cov` is (..., p+1, p+1) with the outcome last.

    Returns (..., 2^p); entry `mask` is the subset whose bit j is set for predictor j.
    """
    p = cov.shape[-1] - 1
    out = np.zeros((*cov.shape[:-2], 2**p))
    with np.errstate(invalid="ignore", divide="ignore"):
        for mask in range(1, 2**p):
            cols = [j for j in range(p) if mask >> j & 1]
            sxx = cov[..., cols, :][..., :, cols]
            sxy = cov[..., cols, p]
            explained = np.einsum("...i,...ij,...j->...", sxy, np.linalg.pinv(sxx), sxy)
            out[..., mask] = explained / cov[..., p, p]
    return out


def shapley_matrix(p: int) -> np.ndarray:
    """(2^p × p) matrix M with general dominance = R²(subsets) @ M."""
    matrix = np.zeros((2**p, p))
    for j in range(p):
        for mask in range(2**p):
            if mask >> j & 1:
                continue
            size = bin(mask).count("1")
            weight = factorial(size) * factorial(p - size - 1) / factorial(p)
            matrix[mask | 1 << j, j] += weight
            matrix[mask, j] -= weight
    return matrix


def general_dominance(cov: np.ndarray) -> np.ndarray:
    """General dominance weights (..., p) from covariance matrices (..., p+1, p+1)."""
    p = cov.shape[-1] - 1
    return subset_r_squared(cov) @ shapley_matrix(p)


def dominance_analysis(predictors: np.ndarray, outcome: np.ndarray, *, names: Sequence[str],
                       outcome_name: str, resamples: int = RESAMPLES, seed: int = 0, min_n: int = MIN_N,
                       level: float = 0.95) -> Drivers:
    """Dominance analysis of `outcome` on the columns of `predictors` (complete cases)."""
    data = np.column_stack([predictors, outcome])
    data = data[~np.isnan(data).any(axis=1)]
    data = data[np.lexsort(data.T[::-1])]  # canonical row order: resamples do not depend on input order
    n, names = len(data), tuple(names)
    if n < min_n:
        return Drivers(outcome_name, names, n, reason=f"key drivers need at least {min_n} complete respondents")
    cov = np.cov(data, rowvar=False)
    if not cov[-1, -1] > 0:
        return Drivers(outcome_name, names, n, reason="the outcome has no variance")
    weights = general_dominance(cov)
    r2 = weights.sum()
    w_low, w_high, r2_low, r2_high = percentile_intervals(data, resamples, seed, level)
    return Drivers(outcome_name, names, n, number(r2), number(r2_low), number(r2_high), numbers(weights),
                   numbers(w_low), numbers(w_high), numbers(weights / r2 if r2 > 0 else weights * np.nan),
                   resamples, seed)


def percentile_intervals(data: np.ndarray, resamples: int, seed: int,
                         level: float) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Percentile bootstrap limits of each weight and of R² (NaN without resamples)."""
    p = data.shape[1] - 1
    if resamples < 1:
        return np.full(p, np.nan), np.full(p, np.nan), np.nan, np.nan
    boot_weights = general_dominance(bootstrap_covariances(data, resamples, seed))
    tails = [100 * (1 - level) / 2, 100 * (1 + level) / 2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (degenerate resamples) stay NaN
        w_low, w_high = np.nanpercentile(boot_weights, tails, axis=0)
        r2_low, r2_high = np.nanpercentile(boot_weights.sum(axis=1), tails)
    return w_low, w_high, float(r2_low), float(r2_high)


def bootstrap_covariances(data: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Covariance matrices of `resamples` nonparametric bootstrap resamples of the rows.

    Each resample is a row of counts (how often each respondent was drawn), so its
    moments are a matrix product: counts @ z and counts @ (z_i·z_j), z centred first.
    Seeded numpy Generator, blocks drawn in order → identical results for one seed.
    """
    rng = np.random.default_rng(seed)
    n, q = data.shape
    z = data - data.mean(axis=0)
    moments = np.hstack([z, (z[:, :, None] * z[:, None, :]).reshape(n, q * q)])
    block = max(1, _BLOCK_CELLS // n)
    out = []
    for start in range(0, resamples, block):
        size = min(block, resamples - start)
        draws = rng.integers(0, n, size=(size, n), dtype=np.int32)
        counts = np.empty((size, n))
        for row in range(size):
            counts[row] = np.bincount(draws[row], minlength=n)
        sums = counts @ moments / n
        first, second = sums[:, :q], sums[:, q:].reshape(size, q, q)
        out.append((second - first[:, :, None] * first[:, None, :]) * n / (n - 1))
    return np.concatenate(out) if out else np.empty((0, q, q))
