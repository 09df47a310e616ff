"""Reliability: alpha + Feldt interval, omega (one-factor ML), item–rest r, alpha-if-deleted."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.multivariate.factor import Factor

from assessments.scoring import cronbach_alpha, feldt_interval, omega_total, one_factor_loadings, reliability
from assessments.scoring.reliability import alpha_if_deleted, item_rest_correlations

from .reference_data import PINGOUIN_CRONBACH

POPULATION_LOADINGS = np.array([0.8, 0.7, 0.6, 0.5])


def simulate_congeneric(n: int, loadings: np.ndarray, seed: int) -> np.ndarray:
    """Standardised items x_i = λ_i·f + √(1 − λ_i²)·e_i with normal f and e."""
    rng = np.random.default_rng(seed)
    factor = rng.standard_normal(n)
    return factor[:, None] * loadings + rng.standard_normal((n, len(loadings))) * np.sqrt(1 - loadings**2)


def alpha_from_sums(x: np.ndarray) -> float:
    """Textbook form: k/(k−1)·(1 − Σ var(item)/var(total)), computed from the raw columns."""
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def test_alpha_and_feldt_interval_reproduce_the_pingouin_example() -> None:
    """Published: pingouin.cronbach_alpha docstring example on its `cronbach_alpha` data set
    (15 respondents × 10 items; pingouin states results were tested against R psych):
    alpha 0.591719, 95% Feldt CI [0.195, 0.84] (6 and 3 decimals)."""
    # given the data set / when alpha and its Feldt interval are computed
    alpha = cronbach_alpha(np.cov(PINGOUIN_CRONBACH, rowvar=False))
    low, high = feldt_interval(alpha, 15, 10)
    # then they match the published values to their rounding
    assert alpha == pytest.approx(0.591719, abs=5e-7)
    assert (low, high) == pytest.approx((0.195, 0.840), abs=5e-4)


def test_alpha_reproduces_the_psych_value_quoted_in_precis() -> None:
    """Published: the 8 × 4 example in the `precis` package's tests, whose comment says the
    alpha 0.409 (3 decimals) comes from R's psych package."""
    # given the 8 × 4 answers / when alpha is computed / then 0.409 to its rounding
    x = np.array([[3, 4, 3, 3], [5, 4, 4, 3], [1, 3, 4, 5], [4, 5, 4, 2],
                  [1, 3, 4, 1], [3, 3, 3, 1], [3, 4, 5, 1], [1, 2, 1, 3]], dtype=float)
    assert cronbach_alpha(np.cov(x, rowvar=False)) == pytest.approx(0.409, abs=5e-4)


def test_alpha_item_rest_and_alpha_if_deleted_match_brute_force() -> None:
    # given simulated 1–7 answers
    rng = np.random.default_rng(7)
    x = np.clip(np.round(4 + simulate_congeneric(120, np.array([0.8, 0.6, 0.5, 0.3, 0.7]), 7) * 1.4
                         + rng.normal(0, 0.3, (120, 5))), 1, 7)
    cov = np.cov(x, rowvar=False)
    # when computed from the covariance matrix
    # then alpha equals the variance-of-sums formula, item–rest r equals np.corrcoef(item, sum of the
    # others), and alpha-if-deleted equals alpha recomputed without the column (1e-12)
    assert cronbach_alpha(cov) == pytest.approx(alpha_from_sums(x), abs=1e-12)
    for i in range(5):
        rest = np.delete(x, i, axis=1)
        assert item_rest_correlations(cov)[i] == pytest.approx(np.corrcoef(x[:, i], rest.sum(axis=1))[0, 1], abs=1e-12)
        assert alpha_if_deleted(cov)[i] == pytest.approx(alpha_from_sums(rest), abs=1e-12)


def test_feldt_interval_has_its_nominal_coverage_for_parallel_items() -> None:
    """Independent check by simulation (no published number): for parallel normal items,
    (1 − α)/(1 − α̂) ~ F(n−1, (n−1)(k−1)) exactly (Feldt 1965), so the 95% interval must
    cover the population alpha in 95% of samples. 4000 samples of n = 30, k = 4, λ² = .4:
    population alpha = kρ/(1 + (k−1)ρ) = 1.6/2.2. Tolerance ±0.011 ≈ 3.2 Monte Carlo SE."""
    # given many samples from a population with known alpha
    k, n, sims, loading = 4, 30, 4000, np.sqrt(0.4)
    true_alpha = k * 0.4 / (1 + (k - 1) * 0.4)
    rng = np.random.default_rng(11)
    data = rng.standard_normal((sims, n, 1)) * loading + rng.standard_normal((sims, n, k)) * np.sqrt(1 - loading**2)
    centred = data - data.mean(axis=1, keepdims=True)
    covs = np.einsum("sni,snj->sij", centred, centred) / (n - 1)
    # when each sample's Feldt interval is computed
    covered = [low <= true_alpha <= high for low, high in (feldt_interval(cronbach_alpha(c), n, k) for c in covs)]
    # then the coverage is 95%
    assert np.mean(covered) == pytest.approx(0.95, abs=0.011)


def test_one_factor_fit_recovers_population_loadings_exactly() -> None:
    """Independent check: fed the population correlation matrix ΛΛᵀ + Ψ of the loadings
    .8/.7/.6/.5 (measurement-science.md §3.2), ML must return those loadings, and omega
    (Σλ)²/((Σλ)² + Σ(1−λ²)) = 2.6²/(2.6² + 2.26) = 0.749446…"""
    # given the population matrix / when fitted
    corr = np.outer(POPULATION_LOADINGS, POPULATION_LOADINGS)
    np.fill_diagonal(corr, 1.0)
    # then loadings and omega are recovered (1e-6: optimiser tolerance)
    np.testing.assert_allclose(one_factor_loadings(corr), POPULATION_LOADINGS, rtol=0, atol=1e-6)
    assert omega_total(corr) == pytest.approx(6.76 / (6.76 + 2.26), abs=1e-6)


def test_one_factor_loadings_match_statsmodels_ml() -> None:
    """Independent implementation: statsmodels.multivariate.factor.Factor(method="ml").
    Tolerance 1e-5: two optimisers with different stopping rules."""
    for seed, loadings in ((1, POPULATION_LOADINGS), (2, np.array([0.9, 0.4, 0.6, 0.75, 0.3, 0.55]))):
        # given a simulated sample
        x = simulate_congeneric(800, loadings, seed)
        # when both fit one factor / then the loadings agree
        ours = one_factor_loadings(np.corrcoef(x, rowvar=False))
        theirs = Factor(x, n_factor=1, method="ml").fit().loadings.ravel()
        theirs = theirs if theirs.sum() > 0 else -theirs
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-5)


def test_omega_of_a_large_simulated_sample_is_close_to_the_population_value() -> None:
    # given 200,000 simulated respondents with loadings .8/.7/.6/.5 (true omega 0.7494)
    x = simulate_congeneric(200_000, POPULATION_LOADINGS, 3)
    # when reliability is computed / then omega is within 0.005 (SE at this n is about 0.001)
    result = reliability(x)
    assert result.omega == pytest.approx(0.749446, abs=0.005)
    assert result.alpha is not None and result.alpha < result.omega  # congeneric items: alpha underestimates


def test_reliability_needs_enough_complete_respondents() -> None:
    # given 49 complete respondents and some with a missing answer
    x = simulate_congeneric(60, POPULATION_LOADINGS, 4)
    x[:11, 0] = np.nan
    # when computed with the default minimum of 50 / then no estimate, with the reason
    result = reliability(x)
    assert result.alpha is None and result.n == 49 and "too_few_respondents" in result.flags
    assert "50" in (result.reason or "")


def test_reliability_of_one_item_is_not_estimable() -> None:
    result = reliability(simulate_congeneric(100, np.array([0.7]), 5))
    assert result.alpha is None and result.flags == ("too_few_items",)


def test_zero_variance_gives_no_alpha_and_says_why() -> None:
    # given everybody answering 4 on every item / when computed
    result = reliability(np.full((80, 4), 4.0))
    # then alpha is None with a reason, not NaN
    assert result.alpha is None and result.omega is None and result.flags == ("zero_variance",)
    assert result.reason and "variance" in result.reason


def test_two_items_give_alpha_but_no_omega() -> None:
    # given a 2-item scale / when computed / then alpha exists; a 1-factor model of 2 items is not identified
    result = reliability(simulate_congeneric(200, np.array([0.8, 0.7]), 6))
    assert result.alpha is not None and result.omega is None
    assert result.alpha_if_deleted == (None, None)


def test_flags_for_low_and_redundant_alpha() -> None:
    # given weak items and near-duplicate items
    weak = reliability(simulate_congeneric(500, np.array([0.3, 0.3, 0.3, 0.3]), 8))
    rng = np.random.default_rng(9)
    base = rng.standard_normal(500)
    duplicate = reliability(base[:, None] + rng.normal(0, 0.05, (500, 4)))
    # when flagged / then below .70 and above .95 are reported
    assert "below_0.70" in weak.flags and "above_0.95" in duplicate.flags
