"""Interval and test primitives against scipy/statsmodels and published worked examples."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from assessments.scoring import bh_qvalues, hedges_g, newcombe, t_interval, welch, wilson

TIGHT = 1e-10  # same formula, different code: agreement to floating-point noise


def test_t_interval_matches_scipy() -> None:
    # given samples of several sizes
    rng = np.random.default_rng(1)
    for n in (2, 5, 30, 400):
        x = rng.normal(60, 15, n)
        # when the engine's interval is computed from mean, sd and n
        low, high = t_interval(x.mean(), x.std(ddof=1), n)
        # then it equals scipy's t.interval around the mean with the standard error
        ref = stats.t.interval(0.95, n - 1, loc=x.mean(), scale=stats.sem(x))
        assert (low, high) == pytest.approx(ref, abs=TIGHT)


def test_t_interval_is_undefined_for_one_respondent() -> None:
    # given n = 1 / when an interval is asked / then NaN (reported as None), no crash
    low, high = t_interval(50.0, np.nan, 1)
    assert np.isnan(low) and np.isnan(high)


@pytest.mark.parametrize(("x", "n", "low", "high"), [
    (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718),
])
def test_wilson_reproduces_newcombe_1998_and_statsmodels(x: int, n: int, low: float, high: float) -> None:
    """Published: Newcombe RG (1998) Two-sided confidence intervals for the single proportion,
    Stat Med 17:857–872, Table I, method 3 (score, no continuity correction), 4 decimals."""
    # given a count and n / when the Wilson interval is computed
    got = wilson(x, n)
    # then it matches the published values to their rounding (±5e-5) and statsmodels to 1e-10
    assert got == pytest.approx((low, high), abs=5e-5)
    assert got == pytest.approx(proportion_confint(x, n, alpha=0.05, method="wilson"), abs=TIGHT)


def test_wilson_matches_statsmodels_on_a_grid() -> None:
    # given every count for n = 1..40 and two confidence levels
    for level in (0.90, 0.95):
        for n in range(1, 41):
            x = np.arange(n + 1)
            # when computed vectorised / then equal to statsmodels
            low, high = wilson(x, np.full(n + 1, n), level)
            ref_low, ref_high = proportion_confint(x, n, alpha=1 - level, method="wilson")
            np.testing.assert_allclose(low, ref_low, rtol=0, atol=TIGHT)
            np.testing.assert_allclose(high, ref_high, rtol=0, atol=TIGHT)


@pytest.mark.parametrize(("x1", "n1", "x2", "n2", "low", "high"), [
    (56, 70, 48, 80, 0.0524, 0.3339), (9, 10, 3, 10, 0.1705, 0.8090),
])
def test_newcombe_reproduces_newcombe_1998_and_statsmodels(x1: int, n1: int, x2: int, n2: int, low: float,
                                                          high: float) -> None:
    """Published: Newcombe RG (1998) Interval estimation for the difference between independent
    proportions, Stat Med 17:873–890, Table II, method 10 (hybrid score), 4 decimals."""
    # given two independent proportions / when the Newcombe interval of p1 − p2 is computed
    diff, got_low, got_high = newcombe(x1, n1, x2, n2)
    # then it matches the paper (±5e-5) and statsmodels' method="newcomb" (1e-10)
    assert (got_low, got_high) == pytest.approx((low, high), abs=5e-5)
    ref = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    assert (got_low, got_high) == pytest.approx(ref, abs=TIGHT)
    assert diff == pytest.approx(x1 / n1 - x2 / n2, abs=TIGHT)


def test_newcombe_matches_statsmodels_on_random_counts() -> None:
    # given 200 random pairs of proportions including 0 and n
    rng = np.random.default_rng(2)
    n1, n2 = rng.integers(1, 60, 200), rng.integers(1, 60, 200)
    x1, x2 = rng.integers(0, n1 + 1), rng.integers(0, n2 + 1)
    # when computed vectorised / then each equals statsmodels
    _, low, high = newcombe(x1, n1, x2, n2)
    for i in range(200):
        ref = confint_proportions_2indep(x1[i], n1[i], x2[i], n2[i], method="newcomb", compare="diff")
        assert (low[i], high[i]) == pytest.approx(ref, abs=TIGHT)


def test_welch_matches_scipy_ttest_ind_and_its_interval() -> None:
    # given pairs of samples with unequal sizes and variances
    rng = np.random.default_rng(3)
    for n_a, n_b in ((5, 9), (30, 12), (200, 350)):
        a, b = rng.normal(62, 10, n_a), rng.normal(58, 20, n_b)
        # when the engine compares summary statistics
        w = welch(a.mean(), a.var(ddof=1), n_a, b.mean(), b.var(ddof=1), n_b)
        # then t, p, df and the 95% interval equal scipy's Welch test
        ref = stats.ttest_ind(a, b, equal_var=False)
        ci = ref.confidence_interval(0.95)
        assert float(w.t) == pytest.approx(ref.statistic, abs=TIGHT)
        assert float(w.p) == pytest.approx(ref.pvalue, abs=TIGHT)
        assert float(w.df) == pytest.approx(ref.df, abs=1e-8)
        assert (float(w.low), float(w.high)) == pytest.approx((ci.low, ci.high), abs=1e-9)


def test_welch_without_variance_gives_no_test() -> None:
    # given two groups with identical answers (zero variance) / when compared
    w = welch(50.0, 0.0, 10, 50.0, 0.0, 10)
    # then there is no standard error, hence no p-value or interval (NaN → None later)
    assert np.isnan(w.p) and np.isnan(w.low) and np.isnan(w.high)


def test_hedges_g_reproduces_borenstein_2009_chapter_4() -> None:
    """Published: Borenstein, Hedges, Higgins & Rothstein (2009) Introduction to Meta-Analysis,
    ch. 4 worked example: means 103 vs 100, SD 5.5 vs 4.5, n 50 each → S_within 5.0249,
    d = 0.5970, J = 0.9923, g = 0.5924 (4 decimals)."""
    # given the book's summary data / when Hedges' g is computed
    g = hedges_g(103.0, 5.5**2, 50, 100.0, 4.5**2, 50)
    # then it matches the book to its rounding; d = g/J checks the uncorrected step
    assert float(g) == pytest.approx(0.5924, abs=5e-5)
    assert float(g) / (1 - 3 / (4 * 100 - 9)) == pytest.approx(0.5970, abs=5e-5)


def test_hedges_g_agrees_with_the_pooled_t_statistic() -> None:
    # given two samples / when g is computed
    rng = np.random.default_rng(4)
    a, b = rng.normal(1, 1, 23), rng.normal(0, 1.5, 31)
    g = hedges_g(a.mean(), a.var(ddof=1), 23, b.mean(), b.var(ddof=1), 31)
    # then d = t·√(1/n1 + 1/n2) with scipy's pooled (Student) t, times J = 1 − 3/(4·54 − 9)
    t = stats.ttest_ind(a, b, equal_var=True).statistic
    assert float(g) == pytest.approx(t * np.sqrt(1 / 23 + 1 / 31) * (1 - 3 / (4 * 54 - 9)), abs=TIGHT)


def test_bh_qvalues_match_scipy_false_discovery_control() -> None:
    # given p-values with ties, zeros and ones
    rng = np.random.default_rng(5)
    p = np.concatenate([rng.uniform(0, 1, 60), rng.uniform(0, 0.01, 20), [0.0, 1.0, 0.03, 0.03]])
    # when adjusted / then equal to scipy's Benjamini–Hochberg
    np.testing.assert_allclose(bh_qvalues(p), stats.false_discovery_control(p, method="bh"), rtol=0, atol=TIGHT)


def test_bh_leaves_missing_p_values_out_of_the_family() -> None:
    # given a grid with cells that have no test
    p = np.array([0.01, np.nan, 0.04, 0.03, np.nan])
    # when adjusted / then the family is the three real p-values
    q = bh_qvalues(p)
    np.testing.assert_allclose(q[[0, 2, 3]], stats.false_discovery_control([0.01, 0.04, 0.03]), atol=TIGHT)
    assert np.isnan(q[[1, 4]]).all()
