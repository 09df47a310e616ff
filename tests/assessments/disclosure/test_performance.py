"""Smoke tests for size: 2,000 units, a wide table. No timing assertions; bounded iterations asserted."""

from __future__ import annotations

import random

from assessments.disclosure import DisclosurePolicy, Node, suppress_table, suppress_tree, tree_remainders


def random_org(units: int, seed: int = 0) -> list[Node]:
    rng = random.Random(seed)
    nodes = [Node(0, None, rng.randint(0, 3))]
    for uid in range(1, units):
        parent = rng.randrange(max(0, uid - 50), uid)  # recent parents: deep and bushy
        nodes.append(Node(uid, parent, rng.choice([0, 0, 1, 2, 3, 4, 5, 8, 12])))
    return nodes


def test_two_thousand_units_are_suppressed_in_one_repairing_sweep():
    # given an organisation of 2,000 units, many of them small
    nodes = random_org(2000)
    # when suppressed (well under a second on a laptop)
    result = suppress_tree(nodes, DisclosurePolicy())
    # then the fixed point is reached in bounded sweeps and every remainder is 0 or ≥ 5
    assert result.passes <= 2
    assert sum(d.reason == "complementary" or d.reason == "remainder" for d in result.decisions.values()) > 0
    assert all(r == 0 or r >= 5 for r in tree_remainders(nodes, result.decisions).values())


def test_a_wide_table_of_80_units_by_8_bands_terminates():
    rng = random.Random(1)
    table = {(f"u{r}", f"band{c}"): rng.choice([0, 1, 2, 3, 6, 9, 15]) for r in range(80) for c in range(8)}
    result = suppress_table(table, DisclosurePolicy())
    assert result.passes <= len(table) + 80 + 8 + 2
    assert all(not d.published or table[cell] >= 5 for cell, d in result.cells.items())
