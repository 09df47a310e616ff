"""Differences between groups: wave change, unit vs rest (with BH), inside vs outside."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from assessments.scoring import compare_scores, inside_outside_gap, score_respondents, versus_rest
from assessments.scoring.change import rest_of, summary_of_scores, verdict

from .reference_data import instrument, responses


def test_difference_matches_scipy_welch_and_statsmodels_newcombe() -> None:
    # given two waves' POMP scores
    rng = np.random.default_rng(31)
    later, earlier = rng.normal(66, 18, 140), rng.normal(60, 22, 90)
    # when compared (later − earlier)
    d = compare_scores(later, earlier)
    # then the mean difference, interval and p are scipy's Welch test
    ref = stats.ttest_ind(later, earlier, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert d.diff == pytest.approx(later.mean() - earlier.mean(), abs=1e-10)
    assert (d.ci_low, d.ci_high, d.p_value) == pytest.approx((ci.low, ci.high, ref.pvalue), abs=1e-9)
    # and the MDC is the interval's half-width, the MDD (z.975 + z.80)·SE (§3.5)
    se = np.sqrt(later.var(ddof=1) / 140 + earlier.var(ddof=1) / 90)
    assert d.mdc95 == pytest.approx((ci.high - ci.low) / 2, abs=1e-9)
    assert d.mdd80 == pytest.approx((stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) * se, abs=1e-9)
    # and the change in % favourable (POMP > 50) has statsmodels' Newcombe interval, in points
    fav_a, fav_b = int((later > 50).sum()), int((earlier > 50).sum())
    low, high = confint_proportions_2indep(fav_a, 140, fav_b, 90, method="newcomb", compare="diff")
    assert (d.pct_favourable_diff_ci_low, d.pct_favourable_diff_ci_high) == pytest.approx((100 * low, 100 * high),
                                                                                          abs=1e-9)


def test_verdict_follows_the_interval() -> None:
    # given intervals above, below and around zero / then up, down, no clear change
    assert verdict(0.1, 4.0) == "up" and verdict(-4.0, -0.1) == "down"
    assert verdict(-1.0, 3.0) == "no_clear_change" and verdict(None, None) == "no_clear_change"


@given(st.floats(-20, 20), st.integers(3, 40), st.integers(3, 40), st.integers(0, 10_000))
def test_a_change_is_called_only_when_it_exceeds_the_minimum_detectable_change(shift: float, n_a: int, n_b: int,
                                                                               seed: int) -> None:
    # given two random samples
    rng = np.random.default_rng(seed)
    a, b = rng.normal(50 + shift, 15, n_a), rng.normal(50, 15, n_b)
    # when compared
    d = compare_scores(a, b)
    # then "up"/"down" exactly when |diff| exceeds the MDC, in the direction of the difference
    expected = "no_clear_change" if abs(d.diff) <= d.mdc95 else ("up" if d.diff > 0 else "down")
    assert d.verdict == expected


def test_one_respondent_per_group_gives_no_interval_and_no_crash() -> None:
    # given one respondent in each wave / when compared
    d = compare_scores(np.array([70.0]), np.array([40.0]))
    # then the difference exists, the uncertainty does not (None, not NaN), and no change is claimed
    assert d.diff == pytest.approx(30.0)
    assert d.ci_low is None and d.p_value is None and d.hedges_g is None and d.mdc95 is None
    assert d.verdict == "no_clear_change"


def test_rest_of_organisation_matches_the_complement_computed_directly() -> None:
    # given an organisation and one unit inside it
    rng = np.random.default_rng(32)
    everyone = rng.normal(55, 20, 300)
    unit = everyone[:45]
    # when the rest is derived from the two summaries
    rest = rest_of(summary_of_scores(everyone), summary_of_scores(unit))
    # then it equals the summary of the other 255 respondents
    direct = summary_of_scores(everyone[45:])
    assert [float(x) for x in rest] == pytest.approx([float(x) for x in direct], abs=1e-8)


def test_versus_rest_grid_uses_welch_per_cell_and_bh_over_the_grid() -> None:
    # given an organisation of 600 respondents in 5 disjoint units and 2 measures (one shifted unit)
    rng = np.random.default_rng(33)
    unit_of = rng.integers(0, 5, 600)
    measures = [rng.normal(55, 20, 600) + 12 * (unit_of == 0), rng.normal(60, 15, 600)]
    whole = [summary_of_scores(m) for m in measures]
    parts = [[summary_of_scores(m[unit_of == u]) for m in measures] for u in range(5)]
    # when each unit is compared with the rest
    grid = versus_rest(whole, parts, q=0.10)
    # then every cell is scipy's Welch test of the unit against the other units' respondents
    p_values = []
    for u in range(5):
        for j, m in enumerate(measures):
            ref = stats.ttest_ind(m[unit_of == u], m[unit_of != u], equal_var=False)
            assert grid[u][j].p_value == pytest.approx(ref.pvalue, abs=1e-9)
            p_values.append(ref.pvalue)
    # and the q-values are scipy's Benjamini–Hochberg over all 10 cells, significant when q ≤ .10
    q = stats.false_discovery_control(p_values, method="bh")
    flat = [cell for row in grid for cell in row]
    assert [c.q_value for c in flat] == pytest.approx(list(q), abs=1e-9)
    assert [c.significant for c in flat] == [bool(x <= 0.10) for x in q]
    assert grid[0][0].significant and grid[0][0].diff > 0


def test_inside_outside_gap_compares_the_same_measure_between_independent_groups() -> None:
    # given employees and customers answering the same four dimensions
    items = instrument()
    inside = score_respondents(responses(150, items, seed=41), items)
    outside = score_respondents(responses(120, items, seed=42), items)
    # when the gap is computed
    gap = inside_outside_gap(inside, outside)
    # then each measure is inside − outside with scipy's Welch interval
    for measure in ("competence", "empathy", "trust_index"):
        a, b = inside.pomp[measure], outside.pomp[measure]
        a, b = a[~np.isnan(a)], b[~np.isnan(b)]
        ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
        assert gap[measure].diff == pytest.approx(a.mean() - b.mean(), abs=1e-10)
        assert (gap[measure].ci_low, gap[measure].ci_high) == pytest.approx((ci.low, ci.high), abs=1e-9)
