"""Hand-worked examples of suppress_table (rules in assessments/disclosure/table.py, measurement-science.md §4.2)."""

from __future__ import annotations

import pytest

from assessments.disclosure import (
    BELOW_THRESHOLD,
    COMPLEMENTARY,
    EMPTY,
    EXTERNAL,
    PUBLISHED,
    DisclosurePolicy,
    Node,
    suppress_table,
    suppress_tree,
)

from .linear_audit import LinearAudit
from .test_table_properties import audit_for

K5 = DisclosurePolicy()


def cell_reasons(result) -> dict:
    return {cell: d.reason for cell, d in result.cells.items()}


def test_a_table_without_small_cells_is_published_whole():
    table = {("a", "x"): 10, ("a", "y"): 10, ("b", "x"): 10, ("b", "y"): 10}
    result = suppress_table(table, K5)
    assert all(d.published for d in [*result.cells.values(), *result.rows.values(), *result.cols.values(), result.total])
    assert result.passes == 1


def test_one_small_cell_needs_a_full_two_by_two_cycle():
    # given units a, b × tenure bands x, y with one cell of 1 respondent
    table = {("a", "x"): 1, ("a", "y"): 10, ("b", "x"): 10, ("b", "y"): 10}
    # when suppressed
    result = suppress_table(table, K5)
    # then the line rule hides (a, y) for row a and (b, x) for column x; the exact audit finds that
    # those three form a path — row b gives (b, x), then column x gives (a, x) = 1 — and hides (b, y)
    assert cell_reasons(result) == {
        ("a", "x"): BELOW_THRESHOLD,
        ("a", "y"): COMPLEMENTARY,
        ("b", "x"): COMPLEMENTARY,
        ("b", "y"): COMPLEMENTARY,
    }
    assert result.cells[("a", "y")].related == ("row", "a")
    assert result.cells[("b", "y")].related == (("a", "x"),)  # the hidden set its audit repair protects
    # and all margins stay visible: a 2 × 2 cycle of hidden cells cannot be solved
    assert all(d.published for d in [*result.rows.values(), *result.cols.values(), result.total])
    assert audit_for(table, result).small_disclosed_sets(5) == []


def test_a_small_unit_hides_its_row_and_the_subtraction_from_the_total_is_blocked():
    # given unit a with 2 respondents (1 per band) beside units b and c of 20 each
    table = {("a", "x"): 1, ("a", "y"): 1, ("b", "x"): 10, ("b", "y"): 10, ("c", "x"): 10, ("c", "y"): 10}
    result = suppress_table(table, K5)
    # then row a is hidden; total − b − c would give a, so one more unit margin goes (b, the first of
    # the two equal candidates, as the tree would choose), with its cells, and column sums stay safe
    assert result.rows["a"].reason == BELOW_THRESHOLD
    assert result.rows["b"].reason == COMPLEMENTARY
    assert result.rows["c"].published and result.total.published
    assert audit_for(table, result).small_disclosed_sets(5) == []


def test_units_hidden_by_the_tree_are_passed_in_and_no_extra_margin_is_needed():
    # given the same organisation as a tree: the tree hides a (2) and b (complement)
    tree = suppress_tree([Node("org", None), Node("a", "org", 2), Node("b", "org", 20), Node("c", "org", 20)], K5)
    hidden_units = [u for u in ("a", "b", "c") if not tree[u].published]
    assert hidden_units == ["a", "b"]
    table = {("a", "x"): 1, ("a", "y"): 1, ("b", "x"): 10, ("b", "y"): 10, ("c", "x"): 10, ("c", "y"): 10}
    # when the table gets the tree's hidden units as hidden rows
    result = suppress_table(table, K5, hidden_rows=hidden_units, hide_total=not tree["org"].published)
    # then the table agrees with the tree and only hides cells
    assert result.rows["b"].reason == EXTERNAL
    assert {r: d.published for r, d in result.rows.items()} == {"a": False, "b": False, "c": True}
    assert not any(d.reason == COMPLEMENTARY for d in [*result.rows.values(), *result.cols.values()])
    assert audit_for(table, result).small_disclosed_sets(5) == []


def test_a_hidden_unit_whose_cells_are_all_published_does_not_protect_anything():
    # given unit b hidden by the tree (complement) but its two cells of 6 each big enough on their own
    table = {("a", "x"): 1, ("a", "y"): 1, ("b", "x"): 6, ("b", "y"): 6, ("c", "x"): 10, ("c", "y"): 10}
    result = suppress_table(table, K5, hidden_rows=["b"])
    # then total − c − (b, x) − (b, y) would be a's 2: at least one of b's cells must be hidden too
    assert not all(result.cells[("b", c)].published for c in ("x", "y"))
    assert audit_for(table, result).small_disclosed_sets(5) == []


def test_missing_cells_are_empty_and_empty_cells_never_need_protection():
    table = {("a", "x"): 10, ("b", "y"): 10}
    result = suppress_table(table, K5)
    assert result.cells[("a", "y")].reason == EMPTY
    assert result.cells[("b", "x")].reason == EMPTY
    assert result.cells[("a", "x")].reason == PUBLISHED


def test_small_column_margin_against_the_total_is_protected():
    # given an org-wide tenure band x of 3 respondents: total − band y would reveal it
    table = {("a", "x"): 1, ("a", "y"): 4, ("b", "x"): 2, ("b", "y"): 98}
    result = suppress_table(table, K5)
    assert result.cols["x"].reason == BELOW_THRESHOLD
    audit = audit_for(table, result)
    assert audit.small_disclosed_sets(5) == []
    assert not audit.derivable([("a", "x"), ("b", "x")])


def test_classic_rule_counterexample_is_repaired():
    # given a 4 × 4 table where the classic rule alone can leave a bridge between two hidden cycles
    big = 9
    table = {(f"r{i}", f"c{j}"): big for i in range(1, 5) for j in range(1, 5)}
    table[("r2", "c3")] = 1
    result = suppress_table(table, K5)
    # then the exact audit leaves no linear combination that isolates the 1
    assert audit_for(table, result).small_disclosed_sets(5) == []


def test_invalid_tables_are_rejected():
    with pytest.raises(ValueError, match="pairs"):
        suppress_table({"a": 3}, K5)
    with pytest.raises(ValueError, match="integer ≥ 0"):
        suppress_table({("a", "x"): -1}, K5)
    with pytest.raises(ValueError, match="not in the table"):
        suppress_table({("a", "x"): 10}, K5, hidden_rows=["zz"])


def test_linear_audit_sees_the_leak_when_only_primary_suppression_is_applied():
    # given the one-small-cell table with only the primary cell hidden
    hidden = {("a", "x"): 1}
    lines = [[("a", "x"), ("a", "y")], [("a", "x"), ("b", "x")]]
    # then row a minus its published cell gives the 1: the complements above are necessary
    assert LinearAudit(lines, hidden).small_disclosed_sets(5) == [frozenset({("a", "x")})]
