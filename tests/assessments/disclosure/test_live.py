"""stepped_count: live counts move only in steps of k (measurement-science.md §4.2, rec. 4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.disclosure import stepped_count


@pytest.mark.parametrize(("n", "step", "shown"), [(0, 5, 0), (4, 5, 0), (5, 5, 5), (9, 5, 5), (13, 5, 10), (20, 5, 20), (7, 1, 7)])
def test_counts_round_down_to_the_step(n, step, shown):
    # given n responses so far / when shown live / then only the last full step is visible
    assert stepped_count(n, step) == shown


@pytest.mark.parametrize(("n", "step"), [(-1, 5), (3, 0), (3, -5), (True, 5), (3.0, 5)])
def test_invalid_arguments_are_rejected(n, step):
    with pytest.raises(ValueError):
        stepped_count(n, step)


@given(st.integers(0, 10_000), st.integers(1, 50))
def test_shown_count_is_a_multiple_of_the_step_and_never_ahead(n, step):
    shown = stepped_count(n, step)
    assert shown % step == 0
    assert 0 <= n - shown < step


@given(st.integers(0, 10_000), st.integers(0, 100), st.integers(3, 20))
def test_two_live_views_differ_by_zero_or_at_least_one_step(n, more, step):
    # given two looks at a growing wave / then the visible counts differ by 0 or ≥ step respondents
    difference = stepped_count(n + more, step) - stepped_count(n, step)
    assert difference == 0 or difference >= step
