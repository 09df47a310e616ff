"""Reliability of one dimension's items (measurement-science.md §3.1–3.2).

Missing data: listwise deletion within the dimension (respondents who answered every
item of it), as pingouin/psych do with `use="complete.obs"`; one n is needed for the
Feldt interval. Minimum n: 50 complete respondents (§3.2 Rec: "compute α and ω per
dimension per wave only when n ≥ 50"), and k ≥ 2 items; otherwise no estimate, with
the reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy import optimize, stats

from .jsonsafe import clean, number, numbers

MIN_N = 50
LOW_ALPHA = 0.70
HIGH_ALPHA = 0.95


@dataclass(frozen=True)
class Reliability:
    """Reliability figures for one item set; None means "not estimable" (see `reason`).

    flags: "below_0.70" (alpha < .70), "above_0.95" (alpha > .95, redundant items),
    "too_few_respondents", "too_few_items", "zero_variance".
    """

    n: int
    k: int
    alpha: float | None = None
    alpha_ci_low: float | None = None
    alpha_ci_high: float | None = None
    omega: float | None = None
    item_rest: tuple[float | None, ...] = ()
    alpha_if_deleted: tuple[float | None, ...] = ()
    flags: tuple[str, ...] = field(default=())
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return clean(asdict(self))


def cronbach_alpha(cov: np.ndarray) -> float:
    """α = k/(k−1)·(1 − tr(S)/1ᵀS1) [26]; NaN when the total score has no variance."""
    k = cov.shape[0]
    total = cov.sum()
    if k < 2 or not total > 0:
        return float("nan")
    return k / (k - 1) * (1 - np.trace(cov) / total)


def feldt_interval(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt: with df1 = n−1, df2 = (n−1)(k−1), lower = 1 − (1−α)·F⁻¹(1−γ/2),
    upper = 1 − (1−α)·F⁻¹(γ/2) (Feldt, Woodruff & Salih 1987; pingouin) [26]."""
    df1, df2 = n - 1, (n - 1) * (k - 1)
    gamma = 1 - level
    lower = 1 - (1 - alpha) * stats.f.ppf(1 - gamma / 2, df1, df2)
    upper = 1 - (1 - alpha) * stats.f.ppf(gamma / 2, df1, df2)
    return float(lower), float(upper)


def item_rest_correlations(cov: np.ndarray) -> np.ndarray:
    """r(item i, sum of the other items) from S: cov(i, rest) = Σ_j S_ij − S_ii,
    var(rest) = 1ᵀS1 − 2Σ_j S_ij + S_ii [28]; NaN for a zero-variance item or rest."""
    row, diag, total = cov.sum(axis=1), np.diag(cov), cov.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (row - diag) / np.sqrt(diag * (total - 2 * row + diag))
    return np.where(np.isfinite(r), r, np.nan)


def alpha_if_deleted(cov: np.ndarray) -> np.ndarray:
    """Alpha of the remaining k−1 items for each deleted item; NaN when k − 1 < 2."""
    k = cov.shape[0]
    keep = ~np.eye(k, dtype=bool)
    return np.array([cronbach_alpha(cov[np.ix_(keep[i], keep[i])]) if k > 2 else np.nan for i in range(k)])


def one_factor_loadings(corr: np.ndarray) -> np.ndarray:
    """Maximum-likelihood one-factor loadings of a correlation matrix.

    Same algorithm as R's `factanal` (Lawley & Maxwell): for uniquenesses Ψ, the
    loadings are Ψ^½·v·√(max(e−1, 0)) with (e, v) the largest eigenpair of
    Ψ^−½ R Ψ^−½; Ψ minimises the concentrated ML discrepancy
    −Σ_{j>1}(log e_j − e_j) − 1 + k over [0.005, 1] (L-BFGS-B, deterministic start
    Ψ₀ = (1 − 0.5/k)/diag(R⁻¹)). Needs k ≥ 3 (a 1-factor model of 2 items is not
    identified).
    """
    k = corr.shape[0]
    start = np.clip((1 - 0.5 / k) / np.diag(np.linalg.pinv(corr)), 0.005, 1.0)

    def scaled(psi: np.ndarray) -> np.ndarray:
        s = 1 / np.sqrt(psi)
        return corr * np.outer(s, s)

    def loadings(psi: np.ndarray) -> np.ndarray:
        values, vectors = np.linalg.eigh(scaled(psi))
        return np.sqrt(psi) * vectors[:, -1] * np.sqrt(max(values[-1] - 1, 0.0))

    def discrepancy(psi: np.ndarray) -> float:
        rest = np.linalg.eigvalsh(scaled(psi))[:-1]
        return float(-np.sum(np.log(rest) - rest) - 1 + k)

    def gradient(psi: np.ndarray) -> np.ndarray:
        lam = loadings(psi)
        return (lam**2 + psi - np.diag(corr)) / psi**2

    fit = optimize.minimize(discrepancy, start, jac=gradient, method="L-BFGS-B",
                            bounds=[(0.005, 1.0)] * k, options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 1000})
    lam = loadings(fit.x)
    return lam if lam.sum() >= 0 else -lam


def omega_total(corr: np.ndarray) -> float:
    """McDonald's ω_total on standardised items: (Σλ)² / ((Σλ)² + Σ(1 − λ²)) [27]."""
    lam = one_factor_loadings(corr)
    common = lam.sum() ** 2
    return float(common / (common + np.sum(1 - lam**2)))


def reliability(block: np.ndarray, *, min_n: int = MIN_N, level: float = 0.95) -> Reliability:
    """Alpha with Feldt interval, omega, item–rest r and alpha-if-deleted for one item set.

    `block` is respondents × items (recoded, NaN = missing); rows with any NaN are dropped.
    """
    complete = block[~np.isnan(block).any(axis=1)]
    n, k = complete.shape
    if k < 2:
        return Reliability(n, k, flags=("too_few_items",), reason="reliability needs at least 2 items")
    if n < min_n:
        return Reliability(n, k, flags=("too_few_respondents",),
                           reason=f"reliability needs at least {min_n} respondents who answered every item")
    cov = np.cov(complete, rowvar=False)
    alpha = cronbach_alpha(cov)
    if np.isnan(alpha):
        return Reliability(n, k, flags=("zero_variance",), reason="the items' total score has no variance")
    low, high = feldt_interval(alpha, n, k, level)
    return Reliability(
        n, k, alpha=number(alpha), alpha_ci_low=number(low), alpha_ci_high=number(high),
        omega=number(_omega_or_nan(cov)),
        item_rest=numbers(item_rest_correlations(cov)), alpha_if_deleted=numbers(alpha_if_deleted(cov)),
        flags=tuple(f for f, on in (("below_0.70", alpha < LOW_ALPHA), ("above_0.95", alpha > HIGH_ALPHA)) if on),
    )


def _omega_or_nan(cov: np.ndarray) -> float:
    """Omega from a covariance matrix; NaN with < 3 items or a zero-variance item."""
    sd = np.sqrt(np.diag(cov))
    if cov.shape[0] < 3 or not (sd > 0).all():
        return float("nan")
    return omega_total(cov / np.outer(sd, sd))
