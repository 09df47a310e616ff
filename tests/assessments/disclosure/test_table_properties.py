"""Property tests for suppress_table against the independent exact audit (linear_audit.py).

For every generated units × attribute table (1..5 × 1..5 cells, counts 0..30 with half 0..4,
thresholds 3..10, sometimes margins or the total already hidden by the caller):

1. no published cell, row, column or total has 0 < n < k; forced margins stay hidden;
2. no set of 1..k−1 respondents (any union of cells) lies in the row space of the published
   cells, margins and total — exact rational algebra, all linear combinations;
3. the classic rule holds where it matters: every published line containing a below-threshold
   hidden cell contains at least two hidden cells;
4. the result is deterministic and the audit loop ends within its bound.

Reduction used in (2): published cells are unit vectors of the row space, so a set is derivable
iff its hidden part is a combination of the margins' hidden parts; any set containing a published
non-empty cell already has ≥ k respondents by (1). The audit therefore works over the hidden
non-empty cells only, which keeps its rank ≤ rows + columns + 1 and its 2^rank search exhaustive.
"""

from __future__ import annotations

from hypothesis import event, given, settings
from hypothesis import strategies as st

from assessments.disclosure import BELOW_THRESHOLD, EXTERNAL, DisclosurePolicy, suppress_table

from .linear_audit import LinearAudit
from .strategies import THRESHOLDS, forced_margins, tables

EXAMPLES = 400


def policy(k: int) -> DisclosurePolicy:
    return DisclosurePolicy(min_group=k, min_comments=max(k, 10))


def lines_of(table: dict) -> dict:
    """("row", r) / ("col", c) / ("total", None) → the cells in that line."""
    lines: dict = {("total", None): list(table)}
    for r, c in table:
        lines.setdefault(("row", r), []).append((r, c))
        lines.setdefault(("col", c), []).append((r, c))
    return lines


def line_decision(result, line):
    kind, key = line
    return result.total if kind == "total" else (result.rows if kind == "row" else result.cols)[key]


def audit_for(table: dict, result) -> LinearAudit:
    hidden = {cell: n for cell, n in table.items() if not result.cells[cell].published}
    published_lines = [cells for line, cells in lines_of(table).items() if line_decision(result, line).published]
    return LinearAudit(published_lines, hidden)


@st.composite
def cases(draw):
    table = draw(tables())
    return table, draw(forced_margins(table)), draw(THRESHOLDS)


@settings(max_examples=EXAMPLES, deadline=None)
@given(cases())
def test_nothing_published_below_the_threshold_and_forced_margins_stay_hidden(case):
    table, forced, k = case
    result = suppress_table(table, policy(k), **forced)
    for cell, decision in result.cells.items():
        assert not decision.published or table[cell] >= k
    for line, cells in lines_of(table).items():
        n = sum(table[c] for c in cells)
        assert not line_decision(result, line).published or n >= k
    assert not any(result.rows[r].published for r in forced["hidden_rows"])
    assert not any(result.cols[c].published for c in forced["hidden_cols"])
    assert not (forced["hide_total"] and result.total.published)


@settings(max_examples=EXAMPLES, deadline=None)
@given(cases())
def test_no_small_set_is_in_the_row_space_of_the_published_table(case):
    # given a random table and forced margins / when suppressed
    table, forced, k = case
    result = suppress_table(table, policy(k), **forced)
    secondary = sum(1 for d in result.cells.values() if d.reason == "complementary")
    event(f"complementary cells: {min(secondary, 3)}{'+' if secondary >= 3 else ''}")
    event(f"audit rounds: {result.passes}")
    # then no union of hidden cells with 1..k−1 respondents is a linear combination of what is published
    assert audit_for(table, result).small_disclosed_sets(k) == []


@settings(max_examples=EXAMPLES, deadline=None)
@given(cases())
def test_classic_rule_for_lines_holding_a_below_threshold_cell(case):
    table, forced, k = case
    result = suppress_table(table, policy(k), **forced)
    for line, cells in lines_of(table).items():
        if not line_decision(result, line).published:
            continue
        hidden = [c for c in cells if table[c] > 0 and not result.cells[c].published]
        if any(result.cells[c].reason == BELOW_THRESHOLD for c in hidden):
            assert len(hidden) >= 2, line


@settings(max_examples=EXAMPLES, deadline=None)
@given(cases())
def test_deterministic_and_bounded(case):
    table, forced, k = case
    first = suppress_table(table, policy(k), **forced)
    again = suppress_table(dict(table), policy(k), **forced)
    assert (first.cells, first.rows, first.cols, first.total) == (again.cells, again.rows, again.cols, again.total)
    assert first.passes <= len(table) + len({r for r, _ in table}) + len({c for _, c in table}) + 2
    for r in forced["hidden_rows"]:
        assert first.rows[r].reason in (EXTERNAL, BELOW_THRESHOLD, "empty")
