"""The engine end to end: JSON shape, suppression, waves, edge cases, invariance."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from assessments.scoring import DIMENSIONS, ItemSpec, ScoreResult, Settings, score_dataset

from .reference_data import instrument, responses
from .test_groups import assert_close

DIMENSION_KEYS = {"n", "mean", "mean_pomp", "sd", "ci_low", "ci_high", "pct_favourable", "alpha", "alpha_ci_low",
                  "alpha_ci_high", "omega"}
UNITS = ["Sales/North", "Sales/South", "Ops", "Ops/Plant A", "Finance"]
FAST = Settings(resamples=100)


def dataset(n: int = 600, seed: int = 0) -> tuple[np.ndarray, list[ItemSpec], list[str]]:
    items = instrument()
    rng = np.random.default_rng(seed)
    return responses(n, items, seed=seed), items, [UNITS[i] for i in rng.integers(0, len(UNITS), n)]


def assert_json_safe(obj: object) -> None:
    """No NaN or inf anywhere, and json.dumps accepts it with allow_nan=False."""
    json.dumps(obj, allow_nan=False)

    def walk(x: object) -> None:
        if isinstance(x, float):
            assert math.isfinite(x)
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        else:
            assert x is None or isinstance(x, (str, int, bool))
    walk(obj)


def test_to_dict_has_the_documented_json_shape() -> None:
    # given a dataset with units and waves
    values, items, units = dataset()
    waves = ["2024"] * 300 + ["2025"] * 300
    # when scored and turned into a dict
    out = score_dataset(values, items, units=units, waves=waves, settings=FAST).to_dict()
    # then the documented keys are there (issue 6: dimensions, trust_index, units, waves, drivers)
    assert set(out["dimensions"]) == set(DIMENSIONS)
    for figures in out["dimensions"].values():
        assert DIMENSION_KEYS <= set(figures)
        assert figures["ci_low"] < figures["mean"] < figures["ci_high"]
        assert figures["ci_low_pomp"] < figures["mean_pomp"] < figures["ci_high_pomp"]
    assert {"n", "mean_pomp", "ci_low_pomp", "ci_high_pomp"} <= set(out["trust_index"])
    assert out["units"]["Sales"]["suppressed"] is False and set(out["units"]["Sales"]["dimensions"]) == set(DIMENSIONS)
    assert set(out["waves"]) == {"2024", "2025"} and out["current_wave"] == "2025"
    assert out["waves"]["2025"]["change"]["trust_index"]["verdict"] in {"up", "down", "no_clear_change"}
    assert out["drivers"]["outcome"] == "global_trust" and set(out["drivers"]["predictors"]) == set(DIMENSIONS)
    assert_json_safe(out)


def test_current_wave_figures_describe_only_that_wave() -> None:
    # given two waves
    values, items, units = dataset()
    waves = ["spring"] * 250 + ["autumn"] * 350
    # when scored with an explicit order (autumn is current)
    result = score_dataset(values, items, units=units, waves=waves, wave_order=["spring", "autumn"], settings=FAST)
    # then the organisation figures are autumn's, and change runs from spring to autumn
    assert result.organisation.n_respondents == 350 and result.current_wave == "autumn"
    assert result.organisation.change_from == "spring"
    change = result.organisation.change["competence"]
    a = result.waves["autumn"].measures["competence"]
    b = result.waves["spring"].measures["competence"]
    assert change.diff == pytest.approx(a.mean_pomp - b.mean_pomp, abs=1e-10)
    assert result.units["Sales"].change is not None and result.units["Sales"].change_from == "spring"


def test_unknown_wave_labels_are_rejected() -> None:
    values, items, _ = dataset(20)
    with pytest.raises(ValueError, match="wave_order"):
        score_dataset(values, items, waves=["a"] * 10 + ["b"] * 10, wave_order=["a"], settings=FAST)


def test_suppressed_units_carry_no_figures_and_leave_the_fdr_family() -> None:
    # given a suppression rule (from the disclosure package, here a stand-in) hiding small units
    values, items, units = dataset(400)
    units[:3] = ["Tiny"] * 3

    def hide_small(sizes: dict[str, int]) -> set[str]:
        return {path for path, n in sizes.items() if n < 5} | {"Finance"}

    # when scored
    result = score_dataset(values, items, units=units, suppress=hide_small, settings=FAST)
    out = result.to_dict()
    # then hidden units are exactly {"suppressed": true}
    assert out["units"]["Tiny"] == {"suppressed": True} and out["units"]["Finance"] == {"suppressed": True}
    # and the heatmap's q-values are BH over the published cells only
    shown = [u for u in result.units.values() if not u.suppressed]
    cells = [cell for u in shown for cell in u.versus_rest.values()]
    q = stats.false_discovery_control([c.p_value for c in cells], method="bh")
    assert [c.q_value for c in cells] == pytest.approx(list(q), abs=1e-12)


def test_a_suppressed_organisation_hides_everything() -> None:
    values, items, _ = dataset(4)
    out = score_dataset(values, items, suppress={""}, settings=FAST).to_dict()
    assert out["suppressed"] is True and out["drivers"] is None and "dimensions" not in out


def test_response_rates_sum_invited_people_over_subtrees() -> None:
    # given invitations counted where people sit
    values, items, units = dataset(300)
    invited = {"Sales/North": 100, "Sales/South": 80, "Ops": 50, "Ops/Plant A": 70, "Finance": 60, "Board": 5}
    # when scored
    result = score_dataset(values, items, units=units, invited=invited, settings=FAST)
    # then a parent's invited count is its subtree's sum and the rate is respondents / invited
    sales = result.units["Sales"]
    assert sales.n_invited == 180 and sales.response_rate == pytest.approx(sales.n_respondents / 180)
    assert result.organisation.n_invited == 365


def test_every_answer_dont_know_gives_empty_figures_not_errors() -> None:
    # given 30 respondents who answered "don't know" to everything
    items = instrument()
    values = np.full((30, len(items)), np.nan)
    # when scored
    out = score_dataset(values, items, units=["A"] * 30, settings=FAST).to_dict()
    # then counts are 0, statistics None, don't know rate 1, and the JSON is safe
    competence = out["dimensions"]["competence"]
    assert competence["n"] == 0 and competence["mean"] is None and competence["pct_favourable"] is None
    assert competence["dont_know_rate"] == 1.0 and competence["alpha"] is None
    assert out["drivers"]["reason"]
    assert_json_safe(out)


def test_one_respondent_has_a_mean_but_no_interval() -> None:
    # given a single respondent
    items = instrument()
    values = responses(1, items, seed=3, dont_know=0)
    # when scored
    out = score_dataset(values, items, settings=FAST).to_dict()
    # then the mean is reported, sd and intervals are None (not NaN), reliability says why
    competence = out["dimensions"]["competence"]
    assert competence["n"] == 1 and competence["mean"] is not None
    assert competence["sd"] is None and competence["ci_low"] is None and competence["ci_high"] is None
    assert competence["reliability"]["reason"]
    assert_json_safe(out)


def test_zero_variance_reports_alpha_as_undefined_with_a_reason() -> None:
    # given 60 respondents who all answer 4 everywhere
    items = instrument()
    out = score_dataset(np.full((60, len(items)), 4.0), items, settings=FAST).to_dict()
    # then alpha is None with the zero-variance reason, and the mean is the midpoint
    competence = out["dimensions"]["competence"]
    assert competence["alpha"] is None and competence["reliability"]["flags"] == ["zero_variance"]
    assert competence["mean"] == 4.0 and competence["pct_neutral"] == 100.0
    assert_json_safe(out)


def test_a_two_item_dimension_needs_both_answers() -> None:
    # given empathy measured by two items, respondent 0 answering one, respondent 1 both
    items = [item for item in instrument() if not item.key.startswith("empathy")]
    items += [ItemSpec("empathy_a", "empathy"), ItemSpec("empathy_b", "empathy")]
    values = np.full((2, len(items)), 5.0)
    values[0, -1] = np.nan
    # when scored / then only respondent 1 has an empathy score (ceil(2/3·2) = 2)
    result = score_dataset(values, items, settings=FAST)
    assert result.organisation.measures["empathy"].n == 1
    assert result.organisation.measures["trust_index"].n == 1


@settings(max_examples=10, deadline=None)
@given(st.randoms(use_true_random=False))
def test_scores_are_invariant_under_row_order(random: object) -> None:
    # given a dataset with units and waves, and the same rows shuffled
    values, items, units = dataset(240, seed=9)
    waves = ["w1", "w2"] * 120
    order = list(range(240))
    random.shuffle(order)  # type: ignore[attr-defined]
    # when both are scored (drivers included: resampling uses a canonical row order)
    first = score_dataset(values, items, units=units, waves=waves, settings=Settings(resamples=50, min_n_drivers=50))
    second = score_dataset(values[order], items, units=[units[i] for i in order], waves=[waves[i] for i in order],
                           settings=Settings(resamples=50, min_n_drivers=50))
    # then every reported figure is the same (to summation-order noise)
    assert_close(first.to_dict(), second.to_dict(), tol=1e-8)


def test_one_hundred_thousand_respondents_are_scored() -> None:
    # given 100,000 respondents × 15 items in 50 units / when scored / then a full, JSON-safe result
    items = instrument()
    values = responses(100_000, items, seed=12)
    rng = np.random.default_rng(12)
    units = [f"Dept {u // 5}/Team {u % 5}" for u in rng.integers(0, 50, 100_000)]
    result = score_dataset(values, items, units=units)
    assert isinstance(result, ScoreResult) and result.organisation.n_respondents == 100_000
    assert len(result.units) == 60 and result.drivers is not None and result.drivers.reason is None
    assert_json_safe(result.to_dict())


def test_an_empty_dataset_is_a_clear_error() -> None:
    items = instrument()
    with pytest.raises(ValueError, match="no respondents"):
        score_dataset(np.empty((0, len(items))), items)
