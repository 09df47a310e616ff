"""The independent checker must catch what it is meant to catch (otherwise the properties prove nothing)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings

from .linear_audit import LinearAudit, in_row_space, rref
from .strategies import THRESHOLDS, trees
from .test_tree_properties import subtree_members


def test_rref_and_membership_on_a_small_system():
    basis, pivots = rref([[1, 1, 0], [0, 1, 1], [1, 2, 1]], 3)
    assert len(basis) == 2 and pivots == [0, 1]
    assert in_row_space(basis, pivots, [1, 0, -1])
    assert not in_row_space(basis, pivots, [0, 0, 1])
    assert basis[0] == [Fraction(1), Fraction(0), Fraction(-1)]


def test_primary_suppression_alone_leaks_the_3_by_subtraction():
    # given children 12, 8, 3 with only the 3 hidden (no complementary suppression)
    audit = LinearAudit([["A", "B", "C"], ["A"], ["B"]], {"A": 12, "B": 8, "C": 3})
    # then the checker finds the 3: P − A − B
    assert audit.small_disclosed_sets(5) == [frozenset({"C"})]


def test_direct_members_leak_through_the_parent_minus_both_children():
    audit = LinearAudit([["P", "A", "B"], ["A"], ["B"]], {"P": 2, "A": 10, "B": 10})
    assert audit.small_disclosed_sets(5) == [frozenset({"P"})]


def test_a_published_grandchild_below_a_hidden_child_is_caught():
    # P → C (hidden, direct 0) → D published; P → S 3 hidden: P − D = S
    audit = LinearAudit([["P", "C", "D", "S"], ["D"]], {"P": 0, "C": 0, "D": 8, "S": 3})
    assert audit.small_disclosed_sets(5) == [frozenset({"S"})]


def test_two_small_hidden_cells_are_caught_as_a_union():
    audit = LinearAudit([["A", "B", "C"], ["A"]], {"A": 12, "B": 2, "C": 2})
    assert audit.small_disclosed_sets(5) == [frozenset({"B", "C"})]


def test_classic_rule_is_not_enough_two_cycles_joined_by_a_bridge():
    # given a 4 × 4 table whose hidden cells form two 2 × 2 cycles joined by one bridge cell (r2, c3)
    # of 1 respondent: every row and column holds at least two hidden cells (the classic rule holds)
    hidden = {
        ("r1", "c1"): 9,
        ("r1", "c2"): 9,
        ("r2", "c1"): 9,
        ("r2", "c2"): 9,
        ("r2", "c3"): 1,
        ("r3", "c3"): 9,
        ("r3", "c4"): 9,
        ("r4", "c3"): 9,
        ("r4", "c4"): 9,
    }
    rows = {r: [c for c in hidden if c[0] == r] for r in ("r1", "r2", "r3", "r4")}
    cols = {k: [c for c in hidden if c[1] == k] for k in ("c1", "c2", "c3", "c4")}
    assert all(len(cells) >= 2 for cells in [*rows.values(), *cols.values()])
    # when every margin is published / then rows r1 + r2 − columns c1 − c2 isolate the bridge
    audit = LinearAudit([*rows.values(), *cols.values()], hidden)
    assert frozenset({("r2", "c3")}) in audit.small_disclosed_sets(5)


def test_a_two_by_two_cycle_with_published_margins_is_safe():
    hidden = {("a", "x"): 1, ("a", "y"): 10, ("b", "x"): 10, ("b", "y"): 10}
    lines = [[("a", "x"), ("a", "y")], [("b", "x"), ("b", "y")], [("a", "x"), ("b", "x")], [("a", "y"), ("b", "y")]]
    assert LinearAudit(lines, hidden).small_disclosed_sets(5) == []


@settings(max_examples=200, deadline=None)
@given(trees(max_nodes=12), THRESHOLDS)
def test_block_method_agrees_with_exhaustive_enumeration(nodes, k):
    # given any set of groups of a small tree as "published" (every other unit, no suppression logic)
    groups = subtree_members(nodes)
    published = [groups[n.id] for n in nodes if n.id % 2 == 0]
    audit = LinearAudit(published, {n.id: n.direct for n in nodes})
    # then the fast block method and the 2^rank enumeration find the same small derivable sets
    fast = set(audit.small_disclosed_sets(k))
    slow = {s for s in audit._enumerate_pivot_choices() if 0 < sum(audit.sizes[a] for a in s) < k}
    assert fast == slow
