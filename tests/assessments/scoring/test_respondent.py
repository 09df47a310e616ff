"""Respondent-level scoring: keying, coverage rule, POMP, indices (measurement-science.md §2.1–2.2)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assessments.scoring import ItemSpec, dimension_score, min_answered, pomp, recode, score_respondents, validate_responses

from .reference_data import instrument, responses

NAN = np.nan


@pytest.mark.parametrize(("k", "needed"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (6, 4), (9, 6)])
def test_min_answered_is_ceil_two_thirds(k: int, needed: int) -> None:
    # given k items / when the coverage rule is asked / then it is ceil(2/3·k), computed independently here
    assert min_answered(k) == needed == math.ceil(2 * k / 3 - 1e-12)


def test_dimension_score_averages_answered_items_only_with_enough_coverage() -> None:
    # given a 4-item dimension with 4, 3 and 2 answered items
    block = np.array([[7, 5, 6, 2], [7, NAN, 6, 2], [NAN, NAN, 6, 2]])
    # when scored
    scores = dimension_score(block)
    # then rows with >= 3 answers get their mean, the 2-answer row is missing (not the midpoint)
    np.testing.assert_allclose(scores[:2], [5.0, 5.0], rtol=0, atol=1e-12)
    assert np.isnan(scores[2])


def test_a_two_item_dimension_needs_both_items() -> None:
    # given a 2-item dimension: ceil(2/3·2) = 2
    block = np.array([[4, 6], [4, NAN], [NAN, NAN]])
    # when scored / then only the complete row has a score
    scores = dimension_score(block)
    assert scores[0] == 5.0 and np.isnan(scores[1]) and np.isnan(scores[2])


def test_pomp_maps_the_scale_onto_0_100() -> None:
    # given the examples of §2.2 (1→0, 3→50, 5→100 on 1–5) and 1–7
    # when converted / then the values are exact
    np.testing.assert_allclose(pomp(np.array([1, 3, 5]), 1, 5), [0, 50, 100], rtol=0, atol=1e-12)
    np.testing.assert_allclose(pomp(np.array([1, 4, 7]), 1, 7), [0, 50, 100], rtol=0, atol=1e-12)


def test_reverse_keying_is_min_plus_max_minus_x_and_keeps_dont_know() -> None:
    # given one normal and one reverse-keyed item on 1–5
    items = [ItemSpec("a", "competence", scale_max=5), ItemSpec("b", "competence", reverse=True, scale_max=5)]
    # when recoded
    out = recode(np.array([[1, 1], [4, NAN]]), items)
    # then the reverse item is 6 − x and don't know stays missing
    np.testing.assert_array_equal(out, [[1, 5], [4, NAN]])


@given(arrays(float, st.tuples(st.integers(1, 30), st.just(3)), elements=st.sampled_from([1.0, 2, 3, 4, 5, NAN])))
def test_keying_twice_is_identity(values: np.ndarray) -> None:
    # given any answers on 1–5 with don't know, all items reverse keyed
    items = [ItemSpec(f"i{j}", "competence", reverse=True, scale_max=5) for j in range(3)]
    # when recoded twice / then the answers come back unchanged (NaN where they were NaN)
    np.testing.assert_array_equal(recode(recode(values, items), items), values)


@given(st.data())
def test_pomp_scores_stay_within_0_and_100(data: st.DataObject) -> None:
    # given random answers on a random scale for every role, some reverse keyed
    low = data.draw(st.integers(0, 3))
    high = data.draw(st.integers(low + 1, low + 10))
    items = [ItemSpec(f"{d}{j}", d, reverse=j == 0, scale_min=low, scale_max=high)
             for d in ("competence", "reliability", "integrity", "empathy", "global_trust") for j in range(3)]
    points = [float(x) for x in range(low, high + 1)] + [NAN]
    values = data.draw(arrays(float, st.tuples(st.integers(1, 20), st.just(len(items))),
                              elements=st.sampled_from(points)))
    # when scored
    scores = score_respondents(values, items)
    # then every valid POMP score lies in [0, 100]
    for series in scores.pomp.values():
        valid = series[~np.isnan(series)]
        assert ((valid >= 0) & (valid <= 100)).all()


def test_trust_index_how_and_why_are_means_of_dimension_pomps() -> None:
    # given simulated answers with don't know
    items = instrument()
    values = responses(300, items, seed=3)
    # when scored
    s = score_respondents(values, items)
    # then the indices are plain means of the dimension POMPs, computed again here
    dims = np.column_stack([s.pomp[d] for d in ("competence", "reliability", "integrity", "empathy")])
    np.testing.assert_allclose(s.pomp["trust_index"], dims.mean(axis=1), rtol=0, atol=1e-12, equal_nan=True)
    np.testing.assert_allclose(s.pomp["how"], dims[:, :2].mean(axis=1), rtol=0, atol=1e-12, equal_nan=True)
    np.testing.assert_allclose(s.pomp["why"], dims[:, 2:].mean(axis=1), rtol=0, atol=1e-12, equal_nan=True)
    # and the Trust Index is missing whenever any dimension is missing
    assert np.array_equal(np.isnan(s.pomp["trust_index"]), np.isnan(dims).any(axis=1))
    assert np.isnan(dims).any()


def test_raw_scale_score_is_the_item_mean() -> None:
    # given one respondent answering 7, 6, 5, don't know on competence
    items = instrument()
    values = np.full((1, len(items)), 4.0)
    values[0, :4] = [7, 6, 5, NAN]
    # when scored / then the raw competence score is 6 and POMP is 100·(6−1)/6
    s = score_respondents(values, items)
    assert s.raw("competence")[0] == pytest.approx(6.0, abs=1e-12)
    assert s.pomp["competence"][0] == pytest.approx(500 / 6, abs=1e-12)


@pytest.mark.parametrize("bad", [0.0, 8.0, 4.5])
def test_values_off_the_scale_are_rejected_with_the_item_key(bad: float) -> None:
    # given an answer that is not a point of the 1–7 scale
    items = instrument()
    values = np.full((2, len(items)), 4.0)
    values[1, 5] = bad
    # when validated / then a ValueError names the item
    with pytest.raises(ValueError, match=items[5].key):
        validate_responses(values, items)


def test_an_instrument_without_a_dimension_is_rejected() -> None:
    # given no empathy items / when scored / then a clear error
    items = [item for item in instrument() if item.role != "empathy"]
    with pytest.raises(ValueError, match="empathy"):
        score_respondents(np.full((1, len(items)), 4.0), items)
