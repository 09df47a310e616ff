"""Hand-worked examples of suppress_tree (rules in assessments/disclosure/tree.py, measurement-science.md §4.2)."""

from __future__ import annotations

import pytest

from assessments.disclosure import (
    BELOW_THRESHOLD,
    COMPLEMENTARY,
    EMPTY,
    PUBLISHED,
    REMAINDER,
    DisclosurePolicy,
    Node,
    suppress_tree,
    tree_remainders,
)

from .linear_audit import LinearAudit

K5 = DisclosurePolicy()


def reasons(result) -> dict:
    return {unit: d.reason for unit, d in result.decisions.items()}


def shown(result) -> set:
    return set(result.published())


def test_children_12_8_3_hide_the_3_and_the_8():
    # given a parent (no direct members) with children of 12, 8 and 3 respondents
    nodes = [Node("P", None), Node("A", "P", 12), Node("B", "P", 8), Node("C", "P", 3)]
    # when suppressed with k = 5
    result = suppress_tree(nodes, K5)
    # then the 3 is hidden (primary) and the next smallest sibling, the 8, is hidden with it
    assert reasons(result) == {"P": PUBLISHED, "A": PUBLISHED, "B": COMPLEMENTARY, "C": BELOW_THRESHOLD}
    assert result["B"].related == "P"
    # and the parent minus the published child leaves 11 ≥ 5, never the 3 alone (A's own
    # remainder is its 12 direct members)
    assert tree_remainders(nodes, result.decisions) == {"P": 11, "A": 12}


def test_direct_members_2_with_children_10_and_10_hide_one_child():
    # given a manager's unit with 2 respondents attached directly and two teams of 10
    nodes = [Node("P", None, 2), Node("A", "P", 10), Node("B", "P", 10)]
    # when suppressed
    result = suppress_tree(nodes, K5)
    # then the 2 direct members are an implicit hidden child: P − A − B = 2 would isolate them,
    # so one team (the first of the equal ones) is hidden, reason "remainder", and P stays visible
    assert reasons(result) == {"P": PUBLISHED, "A": REMAINDER, "B": PUBLISHED}
    assert result["A"].related == "P"
    assert tree_remainders(nodes, result.decisions)["P"] == 12


def test_a_unit_with_exactly_the_threshold_is_shown_and_one_less_is_hidden():
    # given leaves of exactly k and k − 1 under a big parent
    nodes = [Node("P", None, 20), Node("A", "P", 5), Node("B", "P", 4)]
    result = suppress_tree(nodes, K5)
    # then 5 is shown, 4 is hidden; the remainder 20 + 4 protects the 4
    assert result["A"].published and result["A"].reason == PUBLISHED
    assert result["B"] == result["B"].__class__(False, BELOW_THRESHOLD)
    assert result["P"].published


def test_empty_units_are_empty_never_complements_and_never_need_protection():
    # given a parent with children of 12, 3 and 0 respondents
    nodes = [Node("P", None), Node("A", "P", 12), Node("B", "P", 3), Node("E", "P", 0)]
    result = suppress_tree(nodes, K5)
    # then the empty unit is "empty" (nothing to show) and is not used as a complement —
    # hiding nobody protects nobody — so the 12 is hidden instead
    assert reasons(result) == {"P": PUBLISHED, "A": COMPLEMENTARY, "B": BELOW_THRESHOLD, "E": EMPTY}


def test_an_empty_sibling_does_not_trigger_suppression():
    # given children of 10, 10 and 0: P − A − B = 0 isolates nobody
    nodes = [Node("P", None), Node("A", "P", 10), Node("B", "P", 10), Node("E", "P", 0)]
    assert shown(suppress_tree(nodes, K5)) == {"P", "A", "B"}


def test_two_hidden_children_that_together_reach_the_threshold_need_no_complement():
    # given children 12, 3, 3: P − A = 6 is a group of 6 ≥ 5 — the measurement-science rule
    nodes = [Node("P", None), Node("A", "P", 12), Node("B", "P", 3), Node("C", "P", 3)]
    assert reasons(suppress_tree(nodes, K5)) == {"P": PUBLISHED, "A": PUBLISHED, "B": BELOW_THRESHOLD, "C": BELOW_THRESHOLD}


def test_two_hidden_children_below_threshold_together_still_need_a_complement():
    # given children 12, 2, 2: "two hidden siblings" is not enough when they sum to 4 < 5
    nodes = [Node("P", None), Node("A", "P", 12), Node("B", "P", 2), Node("C", "P", 2)]
    result = suppress_tree(nodes, K5)
    assert shown(result) == {"P"}
    assert result["A"].reason == COMPLEMENTARY


def test_primary_suppression_cascades_up_two_levels_then_a_complement_at_the_third():
    # given Org → Division V (direct 1) → Team D (teams T1, T2 of 1 each); Org also has W 10, X 12
    nodes = [
        Node("Org", None),
        Node("V", "Org", 1),
        Node("D", "V"),
        Node("T1", "D", 1),
        Node("T2", "D", 1),
        Node("W", "Org", 10),
        Node("X", "Org", 12),
    ]
    result = suppress_tree(nodes, K5)
    # then the teams (1), D (2) and V (3) are hidden by the threshold, and Org − W − X = 3 forces
    # the next smallest sibling W to be hidden as well
    assert reasons(result) == {
        "Org": PUBLISHED,
        "V": BELOW_THRESHOLD,
        "D": BELOW_THRESHOLD,
        "T1": BELOW_THRESHOLD,
        "T2": BELOW_THRESHOLD,
        "W": COMPLEMENTARY,
        "X": PUBLISHED,
    }


def test_a_derivable_sibling_is_not_enough_the_complement_goes_one_level_down():
    # given Org → A (no direct members; teams A1 10, A2 10) and Org → B 3
    nodes = [Node("Org", None), Node("A", "Org"), Node("A1", "A", 10), Node("A2", "A", 10), Node("B", "Org", 3)]
    result = suppress_tree(nodes, K5)
    # then hiding A alone would not help (A = A1 + A2 is derivable), so A and the smaller team A1
    # are hidden: Org − A2 = 13 = A1 + B, and B stays protected
    assert reasons(result) == {"Org": PUBLISHED, "A": COMPLEMENTARY, "A1": COMPLEMENTARY, "A2": PUBLISHED, "B": BELOW_THRESHOLD}
    audit = LinearAudit([["Org", "A", "A1", "A2", "B"], ["A2"]], {"Org": 0, "A": 0, "A1": 10, "A2": 10, "B": 3})
    assert not audit.derivable(["B"])


def test_a_published_grandchild_is_subtracted_too():
    # given P → C (direct 0) → D 8 and P → S 3: hiding C alone leaves P − D = 3 = S
    nodes = [Node("P", None), Node("C", "P"), Node("D", "C", 8), Node("S", "P", 3)]
    result = suppress_tree(nodes, K5)
    # then the complement is D itself (C is just D again), and P − nothing = 11
    assert shown(result) == {"P"}
    assert tree_remainders(nodes, result.decisions) == {"P": 11}


def test_a_small_root_hides_everything():
    nodes = [Node("Org", None, 1), Node("A", "Org", 2)]
    assert shown(suppress_tree(nodes, K5)) == set()


def test_a_forest_is_handled_tree_by_tree():
    nodes = [Node("X", None), Node("X1", "X", 9), Node("X2", "X", 1), Node("Y", None), Node("Y1", "Y", 7)]
    result = suppress_tree(nodes, K5)
    assert shown(result) == {"X", "Y", "Y1"}


def test_comments_use_the_comments_threshold():
    # given teams of 12 and 8 under a department / when suppressing comment lists (k = 10)
    nodes = [Node("P", None), Node("A", "P", 12), Node("B", "P", 8)]
    result = suppress_tree(nodes, K5, comments=True)
    # then the 8 is too small for comments and the 12 is hidden with it
    assert reasons(result) == {"P": PUBLISHED, "A": COMPLEMENTARY, "B": BELOW_THRESHOLD}


def test_threshold_from_the_policy_is_respected():
    nodes = [Node("P", None), Node("A", "P", 7), Node("B", "P", 7)]
    assert shown(suppress_tree(nodes, DisclosurePolicy(min_group=8, min_comments=10))) == {"P"}
    assert shown(suppress_tree(nodes, DisclosurePolicy(min_group=7, min_comments=10))) == {"P", "A", "B"}


def test_result_carries_subtree_sizes_and_is_read_only():
    nodes = [Node("P", None, 1), Node("A", "P", 12)]
    result = suppress_tree(nodes, K5)
    assert dict(result.sizes) == {"P": 13, "A": 12}
    with pytest.raises(TypeError):
        result.decisions["P"] = None  # type: ignore[index]


def test_a_deep_chain_does_not_hit_the_recursion_limit():
    # given a chain of 5,000 units, each with 1 direct respondent
    nodes = [Node(0, None, 1)] + [Node(i, i - 1, 1) for i in range(1, 5000)]
    result = suppress_tree(nodes, K5)
    # then, although each unit differs from its child by one person, every remainder an attacker
    # can compute is 0 or ≥ 5, and the single bottom-up sweep already reached the fixed point
    remainders = tree_remainders(nodes, result.decisions)
    assert all(r == 0 or r >= 5 for r in remainders.values())
    assert result.passes <= 2


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        ([Node("A", None), Node("A", None)], "unique"),
        ([Node("A", "missing")], "unknown parent"),
        ([Node("A", "B"), Node("B", "A")], "cycle"),
        ([Node("A", None, -1)], "integer ≥ 0"),
        ([Node("A", None, 1.5)], "integer ≥ 0"),
    ],
)
def test_invalid_trees_are_rejected(nodes, message):
    with pytest.raises(ValueError, match=message):
        suppress_tree(nodes, K5)
