"""DisclosurePolicy: defaults from measurement-science.md §4.1 and the floor of 3."""

from __future__ import annotations

import dataclasses

import pytest

from assessments.disclosure import ABSOLUTE_MIN_GROUP, Decision, DisclosurePolicy


def test_defaults_are_five_ten_three():
    # given no configuration / when the policy is created / then the industry defaults apply
    policy = DisclosurePolicy()
    assert (policy.min_group, policy.min_comments, policy.min_raters) == (5, 10, 3)
    assert policy.threshold() == 5
    assert policy.threshold(comments=True) == 10


def test_three_is_allowed():
    # given an organisation that lowers its threshold to the floor / then it is accepted
    assert DisclosurePolicy(min_group=3, min_comments=3).min_group == ABSOLUTE_MIN_GROUP == 3


@pytest.mark.parametrize("field", ["min_group", "min_comments", "min_raters"])
def test_below_three_is_rejected_with_a_clear_message(field):
    # given a threshold of 2 / when the policy is created / then a ValueError names the field and the floor
    with pytest.raises(ValueError, match=rf"{field} must be at least 3"):
        DisclosurePolicy(**{field: 2})


@pytest.mark.parametrize("value", [5.0, "5", True, None])
def test_non_integers_are_rejected(value):
    with pytest.raises(ValueError, match="must be an integer"):
        DisclosurePolicy(min_group=value)


def test_comments_threshold_cannot_be_below_figures_threshold():
    # given comments at 5 but figures at 8 / then rejected: a comment identifies more than a mean
    with pytest.raises(ValueError, match="min_comments"):
        DisclosurePolicy(min_group=8, min_comments=5)


def test_policy_and_decisions_are_frozen():
    policy = DisclosurePolicy()
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.min_group = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Decision(True, "published").published = False  # type: ignore[misc]


def test_unknown_reason_code_is_rejected():
    with pytest.raises(ValueError, match="unknown reason"):
        Decision(False, "because")
