"""rater_groups_visible: 360° anonymity rules (measurement-science.md §5; issue 9 item 2)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.disclosure import (
    ALL_RATERS,
    ATTRIBUTED,
    BELOW_THRESHOLD,
    COMPLEMENTARY,
    EMPTY,
    MERGED,
    OTHERS,
    PUBLISHED,
    REMAINDER,
    SELF,
    DisclosurePolicy,
    rater_groups_visible,
)

from .linear_audit import LinearAudit

K3 = DisclosurePolicy()


def reasons(result) -> dict:
    return {g: d.reason for g, d in result.decisions.items()}


def test_self_and_a_single_manager_are_always_shown():
    # given one manager rating and the self-rating / then both shown: self is the subject's own,
    # the manager is attributed by design (told before answering)
    result = rater_groups_visible({"self": 1, "manager": 1}, K3)
    assert reasons(result) == {"self": SELF, "manager": ATTRIBUTED, OTHERS: EMPTY, ALL_RATERS: ATTRIBUTED}


def test_groups_of_three_are_shown_and_small_groups_pool_into_others():
    # given peers 4, direct reports 2, customers 1 / then reports and customers pool into "others" (3)
    result = rater_groups_visible({"self": 1, "manager": 1, "peers": 4, "reports": 2, "customers": 1}, K3)
    assert reasons(result) == {
        "self": SELF,
        "manager": ATTRIBUTED,
        "peers": PUBLISHED,
        "reports": MERGED,
        "customers": MERGED,
        OTHERS: PUBLISHED,
        ALL_RATERS: PUBLISHED,
    }
    assert result.pooled == ("reports", "customers")
    assert result["reports"].related == OTHERS


def test_all_raters_minus_peers_must_not_reveal_a_small_group():
    # given manager 1, peers 5, reports 2: showing peers and all raters would give
    # all − manager − peers = the 2 reports
    result = rater_groups_visible({"self": 1, "manager": 1, "peers": 5, "reports": 2}, K3)
    # then peers join the pool: "others" = 7 is shown instead of peers, and the 2 stay hidden inside it
    assert reasons(result) == {
        "self": SELF,
        "manager": ATTRIBUTED,
        "peers": COMPLEMENTARY,
        "reports": MERGED,
        OTHERS: PUBLISHED,
        ALL_RATERS: PUBLISHED,
    }


def test_the_smallest_shown_group_is_the_one_pooled():
    result = rater_groups_visible({"manager": 1, "peers": 8, "customers": 4, "reports": 1}, K3)
    assert result["customers"].reason == COMPLEMENTARY
    assert result["peers"].reason == PUBLISHED
    assert result[OTHERS].published


def test_without_any_group_to_pool_all_raters_is_hidden():
    # given only a manager and 2 reports: all raters − manager = the 2 reports
    result = rater_groups_visible({"self": 1, "manager": 1, "reports": 2}, K3)
    assert result["reports"].reason == BELOW_THRESHOLD
    assert result[OTHERS].reason == BELOW_THRESHOLD
    assert result[ALL_RATERS].reason == REMAINDER
    assert result["manager"].published


def test_a_configured_threshold_of_four_applies():
    result = rater_groups_visible({"peers": 3, "reports": 4}, DisclosurePolicy(min_raters=4))
    assert result["peers"].reason == COMPLEMENTARY or result["peers"].reason == MERGED
    assert not result["peers"].published


def test_empty_groups_are_empty():
    result = rater_groups_visible({"self": 0, "manager": 0, "peers": 0}, K3)
    assert {d.reason for d in result.decisions.values()} == {EMPTY}


@pytest.mark.parametrize("counts", [{"others": 3}, {"all_raters": 3}, {"peers": -1}, {"peers": 2.0}])
def test_invalid_input_is_rejected(counts):
    with pytest.raises(ValueError):
        rater_groups_visible(counts, K3)


def test_custom_group_names():
    result = rater_groups_visible({"me": 1, "boss": 1, "peers": 3}, K3, self_group="me", manager_group="boss")
    assert result["me"].reason == SELF and result["boss"].reason == ATTRIBUTED


GROUPS = ("peers", "reports", "customers", "colleagues")


@settings(max_examples=400, deadline=None)
@given(st.fixed_dictionaries({g: st.integers(0, 6) for g in GROUPS}), st.integers(0, 2), st.integers(3, 5))
def test_no_hidden_rater_set_can_be_recovered_from_what_the_subject_sees(anonymous, manager, k):
    # given random rater counts and whatever the report shows
    counts = {"self": 1, "manager": manager, **anonymous}
    result = rater_groups_visible(counts, DisclosurePolicy(min_raters=k))
    # when every shown figure is a linear equation over the groups (the manager's answers are
    # attributed, i.e. known: size 0 in the audit, like a published atom)
    equations = [[g] for g in GROUPS if result[g].published]
    if result[OTHERS].published:
        equations.append(list(result.pooled))
    if result[ALL_RATERS].published:
        equations.append([*GROUPS, "manager"])
    sizes = {**anonymous, "manager": 0}
    # then no set of 1..k−1 anonymous raters is derivable by any combination
    assert LinearAudit(equations, sizes).small_disclosed_sets(k) == []
    # and nothing anonymous is shown below the threshold
    for g in GROUPS:
        assert not result[g].published or anonymous[g] >= k
    assert not result[OTHERS].published or sum(anonymous[g] for g in result.pooled) >= k
