"""assessments.scoring.reciprocal: blind spots and the managers' average gap (issue 11), checked by hand and scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from assessments.scoring.groups import unit_membership
from assessments.scoring.reciprocal import IN_LINE, OVERESTIMATE, UNDERESTIMATE, average_gaps, blind_spot, figures, gap_figures, shifted_gap

ACTUAL = {"n": 20, "mean_pomp": 50.0, "ci_low_pomp": 44.0, "ci_high_pomp": 56.0}


@pytest.mark.parametrize(("prediction", "label"), [(80, OVERESTIMATE), (56, IN_LINE), (57, OVERESTIMATE),
                                                   (44, IN_LINE), (43, UNDERESTIMATE), (50, IN_LINE)])
def test_a_blind_spot_is_a_gap_beyond_the_half_width_of_the_teams_interval(prediction, label) -> None:
    # given a team mean of 50 (44–56, n = 20) / when a manager predicted `prediction`
    spot = blind_spot("empathy", prediction, ACTUAL)
    # then the gap is prediction − actual, its MDC the interval's half-width (6), labelled beyond it only
    assert spot.gap == pytest.approx(prediction - 50) and spot.mdc95 == pytest.approx(6)
    assert spot.label == label and spot.n == 20


def test_no_blind_spot_without_a_published_actual() -> None:
    # given a hidden team (no mean) / then there is nothing to compare
    assert blind_spot("empathy", 80, {"n": None, "mean_pomp": None}) is None


def test_the_average_gap_across_managers_is_a_t_interval_over_their_gaps() -> None:
    # given five managers' empathy predictions against their teams' means
    gaps = [12.0, 20.0, 4.0, 15.0, 9.0]
    spots = [blind_spot("empathy", 50 + g, ACTUAL) for g in gaps]
    # when averaged
    avg = average_gaps(spots)["empathy"]
    # then it equals scipy's one-sample t-interval, with the count of blind spots (gap > 6)
    low, high = stats.t.interval(0.95, 4, loc=np.mean(gaps), scale=stats.sem(gaps))
    assert (avg.n, avg.mean) == (5, pytest.approx(12.0))
    assert (avg.low, avg.high) == pytest.approx((low, high))
    assert avg.n_over == 4 and avg.n_under == 0 and avg.verdict == "up"
    # and a measure nobody predicted has n = 0 and no figure
    assert average_gaps(spots)["competence"].n == 0 and average_gaps(spots)["competence"].mean is None


def test_a_paired_gap_equals_scipys_paired_t_interval_per_group() -> None:
    # given felt and upward scores of 6 people in two units
    felt = {"trust_index": np.array([40.0, 50, 45, 70, 65, 60])}
    up = {"trust_index": np.array([60.0, 68, 66, 72, 60, 75])}
    membership = unit_membership(["A", "A", "A", "B", "B", "B"])
    # when the gap figures are computed
    out = gap_figures(felt, up, membership)
    # then each unit's gap interval is scipy's ttest_rel interval, and the organisation's pools both
    for label, rows in (("A", slice(0, 3)), ("B", slice(3, 6)), ("", slice(0, 6))):
        ci = stats.ttest_rel(felt["trust_index"][rows], up["trust_index"][rows]).confidence_interval(0.95)
        row = out[label]["trust_index"]
        assert (row["ci_low_pomp"], row["ci_high_pomp"]) == pytest.approx((ci.low, ci.high))
    assert out["A"]["trust_index"]["verdict"] == "down"  # 40/50/45 vs 60/68/66: clearly below


def test_one_rating_has_no_interval_and_the_mutuality_gap_shifts_the_teams_interval() -> None:
    # given one manager's rating (70) and a team's upward figure 60 (55–65)
    one = figures({"trust_index": np.array([70.0])}, unit_mutual := unit_membership(["A"]))
    assert one["A"]["trust_index"]["n"] == 1 and one["A"]["trust_index"]["ci_low_pomp"] is None
    gap = shifted_gap({"n": 30, "mean_pomp": 60.0, "ci_low_pomp": 55.0, "ci_high_pomp": 65.0}, 70.0)
    # then the gap is −10 (−15 to −5): the team trusts the leadership less than the manager trusts the team
    assert (gap["mean_pomp"], gap["ci_low_pomp"], gap["ci_high_pomp"], gap["verdict"]) == (-10, -15, -5, "down")
    assert unit_mutual.labels == ("", "A")
