"""Key drivers: exact general dominance (Shapley R²) and its bootstrap."""

from __future__ import annotations

import json
from itertools import permutations

import numpy as np
import pytest

from assessments.scoring import dominance_analysis, general_dominance
from assessments.scoring.drivers import bootstrap_covariances

from .reference_data import ATTITUDE

NAMES = ("competence", "reliability", "integrity", "empathy")


def r_squared_lstsq(x: np.ndarray, y: np.ndarray, columns: tuple[int, ...]) -> float:
    """OLS with intercept by numpy.linalg.lstsq on the raw data: the slow reference."""
    design = np.column_stack([np.ones(len(y)), x[:, list(columns)]])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ beta
    return 1 - residual @ residual / ((y - y.mean()) @ (y - y.mean()))


def shapley_by_orderings(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Average marginal R² gain of each predictor over all p! entry orders (a different route
    to the same Shapley value than the subset-weight formula used by the engine)."""
    p = x.shape[1]
    gains = np.zeros(p)
    orders = list(permutations(range(p)))
    for order in orders:
        for position, j in enumerate(order):
            before = tuple(sorted(order[:position]))
            gains[j] += r_squared_lstsq(x, y, (*before, j)) - (r_squared_lstsq(x, y, before) if before else 0.0)
    return gains / len(orders)


def test_general_dominance_reproduces_the_published_attitude_example() -> None:
    """Published: R package dominanceanalysis README, lm(rating ~ ., attitude): average
    contributions complaints .371, privileges .051, learning .156, raises .120, critical .007,
    advance .028, full R² .733 (3 decimals) — 6 predictors, 63 sub-models."""
    # given the attitude data / when general dominance is computed from the covariance matrix
    y, x = ATTITUDE[:, 0], ATTITUDE[:, 1:]
    weights = general_dominance(np.cov(np.column_stack([x, y]), rowvar=False))
    # then the published values are reproduced to their rounding
    np.testing.assert_allclose(weights, [0.371, 0.051, 0.156, 0.120, 0.007, 0.028], rtol=0, atol=5e-4)
    assert weights.sum() == pytest.approx(0.733, abs=5e-4)


def test_general_dominance_matches_brute_force_ols_over_all_orderings() -> None:
    # given four correlated predictors and an outcome
    rng = np.random.default_rng(51)
    x = rng.standard_normal((250, 4)) @ np.array([[1, .5, .3, .2], [0, 1, .4, .1], [0, 0, 1, .5], [0, 0, 0, 1]])
    y = x @ np.array([0.6, 0.3, 0.2, 0.05]) + rng.standard_normal(250)
    # when the engine decomposes R² from the covariance matrix
    weights = general_dominance(np.cov(np.column_stack([x, y]), rowvar=False))
    # then it equals the Shapley value from 4! orderings of lstsq fits, and sums to the full R²
    np.testing.assert_allclose(weights, shapley_by_orderings(x, y), rtol=0, atol=1e-10)
    assert weights.sum() == pytest.approx(r_squared_lstsq(x, y, (0, 1, 2, 3)), abs=1e-10)


def test_bootstrap_covariances_equal_np_cov_of_the_same_resamples() -> None:
    # given data and a seed
    rng = np.random.default_rng(52)
    data = rng.standard_normal((300, 5)) * [1, 2, 3, 4, 5] + 10
    # when 40 resamples are summarised by count-weighted moments
    covs = bootstrap_covariances(data, 40, seed=7)
    # then each equals np.cov of the rows drawn by the same generator (one block for this n)
    draws = np.random.default_rng(7).integers(0, 300, size=(40, 300), dtype=np.int32)
    for cov, rows in zip(covs, draws, strict=True):
        np.testing.assert_allclose(cov, np.cov(data[rows], rowvar=False), rtol=1e-10, atol=1e-10)


def simulated(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    trust = rng.standard_normal(n)
    x = 60 + 15 * (0.7 * trust[:, None] + 0.7 * rng.standard_normal((n, 4)))
    return x, 60 + 15 * (0.8 * trust + 0.1 * (x[:, 3] - 60) / 15 + 0.5 * rng.standard_normal(n))


def test_dominance_analysis_is_reproducible_and_brackets_its_estimate() -> None:
    # given 1,000 respondents
    x, y = simulated(1000, 53)
    # when analysed twice with one seed and once with another
    first = dominance_analysis(x, y, names=NAMES, outcome_name="global_trust", resamples=300, seed=1)
    again = dominance_analysis(x, y, names=NAMES, outcome_name="global_trust", resamples=300, seed=1)
    other = dominance_analysis(x, y, names=NAMES, outcome_name="global_trust", resamples=300, seed=2)
    # then one seed gives identical intervals, another seed different ones
    assert first == again and first.ci_low != other.ci_low
    # and every percentile interval contains its point estimate; weights sum to R²
    for w, low, high in zip(first.weights, first.ci_low, first.ci_high, strict=True):
        assert low <= w <= high
    assert sum(first.weights) == pytest.approx(first.r_squared, abs=1e-12)
    assert sum(first.shares) == pytest.approx(1.0, abs=1e-12)


def test_too_few_respondents_give_not_enough_data() -> None:
    # given 99 complete respondents (minimum 100) / when analysed
    x, y = simulated(120, 54)
    x[:21, 0] = np.nan
    result = dominance_analysis(x, y, names=NAMES, outcome_name="global_trust")
    # then no weights, a reason, and JSON-safe output
    assert result.n == 99 and result.weights == () and "100" in (result.reason or "")
    json.dumps(result.to_dict(), allow_nan=False)


def test_a_constant_predictor_gets_zero_weight() -> None:
    # given one predictor that never varies / when analysed / then it explains nothing; no crash
    x, y = simulated(400, 55)
    x[:, 2] = 50.0
    result = dominance_analysis(x, y, names=NAMES, outcome_name="global_trust", resamples=50)
    assert result.weights[2] == pytest.approx(0.0, abs=1e-12)
    json.dumps(result.to_dict(), allow_nan=False)


def test_without_resamples_there_are_weights_but_no_intervals() -> None:
    x, y = simulated(200, 56)
    result = dominance_analysis(x, y, names=NAMES, outcome_name="global_trust", resamples=0)
    assert all(w is not None for w in result.weights) and result.ci_low == (None,) * 4
    json.dumps(result.to_dict(), allow_nan=False)
